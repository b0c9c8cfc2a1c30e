//! [`Sessions`]: every session of one channel, by id, each with its mailbox and the
//! record of its traffic; and the checkpoints placed in all of them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::ids::SessionId;
use crate::support::locks::lock;

use super::activity::Activity;
use super::event::Event;
use super::mailbox::{Doorbell, Mailbox};
use super::subscribers::Subscribers;

/// The sessions of a channel, and the ids it hands out.
pub(crate) struct Sessions {
    /// Every session's mailbox, which also holds the record of its traffic.
    all: Subscribers,
    next: AtomicU64,
    /// How many bytes a session's backlog may hold before it is closed as too slow.
    backlog_limit: usize,
    /// The number of the latest checkpoint.
    checkpoints: AtomicU64,
    /// Held while a checkpoint is placed, so that every mailbox gets them in order.
    placing: Mutex<()>,
}

impl Sessions {
    pub(crate) fn new(backlog_limit: usize) -> Self {
        Self {
            all: Subscribers::default(),
            next: AtomicU64::new(1),
            backlog_limit,
            checkpoints: AtomicU64::new(0),
            placing: Mutex::new(()),
        }
    }

    /// A new session, whose mailbox rings `doorbell`.
    pub(crate) fn attach(&self, doorbell: Arc<dyn Doorbell>) -> (SessionId, Arc<Mailbox>) {
        let id = SessionId(self.next.fetch_add(1, Ordering::Relaxed));
        // No checkpoint is placed between reading the latest and the mailbox going in: the
        // session is told of every later one, and none of the earlier ones.
        let _in_order = lock(&self.placing);
        let activity = Activity::new(self.checkpoints.load(Ordering::SeqCst));
        let mailbox = Arc::new(Mailbox::new(self.backlog_limit, doorbell, activity));
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

    /// Places the next checkpoint in every session's mailbox and returns its number.
    pub(crate) fn checkpoint(&self) -> u64 {
        let _in_order = lock(&self.placing);
        let n = self.checkpoints.fetch_add(1, Ordering::SeqCst) + 1;
        self.broadcast(|| Event::Checkpoint(n));
        n
    }

    /// The mailbox of the session `id`, with the record of its traffic, while it is
    /// connected.
    pub(crate) fn mailbox(&self, id: SessionId) -> Option<Arc<Mailbox>> {
        self.all.get(id)
    }
}
