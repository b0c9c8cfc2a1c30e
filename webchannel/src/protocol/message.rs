//! Parsing of client messages into [`Request`]s, with a precise reason for every refusal.
//!
//! Parsing borrows from the received text: names and arguments stay slices of it until a
//! method's own parameter types deserialize them.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::MessageType;

/// Longest `id` (as JSON text) that is echoed back; longer ones are refused.
pub(crate) const MAX_ID_LEN: usize = 64;

/// A message from a client, checked for shape.
#[derive(Debug)]
pub(crate) enum Request<'a> {
    Init {
        id: MessageId<'a>,
    },
    Idle,
    Debug {
        text: Cow<'a, str>,
    },
    Invoke(Invoke<'a>),
    ConnectToSignal {
        object: Cow<'a, str>,
        signal: u32,
    },
    DisconnectFromSignal {
        object: Cow<'a, str>,
        signal: u32,
    },
    SetProperty {
        object: Cow<'a, str>,
        property: u32,
        value: &'a RawValue,
    },
}

/// An `invokeMethod` request.
#[derive(Debug)]
pub(crate) struct Invoke<'a> {
    pub(crate) id: MessageId<'a>,
    pub(crate) object: Cow<'a, str>,
    pub(crate) method: MethodRef<'a>,
    pub(crate) args: Vec<&'a RawValue>,
}

/// How a client names the method it calls.
#[derive(Debug)]
pub(crate) enum MethodRef<'a> {
    /// By wire index (the client used a full signature such as `login(QString)`).
    Index(u32),
    /// By published name, so that the server picks among overloads.
    Name(Cow<'a, str>),
}

/// The `id` of a request: a JSON number or string, echoed verbatim in the response.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MessageId<'a>(&'a RawValue);

impl<'a> MessageId<'a> {
    pub(crate) fn as_json(&self) -> &'a str {
        self.0.get()
    }
}

/// Why a message was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    NotJson(String),
    NotAnObject,
    MissingType,
    UnknownType(String),
    ServerOnlyType(MessageType),
    MissingField(&'static str),
    BadField {
        field: &'static str,
        expected: &'static str,
    },
    BadId,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotJson(error) => write!(f, "not valid JSON: {error}"),
            Self::NotAnObject => f.write_str("a message must be a JSON object"),
            Self::MissingType => f.write_str("the message has no \"type\""),
            Self::UnknownType(found) => write!(f, "unknown message type {found}"),
            Self::ServerOnlyType(kind) => {
                write!(f, "message type {} is only sent by servers", *kind as u8)
            }
            Self::MissingField(field) => write!(f, "the message has no \"{field}\""),
            Self::BadField { field, expected } => write!(f, "\"{field}\" must be {expected}"),
            Self::BadId => write!(
                f,
                "\"id\" must be a number or a string of at most {MAX_ID_LEN} characters"
            ),
        }
    }
}

/// A refused message; `id` is set when the refused message was an `invokeMethod` whose
/// id could be read, so the client can still be answered.
#[derive(Debug)]
pub(crate) struct BadMessage<'a> {
    pub(crate) refusal: Refusal,
    pub(crate) invoke_id: Option<MessageId<'a>>,
}

impl<'a> From<Refusal> for BadMessage<'a> {
    fn from(refusal: Refusal) -> Self {
        Self {
            refusal,
            invoke_id: None,
        }
    }
}

/// The fields of a message, each `None` only when absent: a field set to `null` is
/// present (`setProperty` may write `null`).
#[derive(Deserialize)]
struct Fields<'a> {
    #[serde(rename = "type", borrow, default, deserialize_with = "present")]
    kind: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    id: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    object: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    method: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    args: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    signal: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    property: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    value: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    data: Option<&'a RawValue>,
}

fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(deserializer).map(Some)
}

/// A JSON string that stays borrowed from the message unless it contains escapes.
#[derive(Deserialize)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

/// Parses one client message.
pub(crate) fn parse(text: &str) -> Result<Request<'_>, BadMessage<'_>> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with('{') {
        return Err(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Ok(_) => Refusal::NotAnObject,
            Err(error) => Refusal::NotJson(error.to_string()),
        }
        .into());
    }
    let fields: Fields<'_> =
        serde_json::from_str(text).map_err(|error| Refusal::NotJson(error.to_string()))?;
    let kind = message_type(fields.kind)?;
    match kind {
        MessageType::Init => Ok(Request::Init { id: id(fields.id)? }),
        MessageType::Idle => Ok(Request::Idle),
        MessageType::Debug => Ok(Request::Debug {
            text: debug_text(fields.data),
        }),
        MessageType::InvokeMethod => invoke(&fields).map(Request::Invoke),
        MessageType::ConnectToSignal => Ok(Request::ConnectToSignal {
            object: object(fields.object)?,
            signal: index(fields.signal, "signal")?,
        }),
        MessageType::DisconnectFromSignal => Ok(Request::DisconnectFromSignal {
            object: object(fields.object)?,
            signal: index(fields.signal, "signal")?,
        }),
        MessageType::SetProperty => Ok(Request::SetProperty {
            object: object(fields.object)?,
            property: index(fields.property, "property")?,
            value: fields.value.ok_or(Refusal::MissingField("value"))?,
        }),
        MessageType::Signal | MessageType::PropertyUpdate | MessageType::Response => {
            Err(Refusal::ServerOnlyType(kind).into())
        }
    }
}

