//! A flood against the real chatserver binary, scaled down from the benchmark's
//! (`chat-load flood`, see docs/benchmarks.md): a logged-in attacker sends the largest chat
//! messages as fast as the server reads them while clients that never read stay
//! connected, and a witness reads at 10 MB/s. The server's memory stays bounded, the
//! clients that never read are closed for their backlog, and the witness gets every
//! message and still chats.

mod hostile_support;

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use hostile_support::{Chatter, Ending, Wire, start_chatserver, unique_name};

/// How long the attacker sends.
const ATTACK: Duration = Duration::from_secs(3);
/// Clients that log in and then never read.
const STALLED: usize = 5;
/// What the witness reads per second.
const WITNESS_BYTES_PER_SECOND: f64 = 10_000_000.0;
/// The limits the server runs with: the attacker may send 4 MiB/s (in bursts of 1 MiB), a
/// client may have 2 MiB waiting. A faster flood and a smaller backlog than the
/// defaults, so that a few seconds show what a longer flood would.
const INBOUND_BYTE_RATE: &str = "4194304";
const MAX_QUEUED_BYTES: &str = "2097152";
/// Most the server's resident memory may grow over the run. Without the limits the
/// stalled clients are never closed and the server keeps everything their sockets do not
/// take; what that costs is measured on the release server (`chat-load flood`), since a
/// debug server reads the flood too slowly (a few MiB/s) for three seconds of it to
/// outgrow the sockets' buffers by much. Here the bound guards against a regression.
const MAX_GROWTH_KB: u64 = 48 * 1024;
/// The text the attacker sends last; the witness reads until it arrives.
const LAST: &str = "the flood is over";

/// A `kB` figure of the process's `/proc/PID/status`, such as `VmRSS` or `VmHWM`.
fn status_kb(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the server runs");
    status
        .lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no {key} in /proc/{pid}/status"))
}

/// Logs a client in as the attacker, without listening to `newMessage`; sends `sendMessage`
/// calls of the largest text for [`ATTACK`], as fast as the server takes them, then
/// [`LAST`]; returns how many of the large ones it accepted.
async fn attack(url: &str) -> u64 {
    let mut wire = Wire::initialised(url).await;
    let name = unique_name("attacker");
    let login = wire.call("login", json!([name])).await;
    assert_eq!(login["data"], true, "{login}");
    let (mut sink, mut stream) = wire.into_socket().split();
    // Answers are read as they come, so the attacker is never slowed by its own replies.
    let counting = tokio::spawn(async move {
        let mut accepted = 0;
        while let Some(Ok(frame)) = stream.next().await {
            let Message::Text(text) = frame else { continue };
            let answer: Value = serde_json::from_str(&text).expect("JSON");
            match answer["id"].as_str() {
                Some("last") => return accepted,
                Some(_) if answer["data"] == true => accepted += 1,
                _ => {}
            }
        }
        panic!("the attacker's connection ended before its last message was answered");
    });
    // Written once: the attacker spends its time sending, not serializing.
    let text = "x".repeat(chatserver::rules::MAX_MESSAGE_BYTES);
    let call = json!({"type": 6, "object": "chatserver", "method": "sendMessage",
                      "args": [name, text], "id": "flood"})
    .to_string();
    let start = Instant::now();
    while start.elapsed() < ATTACK {
        sink.send(Message::text(call.clone()))
            .await
            .expect("the attacker is never disconnected, only slowed");
    }
    let last = json!({"type": 6, "object": "chatserver", "method": "sendMessage",
                      "args": [name, LAST], "id": "last"});
    sink.send(Message::text(last.to_string()))
        .await
        .expect("send");
    let accepted = tokio::time::timeout(Duration::from_secs(30), counting)
        .await
        .expect("the last message is answered")
        .expect("counted");
    assert!(accepted > 0, "the attacker sent nothing");
    accepted
}

/// Reads at [`WITNESS_BYTES_PER_SECOND`] until [`LAST`] arrives; returns the large
/// messages it received before it.
async fn read_paced(witness: &mut Chatter) -> u64 {
    let new_message = witness.wire.new_message.expect("initialised");
    // How this server writes a `newMessage`.
    let signal = format!(r#"{{"type":1,"object":"chatserver","signal":{new_message},"#);
    let start = Instant::now();
    let mut read = 0usize;
    let mut received = 0;
    loop {
        let text = witness.wire.next_text().await;
        read += text.len();
        // A token bucket on what it reads: it never gets ahead of its rate.
        let due = Duration::from_secs_f64(read as f64 / WITNESS_BYTES_PER_SECOND);
        tokio::time::sleep_until((start + due).into()).await;
        // Only the attacker's messages are this long; parsing each would make the witness
        // (a debug build) slower than its rate.
        if text.len() > chatserver::rules::MAX_MESSAGE_BYTES {
            assert!(text.starts_with(&signal), "{}", &text[..100]);
            received += 1;
            continue;
        }
        let message: Value = serde_json::from_str(&text).expect("JSON");
        if message["type"] == 1 && message["signal"] == new_message && message["args"][2] == LAST {
            return received;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_at_clients_that_never_read_keeps_memory_bounded_and_reaches_a_paced_reader() {
    let mut server = start_chatserver(&[
        "--inbound-byte-rate",
        INBOUND_BYTE_RATE,
        "--max-queued-bytes",
        MAX_QUEUED_BYTES,
        // The witness does not answer keep-alives; none is due during the test.
        "--keep-alive-interval",
        "120s",
    ]);
    let url = server.url().to_owned();
    let idle_kb = status_kb(server.pid(), "VmRSS");

    let mut witness = Chatter::join(&url, "witness").await;
    let mut stalled = Vec::new();
    for _ in 0..STALLED {
        // Logged in and listening, then never read again (until the end).
        stalled.push(Chatter::join(&url, "stalled").await);
    }
    let reading = tokio::spawn(async move {
        let received = read_paced(&mut witness).await;
        (received, witness)
    });
    let accepted = attack(&url).await;
    let (received, mut witness) = tokio::time::timeout(Duration::from_secs(60), reading)
        .await
        .expect("the witness gets the last message")
        .expect("the witness read");

    server.assert_running();
    let peak_kb = status_kb(server.pid(), "VmHWM");
    assert!(
        peak_kb.saturating_sub(idle_kb) < MAX_GROWTH_KB,
        "the server grew from {idle_kb} kB to {peak_kb} kB"
    );
    assert_eq!(received, accepted, "the witness missed messages");
    for mut client in stalled {
        assert_eq!(
            client.wire.ending().await,
            Ending::Closed(1008, "client too slow: too many bytes queued".to_owned()),
            "{}",
            client.name
        );
    }
    witness.says("still here after the flood").await;
}
