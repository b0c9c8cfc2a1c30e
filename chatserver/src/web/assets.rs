//! The page's files, embedded at compile time, each answered with its content type and the
//! headers that keep a browser from reading it as anything else.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// What the page may load: its own script and style, and a WebSocket to its own server;
/// no inline script, no frames around it, no form posted anywhere.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// One embedded file.
#[derive(Debug, Clone, Copy)]
pub(super) struct Asset {
    content_type: &'static str,
    body: &'static str,
}

/// The page itself.
pub(super) const INDEX_HTML: Asset = Asset {
    content_type: "text/html; charset=utf-8",
    body: include_str!("index.html"),
};

/// The page's behaviour, an ES module.
pub(super) const CHAT_JS: Asset = Asset {
    content_type: "text/javascript; charset=utf-8",
    body: include_str!("chat.js"),
};

/// The page's look.
pub(super) const CHAT_CSS: Asset = Asset {
    content_type: "text/css; charset=utf-8",
    body: include_str!("chat.css"),
};

impl IntoResponse for Asset {
    fn into_response(self) -> Response {
        (
            [
                (header::CONTENT_TYPE, self.content_type),
                (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                (header::REFERRER_POLICY, "no-referrer"),
                // A restarted (perhaps newer) server must never meet an older page.
                (header::CACHE_CONTROL, "no-cache"),
            ],
            self.body,
        )
            .into_response()
    }
}
