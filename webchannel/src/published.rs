//! A registered object as the runtime sees it: its state behind a lock, its signal
//! subscribers, and a type-erased interface ([`ErasedObject`]) for sessions.

use std::any::Any;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use serde_json::value::RawValue;
use tokio::sync::RwLock;

use crate::channel::ChannelShared;
use crate::fanout::{Event, Subscribers};
use crate::handle::{Context, Emitter, Handle};
use crate::ids::{ObjectId, SessionId};
use crate::meta::ObjectMeta;
use crate::object::{Args, BoxFuture, Invocation, Object, ValueOut};
use crate::protocol::Frame;
use crate::protocol::description::DescriptionTemplate;
use crate::protocol::json::JsonBuf;
use crate::support::locks::lock;
use crate::values::Found;
use crate::{InvokeError, InvokeErrorKind};

/// What every published object has, whatever its type.
///
/// An object is either registered by name (every initialised session knows it from the
/// init response) or created with [`Handle::new`] and announced to each session the first
/// time a value it receives refers to it.
pub(crate) struct ObjectCore {
    pub(crate) id: ObjectId,
    /// The registered name, or the generated id of an object made with `Handle::new`.
    pub(crate) name: Arc<str>,
    pub(crate) meta: &'static ObjectMeta,
    pub(crate) description: DescriptionTemplate,
    /// Per signal position: the sessions connected to it.
    pub(crate) subscribers: Vec<Subscribers>,
    /// Per signal position: whether it notifies a property.
    pub(crate) is_notify: Vec<bool>,
    /// `{"type":1,"object":"<name>","signal":` — the fixed start of this object's signals.
    pub(crate) signal_head: String,
    /// `{"__QObject*__":true,"id":"<name>"}` — how values refer to the object.
    pub(crate) reference: String,
    /// Set on registration, or when the object is first sent through a channel.
    channel: OnceLock<Weak<ChannelShared>>,
    registered: AtomicBool,
    /// Sessions that were sent this object's description (objects made with `Handle::new`):
    /// its property changes and its `destroyed` go to them.
    pub(crate) knowers: Subscribers,
    /// Moves on whenever the state may have changed: on every exclusive access and every
    /// notify signal. Cached serializations are valid while it stands still.
    generation: AtomicU64,
    /// Per property: its value as last serialized.
    values: Vec<Mutex<Option<CachedValue>>>,
    /// The last single-object `propertyUpdate`, shared by sessions with the same changes.
    update: Mutex<Option<CachedUpdate>>,
}

/// A property value as JSON, with the objects it refers to. The cache holds them
/// weakly: it must not keep alive an object its owner has dropped.
#[derive(Clone)]
pub(crate) struct CachedValue {
    generation: u64,
    pub(crate) json: Arc<str>,
    objects: Arc<[Weak<dyn ErasedObject>]>,
}

/// A whole `propertyUpdate` message about one object.
pub(crate) struct CachedUpdate {
    generation: u64,
    /// The notify signals it reports, with their arguments.
    signals: Vec<(usize, Frame)>,
    pub(crate) frame: Frame,
    objects: Arc<[Weak<dyn ErasedObject>]>,
}

/// The objects a cached serialization refers to, if every one of them still exists.
fn alive(objects: &[Weak<dyn ErasedObject>]) -> Option<Found> {
    objects.iter().map(Weak::upgrade).collect()
}

fn weak(objects: &Found) -> Arc<[Weak<dyn ErasedObject>]> {
    objects.iter().map(Arc::downgrade).collect()
}

