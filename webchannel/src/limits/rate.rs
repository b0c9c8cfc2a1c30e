//! [`MessageBudget`]: how many messages a session may still send, under the channel's
//! [`MessageRate`] (a token bucket, from `governor`).

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::config::MessageRate;

/// The message rate limit of one session; no limit when the rate is `None`.
#[derive(Debug)]
pub(crate) struct MessageBudget(Option<DefaultDirectRateLimiter>);

impl MessageBudget {
    pub(crate) fn new(rate: Option<MessageRate>) -> Self {
        Self(rate.map(|rate| {
            RateLimiter::direct(Quota::per_second(rate.per_second).allow_burst(rate.burst))
        }))
    }

    /// Takes one message from the budget; false when the client has sent too many.
    pub(crate) fn take(&mut self) -> bool {
        self.0
            .as_ref()
            .is_none_or(|limiter| limiter.check().is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_and_the_message_after_it_does_not() {
        let mut budget = MessageBudget::new(MessageRate::new(1, 5));
        for _ in 0..5 {
            assert!(budget.take());
        }
        assert!(!budget.take());
    }

    #[test]
    fn without_a_rate_every_message_passes() {
        let mut budget = MessageBudget::new(None);
        assert!((0..100_000).all(|_| budget.take()));
    }
}
