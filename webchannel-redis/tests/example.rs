//! The board example runs as two instances against one real Redis, and Qt's
//! `qwebchannel.js` clients (npm 6.2.0 and Qt 5.15's copy) on both share one board
//! (`tests/js/examples/board.test.mjs`). The example binary is built by `cargo test`
//! beside this test.

use webchannel_tests::{
    RedisProcess, ServerProcess, example_binary, qt515_qwebchannel_js, run_node_tests,
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
