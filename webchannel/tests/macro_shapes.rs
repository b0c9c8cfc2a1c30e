//! `#[webchannel::object]` on every supported shape of impl block: each compiles, its
//! `Object::META` says what was written, and it works through a real `Channel` with an
//! in-memory client.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};
use webchannel::meta::ObjectMeta;
use webchannel::{Channel, Context, Handle, MemoryClient, Object};

// ---------------------------------------------------------------------------------------
// The shapes.

/// The example of the macro's documentation.
#[derive(Default)]
pub struct Counter {
    value: i64,
}

#[webchannel::object]
impl Counter {
    /// The current value.
    #[webchannel(property, notify = value_changed)]
    pub fn value(&self) -> i64 {
        self.value
    }

    /// Writes `value` (makes the property writable; not a method of its own).
    pub fn set_value(&mut self, value: i64, cx: &Context<Self>) {
        self.value = value;
        cx.value_changed(value);
    }

    /// A constant property.
    #[webchannel(property, constant)]
    pub fn name(&self) -> String {
        "counter".into()
    }

    /// Adds `by`.
    ///
    /// Returns the new value.
    pub fn increment(&mut self, by: i64, cx: &Context<Self>) -> i64 {
        self.value += by;
        cx.value_changed(self.value);
        self.value
    }

    /// The value as text.
    pub fn describe(&self) -> String {
        format!("{}", self.value)
    }

    /// Back to zero.
    #[webchannel(name = "reset")]
    pub fn reset_to_zero(&mut self) {
        self.value = 0;
    }

    /// The value divided by `by`.
    pub fn divide(&self, by: i64) -> Result<i64, String> {
        if by == 0 {
            Err("division by zero".into())
        } else {
            Ok(self.value / by)
        }
    }

    /// Twice the value, after a delay.
    pub async fn slow_double(&self, delay_ms: u64) -> i64 {
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        self.value * 2
    }

    /// Public but not published.
    #[webchannel(skip)]
    pub fn internal_helper(&self) {}

    #[allow(dead_code)]
    fn private_helper(&self) {}

    /// Emitted when the value changes.
    #[webchannel(signal)]
    fn value_changed(value: i64);

    /// Emitted when the value grew too large.
    #[webchannel(signal)]
    fn overflowed(at: i64, message: String);
}

/// No methods, properties or signals at all.
pub struct Empty;

#[webchannel::object]
impl Empty {}

/// Only signals.
pub struct Beacon;

#[webchannel::object]
impl Beacon {
    /// No arguments.
    #[webchannel(signal)]
    fn ping();

    /// One argument: still an array on the wire.
    #[webchannel(signal)]
    fn tick(count: u32);

    /// Borrowed arguments are fine in signals.
    #[webchannel(signal)]
    fn note(text: &str, tags: &[String]);
}

/// `async fn` methods, `name =` overrides, `Result` shapes, types of every Qt kind.
#[derive(Default)]
pub struct Shapes {
    log: Vec<String>,
    level: u8,
}

#[webchannel::object]
impl Shapes {
    /// The log.
    #[webchannel(property, notify = log_grew, name = "entries")]
    pub fn log(&self) -> Vec<String> {
        self.log.clone()
    }

    /// A level that refuses values above 10.
    #[webchannel(property, notify = level_changed)]
    pub fn level(&self) -> u8 {
        self.level
    }

    /// Rejects values above 10.
    pub fn set_level(&mut self, level: u8, cx: &Context<Self>) -> Result<(), String> {
        if level > 10 {
            return Err(format!("{level} is above 10"));
        }
        self.level = level;
        cx.level_changed();
        Ok(())
    }

    /// A borrowed constant.
    #[webchannel(property, constant)]
    pub fn label(&self) -> &str {
        "shapes"
    }

    /// `&mut self` and `async`.
    pub async fn append_later(&mut self, entry: String, cx: &Context<Self>) -> usize {
        tokio::task::yield_now().await;
        self.log.push(entry);
        cx.log_grew(&self.log);
        self.log.len()
    }

    /// `&self`, `async`, returning a `Result`.
    pub async fn entry(&self, index: usize) -> Result<String, String> {
        self.log
            .get(index)
            .cloned()
            .ok_or_else(|| format!("no entry {index}"))
    }

    /// `async`, returning nothing.
    pub async fn clear(&mut self) {
        self.log.clear();
    }

    /// `Result<(), E>` answers `null`.
    pub fn check(&self, ok: bool) -> Result<(), std::fmt::Error> {
        if ok { Ok(()) } else { Err(std::fmt::Error) }
    }

