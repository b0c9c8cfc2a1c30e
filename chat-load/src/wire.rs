//! The frames a client sends, written as JSON text.
//!
//! They are few and small, so they are formatted directly; names and texts are
//! escaped through `serde_json` so that any user name stays valid JSON.

use crate::scan::STAMP_PREFIX;
use crate::verify::CHAT_OBJECT;

/// `idle`: sent after the init response and in answer to every `propertyUpdate`.
pub(crate) const IDLE: &str = r#"{"type":4}"#;

/// The id of our `init` call.
pub(crate) const INIT_ID: u64 = 0;

/// The id of our `login` call.
pub(crate) const LOGIN_ID: u64 = 1;

/// The id of every `keepAliveResponse` call (Qt drops a call without an id; the
/// answers carry nothing and are ignored).
pub(crate) const KEEP_ALIVE_ID: u64 = 2;

/// The id of the first `sendMessage` call; later ones count up from it.
pub(crate) const FIRST_SEND_ID: u64 = 3;

/// `init`: asks for the description of every published object.
pub(crate) fn init() -> String {
    format!(r#"{{"type":3,"id":{INIT_ID}}}"#)
}

/// `connectToSignal` for a signal of the chat object.
pub(crate) fn connect_to_signal(signal: u64) -> String {
    format!(r#"{{"type":7,"object":"{CHAT_OBJECT}","signal":{signal}}}"#)
}

/// A JSON string literal holding `text`.
pub(crate) fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// `login(user)`; `user` is a JSON string literal.
pub(crate) fn login(user: &str) -> String {
    format!(
        r#"{{"type":6,"object":"{CHAT_OBJECT}","method":"login","args":[{user}],"id":{LOGIN_ID}}}"#
    )
}

/// `keepAliveResponse(user)`; `user` is a JSON string literal.
pub(crate) fn keep_alive_response(user: &str) -> String {
    format!(
        r#"{{"type":6,"object":"{CHAT_OBJECT}","method":"keepAliveResponse","args":[{user}],"id":{KEEP_ALIVE_ID}}}"#
    )
}

/// `sendMessage(user, "#t<sent_ns>")` with call id `id`; `user` is a JSON string literal.
pub(crate) fn send_message(user: &str, sent_ns: u64, id: u64) -> String {
    send_text(user, &format!(r#""{STAMP_PREFIX}{sent_ns}""#), id)
}

/// `sendMessage(user, text)` with call id `id`; both are JSON string literals.
pub(crate) fn send_text(user: &str, text: &str, id: u64) -> String {
    format!(
        r#"{{"type":6,"object":"{CHAT_OBJECT}","method":"sendMessage","args":[{user},{text}],"id":{id}}}"#
    )
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn parsed(text: &str) -> Value {
        serde_json::from_str(text).expect("valid JSON")
    }

    #[test]
    fn frames_are_the_protocol_messages() {
        let user = json_string("load-7");
        assert_eq!(parsed(&init()), json!({"type": 3, "id": 0}));
        assert_eq!(parsed(IDLE), json!({"type": 4}));
        assert_eq!(
            parsed(&connect_to_signal(5)),
            json!({"type": 7, "object": "chatserver", "signal": 5})
        );
        assert_eq!(
            parsed(&login(&user)),
            json!({"type": 6, "object": "chatserver", "method": "login", "args": ["load-7"], "id": 1})
        );
        assert_eq!(
            parsed(&keep_alive_response(&user)),
            json!({"type": 6, "object": "chatserver", "method": "keepAliveResponse", "args": ["load-7"], "id": 2})
        );
        assert_eq!(
            parsed(&send_message(&user, 1234, 9)),
            json!({"type": 6, "object": "chatserver", "method": "sendMessage",
                   "args": ["load-7", "#t1234"], "id": 9})
        );
    }

    #[test]
    fn names_are_escaped() {
        let user = json_string("a \"quoted\" name");
        assert_eq!(parsed(&login(&user))["args"][0], "a \"quoted\" name");
    }
}
