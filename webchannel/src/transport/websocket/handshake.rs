//! Opening a WebSocket: [`WebSocketRequest`], an axum extractor for upgrade requests,
//! and [`Channel::accept`], which checks the page's origin and answers `101 Switching
//! Protocols` (RFC 6455, section 4.2).

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::header::{
    CONNECTION, HeaderMap, HeaderValue, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY,
    SEC_WEBSOCKET_VERSION, UPGRADE,
};
use axum::http::request::Parts;
use axum::http::{Extensions, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use hyper::upgrade::OnUpgrade;

use super::connection::serve_upgrade;
use super::origin::OriginHeaders;
use crate::channel::Channel;

/// A request to open a WebSocket, as an axum extractor. Take it as
/// `Option<WebSocketRequest>` to serve something else (a page) on the same route to
/// requests that are not upgrades; a malformed upgrade request is refused either way.
///
/// It keeps the request's extensions, where middleware put what it found out about the
/// client (an authenticated user, for example): every call of the session reads them
/// through [`Context::extensions`](crate::Context::extensions).
pub struct WebSocketRequest {
    on_upgrade: OnUpgrade,
    key: HeaderValue,
    origin_headers: OriginHeaders,
    extensions: Extensions,
}

/// Why a request cannot become a WebSocket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebSocketRejection {
    /// Not a `GET` request.
    NotGet,
    /// No `Connection: upgrade` and `Upgrade: websocket`.
    NotUpgrade,
    /// A `Sec-WebSocket-Version` other than 13.
    UnsupportedVersion,
    /// No `Sec-WebSocket-Key`.
    MissingKey,
    /// The connection cannot be taken over (not served by hyper with upgrades on).
    NotUpgradable,
}

impl IntoResponse for WebSocketRejection {
    fn into_response(self) -> Response {
        let (status, text) = match self {
            Self::NotGet => (
                StatusCode::METHOD_NOT_ALLOWED,
                "WebSocket upgrades use GET\n",
            ),
            Self::NotUpgrade => (
                StatusCode::UPGRADE_REQUIRED,
                "connect with a WebSocket client\n",
            ),
            Self::UnsupportedVersion => (
                StatusCode::BAD_REQUEST,
                "Sec-WebSocket-Version must be 13\n",
            ),
            Self::MissingKey => (StatusCode::BAD_REQUEST, "Sec-WebSocket-Key is missing\n"),
            Self::NotUpgradable => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "this connection cannot be upgraded\n",
            ),
        };
        let mut response = (status, text).into_response();
        if self == Self::UnsupportedVersion {
            response
                .headers_mut()
                .insert(SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
        }
        response
    }
}

impl<S: Send + Sync> FromRequestParts<S> for WebSocketRequest {
    type Rejection = WebSocketRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if parts.method != Method::GET {
            return Err(WebSocketRejection::NotGet);
        }
        if !is_upgrade(&parts.headers) {
            return Err(WebSocketRejection::NotUpgrade);
        }
        if parts
            .headers
            .get(SEC_WEBSOCKET_VERSION)
            .map(HeaderValue::as_bytes)
            != Some(b"13")
        {
            return Err(WebSocketRejection::UnsupportedVersion);
        }
        let key = parts
            .headers
            .get(SEC_WEBSOCKET_KEY)
            .cloned()
            .ok_or(WebSocketRejection::MissingKey)?;
        let on_upgrade = parts
            .extensions
            .remove::<OnUpgrade>()
            .ok_or(WebSocketRejection::NotUpgradable)?;
        Ok(Self {
            on_upgrade,
            key,
            origin_headers: OriginHeaders::of(&parts.headers),
            extensions: parts.extensions.clone(),
        })
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for WebSocketRequest {
    type Rejection = WebSocketRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        if !parts.headers.contains_key(UPGRADE) {
            return Ok(None);
        }
        <Self as FromRequestParts<S>>::from_request_parts(parts, state)
            .await
            .map(Some)
    }
}

/// `Connection` lists `upgrade` and `Upgrade` names `websocket` (both case-insensitive).
fn is_upgrade(headers: &HeaderMap) -> bool {
    let connection = headers.get_all(CONNECTION).iter().any(|value| {
        value.to_str().is_ok_and(|value| {
            value
                .split(',')
                .any(|token| token.trim().eq_ignore_ascii_case("upgrade"))
        })
    });
    let upgrade = headers
        .get(UPGRADE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("websocket"));
    connection && upgrade
}

impl Channel {
    /// Opens the WebSocket `request` asks for and runs a session on it, if the request's
    /// `Origin` is admitted ([`Config::allowed_origins`](crate::Config::allowed_origins),
    /// [`Config::allowed_hosts`](crate::Config::allowed_hosts)); otherwise answers 403
    /// Forbidden.
    ///
    /// For applications that mount the channel on a route of their own, or serve a page
    /// and the WebSocket on the same path:
    ///
    /// ```no_run
    /// use axum::response::{Html, IntoResponse};
    /// use axum::{Router, routing::get};
    /// use webchannel::{Channel, WebSocketRequest};
    ///
    /// let channel = Channel::new();
    /// let app: Router = Router::new().route(
    ///     "/",
    ///     get(move |request: Option<WebSocketRequest>| {
    ///         let channel = channel.clone();
    ///         async move {
    ///             match request {
    ///                 Some(request) => channel.accept(request),
    ///                 None => Html("<p>Connect with a QWebChannel client.</p>").into_response(),
    ///             }
    ///         }
    ///     }),
    /// );
    /// ```
    pub fn accept(&self, request: WebSocketRequest) -> Response {
        if let Err(refusal) = request.origin_headers.admitted(self.config()) {
            let origin = request
                .origin_headers
                .origin()
                .and_then(|origin| origin.to_str().ok())
                .map(crate::protocol::message::abbreviate);
            tracing::warn!(?origin, "{}", refusal.explanation());
            return (StatusCode::FORBIDDEN, "origin not allowed\n").into_response();
        }
        let accept = tungstenite::handshake::derive_accept_key(request.key.as_bytes());
        let channel = self.clone();
        let on_upgrade = request.on_upgrade;
        let extensions = request.extensions;
        tokio::spawn(serve_upgrade(channel, on_upgrade, extensions));
        let mut response = StatusCode::SWITCHING_PROTOCOLS.into_response();
        let headers = response.headers_mut();
        headers.insert(CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
        if let Ok(accept) = HeaderValue::try_from(accept) {
            headers.insert(SEC_WEBSOCKET_ACCEPT, accept);
        }
        response
    }
}

impl std::fmt::Debug for WebSocketRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSocketRequest")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}
