//! [`Identity`]: what names one published object for its whole life — its id, the name
//! clients know it by, its type's metadata — and the fixed texts derived from them once.

use std::sync::Arc;

use crate::ids::ObjectId;
use crate::protocol::Frame;
use crate::protocol::json::JsonBuf;

use super::meta::ObjectMeta;

/// Who an object is. Never changes after the object is made.
#[derive(Debug)]
pub(crate) struct Identity {
    id: ObjectId,
    /// The registered name, or the generated id of an object made with `Handle::new`.
    name: Arc<str>,
    meta: &'static ObjectMeta,
    /// Per signal position: whether it notifies a property.
    is_notify: Box<[bool]>,
    /// `{"type":1,"object":"<name>","signal":` — the fixed start of this object's signals.
    signal_head: String,
    /// `{"__QObject*__":true,"id":"<name>"}` — how values refer to the object.
    reference: String,
}

impl Identity {
    /// A new object of type `meta`: registered under `name`, or (without one) named by its
    /// id.
    pub(crate) fn new(name: Option<Arc<str>>, meta: &'static ObjectMeta) -> Self {
        let id = ObjectId::next();
        let name = name.unwrap_or_else(|| format!("{{webchannel:{}}}", id.0).into());
        let mut signal_head = JsonBuf::with_capacity(48);
        signal_head
            .raw("{\"type\":1,\"object\":")
            .string(&name)
            .raw(",\"signal\":");
        let mut reference = JsonBuf::with_capacity(48);
        reference
            .raw("{\"__QObject*__\":true,\"id\":")
            .string(&name)
            .raw("}");
        Self {
            id,
            name,
            meta,
            is_notify: (0..meta.signals.len())
                .map(|position| meta.is_notify_signal(position))
                .collect(),
            signal_head: signal_head.into_string(),
            reference: reference.into_string(),
        }
    }

    #[inline]
    pub(crate) fn id(&self) -> ObjectId {
        self.id
    }

    #[inline]
    pub(crate) fn name(&self) -> &Arc<str> {
        &self.name
    }

    #[inline]
    pub(crate) fn meta(&self) -> &'static ObjectMeta {
        self.meta
    }

    /// Whether the signal at `signal` notifies a property; `None` when there is no such
    /// signal.
    #[inline]
    pub(crate) fn is_notify(&self, signal: usize) -> Option<bool> {
        self.is_notify.get(signal).copied()
    }

    /// How a value refers to the object: the text a serialized value carries.
    pub(crate) fn reference(&self) -> &str {
        &self.reference
    }

    /// Starts the `signal` message of the signal at `signal`, up to its `args`.
    pub(crate) fn signal_message(&self, signal: usize, extra: usize) -> JsonBuf {
        let mut json = JsonBuf::with_capacity(self.signal_head.len() + extra);
        json.raw(&self.signal_head)
            .number(u64::from(self.meta.signal_index(signal)));
        json
    }

    /// The `destroyed` signal message clients expect when the object goes away.
    pub(crate) fn destroyed_frame(&self) -> Frame {
        let mut json = JsonBuf::with_capacity(self.signal_head.len() + 2);
        json.raw(&self.signal_head).raw("0}");
        json.into_frame()
    }
}
