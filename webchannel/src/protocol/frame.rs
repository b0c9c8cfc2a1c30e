//! [`Frame`]: one serialized message, cheap to clone and share between sessions.

use bytes::Bytes;
use bytestring::ByteString;

/// One complete JSON message as it travels in a WebSocket text frame.
///
/// The text lives in shared [`Bytes`]: cloning is a reference-count increment (a signal is
/// serialized once and the same bytes go to every subscribed session), and a transport
/// writes those very bytes. It is always valid UTF-8, checked once where bytes become a
/// frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame(ByteString);

impl Frame {
    /// The message text.
    pub fn as_str(&self) -> &str {
        &self.0
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
        Self(ByteString::from_static(text))
    }

    /// The frame's text as bytes, shared rather than copied.
    pub fn into_bytes(self) -> Bytes {
        self.0.into_bytes()
    }
}

impl From<String> for Frame {
    fn from(text: String) -> Self {
        Self(ByteString::from(text))
    }
}

impl From<&str> for Frame {
    fn from(text: &str) -> Self {
        Self(ByteString::from(text))
    }
}

impl TryFrom<Bytes> for Frame {
    type Error = std::str::Utf8Error;

    /// Checks that `bytes` are UTF-8 once; the frame then shares them.
    fn try_from(bytes: Bytes) -> Result<Self, Self::Error> {
        ByteString::try_from(bytes).map(Self)
    }
}

impl std::fmt::Display for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
