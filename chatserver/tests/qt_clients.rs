//! Qt's own clients against the `chatserver` binary: Node runs the official
//! `qwebchannel.js` (npm 6.2.0 and Qt 5.15's copy) through the files in `tests/js`.
//!
//! Each test starts the binary on a free port, runs some of those files against it, and
//! checks that the server is still up and shuts down cleanly on Ctrl-C. What is missing
//! (the Node packages, Qt 5.15's `qwebchannel.js`) is installed on first use.

use std::sync::{Mutex, MutexGuard, PoisonError};

use webchannel_tests::{ServerProcess, qt515_qwebchannel_js, run_node_tests};

/// The keep-alive timing for the keep-alive test: short, so it takes a second or two,
/// but with a grace period a loaded two-core machine still answers within.
const KEEP_ALIVE_INTERVAL_MS: u64 = 300;
const KEEP_ALIVE_GRACE_MS: u64 = 200;

/// One test at a time: each already runs its node files in parallel, and the keep-alive
/// test's short deadlines should not compete with the others for two cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Starts the chatserver binary on a free loopback port with `extra_args`.
fn start_chatserver(extra_args: &[&str]) -> ServerProcess {
    let mut args = vec!["--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra_args);
    ServerProcess::spawn(env!("CARGO_BIN_EXE_chatserver"), args)
}

/// Runs node test `files` against `server` as the server Qt's tests call `ours`.
fn run_against(server: &ServerProcess, files: &[&str], extra_env: &[(&str, String)]) {
    let qwebchannel_js = qt515_qwebchannel_js();
    let mut env = vec![
        ("WEBCHANNEL_URL", server.url().to_owned()),
        ("WEBCHANNEL_SERVER", "ours".to_owned()),
        ("WEBCHANNEL_CLIENTS", "npm,qt515".to_owned()),
        ("QT515_QWEBCHANNEL_JS", qwebchannel_js.display().to_string()),
    ];
    env.extend(extra_env.iter().cloned());
    run_node_tests(files, env).assert_all_ran();
}

/// Stops `server` with Ctrl-C and asserts it exits cleanly.
fn assert_clean_shutdown(mut server: ServerProcess) {
    server.assert_running();
    let status = server.stop_with_sigint();
    assert!(
        status.success(),
        "chatserver exited with {status} after SIGINT"
    );
}

#[test]
fn official_clients_log_in_see_each_other_and_chat() {
    let _serial = one_at_a_time();
    // Several threads here; the other tests use the default single thread.
    let server = start_chatserver(&["--threads", "2"]);
    run_against(
        &server,
        &["chat.test.mjs", "messages.test.mjs", "connection.test.mjs"],
        &[],
    );
    assert_clean_shutdown(server);
}

#[test]
fn keep_alive_drops_users_whose_clients_stop_answering() {
    let _serial = one_at_a_time();
    let server = start_chatserver(&[
        "--keep-alive-interval",
        &format!("{KEEP_ALIVE_INTERVAL_MS}ms"),
        "--keep-alive-grace",
        &format!("{KEEP_ALIVE_GRACE_MS}ms"),
    ]);
    run_against(
        &server,
        &["keepalive.test.mjs"],
        &[
            (
                "WEBCHANNEL_KEEPALIVE_INTERVAL_MS",
                KEEP_ALIVE_INTERVAL_MS.to_string(),
            ),
            (
                "WEBCHANNEL_KEEPALIVE_GRACE_MS",
                KEEP_ALIVE_GRACE_MS.to_string(),
            ),
        ],
    );
    assert_clean_shutdown(server);
}

#[test]
fn look_alike_and_invisible_names_are_refused_and_typed_names_keep_working() {
    let _serial = one_at_a_time();
    // Rounds long enough for a loaded machine, short enough to see two in seconds.
    let (interval_ms, grace_ms) = (1000, 500);
    let server = start_chatserver(&[
        "--keep-alive-interval",
        &format!("{interval_ms}ms"),
        "--keep-alive-grace",
        &format!("{grace_ms}ms"),
    ]);
    run_against(
        &server,
        &["names.test.mjs"],
        &[
            ("WEBCHANNEL_KEEPALIVE_INTERVAL_MS", interval_ms.to_string()),
            ("WEBCHANNEL_KEEPALIVE_GRACE_MS", grace_ms.to_string()),
        ],
    );
    assert_clean_shutdown(server);
}

#[test]
fn bad_input_gets_an_error_or_is_dropped_and_never_hurts_other_clients() {
    let _serial = one_at_a_time();
    let server = start_chatserver(&[]);
    run_against(&server, &["bad-input.test.mjs"], &[]);
    // Malformed messages are dropped with a warning in the log, not silently.
    let log = server.stderr();
    assert!(
        log.contains("WARN"),
        "no warning was logged for bad input; the log:\n{log}"
    );
    assert_clean_shutdown(server);
}
