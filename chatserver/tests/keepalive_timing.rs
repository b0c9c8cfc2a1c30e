//! When the keep-alive drops a user, on tokio's paused clock: a client that never answers
//! `keepAlive`, or stops answering anything, is dropped within the bound the README gives,
//! and a slow client that answers everything in order, later than the grace after each
//! `keepAlive`, is not.
//!
//! Clients are scripted over `Channel::run_session`: each handles what the server writes
//! strictly in order, at a cost per frame, and answers pings in that order too, as a
//! JavaScript client's WebSocket does. Its connection may take a while to write each frame,
//! as a slow link does.

use std::time::Duration;

use chatserver::{ChatServer, KeepAlive};
use futures_util::{sink, stream};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep, sleep_until};
use webchannel::{Channel, Handle, Inbound, Outbound};

const KEEP_ALIVE: KeepAlive = KeepAlive {
    interval: Duration::from_secs(10),
    grace: Duration::from_secs(2),
};

/// How a scripted client behaves.
#[derive(Clone, Copy)]
struct Behaviour {
    /// Time spent on every frame the server sends, before the next.
    cost: Duration,
    answers_keep_alive: bool,
    /// Once logged in, takes every frame and does nothing with it, pings included: a
    /// client whose page froze, or a peer gone silent whose socket still accepts data.
    paused: bool,
    /// Time its connection takes to write each frame to it.
    link: Duration,
}

impl Behaviour {
    /// Answers everything at once, over a connection that writes at once.
    const PROMPT: Self = Self {
        cost: Duration::ZERO,
        answers_keep_alive: true,
        paused: false,
        link: Duration::ZERO,
    };
}

/// The client's end of the connection is gone.
#[derive(Debug)]
struct Closed;

/// A client: what it sends reaches its session; a task of its own handles what comes
/// back.
struct Client {
    to_session: mpsc::UnboundedSender<Inbound>,
    next_id: u64,
}

impl Client {
    /// Connects, initialises, goes idle, connects to `newMessage` and `keepAlive` and logs
    /// in as `name`; everything after that is handled by `behaviour`.
    async fn log_in(channel: &Channel, name: &str, behaviour: Behaviour) -> Self {
        let (to_session, incoming) = mpsc::unbounded_channel();
        let (outgoing, mut from_session) = mpsc::unbounded_channel::<Outbound>();
        let outgoing = sink::unfold(outgoing, move |outgoing, outbound: Outbound| async move {
            sleep(behaviour.link).await;
            outgoing.send(outbound).map_err(|_| Closed)?;
            Ok::<_, Closed>(outgoing)
        });
        let incoming = stream::unfold(incoming, |mut incoming| async move {
            incoming.recv().await.map(|inbound| (inbound, incoming))
        });
        let served = channel.clone();
        tokio::spawn(async move { served.run_session(incoming, outgoing).await });

        let mut client = Self {
            to_session,
            next_id: 0,
        };
        client.send(json!({"type": 3, "id": 0}));
        let signals = loop {
            match from_session.recv().await {
                Some(Outbound::Text(frame)) => {
                    let init: Value = serde_json::from_str(frame.as_str()).expect("JSON");
                    break init["data"]["chatserver"]["signals"].clone();
                }
                Some(Outbound::Ping) => client.pong(),
                None => panic!("the session ended during init"),
            }
        };
        let signal = |wanted: &str| {
            signals
                .as_array()
                .and_then(|all| all.iter().find(|signal| signal[0] == wanted))
                .map(|signal| signal[1].clone())
                .expect("a chatserver signal")
        };
        let keep_alive = signal("keepAlive");
        client.send(json!({"type": 4}));
        for connected in [signal("newMessage"), keep_alive.clone()] {
            client.send(json!({"type": 7, "object": "chatserver", "signal": connected}));
        }
        client.call("login", json!([name]));

        let answers = client.to_session.clone();
        let name = name.to_owned();
        tokio::spawn(async move {
            while let Some(outbound) = from_session.recv().await {
                if behaviour.paused {
                    continue;
                }
                sleep(behaviour.cost).await;
                let frame = match outbound {
                    Outbound::Ping => {
                        let _ = answers.send(Inbound::Pong);
                        continue;
                    }
                    Outbound::Text(frame) => frame,
                };
                let frame: Value = serde_json::from_str(frame.as_str()).expect("JSON");
                let answer = match frame["type"].as_u64() {
                    Some(2) => json!({"type": 4}),
                    Some(1) if frame["signal"] == keep_alive && behaviour.answers_keep_alive => {
                        json!({"type": 6, "object": "chatserver", "method": "keepAliveResponse", "args": [name], "id": 1_000_000})
                    }
                    _ => continue,
                };
                let _ = answers.send(Inbound::Text(answer.to_string().into()));
            }
        });
        client
    }