fn invoke<'a>(fields: &Fields<'a>) -> Result<Invoke<'a>, BadMessage<'a>> {
    let id = id(fields.id)?;
    let with_id = |refusal| BadMessage {
        refusal,
        invoke_id: Some(id),
    };
    let object = object(fields.object).map_err(with_id)?;
    let method = method(fields.method).map_err(with_id)?;
    let args = match fields.args {
        None => Vec::new(),
        Some(raw) => serde_json::from_str::<Vec<&RawValue>>(raw.get()).map_err(|_| {
            with_id(Refusal::BadField {
                field: "args",
                expected: "an array",
            })
        })?,
    };
    Ok(Invoke {
        id,
        object,
        method,
        args,
    })
}

fn message_type(raw: Option<&RawValue>) -> Result<MessageType, Refusal> {
    let raw = raw.ok_or(Refusal::MissingType)?;
    serde_json::from_str::<u64>(raw.get())
        .ok()
        .and_then(MessageType::from_number)
        .ok_or_else(|| Refusal::UnknownType(abbreviate(raw.get())))
}

fn id(raw: Option<&RawValue>) -> Result<MessageId<'_>, Refusal> {
    let raw = raw.ok_or(Refusal::MissingField("id"))?;
    let json = raw.get();
    let is_number_or_string = json.starts_with('"')
        || json.starts_with('-')
        || json.starts_with(|c: char| c.is_ascii_digit());
    if is_number_or_string && json.len() <= MAX_ID_LEN {
        Ok(MessageId(raw))
    } else {
        Err(Refusal::BadId)
    }
}

fn object(raw: Option<&RawValue>) -> Result<Cow<'_, str>, Refusal> {
    let raw = raw.ok_or(Refusal::MissingField("object"))?;
    serde_json::from_str::<Text<'_>>(raw.get())
        .map(|text| text.0)
        .map_err(|_| Refusal::BadField {
            field: "object",
            expected: "a string",
        })
}

fn method(raw: Option<&RawValue>) -> Result<MethodRef<'_>, Refusal> {
    let raw = raw.ok_or(Refusal::MissingField("method"))?;
    let refusal = || Refusal::BadField {
        field: "method",
        expected: "a method index or name",
    };
    // qwebchannel.js calls by name, so a string is the common case; look before parsing.
    if raw.get().starts_with('"') {
        return serde_json::from_str::<Text<'_>>(raw.get())
            .map(|text| MethodRef::Name(text.0))
            .map_err(|_| refusal());
    }
    serde_json::from_str::<u32>(raw.get())
        .map(MethodRef::Index)
        .map_err(|_| refusal())
}

fn index(raw: Option<&RawValue>, field: &'static str) -> Result<u32, Refusal> {
    let raw = raw.ok_or(Refusal::MissingField(field))?;
    serde_json::from_str::<u32>(raw.get()).map_err(|_| Refusal::BadField {
        field,
        expected: "a non-negative integer",
    })
}

fn debug_text(raw: Option<&RawValue>) -> Cow<'_, str> {
    match raw {
        None => Cow::Borrowed(""),
        Some(raw) => serde_json::from_str::<Text<'_>>(raw.get())
            .map(|text| text.0)
            .unwrap_or(Cow::Borrowed(raw.get())),
    }
}

/// At most 32 characters of `text`, for log lines and error messages that quote input.
pub(crate) fn abbreviate(text: &str) -> String {
    truncate(text, 32)
}

