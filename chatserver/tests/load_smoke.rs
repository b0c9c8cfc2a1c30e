//! The load generator against the real `chatserver` binary, once, with tiny sizes: it
//! logs every client in, delivers every message and reports on the server's process.
//! This keeps `chat-load` from rotting; the numbers themselves belong to `bench/`, not
//! to a test.

use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use webchannel_tests::{Process, ServerProcess};

const CLIENTS: u64 = 5;
const MESSAGES: u64 = 20;
/// Generous for a debug build on a busy two-core machine; chat-load enforces its own
/// `--timeout` below this.
const RUN_TIMEOUT: Duration = Duration::from_secs(90);

#[test]
fn chat_load_delivers_every_message_and_reports() {
    let mut server = ServerProcess::spawn(
        env!("CARGO_BIN_EXE_chatserver"),
        ["--listen", "127.0.0.1:0"],
    );
    let mut load = Process::spawn(
        "chat-load",
        Command::new(env!("CARGO_BIN_EXE_chat-load")).args([
            "--url",
            server.url(),
            "--clients",
            &CLIENTS.to_string(),
            "--senders",
            "2",
            "--messages",
            &MESSAGES.to_string(),
            "--server-pid",
            &server.pid().to_string(),
            "--timeout",
            "60s",
        ]),
    );
    let Some(status) = load.wait_for_exit(RUN_TIMEOUT) else {
        load.fail(&format!("was still running after {RUN_TIMEOUT:?}"));
    };
    // chat-load writes nothing but its report when it succeeds.
    let output = load.log();
    assert!(status.success(), "chat-load failed ({status}):\n{output}");
    let report: Value = serde_json::from_str(&output)
        .unwrap_or_else(|error| panic!("the report is not JSON ({error}):\n{output}"));

    assert_eq!(report["complete"], true, "{report:#}");
    assert_eq!(report["deliveries_expected"], CLIENTS * MESSAGES);
    assert_eq!(report["deliveries_received"], CLIENTS * MESSAGES);
    assert_eq!(report["failed_clients"], 0);
    assert!(report["frames_verified"].as_u64() > Some(0), "{report:#}");
    assert!(
        report["latency_ms"]["max"].as_f64() > Some(0.0),
        "{report:#}"
    );
    assert_eq!(report["server_pid"], server.pid());
    assert!(
        report["server_peak_rss_kb"].as_u64() > Some(0),
        "{report:#}"
    );

    server.assert_running();
    assert!(server.stop_with_sigint().success());
}