    /// Parameter types of every Qt kind, and an optional one.
    #[allow(clippy::too_many_arguments)]
    pub fn kinds(
        &self,
        flag: bool,
        small: i32,
        big: u64,
        ratio: f64,
        letter: char,
        names: Vec<String>,
        numbers: Vec<i32>,
        table: HashMap<String, i64>,
        any: Value,
        maybe: Option<String>,
    ) -> Value {
        json!([
            flag, small, big, ratio, letter, names, numbers, table, any, maybe
        ])
    }

    /// A borrowed result.
    pub fn greeting(&self) -> &str {
        "hello"
    }

    /// Which session called.
    pub fn whoami(&self, cx: &Context<Self>) -> u64 {
        cx.session().get()
    }

    /// Named like a method of `Object`; the inherent one is what clients call.
    pub fn invoke(&self) -> &'static str {
        "inherent"
    }

    /// Panics, which the client sees as a failed call.
    #[allow(clippy::panic)]
    pub fn explode(&self) {
        panic!("boom");
    }

    /// A raw identifier loses its `r#`.
    #[allow(clippy::unused_self)]
    pub fn r#type(&self) -> &'static str {
        "type"
    }

    /// Renamed signal.
    /// Renamed notify signal, carrying the new value (borrowed).
    #[webchannel(signal, name = "logGrew")]
    fn log_grew(entries: &Vec<String>);

    #[webchannel(signal)]
    fn level_changed();
}

/// Items compiled out by `#[cfg]` take no place in the tables.
#[derive(Default)]
pub struct Conditional;

#[webchannel::object]
impl Conditional {
    /// Before.
    pub fn first(&self) -> u8 {
        1
    }

    /// Compiled out.
    #[cfg(not(test))]
    pub fn gone(&self) -> u8 {
        0
    }

    /// Compiled in, after a compiled-out one.
    #[cfg(test)]
    pub fn kept(&self) -> u8 {
        2
    }

    /// After.
    pub fn last(&self) -> u8 {
        3
    }

    /// Compiled out.
    #[cfg(not(test))]
    #[webchannel(property, constant)]
    pub fn gone_property(&self) -> u8 {
        0
    }

    /// After a compiled-out property.
    #[webchannel(property, notify = changed)]
    pub fn present(&self) -> u8 {
        4
    }

    /// Only writable where the setter is compiled in: here, never.
    #[cfg(not(test))]
    pub fn set_present(&mut self, value: u8) {
        let _ = value;
    }

    /// Compiled out.
    #[cfg(not(test))]
    #[webchannel(signal)]
    fn gone_signal();

    /// After a compiled-out signal.
    #[webchannel(signal)]
    fn changed(value: u8);
}

/// The runtime reached through a re-export, as a crate that wraps webchannel would.
pub mod reexport {
    pub use webchannel;
}

/// Published through `crate = "..."`.
#[derive(Default)]
pub struct Wrapped;

#[reexport::webchannel::object(crate = "reexport::webchannel")]
impl Wrapped {
    /// Works through the re-export.
    pub fn answer(&self) -> u8 {
        42
    }

    /// A signal too.
    #[webchannel(signal)]
    fn answered();
}

/// Learns which sessions ended, through a `&mut self` hook that takes the context.
#[derive(Default)]
pub struct Lobby {
    left: Vec<u64>,
}

#[webchannel::object]
impl Lobby {
    /// Which session called.
    pub fn whoami(&self, cx: &Context<Self>) -> u64 {
        cx.session().get()
    }

    /// Not published, even though it is `pub`.
    #[webchannel(on_disconnect)]
    pub fn session_ended(&mut self, cx: &Context<Self>) {
        self.left.push(cx.session().get());
        cx.someone_left(cx.session().get());
    }

    /// Emitted from the hook.
    #[webchannel(signal)]
    fn someone_left(session: u64);
}

/// Counts ended sessions through an `async fn(&mut self)` hook without the context.
#[derive(Default)]
pub struct Tally {
    ended: usize,
}

#[webchannel::object]
impl Tally {
    /// How many sessions ended.
    pub fn ended(&self) -> usize {
        self.ended
    }

    #[webchannel(on_disconnect)]
    async fn count_one(&mut self) {
        tokio::task::yield_now().await;
        self.ended += 1;
    }
}

/// A `&self` hook, which can only look.
pub struct Watcher {
    seen: std::sync::Mutex<Vec<u64>>,
}

#[webchannel::object]
impl Watcher {
    #[webchannel(on_disconnect)]
    fn note(&self, cx: &Context<Self>) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.push(cx.session().get());
        }
    }
}

