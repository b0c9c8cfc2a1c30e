//! Published objects inside values: a [`Handle`] (and an [`AnyHandle`]) serializes as a
//! `__QObject*__` reference and deserializes from one, in arguments, results, property
//! values and signal arguments.
//!
//! Serialization writes the short reference `{"__QObject*__":true,"id":"<id>"}` and notes
//! the object; the session that sends the text then adds the object's description where a
//! client sees it for the first time. Deserialization looks the id up among the objects the
//! calling session may use, through the [`Lookup`] the session names while arguments are
//! read.

use std::any::Any;
use std::cell::RefCell;
use std::sync::Arc;

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ids::SessionId;

use super::any_handle::AnyHandle;
use super::erased::{ErasedObject, note_found};
use super::refusal::refuse;
use super::typed::{Handle, Object, Published};

/// Finds the objects a session may refer to by name; the channel implements it.
pub(crate) trait Lookup: Send + Sync {
    /// The object named `name`, if `session` may use it.
    fn object_for(&self, session: SessionId, name: &str) -> Option<Arc<dyn ErasedObject>>;
}

/// Who is deserializing arguments: object references resolve against this session.
struct Scope {
    lookup: Arc<dyn Lookup>,
    session: SessionId,
}

thread_local! {
    static SCOPE: RefCell<Option<Scope>> = const { RefCell::new(None) };
}

/// Runs `deserialize` with object references resolving for `session` through `lookup`.
/// Whatever happens inside, even a panic in a user's `Deserialize`, the scope of an
/// enclosing call is restored.
pub(crate) fn resolving_for<R>(
    lookup: Arc<dyn Lookup>,
    session: SessionId,
    deserialize: impl FnOnce() -> R,
) -> R {
    /// Puts the enclosing scope back when dropped, on return or unwind alike.
    struct Restore(Option<Scope>);

    impl Drop for Restore {
        fn drop(&mut self) {
            let outer = self.0.take();
            SCOPE.with(|current| *current.borrow_mut() = outer);
        }
    }

    let scope = Scope { lookup, session };
    let _restore = Restore(SCOPE.with(|current| current.borrow_mut().replace(scope)));
    deserialize()
}

/// The object `id` names, if the session whose arguments are being read may use it.
pub(crate) fn lookup(id: &str) -> Option<Arc<dyn ErasedObject>> {
    SCOPE.with(|scope| {
        let scope = scope.borrow();
        let scope = scope.as_ref()?;
        scope.lookup.object_for(scope.session, id)
    })
}

/// The object a client's reference names, or the error that tells the client it may not
/// use it.
pub(crate) fn referenced<E: serde::de::Error>(id: &str) -> Result<Arc<dyn ErasedObject>, E> {
    lookup(id).ok_or_else(|| {
        refuse(format_args!(
            "no object with id {id:?} is known to this client"
        ))
    })
}

/// Writes the reference to `object` and notes it, so that the session sending the text
/// describes it to clients that have not seen it.
fn serialize_reference<S: Serializer>(
    object: &Arc<dyn ErasedObject>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    note_found(Arc::clone(object));
    let mut reference = serializer.serialize_map(Some(2))?;
    reference.serialize_entry("__QObject*__", &true)?;
    reference.serialize_entry("id", &**object.core().name())?;
    reference.end()
}

impl<T: Object> Serialize for Handle<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_reference(&(Arc::clone(&self.0) as Arc<dyn ErasedObject>), serializer)
    }
}

impl Serialize for AnyHandle {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_reference(&self.0, serializer)
    }
}

/// How clients pass an object back: `{"id": ...}` (Qt 5.15's client) or
/// `{"__QObject*__": true, "id": ...}` (Qt 6's).
#[derive(Deserialize)]
#[serde(expecting = "an object reference like {\"id\": \"...\"}")]
struct Reference {
    id: String,
}

impl<'de, T: Object> Deserialize<'de> for Handle<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let reference = Reference::deserialize(deserializer)?;
        let object = referenced::<D::Error>(&reference.id)?;
        let type_name = object.core().meta().type_name;
        let any: Arc<dyn Any + Send + Sync> = object.into_any();
        any.downcast::<Published<T>>().map(Handle).map_err(|_| {
            refuse(format_args!(
                "object {:?} is of type {type_name}, not {}",
                reference.id,
                T::META.type_name
            ))
        })
    }
}

impl<'de> Deserialize<'de> for AnyHandle {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let reference = Reference::deserialize(deserializer)?;
        referenced(&reference.id).map(AnyHandle)
    }
}

#[cfg(test)]
mod tests {
    use std::panic::{AssertUnwindSafe, catch_unwind};

    use super::*;

    /// A channel that knows no objects.
    struct Empty;

    impl Lookup for Empty {
        fn object_for(&self, _: SessionId, _: &str) -> Option<Arc<dyn ErasedObject>> {
            None
        }
    }

    /// A user type whose `Deserialize` panics.
    struct Explodes;

    impl<'de> Deserialize<'de> for Explodes {
        fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
            panic!("a user's Deserialize panicked");
        }
    }

    /// The session object references resolve for on this thread now.
    fn current_session() -> Option<SessionId> {
        SCOPE.with(|scope| scope.borrow().as_ref().map(|scope| scope.session))
    }

    #[test]
    fn a_panic_in_deserialize_restores_the_enclosing_scope() {
        resolving_for(Arc::new(Empty), SessionId(1), || {
            let panicked = catch_unwind(AssertUnwindSafe(|| {
                resolving_for(Arc::new(Empty), SessionId(2), || {
                    serde_json::from_str::<Explodes>("null")
                })
            }));
            assert!(panicked.is_err());
            assert_eq!(current_session(), Some(SessionId(1)));
        });
        assert_eq!(current_session(), None, "no channel is left parked");
    }
}
