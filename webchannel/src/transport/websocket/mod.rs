//! The WebSocket transport: `GET /` upgrades to a WebSocket (if the Origin policy admits
//! the page) and runs a session on it.
//!
//! Written on tungstenite's frame-header codec rather than a whole WebSocket stack, for
//! what a fan-out server needs: one signal frame goes to thousands of sockets, so it is
//! written straight from the shared bytes with vectored writes, many frames per system
//! call, and an idle connection keeps no buffer behind.

mod handshake;
mod origin;
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
use crate::driver::task::Inbound;
use crate::protocol::close::CloseReason;
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
    // The session loop stops reading at the first `Refused`.
    let incoming = stream::unfold((&mut reader, replies), |(reader, replies)| async move {
        let inbound = match reader.next().await {
            Ok(Received::Text(text)) => Inbound::Text(text),
            Ok(Received::Binary(len)) => Inbound::Binary(len),
            Ok(Received::Ping(payload)) => {
                replies.pong(payload);
                Inbound::Pong
            }
            Ok(Received::Pong) => Inbound::Pong,
            Ok(Received::Close(payload)) => {
                // The closing handshake: echo the client's code.
                replies.close(payload);
                return None;
            }
            Err(ReadError::Ended) => return None,
            Err(ReadError::TooBig) => Inbound::Refused(CloseReason::MessageTooBig),
            Err(ReadError::InvalidText) => Inbound::Refused(CloseReason::InvalidText),
            Err(ReadError::Protocol) => Inbound::Refused(CloseReason::ProtocolViolation),
        };
        Some((inbound, (reader, replies)))
    });
    let reason = channel.run_session(incoming, &mut writer).await;
    let server_closes = reason.close_code();
    if let Some(code) = server_closes {
        writer.close_with(code, reason.as_str());
    }
    // Sends the Close frame, or the reply to the client's. A client that does not read
    // cannot hold the session's end up (`patience`); one that is gone needs nothing more.
    let _ = timeout(patience, writer.shut()).await;
    if server_closes.is_some() {
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
    }
}
