//! [`Channel`]: the registry of published objects and of the sessions that use them. The
//! public handle is here; what its clones share, in `shared.rs`.

mod cluster;
pub(crate) mod shared;

use std::sync::Arc;

use crate::config::Config;
use crate::error::RegisterError;
use crate::fanout::activity::Checkpoint;
use crate::fanout::event::Event;
use crate::fanout::session_activity::SessionActivity;
use crate::ids::SessionId;
use crate::object::erased::ErasedObject;
use crate::object::in_values::Lookup;
use crate::object::typed::{Handle, Object, Published};
use crate::protocol::close::CloseReason;

use shared::{ChannelShared, Publication};

/// The objects published to clients, and the sessions connected to them.
///
/// Cloning is cheap: every clone is the same channel. Serve it with
/// [`Channel::router`] (axum, WebSocket on `/`) or any transport through
/// [`Channel::run_session`].
#[derive(Clone)]
pub struct Channel {
    shared: Arc<ChannelShared>,
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
            shared: ChannelShared::new(config),
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
        let published = Published::new(Some(Arc::from(name.as_str())), object);
        if !self
            .shared
            .register(Arc::clone(&published) as Arc<dyn ErasedObject>)
        {
            return Err(RegisterError::NameTaken(name));
        }
        Ok(Handle(published))
    }

    /// Withdraws the object registered under `name`: every session is sent its
    /// `destroyed` signal, its signal connections are dropped, and calls to it fail from
    /// now on. Handles to it stay valid. Returns false when no object had that name.
    pub fn deregister(&self, name: &str) -> bool {
        self.shared.deregister(name)
    }

    /// Holds property updates back from every session while `blocked` (Qt's
    /// `blockUpdates`); changes keep being recorded and go out, coalesced, once released.
    pub fn set_updates_blocked(&self, blocked: bool) {
        self.shared.set_updates_blocked(blocked);
    }

    /// Whether property updates are held back.
    pub fn updates_blocked(&self) -> bool {
        self.shared.updates_blocked()
    }

    /// How many sessions (connected clients) there are.
    pub fn session_count(&self) -> usize {
        self.shared.sessions.count()
    }

    /// Places a [`Checkpoint`] in every session's output, behind everything emitted to it
    /// before this call (signals, `destroyed`, responses), in order with them. Each
    /// session's [`SessionActivity::reached`] then tells when its output up to the mark had
    /// been written, and, with [`Config::probe_interval`](crate::Config::probe_interval)
    /// set, [`SessionActivity::read`] when the client's pong showed it had read that far.
    ///
    /// This is what a keep-alive needs to count its grace from when its question could
    /// have reached each client: emit the question, then take a checkpoint. A checkpoint
    /// costs each session an event, nothing per frame.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.shared.sessions.checkpoint())
    }

    /// What is known about the traffic of `session` (when it was last heard from, which
    /// checkpoints it reached and read); `None` once it has ended.
    pub fn session_activity(&self, session: SessionId) -> Option<SessionActivity> {
        self.shared.sessions.mailbox(session).map(SessionActivity)
    }

    /// Ends every session: each flushes what is already queued for it and closes with
    /// code 1001 (going away). New sessions are not prevented.
    pub fn close_all(&self) {
        self.shared
            .sessions
            .broadcast(|| Event::Close(CloseReason::Shutdown));
    }

    /// What the channel's clones share, for the layers above (sessions, drivers).
    pub(crate) fn shared(&self) -> &Arc<ChannelShared> {
        &self.shared
    }

    /// The object named `name`, if `session` may use it.
    pub(crate) fn object_for(
        &self,
        session: SessionId,
        name: &str,
    ) -> Option<Arc<dyn ErasedObject>> {
        self.shared.object_for(session, name)
    }

    /// The object named `name` and its publication, if `session` may use it.
    pub(crate) fn published_for(
        &self,
        session: SessionId,
        name: &str,
    ) -> Option<(Arc<dyn ErasedObject>, Arc<Publication>)> {
        self.shared.published_for(session, name)
    }

    /// Every registered object, in name order.
    pub(crate) fn objects(&self) -> Vec<Arc<dyn ErasedObject>> {
        self.shared.objects()
    }
}

impl std::fmt::Debug for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channel")
            .field("objects", &self.shared.names())
            .field("sessions", &self.session_count())
            .finish()
    }
}