/// How the fan runs: travels as its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, webchannel::Enum)]
pub enum Mode {
    /// 0.
    Off,
    /// 1.
    On,
    /// 5.
    Auto = 5,
    /// 6.
    Boost,
}

/// Listed after `Mode`; negative values too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, webchannel::Enum)]
pub enum Trend {
    /// -1.
    Falling = -1,
    /// 0.
    Steady,
    /// 1.
    Rising,
}

/// Enums in signatures, overloads, and other objects as values.
#[derive(Default)]
pub struct Thermostat {
    mode: Option<Mode>,
    target: f64,
}

#[webchannel::object(enums(Mode, Trend))]
impl Thermostat {
    /// The current mode.
    #[webchannel(property, notify = mode_changed)]
    pub fn mode(&self) -> Mode {
        self.mode.unwrap_or(Mode::Off)
    }

    /// Writable from clients, as a number.
    pub fn set_mode(&mut self, mode: Mode, cx: &Context<Self>) {
        self.mode = Some(mode);
        cx.mode_changed(mode);
    }

    /// `set(double)`.
    #[webchannel(name = "set")]
    pub fn set_target(&mut self, target: f64) -> String {
        self.target = target;
        format!("target {target}")
    }

    /// `set(Mode,double)`: same name, two parameters.
    #[webchannel(name = "set")]
    pub fn set_both(&mut self, mode: Mode, target: f64) -> String {
        self.mode = Some(mode);
        self.target = target;
        format!("mode {mode:?}, target {target}")
    }

    /// `set(QString)`: same name and count, another type.
    #[webchannel(name = "set")]
    pub fn set_by_text(&mut self, text: String) -> String {
        format!("text {text}")
    }

    /// Where the temperature goes.
    pub fn trend(&self, now: f64) -> Trend {
        match now.partial_cmp(&self.target) {
            Some(std::cmp::Ordering::Less) => Trend::Rising,
            Some(std::cmp::Ordering::Greater) => Trend::Falling,
            _ => Trend::Steady,
        }
    }

    /// Another object, as a value.
    pub fn sensor(&self) -> Handle<Empty> {
        Handle::new(Empty)
    }

    /// Maybe another object.
    pub fn maybe_sensor(&self, wanted: bool) -> Option<Handle<Empty>> {
        wanted.then(|| Handle::new(Empty))
    }

    /// Emitted with the new mode.
    #[webchannel(signal)]
    fn mode_changed(mode: Mode);
}

// ---------------------------------------------------------------------------------------
// Helpers.

const WAIT: Duration = Duration::from_secs(5);

async fn recv(client: &mut MemoryClient) -> Value {
    let frame = tokio::time::timeout(WAIT, client.recv())
        .await
        .expect("a frame within the timeout")
        .expect("the session is open");
    serde_json::from_str(frame.as_str()).expect("frames are JSON")
}

