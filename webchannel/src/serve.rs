//! The transport-agnostic session loop: drives a [`Session`] from a stream of client
//! messages, its mailbox and its pending work, and writes what it produces to a sink.
//! The limits that concern one session live here too: its message rate, how long a
//! write may block, and whether the client still answers pings.

use std::pin::{Pin, pin};
use std::sync::Arc;

use futures_util::stream::FuturesUnordered;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::time::{Instant, Sleep, sleep_until, timeout};
use tracing::Instrument;

use crate::InvokeError;
use crate::channel::Channel;
use crate::ids::SessionId;
use crate::liveness::{Due, Liveness};
use crate::object::{BoxFuture, Invocation, Reply};
use crate::pacing::UpdatePacing;
use crate::protocol::Frame;
use crate::protocol::close::CloseReason;
use crate::rate::MessageBudget;
use crate::session::{ReplyTo, Session, Work};

/// One message from a client, as a transport hands it to [`Channel::run_session`].
#[derive(Debug, Clone)]
pub enum Inbound {
    /// A text frame: one JSON message.
    Text(Frame),
    /// A binary frame (not part of the protocol); its length.
    Binary(usize),
    /// The answer to an [`Outbound::Ping`].
    Pong,
    /// The transport refused what the client sent (too big, not UTF-8, ...); the
    /// session ends with this reason.
    Refused(CloseReason),
}

/// What the session loop asks a transport to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbound {
    /// A text frame: one JSON message.
    Text(Frame),
    /// A liveness probe; the client's answer arrives as [`Inbound::Pong`].
    Ping,
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
    /// Serves one client: reads its messages from `incoming`, writes to `outgoing`, and
    /// returns when the client leaves, the transport fails, a limit of the channel's
    /// [`Config`](crate::Config) is broken, or the session is closed.
    ///
    /// This is how transports plug in; [`Channel::router`] uses it for WebSockets.
    pub async fn run_session<I, O>(&self, incoming: I, outgoing: O) -> CloseReason
    where
        I: Stream<Item = Inbound> + Send,
        O: Sink<Outbound> + Send,
    {
        let session = Session::new(self.clone());
        // At debug level: entered on every poll, an enabled span costs a measurable share
        // of a call; the session id is also a field of every event the session logs.
        let span = tracing::debug_span!("session", id = %session.id());
        drive(session, incoming, outgoing).instrument(span).await
    }
}

