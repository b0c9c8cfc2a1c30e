//! Reasons meant for clients: why the runtime's own `Deserialize` implementations (object
//! references, published enums) refused a value, in words a client can act on (`no object
//! with id "x" is known to this client`, `2 is not a Mode; expected one of: ...`).
//!
//! serde carries an error as text only, so a refusal also notes its reason on the thread;
//! when the error that ends a deserialization is that very reason, the client is told it.
//! Any other error (serde's own texts, which name Rust types, or an error of a type that
//! wraps ours, such as an untagged enum) is described from the metadata instead.

use std::cell::RefCell;
use std::fmt::Display;

thread_local! {
    /// The reason of the last refusal on this thread.
    static REASON: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The error a `Deserialize` implementation returns to refuse a value with a reason meant
/// for the client.
pub fn refuse<E: serde::de::Error>(reason: impl Display) -> E {
    let reason = reason.to_string();
    let error = E::custom(&reason);
    REASON.with(|last| *last.borrow_mut() = Some(reason));
    error
}

/// Runs `deserialize`; on failure, gives the reason for the client when the error is one
/// that [`refuse`] made, along with the error.
///
/// Nothing is done before: a reason left over from an earlier refusal (one inside an
/// untagged enum that went on to succeed) can only be taken for an error with its very
/// text, which is then its text too.
pub(crate) fn with_reason<T, E: Display>(
    deserialize: impl FnOnce() -> Result<T, E>,
) -> Result<T, (E, Option<String>)> {
    deserialize().map_err(|error| {
        let reason = REASON
            .with(|last| last.borrow_mut().take())
            .filter(|reason| is_reason(&error.to_string(), reason));
        (error, reason)
    })
}

/// Whether `text` is the error `reason` became (serde_json adds where it happened).
fn is_reason(text: &str, reason: &str) -> bool {
    text.strip_prefix(reason)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(" at line "))
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Deserializer};

    use super::*;

    /// Refuses every value with a reason.
    #[derive(Debug)]
    struct Refused;

    impl<'de> Deserialize<'de> for Refused {
        fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
            Err(refuse("never accepted"))
        }
    }

    /// Tries `Refused`, then a number.
    #[derive(Debug, Deserialize)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum Either {
        Refused(Refused),
        Number(i64),
    }

    #[test]
    fn a_refusal_reaches_the_client_even_nested() {
        let refused = with_reason(|| serde_json::from_str::<Vec<Refused>>("[1]"));
        assert_eq!(
            refused.err().and_then(|(_, reason)| reason).as_deref(),
            Some("never accepted")
        );
    }

    #[test]
    fn an_error_that_wraps_a_refusal_is_not_its_reason() {
        let refused = with_reason(|| serde_json::from_str::<Either>(r#""text""#));
        let (error, reason) = refused.expect_err("no variant fits");
        assert_eq!(reason, None, "{error}");
    }

    #[test]
    fn other_errors_have_no_reason_for_the_client() {
        let refused = with_reason(|| serde_json::from_str::<i64>(r#""text""#));
        assert_eq!(refused.err().and_then(|(_, reason)| reason), None);
    }
}