    fn send(&self, message: Value) {
        self.to_session
            .send(Inbound::Text(message.to_string().into()))
            .expect("the session reads");
    }

    fn pong(&self) {
        self.to_session
            .send(Inbound::Pong)
            .expect("the session reads");
    }

    /// Sends `count` chat messages as `user`, labelled `label 0`, `label 1`, ...
    fn say(&mut self, user: &str, label: &str, count: usize) {
        for n in 0..count {
            self.call("sendMessage", json!([user, format!("{label} {n}")]));
        }
    }

    fn call(&mut self, method: &str, args: Value) {
        self.next_id += 1;
        self.send(json!({"type": 6, "object": "chatserver", "method": method, "args": args, "id": self.next_id}));
    }
}

fn chat() -> (Channel, Handle<ChatServer>) {
    let channel = Channel::new();
    let chat = chatserver::publish(&channel).expect("fresh channel");
    tokio::spawn(KEEP_ALIVE.run(channel.clone(), chat.clone()));
    (channel, chat)
}

/// A room with a prompt `talker` and a `slow` client that spends `cost` on every frame.
async fn talker_and_slow(cost: Duration) -> (Channel, Handle<ChatServer>, Client, Client) {
    let (channel, chat) = chat();
    let slow = Behaviour {
        cost,
        ..Behaviour::PROMPT
    };
    let talker = Client::log_in(&channel, "talker", Behaviour::PROMPT).await;
    let slow = Client::log_in(&channel, "slow", slow).await;
    (channel, chat, talker, slow)
}

async fn logged_in(chat: &Handle<ChatServer>, user: &str) -> bool {
    chat.read().await.is_logged_in(user)
}

#[tokio::test(start_paused = true)]
async fn a_silent_client_is_dropped_within_the_bound_after_the_keep_alive() {
    let started = Instant::now();
    let (channel, chat) = chat();
    let silent = Behaviour {
        answers_keep_alive: false,
        ..Behaviour::PROMPT
    };
    let _answers = Client::log_in(&channel, "answers", Behaviour::PROMPT).await;
    let _silent = Client::log_in(&channel, "silent", silent).await;

    // The first keepAlive goes out after one interval and is written at once; the silent
    // client answers its ping at once (its lag is nil), so its deadline is the grace, and
    // the first sweep after it drops it.
    let emitted = started + KEEP_ALIVE.interval;
    sleep_until(emitted + KEEP_ALIVE.grace - Duration::from_millis(1)).await;
    assert!(
        logged_in(&chat, "silent").await,
        "dropped before its deadline"
    );
    sleep_until(emitted + KEEP_ALIVE.grace + KEEP_ALIVE.sweep_period()).await;
    // The sweep at that very instant may run after this task: give it a step.
    sleep(Duration::from_millis(1)).await;
    assert!(
        !logged_in(&chat, "silent").await,
        "not dropped within the bound"
    );
    assert!(logged_in(&chat, "answers").await);
}

