//! [`RedisClock`]: Redis's clock as this process estimates it, from the heartbeat's
//! `TIME`. Frames carry a deadline on it, so processes whose own clocks disagree still
//! agree on when a frame expired.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds from this machine's clock to Redis's.
#[derive(Debug, Default)]
pub(crate) struct RedisClock {
    offset_ms: AtomicI64,
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
    pub(crate) fn measured(&self, redis_ms: i64, sent_ms: i64, received_ms: i64) {
        let halfway = sent_ms + (received_ms - sent_ms) / 2;
        self.offset_ms
            .store(redis_ms.saturating_sub(halfway), Ordering::Relaxed);
    }
}
