//! The WebSocket transport: `GET /` upgrades to a WebSocket (if the Origin policy admits
//! the page) and runs a session on it.
//!
//! Written on tungstenite's frame-header codec rather than a whole WebSocket stack, for
//! what a fan-out server needs: one signal frame goes to thousands of sockets, so it is
//! written straight from the shared bytes with vectored writes, many frames per system
//! call, and an idle connection keeps no buffer behind.

mod connection;
mod handshake;
mod origin;
mod reader;
mod throttled;
mod writer;

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

pub use handshake::{WebSocketRejection, WebSocketRequest};

use crate::channel::Channel;

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
