//! [`ValueCache`]: an object's state as last serialized, shared by every session. A value is
//! serialized once per change of its object, and the single-object `propertyUpdate` that
//! most sessions send after a change is built once for all of them.
//!
//! A serialized value may refer to other objects (objects as values); the cache holds
//! them weakly, so it never keeps alive an object its owner has dropped, and an entry whose
//! objects are gone is stale. It is generic over what it refers to, so it knows nothing
//! about published objects but that they are shared.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

use crate::protocol::Frame;

use super::change::Change;
use crate::support::locks::lock;

/// The serializations of one object, valid while its generation stands still.
pub(crate) struct ValueCache<O: ?Sized> {
    /// Moves on whenever the state may have changed: on every exclusive access and every
    /// notify signal.
    generation: AtomicU64,
    /// Per property: its value as last serialized.
    values: Box<[Mutex<Option<CachedValue<O>>>]>,
    /// The last single-object `propertyUpdate`, shared by sessions with the same changes.
    update: Mutex<Option<CachedUpdate<O>>>,
}

/// A property value as JSON, with the objects it refers to.
struct CachedValue<O: ?Sized> {
    generation: u64,
    json: Arc<str>,
    objects: Arc<[Weak<O>]>,
}

/// A whole `propertyUpdate` message about one object.
struct CachedUpdate<O: ?Sized> {
    generation: u64,
    /// The changes it reports: notify signals with their arguments, marked properties.
    changes: Vec<Change>,
    frame: Frame,
    objects: Arc<[Weak<O>]>,
}

impl<O: ?Sized> ValueCache<O> {
    /// An empty cache for an object with `properties` properties.
    pub(crate) fn new(properties: usize) -> Self {
        Self {
            generation: AtomicU64::new(0),
            values: (0..properties).map(|_| Mutex::default()).collect(),
            update: Mutex::default(),
        }
    }

    /// Records that the state may have changed, invalidating every serialization.
    pub(crate) fn touch(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The current generation. Load it before reading a value, so the value read is at
    /// least that new.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The JSON of the property at `property` and the objects it refers to, if still
    /// current.
    pub(crate) fn value(
        &self,
        property: usize,
        generation: u64,
    ) -> Option<(Arc<str>, Vec<Arc<O>>)> {
        let slot = self.values.get(property)?;
        let cached = lock(slot);
        let cached = cached
            .as_ref()
            .filter(|cached| cached.generation == generation)?;
        Some((Arc::clone(&cached.json), alive(&cached.objects)?))
    }

    /// Keeps a property's JSON, read at `generation`.
    pub(crate) fn keep_value(
        &self,
        property: usize,
        generation: u64,
        json: Arc<str>,
        objects: &[Arc<O>],
    ) {
        if let Some(slot) = self.values.get(property) {
            *lock(slot) = Some(CachedValue {
                generation,
                json,
                objects: weak(objects),
            });
        }
    }

    /// The update reporting exactly `changes`, and the objects it refers to, if still
    /// current.
    pub(crate) fn update<'a>(
        &self,
        generation: u64,
        mut changes: impl Iterator<Item = &'a Change>,
    ) -> Option<(Frame, Vec<Arc<O>>)> {
        let cached = lock(&self.update);
        let cached = cached.as_ref().filter(|cached| {
            cached.generation == generation
                && cached
                    .changes
                    .iter()
                    .all(|change| changes.next() == Some(change))
                && changes.next().is_none()
        })?;
        Some((cached.frame.clone(), alive(&cached.objects)?))
    }

    /// Keeps the update `frame` reporting `changes`, built at `generation`.
    pub(crate) fn keep_update(
        &self,
        generation: u64,
        changes: Vec<Change>,
        frame: Frame,
        objects: &[Arc<O>],
    ) {
        *lock(&self.update) = Some(CachedUpdate {
            generation,
            changes,
            frame,
            objects: weak(objects),
        });
    }
}

/// The objects a cached serialization refers to, if every one of them still exists.
fn alive<O: ?Sized>(objects: &[Weak<O>]) -> Option<Vec<Arc<O>>> {
    objects.iter().map(Weak::upgrade).collect()
}

fn weak<O: ?Sized>(objects: &[Arc<O>]) -> Arc<[Weak<O>]> {
    objects.iter().map(Arc::downgrade).collect()
}
