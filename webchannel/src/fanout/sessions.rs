//! [`Sessions`]: every session of one channel, by id, each with its mailbox.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::ids::SessionId;

use super::event::Event;
use super::mailbox::{Doorbell, Mailbox};
use super::subscribers::Subscribers;

/// The sessions of a channel, and the ids it hands out.
pub(crate) struct Sessions {
    all: Subscribers,
    next: AtomicU64,
    /// How many bytes a session's backlog may hold before it is closed as too slow.
    backlog_limit: usize,
}

impl Sessions {
    pub(crate) fn new(backlog_limit: usize) -> Self {
        Self {
            all: Subscribers::default(),
            next: AtomicU64::new(1),
            backlog_limit,
        }
    }

    /// A new session, whose mailbox rings `doorbell`.
    pub(crate) fn attach(&self, doorbell: Arc<dyn Doorbell>) -> (SessionId, Arc<Mailbox>) {
        let id = SessionId(self.next.fetch_add(1, Ordering::Relaxed));
        let mailbox = Arc::new(Mailbox::new(self.backlog_limit, doorbell));
        self.all.insert(id, &mailbox);
        (id, mailbox)
    }

    pub(crate) fn detach(&self, id: SessionId) {
        self.all.remove(id);
    }

    pub(crate) fn count(&self) -> usize {
        self.all.len()
    }

    /// Gives every session an event.
    pub(crate) fn broadcast(&self, event: impl Fn() -> Event) {
        self.all.push_each(event);
    }
}
