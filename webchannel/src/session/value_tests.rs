//! Published objects inside values: announced once per client, passed back by reference,
//! their `destroyed` and bookkeeping; deregistration; held updates.

use serde_json::{Value, json};

use super::Session;
use super::exchange::{exchange, new_session, output, ready_session};
use crate::{Channel, Context, Handle};

#[derive(Default)]
struct Item {
    title: String,
    done: bool,
}

#[allow(unreachable_pub)]
#[webchannel::object]
impl Item {
    #[webchannel(property, notify = done_changed)]
    pub fn done(&self) -> bool {
        self.done
    }

    #[webchannel(property, constant)]
    pub fn title(&self) -> String {
        self.title.clone()
    }

    pub fn toggle(&mut self, cx: &Context<Self>) -> bool {
        self.done = !self.done;
        cx.done_changed();
        self.done
    }

    #[webchannel(signal)]
    fn done_changed();
}

#[derive(Default)]
struct List {
    items: Vec<Handle<Item>>,
    /// Items only the client that made them has seen.
    drafts: Vec<Handle<Item>>,
}

#[allow(unreachable_pub)]
#[webchannel::object]
impl List {
    #[webchannel(property, notify = items_changed)]
    pub fn items(&self) -> Vec<Handle<Item>> {
        self.items.clone()
    }

    pub fn add(&mut self, title: String, cx: &Context<Self>) -> Handle<Item> {
        let item = Handle::new(Item { title, done: false });
        self.items.push(item.clone());
        cx.added(item.clone());
        cx.items_changed();
        item
    }

    pub fn remove(&mut self, item: Handle<Item>, cx: &Context<Self>) -> bool {
        let before = self.items.len();
        self.items.retain(|known| *known != item);
        cx.items_changed();
        before != self.items.len()
    }

    pub fn draft(&mut self, title: String) -> Handle<Item> {
        let item = Handle::new(Item { title, done: false });
        self.drafts.push(item.clone());
        item
    }

    pub fn first(&self) -> Option<Handle<Item>> {
        self.items.first().cloned()
    }

    pub fn title_of(&self, item: Handle<Item>) -> String {
        item.try_read()
            .map(|item| item.title.clone())
            .unwrap_or_default()
    }

    #[webchannel(signal)]
    fn items_changed();

    #[webchannel(signal)]
    fn added(item: Handle<Item>);
}

/// Signals of `List`: 1 itemsChanged (notify), 2 added; methods from 3.
const ADDED: u32 = 2;

fn channel() -> (Channel, Handle<List>) {
    let channel = Channel::new();
    let list = channel
        .register("list", List::default())
        .expect("fresh channel");
    (channel, list)
}

fn call(session: &mut Session, object: &str, method: &str, args: Value) -> Value {
    let request = json!({"type": 6, "object": object, "method": method, "args": args, "id": 99});
    let frames = exchange(session, &request.to_string());
    frames
        .into_iter()
        .find(|frame| frame["type"] == 10 && frame["id"] == 99)
        .expect("a response")
}

fn item_description(done: bool, title: &str) -> Value {
    json!({
        "methods": [["toggle", 2], ["toggle()", 2]],
        "signals": [["destroyed", 0], ["destroyed()", 0]],
        "properties": [[0, "done", [1, 1], done], [1, "title", [], title]],
    })
}

#[test]
fn a_returned_object_is_described_the_first_time_only() {
    let (channel, _list) = channel();
    let mut session = ready_session(&channel);
    let mut other = ready_session(&channel);
    let added = call(&mut session, "list", "add", json!(["milk"]));
    let id = added["data"]["id"].as_str().expect("an id").to_owned();
    assert_eq!(
        added["data"],
        json!({"__QObject*__": true, "id": id, "data": item_description(false, "milk")})
    );
    let again = call(&mut session, "list", "first", json!([]));
    assert_eq!(again["data"], json!({"__QObject*__": true, "id": id}));

    // Another client has not seen it yet (its property update is not flushed).
    let first = call(&mut other, "list", "first", json!([]));
    assert_eq!(first["data"]["data"], item_description(false, "milk"));
}

#[test]
fn only_clients_that_were_sent_an_object_may_use_it() {
    let (channel, _list) = channel();
    let mut owner = ready_session(&channel);
    let mut stranger = ready_session(&channel);
    let id = call(&mut owner, "list", "draft", json!(["tea"]))["data"]["id"].clone();
    let id = id.as_str().expect("an id");
    assert_eq!(call(&mut owner, id, "toggle", json!([]))["data"], true);
    let refused = call(&mut stranger, id, "toggle", json!([]));
    assert!(refused.get("data").is_none(), "{refused}");
    assert_eq!(refused["error"], format!("no object named {id:?}"));
}

