//! The keep-alive must not log out users whose clients are connected and answer in order,
//! only slowly: the false logout of a login storm, at test size.
//!
//! 200 clients share one event loop, as the clients of one Node.js process do, and handle
//! every frame in order at a cost that grows with its size (5 ms per KiB: a slow phone
//! rebuilding its user list from every `propertyUpdate`). A `keepAlive` costs them next to
//! nothing, so in a quiet room every client answers within a fraction of the grace. While
//! they log in, though, every login sends every idle client the whole user list again; one
//! pass of the event loop over the 200 clients then takes longer than the grace, and a
//! `keepAlive` that reaches a client behind such an update is answered after the grace as
//! counted from the emission, although the client answered it at its first chance.
//!
//! The server runs with a 3 s keep-alive interval (so that rounds fall inside the storm)
//! and the default 2 s grace. The test passes when no user is dropped while every client
//! keeps answering.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;
use webchannel_tests::ServerProcess;

const CLIENTS: usize = 200;
/// What handling a frame costs a client, per KiB of it.
const COST_PER_KIB: Duration = Duration::from_millis(5);
/// The keep-alive interval: rounds every 3 s fall inside the login storm.
const KEEP_ALIVE_INTERVAL: &str = "3s";
/// Keep-alive rounds that must pass, once everyone is in, before the verdict.
const ROUNDS_AFTER_LOGIN: usize = 2;
/// The most the whole scenario may take.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(90);
/// What the server logs when it drops users that did not answer in time.
const DROP_LOG: &str = "did not answer the keep-alive";

/// What the clients add up.
#[derive(Default)]
struct Tally {
    logged_in: AtomicUsize,
    /// Clients that saw their own name leave the user list.
    dropped: AtomicUsize,
    /// `keepAlive` frames answered, by all clients.
    keep_alives: AtomicUsize,
    failed: AtomicUsize,
}

/// Handling a frame of `bytes` bytes: the event loop does nothing else meanwhile.
fn handle_cost(bytes: usize) {
    let kib = bytes as f64 / 1024.0;
    std::thread::sleep(COST_PER_KIB.mul_f64(kib));
}

fn call(method: &str, args: Value, id: u64) -> Message {
    Message::text(
        json!({"type": 6, "object": "chatserver", "method": method, "args": args, "id": id})
            .to_string(),
    )
}

/// One client, logging in as `name` and answering every frame in order until the socket
/// closes or the test ends.
async fn run_client(url: String, name: String, tally: Arc<Tally>) {
    let Ok((mut socket, _)) = connect_async(url.as_str()).await else {
        tally.failed.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let init = Message::text(json!({"type": 3, "id": 0}).to_string());
    if socket.send(init).await.is_err() {
        tally.failed.fetch_add(1, Ordering::Relaxed);
        return;
    }
    let mut keep_alive_signal = None;
    let mut user_list_key = None;
    let mut logged_in = false;
    let mut dropped = false;
    while let Some(Ok(message)) = socket.next().await {
        let Message::Text(text) = message else {
            continue;
        };
        handle_cost(text.len());
        let Ok(frame) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let mut out = Vec::new();
        match (frame["type"].as_u64(), frame["id"].as_u64()) {
            (Some(10), Some(0)) => {
                let chat = &frame["data"]["chatserver"];
                keep_alive_signal = chat["signals"]
                    .as_array()
                    .and_then(|signals| signals.iter().find(|s| s[0] == "keepAlive"))
                    .and_then(|signal| signal[1].as_u64());
                user_list_key = chat["properties"]
                    .as_array()
                    .and_then(|properties| properties.iter().find(|p| p[1] == "userList"))
                    .and_then(|property| property[0].as_u64())
                    .map(|index| index.to_string());
                out.push(Message::text(json!({"type": 4}).to_string()));
                out.push(Message::text(
                    json!({"type": 7, "object": "chatserver", "signal": keep_alive_signal})
                        .to_string(),
                ));
                out.push(call("login", json!([name]), 1));
            }
            (Some(10), Some(1)) => {
                if frame["data"] != true {
                    tally.failed.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                logged_in = true;
                tally.logged_in.fetch_add(1, Ordering::Relaxed);
            }
            (Some(2), _) => {
                let listed = user_list_key.as_deref().and_then(|key| {
                    frame["data"][0]["properties"][key]
                        .as_array()
                        .map(|names| names.iter().any(|n| n.as_str() == Some(name.as_str())))
                });
                if logged_in && !dropped && listed == Some(false) {
                    dropped = true;
                    tally.dropped.fetch_add(1, Ordering::Relaxed);
                }
                out.push(Message::text(json!({"type": 4}).to_string()));
            }
            (Some(1), _) if frame["signal"].as_u64() == keep_alive_signal && logged_in => {
                tally.keep_alives.fetch_add(1, Ordering::Relaxed);
                out.push(call("keepAliveResponse", json!([name]), 2));
            }
            _ => {}
        }
        for message in out {
            if socket.feed(message).await.is_err() {
                return;
            }
        }
        if socket.flush().await.is_err() {
            return;
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn slow_clients_that_answer_in_order_are_not_logged_out_in_a_login_storm() {
    let server = ServerProcess::spawn(
        env!("CARGO_BIN_EXE_chatserver"),
        [
            "--listen",
            "127.0.0.1:0",
            "--keep-alive-interval",
            KEEP_ALIVE_INTERVAL,
        ],
    );
    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for index in 0..CLIENTS {
        clients.spawn(run_client(
            server.url().to_owned(),
            format!("slow-{index}"),
            Arc::clone(&tally),
        ));
    }

    // Until everyone is in, then until every client has answered a few more rounds.
    let mut logged_in_at = None;
    let mut answers_at_login = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            started.elapsed() < SCENARIO_TIMEOUT,
            "the scenario did not finish in {SCENARIO_TIMEOUT:?}: {} of {CLIENTS} logged in",
            tally.logged_in.load(Ordering::Relaxed)
        );
        assert_eq!(tally.failed.load(Ordering::Relaxed), 0, "a client failed");
        let answers = tally.keep_alives.load(Ordering::Relaxed);
        match logged_in_at {
            None if tally.logged_in.load(Ordering::Relaxed) == CLIENTS => {
                logged_in_at = Some(started.elapsed());
                answers_at_login = answers;
            }
            Some(_) if answers >= answers_at_login + ROUNDS_AFTER_LOGIN * CLIENTS => break,
            _ => {}
        }
    }
    clients.abort_all();

    // The log is read on another thread: let it catch up with the last round.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = server.stderr();
    let drops: Vec<&str> = log.lines().filter(|line| line.contains(DROP_LOG)).collect();
    let dropped = tally.dropped.load(Ordering::Relaxed);
    println!(
        "{CLIENTS} clients logged in after {:?}; {dropped} saw their user dropped; scenario took {:?}",
        logged_in_at,
        started.elapsed()
    );
    assert!(
        drops.is_empty() && dropped == 0,
        "{dropped} of {CLIENTS} users were logged out while their clients answered every \
         keepAlive in order; the server's drops:\n{}",
        drops.join("\n")
    );
    let status = server.stop_with_sigint();
    assert!(status.success(), "chatserver exited with {status}");
}
