//! The keep-alive: every `interval` the server asks clients to answer (`keepAlive`), as
//! Qt's example does, and drops the users that do not — judging each by what its client
//! did after the question was written to it, not by when it was asked.
//!
//! A round emits `keepAlive` and takes a checkpoint behind it. Every user that has not
//! answered an earlier round owes this one. The channel probes busy clients with pings
//! every `grace / 4` (see [`KeepAlive::probe_interval`]): a client that reads in order
//! answers each once it has read the frames before it, so its pongs keep coming while it
//! works through a backlog, however far behind, and the first pong to a ping written after
//! the `keepAlive` shows it has read it. A sweep every `grace / 4` (at least 50 ms) drops a
//! user that still owes a round when either
//!
//! - `now > max(written, last_heard) + longest_wait + grace`: its client has sent
//!   nothing, not even a pong, since the `keepAlive` was written to its connection, for
//!   longer than it has lately kept a ping waiting plus the grace (a silent or paused
//!   peer; a client whose process serves many connections in turn is silent between its
//!   turns, and has shown how long), or
//! - `now > read + grace`: a pong showed at `read` that it had read the `keepAlive`, and
//!   it has not answered since (a client that does not answer keep-alives).
//!
//! A user whose `keepAlive` has not been written yet is left to the runtime's own limits
//! on a client that does not read (write timeout, queue limit: the connection closes, and
//! the user is logged out at once).
use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior, interval, interval_at};
use webchannel::{Channel, Checkpoint, Handle, SessionActivity};

use crate::ChatServer;

/// The shortest time between two sweeps, whatever the grace.
const MIN_SWEEP_PERIOD: Duration = Duration::from_millis(50);

/// Timing of the keep-alive check. Qt's example uses 10 s and 2 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeepAlive {
    /// Time between two `keepAlive` signals.
    pub interval: Duration,
    /// How long a client has to answer, counted from when the `keepAlive` could have
    /// reached it (see the module's documentation).
    pub grace: Duration,
}

impl Default for KeepAlive {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(10),
            grace: Duration::from_secs(2),
        }
    }
}

impl KeepAlive {
    /// How often users that owe an answer are checked: a quarter of the grace, so that
    /// a user is dropped at most a quarter of the grace late, and at least 50 ms apart.
    pub fn sweep_period(&self) -> Duration {
        (self.grace / 4).max(MIN_SWEEP_PERIOD)
    }

    /// How often the channel should probe busy clients with pings
    /// ([`Config::probe_interval`](webchannel::Config::probe_interval)): a quarter of the
    /// grace, so that a client reading a backlog in order is heard from well within it.
    pub fn probe_interval(&self) -> Duration {
        self.grace / 4
    }

    /// Whether a user whose session shows `activity` and who owes the round emitted
    /// before `checkpoint` is overdue at `now`. Never while the `keepAlive` has not been
    /// written to the client: the runtime's limits end a connection that does not read.
    pub fn overdue(
        &self,
        activity: &SessionActivity,
        checkpoint: &Checkpoint,
        now: Instant,
    ) -> bool {
        let Some(written) = activity.reached(checkpoint) else {
            return false;
        };
        let heard = activity
            .last_heard()
            .map_or(written, |heard| heard.max(written));
        let silent = now > heard + activity.longest_wait() + self.grace;
        let unanswered = activity
            .read(checkpoint)
            .is_some_and(|read| now > read + self.grace);
        silent || unanswered
    }

    /// Runs the keep-alive rounds and sweeps for `chat`, published on `channel`, until
    /// the task is dropped.
    pub async fn run(self, channel: Channel, chat: Handle<ChatServer>) {
        let mut rounds = interval_at(Instant::now() + self.interval, self.interval);
        rounds.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut sweeps = interval(self.sweep_period());
        sweeps.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = rounds.tick() => {
                    chat.read().await.begin_keep_alive_round();
                    chat.keep_alive();
                    let checkpoint = channel.checkpoint();
                    chat.read().await.keep_alive_sent(checkpoint);
                }
                _ = sweeps.tick() => self.sweep(&channel, &chat).await,
            }
        }
    }

    /// Drops the users that are overdue, and tells everyone once if there were any.
    async fn sweep(&self, channel: &Channel, chat: &Handle<ChatServer>) {
        let now = Instant::now();
        let dropped = chat
            .read()
            .await
            .drop_overdue_users(|session, checkpoint| {
                // A session that has ended logs its user out through the disconnect hook.
                let Some(activity) = channel.session_activity(session) else {
                    return false;
                };
                let overdue = self.overdue(&activity, checkpoint, now);
                if overdue {
                    tracing::debug!(
                        %session,
                        reached_ago = ?activity.reached(checkpoint).map(|at| now - at),
                        heard_ago = ?activity.last_heard().map(|at| now - at),
                        read_ago = ?activity.read(checkpoint).map(|at| now - at),
                        longest_wait = ?activity.longest_wait(),
                        "keep-alive overdue"
                    );
                }
                overdue
            });
        if !dropped.is_empty() {
            tracing::info!(users = ?dropped, "dropped users that did not answer the keep-alive");
            chat.users_changed();
        }
    }
}
