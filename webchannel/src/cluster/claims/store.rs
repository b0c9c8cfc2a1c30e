//! [`ClaimStore`]: the operations a broker offers [`ClaimSet`](super::ClaimSet)s, each
//! atomic in the store, and what they answer. The claim set keeps everything else (its
//! replica, the heartbeat, what this node holds) once, for every store.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::cluster::error::BrokerError;
use crate::cluster::node::NodeId;
use crate::cluster::subscription::Subscription;

/// What a store operation returns: a future that owns everything it needs.
pub type StoreFuture<T> = Pin<Box<dyn Future<Output = Result<T, BrokerError>> + Send>>;

/// Called with every change to one set, by whichever node made it, in version order.
pub type Watch = Arc<dyn Fn(Change) + Send + Sync>;

/// One claim as a node holds it: the name, and the tokens it excludes (the name itself
/// and its aliases). Two claims conflict when they share a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    /// The name, as members list it.
    pub name: String,
    /// The name and its aliases, each once.
    pub tokens: Vec<String>,
}

/// How a node stays present in a set, and how soon the names of a node that died vanish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Presence {
    /// How long a node counts as present after its last call: the store forgets a node
    /// (and its names) that has been silent for longer.
    pub ttl: Duration,
    /// How often a node calls to stay present (at most a third of `ttl`, so that two
    /// missed beats are forgiven).
    pub heartbeat: Duration,
}

impl Presence {
    /// A presence whose names vanish within `bound` of the node's death: its presence
    /// expires `ttl` (three fifths of `bound`) after its last heartbeat, and another
    /// node's next heartbeat (a fifth of `bound` later at most) removes its names; the
    /// last fifth is left for the change to reach every node.
    pub fn expiring_within(bound: Duration) -> Self {
        Self {
            ttl: bound.mul_f64(0.6),
            heartbeat: bound / 5,
        }
    }
}

/// The answer to [`ClaimStore::claim`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClaimReply {
    /// Whether this node holds the name now (it may have held it already).
    pub claimed: bool,
    /// The set's version after the call; the change that made the claim has this version.
    pub version: u64,
    /// Whether the store had forgotten this node (see [`Beat::was_missing`]).
    pub was_missing: bool,
}

/// The answer to [`ClaimStore::heartbeat`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Beat {
    /// Whether the store had forgotten this node: its presence expired (the names it
    /// held went with it) or the store lost its data. The node re-asserts its names.
    pub was_missing: bool,
    /// The set's version now.
    pub version: u64,
}

/// The answer to [`ClaimStore::rejoin`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejoined {
    /// Names this node held that another node holds now.
    pub lost: Vec<String>,
    /// The set's version after the call.
    pub version: u64,
}

/// Every member of a set, at one version.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// The version the members are at.
    pub version: u64,
    /// Each name with the node that holds it.
    pub members: Vec<(String, NodeId)>,
}

/// One change of a set: names removed, then names added with their nodes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// The set's version after the change: one more than before it.
    pub version: u64,
    /// Names no longer held.
    pub removed: Vec<String>,
    /// Names now held, each by its node.
    pub added: Vec<(String, NodeId)>,
}

impl Change {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.removed.is_empty() && self.added.is_empty()
    }
}

/// Where [`ClaimSet`](super::ClaimSet)s keep their claims. Each operation is atomic in
/// the store, refreshes the calling node's presence (release and snapshot excepted),
/// first forgets every node whose presence expired, together with its names, and, when it
/// changes the set, increments the set's version and tells every watcher (every node,
/// the caller included) the [`Change`].
///
/// A store answers [`BrokerError::Down`] at once while its link is down, and
/// [`BrokerError::TimedOut`] when it gives up waiting.
pub trait ClaimStore: Send + Sync + 'static {
    /// Gives `claim` to `node` unless another node holds the name or a name sharing one of
    /// its tokens.
    fn claim(
        &self,
        set: &str,
        node: NodeId,
        presence: Presence,
        claim: &Held,
    ) -> StoreFuture<ClaimReply>;

    /// Takes `claim` from `node`, if it holds it; answers the version after.
    fn release(&self, set: &str, node: NodeId, claim: &Held) -> StoreFuture<u64>;

    /// Keeps `node` present.
    fn heartbeat(&self, set: &str, node: NodeId, presence: Presence) -> StoreFuture<Beat>;

    /// Makes the store hold exactly `held` for `node`: a name held by nobody (or by a node
    /// that is gone) is taken again, a name another node holds meanwhile is lost, and a
    /// name the store still gives `node` that is not in `held` is removed.
    fn rejoin(
        &self,
        set: &str,
        node: NodeId,
        presence: Presence,
        held: &[Held],
    ) -> StoreFuture<Rejoined>;

    /// Every name `node` holds is removed and `node` is forgotten (a clean stop).
    fn leave(&self, set: &str, node: NodeId) -> StoreFuture<u64>;

    /// Every member, at one version.
    fn snapshot(&self, set: &str) -> StoreFuture<Snapshot>;

    /// Calls `watch` with every change of `set` from now on, until the subscription is
    /// dropped.
    fn watch(&self, set: &str, watch: Watch) -> Subscription;
}
