//! The built-in browser client: `GET /` answers the chat page, or upgrades to the WebSocket
//! that Qt's clients use on the same path; the page's files are embedded in the binary.

mod assets;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use webchannel::Channel;

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
/// page; a broken upgrade attempt gets axum's explanation (400, or 426 for a wrong version).
async fn page_or_socket(
    State(channel): State<Channel>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    match upgrade {
        Ok(upgrade) => channel.accept(upgrade, &headers),
        Err(rejection) if headers.contains_key(header::UPGRADE) => rejection.into_response(),
        Err(_) => INDEX_HTML.into_response(),
    }
}
