//! The axum adapter: `GET /` upgrades to a WebSocket and runs a session on it.

use std::future::ready;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use futures_util::{SinkExt, StreamExt};

use crate::channel::Channel;
use crate::protocol::Frame;
use crate::serve::Inbound;

impl Channel {
    /// An axum router that serves this channel: a WebSocket upgrade on `/`.
    ///
    /// Merge it into a larger application or serve it alone:
    /// `axum::serve(listener, channel.router()).await`.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/", get(upgrade))
            .with_state(self.clone())
    }

    /// Accepts a WebSocket upgrade and runs a session on it.
    ///
    /// For applications that mount the channel on a route of their own, or serve a page
    /// and the WebSocket on the same path:
    ///
    /// ```no_run
    /// use axum::extract::ws::WebSocketUpgrade;
    /// use axum::extract::ws::rejection::WebSocketUpgradeRejection;
    /// use axum::response::{Html, IntoResponse};
    /// use axum::{Router, routing::get};
    /// use webchannel::Channel;
    ///
    /// let channel = Channel::new();
    /// let app: Router = Router::new().route(
    ///     "/",
    ///     get(move |upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>| {
    ///         let channel = channel.clone();
    ///         async move {
    ///             match upgrade {
    ///                 Ok(upgrade) => channel.accept(upgrade),
    ///                 Err(_) => Html("<p>Connect with a QWebChannel client.</p>").into_response(),
    ///             }
    ///         }
    ///     }),
    /// );
    /// ```
    pub fn accept(&self, upgrade: WebSocketUpgrade) -> Response {
        let channel = self.clone();
        upgrade
            .read_buffer_size(channel.config().websocket_read_buffer)
            .on_upgrade(move |socket| serve_socket(channel, socket))
    }
}

async fn upgrade(State(channel): State<Channel>, upgrade: WebSocketUpgrade) -> Response {
    channel.accept(upgrade)
}

/// What a WebSocket message means to the session loop.
enum Received {
    Message(Inbound),
    Control,
    End,
}

async fn serve_socket(channel: Channel, socket: WebSocket) {
    let (mut sink, stream) = socket.split();
    let incoming = stream
        .map(|message| match message {
            Ok(Message::Text(text)) => Received::Message(Inbound::Text(Frame::from(text))),
            Ok(Message::Binary(data)) => Received::Message(Inbound::Binary(data.len())),
            Ok(Message::Ping(_) | Message::Pong(_)) => Received::Control,
            Ok(Message::Close(_)) | Err(_) => Received::End,
        })
        .take_while(|received| ready(!matches!(received, Received::End)))
        .filter_map(|received| {
            ready(match received {
                Received::Message(inbound) => Some(inbound),
                Received::Control | Received::End => None,
            })
        });
    let outgoing = (&mut sink)
        .with(|frame: Frame| ready(Ok::<_, axum::Error>(Message::Text(frame.into_utf8_bytes()))));
    let reason = channel.run_session(incoming, outgoing).await;
    // The client may already be gone; there is nothing more to do either way.
    if let Some(code) = reason.close_code() {
        let close = CloseFrame {
            code,
            reason: reason.as_str().into(),
        };
        let _ = sink.send(Message::Close(Some(close))).await;
    }
    // Completes the closing handshake: when the client closed first, this sends the reply
    // to its Close frame that the WebSocket layer has queued.
    let _ = sink.close().await;
}
