//! The WebSocket transport: `GET /` upgrades to a WebSocket (if the Origin policy admits
//! the page) and runs a session on it.
//!
//! Written on tungstenite's frame-header codec rather than a whole WebSocket stack, for
//! what a fan-out server needs: one signal frame goes to thousands of sockets, so it is
//! written straight from the shared bytes with vectored writes, many frames per system
//! call, and an idle connection keeps no buffer behind.

mod handshake;
mod reader;
mod writer;

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use futures_util::stream;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::timeout;

pub use handshake::{WebSocketRejection, WebSocketRequest};

use crate::channel::Channel;
use crate::close::CloseReason;
use crate::serve::Inbound;
use reader::{FrameReader, ReadError, Received};
use writer::{FrameWriter, Replies};

/// How long the server reads on after sending its Close frame, for the client's answer.
const CLOSE_DRAIN: Duration = Duration::from_secs(1);

impl Channel {
    /// An axum router that serves this channel: a WebSocket upgrade on `/`.
    ///
    /// Merge it into a larger application or serve it alone; [`serve`](crate::serve)
    /// adds the connection limits: `webchannel::serve(listener, channel.router(),
    /// &channel, shutdown).await`.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/", get(upgrade))
            .with_state(self.clone())
    }
}

async fn upgrade(State(channel): State<Channel>, request: WebSocketRequest) -> Response {
    channel.accept(request)
}

/// Runs a session on an upgraded connection, then closes it properly.
async fn serve_connection<Io>(channel: Channel, io: Io)
where
    Io: AsyncRead + AsyncWrite + Send + 'static,
{
    // What this connection needs of the configuration; not a copy of all of it (every
    // byte of this future is kept for every client).
    let (read_buffer, max_message, patience) = {
        let config = channel.config();
        (
            config.websocket_read_buffer,
            config.max_message_size,
            config.write_timeout,
        )
    };
    let (read, write) = tokio::io::split(io);
    let replies = Replies::default();
    let mut reader = FrameReader::new(read, read_buffer, max_message);
    let mut writer = FrameWriter::new(write, replies.clone());
    let incoming = stream::unfold(
        (&mut reader, replies, false),
        |(reader, replies, ended)| async move {
            if ended {
                return None;
            }
            let (inbound, ended) = match reader.next().await {
                Ok(Received::Text(text)) => (Inbound::Text(text), false),
                Ok(Received::Binary(len)) => (Inbound::Binary(len), false),
                Ok(Received::Ping(payload)) => {
                    replies.pong(payload);
                    (Inbound::Pong, false)
                }
                Ok(Received::Pong) => (Inbound::Pong, false),
                Ok(Received::Close(payload)) => {
                    // The closing handshake: echo the client's code.
                    replies.close(payload);
                    return None;
                }
                Err(ReadError::Ended) => return None,
                Err(ReadError::TooBig) => (Inbound::Refused(CloseReason::MessageTooBig), true),
                Err(ReadError::InvalidText) => (Inbound::Refused(CloseReason::InvalidText), true),
                Err(ReadError::Protocol) => {
                    (Inbound::Refused(CloseReason::ProtocolViolation), true)
                }
            };
            Some((inbound, (reader, replies, ended)))
        },
    );
    let reason = channel.run_session(incoming, &mut writer).await;
    // A client that does not read cannot hold the session's end up either (`patience`).
    if let Some(code) = reason.close_code() {
        writer.close_with(code, reason.as_str());
        // The client may already be gone; there is nothing more to do either way.
        let _ = timeout(patience, writer.shut()).await;
        // Closing a socket with unread data in it resets the connection, and the client
        // may lose the Close frame with it; so read on until the client answers.
        let answered = async {
            loop {
                match reader.next().await {
                    Ok(Received::Close(_)) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        };
        let _ = timeout(CLOSE_DRAIN, answered).await;
    } else {
        // When the client closed first, this sends the reply to its Close frame.
        let _ = timeout(patience, writer.shut()).await;
    }
}
