//! [`Channel`]: the registry of published objects and of the sessions that use them.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, Weak};

use indexmap::IndexMap;

use crate::RegisterError;
use crate::config::Config;
use crate::fanout::{Event, Mailbox};
use crate::handle::Handle;
use crate::ids::SessionId;
use crate::object::Object;
use crate::protocol::close::CloseReason;
use crate::published::{ErasedObject, Published};
use crate::support::locks::{read, write};

/// The objects published to clients, and the sessions connected to them.
///
/// Cloning is cheap: every clone is the same channel. Serve it with
/// [`Channel::router`] (axum, WebSocket on `/`) or any transport through
/// [`Channel::run_session`].
#[derive(Clone)]
pub struct Channel {
    shared: Arc<ChannelShared>,
}

pub(crate) struct ChannelShared {
    /// Objects registered by name; the channel keeps them alive.
    registered: RwLock<BTreeMap<Arc<str>, Arc<dyn ErasedObject>>>,
    /// Objects made with `Handle::new` that were sent to a session; their handles keep
    /// them alive.
    adopted: RwLock<HashMap<Arc<str>, Weak<dyn ErasedObject>>>,
    sessions: RwLock<IndexMap<SessionId, Arc<Mailbox>>>,
    next_session: AtomicU64,
    updates_blocked: AtomicBool,
    pub(crate) config: Config,
}

impl Default for Channel {
    fn default() -> Self {
        Self::new()
    }
}

impl Channel {
    /// An empty channel with the default [`Config`].
    pub fn new() -> Self {
        Self::with_config(Config::default())
    }

    /// An empty channel with the given settings.
    pub fn with_config(config: Config) -> Self {
        Self {
            shared: Arc::new(ChannelShared {
                registered: RwLock::default(),
                adopted: RwLock::default(),
                sessions: RwLock::default(),
                next_session: AtomicU64::new(1),
                updates_blocked: AtomicBool::new(false),
                config,
            }),
        }
    }

    /// The channel's settings.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Publishes `object` under `name` and returns its handle. Clients connected before
    /// the registration do not see it (the protocol describes objects once, at init).
    pub fn register<T: Object>(
        &self,
        name: impl Into<String>,
        object: T,
    ) -> Result<Handle<T>, RegisterError> {
        let name: String = name.into();
        if name.is_empty() {
            return Err(RegisterError::EmptyName);
        }
        let mut registered = write(&self.shared.registered);
        if registered.contains_key(name.as_str())
            || read(&self.shared.adopted).contains_key(name.as_str())
        {
            return Err(RegisterError::NameTaken(name));
        }
        let name: Arc<str> = name.into();
        let published = Published::new(Some(Arc::clone(&name)), object);
        let erased: Arc<dyn ErasedObject> = published.clone();
        erased.core().bind(&self.shared);
        registered.insert(name, erased);
        Ok(Handle(published))
    }

    /// Withdraws the object registered under `name`: every session is sent its
    /// `destroyed` signal, its signal connections are dropped, and calls to it fail from
    /// now on. Handles to it stay valid. Returns false when no object had that name.
    pub fn deregister(&self, name: &str) -> bool {
        let Some(object) = write(&self.shared.registered).remove(name) else {
            return false;
        };
        let core = object.core();
        core.set_registered(false);
        for subscribers in &core.subscribers {
            subscribers.clear();
        }
        let frame = core.destroyed_frame();
        let id = core.id;
        self.shared.broadcast(|| Event::Destroyed {
            object: id,
            frame: frame.clone(),
        });
        true
    }

    /// Holds property updates back from every session while `blocked` (Qt's
    /// `blockUpdates`); changes keep being recorded and go out, coalesced, once released.
    pub fn set_updates_blocked(&self, blocked: bool) {
        let was = self.shared.updates_blocked.swap(blocked, Ordering::AcqRel);
        if was && !blocked {
            self.shared.broadcast(|| Event::UpdatesReleased);
        }
    }

    /// Whether property updates are held back.
    pub fn updates_blocked(&self) -> bool {
        self.shared.updates_blocked.load(Ordering::Acquire)
    }

    /// How many sessions (connected clients) there are.
    pub fn session_count(&self) -> usize {
        read(&self.shared.sessions).len()
    }

    /// Ends every session: each flushes what is already queued for it and closes with
    /// code 1001 (going away). New sessions are not prevented.
    pub fn close_all(&self) {
        self.shared
            .broadcast(|| Event::Close(CloseReason::Shutdown));
    }

    /// The object named `name`: registered, or adopted after `Handle::new`.
    pub(crate) fn object(&self, name: &str) -> Option<Arc<dyn ErasedObject>> {
        if let Some(object) = read(&self.shared.registered).get(name) {
            return Some(Arc::clone(object));
        }
        read(&self.shared.adopted).get(name).and_then(Weak::upgrade)
    }

    /// The object named `name`, if `session` may use it: registered objects are known to
    /// every session, the others only to the sessions they were sent to.
    pub(crate) fn object_for(
        &self,
        session: SessionId,
        name: &str,
    ) -> Option<Arc<dyn ErasedObject>> {
        let object = self.object(name)?;
        let core = object.core();
        (core.is_registered() || core.knowers.contains(session)).then_some(object)
    }

    /// Every registered object, in name order.
    pub(crate) fn objects(&self) -> Vec<Arc<dyn ErasedObject>> {
        read(&self.shared.registered).values().cloned().collect()
    }

    /// Makes an object created with `Handle::new` reachable by its id, once it is sent.
    pub(crate) fn adopt(&self, object: &Arc<dyn ErasedObject>) {
        self.shared.adopt(object);
    }

    pub(crate) fn attach(&self) -> (SessionId, Arc<Mailbox>) {
        let id = SessionId(self.shared.next_session.fetch_add(1, Ordering::Relaxed));
        let mailbox = Arc::new(Mailbox::new(self.shared.config.max_queued_events));
        write(&self.shared.sessions).insert(id, Arc::clone(&mailbox));
        (id, mailbox)
    }

    pub(crate) fn detach(&self, id: SessionId) {
        write(&self.shared.sessions).swap_remove(&id);
    }
}

impl ChannelShared {
    /// Gives every session an event.
    pub(crate) fn broadcast(&self, event: impl Fn() -> Event) {
        for mailbox in read(&self.sessions).values() {
            mailbox.push(event());
        }
    }

    pub(crate) fn adopt(self: &Arc<Self>, object: &Arc<dyn ErasedObject>) {
        let core = object.core();
        if core.is_registered() || !core.bind(self) {
            return;
        }
        write(&self.adopted)
            .entry(Arc::clone(&core.name))
            .or_insert_with(|| Arc::downgrade(object));
    }

    /// Drops the entry of an adopted object that has gone away.
    pub(crate) fn forget(&self, name: &str) {
        let mut adopted = write(&self.adopted);
        if adopted
            .get(name)
            .is_some_and(|object| object.strong_count() == 0)
        {
            adopted.remove(name);
        }
    }
}

impl std::fmt::Debug for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channel")
            .field(
                "objects",
                &read(&self.shared.registered).keys().collect::<Vec<_>>(),
            )
            .field("sessions", &self.session_count())
            .finish()
    }
}
