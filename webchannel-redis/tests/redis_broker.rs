//! The Redis broker against a real `redis-server` (Debian's, on a free port): frames
//! cross between nodes in order and never come back to their sender; a claim race has
//! one winner; a node that stops heart-beating loses its names; Redis killed and
//! restarted is an outage logged once per node, survived with subscriptions and claims
//! restored; a hung Redis makes calls fail and never publishes their frames; garbage on
//! the channels is dropped with one warning.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::mpsc;
use webchannel::cluster::{
    Broker, BrokerError, ClaimError, ClaimSet, Cluster, Presence, Subscription,
};
use webchannel_redis::{ConnectError, RedisBroker, RedisConfig};
use webchannel_tests::{CapturedLogs, RedisProcess};

/// Generous bound for anything a test waits for.
const PATIENCE: Duration = Duration::from_secs(20);

fn config(redis: &RedisProcess) -> RedisConfig {
    RedisConfig::new(redis.url())
        .with_call_timeout(Duration::from_millis(500))
        .with_heartbeat(Duration::from_millis(200))
}

async fn node(redis: &RedisProcess) -> RedisBroker {
    RedisBroker::connect_with(config(redis))
        .await
        .expect("Redis answers")
}

/// Subscribes `broker` to `topic`; frames arrive on the receiver.
async fn listen(
    broker: &RedisBroker,
    topic: &str,
) -> (Subscription, mpsc::UnboundedReceiver<Bytes>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let subscription = broker.subscribe(
        topic,
        Arc::new(move |frame| {
            let _ = sender.send(frame);
        }),
    );
    tokio::time::timeout(PATIENCE, broker.subscribed())
        .await
        .expect("subscribed in time");
    (subscription, receiver)
}

/// Publishes `frame` and waits for the acknowledgement.
async fn publish(broker: &RedisBroker, topic: &str, frame: &str) -> Result<(), BrokerError> {
    let (sender, taken) = tokio::sync::oneshot::channel();
    broker.publish(
        topic,
        Bytes::copy_from_slice(frame.as_bytes()),
        Box::new(move |result| {
            let _ = sender.send(result);
        }),
    );
    tokio::time::timeout(PATIENCE, taken)
        .await
        .expect("acknowledged in time")
        .expect("acknowledged")
}

async fn next(frames: &mut mpsc::UnboundedReceiver<Bytes>) -> String {
    let frame = tokio::time::timeout(PATIENCE, frames.recv())
        .await
        .expect("a frame in time")
        .expect("still subscribed");
    String::from_utf8(frame.to_vec()).expect("text")
}

/// Nothing arrives within a short while (after what was sent before has arrived).
async fn quiet(frames: &mut mpsc::UnboundedReceiver<Bytes>) {
    let late = tokio::time::timeout(Duration::from_millis(300), frames.recv()).await;
    assert!(late.is_err(), "unexpected frame: {late:?}");
}

/// Waits until `done` holds.
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < PATIENCE, "never: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn users(broker: RedisBroker, bound: Duration) -> ClaimSet {
    Cluster::new(broker)
        .claim_set("users", Presence::expiring_within(bound))
        .0
}

#[tokio::test(flavor = "current_thread")]
async fn frames_cross_in_order_and_never_come_back() {
    let redis = RedisProcess::start();
    let (a, b) = (node(&redis).await, node(&redis).await);
    let (_a_sub, mut at_a) = listen(&a, "t").await;
    let (_b_sub, mut at_b) = listen(&b, "t").await;
    let mut acks = Vec::new();
    for n in 0..500 {
        for (broker, name) in [(&a, "a"), (&b, "b")] {
            let (sender, taken) = tokio::sync::oneshot::channel();
            broker.publish(
                "t",
                Bytes::from(format!("{name}{n}")),
                Box::new(move |result| {
                    let _ = sender.send(result);
                }),
            );
            acks.push(taken);
        }
    }
    for ack in acks {
        assert_eq!(ack.await, Ok(Ok(())));
    }
    for (frames, other) in [(&mut at_a, "b"), (&mut at_b, "a")] {
        for n in 0..500 {
            assert_eq!(
                next(frames).await,
                format!("{other}{n}"),
                "in order, none of its own"
            );
        }
        quiet(frames).await;
    }
    let _ = publish(&a, "other topic", "unheard").await;
    quiet(&mut at_b).await;
}

