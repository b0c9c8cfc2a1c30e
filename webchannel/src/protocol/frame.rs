//! [`Frame`]: one serialized message, cheap to clone and share between sessions.

use axum::extract::ws::Utf8Bytes;

/// One complete JSON message as it travels in a WebSocket text frame.
///
/// Cloning is a reference-count increment: a signal is serialized once and the same
/// bytes go to every subscribed session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame(Utf8Bytes);

impl Frame {
    /// The message text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Length of the message in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the message is empty (never true for a frame the runtime produced).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A frame from a static string, without copying.
    pub fn from_static(text: &'static str) -> Self {
        Self(Utf8Bytes::from_static(text))
    }

    pub(crate) fn into_utf8_bytes(self) -> Utf8Bytes {
        self.0
    }
}

impl From<String> for Frame {
    fn from(text: String) -> Self {
        Self(Utf8Bytes::from(text))
    }
}

impl From<&str> for Frame {
    fn from(text: &str) -> Self {
        Self(Utf8Bytes::from(text))
    }
}

impl From<Utf8Bytes> for Frame {
    fn from(text: Utf8Bytes) -> Self {
        Self(text)
    }
}

impl std::fmt::Display for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
