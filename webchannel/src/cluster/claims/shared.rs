//! What every clone of a [`ClaimSet`](super::ClaimSet) shares: the replica, the claims
//! this node holds, and how claims, releases and the store's changes update them.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Notify, RwLock, watch};

use crate::cluster::broker::Broker;
use crate::cluster::error::BrokerError;
use crate::cluster::link::Link;
use crate::cluster::node::NodeId;
use crate::cluster::subscription::Subscription;
use crate::support::locks::lock;

use super::error::ClaimError;
use super::events::EventSender;
use super::replica::{Applied, Replica};
use super::store::{Change, ClaimStore, Held, Presence, Snapshot};

/// What every clone of a claim set shares.
pub(super) struct Inner {
    pub(super) set: Arc<str>,
    pub(super) node: NodeId,
    pub(super) presence: Presence,
    pub(super) store: Arc<dyn ClaimStore>,
    /// Kept alive for as long as the set: its tasks keep the link and the subscriptions.
    pub(super) _broker: Arc<dyn Broker>,
    pub(super) link: watch::Receiver<Link>,
    pub(super) state: Mutex<State>,
    /// The replica's version, for calls waiting until their own change is applied.
    pub(super) applied: watch::Sender<u64>,
    pub(super) events: EventSender,
    /// Asks the keeper for a snapshot (a change was missed) or a rejoin.
    pub(super) wake_keeper: Arc<Notify>,
    /// Claims and releases hold it shared, a rejoin exclusively: a rejoin then sends what
    /// this node holds with no claim in flight, and so removes no name being claimed.
    pub(super) calls: RwLock<()>,
    /// The store's changes of the set, delivered until the set is gone.
    pub(super) watch: Mutex<Option<Subscription>>,
}

#[derive(Debug, Default)]
pub(super) struct State {
    pub(super) replica: Replica,
    /// The claims this node holds, by name.
    pub(super) held: BTreeMap<String, Held>,
    /// A call timed out or failed, so what the store holds for this node is unknown: the
    /// next heartbeat is a rejoin.
    pub(super) unsure: bool,
    /// A snapshot is needed (a change was missed, or the store's versions went back).
    pub(super) stale: bool,
    /// The node left the set: no more heartbeats.
    pub(super) left: bool,
}

impl Inner {
    pub(super) fn link_is_up(&self) -> bool {
        self.link.borrow().is_up()
    }

    pub(super) async fn claim(self: Arc<Self>, held: Held) -> Result<(), ClaimError> {
        if !self.link_is_up() {
            return Err(BrokerError::Down.into());
        }
        if lock(&self.state).held.contains_key(&held.name) {
            return Ok(());
        }
        let _shared = self.calls.read().await;
        let before = lock(&self.state).replica.version();
        let reply = self
            .store
            .claim(&self.set, self.node, self.presence, &held)
            .await;
        let reply = match reply {
            Ok(reply) => reply,
            Err(error) => {
                // It may have been claimed all the same: a rejoin settles it.
                self.unsure();
                return Err(error.into());
            }
        };
        if !reply.claimed {
            return Err(ClaimError::Taken);
        }
        {
            let mut state = lock(&self.state);
            state.held.insert(held.name.clone(), held);
            state.unsure |= reply.was_missing;
        }
        if reply.was_missing {
            self.wake_keeper.notify_one();
        }
        self.await_version(before, reply.version).await;
        Ok(())
    }

    pub(super) async fn release(self: Arc<Self>, held: Option<Held>) -> Result<bool, ClaimError> {
        let Some(held) = held else {
            return Ok(false);
        };
        if !self.link_is_up() {
            self.unsure();
            return Err(BrokerError::Down.into());
        }
        let _shared = self.calls.read().await;
        let before = lock(&self.state).replica.version();
        match self.store.release(&self.set, self.node, &held).await {
            Ok(version) => {
                self.await_version(before, version).await;
                Ok(true)
            }
            Err(error) => {
                self.unsure();
                Err(error.into())
            }
        }
    }

    /// Waits until the replica has the change a call made (version `version`, asked when
    /// the replica was at `before`), within a heartbeat; else, or when the store's
    /// versions went back (it lost its data), asks for a snapshot.
    async fn await_version(&self, before: u64, version: u64) {
        if version < before {
            self.needs_snapshot();
        }
        if version <= before {
            return;
        }
        let mut applied = self.applied.subscribe();
        let caught_up = tokio::time::timeout(
            self.presence.heartbeat,
            applied.wait_for(|applied| *applied >= version),
        )
        .await;
        if !matches!(caught_up, Ok(Ok(_))) {
            self.needs_snapshot();
        }
    }

    /// What the store holds for this node is unknown: the next heartbeat is a rejoin.
    pub(super) fn unsure(&self) {
        lock(&self.state).unsure = true;
    }

    pub(super) fn needs_snapshot(&self) {
        lock(&self.state).stale = true;
        self.wake_keeper.notify_one();
    }

    /// A change from the store.
    pub(super) fn apply(&self, change: Change) {
        let mut state = lock(&self.state);
        match state.replica.apply(&change) {
            Applied::Stale => return,
            Applied::Gap => {
                drop(state);
                self.needs_snapshot();
                return;
            }
            Applied::Next => {}
        }
        let lost: Vec<String> = change
            .added
            .into_iter()
            .filter(|(name, node)| *node != self.node && state.held.contains_key(name))
            .map(|(name, _)| name)
            .collect();
        self.forget_lost(&mut state, lost);
        self.applied.send_replace(state.replica.version());
        drop(state);
        self.events.changed();
    }

    /// A snapshot from the store.
    pub(super) fn reset(&self, snapshot: Snapshot) {
        let mut state = lock(&self.state);
        let changed = state.replica.reset(snapshot);
        state.stale = false;
        let node = self.node;
        let lost: Vec<String> = state
            .held
            .keys()
            .filter(|name| {
                state
                    .replica
                    .members()
                    .get(*name)
                    .is_some_and(|owner| *owner != node)
            })
            .cloned()
            .collect();
        self.forget_lost(&mut state, lost);
        self.applied.send_replace(state.replica.version());
        drop(state);
        if changed {
            self.events.changed();
        }
    }

    /// Stops holding names another node holds now, and says so.
    pub(super) fn forget_lost(&self, state: &mut State, lost: Vec<String>) {
        for name in lost {
            if state.held.remove(&name).is_some() {
                tracing::warn!(set = %self.set, name = %name, "another node holds a name this node held; it is lost");
                self.events.lost(name);
            }
        }
    }
}
