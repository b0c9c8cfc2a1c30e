//! The messages a session assembles from current values: the init response, the
//! batched `propertyUpdate`, and responses; and the property changes waiting for the
//! client to be idle.

use std::sync::{Arc, Weak};

use crate::channel::Channel;
use crate::error::{InvokeError, InvokeErrorKind};
use crate::ids::{ObjectId, SessionId};
use crate::object::change::Change;
use crate::object::erased::{ErasedObject, Found, ReadError, Reply, SharedFound};
use crate::protocol::Frame;
use crate::protocol::json::JsonBuf;
use crate::support::warnings::{Complaints, complain};

/// Property changes waiting for the client to be idle, per object, in order of first change.
#[derive(Default)]
pub(super) struct PendingUpdates(Vec<PendingUpdate>);

struct PendingUpdate {
    id: ObjectId,
    object: Weak<dyn ErasedObject>,
    /// Notify signals with the arguments of their last emission, and marked properties,
    /// each once, with the objects the arguments refer to.
    changes: Vec<(Change, SharedFound)>,
}

impl PendingUpdates {
    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn clear(&mut self) {
        self.0.clear();
    }

    /// Records a change; of a signal, only its last arguments are kept.
    pub(super) fn record(
        &mut self,
        object: Weak<dyn ErasedObject>,
        change: Change,
        objects: SharedFound,
    ) {
        let Some(id) = object.upgrade().map(|object| object.core().id()) else {
            return;
        };
        let update = match self.0.iter().position(|update| update.id == id) {
            Some(position) => &mut self.0[position],
            None => {
                self.0.push(PendingUpdate {
                    id,
                    object,
                    changes: Vec::new(),
                });
                let last = self.0.len() - 1;
                &mut self.0[last]
            }
        };
        match update
            .changes
            .iter_mut()
            .find(|(known, _)| known.same_as(&change))
        {
            Some(last) => *last = (change, objects),
            None => update.changes.push((change, objects)),
        }
    }

    /// Drops the changes of an object that went away.
    pub(super) fn forget(&mut self, object: ObjectId) {
        self.0.retain(|update| update.id != object);
    }

    /// The `propertyUpdate` message for every pending change, with current values, or
    /// nothing when every changed object has gone since; on success the pending changes are
    /// gone. On a locked object, nothing changes.
    pub(super) fn write_update(
        &mut self,
        session: SessionId,
    ) -> Result<Option<(Frame, Found)>, Arc<dyn ErasedObject>> {
        if let [update] = self.0.as_slice()
            && let Some(object) = update.object.upgrade()
        {
            let written = shared_update(&object, update, session)?;
            self.0.clear();
            return Ok(Some(written));
        }
        let mut json = JsonBuf::with_capacity(256);
        let mut found = Found::new();
        json.raw("{\"type\":2,\"data\":[");
        let mut first = true;
        for update in &self.0 {
            // An object dropped since its change has nothing left to update.
            let Some(object) = update.object.upgrade() else {
                continue;
            };
            if !first {
                json.raw(",");
            }
            first = false;
            write_object_update(&mut json, &mut found, &object, update, session)?;
        }
        json.raw("]}");
        self.0.clear();
        // An object dropped after changing (its `destroyed` is on its way) leaves nothing
        // to say.
        Ok((!first).then(|| (json.into_frame(), found)))
    }
}

/// The update about one object, built once and shared by every session whose pending
/// changes are the same (the common case: one property changed for everyone).
fn shared_update(
    object: &Arc<dyn ErasedObject>,
    update: &PendingUpdate,
    session: SessionId,
) -> Result<(Frame, Found), Arc<dyn ErasedObject>> {
    let core = object.core();
    let generation = core.cache().generation();
    let changes = || update.changes.iter().map(|(change, _)| change);
    if let Some(cached) = core.cache().update(generation, changes()) {
        return Ok(cached);
    }
    let mut json = JsonBuf::with_capacity(256);
    let mut found = Found::new();
    json.raw("{\"type\":2,\"data\":[");
    write_object_update(&mut json, &mut found, object, update, session)?;
    json.raw("]}");
    let frame = json.into_frame();
    core.cache().keep_update(
        generation,
        changes().cloned().collect(),
        frame.clone(),
        &found,
    );
    Ok((frame, found))
}

