//! [`Channel`]: the registry of published objects and of the sessions that use them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use indexmap::IndexMap;

use crate::RegisterError;
use crate::config::Config;
use crate::fanout::{Event, Mailbox};
use crate::handle::Handle;
use crate::object::Object;
use crate::published::{ErasedObject, Published};
use crate::session::{CloseReason, SessionId};

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
    objects: RwLock<BTreeMap<Arc<str>, Arc<dyn ErasedObject>>>,
    sessions: RwLock<IndexMap<SessionId, Arc<Mailbox>>>,
    next_session: AtomicU64,
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
                objects: RwLock::default(),
                sessions: RwLock::default(),
                next_session: AtomicU64::new(1),
                config,
            }),
        }
    }

    /// The channel's settings.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Publishes `object` under `name` and returns its handle.
    pub fn register<T: Object>(
        &self,
        name: impl Into<String>,
        object: T,
    ) -> Result<Handle<T>, RegisterError> {
        let name: String = name.into();
        if name.is_empty() {
            return Err(RegisterError::EmptyName);
        }
        let mut objects = self
            .shared
            .objects
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if objects.contains_key(name.as_str()) {
            return Err(RegisterError::NameTaken(name));
        }
        let name: Arc<str> = name.into();
        let published = Published::new(Arc::clone(&name), object, Arc::downgrade(&self.shared));
        objects.insert(name, Arc::clone(&published) as Arc<dyn ErasedObject>);
        Ok(Handle(published))
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

    pub(crate) fn object(&self, name: &str) -> Option<Arc<dyn ErasedObject>> {
        read(&self.shared.objects).get(name).cloned()
    }

    /// Every registered object, in name order.
    pub(crate) fn objects(&self) -> Vec<Arc<dyn ErasedObject>> {
        read(&self.shared.objects).values().cloned().collect()
    }

    pub(crate) fn attach(&self) -> (SessionId, Arc<Mailbox>) {
        let id = SessionId(self.shared.next_session.fetch_add(1, Ordering::Relaxed));
        let mailbox = Arc::new(Mailbox::new(self.shared.config.max_queued_events));
        self.shared
            .sessions
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, Arc::clone(&mailbox));
        (id, mailbox)
    }

    pub(crate) fn detach(&self, id: SessionId) {
        self.shared
            .sessions
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .swap_remove(&id);
    }
}

impl ChannelShared {
    /// Gives every session an event.
    pub(crate) fn broadcast(&self, event: impl Fn() -> Event) {
        for mailbox in read(&self.sessions).values() {
            mailbox.push(event());
        }
    }
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

impl std::fmt::Debug for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channel")
            .field(
                "objects",
                &read(&self.shared.objects).keys().collect::<Vec<_>>(),
            )
            .field("sessions", &self.session_count())
            .finish()
    }
}
