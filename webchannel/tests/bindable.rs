//! Bindable properties (Qt 6's kind without a notify signal): described with `notify` `[]`,
//! writable from clients, and every change, marked with the generated
//! `mark_<getter>_changed()`, reaches every client in a `propertyUpdate` with an empty
//! `signals` map.

mod support;

use serde_json::{Value, json};
use support::next;
use webchannel::{Channel, Context, Handle, MemoryClient, Object};

/// A dial whose level has no notify signal.
#[derive(Default)]
pub struct Dial {
    level: i64,
    label: String,
}

#[webchannel::object]
impl Dial {
    /// The level; changes reach clients without a signal.
    #[webchannel(property, bindable)]
    pub fn level(&self) -> i64 {
        self.level
    }

    /// Writable from clients, up to 100; a write is announced for you.
    pub fn set_level(&mut self, level: i64) -> Result<(), String> {
        if level > 100 {
            return Err(format!("{level} is above 100"));
        }
        self.level = level;
        Ok(())
    }

    /// An ordinary notify property, beside it.
    #[webchannel(property, notify = label_changed)]
    pub fn label(&self) -> String {
        self.label.clone()
    }

    /// Adds `by` to the level and says so.
    pub fn nudge(&mut self, by: i64, cx: &Context<Self>) -> i64 {
        self.level += by;
        cx.mark_level_changed();
        self.level
    }

    /// Changes both properties in one call.
    pub fn both(&mut self, level: i64, label: String, cx: &Context<Self>) {
        self.level = level;
        self.label = label;
        cx.mark_level_changed();
        cx.label_changed();
    }

    #[webchannel(signal)]
    fn label_changed();
}

fn dial() -> (Channel, Handle<Dial>) {
    let channel = Channel::new();
    let dial = channel
        .register("dial", Dial::default())
        .expect("fresh channel");
    (channel, dial)
}

/// A client that has its init response and is idle: the init response's data.
async fn ready(channel: &Channel) -> (MemoryClient, Value) {
    let mut client = channel.connect_in_memory();
    client.send(r#"{"type":3,"id":0}"#);
    let init = next(&mut client).await;
    client.send(r#"{"type":4}"#);
    (client, init["data"].clone())
}

fn update(properties: Value, signals: Value) -> Value {
    json!({"type": 2, "data": [{"object": "dial", "signals": signals, "properties": properties}]})
}

#[test]
fn the_metadata_has_no_notify_signal_and_is_not_constant() {
    let level = &Dial::META.properties[0];
    assert_eq!(
        (level.notify, level.constant, level.writable),
        (None, false, true)
    );
}

#[tokio::test]
async fn it_is_described_with_an_empty_notify() {
    let (channel, _dial) = dial();
    let (_client, init) = ready(&channel).await;
    assert_eq!(init["dial"]["properties"][0], json!([0, "level", [], 0]));
}

#[tokio::test]
async fn a_change_marked_in_a_call_reaches_every_client_without_a_signal() {
    let (channel, _dial) = dial();
    let (mut caller, _) = ready(&channel).await;
    let (mut other, _) = ready(&channel).await;
    caller.send(r#"{"type":6,"object":"dial","method":"nudge","args":[5],"id":1}"#);
    assert_eq!(next(&mut caller).await["data"], 5);
    let expected = update(json!({"0": 5}), json!({}));
    assert_eq!(next(&mut caller).await, expected);
    assert_eq!(next(&mut other).await, expected);
}

#[tokio::test]
async fn a_change_from_outside_any_call_reaches_every_client() {
    let (channel, dial) = dial();
    let (mut client, _) = ready(&channel).await;
    dial.write().await.level = 42;
    dial.mark_level_changed();
    // Marked twice, sent once.
    dial.mark_level_changed();
    assert_eq!(next(&mut client).await, update(json!({"0": 42}), json!({})));
    client.send(r#"{"type":4}"#);
    client.send(r#"{"type":6,"object":"dial","method":"nudge","args":[0],"id":1}"#);
    assert_eq!(
        next(&mut client).await["data"],
        42,
        "no second update came first"
    );
}

#[tokio::test]
async fn a_client_write_is_announced_to_every_client() {
    let (channel, _dial) = dial();
    let (mut writer, _) = ready(&channel).await;
    let (mut other, _) = ready(&channel).await;
    writer.send(r#"{"type":9,"object":"dial","property":0,"value":7}"#);
    let expected = update(json!({"0": 7}), json!({}));
    assert_eq!(next(&mut writer).await, expected);
    assert_eq!(next(&mut other).await, expected);
}

#[tokio::test]
async fn a_refused_write_announces_nothing() {
    let (channel, _dial) = dial();
    let (mut writer, _) = ready(&channel).await;
    writer.send(r#"{"type":9,"object":"dial","property":0,"value":1000}"#);
    writer.send(r#"{"type":6,"object":"dial","method":"nudge","args":[0],"id":1}"#);
    assert_eq!(
        next(&mut writer).await,
        json!({"type": 10, "id": 1, "data": 0})
    );
}

#[tokio::test]
async fn marked_and_notified_changes_travel_in_one_update() {
    let (channel, _dial) = dial();
    let (mut client, _) = ready(&channel).await;
    client.send(r#"{"type":6,"object":"dial","method":"both","args":[3,"three"],"id":1}"#);
    next(&mut client).await;
    assert_eq!(
        next(&mut client).await,
        update(json!({"0": 3, "1": "three"}), json!({"1": []}))
    );
}
