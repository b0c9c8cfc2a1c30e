//! [`RedisClock`]: Redis's clock as this process estimates it, from the heartbeat's
//! `TIME`. Batches get a deadline on it, which Redis checks on its own clock, so
//! processes whose clocks disagree still agree on when a batch expired.
//!
//! A `TIME` answer says when Redis read its clock only within half the round trip, and a
//! busy process reads answers late: one slow sample would shift the estimate by as much
//! (and make every deadline that much too early or too late). So the estimate keeps the
//! sample with the smallest uncertainty — half its round trip, plus a millisecond per
//! second of age for the drift since, far more than clocks drift.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds from this machine's clock to Redis's.
#[derive(Debug, Default)]
pub(crate) struct RedisClock {
    offset_ms: AtomicI64,
    kept: Mutex<Option<Sample>>,
}

/// One measurement of the offset.
#[derive(Debug, Clone, Copy)]
struct Sample {
    offset_ms: i64,
    round_trip_ms: i64,
    /// When it was taken, on this machine's clock.
    at_ms: i64,
}

impl Sample {
    /// How far off its offset may be at local time `now_ms`.
    fn uncertainty_ms(&self, now_ms: i64) -> i64 {
        self.round_trip_ms / 2 + now_ms.saturating_sub(self.at_ms).max(0) / 1000
    }
}

/// This machine's time, in ms since the Unix epoch.
pub(crate) fn local_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
        })
}

impl RedisClock {
    /// Redis's time now, in ms.
    pub(crate) fn now_ms(&self) -> i64 {
        local_ms().saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Redis answered `redis_ms` to a `TIME` sent at local `sent_ms` and answered at
    /// local `received_ms`: it read its clock halfway, give or take half the round trip.
    /// Kept if it is more certain than the sample kept so far.
    pub(crate) fn measured(&self, redis_ms: i64, sent_ms: i64, received_ms: i64) {
        let round_trip_ms = received_ms.saturating_sub(sent_ms).max(0);
        let sample = Sample {
            offset_ms: redis_ms.saturating_sub(sent_ms + round_trip_ms / 2),
            round_trip_ms,
            at_ms: received_ms,
        };
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        let better = kept.is_none_or(|kept| {
            sample.uncertainty_ms(received_ms) <= kept.uncertainty_ms(received_ms)
        });
        if better {
            *kept = Some(sample);
            self.offset_ms.store(sample.offset_ms, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_answer_does_not_move_the_estimate_until_it_is_the_best_there_is() {
        let clock = RedisClock::default();
        // Redis is 5 s ahead; a quick answer says so within a millisecond.
        clock.measured(105_001, 100_000, 100_002);
        assert_eq!(clock.offset_ms.load(Ordering::Relaxed), 5_000);
        // Read two seconds late by a busy process: it would say 4 s.
        clock.measured(106_000, 101_000, 103_000);
        assert_eq!(clock.offset_ms.load(Ordering::Relaxed), 5_000);
        // Another quick one replaces the first.
        clock.measured(115_003, 110_000, 110_004);
        assert_eq!(clock.offset_ms.load(Ordering::Relaxed), 5_001);
        // Twenty minutes later the old sample is worth less than a slow new one.
        clock.measured(1_315_100, 1_310_000, 1_310_200);
        assert_eq!(clock.offset_ms.load(Ordering::Relaxed), 5_000);
    }
}
