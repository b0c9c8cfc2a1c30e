//! `chat-load` against our chat server, with tiny sizes: it logs every client in, delivers
//! every message and reports on the server's process, with its fast clients and with its
//! JavaScript-like ones, which also count the users the server drops. This keeps the
//! generator from rotting; the numbers themselves belong to `bench/`, not to a test.
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
    fn start(settings: chatserver::Settings) -> Self {
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
        let served = runtime.spawn(chatserver::serve(listener, settings, shutdown));
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
/// it exited as `succeeds` says.
fn run_chat_load(server: &InProcessServer, args: &[&str], succeeds: bool) -> Value {
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
    assert_eq!(
        status.success(),
        succeeds,
        "chat-load exited with {status}:\n{}",
        load.log()
    );
    // The report is all chat-load writes to stdout.
    let output = load.stdout();
    serde_json::from_str(&output)
        .unwrap_or_else(|error| panic!("the report is not JSON ({error}):\n{output}"))
}

/// The size of every run here.
fn size() -> [String; 6] {
    [
        "--clients".to_owned(),
        CLIENTS.to_string(),
        "--senders".to_owned(),
        "2".to_owned(),
        "--messages".to_owned(),
        MESSAGES.to_string(),
    ]
}

#[test]
fn chat_load_delivers_every_message_and_reports() {
    let server = InProcessServer::start(chatserver::Settings::default());
    let size = size();
    let args: Vec<&str> = size.iter().map(String::as_str).collect();
    let report = run_chat_load(&server, &args, true);

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
    // The fields benchmarks compare are those of before; the JavaScript-like clients'
    // figures are theirs alone.
    assert_eq!(report["client_mode"], "fast");
    for js_only in ["frames_parsed", "messages_accepted", "users_dropped"] {
        assert!(report.get(js_only).is_none(), "{js_only} in {report:#}");
    }
    server.stop();
}

#[test]
fn javascript_like_clients_parse_every_frame_and_deliver_every_message() {
    let server = InProcessServer::start(chatserver::Settings::default());
    let size = size();
    let mut args: Vec<&str> = size.iter().map(String::as_str).collect();
    args.extend(["--client-mode", "js", "--frame-cost", "20us"]);
    let report = run_chat_load(&server, &args, true);

    assert_eq!(report["complete"], true, "{report:#}");
    assert_eq!(report["client_mode"], "js");
    assert_eq!(report["frame_cost_us"], 20.0);
    assert_eq!(report["deliveries_received"], CLIENTS * MESSAGES);
    assert_eq!(report["messages_attempted"], MESSAGES);
    assert_eq!(report["messages_accepted"], MESSAGES);
    assert_eq!(report["users_dropped"], 0);
    // Every frame after the init response: at least every delivery.
    assert!(
        report["frames_parsed"].as_u64() >= Some(CLIENTS * MESSAGES),
        "{report:#}"
    );
    server.stop();
}

#[test]
fn javascript_like_clients_count_the_users_a_keep_alive_drops() {
    // No client can answer within the grace: each spends longer than that on the
    // keepAlive frame itself. Every user is dropped within two rounds of logging in.
    let server = InProcessServer::start(chatserver::Settings {
        keep_alive: chatserver::KeepAlive {
            interval: Duration::from_millis(300),
            grace: Duration::from_millis(2),
        },
        ..chatserver::Settings::default()
    });
    let size = size();
    let mut args: Vec<&str> = size.iter().map(String::as_str).collect();
    args.extend(["--client-mode", "js", "--frame-cost", "10ms"]);
    let report = run_chat_load(&server, &args, false);

    assert_eq!(report["complete"], false, "{report:#}");
    assert_eq!(
        report["failed_clients"], 0,
        "drops are counted, not failures"
    );
    assert_eq!(report["users_dropped"], CLIENTS, "{report:#}");
    assert_eq!(report["users_dropped_from_list"], CLIENTS, "{report:#}");
    assert_eq!(report["users_refused_send"], 2, "{report:#}");
    assert_eq!(report["messages_attempted"], MESSAGES, "{report:#}");
    assert_eq!(report["messages_accepted"], 0, "{report:#}");
    assert_eq!(report["messages_refused"], MESSAGES, "{report:#}");
    server.stop();
}