#[test]
fn clients_pass_objects_back_in_both_qt_shapes() {
    let (channel, _list) = channel();
    let mut session = ready_session(&channel);
    let id = call(&mut session, "list", "add", json!(["bread"]))["data"]["id"].clone();
    let qt5 = call(&mut session, "list", "titleOf", json!([{"id": id}]));
    assert_eq!(qt5["data"], "bread");
    let qt6 = call(
        &mut session,
        "list",
        "titleOf",
        json!([{"__QObject*__": true, "id": id}]),
    );
    assert_eq!(qt6["data"], "bread");
}

#[test]
fn passing_the_wrong_object_or_an_unknown_id_is_refused() {
    let (channel, _list) = channel();
    let mut session = ready_session(&channel);
    let wrong_type = call(&mut session, "list", "titleOf", json!([{"id": "list"}]));
    assert_eq!(
        wrong_type["error"],
        "list.titleOf: argument 1 (item): object \"list\" is of type List, not Item"
    );
    let unknown = call(&mut session, "list", "titleOf", json!([{"id": "{nope}"}]));
    assert_eq!(
        unknown["error"],
        "list.titleOf: argument 1 (item): no object with id \"{nope}\" is known to this client"
    );
}

#[test]
fn objects_in_properties_are_described_in_init_and_updates() {
    let (channel, _list) = channel();
    let mut writer = ready_session(&channel);
    let mut watcher = ready_session(&channel);
    call(&mut writer, "list", "add", json!(["eggs"]));
    watcher.deliver();
    assert!(watcher.flush().is_none());
    let update = output(&mut watcher);
    let items = &update[0]["data"][0]["properties"]["0"];
    assert_eq!(items[0]["data"], item_description(false, "eggs"));

    let mut late = new_session(channel.clone());
    let init = exchange(&mut late, r#"{"type":3,"id":0}"#);
    let items = &init[0]["data"]["list"]["properties"][0][3];
    assert_eq!(items[0]["data"], item_description(false, "eggs"));
}

#[test]
fn signal_arguments_announce_objects_per_recipient() {
    let (channel, list) = channel();
    let mut knows = ready_session(&channel);
    let mut fresh = ready_session(&channel);
    let connect = format!(r#"{{"type":7,"object":"list","signal":{ADDED}}}"#);
    exchange(&mut knows, &connect);
    exchange(&mut fresh, &connect);
    let item = Handle::new(Item {
        title: "jam".to_owned(),
        done: false,
    });
    // `knows` learns the item first, from a property update.
    list.try_write().expect("unlocked").items.push(item.clone());
    list.items_changed();
    knows.deliver();
    assert!(knows.flush().is_none());
    output(&mut knows);

    list.added(item.clone());
    knows.deliver();
    fresh.deliver();
    let reference = json!({"__QObject*__": true, "id": item.name()});
    assert_eq!(output(&mut knows)[0]["args"], json!([reference]));
    let announced = &output(&mut fresh)[0]["args"][0];
    assert_eq!(announced["data"], item_description(false, "jam"));
}

#[test]
fn changes_of_an_object_reach_only_the_clients_that_know_it() {
    let (channel, _list) = channel();
    let mut owner = ready_session(&channel);
    let mut stranger = ready_session(&channel);
    let id = call(&mut owner, "list", "draft", json!(["salt"]))["data"]["id"].clone();
    call(&mut owner, id.as_str().expect("an id"), "toggle", json!([]));
    owner.deliver();
    stranger.deliver();
    assert!(owner.flush().is_none());
    assert!(stranger.flush().is_none());
    assert_eq!(
        output(&mut owner),
        vec![
            json!({"type": 2, "data": [{"object": id, "signals": {"1": []}, "properties": {"0": true}}]})
        ]
    );
    assert_eq!(output(&mut stranger), Vec::<Value>::new());
}

#[test]
fn dropping_the_last_handle_sends_destroyed_and_frees_bookkeeping() {
    let (channel, _list) = channel();
    let mut owner = ready_session(&channel);
    let mut bystander = ready_session(&channel);
    let id = call(&mut owner, "list", "add", json!(["pepper"]))["data"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    // Sending the `items` update caches the list's value, which refers to the item: the
    // cache must not keep it alive.
    owner.deliver();
    assert!(owner.flush().is_none());
    output(&mut owner);
    exchange(&mut owner, r#"{"type":4}"#);
    let remove =
        json!({"type": 6, "object": "list", "method": "remove", "args": [{"id": id}], "id": 5});
    let frames = exchange(&mut owner, &remove.to_string());
    // Dropped during the call: its `destroyed` follows the call's response, as with Qt's
    // `deleteLater`.
    assert_eq!(
        frames,
        vec![
            json!({"type": 10, "id": 5, "data": true}),
            json!({"type": 1, "object": id, "signal": 0}),
        ]
    );
    bystander.deliver();
    assert!(
        !output(&mut bystander)
            .iter()
            .any(|frame| frame["type"] == 1 && frame["object"] == id.as_str())
    );
    assert!(
        channel.object_for(owner.id(), &id).is_none(),
        "the channel forgot it"
    );
    assert!(owner.known.is_empty(), "the session forgot it");
    let gone = call(&mut owner, &id, "toggle", json!([]));
    assert!(gone.get("data").is_none());
}

#[test]
fn a_closed_session_leaves_no_trace_on_the_objects_it_knew() {
    let (channel, list) = channel();
    let mut session = ready_session(&channel);
    call(&mut session, "list", "add", json!(["oil"]));
    let item = list.try_read().expect("unlocked").items[0].clone();
    let object: std::sync::Arc<dyn crate::object::erased::ErasedObject> = item.0.clone();
    let publication = channel.shared().adopt(&object).expect("adopted");
    let id = session.id();
    assert!(publication.audience().knows(id));
    drop(session);
    assert!(!publication.audience().knows(id));
}

#[derive(Default)]
struct Node {
    next: Option<Handle<Node>>,
}

#[allow(unreachable_pub)]
#[webchannel::object]
impl Node {
    #[webchannel(property, constant)]
    pub fn next(&self) -> Option<Handle<Node>> {
        self.next.clone()
    }

    pub fn itself(&self, me: Handle<Node>) -> Handle<Node> {
        me
    }
}

#[test]
fn objects_that_refer_to_each_other_are_described_once_each() {
    let channel = Channel::new();
    let a = Handle::new(Node::default());
    let b = Handle::new(Node {
        next: Some(a.clone()),
    });
    a.try_write().expect("unlocked").next = Some(b.clone());
    let root = channel
        .register(
            "root",
            Node {
                next: Some(a.clone()),
            },
        )
        .expect("fresh channel");
    let mut session = new_session(channel.clone());
    let init = exchange(&mut session, r#"{"type":3,"id":0}"#);
    let a_value = &init[0]["data"]["root"]["properties"][0][3];
    assert_eq!(a_value["id"], a.name());
    let b_value = &a_value["data"]["properties"][0][3];
    assert_eq!(b_value["id"], b.name());
    assert_eq!(
        b_value["data"]["properties"][0][3],
        json!({"__QObject*__": true, "id": a.name()})
    );
    drop(root);
}

#[test]
fn deregistering_sends_destroyed_to_everyone_and_ends_calls_and_signals() {
    let (channel, list) = channel();
    let mut session = ready_session(&channel);
    exchange(
        &mut session,
        &format!(r#"{{"type":7,"object":"list","signal":{ADDED}}}"#),
    );
    assert!(channel.deregister("list"));
    assert!(!channel.deregister("list"));
    session.deliver();
    assert_eq!(
        output(&mut session),
        vec![json!({"type": 1, "object": "list", "signal": 0})]
    );
    list.added(Handle::new(Item::default()));
    session.deliver();
    assert_eq!(output(&mut session), Vec::<Value>::new());
    let refused = call(&mut session, "list", "first", json!([]));
    assert_eq!(refused["error"], "no object named \"list\"");
}

#[test]
fn held_updates_are_released_coalesced() {
    let (channel, list) = channel();
    let mut session = ready_session(&channel);
    channel.set_updates_blocked(true);
    list.items_changed();
    list.items_changed();
    session.deliver();
    assert!(!session.wants_flush());
    channel.set_updates_blocked(false);
    session.deliver();
    assert!(session.wants_flush());
    assert!(session.flush().is_none());
    let frames = output(&mut session);
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0]["data"][0]["signals"], json!({"1": []}));
}

#[test]
fn output_waits_in_order_while_an_object_to_describe_is_locked() {
    let (channel, list) = channel();
    let mut session = ready_session(&channel);
    let item = Handle::new(Item {
        title: "flour".to_owned(),
        done: false,
    });
    list.try_write().expect("unlocked").items.push(item.clone());
    let guard = item.try_write().expect("unlocked");
    let frames = exchange(
        &mut session,
        r#"{"type":6,"object":"list","method":"first","args":[],"id":1}"#,
    );
    assert_eq!(frames, Vec::<Value>::new(), "held while the item is locked");
    // Later output queues behind it.
    let later = exchange(&mut session, r#"{"type":3,"id":2}"#);
    assert_eq!(later, Vec::<Value>::new());
    assert!(session.blocked().is_some());
    drop(guard);
    assert!(session.retry().is_none());
    let frames = output(&mut session);
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[0]["id"], 1);
    assert_eq!(frames[0]["data"]["data"], item_description(false, "flour"));
    assert_eq!(frames[1]["id"], 2);
    assert!(session.blocked().is_none());
}
