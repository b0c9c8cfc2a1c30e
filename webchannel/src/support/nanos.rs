//! [`Nanos`]: a span of time in eight bytes rather than a `Duration`'s sixteen, for state
//! every connected client carries.

use std::time::Duration;

/// A span of time in nanoseconds; a `u64` holds 584 years, and longer spans are cut to
/// that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Nanos(u64);

impl Nanos {
    pub(crate) fn of(span: Duration) -> Self {
        Self(u64::try_from(span.as_nanos()).unwrap_or(u64::MAX))
    }

    pub(crate) fn get(self) -> Duration {
        Duration::from_nanos(self.0)
    }

    pub(crate) fn is_zero(self) -> bool {
        self.0 == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_comes_back_as_it_went_in_up_to_584_years() {
        for span in [
            Duration::ZERO,
            Duration::from_nanos(1),
            Duration::from_millis(12),
            Duration::from_secs(30),
        ] {
            assert_eq!(Nanos::of(span).get(), span);
        }
        assert!(Nanos::of(Duration::ZERO).is_zero());
        assert_eq!(
            Nanos::of(Duration::MAX).get(),
            Duration::from_nanos(u64::MAX)
        );
    }
}
