//! Soak: hundreds of clients connect to the chatserver binary, log in, chat and vanish
//! (half of them with a Close frame, half by dropping the connection) while a group of
//! clients stays for the whole run. Asserted: the clients that stayed received every
//! message the server accepted, the user list ends as exactly those who stayed, and the
//! server's memory (RSS from /proc) comes back near where it was before the churn.
//!
//! `SOAK_SECONDS` sets the length of the churn (default 5; the long form is
//! `SOAK_SECONDS=60 cargo test -p chatserver --test hostile_soak -- --nocapture`).

mod hostile_support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::task::JoinSet;

use hostile_support::{Chatter, start_chatserver, unique_name};

const STAYERS: usize = 20;
const WAVE: usize = 50;
const END: &str = "end of the soak";

/// The server's resident memory in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

/// One client that comes, speaks once and goes; returns the text the server accepted.
async fn visit(url: String, drop_connection: bool) -> String {
    let mut chatter = Chatter::join(&url, "visitor").await;
    let text = unique_name("visit");
    chatter.says(&text).await;
    if drop_connection {
        drop(chatter);
    } else {
        chatter
            .wire
            .send(tokio_tungstenite::tungstenite::Message::Close(None))
            .await;
        let _ = chatter.wire.ending().await;
    }
    text
}

/// Runs waves of visitors until `until`; returns every accepted text and how many came.
async fn churn(url: &str, until: Instant) -> (BTreeSet<String>, usize) {
    let mut accepted = BTreeSet::new();
    let mut visitors = 0;
    while Instant::now() < until {
        let mut wave = JoinSet::new();
        for n in 0..WAVE {
            wave.spawn(visit(url.to_owned(), n % 2 == 0));
        }
        while let Some(text) = wave.join_next().await {
            accepted.insert(text.expect("a visitor finished"));
            visitors += 1;
        }
    }
    (accepted, visitors)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_come_chat_and_vanish_without_loss_or_leaks() {
    let seconds: u64 = std::env::var("SOAK_SECONDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(5);
    // The keep-alive check is tested elsewhere; here it would only need answering.
    let mut server = start_chatserver(&["--keep-alive-interval", "1h"]);
    let url = server.url().to_owned();

    // Warm up the allocator with one wave, then take the baseline.
    churn(&url, Instant::now()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let baseline = rss_kib(server.pid());

    let mut stayers = JoinSet::new();
    let mut names = BTreeSet::new();
    for _ in 0..STAYERS {
        let chatter = Chatter::join(&url, "stayer").await;
        names.insert(chatter.name.clone());
        stayers.spawn(listen_until_end(chatter));
    }

    let (accepted, visitors) = churn(&url, Instant::now() + Duration::from_secs(seconds)).await;
    let peak = rss_kib(server.pid());
    // The speaker joins only now: a client that read nothing during a long churn would
    // rightly be closed for not answering the server's pings.
    let mut speaker = Chatter::join(&url, "speaker").await;
    names.insert(speaker.name.clone());
    speaker.says(END).await;
    // The stayers stay connected until the end of the test.
    let mut stayed = Vec::new();
    while let Some(finished) = stayers.join_next().await {
        let (chatter, received) = finished.expect("a stayer finished");
        stayed.push(chatter);
        let lost: Vec<&String> = accepted.difference(&received).collect();
        assert!(
            lost.is_empty(),
            "{} of {} messages lost, e.g. {:?}",
            lost.len(),
            accepted.len(),
            lost.first()
        );
    }

    // Everyone who left is logged out; everyone who stayed is still there.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let list = speaker.wire.call("logout", json!(["not-me"])).await;
        assert_eq!(list["data"], false);
        let init = speaker
            .wire
            .request(json!({"type": 3, "id": unique_name("list")}))
            .await;
        let users: BTreeSet<String> = init["data"]["chatserver"]["properties"]
            .as_array()
            .and_then(|properties| properties.iter().find(|p| p[1] == "userList"))
            .and_then(|property| property[3].as_array())
            .map(|list| {
                list.iter()
                    .filter_map(|name| name.as_str().map(str::to_owned))
                    .collect()
            })
            .expect("the user list");
        if users == names {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the user list is {users:?}, not {names:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = rss_kib(server.pid());
    println!(
        "soak: {visitors} visitors in {seconds} s, {} messages; RSS baseline {baseline} KiB, peak {peak} KiB, after {after} KiB",
        accepted.len()
    );
    let allowance = (baseline / 2).max(8 * 1024);
    assert!(
        after <= baseline + allowance,
        "memory did not come back: baseline {baseline} KiB, after {after} KiB (peak {peak} KiB)"
    );
    server.assert_running();
    drop(stayed);
}

/// Collects every message text until the end marker arrives.
async fn listen_until_end(mut chatter: Chatter) -> (Chatter, BTreeSet<String>) {
    let signal = chatter.wire.new_message.expect("initialised");
    let mut received = BTreeSet::new();
    loop {
        let message = chatter.wire.next_json().await;
        if message["type"] == 1 && message["signal"] == signal {
            let text = message["args"][2].as_str().unwrap_or_default().to_owned();
            if text == END {
                return (chatter, received);
            }
            received.insert(text);
        }
    }
}
