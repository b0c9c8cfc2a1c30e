//! Cluster signals between channels of one in-process cluster (`MemoryHub`): each
//! instance's clients get every signal once, the emitting instance's before the call's
//! response; one sender's signals keep their order; a broken link fails at once; objects
//! cannot travel; garbage from the broker is dropped with one warning; without a cluster
//! a cluster signal is a plain one.

use std::time::Duration;

use bytes::Bytes;
use futures_util::FutureExt;
use serde_json::{Value, json};
use webchannel::cluster::{Broker, BrokerError, Cluster, MemoryBroker, MemoryHub, SendError};
use webchannel::{Channel, Config, Context, Handle, MemoryClient};
use webchannel_tests::CapturedLogs;

/// A room whose messages reach every instance.
#[derive(Default)]
pub struct Room;

#[webchannel::object]
impl Room {
    /// Says `text` on every instance; `false` unless the broker took it.
    pub async fn say(&self, text: String, cx: &Context<Self>) -> bool {
        cx.said(text).await.is_ok()
    }

    /// Answers at once: a client that gets this answer has got everything sent before.
    pub fn ping(&self) -> bool {
        true
    }

    /// Someone said something.
    #[webchannel(signal, cluster)]
    fn said(text: String);

    /// Shows an object: cannot cross instances.
    #[webchannel(signal, cluster)]
    fn shown(item: Handle<Item>);
}

/// An object that lives in one process.
pub struct Item;

#[webchannel::object]
impl Item {}

/// The wire index of `said`: signal 0 is `destroyed`.
const SAID: u32 = 1;

/// One instance: a channel on a node of `hub`, with the room.
fn instance(broker: &MemoryBroker) -> (Channel, Handle<Room>) {
    let channel =
        Channel::with_config(Config::default().with_cluster(Cluster::new(broker.clone())));
    let room = channel.register("room", Room).expect("a fresh channel");
    (channel, room)
}

async fn next(client: &mut MemoryClient) -> Value {
    let frame = tokio::time::timeout(Duration::from_secs(10), client.recv())
        .await
        .expect("a frame in time")
        .expect("the session is open");
    serde_json::from_str(frame.as_str()).expect("frames are JSON")
}

fn invoke(client: &MemoryClient, id: u64, method: &str, args: Value) {
    client.send(
        json!({"type": 6, "object": "room", "method": method, "args": args, "id": id}).to_string(),
    );
}

/// Calls `ping` and returns every frame that came before its answer.
async fn drain(client: &mut MemoryClient) -> Vec<Value> {
    invoke(client, 999_999, "ping", json!([]));
    let mut before = Vec::new();
    loop {
        let frame = next(client).await;
        if frame["id"] == 999_999 {
            return before;
        }
        before.push(frame);
    }
}

/// A client of `channel`, initialised and connected to `said`.
async fn listener(channel: &Channel) -> MemoryClient {
    let mut client = channel.connect_in_memory();
    client.send(json!({"type": 3, "id": 0}).to_string());
    assert_eq!(next(&mut client).await["type"], 10, "the init response");
    client.send(json!({"type": 7, "object": "room", "signal": SAID}).to_string());
    assert!(drain(&mut client).await.is_empty());
    client
}

fn said(text: &str) -> Value {
    json!({"type": 1, "object": "room", "signal": SAID, "args": [text]})
}

#[tokio::test]
async fn every_instance_gets_a_signal_once_and_the_caller_before_its_response() {
    let hub = MemoryHub::new();
    let (channel_a, _room_a) = instance(&hub.node());
    let (channel_b, _room_b) = instance(&hub.node());
    let (mut alice, mut bob) = (listener(&channel_a).await, listener(&channel_b).await);
    let mut carol = listener(&channel_b).await;

    invoke(&alice, 1, "say", json!(["hello"]));
    assert_eq!(next(&mut alice).await, said("hello"), "the signal first");
    assert_eq!(
        next(&mut alice).await,
        json!({"type": 10, "id": 1, "data": true})
    );
    assert_eq!(drain(&mut alice).await, Vec::<Value>::new(), "not twice");
    assert_eq!(drain(&mut bob).await, [said("hello")]);
    assert_eq!(drain(&mut carol).await, [said("hello")]);
}

#[tokio::test]
async fn each_senders_signals_keep_their_order_everywhere() {
    let hub = MemoryHub::new();
    let (channel_a, _room_a) = instance(&hub.node());
    let (channel_b, room_b) = instance(&hub.node());
    let (mut alice, mut bob) = (listener(&channel_a).await, listener(&channel_b).await);
    // Alice's calls are pipelined; the instance B emits from a task meanwhile.
    for n in 0..100 {
        invoke(&alice, n, "say", json!([format!("a{n}")]));
    }
    let emitter = tokio::spawn(async move {
        for n in 0..100 {
            room_b.said(format!("b{n}")).await.expect("taken");
            if n % 10 == 0 {
                tokio::task::yield_now().await;
            }
        }
    });
    emitter.await.expect("the emitter ran");
    for client in [&mut alice, &mut bob] {
        let mut texts = Vec::new();
        while texts.len() < 200 {
            let frame = next(client).await;
            if frame["type"] == 1 {
                texts.push(frame["args"][0].as_str().expect("a text").to_owned());
            }
        }
        for sender in ["a", "b"] {
            let from: Vec<&String> = texts
                .iter()
                .filter(|text| text.starts_with(sender))
                .collect();
            let expected: Vec<String> = (0..100).map(|n| format!("{sender}{n}")).collect();
            assert_eq!(
                from,
                expected.iter().collect::<Vec<_>>(),
                "{sender}'s in order"
            );
        }
    }
}

