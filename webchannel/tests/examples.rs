//! Each example in `webchannel/examples` runs as a server on a free port, and Qt's
//! `qwebchannel.js` (npm 6.2.0 and Qt 5.15's copy) drives it through the Node tests in
//! `tests/js/examples`. The in-process benchmark, `workload`, runs once with tiny sizes.
//! The example binaries are built by `cargo test` beside this test.

use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use webchannel_tests::{
    Process, ServerProcess, example_binary, qt515_qwebchannel_js, run_node_tests,
};

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

#[test]
fn auth_example_with_official_clients() {
    run_example_tests("auth", "examples/auth.test.mjs");
}

/// The benchmark `bench/workload.sh` times, with tiny sizes so that it cannot rot: every
/// scenario runs (the example checks the server's answers itself) and reports a figure.
/// No figure is compared with anything; timing belongs to the benchmark.
#[test]
fn workload_example_measures_every_scenario() {
    let tiny = [
        "--init-iterations",
        "3",
        "--invoke-rounds",
        "2",
        "--invoke-calls",
        "10",
        "--fanout-sessions",
        "5",
        "--fanout-iterations",
        "2",
        "--flush-iterations",
        "2",
    ];
    let mut workload = Process::spawn(
        "the workload example",
        Command::new(example_binary("workload")).args(tiny),
    );
    let timeout = Duration::from_secs(120);
    let Some(status) = workload.wait_for_exit(timeout) else {
        workload.fail(&format!("was still running after {timeout:?}"));
    };
    // It writes nothing but its report when it succeeds.
    let output = workload.log();
    assert!(
        status.success(),
        "the workload failed ({status}):\n{output}"
    );
    let report: Value = serde_json::from_str(&output)
        .unwrap_or_else(|error| panic!("the report is not JSON ({error}):\n{output}"));
    for field in [
        "init_ns",
        "init_bytes",
        "invoke_ns",
        "fanout_ns_per_delivery",
        "property_flush_ns",
        "invoke_pipelined_ns",
        "transport_round_trip_ns",
        "transport_delivery_ns",
    ] {
        assert!(report[field].as_f64() > Some(0.0), "{field} in {report:#}");
    }
    for field in [
        "init_ns",
        "invoke_ns",
        "fanout_ns_per_delivery",
        "property_flush_ns",
    ] {
        assert!(
            report["wall"][field].as_f64() > Some(0.0),
            "wall.{field} in {report:#}"
        );
    }
    assert_eq!(report["objects"], 100);
    assert_eq!(report["fanout_sessions"], 5);
}
