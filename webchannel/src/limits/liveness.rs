//! [`Liveness`]: whether a client still answers. After a quiet spell the session sends a
//! ping; a client that then stays silent past the timeout counts as gone. With probes on,
//! a client that has been written frames since the last ping is also sent one, at most
//! every probe interval, so that its pongs show how far it has read.

use std::time::Duration;

use std::pin::Pin;

use tokio::time::{Instant, Sleep, sleep_until};

use crate::support::nanos::Nanos;

/// What [`Liveness::due`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Due {
    /// Time to send a ping (then call [`Liveness::pinged`]).
    Ping,
    /// Time to send a probe: a ping after frames the client has not been pinged behind.
    Probe,
    /// The client did not answer the last ping in time.
    Gone,
}

/// The ping/pong state of one session.
///
/// The timer is lazy: hearing from the client only notes the time, and the timer, when it
/// fires, re-arms itself from that note. A busy session so never touches the timer wheel
/// per message, and with probes on, at most once per probe interval.
///
/// Every connected client carries one, so spans are kept in nanoseconds (a `u64` holds
/// 584 years) and the probe interval in microseconds (71 minutes, more than any probe
/// wants), not in 16-byte `Duration`s.
#[derive(Debug)]
pub(crate) struct Liveness {
    interval: Nanos,
    timeout: Nanos,
    last_heard: Instant,
    ping_sent: Option<Instant>,
    timer: Pin<Box<Sleep>>,
    probes: Option<Probes>,
}

/// When the next probe may go, and whether one is wanted.
#[derive(Debug)]
struct Probes {
    /// The earliest time for the next probe: the last ping plus the interval.
    next: Instant,
    /// The interval, in microseconds.
    interval_us: u32,
    /// Whether frames were written after the last ping.
    unprobed: bool,
}

impl Probes {
    /// Probes every `interval` (at most 71 minutes), the first one `interval` after `now`.
    fn first(interval: Duration, now: Instant) -> Self {
        let mut probes = Self {
            next: now,
            interval_us: u32::try_from(interval.as_micros()).unwrap_or(u32::MAX),
            unprobed: false,
        };
        probes.next = now + probes.interval();
        probes
    }

    fn interval(&self) -> Duration {
        Duration::from_micros(u64::from(self.interval_us))
    }
}

impl Liveness {
    /// Pings after `interval` of silence and gives up `timeout` after the ping;
    /// a zero `interval` turns pings off. Probes every `probe` while there are frames
    /// written since the last ping, if `probe` is given, the first one `probe` after the
    /// start: a client that has just connected has read nothing worth showing, and a ping
    /// it has to answer while it sends its first messages only costs both sides.
    pub(crate) fn new(interval: Duration, timeout: Duration, probe: Option<Duration>) -> Self {
        let now = Instant::now();
        Self {
            interval: Nanos::of(interval),
            timeout: Nanos::of(timeout),
            last_heard: now,
            ping_sent: None,
            timer: Box::pin(sleep_until(now + interval)),
            probes: probe.map(|interval| Probes::first(interval, now)),
        }
    }

    /// Anything from the client shows it is alive.
    pub(crate) fn heard(&mut self) {
        self.last_heard = Instant::now();
        self.ping_sent = None;
    }

    /// A ping has just been sent because one was due.
    pub(crate) fn pinged(&mut self) {
        let now = Instant::now();
        self.ping_sent = Some(now);
        self.timer.as_mut().reset(now + self.timeout.get());
    }

    /// Whether a probe should follow the frames about to be written (`frames`: whether
    /// there are any): frames are waiting to be probed behind and the interval has passed.
    // Called for every write: with probes off it is one branch.
    #[inline]
    pub(crate) fn probe_now(&self, frames: bool) -> bool {
        match &self.probes {
            Some(probes) if probes.unprobed || frames => probes.next <= Instant::now(),
            _ => false,
        }
    }

    /// Frames were written (`frames`: whether there were any), followed by a ping if
    /// `pinged`.
    // Called for every write, as `probe_now` is.
    #[inline]
    pub(crate) fn wrote(&mut self, frames: bool, pinged: bool) {
        let Some(probes) = &mut self.probes else {
            return;
        };
        if pinged {
            probes.unprobed = false;
            probes.next = Instant::now() + probes.interval();
        } else if frames && !probes.unprobed {
            probes.unprobed = true;
            // The timer may be set far later, for a liveness ping.
            if self.timer.deadline() > probes.next {
                self.timer.as_mut().reset(probes.next);
            }
        }
    }

