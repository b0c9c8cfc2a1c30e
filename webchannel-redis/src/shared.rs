//! [`Shared`]: what the broker, its tasks and its claim store share — the connection,
//! the link, Redis's clock, the listeners, and the queue of frames to publish.

use std::sync::Arc;
use std::time::Duration;

use redis::aio::ConnectionManager;
use tokio::sync::{Notify, mpsc, watch};
use webchannel::cluster::{BrokerError, LinkState, NodeId};

use crate::clock::RedisClock;
use crate::config::RedisConfig;
use crate::names::Names;
use crate::publisher::Outgoing;
use crate::pushes::Pushes;

/// One node's connection to Redis, and everything around it.
pub(crate) struct Shared {
    pub(crate) node: NodeId,
    pub(crate) config: RedisConfig,
    pub(crate) names: Names,
    pub(crate) link: Arc<LinkState>,
    pub(crate) clock: Arc<RedisClock>,
    pub(crate) pushes: Arc<Pushes>,
    /// Commands and pub/sub, multiplexed; it reconnects and resubscribes by itself.
    pub(crate) connection: ConnectionManager,
    pub(crate) outbox: mpsc::UnboundedSender<Outgoing>,
    /// Wakes the heartbeat to subscribe to new channels now.
    pub(crate) resubscribe: Notify,
    /// How many times the listened channels changed, and up to which the heartbeat has
    /// subscribed.
    pub(crate) channels_wanted: watch::Sender<u64>,
    pub(crate) channels_subscribed: watch::Sender<u64>,
}

/// `call`, within `timeout`, as a broker's outcome.
pub(crate) async fn within<T>(
    timeout: Duration,
    call: impl Future<Output = redis::RedisResult<T>>,
) -> Result<T, BrokerError> {
    match tokio::time::timeout(timeout, call).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(BrokerError::Failed(error.to_string())),
        Err(_) => Err(BrokerError::TimedOut),
    }
}

impl Shared {
    /// A listener came: have the heartbeat subscribe to its channel now.
    pub(crate) fn channels_changed(&self) {
        self.channels_wanted
            .send_modify(|generation| *generation += 1);
        self.resubscribe.notify_one();
    }
}
