//! [`Subscribers`]: a set of sessions, each with its mailbox — those connected to one
//! signal, those that know one object, or every session of a channel.

use std::sync::{Arc, RwLock};

use indexmap::IndexMap;

use crate::ids::SessionId;
use crate::support::locks::{read, write};

use super::event::Event;
use super::mailbox::Mailbox;

/// A set of sessions and their mailboxes.
#[derive(Default)]
pub(crate) struct Subscribers(RwLock<IndexMap<SessionId, Arc<Mailbox>>>);

impl Subscribers {
    /// Adds the session; returns false when it was already in.
    pub(crate) fn insert(&self, session: SessionId, mailbox: &Arc<Mailbox>) -> bool {
        match write(&self.0).entry(session) {
            indexmap::map::Entry::Occupied(_) => false,
            indexmap::map::Entry::Vacant(entry) => {
                entry.insert(Arc::clone(mailbox));
                true
            }
        }
    }

    /// Removes the session; returns false when it was not in.
    pub(crate) fn remove(&self, session: SessionId) -> bool {
        write(&self.0).swap_remove(&session).is_some()
    }

    pub(crate) fn get(&self, session: SessionId) -> Option<Arc<Mailbox>> {
        read(&self.0).get(&session).cloned()
    }

    pub(crate) fn contains(&self, session: SessionId) -> bool {
        read(&self.0).contains_key(&session)
    }

    pub(crate) fn is_empty(&self) -> bool {
        read(&self.0).is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        read(&self.0).len()
    }

    /// Removes every session.
    pub(crate) fn clear(&self) {
        write(&self.0).clear();
    }

    /// Gives every session an event of its own.
    pub(crate) fn push_each(&self, event: impl Fn() -> Event) {
        for mailbox in read(&self.0).values() {
            mailbox.push(event());
        }
    }
}
