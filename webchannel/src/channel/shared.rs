//! What every clone of a [`Channel`](super::Channel) shares: the objects published through
//! it (registered by name, or adopted when first sent to a session), its sessions, and
//! each object's [`Publication`] — the audience of its signals, which the object reaches
//! through the object model's `Outlet`.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock, Weak};

use crate::config::Config;
use crate::fanout::audience::Audience;
use crate::fanout::event::Event;
use crate::fanout::sessions::Sessions;
use crate::ids::{ObjectId, SessionId};
use crate::object::change::Change;
use crate::object::erased::{ErasedObject, Outlet, SharedFound};
use crate::object::in_values::Lookup;
use crate::protocol::Frame;
use crate::support::locks::{read, write};

/// The state behind a [`Channel`](super::Channel).
pub(crate) struct ChannelShared {
    /// Objects registered by name; the channel keeps them alive.
    registered: RwLock<BTreeMap<Arc<str>, Entry>>,
    /// Objects made with `Handle::new` that were sent to a session; their handles keep
    /// them alive.
    adopted: RwLock<HashMap<Arc<str>, Adopted>>,
    pub(crate) sessions: Sessions,
    updates_blocked: AtomicBool,
    pub(crate) config: Config,
}

/// A registered object and its publication.
struct Entry {
    object: Arc<dyn ErasedObject>,
    publication: Arc<Publication>,
}

/// An adopted object, held weakly, and its publication.
struct Adopted {
    object: Weak<dyn ErasedObject>,
    publication: Arc<Publication>,
}

/// One object's place in a channel: who hears its signals, and the channel to broadcast
/// to and to leave when it goes away.
pub(crate) struct Publication {
    audience: Audience,
    name: Arc<str>,
    channel: Weak<ChannelShared>,
}

impl ChannelShared {
    pub(crate) fn new(config: Config) -> Self {
        Self {
            registered: RwLock::default(),
            adopted: RwLock::default(),
            sessions: Sessions::new(config.max_queued_bytes),
            updates_blocked: AtomicBool::new(false),
            config,
        }
    }

    /// Registers `object` under its name; false when the name is taken.
    pub(crate) fn register(self: &Arc<Self>, object: Arc<dyn ErasedObject>) -> bool {
        let core = object.core();
        let name = Arc::clone(core.name());
        let mut registered = write(&self.registered);
        if registered.contains_key(&name) || self.is_adopted(&name) {
            return false;
        }
        let publication = Arc::new(Publication::new(self, &object));
        // A new object is bound nowhere yet.
        let _ = core.bind(Arc::clone(&publication) as Arc<dyn Outlet>);
        registered.insert(
            name,
            Entry {
                object,
                publication,
            },
        );
        true
    }

    fn is_adopted(&self, name: &str) -> bool {
        read(&self.adopted)
            .get(name)
            .is_some_and(|adopted| adopted.object.strong_count() > 0)
    }

    /// Withdraws the object registered under `name`: its signal connections are dropped
    /// and every session is sent its `destroyed`. False when no object had that name.
    pub(crate) fn deregister(&self, name: &str) -> bool {
        let Some(entry) = write(&self.registered).remove(name) else {
            return false;
        };
        let core = entry.object.core();
        core.unregister();
        entry.publication.audience.unsubscribe_all();
        let frame = core.identity().destroyed_frame();
        let id = core.id();
        self.sessions.broadcast(|| Event::Destroyed {
            object: id,
            frame: frame.clone(),
        });
        true
    }

    pub(crate) fn set_updates_blocked(&self, blocked: bool) {
        let was = self.updates_blocked.swap(blocked, Ordering::AcqRel);
        if was && !blocked {
            self.sessions.broadcast(|| Event::UpdatesReleased);
        }
    }

    pub(crate) fn updates_blocked(&self) -> bool {
        self.updates_blocked.load(Ordering::Acquire)
    }

    /// Every registered object, in name order.
    pub(crate) fn objects(&self) -> Vec<Arc<dyn ErasedObject>> {
        read(&self.registered)
            .values()
            .map(|entry| Arc::clone(&entry.object))
            .collect()
    }

