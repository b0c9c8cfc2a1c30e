//! `chat-load` against our chat server, with tiny sizes: it logs every client in, delivers
//! every message and reports on the server's process, with its fast clients and with its
//! JavaScript-like ones, which also count the users the server drops. This keeps the
//! generator from rotting; the numbers themselves belong to `bench/`, not to a test.
//!
//! The server runs inside this test's process (`chatserver::serve`, what the `chatserver`
//! binary runs), so `--server-pid` is this process. Runs against several instances, from
//! several loopback addresses and at a paced rate check how the load is spread.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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
    fn start_default() -> Self {
        Self::start(chatserver::Settings::default())
    }

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

    /// The port the server listens on.
    fn port(&self) -> u16 {
        self.url
            .rsplit(':')
            .next()
            .and_then(|port| port.parse().ok())
            .expect("ws://127.0.0.1:PORT")
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
    let target = [
        "--url",
        &server.url,
        "--server-pid",
        &pid,
        "--timeout",
        "60s",
    ];
    run_chat_load_with(&[&target[..], args].concat(), succeeds)
}

/// Runs chat-load with exactly `args` and returns its JSON report, asserting that it exited
/// as `succeeds` says.
fn run_chat_load_with(args: &[&str], succeeds: bool) -> Value {
    let mut load = Process::spawn(
        "chat-load",
        Command::new(env!("CARGO_BIN_EXE_chat-load")).args(args),
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
    let server = InProcessServer::start_default();
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
    let server = InProcessServer::start_default();
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
    // The clients never answer keepAlive: every user is dropped a grace after its client
    // read the first one, and the run counts them instead of failing. The rounds are
    // quicker than the 300 ms the run waits after the last user-list update before
    // messaging, so every user is gone before the first message is sent.
    let server = InProcessServer::start(chatserver::Settings {
        keep_alive: chatserver::KeepAlive {
            interval: Duration::from_millis(100),
            grace: Duration::from_millis(50),
            ..chatserver::KeepAlive::default()
        },
        ..chatserver::Settings::default()
    });
    let size = size();
    let mut args: Vec<&str> = size.iter().map(String::as_str).collect();
    args.extend(["--client-mode", "js", "--ignore-keep-alive"]);
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

/// A process that only sleeps, to be measured as an idle instance or broker would.
fn idle_process() -> Process {
    Process::spawn("sleep", Command::new("sleep").arg("60"))
}

#[test]
fn clients_and_senders_are_spread_over_instances_and_every_pid_is_measured() {
    // Two separate chats: each client receives only the messages of the sender on its own
    // instance, so the count of deliveries shows where clients and senders went.
    let (first, second) = (
        InProcessServer::start_default(),
        InProcessServer::start_default(),
    );
    let (other_instance, broker) = (idle_process(), idle_process());
    let pids = [std::process::id(), other_instance.pid(), broker.pid()].map(|pid| pid.to_string());
    let size = size();
    let mut args: Vec<&str> = size.iter().map(String::as_str).collect();
    args.extend(["--url", &first.url, "--url", &second.url, "--timeout", "8s"]);
    args.extend([
        "--server-pid",
        &pids[0],
        "--server-pid",
        &pids[1],
        "--broker-pid",
        &pids[2],
    ]);
    let report = run_chat_load_with(&args, false);

    // Clients 0, 2, 4 and sender 0 on the first; clients 1, 3 and sender 1 on the second;
    // each sender sends 10 of the 20 messages.
    assert_eq!(report["deliveries_received"], 3 * 10 + 2 * 10, "{report:#}");
    assert_eq!(report["failed_clients"], 0, "{report:#}");
    assert_eq!(report["url"], first.url.as_str());
    assert_eq!(report["urls"], serde_json::json!([first.url, second.url]));
    assert!(report.get("server_pid").is_none(), "{report:#}");
    let processes = report["server_processes"]
        .as_array()
        .expect("one entry per pid");
    let listed: Vec<&Value> = processes.iter().map(|process| &process["pid"]).collect();
    assert_eq!(
        listed,
        [
            &Value::from(std::process::id()),
            &Value::from(other_instance.pid())
        ]
    );
    let peaks: u64 = processes
        .iter()
        .filter_map(|process| process["peak_rss_kb"].as_u64())
        .sum();
    assert_eq!(
        report["server_peak_rss_kb"].as_u64(),
        Some(peaks),
        "{report:#}"
    );
    assert_eq!(report["broker_pid"], broker.pid(), "{report:#}");
    let (servers, idle_broker) = (
        report["server_cpu_s"].as_f64(),
        report["broker_cpu_s"].as_f64(),
    );
    assert_eq!(
        idle_broker,
        Some(0.0),
        "a sleeping broker spends nothing: {report:#}"
    );
    assert_eq!(report["cluster_cpu_s"].as_f64(), servers, "{report:#}");
    first.stop();
    second.stop();
}

#[test]
fn loopback_clients_come_from_as_many_source_addresses_as_asked() {
    let server = InProcessServer::start_default();
    let watcher = PeerWatcher::start(server.port());
    let report = run_chat_load(
        &server,
        &[
            "--clients",
            "6",
            "--senders",
            "1",
            "--messages",
            "5",
            "--source-addresses",
            "3",
        ],
        true,
    );
    let peers = watcher.stop();
    assert_eq!(report["source_addresses"], 3, "{report:#}");
    let expected: BTreeSet<Ipv4Addr> = (1..=3).map(|last| Ipv4Addr::new(127, 0, 1, last)).collect();
    assert_eq!(peers, expected, "the server's peers");
    server.stop();
}

#[test]
fn a_rate_paces_the_senders() {
    let server = InProcessServer::start_default();
    let size = size();
    let mut args: Vec<&str> = size.iter().map(String::as_str).collect();
    args.extend(["--rate", "20"]);
    let report = run_chat_load(&server, &args, true);

    assert_eq!(report["complete"], true, "{report:#}");
    assert_eq!(report["rate_per_s"], 20.0);
    // 20 messages at 20 per second: the last one leaves 0.95 s after the first.
    let duration = report["duration_s"].as_f64().expect("a duration");
    assert!(duration >= 0.9, "{report:#}");
    server.stop();
}

/// Watches the kernel's table of TCP sockets while a run goes on and collects the
/// addresses that connected to a port.
struct PeerWatcher {
    running: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<BTreeSet<Ipv4Addr>>,
}

impl PeerWatcher {
    fn start(port: u16) -> Self {
        let running = Arc::new(AtomicBool::new(true));
        let still_running = Arc::clone(&running);
        let thread = std::thread::spawn(move || {
            let mut peers = BTreeSet::new();
            while still_running.load(Ordering::Relaxed) {
                let table = std::fs::read_to_string("/proc/net/tcp").expect("/proc/net/tcp");
                peers.extend(established_peers(&table, port));
                std::thread::sleep(Duration::from_millis(5));
            }
            peers
        });
        Self { running, thread }
    }

    fn stop(self) -> BTreeSet<Ipv4Addr> {
        self.running.store(false, Ordering::Relaxed);
        self.thread.join().expect("the watcher thread")
    }
}

/// The remote addresses of the established connections to local `port` in `table` (the
/// text of `/proc/net/tcp`: addresses in hex as the kernel holds them, ports in hex).
fn established_peers(table: &str, port: u16) -> Vec<Ipv4Addr> {
    let address = |field: &str| {
        let (ip, port) = field.split_once(':')?;
        let ip = u32::from_str_radix(ip, 16).ok()?;
        Some((
            Ipv4Addr::from(ip.to_ne_bytes()),
            u16::from_str_radix(port, 16).ok()?,
        ))
    };
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (local, remote, state) = (
                address(fields.get(1)?)?,
                address(fields.get(2)?)?,
                fields.get(3)?,
            );
            (local.1 == port && *state == "01").then_some(remote.0)
        })
        .collect()
}
