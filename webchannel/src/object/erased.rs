//! A published object as the runtime sees it, whatever its type: the [`ErasedObject`]
//! interface sessions call, the [`ObjectCore`] every object has, and what crosses that
//! interface — a call's [`Invocation`] and [`Reply`], the objects [`Found`] in a value,
//! and the [`Outlet`] its signals leave by. These types refer to each other (a reply
//! carries the objects found in it, which are erased objects whose calls give replies),
//! so they share a file.

use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use serde_json::value::RawValue;

use crate::cluster::Sent;
use crate::error::{InvokeError, InvokeErrorKind};
use crate::ids::ObjectId;
use crate::protocol::Frame;
use crate::protocol::json::JsonBuf;

use super::cache::ValueCache;
use super::caller::Caller;
use super::change::Change;
use super::description::DescriptionTemplate;
use super::identity::Identity;
use super::meta::ObjectMeta;

/// The operations sessions need on an object, without knowing its type.
pub(crate) trait ErasedObject: Send + Sync + 'static {
    fn core(&self) -> &ObjectCore;

    /// Calls the method at `method` for `caller`; the argument count is checked.
    fn invoke(self: Arc<Self>, method: usize, args: &[&RawValue], caller: &Caller) -> Invocation;

    fn write_property(
        self: Arc<Self>,
        property: usize,
        value: &RawValue,
        caller: &Caller,
    ) -> Invocation;

    /// Tells the object that `caller`'s session has ended, if its type wants to know.
    fn disconnected(self: Arc<Self>, caller: &Caller) -> Option<Invocation>;

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

/// Why a property value could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// A call holds the object mutably; wait for [`ErasedObject::readable`] and retry.
    Busy,
    Failed(InvokeError),
}

/// Where a published object's signals go, and who hears that it has gone: what publishing
/// it through a channel gives it. The channel implements it (with the sessions of the
/// fan-out layer); the object model only calls it.
pub(crate) trait Outlet: Send + Sync + 'static {
    /// Whether a session is connected to the plain signal at `signal`; nothing is
    /// serialized for a signal nobody hears.
    fn is_heard(&self, signal: usize) -> bool;

    /// Delivers a plain signal's message to the sessions connected to it.
    fn signal(&self, signal: usize, frame: Frame, objects: SharedFound);

    /// Whether signals can reach other instances (the channel has a cluster): a cluster
    /// signal is then serialized even when no session here hears it.
    fn is_clustered(&self) -> bool;

    /// Sends a cluster signal's message to every instance: through the cluster's broker,
    /// then to the sessions here connected to it once the broker took it; without a
    /// cluster, like [`signal`](Self::signal).
    fn cluster_signal(self: Arc<Self>, signal: usize, frame: Frame, objects: SharedFound) -> Sent;

    /// `object`'s properties changed (its notify signal fired, or a bindable property was
    /// marked): every session that knows the object notes the change. `objects` are those
    /// a signal's arguments refer to.
    fn notify(&self, object: &Arc<dyn ErasedObject>, change: Change, objects: SharedFound);

    /// The object has gone: every session that knows it is sent `destroyed`.
    fn dropped(&self, object: ObjectId, destroyed: Frame);
}

/// What every published object has, whatever its type, grouped by what it is for.
///
/// An object is either registered by name (every initialised session knows it from the
/// init response) or created with `Handle::new` and announced to each session the first
/// time a value it receives refers to it.
pub(crate) struct ObjectCore {
    identity: Identity,
    description: DescriptionTemplate,
    cache: ValueCache<dyn ErasedObject>,
    /// Whether the object is registered by name (and so known to every session).
    registered: AtomicBool,
    /// Set when the object is published through a channel: on registration, or when it is
    /// first sent to a session.
    outlet: OnceLock<Arc<dyn Outlet>>,
}

// The accessors are `#[inline]`: sessions and the fan-out, in other codegen units, call
// them for every property they read and every signal they pass on.
impl ObjectCore {
    /// A new object: registered under `name`, or (without one) made with `Handle::new`.
    pub(crate) fn new(name: Option<Arc<str>>, meta: &'static ObjectMeta) -> Self {
        Self {
            registered: AtomicBool::new(name.is_some()),
            identity: Identity::new(name, meta),
            description: DescriptionTemplate::new(meta),
            cache: ValueCache::new(meta.properties.len()),
            outlet: OnceLock::new(),
        }
    }

    #[inline]
    pub(crate) fn id(&self) -> ObjectId {
        self.identity.id()
    }

    /// The registered name, or the generated id of an object made with `Handle::new`.
    #[inline]
    pub(crate) fn name(&self) -> &Arc<str> {
        self.identity.name()
    }

    #[inline]
    pub(crate) fn meta(&self) -> &'static ObjectMeta {
        self.identity.meta()
    }

    #[inline]
    pub(crate) fn identity(&self) -> &Identity {
        &self.identity
    }

    /// Appends the object's description, asking `value` for each property's current value.
    pub(crate) fn describe<E>(
        &self,
        out: &mut JsonBuf,
        value: impl FnMut(usize, &mut JsonBuf) -> Result<(), E>,
    ) -> Result<(), E> {
        self.description.write(out, value)
    }

    /// The object's serializations, shared by every session.
    #[inline]
    pub(crate) fn cache(&self) -> &ValueCache<dyn ErasedObject> {
        &self.cache
    }

    /// Records that the state may have changed, invalidating cached serializations.
    #[inline]
    pub(crate) fn touch(&self) {
        self.cache.touch();
    }

    #[inline]
    pub(crate) fn is_registered(&self) -> bool {
        self.registered.load(Ordering::Acquire)
    }

    /// Marks the object as no longer registered (it was withdrawn from its channel).
    pub(crate) fn unregister(&self) {
        self.registered.store(false, Ordering::Release);
    }

    /// Where the object's signals go, once it is published.
    #[inline]
    pub(crate) fn outlet(&self) -> Option<&Arc<dyn Outlet>> {
        self.outlet.get()
    }

    /// Publishes the object through `outlet`; an object is published through one channel
    /// only. Gives `outlet` back when it already is.
    pub(crate) fn bind(&self, outlet: Arc<dyn Outlet>) -> Result<(), Arc<dyn Outlet>> {
        self.outlet.set(outlet)
    }
}

