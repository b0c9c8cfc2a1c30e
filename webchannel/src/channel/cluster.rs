//! A channel as one instance of a cluster: cluster signals leave through the broker as
//! entries — which object, which signal, a hash of the signal's signature, and the
//! finished `signal` message — and entries from other instances are handed to the
//! sessions here as they are, the message never parsed again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};

use bytes::{BufMut, Bytes, BytesMut};

use crate::cluster::{Cluster, NodeId, Subscription};
use crate::object::meta::SignalMeta;
use crate::protocol::Frame;

/// The broker topic cluster signals travel on.
pub(crate) const SIGNALS_TOPIC: &str = "signals";

/// The format of an entry, its first byte; a node that reads another drops the entry.
const ENTRY_FORMAT: u8 = 1;

/// What a channel with a cluster holds: the cluster, and its subscription to the signals
/// of the other instances.
pub(crate) struct ClusterSide {
    pub(crate) cluster: Cluster,
    _signals: Subscription,
}

/// Where the signals of other instances go: the channel.
pub(crate) trait SignalReceiver: Send + Sync + 'static {
    /// Hands the message of `entry` (already checked to be UTF-8) to the sessions here
    /// connected to its signal.
    fn receive(&self, entry: &SignalEntry<'_>, frame: Frame) -> Result<(), Problem>;
}

/// What can be wrong with an entry from another instance, each logged once per channel.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Problem {
    Unreadable = 0,
    UnknownObject = 1,
    OtherVersion = 2,
}

impl ClusterSide {
    /// Joins `cluster`, handing other instances' signals to `receiver` (which may not be
    /// built yet: entries that arrive before it is are dropped).
    pub(crate) fn new(cluster: Cluster, receiver: Weak<dyn SignalReceiver>) -> Self {
        let warned: [AtomicBool; 3] = Default::default();
        let node = cluster.node();
        let signals = cluster.broker().subscribe(
            SIGNALS_TOPIC,
            Arc::new(move |bytes| {
                let Some(receiver) = receiver.upgrade() else {
                    return;
                };
                let received = match SignalEntry::decode(&bytes) {
                    None => Err((Problem::Unreadable, "not an entry")),
                    Some(entry) => match Frame::try_from(entry.frame.clone()) {
                        Err(_) => Err((Problem::Unreadable, "the message is not UTF-8")),
                        Ok(frame) => receiver
                            .receive(&entry, frame)
                            .map_err(|problem| (problem, entry.object)),
                    },
                };
                if let Err((problem, detail)) = received
                    && !warned[problem as usize].swap(true, Ordering::Relaxed)
                {
                    warn(node, problem, detail);
                }
            }),
        );
        Self {
            cluster,
            _signals: signals,
        }
    }
}

fn warn(node: NodeId, problem: Problem, detail: &str) {
    let what = match problem {
        Problem::Unreadable => "could not be read",
        Problem::UnknownObject => "names an object not registered here",
        Problem::OtherVersion => {
            "does not match the signal here (the instances run different versions)"
        }
    };
    tracing::warn!(
        %node,
        detail,
        "a cluster signal from another instance {what}; dropped (logged once)"
    );
}

/// One cluster signal as it travels.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SignalEntry<'a> {
    pub(crate) object: &'a str,
    pub(crate) signal: usize,
    pub(crate) signature: u64,
    pub(crate) frame: Bytes,
}

impl<'a> SignalEntry<'a> {
    /// `format: u8 | signature: u64 | signal: u32 | object length: u32 | object | frame`,
    /// little-endian.
    pub(crate) fn encode(object: &str, signal: usize, signature: u64, frame: &Frame) -> Bytes {
        let mut entry = BytesMut::with_capacity(17 + object.len() + frame.len());
        entry.put_u8(ENTRY_FORMAT);
        entry.put_u64_le(signature);
        entry.put_u32_le(u32::try_from(signal).unwrap_or(u32::MAX));
        entry.put_u32_le(u32::try_from(object.len()).unwrap_or(u32::MAX));
        entry.put_slice(object.as_bytes());
        entry.put_slice(frame.as_str().as_bytes());
        entry.freeze()
    }

    /// Reads an entry; `None` if it is not one. The frame shares `bytes`.
    pub(crate) fn decode(bytes: &'a Bytes) -> Option<Self> {
        let (&format, rest) = bytes.split_first()?;
        if format != ENTRY_FORMAT {
            return None;
        }
        let (signature, rest) = rest.split_first_chunk::<8>()?;
        let (signal, rest) = rest.split_first_chunk::<4>()?;
        let (length, rest) = rest.split_first_chunk::<4>()?;
        let length = usize::try_from(u32::from_le_bytes(*length)).ok()?;
        let object = std::str::from_utf8(rest.get(..length)?).ok()?;
        let frame_start = bytes.len() - rest.len() + length;
        Some(Self {
            object,
            signal: usize::try_from(u32::from_le_bytes(*signal)).ok()?,
            signature: u64::from_le_bytes(*signature),
            frame: bytes.slice(frame_start..),
        })
    }
}

/// A hash of the signal's signature as clients see it (`said(QString,QJsonValue)`):
/// instances that agree on it agree on what the signal at its position means.
pub(crate) fn signature_hash(signal: &SignalMeta) -> u64 {
    // FNV-1a: stable across processes and builds, unlike the standard library's hasher.
    signal
        .signature
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_read_back_and_garbage_does_not() {
        let frame = Frame::from(r#"{"type":1,"object":"chat","signal":5,"args":["hi"]}"#);
        let bytes = SignalEntry::encode("chat", 3, 42, &frame);
        let entry = SignalEntry::decode(&bytes).expect("an entry");
        assert_eq!(entry.object, "chat");
        assert_eq!((entry.signal, entry.signature), (3, 42));
        assert_eq!(entry.frame, frame.clone().into_bytes());
        for cut in 0..21 {
            assert!(
                SignalEntry::decode(&bytes.slice(..cut)).is_none(),
                "cut at {cut}"
            );
        }
        assert!(SignalEntry::decode(&Bytes::from_static(b"garbage")).is_none());
        let mut other = bytes.to_vec();
        other[0] = 2;
        assert!(
            SignalEntry::decode(&Bytes::from(other)).is_none(),
            "another format"
        );
    }
}
