//! [`Registry`]: who listens to what — a topic's subscribers, a set's watchers — each
//! leaving when its [`Subscription`] is dropped. Brokers keep their listeners in one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::support::locks::lock;

use super::subscription::Subscription;

/// Listeners by key (a topic, a channel), for [`Broker`](super::Broker) implementations.
pub struct Registry<T> {
    entries: Mutex<HashMap<String, Vec<(u64, T)>>>,
    next: AtomicU64,
}

impl<T> std::fmt::Debug for Registry<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("keys", &lock(&self.entries).len())
            .finish()
    }
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
    pub fn add(self: &Arc<Self>, key: &str, listener: T) -> Subscription {
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

    /// What `pick` takes of each listener under `key`, to use outside the lock (where a
    /// listener may subscribe or unsubscribe in turn).
    pub fn select<R>(&self, key: &str, pick: impl FnMut(&T) -> Option<R>) -> Vec<R> {
        let mut pick = pick;
        lock(&self.entries)
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|(_, listener)| pick(listener))
            .collect()
    }

    /// Every key with a listener.
    pub fn keys(&self) -> Vec<String> {
        lock(&self.entries).keys().cloned().collect()
    }

    /// How many keys have a listener.
    pub fn len(&self) -> usize {
        lock(&self.entries).len()
    }

    /// Whether no key has a listener.
    pub fn is_empty(&self) -> bool {
        lock(&self.entries).is_empty()
    }
}