/// Sends init and idle and returns the init response's `data`.
async fn ready(client: &mut MemoryClient) -> Value {
    client.send(r#"{"type":3,"id":0}"#);
    let response = recv(client).await;
    assert_eq!(response["type"], 10);
    assert_eq!(response["id"], 0);
    client.send(r#"{"type":4}"#);
    response["data"].clone()
}

/// Every frame up to the response with `id`: (the response, the frames before it).
async fn response(client: &mut MemoryClient, id: u64) -> (Value, Vec<Value>) {
    let mut before = Vec::new();
    loop {
        let frame = recv(client).await;
        if frame["type"] == 10 && frame["id"] == id {
            return (frame, before);
        }
        before.push(frame);
    }
}

/// Invokes `method` (a name or an index) and returns the response.
async fn call(client: &mut MemoryClient, object: &str, method: Value, args: Value) -> Value {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(100);
    let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let message = json!({"type": 6, "object": object, "method": method, "args": args, "id": id});
    client.send(message.to_string());
    response(client, id).await.0
}

/// The next `propertyUpdate`, answering it with idle.
async fn property_update(client: &mut MemoryClient) -> Value {
    loop {
        let frame = recv(client).await;
        if frame["type"] == 2 {
            client.send(r#"{"type":4}"#);
            return frame;
        }
    }
}

fn method_names(meta: &ObjectMeta) -> Vec<&str> {
    meta.methods.iter().map(|method| method.name).collect()
}

fn connect<T: Object>(channel: &Channel, name: &str, object: T) -> Handle<T> {
    channel.register(name, object).expect("a fresh name")
}

// ---------------------------------------------------------------------------------------
// Metadata.

#[test]
fn counter_meta_describes_what_was_written() {
    let meta = Counter::META;
    assert_eq!(meta.type_name, "Counter");
    assert_eq!(
        method_names(meta),
        ["increment", "describe", "reset", "divide", "slowDouble"]
    );
    let signatures: Vec<&str> = meta.methods.iter().map(|m| m.signature).collect();
    assert_eq!(
        signatures,
        [
            "increment(qlonglong)",
            "describe()",
            "reset()",
            "divide(qlonglong)",
            "slowDouble(qulonglong)",
        ]
    );
    let increment = &meta.methods[0];
    assert_eq!(increment.params.len(), 1, "the context is not a parameter");
    assert_eq!(increment.params[0].name, "by");
    assert_eq!(increment.params[0].ty.rust, "i64");
    assert_eq!(increment.returns.qt, "qlonglong");
    assert_eq!(increment.docs, "Adds `by`.\n\nReturns the new value.");
    assert!(!increment.is_async);
    assert!(meta.methods[4].is_async);
    assert_eq!(meta.methods[4].params[0].name, "delayMs");
    assert_eq!(meta.methods[2].returns.rust, "()");
    assert_eq!(meta.methods[3].returns.rust, "Result<i64, String>");

    let value = &meta.properties[0];
    assert_eq!(
        (value.name, value.notify, value.constant, value.writable),
        ("value", Some(0), false, true)
    );
    assert_eq!(value.docs, "The current value.");
    let name = &meta.properties[1];
    assert_eq!(
        (name.name, name.notify, name.constant, name.writable),
        ("name", None, true, false)
    );

    let signals: Vec<(&str, &str)> = meta
        .signals
        .iter()
        .map(|signal| (signal.name, signal.signature))
        .collect();
    assert_eq!(
        signals,
        [
            ("valueChanged", "valueChanged(qlonglong)"),
            ("overflowed", "overflowed(qlonglong,QString)"),
        ]
    );
    assert_eq!(meta.signals[1].params[1].name, "message");
    assert!(meta.enums.is_empty());
}

#[test]
fn shapes_meta_has_names_signatures_and_flags() {
    let meta = Shapes::META;
    assert_eq!(
        method_names(meta),
        [
            "appendLater",
            "entry",
            "clear",
            "check",
            "kinds",
            "greeting",
            "whoami",
            "invoke",
            "explode",
            "type",
        ]
    );
    assert_eq!(
        meta.methods[4].signature,
        "kinds(bool,int,qulonglong,double,QChar,QStringList,QVariantList,QVariantMap,\
         QJsonValue,QString)"
    );
    assert_eq!(meta.methods[0].signature, "appendLater(QString)");
    assert_eq!(meta.methods[6].signature, "whoami()");
    let properties: Vec<_> = meta
        .properties
        .iter()
        .map(|p| (p.name, p.notify, p.constant, p.writable, p.ty.qt))
        .collect();
    assert_eq!(
        properties,
        [
            ("entries", Some(0), false, false, "QStringList"),
            ("level", Some(1), false, true, "uint"),
            ("label", None, true, false, "QString"),
        ]
    );
    assert_eq!(meta.signals[0].name, "logGrew");
    assert_eq!(meta.signals[0].signature, "logGrew(QStringList)");
    assert_eq!(meta.signals[1].signature, "levelChanged()");
}

#[test]
fn empty_and_signal_only_objects() {
    let empty = Empty::META;
    assert_eq!(empty.type_name, "Empty");
    assert!(empty.methods.is_empty() && empty.properties.is_empty() && empty.signals.is_empty());

    let beacon = Beacon::META;
    assert!(beacon.methods.is_empty() && beacon.properties.is_empty());
    let signatures: Vec<&str> = beacon.signals.iter().map(|s| s.signature).collect();
    assert_eq!(
        signatures,
        ["ping()", "tick(uint)", "note(QString,QStringList)"]
    );
    assert_eq!(beacon.signals[2].params[0].ty.rust, "&str");
}

#[test]
fn cfg_disabled_items_take_no_place() {
    let meta = Conditional::META;
    assert_eq!(method_names(meta), ["first", "kept", "last"]);
    assert_eq!(meta.properties.len(), 1);
    let present = &meta.properties[0];
    assert_eq!(present.name, "present");
    assert_eq!(
        present.notify,
        Some(0),
        "the compiled-out signal takes no place"
    );
    assert!(!present.writable, "its setter is compiled out");
    let signals: Vec<&str> = meta.signals.iter().map(|s| s.name).collect();
    assert_eq!(signals, ["changed"]);
}

#[test]
fn crate_override_reaches_the_runtime_through_the_reexport() {
    assert_eq!(method_names(Wrapped::META), ["answer"]);
    assert_eq!(Wrapped::META.signals[0].name, "answered");
}

// ---------------------------------------------------------------------------------------
// Through a channel.

#[tokio::test]
async fn init_describes_every_object_as_clients_expect() {
    let channel = Channel::new();
    let _counter = connect(&channel, "counter", Counter { value: 5 });
    let _empty = connect(&channel, "empty", Empty);
    let _beacon = connect(&channel, "beacon", Beacon);
    let mut client = channel.connect_in_memory();
    let data = ready(&mut client).await;
    // Counter: signals 1 valueChanged (notify), 2 overflowed; methods from 3.
    assert_eq!(
        data["counter"],
        json!({
            "methods": [
                ["increment", 3], ["increment(qlonglong)", 3],
                ["describe", 4], ["describe()", 4],
                ["reset", 5], ["reset()", 5],
                ["divide", 6], ["divide(qlonglong)", 6],
                ["slowDouble", 7], ["slowDouble(qulonglong)", 7],
            ],
            "signals": [
                ["destroyed", 0], ["destroyed()", 0],
                ["overflowed", 2], ["overflowed(qlonglong,QString)", 2],
            ],
            "properties": [
                [0, "value", [1, 1], 5],
                [1, "name", [], "counter"],
            ],
        })
    );
    assert_eq!(
        data["empty"],
        json!({
            "methods": [],
            "signals": [["destroyed", 0], ["destroyed()", 0]],
            "properties": [],
        })
    );
    assert_eq!(
        data["beacon"]["signals"],
        json!([
            ["destroyed", 0],
            ["destroyed()", 0],
            ["ping", 1],
            ["ping()", 1],
            ["tick", 2],
            ["tick(uint)", 2],
            ["note", 3],
            ["note(QString,QStringList)", 3],
        ])
    );
}

#[tokio::test]
async fn methods_are_called_by_name_and_by_index() {
    let channel = Channel::new();
    let counter = connect(&channel, "counter", Counter::default());
    let mut client = channel.connect_in_memory();
    ready(&mut client).await;

    let by_name = call(&mut client, "counter", json!("increment"), json!([5])).await;
    assert_eq!(by_name["data"], 5);
    let by_index = call(&mut client, "counter", json!(3), json!([2])).await;
    assert_eq!(by_index["data"], 7);
    let by_signature = call(&mut client, "counter", json!(4), json!([])).await;
    assert_eq!(by_signature["data"], "7");

    let renamed = call(&mut client, "counter", json!("reset"), json!([])).await;
    assert_eq!(renamed["data"], Value::Null);
    assert!(
        renamed.get("data").is_some(),
        "a unit method answers null data"
    );
    assert_eq!(counter.read().await.value, 0);

    // Neither the setter, the skipped nor the private fn is callable.
    for name in ["setValue", "internalHelper", "privateHelper", "resetToZero"] {
        let response = call(&mut client, "counter", json!(name), json!([])).await;
        assert!(response.get("data").is_none(), "{name}: {response}");
    }
}

#[tokio::test]
async fn result_errors_reject_the_call_with_their_message() {
    let channel = Channel::new();
    let _counter = connect(&channel, "counter", Counter { value: 9 });
    let mut client = channel.connect_in_memory();
    ready(&mut client).await;

    let ok = call(&mut client, "counter", json!("divide"), json!([3])).await;
    assert_eq!(ok["data"], 3);
    let failed = call(&mut client, "counter", json!("divide"), json!([0])).await;
    assert!(failed.get("data").is_none(), "{failed}");
    assert_eq!(failed["error"], "division by zero");

    let wrong_type = call(&mut client, "counter", json!("divide"), json!(["x"])).await;
    assert!(wrong_type.get("data").is_none(), "{wrong_type}");
    let error = wrong_type["error"].as_str().expect("an error message");
    assert_eq!(
        error,
        "counter.divide: argument 1 (by) must be an integer from -2^63 to 2^63-1; got \"x\""
    );
}

#[tokio::test]
async fn async_methods_run_and_answer() {
    let channel = Channel::new();
    let _counter = connect(&channel, "counter", Counter { value: 21 });
    let shapes = connect(&channel, "shapes", Shapes::default());
    let mut client = channel.connect_in_memory();
    ready(&mut client).await;

    let doubled = call(&mut client, "counter", json!("slowDouble"), json!([1])).await;
    assert_eq!(doubled["data"], 42);

    let appended = call(&mut client, "shapes", json!("appendLater"), json!(["a"])).await;
    assert_eq!(appended["data"], 1);
    assert_eq!(shapes.read().await.log, ["a"]);
    let entry = call(&mut client, "shapes", json!("entry"), json!([0])).await;
    assert_eq!(entry["data"], "a");
    let missing = call(&mut client, "shapes", json!("entry"), json!([5])).await;
    assert_eq!(missing["error"], "no entry 5");
    let cleared = call(&mut client, "shapes", json!("clear"), json!([])).await;
    assert_eq!(cleared["data"], Value::Null);
    assert!(shapes.read().await.log.is_empty());
}

#[tokio::test]
async fn every_kind_of_value_crosses() {
    let channel = Channel::new();
    let _shapes = connect(&channel, "shapes", Shapes::default());
    let mut client = channel.connect_in_memory();
    ready(&mut client).await;

    let args = json!([true, -3, 7, 0.5, "x", ["a", "b"], [1, 2], {"k": 1}, {"any": [null]}]);
    let kinds = call(&mut client, "shapes", json!("kinds"), args).await;
    assert_eq!(
        kinds["data"],
        json!([true, -3, 7, 0.5, "x", ["a", "b"], [1, 2], {"k": 1}, {"any": [null]}, null]),
        "the omitted trailing Option reads as None"
    );
    let check_ok = call(&mut client, "shapes", json!("check"), json!([true])).await;
    assert_eq!(check_ok["data"], Value::Null);
    let check_err = call(&mut client, "shapes", json!("check"), json!([false])).await;
    assert!(check_err.get("data").is_none());
    assert_eq!(
        call(&mut client, "shapes", json!("greeting"), json!([])).await["data"],
        "hello"
    );
    assert_eq!(
        call(&mut client, "shapes", json!("invoke"), json!([])).await["data"],
        "inherent"
    );
    assert_eq!(
        call(&mut client, "shapes", json!("type"), json!([])).await["data"],
        "type"
    );
    let whoami = call(&mut client, "shapes", json!("whoami"), json!([])).await;
    assert!(whoami["data"].as_u64().is_some(), "{whoami}");
    let exploded = call(&mut client, "shapes", json!("explode"), json!([])).await;
    assert!(exploded.get("data").is_none(), "{exploded}");
    // The object still works after a panic.
    assert_eq!(
        call(&mut client, "shapes", json!("greeting"), json!([])).await["data"],
        "hello"
    );
}

#[tokio::test]
async fn cfg_positions_line_up_with_invoke() {
    let channel = Channel::new();
    let _conditional = connect(&channel, "conditional", Conditional);
    let mut client = channel.connect_in_memory();
    let data = ready(&mut client).await;
    assert_eq!(
        data["conditional"]["properties"],
        json!([[0, "present", ["changed", 1], 4]])
    );
    for (name, expected) in [("first", 1), ("kept", 2), ("last", 3)] {
        let response = call(&mut client, "conditional", json!(name), json!([])).await;
        assert_eq!(response["data"], expected, "{name}");
    }
    // Methods start after the one signal: 2, 3, 4.
    for (index, expected) in [(2, 1), (3, 2), (4, 3)] {
        let response = call(&mut client, "conditional", json!(index), json!([])).await;
        assert_eq!(response["data"], expected, "index {index}");
    }
}

#[tokio::test]
async fn crate_override_works_at_run_time() {
    let channel = Channel::new();
    let wrapped = connect(&channel, "wrapped", Wrapped);
    let mut client = channel.connect_in_memory();
    ready(&mut client).await;
    assert_eq!(
        call(&mut client, "wrapped", json!("answer"), json!([])).await["data"],
        42
    );
    client.send(r#"{"type":7,"object":"wrapped","signal":1}"#);
    call(&mut client, "wrapped", json!("answer"), json!([])).await;
    wrapped.answered();
    assert_eq!(
        recv(&mut client).await,
        json!({"type": 1, "object": "wrapped", "signal": 1})
    );
}

#[tokio::test]
async fn signals_emitted_from_a_handle_reach_connected_clients() {
    let channel = Channel::new();
    let counter = connect(&channel, "counter", Counter::default());
    let beacon = connect(&channel, "beacon", Beacon);
    let mut listener = channel.connect_in_memory();
    let mut bystander = channel.connect_in_memory();
    ready(&mut listener).await;
    ready(&mut bystander).await;

    for signal in [1, 2, 3] {
        listener.send(json!({"type": 7, "object": "beacon", "signal": signal}).to_string());
    }
    listener.send(r#"{"type":7,"object":"counter","signal":2}"#);
    // Calls are answered in order: once this one is, the connections are made.
    call(&mut listener, "counter", json!("describe"), json!([])).await;

    counter.overflowed(99, "too big".to_owned());
    beacon.ping();
    beacon.tick(3);
    beacon.note("hi", &["a".to_owned()]);
    assert_eq!(
        recv(&mut listener).await,
        json!({"type": 1, "object": "counter", "signal": 2, "args": [99, "too big"]})
    );
    assert_eq!(
        recv(&mut listener).await,
        json!({"type": 1, "object": "beacon", "signal": 1})
    );
    assert_eq!(
        recv(&mut listener).await,
        json!({"type": 1, "object": "beacon", "signal": 2, "args": [3]})
    );
    assert_eq!(
        recv(&mut listener).await,
        json!({"type": 1, "object": "beacon", "signal": 3, "args": ["hi", ["a"]]})
    );

    // The bystander connected to nothing and gets nothing.
    call(&mut bystander, "counter", json!("describe"), json!([])).await;
    assert!(bystander.try_recv().is_none());
}

#[tokio::test]
async fn notify_signals_become_property_updates_after_idle() {
    let channel = Channel::new();
    let counter = connect(&channel, "counter", Counter::default());
    let mut client = channel.connect_in_memory();
    ready(&mut client).await;

    let (response, _) = {
        client.send(r#"{"type":6,"object":"counter","method":"increment","args":[4],"id":1}"#);
        response(&mut client, 1).await
    };
    assert_eq!(response["data"], 4);
    assert_eq!(
        property_update(&mut client).await,
        json!({
            "type": 2,
            "data": [{"object": "counter", "signals": {"1": [4]}, "properties": {"0": 4}}],
        })
    );

    // From outside any call, through the handle.
    counter.write().await.value = 10;
    counter.value_changed(10);
    assert_eq!(
        property_update(&mut client).await["data"][0]["properties"],
        json!({"0": 10})
    );
}

#[test]
fn enums_overloads_and_objects_in_the_meta() {
    let meta = Thermostat::META;
    let enums: Vec<_> = meta.enums.iter().map(|e| (e.name, e.values)).collect();
    assert_eq!(
        enums,
        [
            (
                "Mode",
                &[("Off", 0), ("On", 1), ("Auto", 5), ("Boost", 6)][..]
            ),
            (
                "Trend",
                &[("Falling", -1), ("Steady", 0), ("Rising", 1)][..]
            ),
        ]
    );
    let signatures: Vec<&str> = meta.methods.iter().map(|m| m.signature).collect();
    assert_eq!(
        signatures,
        [
            "set(double)",
            "set(Mode,double)",
            "set(QString)",
            "trend(double)",
            "sensor()",
            "maybeSensor(bool)",
        ]
    );
    assert_eq!(meta.methods[3].returns.qt, "Trend");
    assert_eq!(meta.methods[4].returns.qt, "QObject*");
    assert_eq!(meta.methods[5].returns.qt, "QObject*");
    assert_eq!(meta.properties[0].ty.qt, "Mode");
    assert_eq!(meta.signals[0].signature, "modeChanged(Mode)");
}

#[tokio::test]
async fn enums_travel_as_numbers_and_overloads_are_called() {
    let channel = Channel::new();
    let thermostat = connect(&channel, "thermostat", Thermostat::default());
    let mut client = channel.connect_in_memory();
    let data = ready(&mut client).await;
    assert_eq!(
        data["thermostat"]["enums"],
        json!({
            "Mode": {"Off": 0, "On": 1, "Auto": 5, "Boost": 6},
            "Trend": {"Falling": -1, "Steady": 0, "Rising": 1},
        })
    );
    assert_eq!(data["thermostat"]["properties"][0][3], 0, "Mode::Off");

    // By name: the argument count and types pick the overload.
    let one = call(&mut client, "thermostat", json!("set"), json!([21.5])).await;
    assert_eq!(one["data"], "target 21.5");
    let two = call(&mut client, "thermostat", json!("set"), json!([5, 19.0])).await;
    assert_eq!(two["data"], "mode Auto, target 19");
    let text = call(&mut client, "thermostat", json!("set"), json!(["warm"])).await;
    assert_eq!(text["data"], "text warm");
    assert_eq!(thermostat.read().await.mode, Some(Mode::Auto));

    let trend = call(&mut client, "thermostat", json!("trend"), json!([30.0])).await;
    assert_eq!(trend["data"], -1, "Trend::Falling");

    // A number that is no Mode is refused with the accepted ones.
    let wrong = call(&mut client, "thermostat", json!("set"), json!([2, 19.0])).await;
    assert!(wrong.get("data").is_none(), "{wrong}");
    let error = wrong["error"].as_str().expect("an error message");
    assert!(
        error.contains("2 is not a Mode; expected one of: 0 (Off), 1 (On), 5 (Auto), 6 (Boost)"),
        "{error}"
    );

    // setProperty with a number.
    client.send(r#"{"type":9,"object":"thermostat","property":0,"value":6}"#);
    assert_eq!(
        property_update(&mut client).await["data"][0]["properties"],
        json!({"0": 6})
    );
    assert_eq!(thermostat.read().await.mode, Some(Mode::Boost));

    // Objects as values: a reference, and null for none.
    let sensor = call(&mut client, "thermostat", json!("sensor"), json!([])).await;
    assert_eq!(sensor["data"]["__QObject*__"], true, "{sensor}");
    let none = call(
        &mut client,
        "thermostat",
        json!("maybeSensor"),
        json!([false]),
    )
    .await;
    assert_eq!(none["data"], Value::Null);
}

#[test]
fn the_disconnect_hook_is_not_published() {
    assert_eq!(method_names(Lobby::META), ["whoami"]);
    assert_eq!(method_names(Tally::META), ["ended"]);
    assert!(Watcher::META.methods.is_empty());
}

#[tokio::test]
async fn the_disconnect_hook_sees_the_session_that_ended() {
    let channel = Channel::new();
    let lobby = connect(&channel, "lobby", Lobby::default());
    let tally = connect(&channel, "tally", Tally::default());
    let watcher = connect(
        &channel,
        "watcher",
        Watcher {
            seen: std::sync::Mutex::default(),
        },
    );
    let mut staying = channel.connect_in_memory();
    let mut leaving = channel.connect_in_memory();
    ready(&mut staying).await;
    ready(&mut leaving).await;
    let leaving_id = call(&mut leaving, "lobby", json!("whoami"), json!([])).await["data"]
        .as_u64()
        .expect("a session id");
    let hook = call(&mut leaving, "lobby", json!("sessionEnded"), json!([])).await;
    assert!(
        hook.get("data").is_none(),
        "the hook is not callable: {hook}"
    );

    // The staying client listens to `someoneLeft` (signal 1).
    staying.send(r#"{"type":7,"object":"lobby","signal":1}"#);
    let staying_id = call(&mut staying, "lobby", json!("whoami"), json!([])).await["data"]
        .as_u64()
        .expect("a session id");
    assert_ne!(staying_id, leaving_id);

    drop(leaving);
    assert_eq!(
        recv(&mut staying).await,
        json!({"type": 1, "object": "lobby", "signal": 1, "args": [leaving_id]}),
        "the hook ran, with the context of the session that ended"
    );
    assert_eq!(lobby.read().await.left, [leaving_id]);
    // Hooks run one object after another, in name order: `watcher` is last.
    for _ in 0..500 {
        if !watcher
            .read()
            .await
            .seen
            .lock()
            .expect("not poisoned")
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        *watcher.read().await.seen.lock().expect("not poisoned"),
        [leaving_id]
    );
    assert_eq!(tally.read().await.ended, 1);

    // Closing waits for the session's end, hooks included.
    staying.close().await;
    assert_eq!(lobby.read().await.left, [leaving_id, staying_id]);
    assert_eq!(tally.read().await.ended, 2);
    assert_eq!(
        *watcher.read().await.seen.lock().expect("not poisoned"),
        [leaving_id, staying_id]
    );
}

#[tokio::test]
async fn set_property_calls_the_setter() {
    let channel = Channel::new();
    let counter = connect(&channel, "counter", Counter::default());
    let shapes = connect(&channel, "shapes", Shapes::default());
    let mut client = channel.connect_in_memory();
    ready(&mut client).await;

    client.send(r#"{"type":9,"object":"counter","property":0,"value":42}"#);
    assert_eq!(
        property_update(&mut client).await["data"][0]["properties"],
        json!({"0": 42})
    );
    assert_eq!(counter.read().await.value, 42);

    // A read-only property is left alone.
    client.send(r#"{"type":9,"object":"counter","property":1,"value":"x"}"#);
    assert_eq!(
        call(&mut client, "counter", json!("describe"), json!([])).await["data"],
        "42"
    );

    // A setter returning Err leaves the value as it was.
    client.send(r#"{"type":9,"object":"shapes","property":1,"value":11}"#);
    client.send(r#"{"type":9,"object":"shapes","property":1,"value":3}"#);
    assert_eq!(
        property_update(&mut client).await["data"][0]["properties"],
        json!({"1": 3})
    );
    assert_eq!(shapes.read().await.level, 3);
}
