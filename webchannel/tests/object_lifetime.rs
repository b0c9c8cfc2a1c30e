//! An object and its own handle: a method reaches the object it runs on through its
//! context (to return it or carry it in a signal), and may drop the last handle to it. The
//! object then lives until the calls on it are answered, like Qt's `deleteLater`: every
//! client receives its `destroyed` after the responses to the calls it made on it, never
//! before (Qt's clients empty the proxy on `destroyed` and could not take a response after).

mod support;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::{Value, json};
use support::next;
use webchannel::protocol::Frame;
use webchannel::{Channel, Context, Handle, MemoryClient};

/// Where notes are kept: the only handles to them.
type Shelf = Arc<Mutex<Vec<Handle<Note>>>>;

fn notes(shelf: &Shelf) -> MutexGuard<'_, Vec<Handle<Note>>> {
    shelf.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Pins notes to a shelf that the notes can take themselves off.
#[derive(Default)]
pub struct Board {
    shelf: Shelf,
}

#[webchannel::object]
impl Board {
    /// A new note, kept on the shelf.
    pub fn pin(&self, text: String) -> Handle<Note> {
        let note = Handle::new(Note {
            text,
            shelf: Arc::clone(&self.shelf),
        });
        notes(&self.shelf).push(note.clone());
        note
    }

    /// Takes every note off the shelf; how many there were.
    pub fn clear(&self) -> usize {
        let notes = std::mem::take(&mut *notes(&self.shelf));
        notes.len()
    }

    /// The first note on the shelf, so that another client gets to know it.
    pub fn first(&self) -> Option<Handle<Note>> {
        notes(&self.shelf).first().cloned()
    }
}

/// A note that can take itself off the shelf, which drops the last handle to it.
pub struct Note {
    text: String,
    shelf: Shelf,
}

impl Note {
    /// Takes `note` off the shelf; whether it was on it.
    fn unpin(&self, note: &Handle<Note>) -> bool {
        let mut shelf = notes(&self.shelf);
        let before = shelf.len();
        shelf.retain(|kept| kept != note);
        before != shelf.len()
    }
}

#[webchannel::object]
impl Note {
    /// What the note says.
    #[webchannel(property, constant)]
    pub fn text(&self) -> String {
        self.text.clone()
    }

    /// Whether the note is on the shelf; writing `false` takes it off.
    #[webchannel(property, notify = pinned_changed)]
    pub fn pinned(&self) -> bool {
        true
    }

    /// Takes the note off the shelf when `pinned` is false.
    pub fn set_pinned(&mut self, pinned: bool, cx: &Context<Self>) {
        if !pinned {
            self.unpin(cx.handle());
            cx.pinned_changed();
        }
    }

    /// Takes the note off the shelf: the last handle goes during this call.
    pub fn release(&self, cx: &Context<Self>) -> bool {
        self.unpin(cx.handle())
    }

    /// The note itself.
    pub fn itself(&self, cx: &Context<Self>) -> Handle<Note> {
        cx.handle().clone()
    }

    /// Emits `echoed` with the note itself.
    pub fn echo(&self, cx: &Context<Self>) {
        cx.echoed(cx.handle().clone());
    }

    /// The text, after `millis` milliseconds.
    pub async fn slow_text(&self, millis: u64) -> String {
        tokio::time::sleep(Duration::from_millis(millis)).await;
        self.text.clone()
    }

    /// `pinned` changed.
    #[webchannel(signal)]
    fn pinned_changed();

    /// Carries the note itself.
    #[webchannel(signal)]
    fn echoed(note: Handle<Note>);
}

/// A registered object that withdraws itself from its channel.
pub struct Desk {
    channel: Channel,
}

#[webchannel::object]
impl Desk {
    /// Deregisters the desk: every client is sent its `destroyed`.
    pub fn close(&self) -> bool {
        self.channel.deregister("desk")
    }
}

/// `Note`'s wire indices: signals 1 pinnedChanged, 2 echoed.
const ECHOED: u32 = 2;

fn board() -> Channel {
    let channel = Channel::new();
    channel
        .register("board", Board::default())
        .expect("fresh channel");
    channel
}

fn invoke(client: &MemoryClient, id: u32, object: &str, method: &str, args: Value) {
    client.send(
        json!({"type": 6, "object": object, "method": method, "args": args, "id": id}).to_string(),
    );
}

