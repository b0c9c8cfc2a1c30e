//! The keep-alive: every `interval` the server asks clients to answer (`keepAlive`), as
//! Qt's example does, and drops the users that do not — timing each from when the
//! question could have reached its client, not from when it was asked.
//!
//! A round emits `keepAlive` and takes a checkpoint behind it. Every user that has not
//! answered an earlier round owes this one. A sweep every `grace / 4` (at least 50 ms)
//! drops a user that still owes a round when
//!
//! ```text
//! now > max(reached + max(answer_lag, backlog × time_per_frame), last_heard) + grace
//! ```
//!
//! where `reached` is when everything queued for its client up to the `keepAlive` had
//! been written to the connection, `answer_lag` how long the client has lately taken to
//! answer frames (a `propertyUpdate` with `idle`, a ping with a pong), `backlog` the
//! frames up to the `keepAlive` it had not shown it read and `time_per_frame` how long it
//! has lately taken per frame (so a client whose backlog just grew is given the time to
//! read it), and `last_heard` when it last sent anything: a client busy working through a
//! backlog in order keeps proving it is there. A user whose `keepAlive` has not been
//! written yet is left to the runtime's own limits on a client that does not read (write
//! timeout, queue limit: the connection closes, and the user is logged out at once).

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

    /// Whether a user whose session shows `activity` and who owes the round emitted
    /// before `checkpoint` is overdue at `now`. Never while the `keepAlive` has not been
    /// written to the client: the runtime's limits end a connection that does not read.
    pub fn overdue(
        &self,
        activity: &SessionActivity,
        checkpoint: &Checkpoint,
        now: Instant,
    ) -> bool {
        let Some(read) = activity.expected_read(checkpoint) else {
            return false;
        };
        let heard = activity.last_heard().unwrap_or(read);
        now > read.max(heard) + self.grace
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
                    chat.write().await.begin_keep_alive_round();
                    chat.keep_alive();
                    let checkpoint = channel.checkpoint();
                    chat.write().await.keep_alive_sent(checkpoint);
                }
                _ = sweeps.tick() => self.sweep(&channel, &chat).await,
            }
        }
    }

    /// Drops the users that are overdue, and tells everyone once if there were any.
    async fn sweep(&self, channel: &Channel, chat: &Handle<ChatServer>) {
        let now = Instant::now();
        let dropped = chat
            .write()
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
                        answer_lag = ?activity.answer_lag(),
                        backlog = ?activity.backlog(checkpoint),
                        time_per_frame = ?activity.time_per_frame(),
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
