//! The task driver: [`Channel::run_session`] runs a session on a tokio task, reading client
//! messages from a stream and writing frames to a sink. It turns what happens (a message,
//! the mailbox's doorbell, a resolved wait, a timer) into inputs of the session's contract,
//! and enforces the limits that concern one connection: its message rate, how long a write
//! may block, and whether the client still answers pings.

use std::pin::{Pin, pin};
use std::sync::Arc;

use futures_util::stream::FuturesUnordered;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use http::Extensions;
use tokio::sync::Notify;
use tokio::time::{Sleep, sleep_until, timeout};
use tracing::Instrument;

use crate::channel::Channel;
use crate::config::Config;
use crate::fanout::mailbox::Doorbell;
use crate::limits::liveness::{Due, Liveness};
#[cfg(feature = "server")]
use crate::limits::rate::MessageBudget;
use crate::protocol::Frame;
use crate::protocol::close::CloseReason;
use crate::session::Session;
use crate::session::contract::{Awaited, Input, Transmit};
use crate::session::pacing::UpdatePacing;
use crate::support::nanos::Nanos;

/// One message from a client, as a transport hands it to [`Channel::run_session`].
#[derive(Debug, Clone)]
pub enum Inbound {
    /// A text frame: one JSON message.
    Text(Frame),
    /// A binary frame (not part of the protocol); its length.
    Binary(usize),
    /// A frame of a message that has not arrived whole yet (it comes as `Text` or `Binary`
    /// with its last frame). It counts against the message rate, like every frame, so
    /// that a client cannot send frames without end by never finishing a message.
    Fragment,
    /// A pong: the answer to an [`Outbound::Ping`], with the number it carried if the
    /// payload was eight bytes (big-endian); `None` for anything else (a client's own
    /// ping also shows it is there).
    Pong(Option<u64>),
    /// The transport refused what the client sent (too big, not UTF-8, ...); the
    /// session ends with this reason.
    Refused(CloseReason),
}

/// What the session loop asks a transport to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbound {
    /// A text frame: one JSON message.
    Text(Frame),
    /// A ping carrying this number as its eight-byte big-endian payload; the client's
    /// answer arrives as [`Inbound::Pong`] with it.
    Ping(u64),
}

/// The task's doorbell: the mailbox rings it, the loop awaits it.
#[derive(Default)]
struct Bell {
    mail: Notify,
    /// The session's backlog overflowed: awaited while a write blocks, so that a client
    /// that does not read is closed at once rather than after the write timeout.
    overflow: Notify,
}

impl Doorbell for Bell {
    fn ring(&self) {
        self.mail.notify_one();
    }

    fn overflowed(&self) {
        self.mail.notify_one();
        self.overflow.notify_one();
    }
}

/// What woke the loop.
enum Woken<'a> {
    /// Something for the session.
    Input(Input<'a>),
    /// The client sent something: a message for the session, or only a pong.
    Heard(Option<Input<'a>>),
    /// A ping (or a probe) is due.
    Ping,
}

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
        self.run_session_with(Extensions::new(), incoming, outgoing)
            .await
    }

    /// [`run_session`](Self::run_session) for a client the transport knows something
    /// about: every call of the session reads `extensions` through
    /// [`Context::extensions`](crate::Context::extensions). The WebSocket transport passes
    /// the upgrade request's.
    pub async fn run_session_with<I, O>(
        &self,
        extensions: Extensions,
        incoming: I,
        outgoing: O,
    ) -> CloseReason
    where
        I: Stream<Item = Inbound> + Send,
        O: Sink<Outbound> + Send,
    {
        self.session_loop(extensions, incoming, outgoing).await
    }

    /// The session and its loop, put together before they run. Not in the `async fn`
    /// above: a local that is borrowed there (the session, for its id) would keep a place
    /// in its future, next to the moved session's own, for as long as the client stays.
    pub(crate) fn session_loop<I, O>(
        &self,
        extensions: Extensions,
        incoming: I,
        outgoing: O,
    ) -> impl Future<Output = CloseReason> + use<I, O>
    where
        I: Stream<Item = Inbound> + Send,
        O: Sink<Outbound> + Send,
    {
        let bell = Arc::new(Bell::default());
        let pacing = UpdatePacing::new(self.config());
        let session = Session::new(
            self.clone(),
            Arc::clone(&bell) as Arc<dyn Doorbell>,
            Some(pacing),
            extensions,
        );
        // At debug level: entered on every poll, an enabled span costs a measurable share
        // of a call; the session id is also a field of every event the session logs.
        let span = tracing::debug_span!("session", id = %session.id());
        drive(
            session,
            bell,
            Limits::new(self.config()),
            incoming,
            outgoing,
        )
        .instrument(span)
    }
}

/// The limits of one session, built from the configuration rather than holding a copy of
/// it: every byte of the session's future is kept for every client.
struct Limits {
    liveness: Liveness,
    #[cfg(feature = "server")]
    budget: MessageBudget,
    write_timeout: Nanos,
}

impl Limits {
    fn new(config: &Config) -> Self {
        Self {
            liveness: Liveness::new(
                config.ping_interval,
                config.pong_timeout,
                config.probe_interval,
            ),
            #[cfg(feature = "server")]
            budget: MessageBudget::new(config.message_rate),
            write_timeout: Nanos::of(config.write_timeout),
        }
    }

    /// Takes one message from the client's budget; false when it has sent too many.
    fn take_message(&mut self) -> bool {
        #[cfg(feature = "server")]
        {
            self.budget.take()
        }
        // Without the server feature there is no rate to keep.
        #[cfg(not(feature = "server"))]
        {
            true
        }
    }
}

