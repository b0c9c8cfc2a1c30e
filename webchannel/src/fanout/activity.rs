//! [`Activity`]: the record of what the runtime knows about one session's traffic — when
//! its client last sent anything, how long it has lately kept a ping waiting before it
//! did, when the output before each [`Checkpoint`] had been written to it, and when its
//! pongs showed it had read that far — kept in atomics that the session writes and anyone
//! holding the channel reads, without a lock (through
//! [`SessionActivity`](super::session_activity::SessionActivity)).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// How many of its latest checkpoints a session remembers exactly.
const REMEMBERED: u64 = 2;

/// The longest wait is the largest of the current window of this length and the one
/// before: of the last 30 to 60 seconds. Long enough to span several keep-alive rounds,
/// short enough that a client slow once is not given its slack for long.
const WAIT_WINDOW: Duration = Duration::from_secs(30);

/// A mark [`Channel::checkpoint`](crate::Channel::checkpoint) placed in every session's
/// output, behind everything emitted before it; ask a session's
/// [`SessionActivity`](crate::SessionActivity) when
/// it got there. Later checkpoints compare greater.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Checkpoint(pub(crate) u64);

/// The record behind a [`SessionActivity`](crate::SessionActivity). Only its session
/// writes it. Times are
/// nanoseconds after `started`, plus one, so that zero means never.
pub(crate) struct Activity {
    started: Instant,
    /// Checkpoints up to this one were taken before the session joined the channel.
    joined_after: u64,
    last_heard: AtomicU64,
    /// The latest checkpoint reached.
    latest_reached: AtomicU64,
    /// When each of the latest checkpoints was reached, checkpoint `n` at `n % REMEMBERED`.
    reached: [AtomicU64; REMEMBERED as usize],
    /// The latest checkpoint the client showed it read.
    latest_read: AtomicU64,
    /// When it showed it read each of the latest ones, in the same slots.
    read: [AtomicU64; REMEMBERED as usize],
    /// The window the waits below belong to, counted from `started`.
    wait_window: AtomicU32,
    /// The longest waits of that window and the one before, in microseconds (71 minutes
    /// at most: longer than any client stays connected without a pong). Four bytes each:
    /// every connected client carries them.
    wait_current: AtomicU32,
    wait_previous: AtomicU32,
}

impl Activity {
    /// The record of a session that starts now, after checkpoint `joined_after`.
    pub(crate) fn new(joined_after: u64) -> Self {
        Self {
            started: Instant::now(),
            joined_after,
            last_heard: AtomicU64::new(0),
            latest_reached: AtomicU64::new(joined_after),
            reached: Default::default(),
            latest_read: AtomicU64::new(joined_after),
            read: Default::default(),
            wait_window: AtomicU32::new(0),
            wait_current: AtomicU32::new(0),
            wait_previous: AtomicU32::new(0),
        }
    }

    /// The client, written a ping `wait` before `now`, was heard from at `now`.
    pub(crate) fn waited(&self, wait: Duration, now: Instant) {
        let window = self.window(now);
        let known = self.wait_window.load(Ordering::Relaxed);
        if window != known {
            let carried = if window == known.saturating_add(1) {
                self.wait_current.load(Ordering::Relaxed)
            } else {
                0
            };
            self.wait_previous.store(carried, Ordering::Relaxed);
            self.wait_current.store(0, Ordering::Relaxed);
            self.wait_window.store(window, Ordering::Release);
        }
        let micros = u32::try_from(wait.as_micros()).unwrap_or(u32::MAX);
        self.wait_current.fetch_max(micros, Ordering::Relaxed);
    }

    /// When the client last sent anything (see `SessionActivity::last_heard`).
    pub(crate) fn last_heard_at(&self) -> Option<Instant> {
        self.instant(self.last_heard.load(Ordering::Relaxed))
    }

