//! The contract between a session and whatever drives it, in the manner of a sans-I/O
//! protocol engine: the driver hands the session an [`Input`] — a client message, the
//! mailbox's news, one event, something it awaited, a timer — and gets back a [`Step`]
//! saying what to await, when to come back and whether to close; the frames to write
//! come from [`Session::transmit`](super::Session::transmit), in order, and once they
//! (and the ping it may ask for) are written the driver says so with
//! [`Session::written`](super::Session::written).
//!
//! A driver owns the I/O and the clock: a task that reads a socket (`run_session`), or
//! the caller's own thread (`DirectSession`). The session does the protocol.

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::time::Instant;

use crate::error::InvokeError;
use crate::fanout::event::Event;
use crate::fanout::mailbox::Mailbox;
use crate::object::erased::{BoxFuture, ErasedObject, Invocation, Reply};
use crate::protocol::Frame;
use crate::protocol::close::CloseReason;
use crate::support::shrink::ShrinkWhenEmpty;

use super::traffic::Traffic;

/// What a driver hands its session.
pub(crate) enum Input<'a> {
    /// One text message from the client.
    Message(&'a str),
    /// A binary frame (not part of the protocol) of this length; it is only logged.
    Binary(usize),
    /// The client answered a ping; what it echoed, if the ping was the session's.
    Pong(Option<u64>),
    /// The mailbox rang: take what arrived.
    Mail,
    /// One event, handed over as it happened, while the session had nothing queued.
    Event(Event),
    /// Something a [`Step`] asked the driver to await has resolved.
    Resolved(Resolved),
    /// The instant a step named in [`Step::wake_at`] has come.
    Timer,
}

/// What an awaited future resolves to; the driver only hands it back.
pub(crate) struct Resolved(pub(super) Box<Resolution>);

pub(super) enum Resolution {
    /// A call waiting for its object's lock got it.
    Locked(ReplyTo, Invocation),
    /// A call that ran concurrently finished.
    Completed(ReplyTo, Result<Reply, InvokeError>),
    /// An object that output waited for can be read.
    Readable,
}

/// A future the driver awaits, then hands back as [`Input::Resolved`].
pub(crate) type Awaited = BoxFuture<Resolved>;

/// Where the result of a call goes, with the object the call is on.
///
/// The object is held until the call is answered: one that loses its last handle during a
/// call on it (its own method dropping it, or another client's call while this one runs)
/// lives on until the response is written, as with Qt's `deleteLater`, so its `destroyed`
/// reaches every client after the responses to the calls it had made on it, never before.
pub(super) enum ReplyTo {
    /// An `invokeMethod` with this id (as JSON text).
    Invoke {
        id: Box<str>,
        object: Arc<dyn ErasedObject>,
    },
    /// A `setProperty`; failures are logged, success is silent.
    SetProperty {
        object: Arc<dyn ErasedObject>,
        property: usize,
    },
}

/// What the session needs of its driver after one input.
#[must_use = "a step says what to await, when to come back and whether to close"]
#[derive(Default)]
pub(crate) struct Step {
    /// Await this before handing the session another client message (a call waits for
    /// its object's lock, or output for an object to be readable); other inputs go on.
    pub(crate) blocking: Option<Awaited>,
    /// Await this alongside everything else (an `async fn` call runs).
    pub(crate) running: Option<Awaited>,
    /// Hand the session [`Input::Timer`] at this instant: property updates are paced.
    pub(crate) wake_at: Option<Instant>,
    /// The session has ended: write what it produced, then close for this reason.
    pub(crate) close: Option<CloseReason>,
}

/// The frames the session produced, in order, for the driver to write; what is left
/// unread stays for the next time. Drop it once the frames taken are written (then call
/// [`Session::written`](super::Session::written)): if none is left, the mailbox stops
/// counting them against the session's backlog limit, and the queue gives back capacity
/// left over from a burst, so an idle session stays small.
pub(crate) struct Transmit<'a> {
    pub(super) output: &'a mut VecDeque<Frame>,
    pub(super) mailbox: &'a Mailbox,
    /// Bytes of the messages the session holds back, which still count.
    pub(super) held: usize,
    pub(super) traffic: &'a Traffic,
}

impl Transmit<'_> {
    /// Whether there is nothing to write.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.output.is_empty()
    }

    /// Whether writing these frames reaches a checkpoint's mark, even if there are none:
    /// the driver should write (flush) and say so.
    pub(crate) fn reaches_checkpoint(&self) -> bool {
        self.traffic.passed()
    }

    /// What a ping written after these frames carries, for the client to echo: the
    /// latest checkpoint whose mark is ahead of it. Its pong then shows the client read
    /// that far.
    pub(crate) fn ping(&self) -> u64 {
        self.traffic.ping(self.mailbox.activity())
    }
}

impl Iterator for Transmit<'_> {
    type Item = Frame;

    #[inline]
    fn next(&mut self) -> Option<Frame> {
        self.output.pop_front()
    }
}

impl Drop for Transmit<'_> {
    #[inline]
    fn drop(&mut self) {
        if self.output.is_empty() {
            self.mailbox.written(self.held);
            self.output.shrink_when_empty();
        }
    }
}
