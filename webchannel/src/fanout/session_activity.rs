//! [`SessionActivity`]: the public view of a session's [`Activity`] record, read through
//! the session's mailbox, which holds it.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::activity::{Activity, Checkpoint};
use super::mailbox::Mailbox;

/// What the runtime knows about one session's traffic, from
/// [`Channel::session_activity`](crate::Channel::session_activity): what an application
/// that checks whether its clients are still there (a keep-alive) can base its deadlines
/// on, instead of on when it asked.
///
/// A snapshot read from atomics the session updates as it goes: cheap to read, and
/// current within the step the session is in. Instants are tokio's (`tokio::time::Instant`),
/// so tests with paused time see them move with their clock.
#[derive(Clone)]
pub struct SessionActivity(pub(crate) Arc<Mailbox>);

impl SessionActivity {
    fn record(&self) -> &Activity {
        self.0.activity()
    }

    /// When the client last sent anything: a message (an `idle`, a call, ...), a binary
    /// frame or a pong; `None` before its first. Kept from the session's first
    /// [`Checkpoint`] on, since it only means something measured against one (a channel
    /// that takes none reads no clock per message); pongs are always kept.
    pub fn last_heard(&self) -> Option<Instant> {
        self.record().last_heard_at()
    }

    /// The longest the client has lately (in the last 30 to 60 seconds) kept the server
    /// waiting: from writing it a ping to hearing anything from it. Zero without pings. A
    /// client whose process is busy elsewhere (one event loop shared by many connections)
    /// is silent that long between its turns, however promptly it reads when its turn
    /// comes; a silent peer stops adding to it.
    pub fn longest_wait(&self) -> Duration {
        self.record().longest_wait(Instant::now())
    }

    /// When everything emitted to this session before `checkpoint` had been written to its
    /// transport (a write to the socket completed; for a
    /// [`DirectSession`](crate::DirectSession), handed to its callback); `None` while it
    /// has not. Property changes are state, not history: the `propertyUpdate` carrying
    /// them goes out when the client is idle, which may be after the checkpoint.
    ///
    /// Exact for the session's two latest checkpoints; for an older one, the time the
    /// oldest of those was reached, by which the older one had been too. A checkpoint
    /// taken before the session started counts as reached when it started. Checkpoints of
    /// another channel mean nothing here.
    pub fn reached(&self, checkpoint: &Checkpoint) -> Option<Instant> {
        self.record().reached_at(checkpoint)
    }

    /// When the client showed it had read everything before `checkpoint`: its pong to the
    /// first ping written after that arrived. `None` while none has; always `None` where
    /// no pings are sent (a [`DirectSession`](crate::DirectSession), a channel without
    /// [`Config::probe_interval`](crate::Config::probe_interval) whose client was not
    /// quiet long enough for a liveness ping). A client answers a ping once it has read
    /// the frames before it if it reads in order, as WebSocket clients do.
    ///
    /// Exact and approximate like [`reached`](Self::reached): for an old checkpoint, a
    /// later time than it was read.
    pub fn read(&self, checkpoint: &Checkpoint) -> Option<Instant> {
        self.record().read_at(checkpoint)
    }
}

impl std::fmt::Debug for SessionActivity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionActivity")
            .field("last_heard", &self.last_heard())
            .field("longest_wait", &self.longest_wait())
            .finish_non_exhaustive()
    }
}
