//! [`RedisBroker`]: a [`Broker`] over one Redis connection per node — `connect` checks
//! that Redis answers, then the node publishes in batches, keeps its link with a
//! heartbeat, and keeps its claim sets in Lua scripts.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, IntoConnectionInfo, ProtocolVersion};
use tokio::sync::{Notify, mpsc, watch};
use tokio::task::AbortHandle;
use webchannel::cluster::store::ClaimStore;
use webchannel::cluster::{
    Acknowledge, Broker, BrokerError, Deliver, Link, LinkState, NodeId, Subscription,
};

use crate::claims::RedisClaims;
use crate::clock::{RedisClock, local_ms};
use crate::config::RedisConfig;
use crate::error::ConnectError;
use crate::heartbeat::beat;
use crate::names::Names;
use crate::publisher::{Outgoing, publish};
use crate::pushes::{Listener, Pushes};
use crate::shared::{Shared, within};

/// Joins the nodes of a cluster through Redis: pub/sub for frames, Lua scripts for
/// claim sets, one connection per node that reconnects and resubscribes by itself.
///
/// Dropping it stops its tasks.
pub struct RedisBroker {
    shared: Arc<Shared>,
    tasks: [AbortHandle; 2],
}

impl RedisBroker {
    /// Connects to the Redis at `url` with the other settings at their defaults.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        Self::connect_with(RedisConfig::new(url)).await
    }

    /// Connects as `config` says: fails if the URL is not one, or if Redis does not
    /// answer within [`RedisConfig::connect_timeout`]. Once connected, the broker never
    /// gives up: it reconnects for as long as it exists. Needs a Tokio runtime.
    pub async fn connect_with(config: RedisConfig) -> Result<Self, ConnectError> {
        if config.url.starts_with("rediss://") || config.url.starts_with("valkeys://") {
            return Err(ConnectError::TlsNotBuiltIn);
        }
        let info = config
            .url
            .as_str()
            .into_connection_info()
            .map_err(|error| ConnectError::InvalidUrl(error.to_string()))?;
        let address = info.addr().to_string();
        let redis = info
            .redis_settings()
            .clone()
            .set_protocol(ProtocolVersion::RESP3);
        let client = Client::open(info.set_redis_settings(redis))
            .map_err(|error| ConnectError::InvalidUrl(error.to_string()))?;
        let unreachable = |reason: String| ConnectError::Unreachable {
            address: address.clone(),
            reason,
        };
        // A first connection of its own says precisely what is wrong, where the
        // manager's would retry for ever.
        let probe = tokio::time::timeout(
            config.connect_timeout,
            client.get_multiplexed_async_connection(),
        )
        .await
        .map_err(|_| unreachable(format!("no answer within {:?}", config.connect_timeout)))?
        .map_err(|error| unreachable(error.to_string()))?;
        drop(probe);

        let node = NodeId::random();
        let link = Arc::new(LinkState::new(format!("redis at {address}")));
        let clock = Arc::new(RedisClock::default());
        let pushes = Arc::new(Pushes::new(node, Arc::clone(&link)));
        let receiver = Arc::clone(&pushes);
        let manager = ConnectionManagerConfig::new()
            // Never give up, and wait at most a second between attempts; every call has
            // a timeout of its own instead.
            .set_number_of_retries(usize::MAX)
            .set_min_delay(std::time::Duration::from_millis(50))
            .set_max_delay(std::time::Duration::from_secs(1))
            .set_connection_timeout(Some(config.call_timeout))
            .set_response_timeout(None)
            .set_push_sender(move |push| {
                receiver.push(push);
                Ok::<(), std::convert::Infallible>(())
            })
            .set_automatic_resubscription();
        let mut connection = ConnectionManager::new_lazy_with_config(client, manager)
            .map_err(|error| unreachable(error.to_string()))?;
        let sent_ms = local_ms();
        let (seconds, micros) = within(
            config.connect_timeout,
            redis::cmd("TIME").query_async::<(i64, i64)>(&mut connection),
        )
        .await
        .map_err(|error| unreachable(error.to_string()))?;
        clock.measured(seconds * 1000 + micros / 1000, sent_ms, local_ms());

        let (outbox, queued) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            node,
            names: Names::new(&config.namespace),
            config,
            link,
            clock,
            pushes,
            connection,
            outbox,
            resubscribe: Notify::new(),
            channels_wanted: watch::Sender::new(0),
            channels_subscribed: watch::Sender::new(0),
        });
        let tasks = [
            tokio::spawn(publish(Arc::clone(&shared), queued)).abort_handle(),
            tokio::spawn(beat(Arc::clone(&shared))).abort_handle(),
        ];
        tracing::info!(%address, %node, namespace = %shared.config.namespace, "connected to Redis");
        Ok(Self { shared, tasks })
    }

    /// Resolves once the connection is subscribed to the channel of every subscription
    /// made so far (frames published before that do not reach them). Bound it with a
    /// timeout: while Redis is down it waits.
    pub async fn subscribed(&self) {
        let wanted = *self.shared.channels_wanted.borrow();
        let mut subscribed = self.shared.channels_subscribed.subscribe();
        // The sender lives as long as `self`.
        let _ = subscribed
            .wait_for(|subscribed| *subscribed >= wanted)
            .await;
    }

    /// The settings it was made with.
    pub fn config(&self) -> &RedisConfig {
        &self.shared.config
    }
}

impl Drop for RedisBroker {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Broker for RedisBroker {
    fn node(&self) -> NodeId {
        self.shared.node
    }

    fn link(&self) -> watch::Receiver<Link> {
        self.shared.link.watch()
    }

    fn publish(&self, topic: &str, frame: Bytes, done: Acknowledge) {
        let limit = self.shared.config.max_frame_size;
        if frame.len() > limit {
            done(Err(BrokerError::TooLarge {
                size: frame.len(),
                limit,
            }));
            return;
        }
        if !self.shared.link.is_up() {
            self.shared.link.refuse();
            done(Err(BrokerError::Down));
            return;
        }
        let outgoing = Outgoing {
            channel: self.shared.names.topic(topic).into(),
            frame,
            done,
        };
        if let Err(refused) = self.shared.outbox.send(outgoing) {
            (refused.0.done)(Err(BrokerError::Failed(
                "the broker has stopped".to_owned(),
            )));
        }
    }

    fn subscribe(&self, topic: &str, deliver: Deliver) -> Subscription {
        let channel = self.shared.names.topic(topic);
        let subscription = self
            .shared
            .pushes
            .listen(&channel, Listener::Frames(deliver));
        self.shared.channels_changed();
        subscription
    }

    fn claim_store(&self) -> Arc<dyn ClaimStore> {
        Arc::new(RedisClaims::new(Arc::clone(&self.shared)))
    }
}

impl fmt::Debug for RedisBroker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisBroker")
            .field("node", &self.shared.node)
            .field("link", &self.shared.link)
            .field("namespace", &self.shared.config.namespace)
            .finish()
    }
}
