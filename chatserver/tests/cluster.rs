//! Several `chatserver` instances sharing one chat through a real Redis (Debian's
//! `redis-server`, installed on first use), with Qt's `qwebchannel.js` clients on
//! different instances (`tests/js/cluster.test.mjs`): one user list, every message once
//! and in order per sender, name races, a killed instance, a name taken elsewhere while
//! its instance hung, a Redis restart. And behind a real balancer (HAProxy): clients on
//! one port land on different instances. Logins an instance refuses by itself cost Redis
//! nothing; bad `--redis` arguments fail early.

mod hostile_support;

use std::process::Command;
use std::time::{Duration, Instant};

use hostile_support::{Chatter, Wire};
use serde_json::json;
use webchannel_tests::{
    Balancer, Process, RedisProcess, ServerProcess, qt515_qwebchannel_js, run_node_tests,
};

const CHATSERVER: &str = env!("CARGO_BIN_EXE_chatserver");

/// An instance of the chat on `redis` under `namespace`, on a free loopback port.
fn instance(redis: &RedisProcess, namespace: &str) -> ServerProcess {
    ServerProcess::spawn(
        CHATSERVER,
        [
            "--listen",
            "127.0.0.1:0",
            "--redis",
            &redis.url(),
            "--redis-namespace",
            namespace,
            "--message-rate",
            "0",
        ],
    )
}

#[test]
fn instances_share_one_chat_and_survive_a_dead_instance_and_a_redis_restart() {
    let redis = RedisProcess::start();
    let restarted = RedisProcess::start();
    let instances: Vec<ServerProcess> = (0..3).map(|_| instance(&redis, "shared")).collect();
    let urls: Vec<&str> = instances.iter().map(ServerProcess::url).collect();
    let qt515 = qt515_qwebchannel_js();
    run_node_tests(
        &["cluster.test.mjs"],
        [
            ("WEBCHANNEL_URL", urls[0].to_owned()),
            ("WEBCHANNEL_URLS", urls.join(",")),
            ("WEBCHANNEL_CLIENTS", "npm,qt515".to_owned()),
            ("QT515_QWEBCHANNEL_JS", qt515.display().to_string()),
            ("CHATSERVER_BIN", CHATSERVER.to_owned()),
            ("REDIS_URL", redis.url()),
            ("REDIS_RESTART_URL", restarted.url()),
            ("REDIS_RESTART_PID", restarted.pid().to_string()),
            (
                "REDIS_RESTART_COMMAND",
                serde_json::to_string(&restarted.command_line()).expect("strings"),
            ),
        ],
    )
    .assert_all_ran();
    for instance in instances {
        let status = instance.stop_with_sigint();
        assert!(status.success(), "an instance exited with {status}");
    }
    assert_eq!(
        redis.cli(&["HLEN", "{shared}:claims:users:owners"]),
        "0",
        "the instances took their users with them as they stopped"
    );
}

#[test]
fn behind_a_balancer_clients_on_one_port_land_on_different_instances() {
    let redis = RedisProcess::start();
    let instances: Vec<ServerProcess> = (0..2).map(|_| instance(&redis, "balanced")).collect();
    let backends: Vec<_> = instances
        .iter()
        .map(|instance| {
            let address = instance.url().trim_start_matches("ws://");
            address.parse().expect("an address")
        })
        .collect();
    let balancer = Balancer::haproxy(&backends);
    run_node_tests(
        &["cluster-balancer.test.mjs"],
        [
            ("WEBCHANNEL_URL", balancer.url()),
            ("WEBCHANNEL_CLIENTS", "npm".to_owned()),
        ],
    )
    .assert_all_ran();
    for instance in &instances {
        let logins = instance.stderr().matches("user logged in").count();
        assert!(
            logins >= 1,
            "round-robin gave every instance clients:\n{}",
            instance.stderr()
        );
    }
}

#[test]
fn a_wrong_redis_url_or_an_unreachable_redis_is_an_error_before_listening() {
    for (args, code, says) in [
        (vec!["--redis", "nonsense"], 2, "not a Redis URL"),
        (vec!["--redis", "rediss://127.0.0.1:1"], 2, "TLS"),
        (vec!["--redis-namespace", "chat"], 2, "--redis"),
        (
            vec!["--redis", "redis://127.0.0.1:1"],
            1,
            "cannot reach Redis",
        ),
    ] {
        let started = Instant::now();
        let mut server = Process::spawn(
            &format!("chatserver {args:?}"),
            Command::new(CHATSERVER)
                .args(["--listen", "127.0.0.1:0"])
                .args(&args),
        );
        let status = server
            .wait_for_exit(Duration::from_secs(30))
            .unwrap_or_else(|| server.fail("was still running"));
        assert_eq!(status.code(), Some(code), "{args:?}:\n{}", server.log());
        assert!(server.log().contains(says), "{args:?}:\n{}", server.log());
        assert!(!server.stdout().contains("listening"), "{args:?}");
        assert!(started.elapsed() < Duration::from_secs(20), "{args:?}");
    }
}

/// How many times Redis ran a script (every claim set operation is one `EVALSHA`).
fn scripts_run(redis: &RedisProcess) -> u64 {
    let stats = redis.cli(&["INFO", "commandstats"]);
    stats
        .lines()
        .find_map(|line| line.strip_prefix("cmdstat_evalsha:calls="))
        .and_then(|rest| rest.split(',').next())
        .map_or(0, |calls| calls.parse().expect("a count"))
}

#[test]
fn logins_refused_by_the_instance_never_reach_redis() {
    let redis = RedisProcess::start();
    // A long keep-alive: the presence heartbeat (a script too) stays out of the count.
    let server = ServerProcess::spawn(
        CHATSERVER,
        [
            "--listen",
            "127.0.0.1:0",
            "--redis",
            &redis.url(),
            "--keep-alive-interval",
            "120s",
        ],
    );
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let mut alice = Chatter::join(server.url(), "alice").await;
        let mut other = Wire::initialised(server.url()).await;
        let before = scripts_run(&redis);
        let too_long = "x".repeat(65);
        for refused in [
            "",
            "   ",
            "a\u{202E}b",
            "zero\u{200B}width",
            too_long.as_str(),
        ] {
            let login = other.call("login", json!([refused])).await;
            assert_eq!(login["data"], false, "{refused:?}: {login}");
        }
        let again = alice.wire.call("login", json!(["second-name"])).await;
        assert_eq!(again["data"], false, "one user per connection: {again}");
        let look_alike = other
            .call("login", json!([alice.name.to_uppercase()]))
            .await;
        assert_eq!(
            look_alike["data"], false,
            "a look-alike of a local user: {look_alike}"
        );
        assert_eq!(scripts_run(&redis), before, "no claim was tried");

        let login = other.call("login", json!(["bob"])).await;
        assert_eq!(login["data"], true, "{login}");
        assert!(
            scripts_run(&redis) > before,
            "a login Redis decides is counted"
        );
        alice.says("still chatting").await;
    });
}
