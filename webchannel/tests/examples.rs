//! Each example in `webchannel/examples` runs as a server on a free port, and Qt's
//! `qwebchannel.js` (npm 6.2.0 and Qt 5.15's copy) drives it through the Node tests in
//! `tests/js/examples`. The example binaries are built by `cargo test` beside this test.

use std::path::PathBuf;

use webchannel_tests::{ServerProcess, qt515_qwebchannel_js, run_node_tests};

/// `target/<profile>/examples/<name>`, next to this test's own `deps` directory.
fn example_binary(name: &str) -> PathBuf {
    let test = std::env::current_exe().expect("the test binary's path");
    let profile_dir = test
        .parent()
        .and_then(|deps| deps.parent())
        .expect("tests run from target/<profile>/deps");
    let binary = profile_dir.join("examples").join(name);
    assert!(
        binary.exists(),
        "{} is missing: `cargo test -p webchannel` builds the examples (a run filtered with \
         `--test examples` does not; `cargo build -p webchannel --examples` first)",
        binary.display()
    );
    binary
}

/// Starts example `name` on a free port and runs the Node test `file` against it.
fn run_example_tests(name: &str, file: &str) {
    let mut server = ServerProcess::spawn(example_binary(name), ["--listen", "127.0.0.1:0"]);
    let qt515 = qt515_qwebchannel_js();
    run_node_tests(
        &[file],
        [
            ("WEBCHANNEL_URL", server.url().to_owned()),
            ("WEBCHANNEL_CLIENTS", "npm,qt515".to_owned()),
            ("QT515_QWEBCHANNEL_JS", qt515.display().to_string()),
        ],
    )
    .assert_all_ran();
    server.assert_running();
    let status = server.stop_with_sigint();
    assert!(
        status.success(),
        "the {name} example exited with {status} after Ctrl-C"
    );
}

#[test]
fn counter_example_with_official_clients() {
    run_example_tests("counter", "examples/counter.test.mjs");
}

#[test]
fn todo_example_with_official_clients() {
    run_example_tests("todo", "examples/todo.test.mjs");
}
