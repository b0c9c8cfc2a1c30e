//! Shutdown of the chatserver binary over real sockets: SIGINT and SIGTERM each close every
//! WebSocket with 1001 after what was already queued for it, and the process exits 0.

mod hostile_support;

use hostile_support::{Chatter, Ending, start_chatserver};
use webchannel_tests::ServerProcess;

/// Connects `count` chatters, has the first speak, stops the server with `stop`, and checks
/// what every chatter sees: the message, then a Close frame with 1001.
async fn shutdown_closes_everyone_after_their_messages(
    stop: fn(ServerProcess) -> std::process::ExitStatus,
) {
    let server = start_chatserver(&[]);
    let mut chatters = Vec::new();
    for _ in 0..4 {
        chatters.push(Chatter::join(server.url(), "leaving").await);
    }
    let last_words = "the last message before shutdown";
    let speaker = &mut chatters[0];
    let sent = speaker
        .wire
        .call("sendMessage", serde_json::json!([speaker.name, last_words]))
        .await;
    assert_eq!(sent["data"], true);
    let status = tokio::task::spawn_blocking(move || stop(server))
        .await
        .expect("stopped");
    assert!(status.success(), "chatserver exited with {status}");
    for chatter in &mut chatters {
        chatter.wire.message_with(last_words).await;
        assert_eq!(
            chatter.wire.ending().await,
            Ending::Closed(1001, "server shutting down".into()),
            "{}",
            chatter.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_closes_every_websocket_with_1001_and_exits_0() {
    shutdown_closes_everyone_after_their_messages(ServerProcess::stop_with_sigint).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_closes_every_websocket_with_1001_and_exits_0() {
    shutdown_closes_everyone_after_their_messages(ServerProcess::stop_with_sigterm).await;
}