/// Appends `{"object":..,"signals":{..},"properties":{..}}` for one object.
fn write_object_update(
    json: &mut JsonBuf,
    found: &mut Found,
    object: &Arc<dyn ErasedObject>,
    update: &PendingUpdate,
    session: SessionId,
) -> Result<(), Arc<dyn ErasedObject>> {
    let core = object.core();
    json.raw("{\"object\":")
        .string(core.name())
        .raw(",\"signals\":{");
    let mut first = true;
    for (change, objects) in &update.changes {
        // A marked property has no signal to list: `signals` may stay empty.
        let Change::Signal(signal, args) = change else {
            continue;
        };
        if !first {
            json.raw(",");
        }
        first = false;
        json.raw("\"")
            .number(u64::from(core.meta().signal_index(*signal)))
            .raw("\":")
            .raw(args.as_str());
        found.extend(objects.as_slice().iter().cloned());
    }
    json.raw("},\"properties\":{");
    let mut first = true;
    for (property, meta) in core.meta().properties.iter().enumerate() {
        let changed = update
            .changes
            .iter()
            .any(|(change, _)| change.concerns(property, meta.notify));
        if !changed {
            continue;
        }
        if !first {
            json.raw(",");
        }
        first = false;
        json.raw("\"").number(property as u64).raw("\":");
        read_value(object, property, json, found, session)?;
    }
    json.raw("}}");
    Ok(())
}

/// The init response: every registered object's description with current values.
pub(super) fn write_init(
    channel: &Channel,
    id: &str,
    session: SessionId,
) -> Result<(Frame, Found), Arc<dyn ErasedObject>> {
    let mut json = JsonBuf::with_capacity(1024);
    let mut found = Found::new();
    json.raw("{\"type\":10,\"id\":").raw(id).raw(",\"data\":{");
    for (position, object) in channel.objects().iter().enumerate() {
        if position > 0 {
            json.raw(",");
        }
        let core = object.core();
        json.string(core.name()).raw(":");
        core.describe(&mut json, |property, json| {
            read_value(object, property, json, &mut found, session)
        })?;
    }
    json.raw("}}");
    Ok((json.into_frame(), found))
}

/// The response to an `invokeMethod`: `data` on success; on failure no `data` (the
/// client's Promise rejects) and the reason in `error`.
pub(super) fn write_response(
    id: &str,
    result: Result<Reply, InvokeError>,
    session: SessionId,
    complaints: &Complaints,
) -> (Frame, Found) {
    let mut json = JsonBuf::with_capacity(64);
    json.raw("{\"type\":10,\"id\":").raw(id);
    let found = match result {
        Ok(reply) => {
            let (data, found) = reply.into_parts();
            json.raw(",\"data\":").raw(&data);
            found
        }
        Err(error) => {
            match error.kind() {
                InvokeErrorKind::Failed => {
                    tracing::debug!(%session, %error, "call failed");
                }
                _ => {
                    complain!(complaints, %session, %error, detail = error.detail(), "call refused");
                }
            }
            json.raw(",\"error\":").string(error.message());
            Found::new()
        }
    };
    json.raw("}");
    (json.into_frame(), found)
}

/// Appends a property's current value; a getter that fails is logged and sent as `null`.
///
/// The value is serialized once per change of its object and shared by every session.
pub(super) fn read_value(
    object: &Arc<dyn ErasedObject>,
    property: usize,
    json: &mut JsonBuf,
    found: &mut Found,
    session: SessionId,
) -> Result<(), Arc<dyn ErasedObject>> {
    let core = object.core();
    // Loaded before reading, so the value read is at least this new.
    let generation = core.cache().generation();
    if let Some((cached, objects)) = core.cache().value(property, generation) {
        json.raw(&cached);
        found.extend(objects);
        return Ok(());
    }
    let mut value = JsonBuf::with_capacity(64);
    let mut objects = Found::new();
    match object.read_property(property, &mut value, &mut objects) {
        Ok(()) => {
            let value: Arc<str> = value.into_string().into();
            json.raw(&value);
            core.cache()
                .keep_value(property, generation, value, &objects);
            found.extend(objects);
            Ok(())
        }
        Err(ReadError::Busy) => Err(Arc::clone(object)),
        Err(ReadError::Failed(error)) => {
            tracing::error!(%session, object = %core.name(), property = core.meta().properties[property].name, %error, "property could not be read; sent as null");
            json.raw("null");
            Ok(())
        }
    }
}
