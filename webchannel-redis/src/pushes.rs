//! [`Pushes`]: what Redis pushes to this node — messages on subscribed channels and the
//! connection's loss — and who they go to. A batch of cluster frames reaches the
//! subscribers of its topic unless this node sent it; a claim set's
//! change reaches its watchers. Anything unreadable is dropped, logged once per channel.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use redis::{PushInfo, PushKind, Value};
use webchannel::cluster::store::{Change, Watch};
use webchannel::cluster::{Deliver, LinkState, NodeId, Registry, Subscription};

use crate::batch;

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
    listeners: Arc<Registry<Listener>>,
    /// (channel, what was wrong) pairs already logged.
    warned: Mutex<HashSet<(String, &'static str)>>,
}

impl Pushes {
    pub(crate) fn new(node: NodeId, link: Arc<LinkState>) -> Self {
        Self {
            node,
            link,
            listeners: Arc::default(),
            warned: Mutex::default(),
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
