//! A small append-only JSON writer for the messages the server assembles from parts
//! (static description text, cached values, escaped names), without building a tree.

use std::io::Write as _;

use serde::Serialize;

use super::Frame;

/// A growing JSON text. Callers are responsible for the structure; strings and values
/// written through it are escaped and serialized correctly.
#[derive(Default)]
pub(crate) struct JsonBuf(Vec<u8>);

impl JsonBuf {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self(Vec::with_capacity(capacity))
    }

    /// Appends text that is already valid JSON (or JSON punctuation).
    pub(crate) fn raw(&mut self, json: &str) -> &mut Self {
        self.0.extend_from_slice(json.as_bytes());
        self
    }

    /// Appends `text` as a JSON string literal.
    pub(crate) fn string(&mut self, text: &str) -> &mut Self {
        // Serializing a &str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.0, text);
        self
    }

    pub(crate) fn number(&mut self, number: u64) -> &mut Self {
        // Writing into a Vec cannot fail.
        let _ = write!(self.0, "{number}");
        self
    }

    /// Appends `value` serialized as JSON.
    pub(crate) fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
        let mark = self.0.len();
        serde_json::to_writer(&mut self.0, value).inspect_err(|_| self.0.truncate(mark))
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }

    pub(crate) fn into_string(self) -> String {
        // Everything appended came from &str or from serde_json, so this is valid UTF-8;
        // the lossy path only exists to keep the conversion total.
        String::from_utf8(self.0)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
    }

    pub(crate) fn into_frame(self) -> Frame {
        Frame::from(self.into_string())
    }
}
