//! The built-in browser client: `GET /` answers the chat page, or upgrades to the WebSocket
//! that Qt's clients use on the same path; the page's files are embedded in the binary.

mod assets;

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use webchannel::{Channel, WebSocketRequest};

use assets::{CHAT_CSS, CHAT_JS, INDEX_HTML};

/// Everything the chat server answers: the WebSocket and the page on `/`, the page's
/// script and style, and the runtime's `webchannel.js` that the script imports.
pub(crate) fn router(channel: Channel) -> Router {
    Router::new()
        .route("/", get(page_or_socket))
        .route("/chat.js", get(|| async { CHAT_JS }))
        .route("/chat.css", get(|| async { CHAT_CSS }))
        .route("/webchannel.js", get(webchannel::client_js_handler))
        .with_state(channel)
}

/// A WebSocket upgrade runs a session; a request without an `Upgrade` header gets the
/// page; a broken upgrade attempt is refused with the reason (400, or 426 for a wrong
/// version) by the extractor.
async fn page_or_socket(
    State(channel): State<Channel>,
    request: Option<WebSocketRequest>,
) -> Response {
    match request {
        Some(request) => channel.accept(request),
        None => INDEX_HTML.into_response(),
    }
}
