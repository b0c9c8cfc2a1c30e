//! [`Sessions`]: every session of one channel, by id, each with its mailbox and the
//! record of its traffic; and the checkpoints placed in all of them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use crate::ids::SessionId;
use crate::support::locks::{lock, read, write};

use super::activity::Activity;
use super::event::Event;
use super::mailbox::{Doorbell, Mailbox};
use super::subscribers::Subscribers;

/// The sessions of a channel, and the ids it hands out.
pub(crate) struct Sessions {
    all: Subscribers,
    activity: RwLock<HashMap<SessionId, Arc<Activity>>>,
    next: AtomicU64,
    /// How many bytes a session's backlog may hold before it is closed as too slow.
    backlog_limit: usize,
    /// The number of the latest checkpoint.
    checkpoints: AtomicU64,
    /// Held while a checkpoint is placed, so that every mailbox gets them in order.
    placing: Mutex<()>,
}

/// What a new session gets from the channel.
pub(crate) struct Attached {
    pub(crate) id: SessionId,
    pub(crate) mailbox: Arc<Mailbox>,
    pub(crate) activity: Arc<Activity>,
}

impl Sessions {
    pub(crate) fn new(backlog_limit: usize) -> Self {
        Self {
            all: Subscribers::default(),
            activity: RwLock::default(),
            next: AtomicU64::new(1),
            backlog_limit,
            checkpoints: AtomicU64::new(0),
            placing: Mutex::new(()),
        }
    }

    /// A new session, whose mailbox rings `doorbell`.
    pub(crate) fn attach(&self, doorbell: Arc<dyn Doorbell>) -> Attached {
        let id = SessionId(self.next.fetch_add(1, Ordering::Relaxed));
        let mailbox = Arc::new(Mailbox::new(self.backlog_limit, doorbell));
        self.all.insert(id, &mailbox);
        // Read once the mailbox is in: every later checkpoint reaches it.
        let activity = Arc::new(Activity::new(self.checkpoints.load(Ordering::SeqCst)));
        write(&self.activity).insert(id, Arc::clone(&activity));
        Attached {
            id,
            mailbox,
            activity,
        }
    }

    pub(crate) fn detach(&self, id: SessionId) {
        self.all.remove(id);
        write(&self.activity).remove(&id);
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

    /// The traffic record of the session `id`, while it is connected.
    pub(crate) fn activity(&self, id: SessionId) -> Option<Arc<Activity>> {
        read(&self.activity).get(&id).cloned()
    }
}
