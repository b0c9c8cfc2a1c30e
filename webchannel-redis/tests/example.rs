//! The examples: the board runs as two instances against one real Redis, and Qt's
//! `qwebchannel.js` clients (npm 6.2.0 and Qt 5.15's copy) on both share one board
//! (`tests/js/examples/board.test.mjs`); the latency measurement runs once with tiny
//! sizes, through the in-memory hub and through Redis. The example binaries are built by
//! `cargo test` beside this test.

use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use webchannel_tests::{
    Process, RedisProcess, ServerProcess, example_binary, qt515_qwebchannel_js, run_node_tests,
};

#[test]
fn board_example_on_two_instances_with_official_clients() {
    let redis = RedisProcess::start();
    let instance = || {
        ServerProcess::spawn(
            example_binary("board"),
            ["--redis", &redis.url(), "--listen", "127.0.0.1:0"],
        )
    };
    let (mut first, mut second) = (instance(), instance());
    let qt515 = qt515_qwebchannel_js();
    run_node_tests(
        &["examples/board.test.mjs"],
        [
            ("WEBCHANNEL_URL", first.url().to_owned()),
            ("WEBCHANNEL_URL_B", second.url().to_owned()),
            ("WEBCHANNEL_CLIENTS", "npm,qt515".to_owned()),
            ("QT515_QWEBCHANNEL_JS", qt515.display().to_string()),
        ],
    )
    .assert_all_ran();
    for instance in [&mut first, &mut second] {
        instance.assert_running();
    }
    for instance in [first, second] {
        let status = instance.stop_with_sigint();
        assert!(
            status.success(),
            "an instance exited with {status} after Ctrl-C"
        );
    }
    assert_eq!(
        redis.cli(&["HLEN", "{webchannel}:claims:board-members:owners"]),
        "0",
        "the instances left the board as they stopped"
    );
}

/// The measurement `latency` makes, with tiny sizes so that it cannot rot: it runs and
/// reports every figure. No figure is compared with anything; timing belongs to the
/// benchmark.
#[test]
fn latency_example_measures_through_memory_and_redis() {
    let redis = RedisProcess::start();
    let pid = redis.pid().to_string();
    let url = redis.url();
    let tiny = ["--messages", "20", "--rate", "0", "--in-flight", "4"];
    for (broker, extra) in [
        ("memory", vec![]),
        ("redis", vec!["--redis", &url, "--redis-pid", &pid]),
    ] {
        let mut run = Process::spawn(
            &format!("the latency example through {broker}"),
            Command::new(example_binary("latency"))
                .args(tiny)
                .args(&extra),
        );
        let status = run
            .wait_for_exit(Duration::from_secs(60))
            .unwrap_or_else(|| run.fail("did not finish"));
        assert!(status.success(), "{status}:\n{}", run.log());
        let report: Value = serde_json::from_str(run.stdout().trim()).expect("one JSON line");
        assert_eq!(report["broker"], broker);
        assert_eq!(report["messages"], 20);
        for figure in ["p50_us", "p99_us", "process_cpu_us_per_message"] {
            assert!(report[figure].is_number(), "{figure} in {report}");
        }
        assert_eq!(
            report["redis_cpu_us_per_message"].is_number(),
            broker == "redis",
            "{report}"
        );
    }
}