impl Drop for ObjectCore {
    fn drop(&mut self) {
        if let Some(outlet) = self.outlet.get() {
            outlet.dropped(self.id(), self.identity.destroyed_frame());
        }
    }
}

/// The objects met while serializing one value.
pub(crate) type Found = Vec<Arc<dyn ErasedObject>>;

/// [`Found`] shared by the recipients of one message. Almost always empty, and then free:
/// no allocation, no reference count to move per recipient.
#[derive(Clone, Default)]
pub(crate) struct SharedFound(Option<Arc<Found>>);

impl SharedFound {
    pub(crate) fn new(found: Found) -> Self {
        Self((!found.is_empty()).then(|| Arc::new(found)))
    }

    pub(crate) fn as_slice(&self) -> &[Arc<dyn ErasedObject>] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

thread_local! {
    /// The objects met by the serialization running on this thread, if one is collecting.
    static FOUND: RefCell<Option<Found>> = const { RefCell::new(None) };
}

/// Runs `serialize` and returns the objects it referred to, in order. Whatever happens
/// inside, even a panic in a user's `Serialize`, the collection of an enclosing call is
/// restored.
pub(crate) fn collecting<R>(serialize: impl FnOnce() -> R) -> (R, Found) {
    /// Puts the enclosing collection back when dropped, on return or unwind alike.
    struct Restore(Option<Found>);

    impl Drop for Restore {
        fn drop(&mut self) {
            let outer = self.0.take();
            FOUND.with(|found| *found.borrow_mut() = outer);
        }
    }

    let restore = Restore(FOUND.with(|found| found.borrow_mut().replace(Vec::new())));
    let result = serialize();
    let found = FOUND.with(|found| found.borrow_mut().take());
    drop(restore);
    (result, found.unwrap_or_default())
}

/// Notes that the serialization running on this thread refers to `object`.
pub(crate) fn note_found(object: Arc<dyn ErasedObject>) {
    FOUND.with(|found| {
        if let Some(found) = found.borrow_mut().as_mut() {
            found.push(object);
        }
    });
}

/// A successful result, serialized as JSON, with the published objects it refers to.
#[derive(Clone)]
pub struct Reply {
    json: String,
    objects: Found,
}

impl Reply {
    /// Serializes `value` as the result of a call.
    pub fn new<T: Serialize + ?Sized>(value: &T) -> Result<Self, InvokeError> {
        let (json, objects) = collecting(|| serde_json::to_string(value));
        let json = json.map_err(|error| {
            InvokeError::new(
                InvokeErrorKind::Serialization,
                "the result could not be serialized",
            )
            .with_detail(error.to_string())
        })?;
        Ok(Self { json, objects })
    }

    /// The result of a call that returns nothing (`null` on the wire).
    pub fn null() -> Self {
        Self {
            json: "null".to_owned(),
            objects: Vec::new(),
        }
    }

    /// The JSON text.
    pub fn as_json(&self) -> &str {
        &self.json
    }

    pub(crate) fn into_parts(self) -> (String, Found) {
        (self.json, self.objects)
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Reply").field(&self.json).finish()
    }
}

/// A boxed future that completes a call.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// How a call proceeds.
pub enum Invocation {
    /// The call is done.
    Ready(Result<Reply, InvokeError>),
    /// The object is locked by another call; this future takes the lock and then proceeds.
    /// The session does not start later calls until it resolves, so calls from one client
    /// start in the order they arrived.
    Locking(BoxFuture<Invocation>),
    /// The call has started and runs concurrently (an `async fn` method).
    Running(BoxFuture<Result<Reply, InvokeError>>),
}

impl Invocation {
    /// A call that could not be carried out.
    pub fn failed(error: InvokeError) -> Self {
        Self::Ready(Err(error))
    }
}

impl fmt::Debug for Invocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ready(result) => f.debug_tuple("Ready").field(result).finish(),
            Self::Locking(_) => f.write_str("Locking(..)"),
            Self::Running(_) => f.write_str("Running(..)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::panic::{AssertUnwindSafe, catch_unwind};

    use super::*;

    /// A user type whose `Serialize` panics.
    struct Explodes;

    impl Serialize for Explodes {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            panic!("a user's Serialize panicked");
        }
    }

    fn collecting_now() -> bool {
        FOUND.with(|found| found.borrow().is_some())
    }

    #[test]
    fn a_panic_in_serialize_restores_the_enclosing_collection() {
        let ((), found) = collecting(|| {
            let panicked = catch_unwind(AssertUnwindSafe(|| {
                collecting(|| serde_json::to_string(&Explodes))
            }));
            assert!(panicked.is_err());
            assert!(collecting_now(), "the enclosing collection goes on");
        });
        assert!(found.is_empty());
        assert!(!collecting_now(), "nothing is left collecting");
    }
}
