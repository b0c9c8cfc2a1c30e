//! The transport-agnostic session loop: drives a [`Session`] from a stream of client
//! messages, its mailbox and its pending work, and writes what it produces to a sink.

use std::pin::pin;
use std::sync::Arc;

use futures_util::stream::FuturesUnordered;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::time::{Instant, sleep_until};
use tracing::Instrument;

use crate::InvokeError;
use crate::channel::Channel;
use crate::object::{BoxFuture, Invocation, Reply};
use crate::protocol::Frame;
use crate::session::{CloseReason, ReplyTo, Session, Work};

/// One message from a client, as a transport hands it to [`Channel::run_session`].
#[derive(Debug, Clone)]
pub enum Inbound {
    /// A text frame: one JSON message.
    Text(Frame),
    /// A binary frame (not part of the protocol); its length.
    Binary(usize),
}

/// What blocks the session from reading further client messages.
enum Stall {
    Locking(ReplyTo, BoxFuture<Invocation>),
    Wait(BoxFuture<()>),
}

enum Resolved {
    Call(ReplyTo, Invocation),
    Readable,
}

impl Stall {
    async fn resolve(self) -> Resolved {
        match self {
            Self::Locking(reply, future) => Resolved::Call(reply, future.await),
            Self::Wait(future) => {
                future.await;
                Resolved::Readable
            }
        }
    }
}

type Running = BoxFuture<(ReplyTo, Result<Reply, InvokeError>)>;

impl Channel {
    /// Serves one client: reads its messages from `incoming`, writes frames to `outgoing`,
    /// and returns when the client leaves, the transport fails or the session is closed.
    ///
    /// This is how transports plug in; [`Channel::router`] uses it for WebSockets.
    pub async fn run_session<I, O>(&self, incoming: I, outgoing: O) -> CloseReason
    where
        I: Stream<Item = Inbound> + Send,
        O: Sink<Frame> + Send,
    {
        let session = Session::new(self.clone());
        let span = tracing::info_span!("session", id = %session.id());
        drive(session, incoming, outgoing).instrument(span).await
    }
}

async fn drive<I, O>(mut session: Session, incoming: I, outgoing: O) -> CloseReason
where
    I: Stream<Item = Inbound> + Send,
    O: Sink<Frame> + Send,
{
    tracing::debug!("session started");
    let mut incoming = pin!(incoming);
    let mut outgoing = pin!(outgoing);
    let mailbox = Arc::clone(session.mailbox());
    let interval = session.channel().config().property_update_interval;
    let mut running: FuturesUnordered<Running> = FuturesUnordered::new();
    let mut stall: Option<BoxFuture<Resolved>> = None;
    let mut flush_at: Option<Instant> = None;

    let reason = loop {
        let work = tokio::select! {
            biased;
            () = mailbox.wait() => {
                session.deliver();
                None
            }
            Some((reply, result)) = running.next(), if !running.is_empty() => {
                session.complete_call(reply, result);
                None
            }
            resolved = async {
                match stall.as_mut() {
                    Some(stalled) => stalled.await,
                    None => std::future::pending().await,
                }
            }, if stall.is_some() => {
                stall = None;
                match resolved {
                    Resolved::Call(reply, invocation) => session.resume_call(reply, invocation),
                    Resolved::Readable => session.retry(),
                }
            }
            () = sleep_until(flush_at.unwrap_or_else(Instant::now)),
                if flush_at.is_some() && stall.is_none() =>
            {
                flush_at = None;
                session.flush()
            }
            message = incoming.next(), if stall.is_none() => match message {
                Some(Inbound::Text(text)) => session.receive(text.as_str()),
                Some(Inbound::Binary(len)) => {
                    tracing::warn!(len, "dropped a binary frame; the protocol uses text frames");
                    None
                }
                None => break CloseReason::ClientClosed,
            },
        };
        let mut work = work;
        if work.is_none() && stall.is_none() {
            // Output held until an object it describes can be read.
            work = session.blocked();
        }
        if work.is_none() && stall.is_none() && session.wants_flush() {
            if interval.is_zero() {
                work = session.flush();
            } else if flush_at.is_none() {
                flush_at = Some(Instant::now() + interval);
            }
        }
        match work {
            None => {}
            Some(Work::Locking { reply, future }) => {
                stall = Some(Box::pin(Stall::Locking(reply, future).resolve()));
            }
            Some(Work::Wait(future)) => stall = Some(Box::pin(Stall::Wait(future).resolve())),
            Some(Work::Running { reply, future }) => {
                running.push(Box::pin(async move { (reply, future.await) }));
            }
        }
        if write_output(&mut session, outgoing.as_mut()).await.is_err() {
            break CloseReason::TransportFailed;
        }
        if let Some(reason) = session.close_reason() {
            break reason;
        }
    };
    tracing::debug!(reason = reason.as_str(), "session ended");
    tell_objects_the_session_ended(&session).await;
    reason
}

/// Runs the disconnect hooks of every registered object that has one.
async fn tell_objects_the_session_ended(session: &Session) {
    for object in session.channel().objects() {
        let Some(mut invocation) = Arc::clone(&object).disconnected(session.id()) else {
            continue;
        };
        let result = loop {
            match invocation {
                Invocation::Ready(result) => break result,
                Invocation::Locking(future) => invocation = future.await,
                Invocation::Running(future) => break future.await,
            }
        };
        if let Err(error) = result {
            tracing::error!(object = %object.core().name, %error, "disconnect hook failed");
        }
    }
}

/// Writes every ready frame, then flushes once.
async fn write_output<O: Sink<Frame>>(
    session: &mut Session,
    mut outgoing: std::pin::Pin<&mut O>,
) -> Result<(), O::Error> {
    let mut wrote = false;
    for frame in session.take_output() {
        outgoing.feed(frame).await?;
        wrote = true;
    }
    if wrote {
        outgoing.flush().await?;
    }
    Ok(())
}
