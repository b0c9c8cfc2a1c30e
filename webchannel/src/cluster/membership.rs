//! [`Cluster`]: what a channel (and the application) holds to take part in a cluster —
//! its broker, shared by every clone.

use std::fmt;
use std::sync::Arc;

use tokio::sync::watch;

use super::broker::Broker;
use super::claims::store::Presence;
use super::claims::{ClaimEvents, ClaimSet};
use super::link::Link;
use super::node::NodeId;

/// One node's membership of a cluster: its [`Broker`]. Give it to a channel with
/// [`Config::with_cluster`](crate::Config::with_cluster) to emit cluster signals on every
/// instance, and make [`ClaimSet`]s of it for state every instance shares.
///
/// Cloning is cheap: every clone is the same node.
#[derive(Clone)]
pub struct Cluster {
    broker: Arc<dyn Broker>,
}

impl Cluster {
    /// Joins the cluster `broker` connects to.
    pub fn new(broker: impl Broker) -> Self {
        Self {
            broker: Arc::new(broker),
        }
    }

    /// This node.
    pub fn node(&self) -> NodeId {
        self.broker.node()
    }

    /// The link to the broker now, and its transitions.
    pub fn link(&self) -> watch::Receiver<Link> {
        self.broker.link()
    }

    /// Whether the link to the broker is up now.
    pub fn is_up(&self) -> bool {
        self.broker.link().borrow().is_up()
    }

    /// The broker.
    pub fn broker(&self) -> &Arc<dyn Broker> {
        &self.broker
    }

    /// The claim set named `name` (every node that opens the set by this name shares
    /// it), with this node present as `presence` says, and its events. Spawns the set's
    /// keeper on the current Tokio runtime.
    pub fn claim_set(&self, name: &str, presence: Presence) -> (ClaimSet, ClaimEvents) {
        ClaimSet::new(name, Arc::clone(&self.broker), presence)
    }
}

impl From<Arc<dyn Broker>> for Cluster {
    fn from(broker: Arc<dyn Broker>) -> Self {
        Self { broker }
    }
}

impl fmt::Debug for Cluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cluster")
            .field("node", &self.node())
            .field("link", &*self.link().borrow())
            .finish()
    }
}
