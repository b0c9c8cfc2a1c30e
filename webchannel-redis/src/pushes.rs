//! [`Pushes`]: what Redis pushes to this node — messages on subscribed channels and the
//! connection's loss — and who they go to. A batch of cluster frames reaches the
//! subscribers of its topic unless this node sent it or it arrived too late; a claim set's
//! change reaches its watchers. Anything unreadable is dropped, logged once per channel.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use redis::{PushInfo, PushKind, Value};
use webchannel::cluster::store::{Change, Watch};
use webchannel::cluster::{Deliver, LinkState, NodeId, Registry, Subscription};

use crate::batch;
use crate::clock::RedisClock;

/// Who listens on a Redis channel.
#[derive(Clone)]
pub(crate) enum Listener {
    /// A broker topic: batches of frames.
    Frames(Deliver),
    /// A claim set: its changes, as the scripts publish them.
    Changes(Watch),
}

/// The receiving side of one node's connection.
pub(crate) struct Pushes {
    node: NodeId,
    link: Arc<LinkState>,
    clock: Arc<RedisClock>,
    listeners: Arc<Registry<Listener>>,
    /// (channel, what was wrong) pairs already logged.
    warned: Mutex<HashSet<(String, &'static str)>>,
    /// Whether a late batch has been logged (the rest go to `debug`).
    late_warned: AtomicBool,
}

impl Pushes {
    pub(crate) fn new(node: NodeId, link: Arc<LinkState>, clock: Arc<RedisClock>) -> Self {
        Self {
            node,
            link,
            clock,
            listeners: Arc::default(),
            warned: Mutex::default(),
            late_warned: AtomicBool::new(false),
        }
    }

    /// Adds `listener` to `channel` until the subscription is dropped.
    pub(crate) fn listen(&self, channel: &str, listener: Listener) -> Subscription {
        self.listeners.add(channel, listener)
    }

    /// Every channel with a listener.
    pub(crate) fn channels(&self) -> HashSet<String> {
        self.listeners.keys().into_iter().collect()
    }

    /// Handles one push from the connection.
    pub(crate) fn push(&self, push: PushInfo) {
        match push.kind {
            PushKind::Message => {
                if let [Value::BulkString(channel), Value::BulkString(payload)] =
                    <[Value; 2]>::try_from(push.data).unwrap_or([Value::Nil, Value::Nil])
                {
                    let channel = String::from_utf8_lossy(&channel);
                    self.message(&channel, Bytes::from(payload));
                }
            }
            PushKind::Disconnection => {
                self.link.set_down("the connection to Redis was lost");
            }
            _ => {}
        }
    }

    fn message(&self, channel: &str, payload: Bytes) {
        let listeners = self
            .listeners
            .select(channel, |listener| Some(listener.clone()));
        match listeners.first() {
            None => {}
            Some(Listener::Frames(_)) => self.frames(channel, &payload, &listeners),
            Some(Listener::Changes(_)) => self.change(channel, &payload, &listeners),
        }
    }

    fn frames(&self, channel: &str, payload: &Bytes, listeners: &[Listener]) {
        let Some(batch) = batch::decode(payload) else {
            self.warn_once(channel, "not a batch of frames");
            return;
        };
        if batch.node == self.node {
            return;
        }
        let late_ms = self.clock.now_ms().saturating_sub(batch.expires_ms);
        if late_ms > 0 {
            // Its sender has been told it failed: delivering it now would make that a lie.
            if !self.late_warned.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    channel,
                    late_ms,
                    frames = batch.frames.len(),
                    "dropped frames that arrived after their deadline (Redis was slow or hung); later ones are logged at debug"
                );
            } else {
                tracing::debug!(
                    channel,
                    late_ms,
                    frames = batch.frames.len(),
                    "dropped late frames"
                );
            }
            return;
        }
        for frame in batch.frames {
            for listener in listeners {
                if let Listener::Frames(deliver) = listener {
                    deliver(frame.clone());
                }
            }
        }
    }

    fn change(&self, channel: &str, payload: &[u8], listeners: &[Listener]) {
        let Some(change) = parse_change(payload) else {
            self.warn_once(channel, "not a claim set's change");
            return;
        };
        for listener in listeners {
            if let Listener::Changes(watch) = listener {
                watch(change.clone());
            }
        }
    }

    fn warn_once(&self, channel: &str, what: &'static str) {
        let first = self
            .warned
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert((channel.to_owned(), what));
        if first {
            tracing::warn!(
                channel,
                "dropped a message that is {what} (logged once per channel)"
            );
        }
    }
}

/// A change as the scripts publish it: `{"v":7,"del":["bob"],"add":[["alice","<node>"]]}`.
fn parse_change(payload: &[u8]) -> Option<Change> {
    #[derive(serde::Deserialize)]
    struct Published {
        v: u64,
        #[serde(default)]
        del: Vec<String>,
        #[serde(default)]
        add: Vec<(String, String)>,
    }
    let published: Published = serde_json::from_slice(payload).ok()?;
    let added = published
        .add
        .into_iter()
        .map(|(name, node)| Some((name, node.parse().ok()?)))
        .collect::<Option<Vec<_>>>()?;
    Some(Change {
        version: published.v,
        removed: published.del,
        added,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_as_the_scripts_write_them() {
        let node = NodeId::from_u64(0xab);
        let text = format!(r#"{{"v":7,"del":["bob"],"add":[["alice","{node}"]]}}"#);
        assert_eq!(
            parse_change(text.as_bytes()),
            Some(Change {
                version: 7,
                removed: vec!["bob".to_owned()],
                added: vec![("alice".to_owned(), node)],
            })
        );
        assert_eq!(
            parse_change(br#"{"v":8}"#).map(|change| change.version),
            Some(8)
        );
        for garbage in [
            &b"garbage"[..],
            br#"{"del":[]}"#,
            br#"{"v":1,"add":[["a","not hex"]]}"#,
        ] {
            assert_eq!(parse_change(garbage), None);
        }
    }
}
