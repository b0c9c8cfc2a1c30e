//! [`ClaimSet`]: names claimed across a cluster, each held by one node at a time — a
//! claim is atomic in the broker's [`ClaimStore`], every node keeps a sorted replica it
//! reads without I/O, and the names of a node that dies vanish once its presence expires.
//!
//! - `store.rs`: the [`ClaimStore`] trait and what its operations answer;
//! - `replica.rs`: one node's copy of the set, kept by version;
//! - `shared.rs`: what the clones of a set share, and how calls and changes update it;
//! - `events.rs`: [`ClaimEvents`], what the owner of a set is told;
//! - `keeper.rs`: the task that keeps this node present, re-asserts its names after an
//!   outage and fetches a snapshot when changes were missed.

mod error;
mod events;
mod keeper;
mod replica;
mod shared;
pub mod store;

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::{Notify, RwLock, watch};

use crate::support::locks::lock;

use super::broker::Broker;
use super::node::NodeId;
use events::EventSender;
use shared::{Inner, State};
use store::{Held, Presence};

pub use error::ClaimError;
pub use events::{ClaimEvent, ClaimEvents};

/// Names claimed across a cluster: each held by one node, claimed atomically, replicated
/// to every node. Made by [`Cluster::claim_set`](super::Cluster::claim_set).
///
/// - [`claim`](Self::claim) succeeds on one node only, however many race for a name;
///   aliases (say, the forms a name could be confused with) are claimed with it, and a
///   name conflicts with every name sharing one of them.
/// - [`members`](Self::members) reads this node's replica: sorted, no I/O. It follows
///   every node's changes; [`ClaimEvents`] say when it changed.
/// - A node stays present by a heartbeat ([`Presence`]): when one dies, another node's
///   next heartbeat removes its names once its presence has expired.
/// - After an outage (or when the broker lost its data) each node re-asserts the names it
///   holds; a name another node claimed meanwhile is lost, reported as
///   [`ClaimEvent::Lost`].
/// - While the link is down, claims and releases fail at once; [`members`](Self::members)
///   keeps the last known state.
///
/// Cloning is cheap: every clone is the same set. Its task ends when the last clone is
/// dropped; [`leave`](Self::leave) first on a clean stop, so others see the names go at
/// once rather than when the presence expires.
#[derive(Clone)]
pub struct ClaimSet(Arc<Inner>);

impl ClaimSet {
    /// The set `set` of `store`, as `node`; spawns its keeper on the current Tokio
    /// runtime.
    pub(super) fn new(
        set: &str,
        broker: Arc<dyn Broker>,
        presence: Presence,
    ) -> (Self, ClaimEvents) {
        let (events, receiver) = EventSender::new();
        let store = broker.claim_store();
        let link = broker.link();
        let inner = Arc::new(Inner {
            set: set.into(),
            node: broker.node(),
            presence,
            store: Arc::clone(&store),
            _broker: broker,
            link: link.clone(),
            state: Mutex::new(State::default()),
            applied: watch::Sender::new(0),
            events,
            wake_keeper: Arc::new(Notify::new()),
            calls: RwLock::new(()),
            watch: Mutex::new(None),
        });
        let weak = Arc::downgrade(&inner);
        let subscription = store.watch(
            set,
            Arc::new(move |change| {
                if let Some(inner) = weak.upgrade() {
                    inner.apply(change);
                }
            }),
        );
        *lock(&inner.watch) = Some(subscription);
        tokio::spawn(keeper::keep(
            Arc::downgrade(&inner),
            Arc::clone(&inner.wake_keeper),
            link,
            presence.heartbeat,
        ));
        (Self(inner), receiver)
    }

    /// Claims `name` for this node. Resolves `Ok` once the store gave it to this node (or
    /// it already held it) and this node's replica lists it.
    pub fn claim(
        &self,
        name: impl Into<String>,
    ) -> impl Future<Output = Result<(), ClaimError>> + Send + 'static {
        self.claim_with_aliases(name, [])
    }

    /// Claims `name` together with `aliases`: the claim fails if another claim has the
    /// name or any alias among its own name and aliases. (A chat passes the forms a name
    /// can be confused with, so that `alice` and `аlice`, with a Cyrillic `а`, cannot both
    /// be logged in.)
    pub fn claim_with_aliases(
        &self,
        name: impl Into<String>,
        aliases: impl IntoIterator<Item = String>,
    ) -> impl Future<Output = Result<(), ClaimError>> + Send + 'static {
        let name = name.into();
        let mut tokens = vec![name.clone()];
        for alias in aliases {
            if !tokens.contains(&alias) {
                tokens.push(alias);
            }
        }
        Arc::clone(&self.0).claim(Held { name, tokens })
    }

    /// Gives `name` up. This node stops holding it at once; the future resolves `true`
    /// once the store removed it (and this node's replica no longer lists it), `false`
    /// if this node did not hold it. If the store cannot be asked, the next rejoin
    /// removes it.
    pub fn release(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<bool, ClaimError>> + Send + 'static {
        let held = lock(&self.0.state).held.remove(name);
        Arc::clone(&self.0).release(held)
    }

    /// Gives up every name and leaves the set, so that other nodes see the names go now
    /// rather than when this node's presence expires; the set keeps no presence after.
    pub fn leave(&self) -> impl Future<Output = Result<(), ClaimError>> + Send + 'static {
        let inner = Arc::clone(&self.0);
        {
            let mut state = lock(&inner.state);
            state.left = true;
            state.held.clear();
        }
        async move {
            inner.store.leave(&inner.set, inner.node).await?;
            Ok(())
        }
    }

    /// Every member, sorted: this node's replica, read without I/O.
    pub fn members(&self) -> Vec<String> {
        lock(&self.0.state)
            .replica
            .members()
            .keys()
            .cloned()
            .collect()
    }

    /// How many members there are.
    pub fn len(&self) -> usize {
        lock(&self.0.state).replica.members().len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The node that holds `name`, as far as this node's replica knows.
    pub fn owner(&self, name: &str) -> Option<NodeId> {
        lock(&self.0.state).replica.members().get(name).copied()
    }

    /// Whether this node holds `name` (it claimed it and has not released or lost it).
    pub fn holds(&self, name: &str) -> bool {
        lock(&self.0.state).held.contains_key(name)
    }

    /// This node.
    pub fn node(&self) -> NodeId {
        self.0.node
    }
}

impl fmt::Debug for ClaimSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.0.state);
        f.debug_struct("ClaimSet")
            .field("set", &self.0.set)
            .field("node", &self.0.node)
            .field("members", &state.replica.members().len())
            .field("held", &state.held.len())
            .finish()
    }
}