    /// When the output before `checkpoint` had been written (see
    /// `SessionActivity::reached`).
    pub(crate) fn reached_at(&self, checkpoint: &Checkpoint) -> Option<Instant> {
        self.at(&self.reached, &self.latest_reached, checkpoint)
    }

    /// When the client showed it had read up to `checkpoint` (see
    /// `SessionActivity::read`).
    pub(crate) fn read_at(&self, checkpoint: &Checkpoint) -> Option<Instant> {
        self.at(&self.read, &self.latest_read, checkpoint)
    }

    /// The longest the client lately kept a ping waiting, as of `now`.
    pub(crate) fn longest_wait(&self, now: Instant) -> Duration {
        let known = self.wait_window.load(Ordering::Acquire);
        let current = self.wait_current.load(Ordering::Relaxed);
        let previous = self.wait_previous.load(Ordering::Relaxed);
        Duration::from_micros(u64::from(match self.window(now).saturating_sub(known) {
            0 => current.max(previous),
            1 => current,
            _ => 0,
        }))
    }

    fn window(&self, now: Instant) -> u32 {
        let window = nanos(now.saturating_duration_since(self.started)) / nanos(WAIT_WINDOW);
        u32::try_from(window).unwrap_or(u32::MAX)
    }

    /// The client sent something at `now`.
    pub(crate) fn heard(&self, now: Instant) {
        self.last_heard.store(self.encode(now), Ordering::Relaxed);
    }

    /// The latest checkpoint reached.
    pub(crate) fn latest_reached(&self) -> u64 {
        self.latest_reached.load(Ordering::Relaxed)
    }

    /// Everything before checkpoint `n` had been written at `now`. Checkpoints reach a
    /// session in order.
    pub(crate) fn reached(&self, n: u64, now: Instant) {
        self.note(&self.reached, &self.latest_reached, n, now);
    }

    /// The client showed at `now` that it read everything before checkpoint `n` (and so
    /// before every earlier one). Never past the latest checkpoint reached: what a client
    /// claims beyond it is not believed.
    pub(crate) fn read_up_to(&self, n: u64, now: Instant) {
        let n = n.min(self.latest_reached());
        self.note(&self.read, &self.latest_read, n, now);
    }

    /// Notes `now` for every checkpoint after `latest` up to `n` (those the slots still
    /// remember), then makes `n` the latest.
    fn note(&self, slots: &[AtomicU64], latest: &AtomicU64, n: u64, now: Instant) {
        let known = latest.load(Ordering::Relaxed);
        if n <= known {
            return;
        }
        let at = self.encode(now);
        for m in (known + 1).max(n.saturating_sub(REMEMBERED - 1))..=n {
            slot(slots, m).store(at, Ordering::Relaxed);
        }
        latest.store(n, Ordering::Release);
    }

    /// What `slots` hold for `checkpoint`, up to `latest`.
    fn at(
        &self,
        slots: &[AtomicU64],
        latest: &AtomicU64,
        checkpoint: &Checkpoint,
    ) -> Option<Instant> {
        let wanted = checkpoint.0;
        if wanted <= self.joined_after {
            // Taken before the session started: nothing of its output came before it.
            return Some(self.started);
        }
        let latest = latest.load(Ordering::Acquire);
        if wanted > latest {
            return None;
        }
        let remembered = wanted.max(latest.saturating_sub(REMEMBERED - 1));
        self.instant(slot(slots, remembered).load(Ordering::Relaxed))
    }

    fn encode(&self, at: Instant) -> u64 {
        nanos(at.saturating_duration_since(self.started)).saturating_add(1)
    }

    fn instant(&self, encoded: u64) -> Option<Instant> {
        let after = encoded.checked_sub(1)?;
        Some(self.started + Duration::from_nanos(after))
    }
}

/// The slot of checkpoint `n`.
fn slot(slots: &[AtomicU64], n: u64) -> &AtomicU64 {
    // The remainder is below `REMEMBERED`, the length of every slot array.
    &slots[(n % REMEMBERED) as usize]
}