    /// Resolves when a ping or a probe is due or the client has stayed silent too long;
    /// never when both pings and probes are off. Cancel-safe: dropping it loses nothing.
    pub(crate) async fn due(&mut self) -> Due {
        if self.interval.is_zero() && self.probes.is_none() {
            return std::future::pending().await;
        }
        loop {
            self.timer.as_mut().await;
            let now = Instant::now();
            let liveness = (!self.interval.is_zero()).then(|| match self.ping_sent {
                None => (self.last_heard + self.interval.get(), Due::Ping),
                Some(sent) => (sent + self.timeout.get(), Due::Gone),
            });
            let probe = self
                .probes
                .as_ref()
                .filter(|probes| probes.unprobed)
                .map(|probes| (probes.next, Due::Probe));
            // The earlier of the two; a far-off wake-up when there is neither.
            let (deadline, due) = match (liveness, probe) {
                (Some(a), Some(b)) => {
                    if b.0 < a.0 {
                        b
                    } else {
                        a
                    }
                }
                (Some(one), None) | (None, Some(one)) => one,
                (None, None) => (now + IDLE_WAKE, Due::Probe),
            };
            if deadline <= now {
                return due;
            }
            self.timer.as_mut().reset(deadline);
        }
    }
}

/// How long the timer sleeps with pings off and nothing to probe behind: frames written
/// meanwhile bring it forward.
const IDLE_WAKE: Duration = Duration::from_secs(3600);

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_quiet_client_is_pinged_then_given_up() {
        let mut liveness = Liveness::new(Duration::from_secs(30), Duration::from_secs(20), None);
        let start = Instant::now();
        assert_eq!(liveness.due().await, Due::Ping);
        assert_eq!(start.elapsed(), Duration::from_secs(30));
        liveness.pinged();
        assert_eq!(liveness.due().await, Due::Gone);
        assert_eq!(start.elapsed(), Duration::from_secs(50));
    }

    #[tokio::test(start_paused = true)]
    async fn hearing_from_the_client_starts_over() {
        let mut liveness = Liveness::new(Duration::from_secs(30), Duration::from_secs(20), None);
        liveness.pinged();
        tokio::time::advance(Duration::from_secs(10)).await;
        liveness.heard();
        let heard = Instant::now();
        assert_eq!(liveness.due().await, Due::Ping);
        assert_eq!(heard.elapsed(), Duration::from_secs(30));
    }

    #[tokio::test(start_paused = true)]
    async fn a_zero_interval_never_pings() {
        let mut liveness = Liveness::new(Duration::ZERO, Duration::from_secs(1), None);
        let waited = tokio::time::timeout(Duration::from_secs(3600), liveness.due()).await;
        assert!(waited.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn frames_written_since_the_last_ping_are_probed_at_most_every_interval() {
        let second = Duration::from_secs(1);
        let mut liveness = Liveness::new(Duration::ZERO, second, Some(second));
        // The first frames are not probed at once; the first probe comes an interval
        // after the start. Frames soon after a probe wait for the interval too: the timer
        // brings the next one.
        for wait_before_frames in [Duration::ZERO, Duration::from_millis(100)] {
            let start = Instant::now();
            tokio::time::advance(wait_before_frames).await;
            assert!(!liveness.probe_now(true));
            liveness.wrote(true, false);
            assert_eq!(liveness.due().await, Due::Probe);
            assert_eq!(start.elapsed(), second);
            assert!(liveness.probe_now(false));
            liveness.wrote(false, true);
        }
        // Nothing written since: nothing to probe.
        let waited = tokio::time::timeout(Duration::from_secs(600), liveness.due()).await;
        assert!(waited.is_err());
        assert!(!liveness.probe_now(false));
    }

    #[tokio::test(start_paused = true)]
    async fn without_probes_writing_changes_nothing() {
        let mut liveness = Liveness::new(Duration::from_secs(30), Duration::from_secs(20), None);
        let start = Instant::now();
        assert!(!liveness.probe_now(true));
        liveness.wrote(true, false);
        assert_eq!(liveness.due().await, Due::Ping);
        assert_eq!(start.elapsed(), Duration::from_secs(30));
    }
}
