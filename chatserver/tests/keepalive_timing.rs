//! When the keep-alive drops a user, on tokio's paused clock: a client that never answers
//! `keepAlive`, or stops answering anything, is dropped within the bound the README gives,
//! and a slow client that answers everything in order, later than the grace after each
//! `keepAlive` or far behind, is not. Many users falling silent at once are left to their
//! connections' liveness check.
//!
//! Clients are scripted over `Channel::run_session` on a channel that probes busy clients,
//! as the chat server's does: each handles what the server writes strictly in order, at a
//! cost per text frame, and answers pings in that order too, echoing them, as a JavaScript
//! client's WebSocket does. Its connection may take a while to write each frame, as a slow
//! link does.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chatserver::{ChatServer, KeepAlive};
use futures_util::{sink, stream};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep, sleep_until};
use webchannel::{Channel, Config, Handle, Inbound, Outbound};

const KEEP_ALIVE: KeepAlive = KeepAlive {
    interval: Duration::from_secs(10),
    grace: Duration::from_secs(2),
    mass_silence_percent: 10,
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
    /// Times, counted from its login, when it handles nothing, then everything that came
    /// meanwhile, in order: a page whose event loop is busy elsewhere.
    stalls: &'static [Stall],
}

/// From `from` until `until` after its login, a client handles nothing.
#[derive(Clone, Copy)]
struct Stall {
    from: Duration,
    until: Duration,
}

impl Behaviour {
    /// Answers everything at once, over a connection that writes at once.
    const PROMPT: Self = Self {
        cost: Duration::ZERO,
        answers_keep_alive: true,
        paused: false,
        link: Duration::ZERO,
        stalls: &[],
    };