/// A client that has said it is idle, so that it gets property updates.
async fn ready(channel: &Channel) -> MemoryClient {
    let mut client = channel.connect_in_memory();
    client.send(r#"{"type":3,"id":0}"#);
    next(&mut client).await;
    client.send(r#"{"type":4}"#);
    client
}

/// Calls `board.pin(text)` and returns the new note's id.
async fn pin(client: &mut MemoryClient, text: &str) -> String {
    invoke(client, 100, "board", "pin", json!([text]));
    let response = next(client).await;
    response["data"]["id"].as_str().expect("a note").to_owned()
}

fn destroyed(id: &str) -> Value {
    json!({"type": 1, "object": id, "signal": 0})
}

#[tokio::test]
async fn a_method_returns_its_own_object_and_carries_it_in_a_signal() {
    let channel = board();
    let mut client = ready(&channel).await;
    let id = pin(&mut client, "milk").await;
    invoke(&client, 1, &id, "itself", json!([]));
    assert_eq!(
        next(&mut client).await,
        json!({"type": 10, "id": 1, "data": {"__QObject*__": true, "id": id}})
    );
    client.send(json!({"type": 7, "object": id, "signal": ECHOED}).to_string());
    invoke(&client, 2, &id, "echo", json!([]));
    assert_eq!(
        next(&mut client).await,
        json!({"type": 1, "object": id, "signal": ECHOED, "args": [{"__QObject*__": true, "id": id}]})
    );
    assert_eq!(
        next(&mut client).await,
        json!({"type": 10, "id": 2, "data": null})
    );
}

#[tokio::test]
async fn an_object_dropped_during_its_own_call_is_destroyed_after_the_response() {
    let channel = board();
    let mut owner = ready(&channel).await;
    let mut other = ready(&channel).await;
    let id = pin(&mut owner, "milk").await;
    invoke(&other, 1, "board", "first", json!([]));
    assert_eq!(next(&mut other).await["data"]["id"], id.as_str());

    invoke(&owner, 2, &id, "release", json!([]));
    assert_eq!(
        next(&mut owner).await,
        json!({"type": 10, "id": 2, "data": true})
    );
    assert_eq!(next(&mut owner).await, destroyed(&id));
    assert_eq!(next(&mut other).await, destroyed(&id));
}

#[tokio::test(start_paused = true)]
async fn a_call_in_flight_keeps_the_object_until_it_is_answered() {
    let channel = board();
    let mut owner = ready(&channel).await;
    let mut other = ready(&channel).await;
    let id = pin(&mut owner, "milk").await;
    invoke(&other, 1, "board", "first", json!([]));
    next(&mut other).await;

    invoke(&other, 2, &id, "slowText", json!([1000]));
    // Let the slow call start before the note is released.
    tokio::time::sleep(Duration::from_millis(10)).await;
    invoke(&owner, 3, &id, "release", json!([]));
    assert_eq!(
        next(&mut owner).await,
        json!({"type": 10, "id": 3, "data": true})
    );
    // The note outlives its last handle until the slow call on it is answered.
    assert_eq!(
        next(&mut other).await,
        json!({"type": 10, "id": 2, "data": "milk"})
    );
    assert_eq!(next(&mut other).await, destroyed(&id));
    assert_eq!(next(&mut owner).await, destroyed(&id));
}

#[tokio::test]
async fn a_call_that_arrives_after_the_release_is_refused_after_its_response() {
    let channel = board();
    let mut owner = ready(&channel).await;
    let id = pin(&mut owner, "milk").await;
    invoke(&owner, 1, &id, "release", json!([]));
    invoke(&owner, 2, &id, "itself", json!([]));
    assert_eq!(
        next(&mut owner).await,
        json!({"type": 10, "id": 1, "data": true})
    );
    let mut rest = [next(&mut owner).await, next(&mut owner).await];
    rest.sort_by_key(|frame| frame["type"].as_u64());
    assert_eq!(rest[0], destroyed(&id));
    assert_eq!(rest[1]["id"], 2);
    assert!(rest[1].get("data").is_none(), "refused: {}", rest[1]);
}

#[tokio::test]
async fn a_setter_that_drops_its_object_sends_destroyed_and_no_update_after_it() {
    let channel = board();
    let mut owner = ready(&channel).await;
    let id = pin(&mut owner, "milk").await;
    owner.send(json!({"type": 9, "object": id, "property": 1, "value": false}).to_string());
    assert_eq!(next(&mut owner).await, destroyed(&id));
    invoke(&owner, 1, "board", "first", json!([]));
    assert_eq!(
        next(&mut owner).await,
        json!({"type": 10, "id": 1, "data": null})
    );
}

#[tokio::test]
async fn a_direct_session_also_gets_destroyed_after_the_response() {
    let channel = board();
    let frames: Arc<Mutex<Vec<Frame>>> = Arc::default();
    let sink = Arc::clone(&frames);
    let session = channel.direct_session(move |frame| sink.lock().expect("unpoisoned").push(frame));
    let received = || -> Vec<Value> {
        frames
            .lock()
            .expect("unpoisoned")
            .drain(..)
            .map(|frame| serde_json::from_str(frame.as_str()).expect("frames are JSON"))
            .collect()
    };
    session.receive(r#"{"type":3,"id":0}"#);
    session.receive(r#"{"type":6,"object":"board","method":"pin","args":["milk"],"id":1}"#);
    let id = received()[1]["data"]["id"]
        .as_str()
        .expect("a note")
        .to_owned();
    session.receive(
        &json!({"type": 6, "object": id, "method": "release", "args": [], "id": 2}).to_string(),
    );
    assert_eq!(
        received(),
        vec![json!({"type": 10, "id": 2, "data": true}), destroyed(&id)]
    );
}

#[tokio::test]
async fn an_object_dropped_by_a_call_on_another_is_destroyed_after_that_response() {
    let channel = board();
    let mut owner = ready(&channel).await;
    let id = pin(&mut owner, "milk").await;
    invoke(&owner, 1, "board", "clear", json!([]));
    assert_eq!(
        next(&mut owner).await,
        json!({"type": 10, "id": 1, "data": 1})
    );
    assert_eq!(next(&mut owner).await, destroyed(&id));
}

#[tokio::test]
async fn an_object_that_deregisters_itself_is_destroyed_after_the_response() {
    let channel = Channel::new();
    channel
        .register(
            "desk",
            Desk {
                channel: channel.clone(),
            },
        )
        .expect("fresh channel");
    let mut client = ready(&channel).await;
    let mut other = ready(&channel).await;
    invoke(&client, 1, "desk", "close", json!([]));
    assert_eq!(
        next(&mut client).await,
        json!({"type": 10, "id": 1, "data": true})
    );
    assert_eq!(next(&mut client).await, destroyed("desk"));
    assert_eq!(next(&mut other).await, destroyed("desk"));
}
