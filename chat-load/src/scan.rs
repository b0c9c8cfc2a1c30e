//! Cheap classification of a received frame from its raw bytes.
//!
//! A receiver has to keep up with the server: one that parses every frame as JSON
//! falls behind, and the server then pays for writing into full socket buffers, which
//! would charge the generator's slowness to the server under test. So the hot path
//! never parses. It looks for three byte patterns:
//! the keys `"type":` and `"signal":`, and the start of our message text `"#t`.
//! Inside a JSON string every `"` is escaped as `\"`, so a pattern with a quote that
//! follows a letter (the two keys) can only match structure, never text, and a match
//! of `"#t` is the start of a string unless a backslash precedes it. In the chat
//! protocol that leaves keys and our own message texts. [`crate::verify`] fully
//! parses a sample of frames to prove the scanner right for the server under test.

use std::sync::LazyLock;

use memchr::memmem::Finder;

/// What the message text of every chat message we send starts with; the send time
/// in nanoseconds since the run's start follows as decimal digits.
pub(crate) const STAMP_PREFIX: &str = "#t";

static TYPE_KEY: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\"type\":"));
static SIGNAL_KEY: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\"signal\":"));
static STAMP: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\"#t"));

/// How far from either end of a frame the `"type"` key is looked for first: servers
/// write it first or (Qt, which sorts keys) last, and a property update carrying a
/// user list of 10,000 names should not be scanned end to end to find it.
const END_WINDOW: usize = 32;

/// The signal indices of the chat object that the scanner tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SignalIndices {
    /// `newMessage(time, user, text)`.
    pub(crate) new_message: u64,
    /// `keepAlive()`, to be answered with `keepAliveResponse(user)`.
    pub(crate) keep_alive: u64,
}

/// What a received frame is, as far as the load generator cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Frame {
    /// A `newMessage` signal; `sent_ns` is the stamp in its text, `None` when the
    /// text does not carry one (a message we did not send).
    NewMessage {
        /// Send time, nanoseconds since the run's start.
        sent_ns: Option<u64>,
    },
    /// A `keepAlive` signal.
    KeepAlive,
    /// A `propertyUpdate` (type 2), to be answered with `idle`.
    PropertyUpdate,
    /// A `response` (type 10) to one of our calls.
    Response,
    /// Anything else: other signals, unknown types, frames without a type.
    Other,
}

/// Classifies one text frame without parsing it.
pub(crate) fn classify(frame: &[u8], signals: SignalIndices) -> Frame {
    match message_type(frame) {
        Some(1) => match number_after(frame, &SIGNAL_KEY) {
            Some(index) if index == signals.new_message => Frame::NewMessage {
                sent_ns: stamp(frame),
            },
            Some(index) if index == signals.keep_alive => Frame::KeepAlive,
            _ => Frame::Other,
        },
        Some(2) => Frame::PropertyUpdate,
        Some(10) => Frame::Response,
        _ => Frame::Other,
    }
}

/// The value of the `"type"` key, looked for at both ends before the middle.
fn message_type(frame: &[u8]) -> Option<u64> {
    let head = &frame[..frame.len().min(END_WINDOW)];
    if let Some(at) = TYPE_KEY.find(head) {
        return digits_at(frame, at + TYPE_KEY.needle().len());
    }
    let tail_start = frame.len().saturating_sub(END_WINDOW);
    if let Some(at) = TYPE_KEY.find(&frame[tail_start..]) {
        return digits_at(frame, tail_start + at + TYPE_KEY.needle().len());
    }
    number_after(frame, &TYPE_KEY)
}

/// The send time carried by our message text, if the frame holds one.
fn stamp(frame: &[u8]) -> Option<u64> {
    // A match preceded by a backslash is an escaped quote inside someone's text.
    let at = STAMP
        .find_iter(frame)
        .find(|&at| at == 0 || frame[at - 1] != b'\\')?;
    digits_at(frame, at + STAMP.needle().len())
}

/// The unsigned integer that follows the first match of `key`.
fn number_after(frame: &[u8], key: &Finder<'_>) -> Option<u64> {
    let at = key.find(frame)?;
    digits_at(frame, at + key.needle().len())
}

