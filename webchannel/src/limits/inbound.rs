//! [`ByteBudget`]: how many bytes a client may still send under the channel's
//! [`ByteRate`] (a token bucket, from `governor`). The transport counts every byte it
//! reads and, when the client has sent more than its budget allows, pauses reading until
//! the bytes are paid for: TCP then slows the sender down, and what it sends waits in its
//! own buffers rather than the server's.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

use crate::config::ByteRate;

/// The longest WebSocket frame header a client sends: 2 bytes, an 8-byte length and a
/// 4-byte mask.
const MAX_FRAME_HEADER: u32 = 14;

/// Tokio's clock, which the pauses are slept on (and which tests can stop).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TokioClock;

impl Clock for TokioClock {
    type Instant = std::time::Instant;

    fn now(&self) -> Self::Instant {
        tokio::time::Instant::now().into_std()
    }
}

/// The inbound byte rate limit of one connection.
pub(crate) struct ByteBudget<C: Clock = TokioClock> {
    limiter: RateLimiter<NotKeyed, InMemoryState, C, NoOpMiddleware<C::Instant>>,
    /// The bucket's size: the most bytes paid for at once.
    burst: NonZeroU32,
    /// Bytes read and not paid for yet.
    owed: u64,
}

impl ByteBudget {
    /// A budget of `rate`, whose burst holds at least one message of `max_message` bytes
    /// with its frame header.
    pub(crate) fn new(rate: ByteRate, max_message: usize) -> Self {
        Self::with_clock(rate, max_message, TokioClock)
    }
}

impl<C: Clock> ByteBudget<C> {
    fn with_clock(rate: ByteRate, max_message: usize, clock: C) -> Self {
        let message = u32::try_from(max_message)
            .unwrap_or(u32::MAX)
            .saturating_add(MAX_FRAME_HEADER);
        let burst = rate
            .burst
            .max(NonZeroU32::new(message).unwrap_or(rate.burst));
        Self {
            limiter: RateLimiter::direct_with_clock(
                Quota::per_second(rate.per_second).allow_burst(burst),
                clock,
            ),
            burst,
            owed: 0,
        }
    }

    /// Notes `bytes` read from the client.
    pub(crate) fn spent(&mut self, bytes: usize) {
        self.owed = self
            .owed
            .saturating_add(u64::try_from(bytes).unwrap_or(u64::MAX));
    }

    /// Pays what the budget allows of the bytes read; how long reading must pause before
    /// the rest can be paid for, or `None` to read on.
    pub(crate) fn pause(&mut self) -> Option<Duration> {
        let burst = u64::from(self.burst.get());
        while let Some(due) = NonZeroU32::new(u32::try_from(self.owed.min(burst)).unwrap_or(0)) {
            match self.limiter.check_n(due) {
                Ok(Ok(())) => self.owed -= u64::from(due.get()),
                Ok(Err(not_until)) => {
                    return Some(not_until.wait_time_from(self.limiter.clock().now()));
                }
                // `due` never exceeds the burst; nothing more can be paid.
                Err(_) => self.owed = 0,
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use governor::clock::FakeRelativeClock;

    use super::*;

    const MIB: u32 = 1 << 20;

    fn budget(
        per_second: u32,
        burst: u32,
        max_message: usize,
    ) -> (ByteBudget<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        let rate = ByteRate::new(per_second, burst).expect("a rate");
        (
            ByteBudget::with_clock(rate, max_message, clock.clone()),
            clock,
        )
    }

    #[test]
    fn a_burst_is_read_without_pausing_and_more_waits_its_time() {
        let (mut budget, clock) = budget(1_000_000, 2_000_000, 1024);
        budget.spent(2_000_000);
        assert_eq!(budget.pause(), None);
        budget.spent(500_000);
        assert_eq!(budget.pause(), Some(Duration::from_millis(500)));
        clock.advance(Duration::from_millis(499));
        assert!(budget.pause().is_some());
        clock.advance(Duration::from_millis(1));
        assert_eq!(budget.pause(), None);
    }

    #[test]
    fn the_largest_message_passes_in_one_burst_whatever_the_configured_burst() {
        let (mut budget, _clock) = budget(1000, 1000, MIB as usize);
        budget.spent(MIB as usize + MAX_FRAME_HEADER as usize);
        assert_eq!(budget.pause(), None);
        budget.spent(1);
        assert!(budget.pause().is_some());
    }

    #[test]
    fn a_read_larger_than_the_burst_is_paid_in_parts() {
        let (mut budget, clock) = budget(1000, 1000, 0);
        // Five bursts' worth at once: the first is paid, four seconds of pause follow.
        budget.spent(5 * 1000 + 5 * MAX_FRAME_HEADER as usize);
        let mut paused = Duration::ZERO;
        while let Some(wait) = budget.pause() {
            assert!(wait > Duration::ZERO);
            clock.advance(wait);
            paused += wait;
        }
        assert!(paused >= Duration::from_secs(4), "{paused:?}");
        assert!(paused <= Duration::from_secs(5), "{paused:?}");
    }

    #[test]
    fn the_average_is_the_rate() {
        let (mut budget, clock) = budget(100_000, 100_000, 0);
        let mut elapsed = Duration::ZERO;
        // A burst and ten seconds' worth, read 10,000 bytes at a time as fast as allowed.
        for _ in 0..(100_000 + 1_000_000) / 10_000 {
            budget.spent(10_000);
            while let Some(wait) = budget.pause() {
                clock.advance(wait);
                elapsed += wait;
            }
        }
        assert_eq!(elapsed, Duration::from_secs(10));
    }
}
