//! A registered object as the runtime sees it: its state behind a lock, its signal
//! subscribers, and a type-erased interface ([`ErasedObject`]) for sessions.

use std::sync::{Arc, Weak};

use serde_json::value::RawValue;
use tokio::sync::RwLock;

use crate::channel::ChannelShared;
use crate::fanout::Subscribers;
use crate::handle::{Context, Emitter, Handle};
use crate::meta::ObjectMeta;
use crate::object::{Args, BoxFuture, Invocation, Object, ValueOut};
use crate::protocol::description::DescriptionTemplate;
use crate::protocol::json::JsonBuf;
use crate::session::SessionId;
use crate::{InvokeError, InvokeErrorKind};

/// What every registered object has, whatever its type.
pub(crate) struct ObjectCore {
    pub(crate) name: Arc<str>,
    pub(crate) meta: &'static ObjectMeta,
    pub(crate) description: DescriptionTemplate,
    /// Per signal position: the sessions connected to it.
    pub(crate) subscribers: Vec<Subscribers>,
    /// Per signal position: whether it notifies a property.
    pub(crate) is_notify: Vec<bool>,
    /// `{"type":1,"object":"<name>","signal":` — the fixed start of this object's signals.
    pub(crate) signal_head: String,
    pub(crate) channel: Weak<ChannelShared>,
}

impl ObjectCore {
    fn new(name: Arc<str>, meta: &'static ObjectMeta, channel: Weak<ChannelShared>) -> Self {
        let mut signal_head = JsonBuf::with_capacity(48);
        signal_head
            .raw("{\"type\":1,\"object\":")
            .string(&name)
            .raw(",\"signal\":");
        Self {
            name,
            meta,
            description: DescriptionTemplate::new(meta),
            subscribers: meta
                .signals
                .iter()
                .map(|_| Subscribers::default())
                .collect(),
            is_notify: (0..meta.signals.len())
                .map(|position| meta.is_notify_signal(position))
                .collect(),
            signal_head: signal_head.into_string(),
            channel,
        }
    }
}

/// Why a property value could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// A call holds the object mutably; wait for [`ErasedObject::readable`] and retry.
    Busy,
    Failed(InvokeError),
}

/// The operations sessions need on an object, without knowing its type.
pub(crate) trait ErasedObject: Send + Sync + 'static {
    fn core(&self) -> &ObjectCore;

    /// Calls the method at `method`; the caller has checked the argument count.
    fn invoke(self: Arc<Self>, method: usize, args: &[&RawValue], session: SessionId)
    -> Invocation;

    fn write_property(
        self: Arc<Self>,
        property: usize,
        value: &RawValue,
        session: SessionId,
    ) -> Invocation;

    /// Tells the object that `session` has ended, if its type wants to know.
    fn disconnected(self: Arc<Self>, session: SessionId) -> Option<Invocation>;

    /// Appends the current value of the property at `property`, without waiting.
    fn read_property(&self, property: usize, out: &mut JsonBuf) -> Result<(), ReadError>;

    /// Resolves once the object can be read again.
    fn readable(self: Arc<Self>) -> BoxFuture<()>;
}

pub(crate) struct Published<T: Object> {
    core: ObjectCore,
    pub(crate) signals: T::Signals,
    /// Shared with the futures of `async fn` calls, which own their guard.
    pub(crate) state: Arc<RwLock<T>>,
}

impl<T: Object> Published<T> {
    pub(crate) fn new(name: Arc<str>, object: T, channel: Weak<ChannelShared>) -> Arc<Self> {
        Arc::new_cyclic(|this: &Weak<Self>| {
            let erased: Weak<dyn ErasedObject> = this.clone();
            Self {
                core: ObjectCore::new(name, T::META, channel),
                signals: T::signals(Emitter::new(erased)),
                state: Arc::new(RwLock::new(object)),
            }
        })
    }
}

impl<T: Object> ErasedObject for Published<T> {
    fn core(&self) -> &ObjectCore {
        &self.core
    }

    fn invoke(
        self: Arc<Self>,
        method: usize,
        args: &[&RawValue],
        session: SessionId,
    ) -> Invocation {
        let Some(meta) = T::META.methods.get(method) else {
            return Invocation::failed(InvokeError::new(
                InvokeErrorKind::UnknownMethod,
                format!("{} has no method at position {method}", self.core.name),
            ));
        };
        let handle = Handle(self);
        let cx = Context::new(handle.clone(), session);
        let args = Args::new(args, &handle.0.core.name, meta);
        T::invoke(&handle, method, args, cx)
    }

    fn write_property(
        self: Arc<Self>,
        property: usize,
        value: &RawValue,
        session: SessionId,
    ) -> Invocation {
        let handle = Handle(self);
        let cx = Context::new(handle.clone(), session);
        T::write_property(&handle, property, value, cx)
    }

    fn disconnected(self: Arc<Self>, session: SessionId) -> Option<Invocation> {
        let handle = Handle(self);
        let cx = Context::new(handle.clone(), session);
        T::disconnected(&handle, cx)
    }

    fn read_property(&self, property: usize, out: &mut JsonBuf) -> Result<(), ReadError> {
        let state = self.state.try_read().map_err(|_| ReadError::Busy)?;
        let mark = out.len();
        state
            .read_property(property, &mut ValueOut::new(out))
            .map_err(|error| {
                out.truncate(mark);
                ReadError::Failed(error)
            })
    }

    fn readable(self: Arc<Self>) -> BoxFuture<()> {
        Box::pin(async move {
            drop(self.state.read().await);
        })
    }
}
