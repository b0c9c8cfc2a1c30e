//! The conformance suite: Qt's own `qwebchannel.js`, the npm 6.2.0 package and Qt 5.15's
//! copy, driven by Node through `tests/js/conformance/*.test.mjs` against the
//! `conformance-server` binary, whose test objects use every feature of the protocol.
//!
//! One test per client flavour, each with a server of its own on a free port. Besides the
//! Node results, the server's log must show what the suite made it log: the clients'
//! debug messages and the `setProperty` writes it refused.

use std::path::Path;
use std::time::{Duration, Instant};

use webchannel_tests::{ServerProcess, qt515_qwebchannel_js, run_node_tests};

/// How long the server's log may lag behind the end of the Node run.
const LOG_WAIT: Duration = Duration::from_secs(5);

/// Every `*.test.mjs` file of `tests/js/conformance`, relative to `tests/js`, sorted.
fn suite_files() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("js/conformance");
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));
    let mut files: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".test.mjs"))
        .map(|name| format!("conformance/{name}"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no test files in {}", dir.display());
    files
}

/// Lines the server must have logged after a run with `flavour`; each names the test file
/// that causes it.
fn expected_log(flavour: &str) -> Vec<String> {
    vec![
        // registry.test.mjs: `channel.debug(...)`.
        format!("client debug: debug from {flavour}: ünï \"q\" ✓"),
        // properties.test.mjs: a string written to an integer property.
        "setProperty failed; nothing changed".to_owned(),
        // The client-facing text, and the Rust detail for the log only.
        "error=count must be an integer from -2^63 to 2^63-1; got \"not a number\"".to_owned(),
        "detail=\"i64: invalid type: string \\\"not a number\\\", expected i64\"".to_owned(),
        // properties.test.mjs: a setter that returns Err.
        "error=level 11 is above 10".to_owned(),
        // properties.test.mjs: writes to a constant and to a read-only property.
        "setProperty of a read-only property".to_owned(),
        "property=\"unit\"".to_owned(),
        "property=\"tags\"".to_owned(),
        // properties.test.mjs: setProperty naming nothing.
        "setProperty of an unknown property".to_owned(),
        "setProperty on an unknown object".to_owned(),
        // methods.test.mjs: a wrong argument; the log keeps what the client is not told.
        "detail=\"i64: invalid type: floating point `1.5`, expected i64\"".to_owned(),
        // methods.test.mjs: a method that panics.
        "a published method panicked panic=\"explode() was called\"".to_owned(),
    ]
}

/// Runs the whole suite with one client flavour against a fresh server.
fn run_suite(flavour: &str) {
    let server = ServerProcess::spawn(
        env!("CARGO_BIN_EXE_conformance-server"),
        ["--listen", "127.0.0.1:0"],
    );
    let mut env = vec![
        ("WEBCHANNEL_URL", server.url().to_owned()),
        ("WEBCHANNEL_CLIENTS", flavour.to_owned()),
    ];
    if flavour == "qt515" {
        let path = qt515_qwebchannel_js();
        env.push(("QT515_QWEBCHANNEL_JS", path.display().to_string()));
    }
    let files = suite_files();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let run = run_node_tests(&files, env);
    run.assert_all_ran();
    assert_logged(&server, &expected_log(flavour));
    let status = server.stop_with_sigint();
    assert!(status.success(), "conformance-server exited with {status}");
}

/// Waits (bounded) until the server's log holds every one of `expected`.
fn assert_logged(server: &ServerProcess, expected: &[String]) {
    let deadline = Instant::now() + LOG_WAIT;
    loop {
        let log = server.stderr();
        let missing: Vec<&String> = expected
            .iter()
            .filter(|line| !log.contains(line.as_str()))
            .collect();
        if missing.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not log {missing:?}; its log:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn npm_qwebchannel_passes_the_conformance_suite() {
    run_suite("npm");
}

#[test]
fn qt515_qwebchannel_passes_the_conformance_suite() {
    run_suite("qt515");
}
