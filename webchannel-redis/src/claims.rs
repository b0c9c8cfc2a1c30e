//! [`RedisClaims`]: the claim sets of a namespace in Redis, each operation one Lua script
//! (`lua/`), atomic in Redis, publishing the change it made on the set's channel. Scripts
//! go by `EVALSHA` and are loaded again when Redis answers `NOSCRIPT` (after a restart);
//! they are never pipelined, which would not reload them.

use std::sync::{Arc, LazyLock};

use redis::{FromRedisValue, Script};
use webchannel::cluster::store::{
    Beat, ClaimReply, ClaimStore, Held, Presence, Rejoined, Snapshot, StoreFuture, Watch,
};
use webchannel::cluster::{BrokerError, NodeId, Subscription};

use crate::pushes::Listener;
use crate::shared::{Shared, within};

/// A script: the shared prelude (keys, clock, reaping, committing), then `body`.
fn script(body: &str) -> Script {
    Script::new(&[include_str!("lua/prelude.lua"), body].concat())
}

static CLAIM: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/claim.lua")));
static RELEASE: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/release.lua")));
static HEARTBEAT: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/heartbeat.lua")));
static REJOIN: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/rejoin.lua")));
static LEAVE: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/leave.lua")));
static SNAPSHOT: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/snapshot.lua")));

/// The claim store of one node.
pub(crate) struct RedisClaims {
    shared: Arc<Shared>,
}

impl RedisClaims {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Runs `script` on the set `set` with `args` (after the set's channel), within the
    /// call timeout; fails at once while the link is down.
    fn run<T: FromRedisValue + Send + 'static>(
        &self,
        script: &'static Script,
        set: &str,
        args: Vec<String>,
    ) -> StoreFuture<T> {
        let shared = Arc::clone(&self.shared);
        if !shared.link.is_up() {
            shared.link.refuse();
            return Box::pin(std::future::ready(Err(BrokerError::Down)));
        }
        let set = shared.names.set(set);
        Box::pin(async move {
            let mut invocation = script.prepare_invoke();
            for key in &set.keys {
                invocation.key(key);
            }
            invocation.arg(&set.changes);
            for arg in &args {
                invocation.arg(arg);
            }
            let mut connection = shared.connection.clone();
            within(
                shared.config.call_timeout,
                invocation.invoke_async::<T>(&mut connection),
            )
            .await
        })
    }
}

fn milliseconds(presence: Presence) -> String {
    presence.ttl.as_millis().to_string()
}

impl ClaimStore for RedisClaims {
    fn claim(
        &self,
        set: &str,
        node: NodeId,
        presence: Presence,
        claim: &Held,
    ) -> StoreFuture<ClaimReply> {
        let mut args = vec![node.to_string(), milliseconds(presence), claim.name.clone()];
        args.extend(claim.tokens.iter().cloned());
        let reply = self.run::<(u8, u64, u8)>(&CLAIM, set, args);
        Box::pin(async move {
            let (claimed, version, was_missing) = reply.await?;
            Ok(ClaimReply {
                claimed: claimed == 1,
                version,
                was_missing: was_missing == 1,
            })
        })
    }

    fn release(&self, set: &str, node: NodeId, claim: &Held) -> StoreFuture<u64> {
        let mut args = vec![node.to_string(), claim.name.clone()];
        args.extend(claim.tokens.iter().cloned());
        self.run(&RELEASE, set, args)
    }

    fn heartbeat(&self, set: &str, node: NodeId, presence: Presence) -> StoreFuture<Beat> {
        let reply = self.run::<(u8, u64)>(
            &HEARTBEAT,
            set,
            vec![node.to_string(), milliseconds(presence)],
        );
        Box::pin(async move {
            let (was_missing, version) = reply.await?;
            Ok(Beat {
                was_missing: was_missing == 1,
                version,
            })
        })
    }

    fn rejoin(
        &self,
        set: &str,
        node: NodeId,
        presence: Presence,
        held: &[Held],
    ) -> StoreFuture<Rejoined> {
        let mut args = vec![node.to_string(), milliseconds(presence)];
        for claim in held {
            args.push(claim.name.clone());
            args.push(claim.tokens.len().to_string());
            args.extend(claim.tokens.iter().cloned());
        }
        let reply = self.run::<Vec<String>>(&REJOIN, set, args);
        Box::pin(async move {
            let mut reply = reply.await?.into_iter();
            let version = parse_version(reply.next())?;
            Ok(Rejoined {
                lost: reply.collect(),
                version,
            })
        })
    }

    fn leave(&self, set: &str, node: NodeId) -> StoreFuture<u64> {
        self.run(&LEAVE, set, vec![node.to_string()])
    }

    fn snapshot(&self, set: &str) -> StoreFuture<Snapshot> {
        let reply = self.run::<Vec<String>>(&SNAPSHOT, set, Vec::new());
        Box::pin(async move {
            let mut reply = reply.await?.into_iter();
            let version = parse_version(reply.next())?;
            let mut members = Vec::with_capacity(reply.len() / 2);
            while let (Some(name), Some(node)) = (reply.next(), reply.next()) {
                let node = node
                    .parse()
                    .map_err(|_| BrokerError::Failed(format!("not a node id: {node:?}")))?;
                members.push((name, node));
            }
            Ok(Snapshot { version, members })
        })
    }

    fn watch(&self, set: &str, watch: Watch) -> Subscription {
        let channel = self.shared.names.set(set).changes;
        let subscription = self
            .shared
            .pushes
            .listen(&channel, Listener::Changes(watch));
        self.shared.channels_changed();
        subscription
    }
}

fn parse_version(text: Option<String>) -> Result<u64, BrokerError> {
    text.as_deref()
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| BrokerError::Failed(format!("not a version: {text:?}")))
}
