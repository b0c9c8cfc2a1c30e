//! [`Registry`]: who listens to what in an in-process cluster — each topic's subscribers,
//! each set's watchers — each entry leaving when its [`Subscription`] is dropped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::cluster::subscription::Subscription;
use crate::support::locks::lock;

/// Listeners by key.
pub(super) struct Registry<T> {
    entries: Mutex<HashMap<String, Vec<(u64, T)>>>,
    next: AtomicU64,
}

impl<T> Default for Registry<T> {
    fn default() -> Self {
        Self {
            entries: Mutex::default(),
            next: AtomicU64::new(0),
        }
    }
}

impl<T: Send + 'static> Registry<T> {
    /// Adds `listener` under `key` until the returned subscription is dropped.
    pub(super) fn add(self: &Arc<Self>, key: &str, listener: T) -> Subscription {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        lock(&self.entries)
            .entry(key.to_owned())
            .or_default()
            .push((id, listener));
        let registry = Arc::downgrade(self);
        let key = key.to_owned();
        Subscription::new(move || {
            if let Some(registry) = registry.upgrade() {
                let mut entries = lock(&registry.entries);
                if let Some(listeners) = entries.get_mut(&key) {
                    listeners.retain(|(listener, _)| *listener != id);
                    if listeners.is_empty() {
                        entries.remove(&key);
                    }
                }
            }
        })
    }

    /// What `pick` takes of each listener under `key`, to use outside the lock.
    pub(super) fn select<R>(&self, key: &str, pick: impl FnMut(&T) -> Option<R>) -> Vec<R> {
        let mut pick = pick;
        lock(&self.entries)
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|(_, listener)| pick(listener))
            .collect()
    }

    pub(super) fn len(&self) -> usize {
        lock(&self.entries).len()
    }
}
