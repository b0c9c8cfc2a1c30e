//! What user code and generated code hold, typed: the [`Object`] trait that
//! `#[webchannel::object]` implements, a [`Handle`] to a published object, the
//! [`Context`] of a call, and `Published<T>`, the object itself (its core, its signals and
//! its state behind a lock). The trait names the handle and the context, and they need
//! the trait, so they share a file; the runtime's untyped view of `Published<T>` is in
//! `published.rs`.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Weak};

use http::Extensions;
use serde_json::value::RawValue;
use tokio::sync::{OwnedRwLockWriteGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::error::InvokeError;
use crate::ids::SessionId;

use super::call::{Args, ValueOut};
use super::caller::Caller;
use super::emitter::Emitter;
use super::erased::{ErasedObject, Invocation, ObjectCore};
use super::meta::ObjectMeta;

/// A Rust type published to QWebChannel clients.
///
/// Implemented by `#[webchannel::object]`; there is no need to implement it by hand. Its
/// items are the contract between the generated code and the runtime and are hidden from
/// the documentation.
pub trait Object: Sized + Send + Sync + 'static {
    /// The generated signal emitters (`<Type>Signals`), reached through
    /// [`Handle`] and [`Context`] by auto-deref: `handle.new_message(...)`.
    type Signals: Send + Sync + 'static;

    #[doc(hidden)]
    const META: &'static ObjectMeta;

    #[doc(hidden)]
    fn signals(emitter: Emitter) -> Self::Signals;

    /// Calls the method at `method` (a position in `META.methods`); the runtime has
    /// already checked the number of arguments.
    #[doc(hidden)]
    fn invoke(
        object: &Handle<Self>,
        method: usize,
        args: Args<'_>,
        cx: Context<Self>,
    ) -> Invocation;

    /// Appends the current value of the property at `property` as JSON.
    #[doc(hidden)]
    fn read_property(&self, property: usize, out: &mut ValueOut<'_>) -> Result<(), InvokeError>;

    /// Writes the property at `property` from a client's `setProperty`.
    #[doc(hidden)]
    fn write_property(
        object: &Handle<Self>,
        property: usize,
        value: &RawValue,
        cx: Context<Self>,
    ) -> Invocation;

    /// Tells the object that the session in `cx` has ended; `None` when the type does not
    /// want to know.
    #[doc(hidden)]
    fn disconnected(object: &Handle<Self>, cx: Context<Self>) -> Option<Invocation> {
        let _ = (object, cx);
        None
    }
}

/// A published object: what every object has, its generated signal emitters, and its
/// state.
pub(crate) struct Published<T: Object> {
    core: ObjectCore,
    signals: T::Signals,
    /// Shared with the futures of `async fn` calls, which own their guard.
    state: Arc<RwLock<T>>,
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

    pub(crate) fn core(&self) -> &ObjectCore {
        &self.core
    }

    pub(crate) fn state(&self) -> &Arc<RwLock<T>> {
        &self.state
    }
}

/// A registered object: emit its signals (`handle.keep_alive()`, through auto-deref to the
/// generated `<Type>Signals`) and reach its state from outside any call.
///
/// Cloning is cheap; every clone refers to the same object.
pub struct Handle<T: Object>(pub(crate) Arc<Published<T>>);

impl<T: Object> Handle<T> {
    /// A new object that is not registered by name. Return it from a method, carry it in
    /// a signal or a property (alone, or in a `Vec`, an `Option`, a struct...), and each
    /// client is sent its description the first time it sees it; clients can then call it
    /// and pass it back as an argument.
    ///
    /// The object lives as long as a handle to it does. When the last one is dropped,
    /// every client that knows it receives its `destroyed` signal. As with Qt's
    /// `deleteLater`, a call in progress on the object keeps it alive until the call is
    /// answered, and a `destroyed` caused by a call follows that call's response: an object
    /// may drop the last handle to itself in one of its own methods (see
    /// [`Context::handle`]).
    pub fn new(object: T) -> Self {
        Self(Published::new(None, object))
    }

    /// The name clients know the object by: its registered name, or the id generated for
    /// an object made with [`Handle::new`].
    pub fn name(&self) -> &str {
        self.0.core.name()
    }

    /// Shared access to the object's state. Waits while a call holds it mutably.
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        self.0.state.read().await
    }

    /// Exclusive access to the object's state, for changes made outside any call (timers,
    /// background tasks). Emit the matching signals after changing it.
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        let state = self.0.state.write().await;
        self.0.core.touch();
        state
    }

    pub(crate) fn try_read(&self) -> Option<RwLockReadGuard<'_, T>> {
        self.0.state.try_read().ok()
    }

    pub(crate) fn try_write(&self) -> Option<RwLockWriteGuard<'_, T>> {
        let state = self.0.state.try_write().ok()?;
        self.0.core.touch();
        Some(state)
    }

    /// Exclusive access that a future can own (for `async fn(&mut self)` calls).
    pub(crate) fn try_write_owned(&self) -> Option<OwnedRwLockWriteGuard<T>> {
        let state = Arc::clone(&self.0.state).try_write_owned().ok()?;
        self.0.core.touch();
        Some(state)
    }

    pub(crate) async fn write_owned(&self) -> OwnedRwLockWriteGuard<T> {
        let state = Arc::clone(&self.0.state).write_owned().await;
        self.0.core.touch();
        state
    }

    pub(crate) fn state(&self) -> &Arc<RwLock<T>> {
        &self.0.state
    }
}

