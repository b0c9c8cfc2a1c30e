//! [`Complaints`]: a session's budget of warnings. The first few problems a client causes
//! are logged at `warn`; the rest go to `debug` and are counted, so a flood of bad
//! messages costs a handful of log lines, and the count is logged when the session ends.

use std::sync::atomic::{AtomicU64, Ordering};

/// How many problems of one session are logged at `warn`.
pub(crate) const WARNINGS_PER_SESSION: u64 = 5;

/// Counts the problems one session has caused.
#[derive(Debug, Default)]
pub(crate) struct Complaints {
    seen: AtomicU64,
}

impl Complaints {
    /// Counts a problem; true while it may still be logged at `warn`.
    pub(crate) fn may_warn(&self) -> bool {
        self.seen.fetch_add(1, Ordering::Relaxed) < WARNINGS_PER_SESSION
    }

    /// How many problems were logged at `debug` only.
    pub(crate) fn unlogged(&self) -> u64 {
        self.seen
            .load(Ordering::Relaxed)
            .saturating_sub(WARNINGS_PER_SESSION)
    }
}

/// Logs a client's problem at `warn` while the session's [`Complaints`] allow, else at
/// `debug`: `complain!(session.complaints(), field = value, "message")`.
macro_rules! complain {
    ($complaints:expr, $($arg:tt)+) => {
        if $complaints.may_warn() {
            ::tracing::warn!($($arg)+)
        } else {
            ::tracing::debug!($($arg)+)
        }
    };
}

pub(crate) use complain;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_problems_warn_and_the_rest_are_counted() {
        let complaints = Complaints::default();
        let warned = (0..1000).filter(|_| complaints.may_warn()).count();
        assert_eq!(warned as u64, WARNINGS_PER_SESSION);
        assert_eq!(complaints.unlogged(), 1000 - WARNINGS_PER_SESSION);
    }
}
