//! Qt's own QML ChatClient (`qmlchatclient.qml` from Debian's `qtwebchannel5-examples`),
//! unchanged, against the `chatserver` binary: two users log in, see each other and each
//! other's messages, and a third client cannot take a name that is in use, not even after a
//! keep-alive round (the clients answer it themselves). With our server, bob types his name
//! with spaces around it: the list shows `bob`, and the client, which keeps sending the name
//! as typed, still chats and answers keep-alives as bob; a look-alike of alice's name is
//! refused as in use.
//!
//! The same scenario also runs against Qt's own ChatServer. That proves the harness: if it
//! fails there too, the harness or the machine is at fault, not our server.
//!
//! The client only ever connects to `ws://localhost:12345`, so each test runs in a private
//! network namespace (see `webchannel_tests::private_network`) where that port is its own.
//! The client runs headless under `qmlscene`, driven by `tests/qml/chat_client_harness.qml`
//! the way a person would use it. Missing Debian packages are installed on first use (see
//! `webchannel_tests::debian`).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use webchannel_tests::private_network::run_in_private_network;
use webchannel_tests::{Process, QmlHarness, QtExamples, ensure_qt_examples, wait_until_listening};

/// The address Qt's client connects to (as `localhost`), so the one every server listens on.
const CHAT_ADDRESS: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 12345);
/// How long a server may take to accept connections (a debug build on a busy machine).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(15);
/// The most a whole test may take, installation aside; it normally takes a few seconds.
const TEST_TIMEOUT: Duration = Duration::from_secs(50);

/// Our keep-alive timing for these tests: short, so that the clients live through a whole
/// keep-alive round while the test still takes only seconds, with a grace period that a
/// busy machine still answers within.
const KEEP_ALIVE_INTERVAL: Duration = Duration::from_millis(1000);
const KEEP_ALIVE_GRACE: Duration = Duration::from_millis(700);
/// Once both users are in, a whole round starts within one interval and ends one grace
/// period later; the clients must have answered it for the name check to pass.
const ONE_KEEP_ALIVE_ROUND: Duration = KEEP_ALIVE_INTERVAL
    .saturating_add(KEEP_ALIVE_GRACE)
    .saturating_add(Duration::from_millis(300));

/// Messages with what JSON and the client's regular expressions escape, and non-ASCII text.
const ALICE_SAYS: &str = r#"hello from alice: "quoted", \backslash\ [x] Grüße 👋"#;
const BOB_SAYS: &str = "hi alice, it's bob (1/1) ✓";

/// A chat server to run the scenario against.
struct ServerUnderTest {
    name: &'static str,
    program: PathBuf,
    args: Vec<String>,
    /// How long the logged-in clients stay before the name check, so that it also shows that
    /// the server keeps users whose client answers its keep-alives.
    keep_alive_wait: Duration,
    /// Whether the server normalizes names and refuses look-alikes (ours does, Qt's does not).
    normalizes_names: bool,
}

impl ServerUnderTest {
    /// Our `chatserver` binary, with quick keep-alive rounds.
    fn ours() -> Self {
        Self {
            name: "our chatserver",
            program: PathBuf::from(env!("CARGO_BIN_EXE_chatserver")),
            args: vec![
                "--listen".to_owned(),
                CHAT_ADDRESS.to_string(),
                "--keep-alive-interval".to_owned(),
                format!("{}ms", KEEP_ALIVE_INTERVAL.as_millis()),
                "--keep-alive-grace".to_owned(),
                format!("{}ms", KEEP_ALIVE_GRACE.as_millis()),
                "-v".to_owned(),
            ],
            keep_alive_wait: ONE_KEEP_ALIVE_ROUND,
            normalizes_names: true,
        }
    }

    /// Qt's ChatServer example, which always listens on 127.0.0.1:12345 and sends its
    /// keep-alive every 10 s (too slow to wait for here).
    fn qt(qt: &QtExamples) -> Self {
        Self {
            name: "Qt's ChatServer",
            program: qt.chat_server.clone(),
            args: Vec::new(),
            keep_alive_wait: Duration::ZERO,
            normalizes_names: false,
        }
    }

    /// Starts the server and waits (bounded) until it accepts connections.
    fn start(&self) -> Process {
        let mut command = Command::new(&self.program);
        // Plain text: the log ends up in a panic message.
        command.args(&self.args).env("NO_COLOR", "1");
        let mut server = Process::spawn(self.name, &mut command);
        // Qt's server prints nothing when it is ready, so both are asked the same way.
        wait_until_listening(&mut server, CHAT_ADDRESS, STARTUP_TIMEOUT);
        server
    }
}

/// The whole scenario against `server`: alice and bob chat, then nobody can log in as alice.
fn alice_and_bob_chat_and_names_stay_unique(qt: &QtExamples, server: &ServerUnderTest) {
    let started = Instant::now();
    let mut running = server.start();

    // Each waits until both are logged in before speaking, so each must see both messages.
    let mut alice = QmlHarness::start(
        qt,
        &[
            "--user=alice".to_owned(),
            format!("--say={ALICE_SAYS}"),
            "--expect-user=bob".to_owned(),
            format!("--expect-message=bob:{BOB_SAYS}"),
            "--stay".to_owned(),
        ],
    );
    // Qt's server keeps names as typed; ours shows them trimmed, as `bob`.
    let bob_types = if server.normalizes_names {
        "  bob "
    } else {
        "bob"
    };
    let mut bob = QmlHarness::start(
        qt,
        &[
            "--user=bob".to_owned(),
            format!("--type={bob_types}"),
            format!("--say={BOB_SAYS}"),
            "--expect-user=alice".to_owned(),
            format!("--expect-message=alice:{ALICE_SAYS}"),
            "--stay".to_owned(),
        ],
    );
    alice.expect_success();
    bob.expect_success();
    println!("alice and bob chatted after {:?}", started.elapsed());

    thread::sleep(server.keep_alive_wait);
    let mut impostors = vec!["alice"];
    if server.normalizes_names {
        // A Cyrillic а; and bob, who answered the keep-alive with the name as he typed it.
        impostors.extend(["\u{430}lice", "bob"]);
    }
    for impostor in impostors {
        let impostor = QmlHarness::start(
            qt,
            &[
                format!("--user={impostor}"),
                "--expect-name-in-use".to_owned(),
            ],
        );
        impostor.expect_success_and_exit();
    }
    println!("names in use were refused after {:?}", started.elapsed());

    if let Some(status) = running.exit_status() {
        running.fail(&format!("exited with {status} during the test"));
    }
    drop((alice, bob));
    running.kill();
    println!("--- output of {} ---\n{}", server.name, running.log());
}

#[test]
fn qt_qml_chat_client_works_with_our_chatserver() {
    let qt = ensure_qt_examples();
    run_in_private_network(
        "qt_qml_chat_client_works_with_our_chatserver",
        TEST_TIMEOUT,
        || alice_and_bob_chat_and_names_stay_unique(qt, &ServerUnderTest::ours()),
    );
}

/// The control: the same scenario with Qt's own server, which the client was written for.
#[test]
fn qt_qml_chat_client_works_with_qt_chatserver() {
    let qt = ensure_qt_examples();
    run_in_private_network(
        "qt_qml_chat_client_works_with_qt_chatserver",
        TEST_TIMEOUT,
        || alice_and_bob_chat_and_names_stay_unique(qt, &ServerUnderTest::qt(qt)),
    );
}
