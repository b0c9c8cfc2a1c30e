//! Property-based tests of the protocol core: arbitrary text and arbitrary mixes of
//! well-formed and broken messages go through a session (the in-memory transport, JSON
//! text both ways). Whatever arrives, nothing panics, every reply is a JSON object, every
//! call that carries a usable id is answered exactly once (with `data` or with an
//! `error`, never both), and the session still answers `init` afterwards.

use std::collections::HashMap;
use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Value, json};
use webchannel::{Channel, Context};

/// An object with a bit of everything a client can touch.
#[derive(Default)]
pub struct Target {
    level: i64,
}

#[webchannel::object]
impl Target {
    /// A writable property with a notify signal.
    #[webchannel(property, notify = level_changed)]
    pub fn level(&self) -> i64 {
        self.level
    }

    /// Sets the level.
    pub fn set_level(&mut self, level: i64, cx: &Context<Self>) {
        self.level = level;
        cx.level_changed();
    }

    /// Joins two strings.
    pub fn join(&self, a: String, b: Option<String>) -> String {
        format!("{a}{}", b.unwrap_or_default())
    }

    /// Fails when asked to.
    pub fn check(&self, ok: bool) -> Result<bool, String> {
        if ok {
            Ok(true)
        } else {
            Err("asked to fail".to_owned())
        }
    }

    /// Panics, which the client sees as an error.
    pub fn explode(&self) -> bool {
        panic!("explode was called");
    }

    #[webchannel(signal)]
    fn level_changed();

    #[webchannel(signal)]
    fn pinged(text: String);
}

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        prop_oneof![Just("target"), Just("join"), Just("level"), Just("nobody")]
            .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::hash_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Messages shaped like the protocol's, with any field possibly wrong.
fn protocol_message() -> impl Strategy<Value = Value> {
    (
        prop_oneof![(0u64..12).prop_map(Value::from), any_json()],
        prop::option::of(prop_oneof![(0u64..1000).prop_map(Value::from), any_json()]),
        prop_oneof![Just(json!("target")), any_json()],
        prop_oneof![
            prop_oneof![Just("join"), Just("check"), Just("explode"), Just("setLevel")].prop_map(Value::from),
            (0u64..20).prop_map(Value::from),
            any_json()
        ],
        prop_oneof![prop::collection::vec(any_json(), 0..4).prop_map(Value::Array), any_json()],
        any_json(),
    )
        .prop_map(|(kind, id, object, method, args, value)| {
            let mut message = json!({"type": kind, "object": object, "method": method, "args": args, "signal": value.clone(), "property": value.clone(), "value": value, "data": "debug"});
            if let Some(id) = id {
                message["id"] = id;
            }
            message
        })
}

/// One frame a client might send: protocol-shaped JSON, or any text at all.
fn frame() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => protocol_message().prop_map(|message| message.to_string()),
        1 => any_json().prop_map(|value| value.to_string()),
        1 => ".{0,64}",
        1 => "[\\[\\]{}\":,0-9a-z ]{0,64}",
    ]
}

/// The ids the server must answer: an invokeMethod or init whose id is a number or a
/// short string. (The server cannot answer other ids: it has nothing to echo.)
fn answerable_id(frame: &str) -> Option<String> {
    let message: Value = serde_json::from_str(frame).ok()?;
    let kind = message.get("type")?.as_u64()?;
    if kind != 3 && kind != 6 {
        return None;
    }
    let id = message.get("id")?;
    let usable = id.is_number() || id.as_str().is_some();
    let text = id.to_string();
    (usable && text.len() <= 64).then_some(text)
}

fn check_session(frames: &[String]) -> Result<(), TestCaseError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|error| TestCaseError::fail(error.to_string()))?;
    runtime.block_on(async {
        let channel = Channel::new();
        channel
            .register("target", Target::default())
            .expect("fresh channel");
        let mut client = channel.connect_in_memory();
        let mut expected: HashMap<String, usize> = HashMap::new();
        for frame in frames {
            if let Some(id) = answerable_id(frame) {
                *expected.entry(id).or_default() += 1;
            }
            client.send(frame.clone());
        }
        // A final init proves the session survived; everything before it is answered first.
        client.send(r#"{"type":3,"id":"final-probe"}"#);
        let mut answered: HashMap<String, usize> = HashMap::new();
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(10), client.recv())
                .await
                .map_err(|_| TestCaseError::fail("no answer to the final init"))?
                .ok_or_else(|| TestCaseError::fail("the session ended"))?;
            let message: Value = serde_json::from_str(frame.as_str())
                .map_err(|error| TestCaseError::fail(format!("not JSON: {error}: {frame}")))?;
            prop_assert!(message.is_object(), "{message}");
            if message["type"] != 10 {
                continue;
            }
            prop_assert!(
                message.get("data").is_some() != message.get("error").is_some(),
                "a response has data or an error, not both or neither: {message}"
            );
            if message["id"] == "final-probe" {
                break;
            }
            *answered.entry(message["id"].to_string()).or_default() += 1;
        }
        prop_assert_eq!(answered, expected);
        Ok(())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_sequence_of_frames_is_survived_and_every_call_answered_once(
        frames in prop::collection::vec(frame(), 0..24)
    ) {
        check_session(&frames)?;
    }
}
