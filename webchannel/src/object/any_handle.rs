//! [`AnyHandle`]: a handle to a published object of any type, Qt's `QObject*`. It takes
//! any object a client passes (registered or made with `Handle::new`), goes back to clients
//! as that object, and becomes a typed [`Handle`] when the type is right.

use std::fmt;
use std::sync::Arc;

use super::erased::ErasedObject;
use super::typed::{Handle, Object, Published};

/// A published object of any type (Qt's `QObject*`): a parameter that takes any object
/// a client passes, in either form (`{"id": ...}` or `{"__QObject*__": true, "id": ...}`),
/// and a value that reaches clients as that object, described the first time a client
/// sees it, like a [`Handle`].
///
/// Like a `Handle`, it keeps the object alive. Cloning is cheap; clones are equal.
///
/// ```
/// use webchannel::{AnyHandle, Handle};
///
/// # #[derive(Default)] pub struct Widget;
/// # #[webchannel::object] impl Widget {}
/// # #[derive(Default)] pub struct Gauge;
/// # #[webchannel::object] impl Gauge {}
/// let widget = Handle::new(Widget);
/// let any = AnyHandle::from(widget.clone());
/// assert_eq!(any.registered_name(), None);
/// assert!(any.is::<Widget>());
/// assert_eq!(any, widget);
/// let Err(any) = any.downcast::<Gauge>() else { unreachable!() };
/// assert_eq!(any.downcast::<Widget>().ok(), Some(widget));
/// ```
#[derive(Clone)]
pub struct AnyHandle(pub(crate) Arc<dyn ErasedObject>);

impl AnyHandle {
    /// The name clients know the object by: its registered name, or the id generated for
    /// an object made with [`Handle::new`].
    pub fn name(&self) -> &str {
        self.0.core().name()
    }

    /// The name the object is registered under on its channel, or `None` for an object
    /// made with [`Handle::new`] (or one withdrawn with `Channel::deregister`).
    pub fn registered_name(&self) -> Option<&str> {
        let core = self.0.core();
        core.is_registered().then(|| &**core.name())
    }

    /// The Rust type the object was published as (`Widget`).
    pub fn type_name(&self) -> &'static str {
        self.0.core().meta().type_name
    }

    /// Whether the object is a `T`.
    pub fn is<T: Object>(&self) -> bool {
        Arc::clone(&self.0).into_any().is::<Published<T>>()
    }

    /// The object as a `Handle<T>`, or, when it is not a `T`, this handle back.
    pub fn downcast<T: Object>(self) -> Result<Handle<T>, Self> {
        match Arc::clone(&self.0).into_any().downcast::<Published<T>>() {
            Ok(published) => Ok(Handle(published)),
            Err(_) => Err(self),
        }
    }
}

impl<T: Object> From<Handle<T>> for AnyHandle {
    fn from(handle: Handle<T>) -> Self {
        Self(handle.0)
    }
}

/// Handles are equal when they refer to the same object.
impl PartialEq for AnyHandle {
    fn eq(&self, other: &Self) -> bool {
        same_object(&self.0, &other.0)
    }
}

impl Eq for AnyHandle {}

/// An `AnyHandle` and a `Handle` are equal when they refer to the same object.
impl<T: Object> PartialEq<Handle<T>> for AnyHandle {
    fn eq(&self, other: &Handle<T>) -> bool {
        Arc::as_ptr(&self.0).cast::<()>() == Arc::as_ptr(&other.0).cast::<()>()
    }
}

impl std::hash::Hash for AnyHandle {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        Arc::as_ptr(&self.0).cast::<()>().hash(state);
    }
}

fn same_object(a: &Arc<dyn ErasedObject>, b: &Arc<dyn ErasedObject>) -> bool {
    Arc::as_ptr(a).cast::<()>() == Arc::as_ptr(b).cast::<()>()
}

impl fmt::Debug for AnyHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AnyHandle")
            .field(&self.name())
            .field(&self.type_name())
            .finish()
    }
}
