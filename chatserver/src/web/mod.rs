//! The built-in browser client: `GET /` answers the chat page, or upgrades to the WebSocket
//! that Qt's clients use on the same path; the page's files are embedded in the binary.
//! They are served only to requests for a host name the server trusts, as the WebSocket's
//! Origin policy admits only pages on such names.

mod assets;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::{HOST, UPGRADE};
use axum::middleware::{self, Next};
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
        .layer(middleware::from_fn_with_state(
            channel.clone(),
            trusted_hosts_only,
        ))
        .with_state(channel)
}

/// Refuses requests for a host name the server does not trust ([`Channel::allows_host`]),
/// as Vite and Jupyter do: the page is the same for everyone, but a site that rebinds its
/// own name to this server's address (DNS rebinding) should not be able to read anything
/// here, and a name missing from `--allow-host` is better told at once than found out when
/// the page's WebSocket is refused. WebSocket upgrades pass: their Origin decides.
async fn trusted_hosts_only(
    State(channel): State<Channel>,
    request: Request,
    next: Next,
) -> Response {
    if request.headers().contains_key(UPGRADE) || channel.allows_host(request.headers()) {
        return next.run(request).await;
    }
    // The name without the port (never an IPv6 literal: addresses are trusted), at most
    // as long as a DNS name can be.
    let host: String = request
        .headers()
        .get(HOST)
        .and_then(|host| host.to_str().ok())
        .and_then(|host| host.split(':').next())
        .unwrap_or_default()
        .chars()
        .take(253)
        .collect();
    tracing::debug!(host, "refused a request for a host name not allowed");
    let text = format!(
        "Blocked request: this server does not answer to the host name \"{host}\".\n\
         To allow it, start the chat server with --allow-host {host}\n"
    );
    (StatusCode::FORBIDDEN, text).into_response()
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