impl ObjectCore {
    fn new(name: Option<Arc<str>>, meta: &'static ObjectMeta) -> Self {
        let id = ObjectId::next();
        let registered = name.is_some();
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
            reference: reference.into_string(),
            channel: OnceLock::new(),
            registered: AtomicBool::new(registered),
            knowers: Subscribers::default(),
            generation: AtomicU64::new(0),
            values: meta.properties.iter().map(|_| Mutex::default()).collect(),
            update: Mutex::default(),
        }
    }

    /// Records that the state may have changed, invalidating cached serializations.
    pub(crate) fn touch(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The cached JSON of the property at `property` and the objects it refers to, if
    /// still current.
    pub(crate) fn cached_value(
        &self,
        property: usize,
        generation: u64,
    ) -> Option<(Arc<str>, Found)> {
        let slot = self.values.get(property)?;
        let cached = lock(slot);
        let cached = cached
            .as_ref()
            .filter(|cached| cached.generation == generation)?;
        Some((Arc::clone(&cached.json), alive(&cached.objects)?))
    }

    /// Keeps a property's JSON, read at `generation` (loaded before the read, so the
    /// value is at least that new).
    pub(crate) fn cache_value(
        &self,
        property: usize,
        generation: u64,
        json: Arc<str>,
        objects: &Found,
    ) {
        if let Some(slot) = self.values.get(property) {
            *lock(slot) = Some(CachedValue {
                generation,
                json,
                objects: weak(objects),
            });
        }
    }

    /// The cached single-object update reporting exactly `signals`, and the objects it
    /// refers to, if still current.
    pub(crate) fn cached_update<'a>(
        &self,
        generation: u64,
        mut signals: impl Iterator<Item = (usize, &'a Frame)>,
    ) -> Option<(Frame, Found)> {
        let cached = lock(&self.update);
        let cached = cached.as_ref().filter(|cached| {
            cached.generation == generation
                && cached
                    .signals
                    .iter()
                    .all(|(signal, args)| signals.next() == Some((*signal, args)))
                && signals.next().is_none()
        })?;
        Some((cached.frame.clone(), alive(&cached.objects)?))
    }

    pub(crate) fn cache_update(
        &self,
        generation: u64,
        signals: Vec<(usize, Frame)>,
        frame: Frame,
        objects: &Found,
    ) {
        *lock(&self.update) = Some(CachedUpdate {
            generation,
            signals,
            frame,
            objects: weak(objects),
        });
    }

    /// The channel the object is published through, if any (still) exists.
    pub(crate) fn channel(&self) -> Option<Arc<ChannelShared>> {
        self.channel.get().and_then(Weak::upgrade)
    }

    /// Ties the object to `channel`; an object is published through one channel only.
    /// Returns false when it already belongs to another.
    pub(crate) fn bind(&self, channel: &Arc<ChannelShared>) -> bool {
        let bound = self.channel.get_or_init(|| Arc::downgrade(channel));
        Weak::ptr_eq(bound, &Arc::downgrade(channel))
    }

    /// Whether the object is registered by name (and so known to every session).
    pub(crate) fn is_registered(&self) -> bool {
        self.registered.load(Ordering::Acquire)
    }

    pub(crate) fn set_registered(&self, registered: bool) {
        self.registered.store(registered, Ordering::Release);
    }

    /// The `destroyed` signal message clients expect when the object goes away.
    pub(crate) fn destroyed_frame(&self) -> Frame {
        let mut json = JsonBuf::with_capacity(self.signal_head.len() + 2);
        json.raw(&self.signal_head).raw("0}");
        json.into_frame()
    }
}

impl Drop for ObjectCore {
    fn drop(&mut self) {
        let destroyed = self.destroyed_frame();
        self.knowers.for_each(|_, mailbox| {
            mailbox.push(Event::Destroyed {
                object: self.id,
                frame: destroyed.clone(),
            });
        });
        if let Some(channel) = self.channel() {
            channel.forget(&self.name);
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

    /// Appends the current value of the property at `property`, without waiting; objects
    /// the value refers to are added to `found`.
    fn read_property(
        &self,
        property: usize,
        out: &mut JsonBuf,
        found: &mut Found,
    ) -> Result<(), ReadError>;

    /// Resolves once the object can be read again.
    fn readable(self: Arc<Self>) -> BoxFuture<()>;

    /// For downcasting to the concrete `Published<T>`.
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
}

pub(crate) struct Published<T: Object> {
    core: ObjectCore,
    pub(crate) signals: T::Signals,
    /// Shared with the futures of `async fn` calls, which own their guard.
    pub(crate) state: Arc<RwLock<T>>,
}

impl<T: Object> Published<T> {
    /// A new object: registered under `name`, or (without one) made with `Handle::new`.
    pub(crate) fn new(name: Option<Arc<str>>, object: T) -> Arc<Self> {
        Arc::new_cyclic(|this: &Weak<Self>| {
            let erased: Weak<dyn ErasedObject> = this.clone();
            Self {
                core: ObjectCore::new(name, T::META),
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

    fn read_property(
        &self,
        property: usize,
        out: &mut JsonBuf,
        found: &mut Found,
    ) -> Result<(), ReadError> {
        let state = self.state.try_read().map_err(|_| ReadError::Busy)?;
        let mark = out.len();
        state
            .read_property(property, &mut ValueOut::new(out, found))
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

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}