    /// The names of the registered objects, in order.
    pub(crate) fn names(&self) -> Vec<Arc<str>> {
        read(&self.registered).keys().cloned().collect()
    }

    /// The object named `name` and its publication, if `session` may use it: registered
    /// objects are known to every session, the others only to the sessions they were sent
    /// to.
    pub(crate) fn published_for(
        &self,
        session: SessionId,
        name: &str,
    ) -> Option<(Arc<dyn ErasedObject>, Arc<Publication>)> {
        self.find(session, name, |object, publication| {
            (Arc::clone(object), Arc::clone(publication))
        })
    }

    /// Looks `name` up for `session` and lets `pick` take what it needs of the object.
    fn find<R>(
        &self,
        session: SessionId,
        name: &str,
        pick: impl FnOnce(&Arc<dyn ErasedObject>, &Arc<Publication>) -> R,
    ) -> Option<R> {
        if let Some(entry) = read(&self.registered).get(name) {
            return Some(pick(&entry.object, &entry.publication));
        }
        let adopted = read(&self.adopted);
        let adopted = adopted.get(name)?;
        if !adopted.publication.audience.knows(session) {
            return None;
        }
        Some(pick(&adopted.object.upgrade()?, &adopted.publication))
    }

    /// Makes an object made with `Handle::new` reachable by its name, now that it is sent
    /// to a session, and gives its publication; `None` for a registered object, or one
    /// published through another channel.
    pub(crate) fn adopt(
        self: &Arc<Self>,
        object: &Arc<dyn ErasedObject>,
    ) -> Option<Arc<Publication>> {
        let core = object.core();
        if core.is_registered() {
            return None;
        }
        let mut adopted = write(&self.adopted);
        if let Some(known) = adopted.get(core.name())
            && known.object.strong_count() > 0
        {
            return Some(Arc::clone(&known.publication));
        }
        let publication = Arc::new(Publication::new(self, object));
        core.bind(Arc::clone(&publication) as Arc<dyn Outlet>)
            .ok()?;
        adopted.insert(
            Arc::clone(core.name()),
            Adopted {
                object: Arc::downgrade(object),
                publication: Arc::clone(&publication),
            },
        );
        Some(publication)
    }

    /// Drops the entry of an adopted object that has gone away.
    fn forget(&self, name: &str) {
        let mut adopted = write(&self.adopted);
        if adopted
            .get(name)
            .is_some_and(|adopted| adopted.object.strong_count() == 0)
        {
            adopted.remove(name);
        }
    }
}

impl Lookup for ChannelShared {
    fn object_for(&self, session: SessionId, name: &str) -> Option<Arc<dyn ErasedObject>> {
        self.find(session, name, |object, _| Arc::clone(object))
    }
}

impl Publication {
    fn new(channel: &Arc<ChannelShared>, object: &Arc<dyn ErasedObject>) -> Self {
        let core = object.core();
        Self {
            audience: Audience::new(core.meta().signals.len()),
            name: Arc::clone(core.name()),
            channel: Arc::downgrade(channel),
        }
    }

    /// Who hears the object.
    pub(crate) fn audience(&self) -> &Audience {
        &self.audience
    }
}

impl Outlet for Publication {
    fn is_heard(&self, signal: usize) -> bool {
        self.audience.is_heard(signal)
    }

    fn signal(&self, signal: usize, frame: Frame, objects: SharedFound) {
        self.audience.tell_connected(signal, || Event::Signal {
            frame: frame.clone(),
            objects: objects.clone(),
        });
    }

    fn notify(&self, object: &Arc<dyn ErasedObject>, change: Change, objects: SharedFound) {
        let event = || Event::Notify {
            object: Arc::downgrade(object),
            change: change.clone(),
            objects: objects.clone(),
        };
        if object.core().is_registered() {
            if let Some(channel) = self.channel.upgrade() {
                channel.sessions.broadcast(event);
            }
        } else {
            self.audience.tell_knowers(event);
        }
    }

    fn dropped(&self, object: ObjectId, destroyed: Frame) {
        self.audience.tell_knowers(|| Event::Destroyed {
            object,
            frame: destroyed.clone(),
        });
        if let Some(channel) = self.channel.upgrade() {
            channel.forget(&self.name);
        }
    }
}