/// The session loop. Not an `async fn`: that would keep a second copy of its arguments
/// (the session above all) in its future, which every client keeps for as long as it is
/// connected; an `async` block uses what it captures in place.
#[expect(
    clippy::manual_async_fn,
    reason = "an async fn would keep its arguments twice in the future"
)]
fn drive<I, O>(
    mut session: Session,
    bell: Arc<Bell>,
    mut limits: Limits,
    incoming: I,
    outgoing: O,
) -> impl Future<Output = CloseReason>
where
    I: Stream<Item = Inbound> + Send,
    O: Sink<Outbound> + Send,
{
    async move {
        tracing::debug!("session started");
        let mut incoming = pin!(incoming);
        let mut outgoing = pin!(outgoing);
        // Made with the first call that runs concurrently: few sessions make one, and even an
        // empty set allocates.
        let mut running: Option<FuturesUnordered<Awaited>> = None;
        let mut blocking: Option<Awaited> = None;
        // Only while an update waits; boxed, so an idle session does not carry a timer.
        let mut timer: Option<Pin<Box<Sleep>>> = None;
        // The message being handled; the session borrows its text.
        let mut text = None;

        let reason = loop {
            // In a block of its own: what woke the loop must not keep a place in the
            // future while the frames are written.
            let (ping, heard, close) = {
                let woken = tokio::select! {
                    biased;
                    () = bell.mail.notified() => Woken::Input(Input::Mail),
                    Some(resolved) = async {
                        match running.as_mut() {
                            Some(running) => running.next().await,
                            None => None,
                        }
                    }, if running.as_ref().is_some_and(|running| !running.is_empty()) => {
                        Woken::Input(Input::Resolved(resolved))
                    }
                    resolved = async {
                        match blocking.as_mut() {
                            Some(future) => future.await,
                            None => std::future::pending().await,
                        }
                    }, if blocking.is_some() => {
                        blocking = None;
                        Woken::Input(Input::Resolved(resolved))
                    }
                    () = async {
                        match timer.as_mut() {
                            Some(timer) => timer.await,
                            None => std::future::pending().await,
                        }
                    }, if timer.is_some() && blocking.is_none() => {
                        timer = None;
                        Woken::Input(Input::Timer)
                    }
                    message = incoming.next(), if blocking.is_none() => {
                        let Some(message) = message else {
                            break CloseReason::ClientClosed;
                        };
                        limits.liveness.heard();
                        if let Inbound::Refused(reason) = message {
                            break reason;
                        }
                        if !limits.take_message() {
                            break CloseReason::RateExceeded;
                        }
                        match message {
                            Inbound::Text(frame) => Woken::Heard(Some(Input::Message(text.insert(frame).as_str()))),
                            Inbound::Binary(len) => Woken::Heard(Some(Input::Binary(len))),
                            Inbound::Pong(echoed) => Woken::Heard(Some(Input::Pong(echoed))),
                            Inbound::Refused(_) => Woken::Heard(None),
                            // Counted; nothing to do or to answer until the message is whole.
                            Inbound::Fragment => continue,
                        }
                    }
                    // Only while the session reads: a client's answer may wait behind a stall.
                    due = limits.liveness.due(), if blocking.is_none() => match due {
                        Due::Ping => {
                            limits.liveness.pinged();
                            Woken::Ping
                        }
                        Due::Probe => Woken::Ping,
                        Due::Gone => break CloseReason::Unresponsive,
                    },
                };
                // Reading may have left the transport something to answer on its own (a pong),
                // so hearing from the client always ends in a flush.
                let (input, ping, heard) = match woken {
                    Woken::Input(input) => (Some(input), false, false),
                    Woken::Heard(input) => (input, false, true),
                    Woken::Ping => (None, true, false),
                };
                let mut close = None;
                if let Some(input) = input {
                    let step = session.handle(input);
                    if let Some(future) = step.blocking {
                        blocking = Some(future);
                    }
                    if let Some(future) = step.running {
                        running
                            .get_or_insert_with(FuturesUnordered::new)
                            .push(future);
                    }
                    if timer.is_none()
                        && let Some(at) = step.wake_at
                    {
                        timer = Some(Box::pin(sleep_until(at)));
                    }
                    close = step.close;
                }
                (ping, heard, close)
            };
            text = None;
            let frames = session.transmit();
            let any = !frames.is_empty();
            let ping = ping || limits.liveness.probe_now(any);
            if ping || heard || any || frames.reaches_checkpoint() {
                let written = tokio::select! {
                    biased;
                    written = timeout(limits.write_timeout.get(), write(frames, ping, outgoing.as_mut())) => written,
                    () = bell.overflow.notified() => break CloseReason::Overflow,
                };
                match written {
                    Ok(Ok(())) => {
                        session.written(ping);
                        limits.liveness.wrote(any, ping);
                    }
                    Ok(Err(_)) => break CloseReason::TransportFailed,
                    Err(_) => break CloseReason::Stalled,
                }
            }
            if let Some(reason) = close {
                break reason;
            }
        };
        session.end(reason).tell_objects().await;
        reason
    }
}

/// Writes every ready frame (and a ping if one is due), then flushes once; the flush also
/// sends what the transport answers on its own (the pong to a client's ping). The frames
/// count against the session's backlog until the flush is done.
async fn write<O: Sink<Outbound>>(
    mut frames: Transmit<'_>,
    ping: bool,
    mut outgoing: Pin<&mut O>,
) -> Result<(), O::Error> {
    for frame in frames.by_ref() {
        outgoing.feed(Outbound::Text(frame)).await?;
    }
    if ping {
        // Every frame was counted as handed out when the transmit began, so the ping
        // carries the same checkpoint now as it would have before them.
        outgoing.feed(Outbound::Ping(frames.ping())).await?;
    }
    outgoing.flush().await?;
    drop(frames);
    Ok(())
}
