//! A cluster inside one process: [`MemoryHub`] connects any number of [`MemoryBroker`]
//! nodes, which deliver each other's frames in the publisher's own call. One node alone
//! is a cluster of one (an application that does not scale out); several make tests of a
//! clustered application that need no Redis, outages and lost data included.

mod claims;

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::watch;

use super::broker::{Acknowledge, Broker, Deliver};
use super::claims::store::ClaimStore;
use super::error::BrokerError;
use super::link::{Link, LinkState};
use super::node::NodeId;
use super::registry::Registry;
use super::subscription::Subscription;
use claims::{MemoryClaims, Sets};

/// Connects the [`MemoryBroker`]s of one in-process cluster.
///
/// Cloning is cheap: every clone is the same hub.
#[derive(Clone, Default)]
pub struct MemoryHub(Arc<Hub>);

#[derive(Default)]
struct Hub {
    topics: Arc<Registry<Subscriber>>,
    sets: Arc<Sets>,
}

/// A subscription of one node to one topic.
struct Subscriber {
    node: NodeId,
    link: Arc<LinkState>,
    deliver: Deliver,
}

impl MemoryHub {
    /// A hub without nodes.
    pub fn new() -> Self {
        Self::default()
    }

    /// A new node of this cluster.
    pub fn node(&self) -> MemoryBroker {
        let node = NodeId::random();
        MemoryBroker {
            hub: self.clone(),
            node,
            link: Arc::new(LinkState::new(format!("in-memory broker of node {node}"))),
        }
    }

    /// Forgets every claim and every node's presence, as a broker that restarts without
    /// its data does; subscriptions stay. Nodes notice at their next heartbeat and
    /// re-assert their names.
    pub fn forget_claims(&self) {
        self.0.sets.forget();
    }
}

impl fmt::Debug for MemoryHub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryHub")
            .field("topics", &self.0.topics.len())
            .finish()
    }
}

/// One node of an in-process cluster: a [`Broker`] that hands frames to the other nodes'
/// subscribers during the `publish` call itself, and keeps claims in the hub.
///
/// `MemoryBroker::new()` is a cluster of one node. [`MemoryHub::node`] gives more nodes
/// of one cluster; [`set_link`](Self::set_link) cuts one off for a while. Cloning is
/// cheap: every clone is the same node.
#[derive(Clone)]
pub struct MemoryBroker {
    hub: MemoryHub,
    node: NodeId,
    link: Arc<LinkState>,
}

impl Default for MemoryBroker {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryBroker {
    /// The only node of a new cluster.
    pub fn new() -> Self {
        MemoryHub::new().node()
    }

    /// The hub this node belongs to.
    pub fn hub(&self) -> &MemoryHub {
        &self.hub
    }

    /// Cuts this node off the hub (`false`) or reconnects it (`true`), as an outage of
    /// its broker connection would: while cut off, its calls fail with
    /// [`BrokerError::Down`] and nothing reaches it.
    pub fn set_link(&self, up: bool) {
        if up {
            self.link.set_up();
        } else {
            self.link.set_down("cut off by set_link(false)");
        }
    }
}

impl Broker for MemoryBroker {
    fn node(&self) -> NodeId {
        self.node
    }

    fn link(&self) -> watch::Receiver<Link> {
        self.link.watch()
    }

    fn publish(&self, topic: &str, frame: Bytes, done: Acknowledge) {
        if !self.link.is_up() {
            self.link.refuse();
            done(Err(BrokerError::Down));
            return;
        }
        // Delivered outside the lock: a subscriber may publish in turn.
        let receivers = self.hub.0.topics.select(topic, |subscriber| {
            (subscriber.node != self.node && subscriber.link.is_up())
                .then(|| Arc::clone(&subscriber.deliver))
        });
        for deliver in receivers {
            deliver(frame.clone());
        }
        done(Ok(()));
    }

    fn subscribe(&self, topic: &str, deliver: Deliver) -> Subscription {
        self.hub.0.topics.add(
            topic,
            Subscriber {
                node: self.node,
                link: Arc::clone(&self.link),
                deliver,
            },
        )
    }

    fn claim_store(&self) -> Arc<dyn ClaimStore> {
        Arc::new(MemoryClaims::new(
            Arc::clone(&self.hub.0.sets),
            Arc::clone(&self.link),
        ))
    }
}

impl fmt::Debug for MemoryBroker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryBroker")
            .field("node", &self.node)
            .field("link", &self.link)
            .finish()
    }
}
