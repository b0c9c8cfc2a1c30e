//! Full-parse check of a sampled frame against what the scanner made of it.
//!
//! The scanner in [`crate::scan`] trusts byte patterns; this module parses the same
//! frame as JSON, classifies it from the parsed value, and reports any difference.
//! A run in which a sampled frame disagrees is failed, so the cheap counting is
//! proven right for the server under test rather than assumed.

use serde_json::Value;

use crate::scan::{Frame, STAMP_PREFIX, SignalIndices};

/// The name of the published chat object.
pub(crate) const CHAT_OBJECT: &str = "chatserver";

/// Parses `frame` and checks that `scanned` is what it really is.
pub(crate) fn check(frame: &[u8], scanned: Frame, signals: SignalIndices) -> Result<(), String> {
    let parsed = classify_parsed(frame, signals)?;
    if parsed == scanned {
        Ok(())
    } else {
        Err(format!(
            "frame scanning disagrees with a full parse: scanned {scanned:?}, parsed {parsed:?}, frame {}",
            excerpt(frame)
        ))
    }
}

/// Classifies a frame by parsing it, the slow and certain way.
fn classify_parsed(frame: &[u8], signals: SignalIndices) -> Result<Frame, String> {
    Ok(classify_value(&parse(frame)?, signals))
}

/// Parses a received frame as JSON.
pub(crate) fn parse(frame: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(frame).map_err(|error| {
        format!(
            "received a frame that is not JSON ({error}): {}",
            excerpt(frame)
        )
    })
}

/// Classifies a parsed frame.
pub(crate) fn classify_value(value: &Value, signals: SignalIndices) -> Frame {
    match value.get("type").and_then(Value::as_u64) {
        Some(1) => {
            let object = value.get("object").and_then(Value::as_str);
            match value.get("signal").and_then(Value::as_u64) {
                Some(index) if index == signals.new_message && object == Some(CHAT_OBJECT) => {
                    let text = value
                        .get("args")
                        .and_then(|args| args.get(2))
                        .and_then(Value::as_str);
                    Frame::NewMessage {
                        sent_ns: text.and_then(parse_stamp),
                    }
                }
                Some(index) if index == signals.keep_alive && object == Some(CHAT_OBJECT) => {
                    Frame::KeepAlive
                }
                _ => Frame::Other,
            }
        }
        Some(2) => Frame::PropertyUpdate,
        Some(10) => Frame::Response,
        _ => Frame::Other,
    }
}

/// The send time in a message text we wrote (`#t<nanoseconds>`).
pub(crate) fn parse_stamp(text: &str) -> Option<u64> {
    text.strip_prefix(STAMP_PREFIX)?.parse().ok()
}

/// The start of a frame, for error messages.
pub(crate) fn excerpt(frame: &[u8]) -> String {
    const LIMIT: usize = 200;
    let text = String::from_utf8_lossy(&frame[..frame.len().min(LIMIT)]);
    if frame.len() > LIMIT {
        format!("{text}... ({} bytes)", frame.len())
    } else {
        text.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::classify;

    const QT: SignalIndices = SignalIndices {
        new_message: 5,
        keep_alive: 6,
    };

    fn scan_and_check(frame: &[u8]) -> Result<(), String> {
        check(frame, classify(frame, QT), QT)
    }

    #[test]
    fn agrees_on_what_qt_sends() {
        let frames: [&[u8]; 6] = [
            br##"{"args":["21:48:37","load-3","#t123"],"object":"chatserver","signal":5,"type":1}"##,
            br#"{"object":"chatserver","signal":6,"type":1}"#,
            br#"{"data":[{"object":"chatserver","properties":{"1":["load-0"]},"signals":{"7":[]}}],"type":2}"#,
            br#"{"data":true,"id":1,"type":10}"#,
            br#"{"args":["21:48:37","alice","hello"],"object":"chatserver","signal":5,"type":1}"#,
            br#"{"object":"chatserver","signal":8,"type":1}"#,
        ];
        for frame in frames {
            assert_eq!(scan_and_check(frame), Ok(()), "{}", excerpt(frame));
        }
    }

    #[test]
    fn catches_a_scanner_that_is_wrong() {
        let frame = br##"{"args":["21:48:37","load-3","#t123"],"object":"chatserver","signal":5,"type":1}"##;
        let wrong_stamp = Frame::NewMessage { sent_ns: Some(124) };
        let error = check(frame, wrong_stamp, QT).expect_err("a wrong stamp must be caught");
        assert!(error.contains("disagrees"), "{error}");
        assert!(check(frame, Frame::Other, QT).is_err());
    }

    #[test]
    fn catches_a_frame_the_scanner_cannot_read() {
        // Whitespace before the colon hides the keys from the scanner.
        let frame =
            br##"{"type" : 1, "object" : "chatserver", "signal" : 5, "args" : ["t", "u", "#t9"]}"##;
        assert_eq!(classify(frame, QT), Frame::Other);
        assert!(scan_and_check(frame).is_err());
    }

    #[test]
    fn rejects_frames_that_are_not_json() {
        let error = check(b"{oops", Frame::Other, QT).expect_err("not JSON");
        assert!(error.contains("not JSON"), "{error}");
    }

    #[test]
    fn stamps() {
        assert_eq!(parse_stamp("#t0"), Some(0));
        assert_eq!(parse_stamp("#t18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_stamp("#t"), None);
        assert_eq!(parse_stamp("hello"), None);
    }
}
