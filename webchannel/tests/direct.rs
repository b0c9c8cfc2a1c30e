//! `DirectSession`: a session driven by its caller, frames delivered through a callback.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use webchannel::{Channel, Context, DirectSession, Handle};

/// A meter other code reads and drives.
#[derive(Default)]
pub struct Meter {
    level: i64,
    leaving: Vec<u64>,
}

#[webchannel::object]
impl Meter {
    /// The current level.
    #[webchannel(property, notify = level_changed)]
    pub fn level(&self) -> i64 {
        self.level
    }

    /// Raises the level, announcing it first by a plain signal.
    pub fn raise(&mut self, by: i64, cx: &Context<Self>) -> i64 {
        self.level += by;
        cx.raised(by);
        cx.level_changed();
        self.level
    }

    /// Answers after `millis`.
    pub async fn later(&self, millis: u64) -> u64 {
        tokio::time::sleep(Duration::from_millis(millis)).await;
        millis
    }

    /// Records which sessions left.
    #[webchannel(on_disconnect)]
    fn left(&mut self, cx: &Context<Self>) {
        self.leaving.push(cx.session().get());
    }

    /// Emitted with the amount of every raise.
    #[webchannel(signal)]
    fn raised(by: i64);

    /// The level changed.
    #[webchannel(signal)]
    fn level_changed();
}

/// Signal 1 is `raised`, 2 `levelChanged`.
const RAISED: u32 = 1;

fn setup() -> (Channel, Handle<Meter>) {
    let channel = Channel::new();
    let meter = channel
        .register("meter", Meter::default())
        .expect("fresh channel");
    (channel, meter)
}

type Frames = Arc<Mutex<Vec<Value>>>;

fn connect(channel: &Channel) -> (DirectSession, Frames) {
    let frames: Frames = Arc::default();
    let sink = Arc::clone(&frames);
    let session = channel.direct_session(move |frame| {
        let value = serde_json::from_str(frame.as_str()).expect("frames are JSON");
        sink.lock().expect("not poisoned").push(value);
    });
    (session, frames)
}

fn take(frames: &Frames) -> Vec<Value> {
    std::mem::take(&mut *frames.lock().expect("not poisoned"))
}

#[tokio::test]
async fn answers_arrive_before_receive_returns() {
    let (channel, _meter) = setup();
    let (session, frames) = connect(&channel);
    session.receive(r#"{"type":3,"id":0}"#);
    assert_eq!(take(&frames)[0]["data"]["meter"]["properties"][0][3], 0);
    session.receive(r#"{"type":4}"#);
    session.receive(&json!({"type": 7, "object": "meter", "signal": RAISED}).to_string());
    session.receive(r#"{"type":6,"object":"meter","method":"raise","args":[5],"id":1}"#);
    assert_eq!(
        take(&frames),
        vec![
            json!({"type": 1, "object": "meter", "signal": RAISED, "args": [5]}),
            json!({"type": 10, "id": 1, "data": 5}),
            json!({"type": 2, "data": [{"object": "meter", "signals": {"2": []}, "properties": {"0": 5}}]}),
        ]
    );
}

#[tokio::test]
async fn signals_from_elsewhere_arrive_in_the_emitting_thread() {
    let (channel, meter) = setup();
    let (session, frames) = connect(&channel);
    session.receive(&json!({"type": 7, "object": "meter", "signal": RAISED}).to_string());
    meter.raised(3);
    assert_eq!(
        take(&frames),
        vec![json!({"type": 1, "object": "meter", "signal": RAISED, "args": [3]})]
    );
}

/// Waits (bounded) until `count` responses have arrived, and returns their ids.
async fn response_ids(frames: &Frames, count: usize) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let mut ids = Vec::new();
    while ids.len() < count {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {ids:?} arrived"
        );
        ids.extend(
            take(frames)
                .into_iter()
                .filter(|frame| frame["type"] == 10)
                .map(|frame| frame["id"].clone()),
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    ids
}

#[tokio::test]
async fn an_async_call_answers_from_the_runtime() {
    let (channel, _meter) = setup();
    let (session, frames) = connect(&channel);
    session.receive(r#"{"type":6,"object":"meter","method":"later","args":[20],"id":1}"#);
    session.receive(r#"{"type":6,"object":"meter","method":"level","args":[],"id":2}"#);
    // The quick call does not wait for the slow one to finish.
    assert_eq!(response_ids(&frames, 2).await, [json!(2), json!(1)]);
}

#[tokio::test]
async fn messages_behind_a_locked_call_wait_their_turn() {
    let (channel, meter) = setup();
    let (session, frames) = connect(&channel);
    let guard = meter.write().await;
    session.receive(r#"{"type":6,"object":"meter","method":"raise","args":[1],"id":1}"#);
    session.receive(r#"{"type":3,"id":2}"#);
    assert_eq!(take(&frames), Vec::<Value>::new());
    drop(guard);
    assert_eq!(response_ids(&frames, 2).await, [json!(1), json!(2)]);
}

#[tokio::test]
async fn dropping_the_session_runs_the_disconnect_hooks() {
    let (channel, meter) = setup();
    let (session, _frames) = connect(&channel);
    drop(session);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while meter.read().await.leaving.is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "the hook never ran");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(meter.read().await.leaving.len(), 1);
    assert_eq!(channel.session_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_emitters_lose_nothing() {
    let (channel, meter) = setup();
    let (session, frames) = connect(&channel);
    session.receive(&json!({"type": 7, "object": "meter", "signal": RAISED}).to_string());
    let emitters: Vec<_> = (0..4)
        .map(|emitter| {
            let meter = meter.clone();
            std::thread::spawn(move || {
                for n in 0..500 {
                    meter.raised(emitter * 1000 + n);
                }
            })
        })
        .collect();
    for n in 0..200 {
        session.receive(&format!(
            r#"{{"type":6,"object":"meter","method":"level","args":[],"id":{n}}}"#
        ));
    }
    for emitter in emitters {
        emitter.join().expect("emitter finished");
    }
    let frames = take(&frames);
    let mut seen: Vec<i64> = frames
        .iter()
        .filter(|frame| frame["type"] == 1)
        .map(|frame| frame["args"][0].as_i64().expect("a number"))
        .collect();
    // Each emitter's signals arrive in the order it emitted them.
    for emitter in 0..4 {
        let own: Vec<i64> = seen
            .iter()
            .copied()
            .filter(|value| value / 1000 == emitter)
            .collect();
        assert_eq!(
            own,
            (0..500).map(|n| emitter * 1000 + n).collect::<Vec<_>>()
        );
    }
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 2000);
    let responses = frames.iter().filter(|frame| frame["type"] == 10).count();
    assert_eq!(responses, 200);
}
