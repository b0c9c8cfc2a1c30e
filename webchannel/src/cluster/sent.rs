//! [`Sent`]: what emitting a cluster signal returns — a future telling whether the broker
//! took it — and [`SendError`], why it did not.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::oneshot;

use super::error::BrokerError;

/// Why a cluster signal was not sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SendError {
    /// The broker did not take it: its link is down, it did not answer in time, or it
    /// refused the frame. No instance emitted it, this one included.
    Broker(BrokerError),
    /// Its arguments refer to published objects (`Handle`s), which live in one process
    /// only and cannot cross to other instances.
    CarriesObjects,
    /// The object is not registered by name on a channel, so other instances cannot find
    /// it (objects made with `Handle::new` have names of this process only).
    NotRegistered,
    /// Its arguments could not be serialized.
    Serialization(String),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Broker(error) => error.fmt(f),
            Self::CarriesObjects => f.write_str(
                "a cluster signal cannot carry published objects: they live in one process",
            ),
            Self::NotRegistered => f.write_str(
                "a cluster signal is emitted by an object registered by name on a channel",
            ),
            Self::Serialization(error) => {
                write!(f, "the signal's arguments could not be serialized: {error}")
            }
        }
    }
}

impl std::error::Error for SendError {}

/// The outcome of emitting a cluster signal: resolves `Ok` once the broker took the
/// signal (and this instance's own clients have been handed it), `Err` if it did not.
///
/// The signal goes out whether or not this future is awaited: dropping it withdraws
/// nothing. Without a cluster it is ready at once.
#[must_use = "a cluster signal is sent either way; await this to learn whether the broker took it"]
pub struct Sent(Outcome);

enum Outcome {
    Ready(Option<Result<(), SendError>>),
    Waiting(oneshot::Receiver<Result<(), SendError>>),
}

/// The sending end of a [`Sent`] that is not ready yet.
pub(crate) type SentSender = oneshot::Sender<Result<(), SendError>>;

impl Sent {
    /// An outcome known at once.
    pub(crate) fn ready(result: Result<(), SendError>) -> Self {
        Self(Outcome::Ready(Some(result)))
    }

    /// An outcome the returned sender reports later.
    pub(crate) fn waiting() -> (SentSender, Self) {
        let (sender, receiver) = oneshot::channel();
        (sender, Self(Outcome::Waiting(receiver)))
    }
}

impl Future for Sent {
    type Output = Result<(), SendError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.0 {
            Outcome::Ready(result) => Poll::Ready(result.take().unwrap_or_else(|| {
                Err(SendError::Broker(BrokerError::Failed(
                    "polled again after it completed".to_owned(),
                )))
            })),
            Outcome::Waiting(receiver) => Pin::new(receiver).poll(cx).map(|outcome| {
                outcome.unwrap_or_else(|_| {
                    Err(SendError::Broker(BrokerError::Failed(
                        "the broker dropped the signal".to_owned(),
                    )))
                })
            }),
        }
    }
}

impl fmt::Debug for Sent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Outcome::Ready(result) => f.debug_tuple("Sent").field(result).finish(),
            Outcome::Waiting(_) => f.write_str("Sent(<waiting for the broker>)"),
        }
    }
}
