//! Published objects inside values: a [`Handle`] serializes as a `__QObject*__` reference
//! and deserializes from one, in arguments, results, property values and signal arguments.
//!
//! Serialization writes the short reference `{"__QObject*__":true,"id":"<id>"}` and notes
//! the object; the session that sends the text then adds the object's description where a
//! client sees it for the first time. Deserialization looks the id up among the objects the
//! calling session may use.

use std::any::Any;
use std::cell::RefCell;
use std::sync::Arc;

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::channel::Channel;
use crate::handle::Handle;
use crate::ids::SessionId;
use crate::object::Object;
use crate::published::{ErasedObject, Published};

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

/// Who is deserializing arguments: object references resolve against this session.
struct Scope {
    channel: Channel,
    session: SessionId,
}

thread_local! {
    static FOUND: RefCell<Option<Found>> = const { RefCell::new(None) };
    static SCOPE: RefCell<Option<Scope>> = const { RefCell::new(None) };
}

/// Runs `serialize` and returns the objects it referred to, in order.
pub(crate) fn collecting<R>(serialize: impl FnOnce() -> R) -> (R, Found) {
    let outer = FOUND.with(|found| found.borrow_mut().replace(Vec::new()));
    let result = serialize();
    let found = FOUND.with(|found| std::mem::replace(&mut *found.borrow_mut(), outer));
    (result, found.unwrap_or_default())
}

/// Runs `deserialize` with object references resolving for `session`.
pub(crate) fn resolving_for<R>(
    channel: &Channel,
    session: SessionId,
    deserialize: impl FnOnce() -> R,
) -> R {
    let scope = Scope {
        channel: channel.clone(),
        session,
    };
    let outer = SCOPE.with(|current| current.borrow_mut().replace(scope));
    let result = deserialize();
    SCOPE.with(|current| *current.borrow_mut() = outer);
    result
}

impl<T: Object> Serialize for Handle<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        FOUND.with(|found| {
            if let Some(found) = found.borrow_mut().as_mut() {
                found.push(Arc::clone(&self.0) as Arc<dyn ErasedObject>);
            }
        });
        let mut reference = serializer.serialize_map(Some(2))?;
        reference.serialize_entry("__QObject*__", &true)?;
        reference.serialize_entry("id", self.name())?;
        reference.end()
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
        let object = SCOPE
            .with(|scope| {
                let scope = scope.borrow();
                let scope = scope.as_ref()?;
                scope.channel.object_for(scope.session, &reference.id)
            })
            .ok_or_else(|| {
                D::Error::custom(format!(
                    "no object with id {:?} is known to this client",
                    reference.id
                ))
            })?;
        let type_name = object.core().meta.type_name;
        let any: Arc<dyn Any + Send + Sync> = object.into_any();
        any.downcast::<Published<T>>().map(Handle).map_err(|_| {
            D::Error::custom(format!(
                "object {:?} is a {type_name}, not a {}",
                reference.id,
                T::META.type_name
            ))
        })
    }
}
