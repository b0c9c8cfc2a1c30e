//! The built-in web client: the chat page our chatserver answers on a plain `GET /`, and
//! `webchannel.js`, the runtime's JavaScript client that the page runs.
//!
//! - Over raw HTTP: the page and its files, with their content types and security headers,
//!   served only at host names the server trusts, and a broken WebSocket upgrade on `/`
//!   refused rather than answered with the page.
//! - `webchannel.js` on its own, from Node (`tests/js/webchannel-module*.test.mjs`), against
//!   our chatserver and against Qt 5.15's own ChatServer binary (in a private network
//!   namespace, since it always listens on 127.0.0.1:12345): the module speaks Qt's protocol.
//! - The page in headless Chromium (Debian's `chromium`, driven by playwright-core;
//!   `tests/js/browser.test.mjs`), which saves screenshots under `target/artifacts/`.
//!
//! What is missing (Node packages, Chromium, Qt's examples) is installed on first use.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use webchannel_tests::debian::{ensure_packages, package_file};
use webchannel_tests::private_network::run_in_private_network;
use webchannel_tests::{
    Process, ServerProcess, ensure_node_modules, http_get, run_node_tests, wait_until_listening,
};

/// Our keep-alive timing in these tests: quick rounds, with a grace period a busy
/// machine still answers within.
const KEEP_ALIVE_INTERVAL_MS: u64 = 1000;
const KEEP_ALIVE_GRACE_MS: u64 = 500;
/// Qt's ChatServer: fixed address and keep-alive timing.
const QT_ADDRESS: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 12345);
const QT_KEEP_ALIVE_INTERVAL_MS: u64 = 10_000;
const QT_KEEP_ALIVE_GRACE_MS: u64 = 2_000;
/// The Debian packages of Qt's ChatServer and of the browser; Chromium only recommends the
/// fonts that make its screenshots read like a desktop's.
const QT_EXAMPLES_PACKAGE: &str = "qtwebchannel5-examples";
const CHROMIUM_PACKAGE: &str = "chromium";
const BROWSER_PACKAGES: &[&str] = &[CHROMIUM_PACKAGE, "fonts-liberation"];
/// The module's test files that hold for every QWebChannel chat server.
const MODULE_TESTS: &[&str] = &[
    "webchannel-module.test.mjs",
    "webchannel-module-keepalive.test.mjs",
];
/// The screenshots the browser test saves.
const SCREENSHOTS: &[&str] = &[
    "web-client.png",
    "web-client-phone.png",
    "web-client-names.png",
];

/// The tests with short keep-alive deadlines run one at a time, so that Chromium and Node
/// do not compete for two cores with another test's deadline.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Starts our chatserver on a free loopback port with quick keep-alive rounds.
fn start_chatserver() -> ServerProcess {
    ServerProcess::spawn(
        env!("CARGO_BIN_EXE_chatserver"),
        [
            "--listen".to_owned(),
            "127.0.0.1:0".to_owned(),
            "--keep-alive-interval".to_owned(),
            format!("{KEEP_ALIVE_INTERVAL_MS}ms"),
            "--keep-alive-grace".to_owned(),
            format!("{KEEP_ALIVE_GRACE_MS}ms"),
        ],
    )
}

/// Stops `server` with Ctrl-C and asserts it exits cleanly.
fn assert_clean_shutdown(server: ServerProcess) {
    let status = server.stop_with_sigint();
    assert!(
        status.success(),
        "chatserver exited with {status} after SIGINT"
    );
}

/// The workspace root.
fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("chatserver lives inside the workspace")
}

/// Where the browser test's screenshots go: `artifacts/` in the target directory that holds
/// the chatserver binary under test.
fn artifacts_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_chatserver"))
        .ancestors()
        .nth(2)
        .expect("the binary lives in <target>/<profile>/")
        .join("artifacts")
}

