//! The claim store of an in-process cluster: every set in the hub's memory, each
//! operation done at once under one lock, as a Redis script would be, and its change
//! handed to every watching node before the call returns.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tokio::time::Instant;

use crate::cluster::claims::store::{
    Beat, Change, ClaimReply, ClaimStore, Held, Presence, Rejoined, Snapshot, StoreFuture, Watch,
};
use crate::cluster::error::BrokerError;
use crate::cluster::link::LinkState;
use crate::cluster::node::NodeId;
use crate::cluster::subscription::Subscription;
use crate::support::locks::lock;

use crate::cluster::registry::Registry;

/// Every set of a hub, and who watches each.
#[derive(Default)]
pub(super) struct Sets {
    data: Mutex<HashMap<String, SetData>>,
    watchers: Arc<Registry<Watcher>>,
}

struct Watcher {
    link: Arc<LinkState>,
    watch: Watch,
}

/// One set, as Redis would hold it.
#[derive(Default)]
struct SetData {
    version: u64,
    /// Name → the node holding it.
    owners: BTreeMap<String, NodeId>,
    /// Token → the name that excludes it.
    tokens: HashMap<String, String>,
    /// Name → its tokens.
    claims: HashMap<String, Vec<String>>,
    /// Node → when its presence expires.
    nodes: HashMap<NodeId, Instant>,
}

impl Sets {
    pub(super) fn forget(&self) {
        lock(&self.data).clear();
    }

    /// Runs `operation` on `set`, then hands what it changed to the watchers; returns
    /// what `operation` did and the set's version after it.
    fn change<R>(
        &self,
        set: &str,
        operation: impl FnOnce(&mut SetData, &mut Change) -> R,
    ) -> (R, u64) {
        let (result, change, version) = {
            let mut data = lock(&self.data);
            let data = data.entry(set.to_owned()).or_default();
            let mut change = Change::default();
            let result = operation(data, &mut change);
            if !change.is_empty() {
                data.version += 1;
                change.version = data.version;
            }
            (result, change, data.version)
        };
        if !change.is_empty() {
            let watchers = self.watchers.select(set, |watcher| {
                watcher.link.is_up().then(|| Arc::clone(&watcher.watch))
            });
            for watch in watchers {
                watch(change.clone());
            }
        }
        (result, version)
    }
}

impl SetData {
    /// Forgets every node whose presence has expired, and its names.
    fn reap(&mut self, now: Instant, change: &mut Change) {
        let dead: Vec<NodeId> = self
            .nodes
            .iter()
            .filter(|(_, expires)| **expires < now)
            .map(|(node, _)| *node)
            .collect();
        for node in dead {
            self.nodes.remove(&node);
            self.remove_all(node, change);
        }
    }

    /// Keeps `node` present for `presence.ttl`; true if it was missing.
    fn refresh(&mut self, node: NodeId, presence: Presence, now: Instant) -> bool {
        self.nodes.insert(node, now + presence.ttl).is_none()
    }

    /// Whether `node` may hold `claim`: nobody else holds the name, and no other name
    /// holds one of its tokens.
    fn is_free_for(&self, node: NodeId, claim: &Held) -> bool {
        if let Some(owner) = self.owners.get(&claim.name) {
            return *owner == node;
        }
        claim.tokens.iter().all(|token| {
            self.tokens
                .get(token)
                .is_none_or(|holder| *holder == claim.name || !self.owners.contains_key(holder))
        })
    }

    fn add(&mut self, node: NodeId, claim: &Held, change: &mut Change) {
        if self.owners.get(&claim.name) == Some(&node) {
            return;
        }
        self.owners.insert(claim.name.clone(), node);
        for token in &claim.tokens {
            self.tokens.insert(token.clone(), claim.name.clone());
        }
        self.claims.insert(claim.name.clone(), claim.tokens.clone());
        change.added.push((claim.name.clone(), node));
    }

    fn remove(&mut self, name: &str, change: &mut Change) {
        if self.owners.remove(name).is_none() {
            return;
        }
        for token in self.claims.remove(name).unwrap_or_default() {
            if self.tokens.get(&token).is_some_and(|holder| holder == name) {
                self.tokens.remove(&token);
            }
        }
        change.removed.push(name.to_owned());
    }

