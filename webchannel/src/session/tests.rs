//! The protocol core, message in → messages out, without I/O or a runtime.

use serde_json::{Value, json};

use super::exchange::{exchange, new_session, output, ready_session};
use super::{Session, Work};
use crate::{Channel, Context, Handle};

#[derive(Default)]
struct Thermostat {
    target: i64,
    label: String,
}

// Published methods are `pub`, which this private test type cannot make reachable.
#[allow(unreachable_pub)]
#[webchannel::object]
impl Thermostat {
    /// The temperature to reach.
    #[webchannel(property, notify = target_changed)]
    pub fn target(&self) -> i64 {
        self.target
    }

    pub fn set_target(&mut self, value: i64, cx: &Context<Self>) {
        self.target = value;
        cx.target_changed(value);
    }

    #[webchannel(property, notify = label_changes)]
    pub fn label(&self) -> String {
        self.label.clone()
    }

    #[webchannel(property, constant)]
    pub fn unit(&self) -> String {
        "°C".to_owned()
    }

    pub fn raise(&mut self, by: i64, cx: &Context<Self>) -> i64 {
        self.target += by;
        cx.raised(by, "up".to_owned());
        cx.target_changed(self.target);
        self.target
    }

    pub fn rename(&mut self, label: String, cx: &Context<Self>) {
        self.label = label;
        cx.label_changes();
    }

    pub fn check(&self, limit: i64) -> Result<bool, String> {
        if self.target > limit {
            Err(format!("target {} is above {limit}", self.target))
        } else {
            Ok(true)
        }
    }

    pub fn echo(&self, value: Value, note: Option<String>) -> Value {
        json!({ "value": value, "note": note })
    }

    #[webchannel(signal)]
    fn target_changed(value: i64);

    #[webchannel(signal)]
    fn label_changes();

    #[webchannel(signal)]
    fn raised(by: i64, note: String);
}

fn channel() -> (Channel, Handle<Thermostat>) {
    let channel = Channel::new();
    let handle = channel
        .register("thermostat", Thermostat::default())
        .expect("fresh channel");
    (channel, handle)
}

fn flush(session: &mut Session) -> Vec<Value> {
    session.deliver();
    assert!(session.flush().is_none());
    output(session)
}

