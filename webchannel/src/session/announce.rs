//! Announcing objects: the first time a client receives a reference to an object made
//! with `Handle::new`, the reference carries the object's description
//! (`{"__QObject*__":true,"id":"..","data":{..}}`), so the client can build a proxy for it.
//!
//! Values are serialized once, with short references, and shared by every recipient; a
//! session that meets an object it has not announced splices the description into its
//! own copy of the text. A JSON string cannot contain an unescaped reference, so the
//! first occurrence of the reference text is the value's own first mention of the object.

use std::sync::Arc;

use crate::ids::SessionId;
use crate::object::erased::{ErasedObject, Found};
use crate::protocol::json::JsonBuf;

use super::updates::read_value;

/// Adds to `text` the descriptions of `objects` (and of the objects their property values
/// refer to, recursively) that `knows` says the client lacks. Returns the objects described,
/// or, without changing anything the caller keeps, an object whose lock is held elsewhere.
pub(super) fn describe_into(
    text: &mut String,
    objects: &[Arc<dyn ErasedObject>],
    knows: &dyn Fn(&Arc<dyn ErasedObject>) -> bool,
    session: SessionId,
) -> Result<Found, Arc<dyn ErasedObject>> {
    let mut described = Found::new();
    splice(text, objects.iter(), knows, &mut described, session)?;
    Ok(described)
}

fn splice<'a>(
    text: &mut String,
    objects: impl Iterator<Item = &'a Arc<dyn ErasedObject>>,
    knows: &dyn Fn(&Arc<dyn ErasedObject>) -> bool,
    described: &mut Found,
    session: SessionId,
) -> Result<(), Arc<dyn ErasedObject>> {
    for object in objects {
        let core = object.core();
        if knows(object) || described.iter().any(|known| known.core().id() == core.id()) {
            continue;
        }
        let Some(position) = text.find(core.identity().reference()) else {
            continue;
        };
        // Marked before describing, so an object that refers to itself stays finite.
        described.push(Arc::clone(object));
        // Written as the member it becomes: `,"data":{..}`.
        let mut description = JsonBuf::with_capacity(256);
        description.raw(",\"data\":");
        let mut nested = Found::new();
        core.describe(&mut description, |property, json| {
            read_value(object, property, json, &mut nested, session)
        })?;
        let mut description = description.into_string();
        splice(&mut description, nested.iter(), knows, described, session)?;
        // Inside the reference, before its closing brace.
        let at = position + core.identity().reference().len() - 1;
        text.insert_str(at, &description);
    }
    Ok(())
}
