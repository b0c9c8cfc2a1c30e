//! The axum adapter: `GET /` upgrades to a WebSocket (if the Origin policy admits the
//! page) and runs a session on it, with the channel's size limits on what the client
//! sends and a close frame that says why the server ended it.

use std::future::ready;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::{SinkExt, StreamExt};
use tokio::time::timeout;

use crate::channel::Channel;
use crate::close::CloseReason;
use crate::origin;
use crate::protocol::Frame;
use crate::serve::{Inbound, Outbound};

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

    /// Accepts a WebSocket upgrade and runs a session on it, if the request's `Origin`
    /// is admitted ([`Config::allowed_origins`](crate::Config::allowed_origins));
    /// otherwise answers 403 Forbidden.
    ///
    /// For applications that mount the channel on a route of their own, or serve a page
    /// and the WebSocket on the same path:
    ///
    /// ```no_run
    /// use axum::extract::ws::WebSocketUpgrade;
    /// use axum::extract::ws::rejection::WebSocketUpgradeRejection;
    /// use axum::http::HeaderMap;
    /// use axum::response::{Html, IntoResponse};
    /// use axum::{Router, routing::get};
    /// use webchannel::Channel;
    ///
    /// let channel = Channel::new();
    /// let app: Router = Router::new().route(
    ///     "/",
    ///     get(move |headers: HeaderMap, upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>| {
    ///         let channel = channel.clone();
    ///         async move {
    ///             match upgrade {
    ///                 Ok(upgrade) => channel.accept(upgrade, &headers),
    ///                 Err(_) => Html("<p>Connect with a QWebChannel client.</p>").into_response(),
    ///             }
    ///         }
    ///     }),
    /// );
    /// ```
    pub fn accept(&self, upgrade: WebSocketUpgrade, headers: &HeaderMap) -> Response {
        let config = self.config();
        if !origin::admitted(headers, &config.allowed_origins) {
            let origin = headers
                .get(axum::http::header::ORIGIN)
                .and_then(|origin| origin.to_str().ok())
                .map(crate::protocol::message::abbreviate);
            tracing::warn!(?origin, "refused a WebSocket from a page of another origin");
            return (StatusCode::FORBIDDEN, "origin not allowed\n").into_response();
        }
        let channel = self.clone();
        upgrade
            .read_buffer_size(config.websocket_read_buffer)
            .max_message_size(config.max_message_size)
            .max_frame_size(config.max_message_size)
            .on_upgrade(move |socket| serve_socket(channel, socket))
    }
}

async fn upgrade(
    State(channel): State<Channel>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    channel.accept(upgrade, &headers)
}

/// How long the server reads on after sending its Close frame, for the client's answer.
const CLOSE_DRAIN: Duration = Duration::from_secs(1);

/// What a WebSocket message means to the session loop.
enum Received {
    Message(Inbound),
    End,
}

async fn serve_socket(channel: Channel, socket: WebSocket) {
    let (mut sink, mut stream) = socket.split();
    let incoming = (&mut stream)
        .map(|message| match message {
            Ok(Message::Text(text)) => Received::Message(Inbound::Text(Frame::from(text))),
            Ok(Message::Binary(data)) => Received::Message(Inbound::Binary(data.len())),
            // The WebSocket layer answers pings itself; either is a sign of life.
            Ok(Message::Ping(_) | Message::Pong(_)) => Received::Message(Inbound::Pong),
            Ok(Message::Close(_)) => Received::End,
            Err(error) => match refusal(error) {
                Some(reason) => Received::Message(Inbound::Refused(reason)),
                None => Received::End,
            },
        })
        .take_while(|received| ready(!matches!(received, Received::End)))
        .filter_map(|received| {
            ready(match received {
                Received::Message(inbound) => Some(inbound),
                Received::End => None,
            })
        });
    let outgoing = (&mut sink).with(|outbound: Outbound| {
        ready(Ok::<_, axum::Error>(match outbound {
            Outbound::Text(frame) => Message::Text(frame.into_utf8_bytes()),
            Outbound::Ping => Message::Ping(bytes::Bytes::new()),
        }))
    });
    let reason = channel.run_session(incoming, outgoing).await;
    // A client that does not read cannot hold the session's end up either.
    let patience = channel.config().write_timeout;
    if let Some(code) = reason.close_code() {
        let close = CloseFrame {
            code,
            reason: reason.as_str().into(),
        };
        // The client may already be gone; there is nothing more to do either way.
        let _ = timeout(patience, sink.send(Message::Close(Some(close)))).await;
        // Closing a socket with unread data in it resets the connection, and the client
        // may lose the Close frame with it; so read on until the client answers.
        let answered = stream.any(|message| {
            ready(!matches!(
                message,
                Ok(Message::Text(_) | Message::Binary(_) | Message::Ping(_) | Message::Pong(_))
            ))
        });
        let _ = timeout(CLOSE_DRAIN, answered).await;
    }
    // Completes the closing handshake: when the client closed first, this sends the reply
    // to its Close frame that the WebSocket layer has queued.
    let _ = timeout(patience, sink.close()).await;
}

/// The close reason for a read error caused by what the client sent; `None` when the
/// connection simply failed. The error's text is not logged: it can quote the payload.
fn refusal(error: axum::Error) -> Option<CloseReason> {
    use tungstenite::Error;
    use tungstenite::error::ProtocolError;
    match error
        .into_inner()
        .downcast::<Error>()
        .ok()
        .map(|error| *error)?
    {
        Error::Capacity(_) => Some(CloseReason::MessageTooBig),
        Error::Utf8(_) => Some(CloseReason::InvalidText),
        // A client that vanished without a Close frame broke nothing.
        Error::Protocol(ProtocolError::ResetWithoutClosingHandshake) => None,
        Error::Protocol(_) => Some(CloseReason::ProtocolViolation),
        _ => None,
    }
}
