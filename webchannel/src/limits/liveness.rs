//! [`Liveness`]: whether a client still answers. After a quiet spell the session sends a
//! ping; a client that then stays silent past the timeout counts as gone.

use std::time::Duration;

use std::pin::Pin;

use tokio::time::{Instant, Sleep, sleep_until};

/// What [`Liveness::due`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Due {
    /// Time to send a ping (then call [`Liveness::pinged`]).
    Ping,
    /// The client did not answer the last ping in time.
    Gone,
}

/// The ping/pong state of one session.
///
/// The timer is lazy: hearing from the client only notes the time, and the timer, when it
/// fires, re-arms itself from that note. A busy session so never touches the timer wheel
/// per message.
#[derive(Debug)]
pub(crate) struct Liveness {
    interval: Duration,
    timeout: Duration,
    last_heard: Instant,
    ping_sent: Option<Instant>,
    timer: Pin<Box<Sleep>>,
}

impl Liveness {
    /// Pings after `interval` of silence and gives up `timeout` after the ping;
    /// a zero `interval` turns pings off.
    pub(crate) fn new(interval: Duration, timeout: Duration) -> Self {
        let now = Instant::now();
        Self {
            interval,
            timeout,
            last_heard: now,
            ping_sent: None,
            timer: Box::pin(sleep_until(now + interval)),
        }
    }

    /// Anything from the client shows it is alive.
    pub(crate) fn heard(&mut self) {
        self.last_heard = Instant::now();
        self.ping_sent = None;
    }

    /// A ping has just been sent.
    pub(crate) fn pinged(&mut self) {
        let now = Instant::now();
        self.ping_sent = Some(now);
        self.timer.as_mut().reset(now + self.timeout);
    }

    /// Resolves when a ping is due or the client has stayed silent too long; never when
    /// pings are off. Cancel-safe: dropping it loses nothing.
    pub(crate) async fn due(&mut self) -> Due {
        if self.interval.is_zero() {
            return std::future::pending().await;
        }
        loop {
            self.timer.as_mut().await;
            let (deadline, due) = match self.ping_sent {
                None => (self.last_heard + self.interval, Due::Ping),
                Some(sent) => (sent + self.timeout, Due::Gone),
            };
            if deadline <= Instant::now() {
                return due;
            }
            self.timer.as_mut().reset(deadline);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_quiet_client_is_pinged_then_given_up() {
        let mut liveness = Liveness::new(Duration::from_secs(30), Duration::from_secs(20));
        let start = Instant::now();
        assert_eq!(liveness.due().await, Due::Ping);
        assert_eq!(start.elapsed(), Duration::from_secs(30));
        liveness.pinged();
        assert_eq!(liveness.due().await, Due::Gone);
        assert_eq!(start.elapsed(), Duration::from_secs(50));
    }

    #[tokio::test(start_paused = true)]
    async fn hearing_from_the_client_starts_over() {
        let mut liveness = Liveness::new(Duration::from_secs(30), Duration::from_secs(20));
        liveness.pinged();
        tokio::time::advance(Duration::from_secs(10)).await;
        liveness.heard();
        let heard = Instant::now();
        assert_eq!(liveness.due().await, Due::Ping);
        assert_eq!(heard.elapsed(), Duration::from_secs(30));
    }

    #[tokio::test(start_paused = true)]
    async fn a_zero_interval_never_pings() {
        let mut liveness = Liveness::new(Duration::ZERO, Duration::from_secs(1));
        let waited = tokio::time::timeout(Duration::from_secs(3600), liveness.due()).await;
        assert!(waited.is_err());
    }
}