#[test]
fn a_plain_get_of_slash_answers_the_page_and_its_files_with_their_types() {
    let server = start_chatserver();
    let page = http_get(server.url(), "/", &[]);
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    let policy = page
        .header("content-security-policy")
        .expect("a Content-Security-Policy");
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-"), "{policy}");
    // Self-contained: nothing from elsewhere, and the one script is a file of its own.
    assert!(!page.body.contains("http://") && !page.body.contains("https://"));
    assert_eq!(page.body.matches("<script").count(), 1, "{}", page.body);
    assert!(
        page.body
            .contains(r#"<script type="module" src="/chat.js"></script>"#)
    );
    assert!(page.body.contains(r#"<label for="name">Name</label>"#));
    assert!(page.body.contains(r#"role="log""#));

    let module = http_get(server.url(), "/webchannel.js", &[]);
    assert_eq!(module.status, 200);
    assert_eq!(
        module.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    let source = std::fs::read_to_string(workspace().join("webchannel/js/webchannel.js"))
        .expect("webchannel/js/webchannel.js");
    assert!(
        module.body == source,
        "/webchannel.js is not webchannel/js/webchannel.js"
    );
    for (path, content_type) in [
        ("/chat.js", "text/javascript; charset=utf-8"),
        ("/chat.css", "text/css; charset=utf-8"),
    ] {
        let asset = http_get(server.url(), path, &[]);
        assert_eq!(asset.status, 200, "{path}");
        assert_eq!(asset.header("content-type"), Some(content_type), "{path}");
    }
    assert_eq!(http_get(server.url(), "/index.html", &[]).status, 404);
    assert_clean_shutdown(server);
}

#[test]
fn a_broken_websocket_upgrade_on_slash_is_refused_not_answered_with_the_page() {
    let server = start_chatserver();
    // An upgrade without Sec-WebSocket-Key: a client that wanted a WebSocket, not a page.
    let refused = http_get(
        server.url(),
        "/",
        &[
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Version: 13",
        ],
    );
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(!refused.body.contains("<html"), "{}", refused.body);
    assert_clean_shutdown(server);
}

#[test]
fn the_page_is_served_only_at_host_names_the_server_trusts() {
    // A site whose name was rebound in DNS to this server's address (DNS rebinding) asks
    // for the page under its own name.
    let server = start_chatserver();
    let port = server.url().rsplit(':').next().expect("a port");
    let rebound = format!("Host: evil.example:{port}");
    let refused = http_get(server.url(), "/", &[&rebound]);
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(
        refused.body.contains("\"evil.example\"")
            && refused.body.contains("--allow-host evil.example"),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains("<html"), "{}", refused.body);
    assert_eq!(http_get(server.url(), "/chat.js", &[&rebound]).status, 403);
    for trusted in [
        format!("Host: localhost:{port}"),
        format!("Host: chat.localhost:{port}"),
        format!("Host: [::1]:{port}"),
        format!("Host: 10.1.2.3:{port}"),
    ] {
        assert_eq!(
            http_get(server.url(), "/", &[&trusted]).status,
            200,
            "{trusted}"
        );
    }
    assert_clean_shutdown(server);

    let named = ServerProcess::spawn(
        env!("CARGO_BIN_EXE_chatserver"),
        ["--listen", "127.0.0.1:0", "--allow-host", "chat.example"],
    );
    let port = named.url().rsplit(':').next().expect("a port");
    let listed = format!("Host: chat.example:{port}");
    assert_eq!(http_get(named.url(), "/", &[&listed]).status, 200);
    assert_eq!(http_get(named.url(), "/", &[&rebound]).status, 403);
    assert_clean_shutdown(named);
}

#[test]
fn webchannel_js_speaks_the_protocol_with_our_chatserver() {
    let _serial = one_at_a_time();
    let server = start_chatserver();
    let mut files = MODULE_TESTS.to_vec();
    files.push("webchannel-module-errors.test.mjs");
    run_node_tests(
        &files,
        [
            ("WEBCHANNEL_URL", server.url().to_owned()),
            ("WEBCHANNEL_SERVER", "ours".to_owned()),
            (
                "WEBCHANNEL_KEEPALIVE_INTERVAL_MS",
                KEEP_ALIVE_INTERVAL_MS.to_string(),
            ),
            (
                "WEBCHANNEL_KEEPALIVE_GRACE_MS",
                KEEP_ALIVE_GRACE_MS.to_string(),
            ),
        ],
    )
    .assert_all_ran();
    assert_clean_shutdown(server);
}

#[test]
fn webchannel_js_speaks_the_protocol_with_qts_chatserver() {
    // Installed before entering the namespace, which has no way out to a registry.
    ensure_packages(&[QT_EXAMPLES_PACKAGE]);
    ensure_node_modules();
    run_in_private_network(
        "webchannel_js_speaks_the_protocol_with_qts_chatserver",
        Duration::from_secs(120),
        || {
            let binary = package_file(QT_EXAMPLES_PACKAGE, "/webchannel/chatserver-cpp/chatserver");
            let mut qt = Process::spawn("Qt's ChatServer", &mut Command::new(binary));
            wait_until_listening(&mut qt, QT_ADDRESS, Duration::from_secs(15));
            let mut files = MODULE_TESTS.to_vec();
            files.push("webchannel-module-qt.test.mjs");
            run_node_tests(
                &files,
                [
                    ("WEBCHANNEL_URL", format!("ws://{QT_ADDRESS}")),
                    ("WEBCHANNEL_SERVER", "qt".to_owned()),
                    (
                        "WEBCHANNEL_KEEPALIVE_INTERVAL_MS",
                        QT_KEEP_ALIVE_INTERVAL_MS.to_string(),
                    ),
                    (
                        "WEBCHANNEL_KEEPALIVE_GRACE_MS",
                        QT_KEEP_ALIVE_GRACE_MS.to_string(),
                    ),
                ],
            )
            .assert_all_ran();
            if let Some(status) = qt.exit_status() {
                qt.fail(&format!("exited with {status} during the test"));
            }
        },
    );
}

#[test]
fn the_chat_page_works_in_chromium() {
    let _serial = one_at_a_time();
    ensure_packages(BROWSER_PACKAGES);
    let chromium = package_file(CHROMIUM_PACKAGE, "/usr/bin/chromium");
    let artifacts = artifacts_dir();
    for screenshot in SCREENSHOTS {
        // A stale screenshot must not pass for a new one.
        let _ = std::fs::remove_file(artifacts.join(screenshot));
    }
    run_node_tests(
        &["browser.test.mjs"],
        [
            (
                "CHATSERVER_BIN",
                PathBuf::from(env!("CARGO_BIN_EXE_chatserver")),
            ),
            ("CHROMIUM", chromium),
            ("WEBCHANNEL_ARTIFACTS_DIR", artifacts.clone()),
        ],
    )
    .assert_all_ran();
    for screenshot in SCREENSHOTS {
        let path = artifacts.join(screenshot);
        let bytes = std::fs::read(&path)
            .unwrap_or_else(|error| panic!("no screenshot at {}: {error}", path.display()));
        assert!(
            bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 10_000,
            "{} is not a real rendering ({} bytes)",
            path.display(),
            bytes.len()
        );
        println!("screenshot: {}", path.display());
    }
}
