//! [`Subscription`]: what a subscriber holds; deliveries stop when it is dropped.

use std::fmt;
use std::sync::Mutex;

use crate::support::locks::lock;

/// A subscription to a topic: frames are delivered until it is dropped.
pub struct Subscription(Mutex<Option<Box<dyn FnOnce() + Send>>>);

impl Subscription {
    /// A subscription that calls `end` when dropped (to stop the deliveries).
    pub fn new(end: impl FnOnce() + Send + 'static) -> Self {
        Self(Mutex::new(Some(Box::new(end))))
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(end) = lock(&self.0).take() {
            end();
        }
    }
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Subscription")
    }
}
