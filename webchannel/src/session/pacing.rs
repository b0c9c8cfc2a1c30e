//! When a session may send its next property update.
//!
//! An update carries current values, so delaying one loses nothing: changes made meanwhile
//! ride along. Two things may delay it. The configured interval collects changes for a
//! while before the first goes out (Qt's fixed 50 ms; none by default). The update budget
//! spreads the cost of large fan-outs: after a session is sent an update of `n` bytes, its
//! next one waits `n × sessions / budget`. A counter that a hundred clients watch goes out
//! at once, every time; the user list of a chat with 10,000 members, which every login
//! changes, reaches each member every few seconds instead of after every login.

use std::time::Duration;

use tokio::time::Instant;

use crate::config::Config;

/// The property-update timing of one session.
pub(crate) struct UpdatePacing {
    interval: Duration,
    /// Bytes per second, across all sessions.
    budget: Option<u64>,
    /// No update before this instant.
    not_before: Option<Instant>,
}

impl UpdatePacing {
    pub(crate) fn new(config: &Config) -> Self {
        Self {
            interval: config.property_update_interval,
            budget: config.property_update_budget.filter(|budget| *budget > 0),
            not_before: None,
        }
    }

    /// When pending changes noticed `now` may go out; `now` itself when they may at once.
    pub(crate) fn due(&self, now: Instant) -> Instant {
        let collected = now + self.interval;
        match self.not_before {
            Some(not_before) if not_before > collected => not_before,
            _ => collected,
        }
    }

    /// An update of `bytes` went out `now`, while `sessions` sessions were connected.
    pub(crate) fn sent(&mut self, now: Instant, bytes: usize, sessions: usize) {
        let Some(budget) = self.budget else {
            return;
        };
        // Saturating: an absurd figure only means a long wait, never an overflow.
        let cost = (bytes as u128).saturating_mul(sessions as u128);
        let nanos = cost.saturating_mul(1_000_000_000) / u128::from(budget);
        let wait = Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX));
        self.not_before = now.checked_add(wait);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pacing(interval_ms: u64, budget: Option<u64>) -> UpdatePacing {
        let mut config =
            Config::default().with_property_update_interval(Duration::from_millis(interval_ms));
        config.property_update_budget = budget;
        UpdatePacing::new(&config)
    }

    #[test]
    fn small_updates_go_out_at_once() {
        let now = Instant::now();
        let mut pacing = pacing(0, Some(128 << 20));
        assert_eq!(pacing.due(now), now);
        // 20 bytes to 100 sessions: 2,000 bytes against 128 MiB/s is 15 µs.
        pacing.sent(now, 20, 100);
        assert!(pacing.due(now) - now < Duration::from_micros(20));
    }

    #[test]
    fn large_fan_outs_wait_in_proportion() {
        let now = Instant::now();
        let mut pacing = pacing(0, Some(100_000_000));
        // 100 kB to 10,000 sessions is 1 GB: ten seconds at 100 MB/s.
        pacing.sent(now, 100_000, 10_000);
        assert_eq!(pacing.due(now), now + Duration::from_secs(10));
        assert_eq!(
            pacing.due(now + Duration::from_secs(11)),
            now + Duration::from_secs(11)
        );
    }

    #[test]
    fn the_interval_collects_changes_first() {
        let now = Instant::now();
        let pacing = pacing(50, Some(1 << 30));
        assert_eq!(pacing.due(now), now + Duration::from_millis(50));
    }

    #[test]
    fn no_budget_means_no_wait() {
        let now = Instant::now();
        let mut pacing = pacing(0, None);
        pacing.sent(now, usize::MAX, usize::MAX);
        assert_eq!(pacing.due(now), now);
    }
}