    /// Takes every frame and answers nothing once logged in, over a prompt connection.
    const PAUSED: Self = Self {
        paused: true,
        ..Self::PROMPT
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
    /// Text frames it has handled since it logged in.
    handled: Arc<AtomicUsize>,
    /// When it handled its latest `keepAlive`.
    keep_alive_read: Arc<Mutex<Option<Instant>>>,
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
            handled: Arc::default(),
            keep_alive_read: Arc::default(),
        };
        client.send(json!({"type": 3, "id": 0}));
        let signals = loop {
            match from_session.recv().await {
                Some(Outbound::Text(frame)) => {
                    let init: Value = serde_json::from_str(frame.as_str()).expect("JSON");
                    break init["data"]["chatserver"]["signals"].clone();
                }
                Some(Outbound::Ping(echoed)) => client.pong(echoed),
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
        let handled = Arc::clone(&client.handled);
        let keep_alive_read = Arc::clone(&client.keep_alive_read);
        let name = name.to_owned();
        let logged_in_at = Instant::now();
        tokio::spawn(async move {
            while let Some(outbound) = from_session.recv().await {
                if behaviour.paused {
                    continue;
                }
                let since = logged_in_at.elapsed();
                let stalled = behaviour
                    .stalls
                    .iter()
                    .find(|stall| stall.from <= since && since < stall.until);
                if let Some(stall) = stalled {
                    sleep_until(logged_in_at + stall.until).await;
                }
                let frame = match outbound {
                    Outbound::Ping(echoed) => {
                        let _ = answers.send(Inbound::Pong(Some(echoed)));
                        continue;
                    }
                    Outbound::Text(frame) => frame,
                };
                sleep(behaviour.cost).await;
                handled.fetch_add(1, Ordering::Relaxed);
                let frame: Value = serde_json::from_str(frame.as_str()).expect("JSON");
                if frame["type"] == 1 && frame["signal"] == keep_alive {
                    *keep_alive_read.lock().expect("not poisoned") = Some(Instant::now());
                }
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

    fn pong(&self, echoed: u64) {
        self.to_session
            .send(Inbound::Pong(Some(echoed)))
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
    let config = Config::default().with_probe_interval(Some(KEEP_ALIVE.probe_interval()));
    let channel = Channel::with_config(config);
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

/// Waits until `deadline`, checking that `user` is still logged in just before it, and
/// that the first sweep after it dropped the user.
async fn assert_dropped_by_the_sweep_after(
    chat: &Handle<ChatServer>,
    user: &str,
    deadline: Instant,
) {
    sleep_until(deadline - Duration::from_millis(1)).await;
    assert!(
        logged_in(chat, user).await,
        "{user} was dropped before its keepAlive had been written for the grace"
    );
    sleep_until(deadline + KEEP_ALIVE.sweep_period()).await;
    sleep(Duration::from_millis(1)).await;
    assert!(
        !logged_in(chat, user).await,
        "{user} was not dropped within the first sweep after its deadline"
    );
}

#[tokio::test(start_paused = true)]
async fn a_client_that_answers_pings_but_not_keep_alive_is_dropped_a_grace_after_reading_it() {
    let started = Instant::now();
    let (channel, chat) = chat();
    let mute = Behaviour {
        answers_keep_alive: false,
        cost: Duration::from_millis(120),
        ..Behaviour::PROMPT
    };
    let mut talker = Client::log_in(&channel, "talker", Behaviour::PROMPT).await;
    let mute = Client::log_in(&channel, "mute", mute).await;

    // The talker writes ten messages a second, the mute client reads eight: it falls
    // behind, and reads the keepAlive seconds after it was written, pongs coming all the
    // while. It is dropped a grace after the pong behind the keepAlive.
    let mut n = 0;
    let mut read = None;
    while Instant::now() < started + 2 * KEEP_ALIVE.interval {
        talker.call("sendMessage", json!(["talker", format!("chatter {n}")]));
        n += 1;
        sleep(Duration::from_millis(100)).await;
        let logged_in = logged_in(&chat, "mute").await;
        let now = Instant::now();
        if read.is_none() {
            read = *mute.keep_alive_read.lock().expect("not poisoned");
        }
        let Some(read) = read else {
            assert!(
                logged_in,
                "dropped before it read the keepAlive, at {:?}",
                started.elapsed()
            );
            continue;
        };
        if now < read + KEEP_ALIVE.grace {
            assert!(
                logged_in,
                "dropped less than the grace after it read the keepAlive"
            );
        } else if now > read + KEEP_ALIVE.grace + Duration::from_secs(1) {
            assert!(
                !logged_in,
                "not dropped within the grace and a second after it read it"
            );
        }
    }
    let read = read.expect("the keepAlive was read");
    assert!(
        read > started + KEEP_ALIVE.interval + KEEP_ALIVE.grace,
        "the keepAlive was read {:?} after the start: not late enough to tell the rules apart",
        read - started
    );
    assert!(logged_in(&chat, "talker").await);
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
    // connection takes 2 s to write: with the probe behind them, its keepAlive is written
    // 1.7 s after the round starts. It has sent nothing since it paused, so its deadline
    // is that plus the grace.
    let emitted = started + KEEP_ALIVE.interval;
    sleep_until(emitted - Duration::from_millis(500)).await;
    const BACKLOG: u32 = 20;
    talker.say("talker", "backlog", BACKLOG as usize);
    let queued = (BACKLOG + 2) * link - Duration::from_millis(500);
    assert_dropped_by_the_sweep_after(&chat, "paused", emitted + queued + KEEP_ALIVE.grace).await;
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
async fn a_client_that_falls_far_behind_but_reads_in_order_is_kept() {
    let started = Instant::now();
    // The talker writes ten messages a second; the slow client reads a bit over eight
    // (120 ms each), so it falls ever further behind: 12 s after a minute.
    let (_channel, chat, mut talker, slow) = talker_and_slow(Duration::from_millis(120)).await;
    let end = started + Duration::from_secs(70);
    let mut sent = 0;
    while Instant::now() < end {
        talker.call("sendMessage", json!(["talker", format!("steady {sent}")]));
        sent += 1;
        sleep(Duration::from_millis(100)).await;
        if sent % 5 == 0 {
            assert!(
                logged_in(&chat, "slow").await,
                "the slow client was dropped at {:?}",
                started.elapsed()
            );
        }
    }
    let behind = sent - slow.handled.load(Ordering::Relaxed);
    assert!(
        behind >= 90,
        "the slow client was only {behind} frames (of 120 ms) behind"
    );
    assert!(logged_in(&chat, "slow").await);
}

/// Logs in `count` clients behaving as `behaviour`, named `label 0`, `label 1`, ...
async fn log_in_many(
    channel: &Channel,
    label: &str,
    count: usize,
    behaviour: Behaviour,
) -> Vec<Client> {
    let mut clients = Vec::new();
    for n in 0..count {
        clients.push(Client::log_in(channel, &format!("{label} {n}"), behaviour).await);
    }
    clients
}

async fn logged_in_of(chat: &Handle<ChatServer>, label: &str, count: usize) -> usize {
    let mut count_in = 0;
    for n in 0..count {
        if logged_in(chat, &format!("{label} {n}")).await {
            count_in += 1;
        }
    }
    count_in
}

#[tokio::test(start_paused = true)]
async fn many_users_silent_at_once_are_left_to_their_connections_liveness_check() {
    const ACTIVE: usize = 3;
    const SILENT: usize = 12;
    let started = Instant::now();
    let (channel, chat) = chat();
    let _active = log_in_many(&channel, "active", ACTIVE, Behaviour::PROMPT).await;
    // Silent from their login on: to the keep-alive, 12 of 16 users fall silent at the
    // same sweep, 12 s in. One more reads and answers pings, but not keepAlive.
    let _silent = log_in_many(&channel, "silent", SILENT, Behaviour::PAUSED).await;
    let mute = Behaviour {
        answers_keep_alive: false,
        ..Behaviour::PROMPT
    };
    let _mute = Client::log_in(&channel, "mute", mute).await;
    let last_heard = Instant::now();
    assert!(KEEP_ALIVE.is_mass_silence(SILENT, ACTIVE + SILENT + 1));

    // Their connections are pinged after ping_interval of silence and closed pong_timeout
    // later; until then the keep-alive drops none of them.
    let config = Config::default();
    let closed = last_heard + config.ping_interval + config.pong_timeout;
    sleep_until(started + KEEP_ALIVE.interval + KEEP_ALIVE.grace + Duration::from_secs(3)).await;
    assert!(
        !logged_in(&chat, "mute").await,
        "a client that read the keepAlive and did not answer is dropped all the same"
    );
    while Instant::now() < closed - Duration::from_millis(100) {
        assert_eq!(
            logged_in_of(&chat, "silent", SILENT).await,
            SILENT,
            "a silent user was dropped at {:?}, before its connection was closed",
            started.elapsed()
        );
        sleep(Duration::from_millis(500)).await;
    }
    sleep_until(closed + Duration::from_millis(100)).await;
    assert_eq!(
        logged_in_of(&chat, "silent", SILENT).await,
        0,
        "not logged out once their connections were closed"
    );
    assert_eq!(logged_in_of(&chat, "active", ACTIVE).await, ACTIVE);
}

#[tokio::test(start_paused = true)]
async fn a_stall_many_users_share_is_braked_before_the_quickest_of_them_are_overdue() {
    const ACTIVE: usize = 40;
    const SEASONED: usize = 20;
    const FRESH: usize = 4;
    let started = Instant::now();
    let (channel, chat) = chat();
    let mut talker = Client::log_in(&channel, "talker", Behaviour::PROMPT).await;
    let _active = log_in_many(&channel, "active", ACTIVE, Behaviour::PROMPT).await;
    // The clients of one busy machine: all stall from 9.5 s to 14 s, across the round at
    // 10 s. The seasoned ones stalled for 3 s before, so the server has seen them keep a
    // ping waiting for seconds; the fresh ones never did. Alone, the fresh ones are
    // overdue 2 s after their keepAlive was written, at 12 s, and four users are not a
    // mass silence; but by then all 24 have been late for a second.
    const SHARED: Stall = Stall {
        from: Duration::from_millis(9_500),
        until: Duration::from_secs(14),
    };
    const EARLIER: Stall = Stall {
        from: Duration::from_secs(1),
        until: Duration::from_secs(4),
    };
    let seasoned = Behaviour {
        stalls: &[EARLIER, SHARED],
        ..Behaviour::PROMPT
    };
    let fresh = Behaviour {
        stalls: &[SHARED],
        ..Behaviour::PROMPT
    };
    let _seasoned = log_in_many(&channel, "seasoned", SEASONED, seasoned).await;
    let _fresh = log_in_many(&channel, "fresh", FRESH, fresh).await;
    assert!(!KEEP_ALIVE.is_mass_silence(FRESH, ACTIVE + SEASONED + FRESH + 1));

    // Chatter keeps every client busy, so that probes measure the first stall.
    let mut n = 0;
    while Instant::now() < started + Duration::from_secs(25) {
        if Instant::now() < started + Duration::from_secs(5) {
            talker.call("sendMessage", json!(["talker", format!("chatter {n}")]));
            n += 1;
        }
        sleep(Duration::from_millis(200)).await;
        for (label, count) in [("seasoned", SEASONED), ("fresh", FRESH), ("active", ACTIVE)] {
            assert_eq!(
                logged_in_of(&chat, label, count).await,
                count,
                "{label} users were dropped at {:?}",
                started.elapsed()
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_lone_silent_user_among_active_ones_is_dropped_within_the_bound() {
    const ACTIVE: usize = 10;
    let started = Instant::now();
    let (channel, chat) = chat();
    let _active = log_in_many(&channel, "active", ACTIVE, Behaviour::PROMPT).await;
    let _paused = Client::log_in(&channel, "paused", Behaviour::PAUSED).await;

    // Nothing queued for it: its keepAlive is written as the round starts, and it has
    // sent nothing since its login.
    let deadline = started + KEEP_ALIVE.interval + KEEP_ALIVE.grace;
    assert_dropped_by_the_sweep_after(&chat, "paused", deadline).await;
    assert_eq!(logged_in_of(&chat, "active", ACTIVE).await, ACTIVE);
}
