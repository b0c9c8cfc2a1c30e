//! `chat-load` against our chat server, once, with tiny sizes: it logs every client in,
//! delivers every message and reports on the server's process. This keeps the generator
//! from rotting; the numbers themselves belong to `bench/`, not to a test.
//!
//! The server runs inside this test's process (`chatserver::serve`, what the `chatserver`
//! binary runs), so `--server-pid` is this process.

use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use webchannel_tests::Process;

const CLIENTS: u64 = 5;
const MESSAGES: u64 = 20;
/// Generous for a debug build on a busy two-core machine; chat-load enforces its own
/// `--timeout` below this.
const RUN_TIMEOUT: Duration = Duration::from_secs(90);

/// Our chat server on a free loopback port, served by a runtime of its own until dropped.
struct InProcessServer {
    runtime: tokio::runtime::Runtime,
    url: String,
    stop: Option<oneshot::Sender<()>>,
    served: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl InProcessServer {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("a free port");
        let url = format!("ws://{}", listener.local_addr().expect("bound"));
        let (stop, stopped) = oneshot::channel();
        let shutdown = async move {
            let _ = stopped.await;
        };
        let served = runtime.spawn(chatserver::serve(
            listener,
            chatserver::Settings::default(),
            shutdown,
        ));
        Self {
            runtime,
            url,
            stop: Some(stop),
            served: Some(served),
        }
    }

    /// Shuts the server down and asserts that it ended cleanly.
    fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(served) = self.served.take() {
            let result = self
                .runtime
                .block_on(async { tokio::time::timeout(Duration::from_secs(15), served).await })
                .expect("the server stops within 15 s");
            result
                .expect("the server task")
                .expect("the server ends cleanly");
        }
    }
}

/// Runs chat-load with `args` against `server` and returns its JSON report, asserting that
/// it succeeded.
fn run_chat_load(server: &InProcessServer, args: &[&str]) -> Value {
    let pid = std::process::id().to_string();
    let mut load = Process::spawn(
        "chat-load",
        Command::new(env!("CARGO_BIN_EXE_chat-load"))
            .args([
                "--url",
                &server.url,
                "--server-pid",
                &pid,
                "--timeout",
                "60s",
            ])
            .args(args),
    );
    let Some(status) = load.wait_for_exit(RUN_TIMEOUT) else {
        load.fail(&format!("was still running after {RUN_TIMEOUT:?}"));
    };
    // chat-load writes nothing but its report when it succeeds.
    let output = load.log();
    assert!(status.success(), "chat-load failed ({status}):\n{output}");
    serde_json::from_str(&output)
        .unwrap_or_else(|error| panic!("the report is not JSON ({error}):\n{output}"))
}

#[test]
fn chat_load_delivers_every_message_and_reports() {
    let server = InProcessServer::start();
    let report = run_chat_load(
        &server,
        &[
            "--clients",
            &CLIENTS.to_string(),
            "--senders",
            "2",
            "--messages",
            &MESSAGES.to_string(),
        ],
    );

    assert_eq!(report["complete"], true, "{report:#}");
    assert_eq!(report["deliveries_expected"], CLIENTS * MESSAGES);
    assert_eq!(report["deliveries_received"], CLIENTS * MESSAGES);
    assert_eq!(report["failed_clients"], 0);
    assert!(report["frames_verified"].as_u64() > Some(0), "{report:#}");
    assert!(
        report["latency_ms"]["max"].as_f64() > Some(0.0),
        "{report:#}"
    );
    assert_eq!(report["server_pid"], std::process::id());
    assert!(
        report["server_peak_rss_kb"].as_u64() > Some(0),
        "{report:#}"
    );
    server.stop();
}