#[tokio::test]
async fn a_broken_link_fails_at_once_and_nothing_goes_out() {
    let hub = MemoryHub::new();
    let node_a = hub.node();
    let (channel_a, room_a) = instance(&node_a);
    let (channel_b, _room_b) = instance(&hub.node());
    let (mut alice, mut bob) = (listener(&channel_a).await, listener(&channel_b).await);

    node_a.set_link(false);
    let sent = room_a.said("lost".to_owned()).now_or_never();
    assert_eq!(
        sent,
        Some(Err(SendError::Broker(BrokerError::Down))),
        "ready at once"
    );
    invoke(&alice, 1, "say", json!(["lost"]));
    assert_eq!(
        next(&mut alice).await,
        json!({"type": 10, "id": 1, "data": false})
    );
    assert_eq!(drain(&mut alice).await, Vec::<Value>::new());
    assert_eq!(drain(&mut bob).await, Vec::<Value>::new());

    node_a.set_link(true);
    room_a.said("back".to_owned()).await.expect("taken");
    assert_eq!(drain(&mut alice).await, [said("back")]);
    assert_eq!(drain(&mut bob).await, [said("back")]);
}

#[tokio::test]
async fn objects_cannot_travel_with_or_without_a_cluster() {
    let (_clustered, room) = instance(&MemoryBroker::new());
    let refused = room.shown(Handle::new(Item)).await;
    assert_eq!(refused, Err(SendError::CarriesObjects));

    // Without a cluster it is refused too, once a client hears it (nobody hearing it,
    // it is not even serialized, like any plain signal).
    let channel = Channel::new();
    let room = channel.register("room", Room).expect("a fresh channel");
    let mut client = listener(&channel).await;
    client.send(json!({"type": 7, "object": "room", "signal": SAID + 1}).to_string());
    assert!(drain(&mut client).await.is_empty());
    assert_eq!(
        room.shown(Handle::new(Item)).await,
        Err(SendError::CarriesObjects)
    );
}

#[tokio::test]
async fn without_a_cluster_a_cluster_signal_is_a_plain_one() {
    let channel = Channel::new();
    let room = channel.register("room", Room).expect("a fresh channel");
    let mut alice = listener(&channel).await;
    assert_eq!(room.said("hi".to_owned()).now_or_never(), Some(Ok(())));
    invoke(&alice, 1, "say", json!(["hello"]));
    assert_eq!(next(&mut alice).await, said("hi"));
    assert_eq!(next(&mut alice).await, said("hello"));
    assert_eq!(
        next(&mut alice).await,
        json!({"type": 10, "id": 1, "data": true})
    );

    let unregistered = Handle::new(Room);
    assert_eq!(
        unregistered.said("nobody".to_owned()).await,
        Err(SendError::NotRegistered),
        "other instances could not find it"
    );
}

/// An entry as instances publish it, with a signature hash of our choosing.
fn entry(signature: u64, object: &str, frame: &str) -> Bytes {
    let mut bytes = vec![1];
    bytes.extend(signature.to_le_bytes());
    bytes.extend(0_u32.to_le_bytes());
    bytes.extend(u32::try_from(object.len()).expect("short").to_le_bytes());
    bytes.extend(object.as_bytes());
    bytes.extend(frame.as_bytes());
    Bytes::from(bytes)
}

#[tokio::test(flavor = "current_thread")]
async fn garbage_from_other_instances_is_dropped_with_one_warning_each() {
    let (logs, _capturing) = CapturedLogs::start();
    let hub = MemoryHub::new();
    let (channel, room) = instance(&hub.node());
    let mut alice = listener(&channel).await;
    let stranger = hub.node();
    let publish = |frame: Bytes| stranger.publish("signals", frame, Box::new(|_| {}));
    for _ in 0..3 {
        publish(Bytes::from_static(b"garbage"));
        publish(entry(
            7,
            "room",
            r#"{"type":1,"object":"room","signal":1,"args":["forged"]}"#,
        ));
        publish(entry(7, "nobody", "{}"));
    }
    assert_eq!(
        drain(&mut alice).await,
        Vec::<Value>::new(),
        "nothing delivered"
    );
    room.said("still fine".to_owned()).await.expect("taken");
    assert_eq!(drain(&mut alice).await, [said("still fine")]);
    for what in [
        "could not be read",
        "does not match the signal here",
        "names an object not registered here",
    ] {
        assert_eq!(logs.count(what), 1, "{what}:\n{}", logs.text());
    }
}
