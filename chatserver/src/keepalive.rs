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
//!
//! Clients die one by one; when many fall silent at the same time the cause is common to
//! them — the server, the network, or the one overloaded machine their clients run on —
//! and logging them all out is the worst answer. A sweep therefore also counts the users
//! that are *late*: silent since the `keepAlive` was written (or since they were last
//! heard from) for more than half the grace. A stall that reaches many clients makes them
//! late together, before the first of them is overdue, however differently long each has
//! lately kept a ping waiting. When more users than [`KeepAlive::mass_silence_percent`]
//! of those logged in (and more than [`MASS_SILENCE_MIN_USERS`]) are late at one sweep
//! (those dropped for silence within the last interval count with them), the first rule
//! drops nobody, and goes on dropping nobody until a sweep finds no user it would drop:
//! the connection's own liveness check (a ping after `ping_interval` of silence, a close
//! `pong_timeout` later) ends those that are really gone, which logs them out. The second
//! rule always applies: its users showed they read the question.
use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior, interval, interval_at};
use webchannel::{Channel, Checkpoint, Handle, SessionActivity};

use crate::{ChatServer, OwingUser};

/// The shortest time between two sweeps, whatever the grace.
const MIN_SWEEP_PERIOD: Duration = Duration::from_millis(50);

/// Silent users at one sweep that are dropped however small the room: a room of a few
/// still loses its one dead user.
pub const MASS_SILENCE_MIN_USERS: usize = 5;

/// Timing of the keep-alive check. Qt's example uses 10 s and 2 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeepAlive {
    /// Time between two `keepAlive` signals.
    pub interval: Duration,
    /// How long a client has to answer, counted from when the `keepAlive` could have
    /// reached it (see the module's documentation).
    pub grace: Duration,
    /// The share of users, in percent of those logged in, that may be late at once (silent
    /// for more than half the grace) before the keep-alive stops dropping anyone for
    /// silence: when more than this share (and more than [`MASS_SILENCE_MIN_USERS`]) are,
    /// the connections' liveness check decides. 10 by default; 100 turns the brake off.
    pub mass_silence_percent: u8,
}

impl Default for KeepAlive {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(10),
            grace: Duration::from_secs(2),
            mass_silence_percent: 10,
        }
    }
}

/// Why a user that owes a round is overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overdue {
    /// Nothing heard from its client since the `keepAlive` was written, for longer than
    /// it has lately kept a ping waiting plus the grace.
    Silent,
    /// A pong showed it read the `keepAlive` more than the grace ago, and it did not
    /// answer.
    Unanswered,
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

    /// Whether, and why, a user whose session shows `activity` and who owes the round
    /// emitted before `checkpoint` is overdue at `now`. Never while the `keepAlive` has not
    /// been written to the client: the runtime's limits end a connection that does not
    /// read.
    pub fn overdue(
        &self,
        activity: &SessionActivity,
        checkpoint: &Checkpoint,
        now: Instant,
    ) -> Option<Overdue> {
        let silent_since = silent_since(activity, checkpoint)?;
        let unanswered = activity
            .read(checkpoint)
            .is_some_and(|read| now > read + self.grace);
        if unanswered {
            return Some(Overdue::Unanswered);
        }
        (now > silent_since + activity.longest_wait() + self.grace).then_some(Overdue::Silent)
    }

    /// Whether a user whose session shows `activity` and who owes the round emitted
    /// before `checkpoint` is late at `now`: its client has sent nothing since the
    /// `keepAlive` was written, or since it was last heard from, for more than half the
    /// grace. Every user that is overdue for silence is late first; many late at once
    /// are a mass silence.
    pub fn is_late(
        &self,
        activity: &SessionActivity,
        checkpoint: &Checkpoint,
        now: Instant,
    ) -> bool {
        silent_since(activity, checkpoint).is_some_and(|since| now > since + self.grace / 2)
    }

    /// Whether `late` users out of `logged_in` at one sweep are a mass silence, whose
    /// silent users the keep-alive does not drop.
    pub fn is_mass_silence(&self, late: usize, logged_in: usize) -> bool {
        late > MASS_SILENCE_MIN_USERS
            && late * 100 > usize::from(self.mass_silence_percent) * logged_in
    }

    /// Whether a sweep that finds `late` of `logged_in` users late, `silent` of them
    /// overdue for silence, drops none of those; `braking`: whether the sweep before did.
    /// A mass silence ends only when no user is overdue for silence: its stragglers (the
    /// last connections an overloaded machine comes back to, or the ones really gone,
    /// until their connections are closed) belong to it.
    pub fn brakes(&self, braking: bool, late: usize, silent: usize, logged_in: usize) -> bool {
        self.is_mass_silence(late, logged_in) || (braking && silent > 0)
    }

    /// Runs the keep-alive rounds and sweeps for `chat`, published on `channel`, until
    /// the task is dropped.
    pub async fn run(self, channel: Channel, chat: Handle<ChatServer>) {
        let mut rounds = interval_at(Instant::now() + self.interval, self.interval);
        rounds.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut sweeps = interval(self.sweep_period());
        sweeps.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut silences = Silences::default();
        loop {
            tokio::select! {
                _ = rounds.tick() => {
                    chat.read().await.begin_keep_alive_round();
                    chat.keep_alive();
                    let checkpoint = channel.checkpoint();
                    chat.read().await.keep_alive_sent(checkpoint);
                }
                _ = sweeps.tick() => self.sweep(&channel, &chat, &mut silences).await,
            }
        }
    }

    /// Drops the users that are overdue — those found silent only if they are not part
    /// of a mass silence — and tells everyone once if there were any.
    async fn sweep(&self, channel: &Channel, chat: &Handle<ChatServer>, silences: &mut Silences) {
        let now = Instant::now();
        let braking = silences.braking;
        let chat_state = chat.read().await;
        let mut unanswered = Vec::new();
        let mut silent = Vec::new();
        let mut late = 0;
        chat_state.for_each_owing_user(|name, session, checkpoint| {
            // A session that has ended logs its user out through the disconnect hook.
            let Some(activity) = channel.session_activity(session) else {
                return;
            };
            if self.is_late(&activity, &checkpoint, now) {
                late += 1;
            }
            let Some(overdue) = self.overdue(&activity, &checkpoint, now) else {
                return;
            };
            tracing::debug!(
                %session,
                ?overdue,
                reached_ago = ?activity.reached(&checkpoint).map(|at| now - at),
                heard_ago = ?activity.last_heard().map(|at| now - at),
                read_ago = ?activity.read(&checkpoint).map(|at| now - at),
                longest_wait = ?activity.longest_wait(),
                "keep-alive overdue"
            );
            let owing = OwingUser {
                name: name.to_owned(),
                session,
                checkpoint,
            };
            match overdue {
                Overdue::Unanswered => unanswered.push(owing),
                Overdue::Silent => silent.push(owing),
            }
        });
        let logged_in = chat_state.local_user_count();
        let counted = silences.count(late, now, self.interval);
        let brakes = self.brakes(braking, counted, silent.len(), logged_in);
        if brakes && !braking {
            tracing::info!(
                late,
                silent = silent.len(),
                dropped_for_silence_lately = counted - late,
                logged_in,
                "many users fell silent at once; the keep-alive drops none of them while it lasts: \
                 their connections' liveness check closes those that are really gone, which logs them out"
            );
        } else if !brakes && braking {
            tracing::info!(
                "the mass silence is over: no user is overdue for silence; the keep-alive drops silent users again"
            );
        }
        if !brakes {
            silences.dropped.extend(silent.iter().map(|_| now));
            unanswered.append(&mut silent);
        }
        silences.braking = brakes;
        let dropped = chat_state.drop_owing_users(&unanswered);
        drop(chat_state);
        if !dropped.is_empty() {
            tracing::info!(users = ?dropped, "dropped users that did not answer the keep-alive");
            chat.users_changed();
        }
    }
}