/// A duration in nanoseconds; about 584 years fit.
fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(joined_after: u64) -> Activity {
        Activity::new(joined_after)
    }

    fn seconds(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[tokio::test(start_paused = true)]
    async fn last_heard_is_the_latest_frame() {
        let activity = record(0);
        assert_eq!(activity.last_heard_at(), None);
        tokio::time::advance(seconds(2)).await;
        activity.heard(Instant::now());
        assert_eq!(activity.last_heard_at(), Some(Instant::now()));
    }

    #[tokio::test(start_paused = true)]
    async fn checkpoints_are_reached_in_order_and_remembered() {
        let started = Instant::now();
        let activity = record(2);
        // Taken before the session joined: nothing of its output came before them.
        assert_eq!(activity.reached_at(&Checkpoint(2)), Some(started));
        assert_eq!(activity.reached_at(&Checkpoint(3)), None);
        for n in 3..=9 {
            tokio::time::advance(seconds(1)).await;
            activity.reached(n, Instant::now());
        }
        let at = |n: u64| started + seconds(n - 2);
        for n in 8..=9 {
            assert_eq!(
                activity.reached_at(&Checkpoint(n)),
                Some(at(n)),
                "checkpoint {n}"
            );
        }
        // Older ones: the oldest remembered, by which they had been reached too.
        assert_eq!(activity.reached_at(&Checkpoint(3)), Some(at(8)));
        assert_eq!(activity.reached_at(&Checkpoint(7)), Some(at(8)));
        assert_eq!(activity.reached_at(&Checkpoint(10)), None);
        // A mark seen twice changes nothing.
        activity.reached(9, Instant::now() + seconds(5));
        assert_eq!(activity.reached_at(&Checkpoint(9)), Some(at(9)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_pong_shows_every_checkpoint_up_to_its_ping_read() {
        let started = Instant::now();
        let activity = record(0);
        for n in 1..=3 {
            activity.reached(n, started);
        }
        tokio::time::advance(seconds(1)).await;
        activity.read_up_to(2, Instant::now());
        assert_eq!(activity.read_at(&Checkpoint(1)), Some(started + seconds(1)));
        assert_eq!(activity.read_at(&Checkpoint(2)), Some(started + seconds(1)));
        assert_eq!(activity.read_at(&Checkpoint(3)), None);
        // A claim past what was written counts only up to it.
        tokio::time::advance(seconds(1)).await;
        activity.read_up_to(40, Instant::now());
        assert_eq!(activity.read_at(&Checkpoint(3)), Some(started + seconds(2)));
        assert_eq!(activity.read_at(&Checkpoint(4)), None);
        // An older pong changes nothing.
        activity.read_up_to(1, Instant::now() + seconds(5));
        assert_eq!(activity.read_at(&Checkpoint(1)), Some(started + seconds(1)));
    }

    #[tokio::test(start_paused = true)]
    async fn the_longest_wait_is_the_largest_recent_one_and_decays() {
        let activity = record(0);
        assert_eq!(activity.longest_wait(Instant::now()), Duration::ZERO);
        activity.waited(seconds(3), Instant::now());
        activity.waited(seconds(1), Instant::now());
        assert_eq!(activity.longest_wait(Instant::now()), seconds(3));
        // In the next window the old maximum still counts...
        tokio::time::advance(WAIT_WINDOW).await;
        activity.waited(seconds(2), Instant::now());
        assert_eq!(activity.longest_wait(Instant::now()), seconds(3));
        // ...one window later only the newer ones do...
        tokio::time::advance(WAIT_WINDOW).await;
        assert_eq!(activity.longest_wait(Instant::now()), seconds(2));
        // ...and without any, nothing does.
        tokio::time::advance(WAIT_WINDOW).await;
        assert_eq!(activity.longest_wait(Instant::now()), Duration::ZERO);
    }
}