    /// Removes every name `node` holds that `keep` does not.
    fn remove_all_but(&mut self, node: NodeId, keep: &[Held], change: &mut Change) {
        let names: Vec<String> = self
            .owners
            .iter()
            .filter(|(name, owner)| {
                **owner == node && !keep.iter().any(|claim| claim.name == **name)
            })
            .map(|(name, _)| name.clone())
            .collect();
        for name in names {
            self.remove(&name, change);
        }
    }

    fn remove_all(&mut self, node: NodeId, change: &mut Change) {
        self.remove_all_but(node, &[], change);
    }
}

/// The claim store of one node of a hub.
pub(super) struct MemoryClaims {
    sets: Arc<Sets>,
    link: Arc<LinkState>,
}

impl MemoryClaims {
    pub(super) fn new(sets: Arc<Sets>, link: Arc<LinkState>) -> Self {
        Self { sets, link }
    }

    /// Runs `operation` now, if the link is up; the future is ready.
    fn run<T: Send + 'static>(&self, operation: impl FnOnce() -> T) -> StoreFuture<T> {
        let result = if self.link.is_up() {
            Ok(operation())
        } else {
            self.link.refuse();
            Err(BrokerError::Down)
        };
        Box::pin(std::future::ready(result))
    }
}

impl ClaimStore for MemoryClaims {
    fn claim(
        &self,
        set: &str,
        node: NodeId,
        presence: Presence,
        claim: &Held,
    ) -> StoreFuture<ClaimReply> {
        self.run(|| {
            let ((claimed, was_missing), version) = self.sets.change(set, |data, change| {
                let now = Instant::now();
                data.reap(now, change);
                let was_missing = data.refresh(node, presence, now);
                let claimed = data.is_free_for(node, claim);
                if claimed {
                    data.add(node, claim, change);
                }
                (claimed, was_missing)
            });
            ClaimReply {
                claimed,
                version,
                was_missing,
            }
        })
    }

    fn release(&self, set: &str, node: NodeId, claim: &Held) -> StoreFuture<u64> {
        self.run(|| {
            let ((), version) = self.sets.change(set, |data, change| {
                if data.owners.get(&claim.name) == Some(&node) {
                    data.remove(&claim.name, change);
                }
            });
            version
        })
    }

    fn heartbeat(&self, set: &str, node: NodeId, presence: Presence) -> StoreFuture<Beat> {
        self.run(|| {
            let (was_missing, version) = self.sets.change(set, |data, change| {
                let now = Instant::now();
                data.reap(now, change);
                data.refresh(node, presence, now)
            });
            Beat {
                was_missing,
                version,
            }
        })
    }

    fn rejoin(
        &self,
        set: &str,
        node: NodeId,
        presence: Presence,
        held: &[Held],
    ) -> StoreFuture<Rejoined> {
        self.run(|| {
            let (lost, version) = self.sets.change(set, |data, change| {
                let now = Instant::now();
                data.reap(now, change);
                data.refresh(node, presence, now);
                data.remove_all_but(node, held, change);
                let mut lost = Vec::new();
                for claim in held {
                    if data.is_free_for(node, claim) {
                        data.add(node, claim, change);
                    } else {
                        lost.push(claim.name.clone());
                    }
                }
                lost
            });
            Rejoined { lost, version }
        })
    }

    fn leave(&self, set: &str, node: NodeId) -> StoreFuture<u64> {
        self.run(|| {
            let ((), version) = self.sets.change(set, |data, change| {
                data.nodes.remove(&node);
                data.remove_all(node, change);
            });
            version
        })
    }

    fn snapshot(&self, set: &str) -> StoreFuture<Snapshot> {
        self.run(|| {
            let data = lock(&self.sets.data);
            data.get(set)
                .map_or_else(Snapshot::default, |data| Snapshot {
                    version: data.version,
                    members: data
                        .owners
                        .iter()
                        .map(|(name, node)| (name.clone(), *node))
                        .collect(),
                })
        })
    }

    fn watch(&self, set: &str, watch: Watch) -> Subscription {
        self.sets.watchers.add(
            set,
            Watcher {
                link: Arc::clone(&self.link),
                watch,
            },
        )
    }
}