async fn drive<I, O>(mut session: Session, incoming: I, outgoing: O) -> CloseReason
where
    I: Stream<Item = Inbound> + Send,
    O: Sink<Outbound> + Send,
{
    tracing::debug!("session started");
    let mut incoming = pin!(incoming);
    let mut outgoing = pin!(outgoing);
    let mailbox = Arc::clone(session.mailbox());
    // Built from the configuration rather than holding a copy of it: every byte of this
    // future is kept for every client.
    let (mut budget, mut liveness, mut pacing, write_timeout) = {
        let config = session.channel().config();
        (
            MessageBudget::new(config.message_rate),
            Liveness::new(config.ping_interval, config.pong_timeout),
            UpdatePacing::new(config),
            config.write_timeout,
        )
    };
    let mut running: FuturesUnordered<Running> = FuturesUnordered::new();
    let mut stall: Option<BoxFuture<Resolved>> = None;
    // Only while an update waits; boxed, so an idle session does not carry a timer.
    let mut flush_at: Option<Pin<Box<Sleep>>> = None;
    // Whether notify signals wake this session (the mailbox starts with yes).
    let mut notify_wakes = true;

    let reason = loop {
        let mut ping = false;
        // Reading may have left the transport something to answer on its own (a pong).
        let mut heard = false;
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
            () = async {
                match flush_at.as_mut() {
                    Some(timer) => timer.await,
                    None => std::future::pending().await,
                }
            }, if flush_at.is_some() && stall.is_none() => {
                flush_at = None;
                // Changes recorded without waking the session are in the mailbox.
                session.deliver();
                session.flush()
            }
            message = incoming.next(), if stall.is_none() => {
                let Some(message) = message else {
                    break CloseReason::ClientClosed;
                };
                liveness.heard();
                heard = true;
                if let Inbound::Refused(reason) = message {
                    break reason;
                }
                if !budget.take() {
                    break CloseReason::RateExceeded;
                }
                match message {
                    Inbound::Text(text) => session.receive(text.as_str()),
                    Inbound::Binary(len) => {
                        crate::support::warnings::complain!(
                            session.complaints(),
                            len,
                            "dropped a binary frame; the protocol uses text frames"
                        );
                        None
                    }
                    Inbound::Pong | Inbound::Refused(_) => None,
                }
            }
            // Only while the session reads: a client's answer may wait behind a stall.
            due = liveness.due(), if stall.is_none() => match due {
                Due::Ping => {
                    liveness.pinged();
                    ping = true;
                    None
                }
                Due::Gone => break CloseReason::Unresponsive,
            },
        };
        let mut work = work;
        if work.is_none() && stall.is_none() {
            // Output held until an object it describes can be read.
            work = session.blocked();
        }
        if work.is_none() && stall.is_none() && session.wants_flush() && flush_at.is_none() {
            let now = Instant::now();
            let due = pacing.due(now);
            if due <= now {
                work = session.flush();
            } else {
                flush_at = Some(Box::pin(sleep_until(due)));
            }
        }
        if let Some(bytes) = session.take_sent_update() {
            pacing.sent(Instant::now(), bytes, session.channel().session_count());
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
        if ping || heard || session.has_output() {
            let written = timeout(
                write_timeout,
                write_output(&mut session, ping, outgoing.as_mut()),
            )
            .await;
            match written {
                Ok(Ok(())) => {}
                Ok(Err(_)) => break CloseReason::TransportFailed,
                Err(_) => break CloseReason::Stalled,
            }
        }
        session.trim();
        // Told only on a change: it costs the mailbox's lock.
        let wakes = session.is_idle() && flush_at.is_none() && stall.is_none();
        if wakes != notify_wakes {
            notify_wakes = wakes;
            mailbox.set_notify_wakes(wakes);
        }
        if let Some(reason) = session.close_reason() {
            break reason;
        }
    };
    log_end(&session, reason);
    tell_objects_the_session_ended(session.channel(), session.id()).await;
    reason
}

/// One line for the end of a session: `warn` when the client broke a limit, and a count
/// of the problems that were not logged one by one.
fn log_end(session: &Session, reason: CloseReason) {
    let unlogged = session.complaints().unlogged();
    if unlogged > 0 {
        tracing::warn!(
            session = %session.id(),
            unlogged,
            "more bad messages from this client were dropped (logged at debug)"
        );
    }
    match reason {
        CloseReason::ClientClosed | CloseReason::TransportFailed | CloseReason::Shutdown => {
            tracing::debug!(session = %session.id(), reason = reason.as_str(), "session ended");
        }
        _ => {
            tracing::warn!(session = %session.id(), reason = reason.as_str(), "session closed");
        }
    }
}

/// Runs the disconnect hooks of every registered object that has one: `session` of
/// `channel` has ended. Every transport calls this when its session ends.
pub(crate) async fn tell_objects_the_session_ended(channel: &Channel, session: SessionId) {
    for object in channel.objects() {
        let Some(mut invocation) = Arc::clone(&object).disconnected(session) else {
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

/// Writes every ready frame (and a ping if one is due), then flushes once; the flush also
/// sends what the transport answers on its own (the pong to a client's ping).
async fn write_output<O: Sink<Outbound>>(
    session: &mut Session,
    ping: bool,
    mut outgoing: Pin<&mut O>,
) -> Result<(), O::Error> {
    for frame in session.take_output() {
        outgoing.feed(Outbound::Text(frame)).await?;
    }
    if ping {
        outgoing.feed(Outbound::Ping).await?;
    }
    outgoing.flush().await
}
