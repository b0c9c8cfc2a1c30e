//! `webchannel.js`, the runtime's own JavaScript client (an ES module with Promise-based
//! calls, in `webchannel/js/`), embedded so that any webchannel application can serve it
//! to browsers: Qt's `qwebchannel.js` is LGPL and cannot be shipped inside a binary.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The module's source, as written in `webchannel/js/webchannel.js`.
const CLIENT_JS: &str = include_str!("../../js/webchannel.js");

/// The source of `webchannel.js`, a small QWebChannel client for browsers and Node:
/// `const channel = await connect(url)`, then `await channel.objects.<name>.<method>(...)`.
/// Its opening comment documents the rest.
pub fn client_js() -> &'static str {
    CLIENT_JS
}

/// An axum handler that answers with [`client_js`] as JavaScript, for example on
/// `.route("/webchannel.js", get(webchannel::client_js_handler))`. It asks browsers to
/// revalidate each time, so a page served by a newer server never runs an older client.
pub async fn client_js_handler() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        CLIENT_JS,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use axum::body::to_bytes;
    use axum::http::{StatusCode, header};

    use super::{client_js, client_js_handler};

    #[tokio::test]
    async fn the_handler_serves_the_module_as_javascript() {
        let response = client_js_handler().await;
        assert_eq!(response.status(), StatusCode::OK);
        let content_type = response.headers().get(header::CONTENT_TYPE).cloned();
        assert_eq!(
            content_type.as_ref().map(|value| value.as_bytes()),
            Some(&b"text/javascript; charset=utf-8"[..])
        );
        let body = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("an in-memory body");
        assert_eq!(body, client_js().as_bytes());
        assert!(client_js().contains("export async function connect("));
    }
}
