//! What every clone of a [`Channel`](super::Channel) shares: the objects published through
//! it (registered by name, or adopted when first sent to a session), its sessions, and
//! each object's [`Publication`] — the audience of its signals, which the object reaches
//! through the object model's `Outlet`.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock, Weak};

use crate::cluster::{SendError, Sent};
use crate::config::Config;
use crate::fanout::audience::Audience;
use crate::fanout::event::Event;
use crate::fanout::sessions::Sessions;
use crate::ids::{ObjectId, SessionId};
use crate::object::change::Change;
use crate::object::erased::{ErasedObject, Outlet, SharedFound};
use crate::object::in_values::Lookup;
use crate::object::meta::ObjectMeta;
use crate::protocol::Frame;
use crate::support::locks::{read, write};

use super::cluster::{
    ClusterSide, Problem, SIGNALS_TOPIC, SignalEntry, SignalReceiver, signature_hash,
};

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
    /// The cluster the channel is an instance of, if any.
    pub(super) cluster: Option<ClusterSide>,
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
    meta: &'static ObjectMeta,
    channel: Weak<ChannelShared>,
}

impl ChannelShared {
    /// A channel with `config`, joining its cluster if it names one.
    pub(crate) fn new(config: Config) -> Arc<Self> {
        Arc::new_cyclic(|this| Self {
            registered: RwLock::default(),
            adopted: RwLock::default(),
            sessions: Sessions::new(config.max_queued_bytes),
            updates_blocked: AtomicBool::new(false),
            cluster: config
                .cluster
                .clone()
                .map(|cluster| ClusterSide::new(cluster, this.clone() as Weak<dyn SignalReceiver>)),
            config,
        })
    }

    /// The object registered under `name`, and its publication.
    fn registered(&self, name: &str) -> Option<(Arc<dyn ErasedObject>, Arc<Publication>)> {
        read(&self.registered)
            .get(name)
            .map(|entry| (Arc::clone(&entry.object), Arc::clone(&entry.publication)))
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

impl SignalReceiver for ChannelShared {
    fn receive(&self, entry: &SignalEntry<'_>, frame: Frame) -> Result<(), Problem> {
        let (object, publication) = self
            .registered(entry.object)
            .ok_or(Problem::UnknownObject)?;
        let matches = object
            .core()
            .meta()
            .signals
            .get(entry.signal)
            .is_some_and(|signal| signature_hash(signal) == entry.signature);
        if !matches {
            return Err(Problem::OtherVersion);
        }
        publication.deliver_signal(entry.signal, frame, SharedFound::default());
        Ok(())
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
            meta: core.meta(),
            channel: Arc::downgrade(channel),
        }
    }

    /// Who hears the object.
    pub(crate) fn audience(&self) -> &Audience {
        &self.audience
    }

    /// Gives the sessions connected to the signal at `signal` its message.
    fn deliver_signal(&self, signal: usize, frame: Frame, objects: SharedFound) {
        self.audience.tell_connected(signal, || Event::Signal {
            frame: frame.clone(),
            objects: objects.clone(),
        });
    }
}

impl Outlet for Publication {
    fn is_heard(&self, signal: usize) -> bool {
        self.audience.is_heard(signal)
    }

    fn signal(&self, signal: usize, frame: Frame, objects: SharedFound) {
        self.deliver_signal(signal, frame, objects);
    }

    fn is_clustered(&self) -> bool {
        self.channel
            .upgrade()
            .is_some_and(|channel| channel.cluster.is_some())
    }

    fn cluster_signal(self: Arc<Self>, signal: usize, frame: Frame, objects: SharedFound) -> Sent {
        if !objects.as_slice().is_empty() {
            static WARNED: AtomicBool = AtomicBool::new(false);
            if !WARNED.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    object = %self.name,
                    signal = self.meta.signals[signal].name,
                    "a cluster signal cannot carry published objects; not sent (logged once)"
                );
            }
            return Sent::ready(Err(SendError::CarriesObjects));
        }
        let Some(channel) = self.channel.upgrade() else {
            return Sent::ready(Err(SendError::NotRegistered));
        };
        let Some(side) = &channel.cluster else {
            self.deliver_signal(signal, frame, objects);
            return Sent::ready(Ok(()));
        };
        let entry = SignalEntry::encode(
            &self.name,
            signal,
            signature_hash(&self.meta.signals[signal]),
            &frame,
        );
        let (sender, sent) = Sent::waiting();
        side.cluster.broker().publish(
            SIGNALS_TOPIC,
            entry,
            Box::new(move |taken| {
                // Here once the broker took it, so the sessions here get it once, and
                // before the response of the call that emitted it (which awaits this).
                if taken.is_ok() {
                    self.deliver_signal(signal, frame, SharedFound::default());
                }
                let _ = sender.send(taken.map_err(SendError::Broker));
            }),
        );
        sent
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