/// Parses the decimal digits at `start` (after optional spaces); `None` when there
/// are none or they overflow.
pub(crate) fn digits_at(bytes: &[u8], start: usize) -> Option<u64> {
    let rest = bytes.get(start..)?;
    let rest = &rest[rest.iter().take_while(|&&b| b == b' ').count()..];
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    rest[..digits].iter().try_fold(0u64, |value, &digit| {
        value.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const QT: SignalIndices = SignalIndices {
        new_message: 5,
        keep_alive: 6,
    };

    #[test]
    fn qt_new_message_with_stamp() {
        let frame = br##"{"args":["21:48:37","load-3","#t123456789"],"object":"chatserver","signal":5,"type":1}"##;
        assert_eq!(
            classify(frame, QT),
            Frame::NewMessage {
                sent_ns: Some(123_456_789)
            }
        );
    }

    #[test]
    fn type_first_and_other_key_order() {
        let frame =
            br##"{"type":1,"object":"chatserver","signal":5,"args":["21:48:37","load-3","#t42"]}"##;
        assert_eq!(classify(frame, QT), Frame::NewMessage { sent_ns: Some(42) });
    }

    #[test]
    fn new_message_without_stamp() {
        // The escaped quote keeps `"#t` from matching inside someone else's text.
        let frame = br##"{"args":["21:48:37","alice","hi \"#t1\" there"],"object":"chatserver","signal":5,"type":1}"##;
        assert_eq!(classify(frame, QT), Frame::NewMessage { sent_ns: None });
        let frame = br##"{"args":["21:48:37","x \"#t1\"","#t77"],"object":"chatserver","signal":5,"type":1}"##;
        assert_eq!(classify(frame, QT), Frame::NewMessage { sent_ns: Some(77) });
    }

    #[test]
    fn keep_alive_and_other_signals() {
        assert_eq!(
            classify(br#"{"object":"chatserver","signal":6,"type":1}"#, QT),
            Frame::KeepAlive
        );
        assert_eq!(
            classify(br#"{"object":"chatserver","signal":8,"type":1}"#, QT),
            Frame::Other
        );
        assert_eq!(
            classify(br#"{"object":"chatserver","signal":55,"type":1}"#, QT),
            Frame::Other
        );
    }

    #[test]
    fn property_update_signals_key_is_not_a_signal() {
        let frame = br#"{"data":[{"object":"chatserver","properties":{"1":["load-0"]},"signals":{"5":[]}}],"type":2}"#;
        assert_eq!(classify(frame, QT), Frame::PropertyUpdate);
    }

    #[test]
    fn type_in_the_middle_of_a_long_frame() {
        let mut frame = br#"{"data":[{"object":"chatserver","properties":{"1":["#.to_vec();
        for i in 0..1000 {
            frame.extend_from_slice(format!("\"load-{i}\",").as_bytes());
        }
        frame.extend_from_slice(
            br#""z"]}}],"type":2,"padding":"0123456789012345678901234567890123456789"}"#,
        );
        assert_eq!(classify(&frame, QT), Frame::PropertyUpdate);
    }

    #[test]
    fn responses_and_unknown_frames() {
        assert_eq!(
            classify(br#"{"data":true,"id":2,"type":10}"#, QT),
            Frame::Response
        );
        assert_eq!(
            classify(br#"{"type":10,"id":2,"data":true}"#, QT),
            Frame::Response
        );
        assert_eq!(classify(br#"{"type": 10, "id": 2}"#, QT), Frame::Response);
        assert_eq!(classify(br#"{"type":"x"}"#, QT), Frame::Other);
        assert_eq!(classify(b"not json", QT), Frame::Other);
        assert_eq!(classify(b"", QT), Frame::Other);
    }

    #[test]
    fn digits() {
        assert_eq!(digits_at(b"12a", 0), Some(12));
        assert_eq!(digits_at(b"x  7", 1), Some(7));
        assert_eq!(digits_at(b"x", 1), None);
        assert_eq!(digits_at(b"x", 5), None);
        assert_eq!(digits_at(b"99999999999999999999999", 0), None);
    }
}
