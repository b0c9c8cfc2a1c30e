//! Claim sets on an in-process cluster (`MemoryHub`): one winner per name, replicas on
//! every node, aliases, presence that expires with a node that stopped, names re-asserted
//! after the broker lost its data, and names lost to another node during an outage.

use std::time::Duration;

use webchannel::cluster::{
    BrokerError, ClaimError, ClaimEvent, ClaimEvents, ClaimSet, Cluster, MemoryBroker, MemoryHub,
    Presence,
};

/// Names of a node that stops vanish within this.
const BOUND: Duration = Duration::from_secs(4);

fn users(broker: &MemoryBroker) -> (ClaimSet, ClaimEvents) {
    Cluster::new(broker.clone()).claim_set("users", Presence::expiring_within(BOUND))
}

/// Waits (on the paused clock) until `done` holds, at most a few bounds.
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..400 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never: {what}");
}

#[tokio::test(start_paused = true)]
async fn one_node_wins_each_name_and_every_replica_lists_it() {
    let hub = MemoryHub::new();
    let ((a, mut a_events), (b, _b_events)) = (users(&hub.node()), users(&hub.node()));
    for round in 0..20 {
        let name = format!("race{round}");
        let (from_a, from_b) = tokio::join!(a.claim(name.clone()), b.claim(name.clone()));
        assert!(
            from_a.is_ok() != from_b.is_ok(),
            "exactly one wins {name}: {from_a:?} {from_b:?}"
        );
        let loser = if from_a.is_ok() { from_b } else { from_a };
        assert_eq!(loser, Err(ClaimError::Taken));
    }
    a.claim("zoe").await.expect("free");
    b.claim("adam").await.expect("free");
    for set in [&a, &b] {
        let members = set.members();
        assert_eq!(members.len(), 22);
        assert_eq!(members.first().map(String::as_str), Some("adam"), "sorted");
        assert_eq!(set.owner("zoe"), Some(a.node()));
    }
    assert!(a.holds("zoe") && !a.holds("adam"));
    assert_eq!(a_events.recv().await, Some(ClaimEvent::Changed));
}

#[tokio::test(start_paused = true)]
async fn a_name_conflicts_with_every_name_sharing_an_alias() {
    let hub = MemoryHub::new();
    let ((a, _), (b, _)) = (users(&hub.node()), users(&hub.node()));
    a.claim_with_aliases("alice", ["alice".to_owned(), "a1ice".to_owned()])
        .await
        .expect("free");
    let look_alike = b.claim_with_aliases("ALICE", ["alice".to_owned()]).await;
    assert_eq!(look_alike, Err(ClaimError::Taken));
    let same_node = a.claim_with_aliases("a1ice", []).await;
    assert_eq!(same_node, Err(ClaimError::Taken), "on its own node too");
    assert_eq!(a.release("alice").await, Ok(true));
    assert_eq!(a.release("alice").await, Ok(false), "no longer held");
    b.claim_with_aliases("ALICE", ["alice".to_owned()])
        .await
        .expect("free again, aliases and all");
    assert_eq!(a.members(), ["ALICE"]);
}

#[tokio::test(start_paused = true)]
async fn the_names_of_a_node_that_stopped_vanish_within_the_bound() {
    let hub = MemoryHub::new();
    let (a, _a_events) = users(&hub.node());
    let (b, mut b_events) = users(&hub.node());
    a.claim("alice").await.expect("free");
    until("b lists alice", || b.members() == ["alice"]).await;

    // `a` stops without a word: no more heartbeats.
    drop(a);
    let stopped = tokio::time::Instant::now();
    until("alice gone", || b.members().is_empty()).await;
    let took = stopped.elapsed();
    assert!(took <= BOUND, "gone after {took:?}, over {BOUND:?}");
    assert!(
        took >= BOUND / 2,
        "not before the presence expired: {took:?}"
    );
    while let Ok(Some(event)) = tokio::time::timeout(Duration::ZERO, b_events.recv()).await {
        assert_eq!(event, ClaimEvent::Changed);
    }
    b.claim("alice").await.expect("free again");
}

#[tokio::test(start_paused = true)]
async fn a_clean_stop_removes_the_names_at_once() {
    let hub = MemoryHub::new();
    let ((a, _), (b, _)) = (users(&hub.node()), users(&hub.node()));
    a.claim("alice").await.expect("free");
    a.claim("bob").await.expect("free");
    a.leave().await.expect("left");
    assert!(b.members().is_empty());
    assert!(!a.holds("alice"));
}

#[tokio::test(start_paused = true)]
async fn every_node_re_asserts_its_names_when_the_broker_lost_them() {
    let hub = MemoryHub::new();
    let ((a, _), (b, mut b_events)) = (users(&hub.node()), users(&hub.node()));
    a.claim("alice").await.expect("free");
    b.claim("bob").await.expect("free");
    hub.forget_claims();
    // A newcomer's snapshot shows nothing at first; after the next heartbeats, the store
    // holds it all again.
    let (c, _) = users(&hub.node());
    until("restored", || {
        a.members() == ["alice", "bob"]
            && b.members() == ["alice", "bob"]
            && c.members() == ["alice", "bob"]
    })
    .await;
    assert_eq!(c.claim("alice").await, Err(ClaimError::Taken));
    while let Ok(Some(event)) = tokio::time::timeout(Duration::ZERO, b_events.recv()).await {
        assert_eq!(event, ClaimEvent::Changed, "nothing lost");
    }
}

#[tokio::test(start_paused = true)]
async fn a_name_claimed_elsewhere_during_an_outage_is_lost() {
    let hub = MemoryHub::new();
    let node_a = hub.node();
    let ((a, mut a_events), (b, _)) = (users(&node_a), users(&hub.node()));
    a.claim("alice").await.expect("free");
    a.claim("amy").await.expect("free");

    node_a.set_link(false);
    assert_eq!(
        a.claim("anna").await,
        Err(ClaimError::Broker(BrokerError::Down)),
        "fails at once"
    );
    assert_eq!(a.members(), ["alice", "amy"], "the last known state stays");
    until("b forgot a", || b.members().is_empty()).await;
    b.claim("alice").await.expect("free now");

    node_a.set_link(true);
    until("a lost alice", || !a.holds("alice")).await;
    assert!(a.holds("amy"), "amy was free: taken again");
    until("converged", || {
        a.members() == ["alice", "amy"] && b.members() == ["alice", "amy"]
    })
    .await;
    assert_eq!(a.owner("alice"), Some(b.node()));
    assert_eq!(a.owner("amy"), Some(a.node()));
    let mut lost = Vec::new();
    while let Ok(Some(event)) = tokio::time::timeout(Duration::ZERO, a_events.recv()).await {
        if let ClaimEvent::Lost(name) = event {
            lost.push(name);
        }
    }
    assert_eq!(lost, ["alice"]);
}
