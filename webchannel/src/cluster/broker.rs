//! [`Broker`]: what moves byte frames between the nodes of a cluster.

use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::watch;

use super::claims::store::ClaimStore;
use super::error::BrokerError;
use super::link::Link;
use super::node::NodeId;
use super::subscription::Subscription;

/// Called with each frame another node published on a subscribed topic. Runs on the
/// broker's own task (or, in memory, in the publisher's call): it must not block.
pub type Deliver = Arc<dyn Fn(Bytes) + Send + Sync>;

/// Called once with the outcome of one publish.
pub type Acknowledge = Box<dyn FnOnce(Result<(), BrokerError>) + Send>;

/// Moves byte frames between the nodes of one cluster, and holds its [`ClaimStore`].
///
/// The contract every implementation keeps:
/// - **Order**: frames one node publishes reach every other node in the order of the
///   `publish` calls, and their acknowledgements are called in that order too.
/// - **No echo**: a node never receives its own frames.
/// - **Fail fast**: while the [`link`](Broker::link) is down, `publish` acknowledges with
///   [`BrokerError::Down`] at once.
/// - **At most once**: a frame is delivered once or not at all (a subscriber that is
///   reconnecting misses what is published meanwhile).
///
/// [`MemoryBroker`](super::MemoryBroker) keeps a cluster inside one process;
/// `webchannel-redis` connects processes through Redis.
pub trait Broker: Send + Sync + 'static {
    /// This node.
    fn node(&self) -> NodeId;

    /// The link to the broker now, and its transitions.
    fn link(&self) -> watch::Receiver<Link>;

    /// Queues `frame` for the other nodes subscribed to `topic` now, in call order, and
    /// calls `done` once the broker has taken it (or could not). A queued frame is never
    /// withdrawn.
    fn publish(&self, topic: &str, frame: Bytes, done: Acknowledge);

    /// Calls `deliver` with every frame other nodes publish on `topic` from now on, until
    /// the returned subscription is dropped; it lasts across reconnections.
    fn subscribe(&self, topic: &str, deliver: Deliver) -> Subscription;

    /// Where [`ClaimSet`](super::ClaimSet)s on this broker keep their claims.
    fn claim_store(&self) -> Arc<dyn ClaimStore>;
}
