//! An in-memory transport: a client and a session connected by channels, with every
//! message still going through JSON text. For tests and benchmarks; no sockets involved.
//! Like a WebSocket client, the transport answers the session's pings by itself.

use futures_util::{sink, stream};
use http::Extensions;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::channel::Channel;
use crate::driver::task::{Inbound, Outbound};
use crate::protocol::Frame;
use crate::protocol::close::CloseReason;

/// The client end of an in-memory connection to a [`Channel`].
///
/// Dropping it (or calling [`MemoryClient::close`]) ends the session.
#[derive(Debug)]
pub struct MemoryClient {
    to_server: Option<mpsc::UnboundedSender<Inbound>>,
    from_server: mpsc::UnboundedReceiver<Frame>,
    session: JoinHandle<CloseReason>,
}

impl Channel {
    /// Connects an in-memory client; the session runs on the current tokio runtime.
    pub fn connect_in_memory(&self) -> MemoryClient {
        self.connect_in_memory_with(Extensions::new())
    }

    /// [`connect_in_memory`](Self::connect_in_memory) for a client the test says
    /// something about (who it is, for example): every call of the session reads
    /// `extensions` through [`Context::extensions`](crate::Context::extensions).
    pub fn connect_in_memory_with(&self, extensions: Extensions) -> MemoryClient {
        let (to_server, incoming) = mpsc::unbounded_channel();
        let (outgoing, from_server) = mpsc::unbounded_channel();
        let channel = self.clone();
        // Weak, so that dropping the client still ends the incoming stream.
        let pong = to_server.downgrade();
        let session = tokio::spawn(async move {
            let outgoing = sink::unfold(
                (outgoing, pong),
                |(outgoing, pong), outbound: Outbound| async move {
                    match outbound {
                        Outbound::Text(frame) => outgoing.send(frame).map_err(|_| Disconnected)?,
                        Outbound::Ping(number) => {
                            if let Some(to_server) = pong.upgrade() {
                                let _ = to_server.send(Inbound::Pong(Some(number)));
                            }
                        }
                    }
                    Ok::<_, Disconnected>((outgoing, pong))
                },
            );
            let incoming = stream::unfold(incoming, |mut incoming| async move {
                incoming.recv().await.map(|inbound| (inbound, incoming))
            });
            channel
                .run_session_with(extensions, incoming, outgoing)
                .await
        });
        MemoryClient {
            to_server: Some(to_server),
            from_server,
            session,
        }
    }
}

/// The client end was dropped.
#[derive(Debug)]
struct Disconnected;

impl MemoryClient {
    /// Sends one text message to the server.
    pub fn send(&self, text: impl Into<String>) {
        if let Some(to_server) = &self.to_server {
            // A send fails only after the session ended; the message has nowhere to go.
            let _ = to_server.send(Inbound::Text(Frame::from(text.into())));
        }
    }

    /// Sends a binary frame of `len` bytes (which the protocol does not use).
    pub fn send_binary(&self, len: usize) {
        if let Some(to_server) = &self.to_server {
            let _ = to_server.send(Inbound::Binary(len));
        }
    }

    /// The next message from the server; `None` once the session has ended.
    pub async fn recv(&mut self) -> Option<Frame> {
        self.from_server.recv().await
    }

    /// A message that has already arrived, without waiting.
    pub fn try_recv(&mut self) -> Option<Frame> {
        self.from_server.try_recv().ok()
    }

    /// Closes the connection and waits for the session to end.
    pub async fn close(mut self) -> Option<CloseReason> {
        self.to_server = None;
        (&mut self.session).await.ok()
    }

    /// Waits for the server to end the session (without closing from this side).
    pub async fn closed(self) -> Option<CloseReason> {
        self.session.await.ok()
    }
}