#[tokio::test(start_paused = true)]
async fn a_paused_client_is_dropped_within_the_bound_once_its_queue_is_written() {
    let started = Instant::now();
    let (channel, chat) = chat();
    let link = Duration::from_millis(100);
    let paused = Behaviour {
        paused: true,
        link,
        ..Behaviour::PROMPT
    };
    let mut talker = Client::log_in(&channel, "talker", Behaviour::PROMPT).await;
    let _paused = Client::log_in(&channel, "paused", paused).await;

    // Half a second before the round, a backlog of 20 messages that the paused client's
    // connection takes 2 s to write: its keepAlive and the ping behind it are written
    // 1.7 s after the round starts. It never answered anything, so its answer lag is nil
    // and its deadline is that plus the grace.
    let emitted = started + KEEP_ALIVE.interval;
    sleep_until(emitted - Duration::from_millis(500)).await;
    const BACKLOG: u32 = 20;
    talker.say("talker", "backlog", BACKLOG as usize);
    let queued = (BACKLOG + 2) * link - Duration::from_millis(500);
    let deadline = emitted + queued + KEEP_ALIVE.grace;
    sleep_until(deadline - Duration::from_millis(1)).await;
    assert!(
        logged_in(&chat, "paused").await,
        "dropped before its keepAlive had been written for the grace"
    );
    sleep_until(deadline + KEEP_ALIVE.sweep_period()).await;
    sleep(Duration::from_millis(1)).await;
    assert!(
        !logged_in(&chat, "paused").await,
        "not dropped within interval + queued frames + grace + one sweep"
    );
    assert!(logged_in(&chat, "talker").await);
}

#[tokio::test(start_paused = true)]
async fn a_slow_client_that_answers_in_order_after_the_grace_is_kept() {
    let started = Instant::now();
    // Half a second per frame, behind a steady backlog of seven: every answer, the
    // keepAlive's included, comes about 3.5 s after it was written, later than the grace.
    let (channel, chat, mut talker, _slow) = talker_and_slow(Duration::from_millis(500)).await;
    talker.say("talker", "backlog", 6);
    // Another login: the user list reaches the slow client behind its backlog, and its
    // idle tells the server how long it takes.
    let _late = Client::log_in(&channel, "late", Behaviour::PROMPT).await;

    let end = started + 5 * KEEP_ALIVE.interval;
    let mut n = 0;
    while Instant::now() < end {
        talker.call("sendMessage", json!(["talker", format!("steady {n}")]));
        n += 1;
        sleep(Duration::from_millis(500)).await;
        assert!(
            logged_in(&chat, "slow").await,
            "the slow client was dropped at {:?}",
            started.elapsed()
        );
    }
    for user in ["talker", "late"] {
        assert!(logged_in(&chat, user).await, "{user} was dropped");
    }
}

#[tokio::test(start_paused = true)]
async fn a_client_whose_backlog_just_grew_is_given_the_time_to_read_it() {
    let started = Instant::now();
    // A tenth of a second per frame. Its lag so far is well within the grace...
    let (channel, chat, mut talker, _slow) = talker_and_slow(Duration::from_millis(100)).await;
    sleep(Duration::from_secs(5)).await;
    talker.say("talker", "early", 5);
    // ...and this user-list update, behind five messages, shows its pace: its idle comes
    // 0.6 s after it was written.
    let _late = Client::log_in(&channel, "late", Behaviour::PROMPT).await;

    // Just before the round, 40 messages: the keepAlive reaches it 4 s after it was
    // written, far beyond its lag and the grace, but at the pace it has shown.
    let emitted = started + KEEP_ALIVE.interval;
    sleep_until(emitted - Duration::from_millis(100)).await;
    talker.say("talker", "burst", 40);
    while Instant::now() < emitted + 2 * KEEP_ALIVE.interval {
        sleep(KEEP_ALIVE.sweep_period()).await;
        assert!(
            logged_in(&chat, "slow").await,
            "the slow client was dropped at {:?}",
            started.elapsed()
        );
    }
}