/// At most `limit` characters of `text`, marked when cut.
pub(crate) fn truncate(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(text: &str) -> Refusal {
        parse(text).expect_err("message should be refused").refusal
    }

    #[test]
    fn parses_every_client_message_type() {
        assert!(matches!(
            parse(r#"{"type":3,"id":0}"#),
            Ok(Request::Init { .. })
        ));
        assert!(matches!(parse(r#"{"type":4}"#), Ok(Request::Idle)));
        match parse(r#"{"type":5,"data":"hello \"you\""}"#) {
            Ok(Request::Debug { text }) => assert_eq!(text, "hello \"you\""),
            other => panic!("{other:?}"),
        }
        match parse(r#"{"type":6,"object":"o","method":"login","args":["a",1],"id":7}"#) {
            Ok(Request::Invoke(invoke)) => {
                assert_eq!(invoke.object, "o");
                assert!(matches!(invoke.method, MethodRef::Name(ref name) if name == "login"));
                assert_eq!(invoke.args.len(), 2);
                assert_eq!(invoke.id.as_json(), "7");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse(r#"{"type":6,"object":"o","method":12,"args":[],"id":"x"}"#),
            Ok(Request::Invoke(Invoke {
                method: MethodRef::Index(12),
                ..
            }))
        ));
        assert!(matches!(
            parse(r#"{"type":7,"object":"o","signal":5}"#),
            Ok(Request::ConnectToSignal { signal: 5, .. })
        ));
        assert!(matches!(
            parse(r#"{"type":8,"object":"o","signal":5}"#),
            Ok(Request::DisconnectFromSignal { signal: 5, .. })
        ));
        assert!(matches!(
            parse(r#"{"type":9,"object":"o","property":1,"value":[1]}"#),
            Ok(Request::SetProperty { property: 1, .. })
        ));
    }

    #[test]
    fn null_is_a_value_not_an_absent_field() {
        match parse(r#"{"type":9,"object":"o","property":1,"value":null}"#) {
            Ok(Request::SetProperty { value, .. }) => assert_eq!(value.get(), "null"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            refusal(r#"{"type":7,"object":null,"signal":1}"#),
            Refusal::BadField {
                field: "object",
                expected: "a string"
            }
        );
    }

    #[test]
    fn names_with_escapes_are_unescaped() {
        match parse(r#"{"type":7,"object":"a\"b","signal":1}"#) {
            Ok(Request::ConnectToSignal { object, .. }) => assert_eq!(object, "a\"b"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn refuses_malformed_messages_with_a_reason() {
        assert!(matches!(refusal("nope"), Refusal::NotJson(_)));
        assert_eq!(refusal("[1,2]"), Refusal::NotAnObject);
        assert_eq!(refusal("42"), Refusal::NotAnObject);
        assert_eq!(refusal("{}"), Refusal::MissingType);
        assert_eq!(refusal(r#"{"type":99}"#), Refusal::UnknownType("99".into()));
        assert_eq!(
            refusal(r#"{"type":"6"}"#),
            Refusal::UnknownType("\"6\"".into())
        );
        assert_eq!(
            refusal(r#"{"type":10,"id":1}"#),
            Refusal::ServerOnlyType(MessageType::Response)
        );
        assert_eq!(refusal(r#"{"type":3}"#), Refusal::MissingField("id"));
        assert_eq!(
            refusal(r#"{"type":7,"object":"o","signal":-1}"#),
            Refusal::BadField {
                field: "signal",
                expected: "a non-negative integer"
            }
        );
        assert_eq!(
            refusal(r#"{"type":9,"object":"o","property":0}"#),
            Refusal::MissingField("value")
        );
    }

    #[test]
    fn refuses_unusable_ids() {
        assert_eq!(refusal(r#"{"type":3,"id":{"a":1}}"#), Refusal::BadId);
        assert_eq!(refusal(r#"{"type":3,"id":null}"#), Refusal::BadId);
        assert_eq!(refusal(r#"{"type":3,"id":true}"#), Refusal::BadId);
        let long = format!(r#"{{"type":3,"id":"{}"}}"#, "x".repeat(100));
        assert_eq!(refusal(&long), Refusal::BadId);
        let huge = format!(r#"{{"type":3,"id":{}}}"#, "9".repeat(100));
        assert_eq!(refusal(&huge), Refusal::BadId);
    }

    #[test]
    fn a_bad_invoke_keeps_its_id_so_it_can_be_answered() {
        let bad = parse(r#"{"type":6,"object":"o","method":"m","args":{},"id":3}"#)
            .expect_err("args is not an array");
        assert_eq!(bad.invoke_id.map(|id| id.as_json()), Some("3"));
        assert_eq!(
            bad.refusal,
            Refusal::BadField {
                field: "args",
                expected: "an array"
            }
        );
        let bad = parse(r#"{"type":6,"method":"m","args":[],"id":4}"#).expect_err("no object");
        assert_eq!(bad.invoke_id.map(|id| id.as_json()), Some("4"));
    }

    #[test]
    fn deep_nesting_is_no_crash() {
        let nested = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        // Inside an argument it stays raw text until a parameter type reads it, and then
        // the reader's recursion limit refuses it.
        let invoke = format!(r#"{{"type":6,"object":"o","method":"m","id":1,"args":[{nested}]}}"#);
        match parse(&invoke) {
            Ok(Request::Invoke(invoke)) => {
                assert!(serde_json::from_str::<serde_json::Value>(invoke.args[0].get()).is_err());
            }
            other => panic!("{other:?}"),
        }
        // In a field the server ignores, it is skipped or refused, never a crash.
        let ignored = format!(r#"{{"type":4,"extra":{nested}}}"#);
        let _ = parse(&ignored);
    }

    #[test]
    fn abbreviation_respects_char_boundaries() {
        assert_eq!(abbreviate("short"), "short");
        let long = "é".repeat(40);
        assert_eq!(abbreviate(&long).chars().count(), 33);
    }
}