#[tokio::test(flavor = "current_thread")]
async fn two_nodes_racing_for_a_name_never_both_win() {
    let redis = RedisProcess::start();
    let a = users(node(&redis).await, Duration::from_secs(10));
    let b = users(node(&redis).await, Duration::from_secs(10));
    for round in 0..50 {
        let name = format!("race{round}");
        let (at_a, at_b) = tokio::join!(
            a.claim_with_aliases(name.clone(), [name.to_uppercase()]),
            b.claim_with_aliases(name.to_uppercase(), [name.clone()])
        );
        assert!(
            at_a.is_ok() != at_b.is_ok(),
            "round {round}: exactly one wins: {at_a:?} {at_b:?}"
        );
        assert!(matches!(at_a.err().or(at_b.err()), Some(ClaimError::Taken)));
    }
    until("both replicas list all 50", || {
        a.len() == 50 && b.len() == 50
    })
    .await;
    assert_eq!(a.members(), b.members());
    assert_eq!(
        redis.cli(&["HLEN", "{webchannel}:claims:users:owners"]),
        "50"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn the_names_of_a_node_that_stops_heart_beating_vanish() {
    let redis = RedisProcess::start();
    let bound = Duration::from_secs(2);
    let a = users(node(&redis).await, bound);
    let b = users(node(&redis).await, bound);
    a.claim("alice").await.expect("free");
    until("b lists alice", || b.members() == ["alice"]).await;
    // Gone without a word: its broker and claim set dropped, its presence left to expire.
    drop(a);
    let stopped = Instant::now();
    until("alice gone", || b.members().is_empty()).await;
    let took = stopped.elapsed();
    println!("alice vanished {took:?} after her node stopped (bound {bound:?})");
    assert!(took <= bound + Duration::from_millis(500), "took {took:?}");
    b.claim("alice").await.expect("free again");
}

#[tokio::test(flavor = "current_thread")]
async fn a_redis_restart_is_one_outage_survived_with_subscriptions_and_claims() {
    let (logs, _capturing) = CapturedLogs::start();
    let mut redis = RedisProcess::start();
    let (a, b) = (node(&redis).await, node(&redis).await);
    let (_a_sub, _at_a) = listen(&a, "t").await;
    let (_b_sub, mut at_b) = listen(&b, "t").await;
    let (a, b) = (Cluster::new(a), Cluster::new(b));
    let presence = Presence::expiring_within(Duration::from_secs(10));
    let (a_users, _) = a.claim_set("users", presence);
    let (b_users, _) = b.claim_set("users", presence);
    a_users.claim("alice").await.expect("free");
    b_users.claim("bob").await.expect("free");
    until("both listed", || a_users.len() == 2 && b_users.len() == 2).await;

    redis.kill();
    until("both links down", || !a.is_up() && !b.is_up()).await;
    for n in 0..100 {
        let started = Instant::now();
        let refused = publish_through(&a, &format!("lost{n}")).await;
        assert_eq!(refused, Err(BrokerError::Down));
        assert!(started.elapsed() < Duration::from_millis(100), "at once");
    }
    assert_eq!(
        a_users.claim("carol").await,
        Err(ClaimError::Broker(BrokerError::Down))
    );
    assert_eq!(a_users.members(), ["alice", "bob"], "the last known state");

    redis.restart();
    until("both links up", || a.is_up() && b.is_up()).await;
    until("claims restored in Redis", || {
        redis.cli(&["HLEN", "{webchannel}:claims:users:owners"]) == "2"
    })
    .await;
    until("replicas current", || {
        a_users.len() == 2 && b_users.len() == 2
    })
    .await;
    a_users.claim("carol").await.expect("scripts loaded again");
    // Resubscribed: frames cross again (the first may be published before b's
    // subscription is back, so publish until one arrives).
    let crossed = async {
        for n in 0.. {
            publish_through(&a, &format!("back{n}"))
                .await
                .expect("taken");
            if let Ok(Some(frame)) =
                tokio::time::timeout(Duration::from_millis(200), at_b.recv()).await
            {
                return frame;
            }
        }
        unreachable!()
    };
    let frame = tokio::time::timeout(PATIENCE, crossed)
        .await
        .expect("crossed");
    assert!(frame.starts_with(b"back"));

    for (line, count) in [("unreachable", 2), ("back after", 2)] {
        assert_eq!(logs.count(line), count, "{line}:\n{}", logs.text());
    }
    let back = logs
        .text()
        .lines()
        .find(|line| line.contains("back after"))
        .unwrap_or_default()
        .to_owned();
    assert!(back.contains("refused meanwhile"), "{back}");
}

/// Publishes through a cluster's broker and waits for the acknowledgement.
async fn publish_through(cluster: &Cluster, frame: &str) -> Result<(), BrokerError> {
    let (sender, taken) = tokio::sync::oneshot::channel();
    cluster.broker().publish(
        "t",
        Bytes::copy_from_slice(frame.as_bytes()),
        Box::new(move |result| {
            let _ = sender.send(result);
        }),
    );
    taken.await.expect("acknowledged")
}

#[tokio::test(flavor = "current_thread")]
async fn frames_a_hung_redis_gets_too_late_are_not_published() {
    let mut redis = RedisProcess::start();
    let (a, b) = (node(&redis).await, node(&redis).await);
    let (_b_sub, mut at_b) = listen(&b, "t").await;
    redis.pause();
    let hung = publish(&a, "t", "late").await;
    assert_eq!(hung, Err(BrokerError::TimedOut));
    tokio::time::sleep(Duration::from_millis(500)).await;
    redis.resume();
    until("links up", || {
        a.link().borrow().is_up() && b.link().borrow().is_up()
    })
    .await;
    publish(&a, "t", "fresh").await.expect("taken");
    assert_eq!(
        next(&mut at_b).await,
        "fresh",
        "the late one was not published"
    );
    quiet(&mut at_b).await;
}

#[tokio::test(flavor = "current_thread")]
async fn garbage_on_the_channels_is_dropped_with_one_warning_each() {
    let (logs, _capturing) = CapturedLogs::start();
    let redis = RedisProcess::start();
    let (a, b) = (node(&redis).await, node(&redis).await);
    let (_b_sub, mut at_b) = listen(&b, "t").await;
    let b_users = users(b, Duration::from_secs(10));
    tokio::time::timeout(PATIENCE, async {
        while redis
            .cli(&["PUBSUB", "NUMSUB", "{webchannel}:claims:users:changes"])
            .ends_with('0')
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the set's channel is subscribed");
    for _ in 0..3 {
        redis.cli(&["PUBLISH", "{webchannel}:topic:t", "garbage"]);
        redis.cli(&["PUBLISH", "{webchannel}:claims:users:changes", "{\"v\":"]);
    }
    publish(&a, "t", "fine").await.expect("taken");
    assert_eq!(next(&mut at_b).await, "fine");
    let a_users = users(a, Duration::from_secs(10));
    a_users.claim("alice").await.expect("free");
    until("b lists alice", || b_users.members() == ["alice"]).await;
    for what in ["not a batch of frames", "not a claim set's change"] {
        assert_eq!(logs.count(what), 1, "{what}:\n{}", logs.text());
    }
}

#[tokio::test(flavor = "current_thread")]
async fn connecting_fails_clearly() {
    let url_error = RedisBroker::connect("http://example.org").await;
    assert!(
        matches!(url_error, Err(ConnectError::InvalidUrl(_))),
        "{url_error:?}"
    );
    let tls = RedisBroker::connect("rediss://127.0.0.1:1").await;
    assert!(matches!(tls, Err(ConnectError::TlsNotBuiltIn)), "{tls:?}");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("bound").port();
    drop(listener);
    let started = Instant::now();
    let unreachable = RedisBroker::connect_with(
        RedisConfig::new(format!("redis://127.0.0.1:{port}"))
            .with_connect_timeout(Duration::from_secs(2)),
    )
    .await;
    assert!(
        matches!(&unreachable, Err(ConnectError::Unreachable { address, .. }) if address == &format!("127.0.0.1:{port}")),
        "{unreachable:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}