impl<T: Object> Clone for Handle<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

/// Handles are equal when they refer to the same object.
impl<T: Object> PartialEq for Handle<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T: Object> Eq for Handle<T> {}

impl<T: Object> std::hash::Hash for Handle<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        Arc::as_ptr(&self.0).hash(state);
    }
}

impl<T: Object> Deref for Handle<T> {
    type Target = T::Signals;

    fn deref(&self) -> &T::Signals {
        &self.0.signals
    }
}

impl<T: Object> fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Handle").field(&self.name()).finish()
    }
}

/// The call in progress: who is calling, and the object's signals.
///
/// Declare a parameter of type `&Context<Self>` on a method to receive it; it is injected
/// by the runtime and is not part of the method's signature in JavaScript. Signals are
/// emitted through auto-deref: `cx.user_list_changed()`.
pub struct Context<T: Object> {
    object: Handle<T>,
    caller: Caller,
}

impl<T: Object> Context<T> {
    pub(crate) fn new(object: Handle<T>, caller: Caller) -> Self {
        Self { object, caller }
    }

    /// The session (one connected client) that made the call.
    pub fn session(&self) -> SessionId {
        self.caller.session()
    }

    /// What the calling session was opened with: for a WebSocket, the extensions of the
    /// HTTP upgrade request, which is where an axum or tower middleware puts what it found
    /// out about the client (an authenticated user, its address); for an in-memory or
    /// direct session, what its creator gave (`Channel::connect_in_memory_with`,
    /// `Channel::direct_session_with`, `Channel::run_session_with`). Empty when there was
    /// nothing.
    ///
    /// ```
    /// # #[derive(Clone)] struct User { name: String }
    /// # pub struct Notes;
    /// # #[webchannel::object]
    /// # impl Notes {
    /// /// Refuses callers that no middleware vouched for.
    /// pub fn whoami(&self, cx: &webchannel::Context<Self>) -> Result<String, String> {
    ///     let user = cx.extensions().get::<User>().ok_or("not signed in")?;
    ///     Ok(user.name.clone())
    /// }
    /// # }
    /// ```
    pub fn extensions(&self) -> &Extensions {
        self.caller.extensions()
    }

    /// The object being called (Qt's `this`): return it, carry it in a signal, keep it,
    /// or compare it with the handles you hold.
    ///
    /// An object may drop the last handle to itself during one of its own calls: it lives
    /// until the call is answered, and clients receive its `destroyed` after the response.
    pub fn handle(&self) -> &Handle<T> {
        &self.object
    }
}

impl<T: Object> Deref for Context<T> {
    type Target = T::Signals;

    fn deref(&self) -> &T::Signals {
        &self.object
    }
}

impl<T: Object> fmt::Debug for Context<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("object", &self.object.name())
            .field("session", &self.caller.session())
            .finish()
    }
}