/// Since when the client of `activity` has been silent about the round emitted before
/// `checkpoint`: the later of when its `keepAlive` was written and when it was last heard
/// from; `None` while the `keepAlive` has not been written.
fn silent_since(activity: &SessionActivity, checkpoint: &Checkpoint) -> Option<Instant> {
    let written = activity.reached(checkpoint)?;
    Some(
        activity
            .last_heard()
            .map_or(written, |heard| heard.max(written)),
    )
}

/// What the sweeps remember of silences.
#[derive(Debug, Default)]
struct Silences {
    /// Whether the last sweep braked.
    braking: bool,
    /// When each user dropped for silence within the last interval was dropped.
    dropped: VecDeque<Instant>,
}

impl Silences {
    /// The late users a sweep at `now` that found `late` weighs. Outside a mass
    /// silence, a silence that spreads over several sweeps is one silence: the users
    /// dropped for silence within the last `interval` count with those late now. Within
    /// one, only those late now.
    fn count(&mut self, late: usize, now: Instant, interval: Duration) -> usize {
        while self.dropped.front().is_some_and(|at| *at + interval < now) {
            self.dropped.pop_front();
        }
        if self.braking {
            late
        } else {
            late + self.dropped.len()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mass_silence_is_more_than_the_share_and_more_than_the_minimum() {
        let keep_alive = KeepAlive::default();
        // A small room still drops its dead: at most five at once, whatever the share.
        assert!(!keep_alive.is_mass_silence(1, 3));
        assert!(!keep_alive.is_mass_silence(MASS_SILENCE_MIN_USERS, 10));
        // Above five, more than 10 % of the room.
        assert!(keep_alive.is_mass_silence(6, 59));
        assert!(!keep_alive.is_mass_silence(6, 60));
        assert!(keep_alive.is_mass_silence(800, 1000));
        let off = KeepAlive {
            mass_silence_percent: 100,
            ..keep_alive
        };
        assert!(!off.is_mass_silence(1000, 1000));
    }

    #[test]
    fn users_dropped_for_silence_within_the_interval_count_with_those_silent_now() {
        let interval = Duration::from_secs(10);
        let start = Instant::now();
        let mut silences = Silences::default();
        assert_eq!(silences.count(8, start, interval), 8);
        silences.dropped.extend([start; 8]);
        let later = start + Duration::from_millis(500);
        assert_eq!(silences.count(34, later, interval), 42);
        silences.braking = true;
        assert_eq!(
            silences.count(3, later, interval),
            3,
            "while braking: silent now"
        );
        silences.braking = false;
        let gone = start + interval + Duration::from_millis(1);
        assert_eq!(
            silences.count(1, gone, interval),
            1,
            "older than the interval"
        );
    }

    #[test]
    fn a_mass_silence_lasts_until_nobody_is_overdue_for_silence() {
        let keep_alive = KeepAlive::default();
        assert!(keep_alive.brakes(false, 505, 0, 1000));
        // Its last 48 stragglers are not dropped as if they had fallen silent alone.
        assert!(keep_alive.brakes(true, 48, 48, 1000));
        assert!(keep_alive.brakes(true, 1, 1, 1000));
        assert!(!keep_alive.brakes(true, 3, 0, 1000));
        assert!(!keep_alive.brakes(false, 1, 1, 1000));
        // Many late users brake even before any of them is overdue, and keep braking.
        assert!(keep_alive.brakes(false, 200, 0, 1000));
        assert!(keep_alive.brakes(true, 200, 0, 1000));
    }
}