#[test]
fn init_describes_objects_in_the_shape_clients_expect() {
    let (channel, _handle) = channel();
    let mut session = new_session(channel);
    let frames = exchange(&mut session, r#"{"type":3,"id":0}"#);
    // Signals: 0 destroyed, 1 targetChanged, 2 labelChanges, 3 raised; methods from 4.
    assert_eq!(
        frames,
        vec![json!({
            "type": 10,
            "id": 0,
            "data": {
                "thermostat": {
                    "methods": [
                        ["raise", 4], ["raise(qlonglong)", 4],
                        ["rename", 5], ["rename(QString)", 5],
                        ["check", 6], ["check(qlonglong)", 6],
                        ["echo", 7], ["echo(QJsonValue,QString)", 7],
                    ],
                    "signals": [
                        ["destroyed", 0], ["destroyed()", 0],
                        ["raised", 3], ["raised(qlonglong,QString)", 3],
                    ],
                    "properties": [
                        [0, "target", [1, 1], 0],
                        [1, "label", ["labelChanges", 2], ""],
                        [2, "unit", [], "°C"],
                    ],
                }
            }
        })]
    );
}

#[test]
fn init_echoes_string_ids_and_carries_current_values() {
    let (channel, handle) = channel();
    handle.try_write().expect("unlocked").target = 21;
    let mut session = new_session(channel);
    let frames = exchange(&mut session, r#"{"type":3,"id":"first"}"#);
    assert_eq!(frames[0]["id"], "first");
    assert_eq!(frames[0]["data"]["thermostat"]["properties"][0][3], 21);
}

#[test]
fn invoke_by_name_and_by_index() {
    let (channel, _handle) = channel();
    let mut session = ready_session(&channel);
    let by_name = exchange(
        &mut session,
        r#"{"type":6,"object":"thermostat","method":"raise","args":[2],"id":1}"#,
    );
    assert_eq!(
        by_name.last(),
        Some(&json!({"type": 10, "id": 1, "data": 2}))
    );
    let by_index = exchange(
        &mut session,
        r#"{"type":6,"object":"thermostat","method":4,"args":[3],"id":2}"#,
    );
    assert_eq!(
        by_index.last(),
        Some(&json!({"type": 10, "id": 2, "data": 5}))
    );
}

#[test]
fn unit_methods_answer_null() {
    let (channel, _handle) = channel();
    let mut session = ready_session(&channel);
    let frames = exchange(
        &mut session,
        r#"{"type":6,"object":"thermostat","method":"rename","args":["hall"],"id":9}"#,
    );
    assert_eq!(frames, vec![json!({"type": 10, "id": 9, "data": null})]);
}

#[test]
fn a_signal_emitted_during_a_call_precedes_its_response() {
    let (channel, _handle) = channel();
    let mut session = ready_session(&channel);
    exchange(
        &mut session,
        r#"{"type":7,"object":"thermostat","signal":3}"#,
    );
    let frames = exchange(
        &mut session,
        r#"{"type":6,"object":"thermostat","method":"raise","args":[1],"id":1}"#,
    );
    assert_eq!(
        frames,
        vec![
            json!({"type": 1, "object": "thermostat", "signal": 3, "args": [1, "up"]}),
            json!({"type": 10, "id": 1, "data": 1}),
        ]
    );
}

#[test]
fn signals_reach_only_connected_sessions_once() {
    let (channel, handle) = channel();
    let mut listener = ready_session(&channel);
    let mut bystander = ready_session(&channel);
    exchange(
        &mut listener,
        r#"{"type":7,"object":"thermostat","signal":3}"#,
    );
    // Connecting twice does not double the delivery.
    exchange(
        &mut listener,
        r#"{"type":7,"object":"thermostat","signal":3}"#,
    );
    handle.raised(7, "outside".to_owned());
    listener.deliver();
    bystander.deliver();
    assert_eq!(
        output(&mut listener),
        vec![json!({"type": 1, "object": "thermostat", "signal": 3, "args": [7, "outside"]})]
    );
    assert_eq!(output(&mut bystander), Vec::<Value>::new());

    exchange(
        &mut listener,
        r#"{"type":8,"object":"thermostat","signal":3}"#,
    );
    handle.raised(8, "again".to_owned());
    listener.deliver();
    assert_eq!(output(&mut listener), Vec::<Value>::new());
}

#[test]
fn property_updates_wait_for_idle() {
    let (channel, handle) = channel();
    let mut session = new_session(channel);
    handle.target_changed(0);
    exchange(&mut session, r#"{"type":3,"id":0}"#);
    exchange(&mut session, r#"{"type":4}"#);
    assert_eq!(
        flush(&mut session),
        Vec::<Value>::new(),
        "the init response carried the values"
    );

    exchange(&mut session, r#"{"type":3,"id":1}"#);
    handle.try_write().expect("unlocked").target = 30;
    handle.target_changed(30);
    let update = json!({
        "type": 2,
        "data": [{"object": "thermostat", "signals": {"1": [30]}, "properties": {"0": 30}}]
    });
    // A second init leaves the session idle; the change goes out at once.
    assert_eq!(flush(&mut session), vec![update]);
    // Busy until the client answers with idle.
    handle.target_changed(31);
    assert_eq!(flush(&mut session), Vec::<Value>::new());
    exchange(&mut session, r#"{"type":4}"#);
    assert_eq!(flush(&mut session).len(), 1);
}

#[test]
fn nothing_is_sent_before_the_first_idle() {
    let (channel, handle) = channel();
    let mut session = new_session(channel);
    exchange(&mut session, r#"{"type":3,"id":0}"#);
    handle.target_changed(5);
    assert_eq!(flush(&mut session), Vec::<Value>::new());
    exchange(&mut session, r#"{"type":4}"#);
    assert_eq!(flush(&mut session).len(), 1);
}

#[test]
fn updates_are_coalesced_with_current_values_and_last_arguments() {
    let (channel, handle) = channel();
    let mut session = ready_session(&channel);
    exchange(
        &mut session,
        r#"{"type":6,"object":"thermostat","method":"raise","args":[1],"id":1}"#,
    );
    exchange(
        &mut session,
        r#"{"type":6,"object":"thermostat","method":"raise","args":[1],"id":2}"#,
    );
    handle.try_write().expect("unlocked").label = "kitchen".to_owned();
    handle.label_changes();
    assert_eq!(
        flush(&mut session),
        vec![json!({
            "type": 2,
            "data": [{
                "object": "thermostat",
                "signals": {"1": [2], "2": []},
                "properties": {"0": 2, "1": "kitchen"}
            }]
        })]
    );
}

#[test]
fn set_property_writes_and_notifies_every_session() {
    let (channel, handle) = channel();
    let mut writer = ready_session(&channel);
    let mut other = ready_session(&channel);
    let frames = exchange(
        &mut writer,
        r#"{"type":9,"object":"thermostat","property":0,"value":25}"#,
    );
    assert_eq!(
        frames,
        Vec::<Value>::new(),
        "setProperty has no direct reply"
    );
    assert_eq!(handle.try_read().expect("unlocked").target, 25);
    let update = json!({
        "type": 2,
        "data": [{"object": "thermostat", "signals": {"1": [25]}, "properties": {"0": 25}}]
    });
    assert_eq!(flush(&mut writer), vec![update.clone()]);
    assert_eq!(flush(&mut other), vec![update]);
}

#[test]
fn set_property_with_a_wrong_type_or_target_changes_nothing() {
    let (channel, handle) = channel();
    let mut session = ready_session(&channel);
    for bad in [
        r#"{"type":9,"object":"thermostat","property":0,"value":"warm"}"#,
        r#"{"type":9,"object":"thermostat","property":1,"value":"read-only"}"#,
        r#"{"type":9,"object":"thermostat","property":2,"value":"K"}"#,
        r#"{"type":9,"object":"thermostat","property":99,"value":1}"#,
        r#"{"type":9,"object":"nowhere","property":0,"value":1}"#,
    ] {
        assert_eq!(exchange(&mut session, bad), Vec::<Value>::new(), "{bad}");
    }
    assert_eq!(handle.try_read().expect("unlocked").target, 0);
    assert_eq!(flush(&mut session), Vec::<Value>::new());
}

#[test]
fn calls_that_cannot_run_are_answered_without_data_and_with_a_reason() {
    let (channel, _handle) = channel();
    let mut session = ready_session(&channel);
    let cases = [
        (
            r#"{"type":6,"object":"nowhere","method":"raise","args":[1],"id":1}"#,
            "no object named \"nowhere\"",
        ),
        (
            r#"{"type":6,"object":"thermostat","method":"fly","args":[],"id":2}"#,
            "thermostat has no method named \"fly\"",
        ),
        (
            r#"{"type":6,"object":"thermostat","method":99,"args":[],"id":3}"#,
            "thermostat has no method with index 99",
        ),
        (
            r#"{"type":6,"object":"thermostat","method":"raise","args":[1,2],"id":4}"#,
            "thermostat.raise takes (by: integer); got 2 arguments",
        ),
        (
            r#"{"type":6,"object":"thermostat","method":"raise","args":["x"],"id":5}"#,
            "thermostat.raise: argument 1 (by) must be an integer from -2^63 to 2^63-1; got \"x\"",
        ),
        (
            r#"{"type":6,"object":"thermostat","method":"raise","args":[],"id":6}"#,
            "thermostat.raise takes (by: integer); got 0 arguments",
        ),
        (
            r#"{"type":6,"object":"thermostat","method":"raise","args":{"by":1},"id":7}"#,
            "\"args\" must be an array",
        ),
        (
            r#"{"type":6,"object":"thermostat","method":"check","args":[-1],"id":8}"#,
            "target 0 is above -1",
        ),
    ];
    for (request, reason) in cases {
        let frames = exchange(&mut session, request);
        assert_eq!(frames.len(), 1, "{request}");
        let response = &frames[0];
        assert_eq!(response["type"], 10);
        assert!(response.get("data").is_none(), "{request}: {response}");
        assert_eq!(response["error"], reason, "{request}");
    }
}

#[test]
fn trailing_optional_arguments_may_be_left_out() {
    let (channel, _handle) = channel();
    let mut session = ready_session(&channel);
    let frames = exchange(
        &mut session,
        r#"{"type":6,"object":"thermostat","method":"echo","args":[{"a":[1,null]}],"id":1}"#,
    );
    assert_eq!(
        frames,
        vec![json!({"type": 10, "id": 1, "data": {"value": {"a": [1, null]}, "note": null}})]
    );
}

#[test]
fn malformed_messages_are_dropped_and_the_session_goes_on() {
    let (channel, _handle) = channel();
    let mut session = ready_session(&channel);
    for bad in [
        "not json",
        "[]",
        "{}",
        r#"{"type":42}"#,
        r#"{"type":1,"object":"thermostat","signal":1}"#,
        r#"{"type":10,"id":1,"data":true}"#,
        r#"{"type":6,"object":"thermostat","method":"raise","args":[1]}"#,
        r#"{"type":7,"object":"thermostat","signal":99}"#,
        r#"{"type":7,"object":"nowhere","signal":1}"#,
        r#"{"type":5,"data":"a debug line"}"#,
    ] {
        assert_eq!(exchange(&mut session, bad), Vec::<Value>::new(), "{bad}");
    }
    let frames = exchange(
        &mut session,
        r#"{"type":6,"object":"thermostat","method":"raise","args":[1],"id":1}"#,
    );
    assert_eq!(frames, vec![json!({"type": 10, "id": 1, "data": 1})]);
}

#[test]
fn closing_the_channel_reaches_every_session() {
    let (channel, _handle) = channel();
    let mut session = ready_session(&channel);
    channel.close_all();
    session.deliver();
    assert_eq!(session.close_reason(), Some(super::CloseReason::Shutdown));
}

#[test]
fn a_dropped_session_leaves_no_subscription_behind() {
    let (channel, handle) = channel();
    let mut session = ready_session(&channel);
    exchange(
        &mut session,
        r#"{"type":7,"object":"thermostat","signal":3}"#,
    );
    assert_eq!(channel.session_count(), 1);
    drop(session);
    assert_eq!(channel.session_count(), 0);
    let (_, publication) = channel
        .published_for(crate::ids::SessionId(0), handle.name())
        .expect("registered");
    assert!(!publication.audience().is_heard(2));
}

#[test]
fn a_locked_object_defers_work_instead_of_blocking() {
    let (channel, handle) = channel();
    let mut session = ready_session(&channel);
    let guard = handle.try_write().expect("unlocked");
    let work =
        session.receive(r#"{"type":6,"object":"thermostat","method":"raise","args":[1],"id":1}"#);
    assert!(matches!(work, Some(Work::Locking { .. })));
    let work = session.receive(r#"{"type":3,"id":2}"#);
    assert!(matches!(work, Some(Work::Wait(_))));
    drop(guard);
    assert!(session.retry().is_none());
    assert_eq!(output(&mut session)[0]["id"], 2);
}

#[test]
fn a_change_is_serialized_once_and_shared_by_every_session() {
    let (channel, handle) = channel();
    let mut first = ready_session(&channel);
    let mut second = ready_session(&channel);
    handle.try_write().expect("unlocked").target = 40;
    handle.target_changed(40);
    first.deliver();
    second.deliver();
    assert!(first.flush().is_none());
    assert!(second.flush().is_none());
    let a: Vec<_> = first.transmit().collect();
    let b: Vec<_> = second.transmit().collect();
    assert_eq!(a, b);
    assert_eq!(
        a[0].as_str().as_ptr(),
        b[0].as_str().as_ptr(),
        "the same bytes, not a copy"
    );
}

#[test]
fn cached_values_follow_every_change() {
    let (channel, handle) = channel();
    let mut session = ready_session(&channel);
    // A method that changes state without a notify signal still invalidates the cache,
    // so the next init sees the change.
    exchange(
        &mut session,
        r#"{"type":6,"object":"thermostat","method":"rename","args":["attic"],"id":1}"#,
    );
    let init = exchange(&mut session, r#"{"type":3,"id":2}"#);
    assert_eq!(init[0]["data"]["thermostat"]["properties"][1][3], "attic");
    // A change from outside any call, followed by its notify signal.
    handle.try_write().expect("unlocked").label = "cellar".to_owned();
    handle.label_changes();
    let init = exchange(&mut session, r#"{"type":3,"id":3}"#);
    assert_eq!(init[0]["data"]["thermostat"]["properties"][1][3], "cellar");
}

#[test]
fn a_storm_of_changes_queues_one_notify_per_signal() {
    let (channel, handle) = channel();
    let mut session = ready_session(&channel);
    exchange(&mut session, r#"{"type":3,"id":9}"#);
    // The client is busy: every change waits in the mailbox, coalesced.
    for value in 0..1000 {
        handle.target_changed(value);
    }
    session.deliver();
    assert!(
        session.events.capacity() <= 64,
        "{}",
        session.events.capacity()
    );
    assert!(session.flush().is_none());
    let update = output(&mut session);
    assert_eq!(update[0]["data"][0]["signals"], json!({"1": [999]}));
}
