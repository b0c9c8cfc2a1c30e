//! [`SessionActivity`]: what the runtime knows about one session's traffic — when its
//! client last sent anything, when the output before each [`Checkpoint`] had been written
//! to it and how much of that it had not yet shown it read, and how long it takes to
//! answer — kept in atomics that the session writes and anyone holding the channel reads,
//! without a lock.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// How many of its latest checkpoints a session remembers exactly.
const REMEMBERED: u64 = 4;

/// The answer lag and the time per frame are the largest samples of the current window of
/// this length and the one before: of the last 30 to 60 seconds. Long enough to span several keep-alive rounds of
/// a login storm, short enough that a client slow once is not given its slack for long.
const LAG_WINDOW: Duration = Duration::from_secs(30);

/// A mark [`Channel::checkpoint`](crate::Channel::checkpoint) placed in every session's
/// output, behind everything emitted before it; ask a session's [`SessionActivity`] when
/// it got there. Later checkpoints compare greater.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Checkpoint(pub(crate) u64);

/// What the runtime knows about one session's traffic, from
/// [`Channel::session_activity`](crate::Channel::session_activity): what an application
/// that checks whether its clients are still there (a keep-alive) can base its deadlines
/// on, instead of on when it asked.
///
/// A snapshot read from atomics the session updates as it goes: cheap to read, and
/// current within the step the session is in. Instants are tokio's (`tokio::time::Instant`),
/// so tests with paused time see them move with their clock.
#[derive(Clone)]
pub struct SessionActivity(pub(crate) Arc<Activity>);

impl SessionActivity {
    /// When the client last sent anything: a message (an `idle`, a call, ...), a binary
    /// frame or a pong; `None` before its first. Kept from the session's first
    /// [`Checkpoint`] on, since it only means something measured against one (a channel
    /// that takes none reads no clock per message); pongs are always kept.
    pub fn last_heard(&self) -> Option<Instant> {
        self.0.instant(self.0.last_heard.load(Ordering::Relaxed))
    }

    /// When everything emitted to this session before `checkpoint` had been written to its
    /// transport (a write to the socket completed; for a
    /// [`DirectSession`](crate::DirectSession), handed to its callback); `None` while it
    /// has not. Property changes are state, not history: the `propertyUpdate` carrying
    /// them goes out when the client is idle, which may be after the checkpoint.
    ///
    /// Exact for the session's four latest checkpoints; for an older one, the time the
    /// oldest of those was reached, by which the older one had been too. A checkpoint
    /// taken before the session started counts as reached when it started. Checkpoints of
    /// another channel mean nothing here.
    pub fn reached(&self, checkpoint: &Checkpoint) -> Option<Instant> {
        let activity = &self.0;
        match self.slot(checkpoint)? {
            Slot::BeforeStart => Some(activity.started),
            Slot::Remembered(n) => {
                activity.instant(activity.reached_slot(n).load(Ordering::Relaxed))
            }
        }
    }

    /// How long this client has lately taken to answer the frames that ask for an answer
    /// — a `propertyUpdate` (answered by `idle`) and a ping (answered by a pong) — from
    /// when the frame was written to when the answer arrived: the largest such time of
    /// the last 30 to 60 seconds, zero without one. A client that was slow a moment ago
    /// is expected to be slow now; one that stopped answering stops adding to it.
    pub fn answer_lag(&self) -> Duration {
        self.0.lags(Instant::now()).0
    }

    /// How long this client has lately taken per frame: for each answer, its lag divided
    /// by the frames it had to read first (those up to the question that it had not shown
    /// it read when the question was written); the largest of the last 30 to 60 seconds.
    pub fn time_per_frame(&self) -> Duration {
        self.0.lags(Instant::now()).1
    }

    /// How many frames up to `checkpoint`'s mark the client had not shown it read (by
    /// answering something written after them) when the mark was written; `None` while it
    /// has not been. Exact and approximate like [`reached`](Self::reached).
    pub fn backlog(&self, checkpoint: &Checkpoint) -> Option<u64> {
        let slot = self.slot(checkpoint)?;
        Some(match slot {
            Slot::BeforeStart => 0,
            Slot::Remembered(n) => self.0.backlog_slot(n).load(Ordering::Relaxed),
        })
    }

    /// When a client that reads in order, as fast as it lately has, can be expected to
    /// have read everything before `checkpoint`: when that had been written, plus the
    /// longer of its [`answer_lag`](Self::answer_lag) and the time its
    /// [`backlog`](Self::backlog) takes at its [`time_per_frame`](Self::time_per_frame).
    /// `None` while it has not been written.
    pub fn expected_read(&self, checkpoint: &Checkpoint) -> Option<Instant> {
        let reached = self.reached(checkpoint)?;
        let backlog = self.backlog(checkpoint)?;
        let (answer_lag, per_frame) = self.0.lags(Instant::now());
        let backlog_time = per_frame.saturating_mul(u32::try_from(backlog).unwrap_or(u32::MAX));
        Some(reached + answer_lag.max(backlog_time))
    }

    fn slot(&self, checkpoint: &Checkpoint) -> Option<Slot> {
        let activity = &self.0;
        let wanted = checkpoint.0;
        if wanted <= activity.joined_after {
            return Some(Slot::BeforeStart);
        }
        let latest = activity.latest.load(Ordering::Acquire);
        if wanted > latest {
            return None;
        }
        Some(Slot::Remembered(
            wanted.max(latest.saturating_sub(REMEMBERED - 1)),
        ))
    }
}

/// Where what a session knows of a checkpoint it has reached is.
enum Slot {
    /// Taken before the session started: nothing of its output came before it.
    BeforeStart,
    /// Kept under this checkpoint's number (an older one's under the oldest remembered).
    Remembered(u64),
}

impl std::fmt::Debug for SessionActivity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionActivity")
            .field("last_heard", &self.last_heard())
            .field("answer_lag", &self.answer_lag())
            .field("time_per_frame", &self.time_per_frame())
            .finish_non_exhaustive()
    }
}

/// The record behind a [`SessionActivity`]. Only its session writes it. Times are
/// nanoseconds after `started`, plus one, so that zero means never.
pub(crate) struct Activity {
    started: Instant,
    /// Checkpoints up to this one were taken before the session joined the channel.
    joined_after: u64,
    last_heard: AtomicU64,
    /// The latest checkpoint reached.
    latest: AtomicU64,
    /// When each of the latest checkpoints was reached, checkpoint `n` at `n % REMEMBERED`.
    reached: [AtomicU64; REMEMBERED as usize],
    /// The backlog of each of the latest checkpoints, in the same slots.
    backlog: [AtomicU64; REMEMBERED as usize],
    /// The window the maxima below belong to, counted from `started`.
    lag_window: AtomicU64,
    lag_current: AtomicU64,
    lag_previous: AtomicU64,
    per_frame_current: AtomicU64,
    per_frame_previous: AtomicU64,
}

impl Activity {
    /// The record of a session that starts now, after checkpoint `joined_after`.
    pub(crate) fn new(joined_after: u64) -> Self {
        Self {
            started: Instant::now(),
            joined_after,
            last_heard: AtomicU64::new(0),
            latest: AtomicU64::new(joined_after),
            reached: Default::default(),
            backlog: Default::default(),
            lag_window: AtomicU64::new(0),
            lag_current: AtomicU64::new(0),
            lag_previous: AtomicU64::new(0),
            per_frame_current: AtomicU64::new(0),
            per_frame_previous: AtomicU64::new(0),
        }
    }

    /// The client sent something at `now`.
    pub(crate) fn heard(&self, now: Instant) {
        self.last_heard.store(self.encode(now), Ordering::Relaxed);
    }

    /// Everything before checkpoint `n` had been written at `now`, `backlog` frames of it
    /// not shown read by the client. Checkpoints reach a session in order.
    pub(crate) fn reached(&self, n: u64, now: Instant, backlog: u64) {
        if n <= self.latest.load(Ordering::Relaxed) {
            return;
        }
        self.reached_slot(n)
            .store(self.encode(now), Ordering::Relaxed);
        self.backlog_slot(n).store(backlog, Ordering::Relaxed);
        self.latest.store(n, Ordering::Release);
    }

    /// The client answered, at `now`, a frame written `lag` before, with `backlog` frames
    /// up to it that it had not shown it read.
    pub(crate) fn answered(&self, lag: Duration, backlog: u64, now: Instant) {
        let window = self.window(now);
        let known = self.lag_window.load(Ordering::Relaxed);
        if window != known {
            let follows = window == known + 1;
            for (current, previous) in [
                (&self.lag_current, &self.lag_previous),
                (&self.per_frame_current, &self.per_frame_previous),
            ] {
                let carried = if follows {
                    current.load(Ordering::Relaxed)
                } else {
                    0
                };
                previous.store(carried, Ordering::Relaxed);
                current.store(0, Ordering::Relaxed);
            }
            self.lag_window.store(window, Ordering::Release);
        }
        let lag = nanos(lag);
        self.lag_current.fetch_max(lag, Ordering::Relaxed);
        self.per_frame_current
            .fetch_max(lag / backlog.max(1), Ordering::Relaxed);
    }

    /// The answer lag and the time per frame at `now`.
    fn lags(&self, now: Instant) -> (Duration, Duration) {
        let known = self.lag_window.load(Ordering::Acquire);
        let largest = |current: &AtomicU64, previous: &AtomicU64| {
            let current = current.load(Ordering::Relaxed);
            let previous = previous.load(Ordering::Relaxed);
            Duration::from_nanos(match self.window(now).saturating_sub(known) {
                0 => current.max(previous),
                1 => current,
                _ => 0,
            })
        };
        (
            largest(&self.lag_current, &self.lag_previous),
            largest(&self.per_frame_current, &self.per_frame_previous),
        )
    }

    fn reached_slot(&self, n: u64) -> &AtomicU64 {
        // The remainder is below `REMEMBERED`, a valid index.
        &self.reached[(n % REMEMBERED) as usize]
    }

    fn backlog_slot(&self, n: u64) -> &AtomicU64 {
        &self.backlog[(n % REMEMBERED) as usize]
    }

    fn window(&self, now: Instant) -> u64 {
        nanos(now.saturating_duration_since(self.started)) / nanos(LAG_WINDOW)
    }

    fn encode(&self, at: Instant) -> u64 {
        nanos(at.saturating_duration_since(self.started)).saturating_add(1)
    }

    fn instant(&self, encoded: u64) -> Option<Instant> {
        let after = encoded.checked_sub(1)?;
        Some(self.started + Duration::from_nanos(after))
    }
}

/// A duration in nanoseconds; about 584 years fit.
fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(joined_after: u64) -> SessionActivity {
        SessionActivity(Arc::new(Activity::new(joined_after)))
    }

    fn seconds(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[tokio::test(start_paused = true)]
    async fn last_heard_is_the_latest_frame() {
        let activity = record(0);
        assert_eq!(activity.last_heard(), None);
        tokio::time::advance(seconds(2)).await;
        activity.0.heard(Instant::now());
        assert_eq!(activity.last_heard(), Some(Instant::now()));
    }

    #[tokio::test(start_paused = true)]
    async fn checkpoints_are_reached_in_order_and_remembered() {
        let started = Instant::now();
        let activity = record(2);
        // Taken before the session joined: nothing of its output came before them.
        assert_eq!(activity.reached(&Checkpoint(2)), Some(started));
        assert_eq!(activity.reached(&Checkpoint(3)), None);
        for n in 3..=9 {
            tokio::time::advance(seconds(1)).await;
            activity.0.reached(n, Instant::now(), n);
        }
        let at = |n: u64| started + seconds(n - 2);
        for n in 6..=9 {
            assert_eq!(
                activity.reached(&Checkpoint(n)),
                Some(at(n)),
                "checkpoint {n}"
            );
        }
        // Older ones: the oldest remembered, by which they had been reached too.
        assert_eq!(activity.reached(&Checkpoint(3)), Some(at(6)));
        assert_eq!(activity.reached(&Checkpoint(10)), None);
        // So are their backlogs.
        assert_eq!(activity.backlog(&Checkpoint(8)), Some(8));
        assert_eq!(activity.backlog(&Checkpoint(3)), Some(6));
        assert_eq!(activity.backlog(&Checkpoint(2)), Some(0));
        assert_eq!(activity.backlog(&Checkpoint(10)), None);
        // A mark seen twice changes nothing.
        activity.0.reached(9, Instant::now() + seconds(5), 0);
        assert_eq!(activity.reached(&Checkpoint(9)), Some(at(9)));
        assert_eq!(activity.backlog(&Checkpoint(9)), Some(9));
    }

    #[tokio::test(start_paused = true)]
    async fn answer_lag_is_the_largest_recent_sample_and_decays() {
        let activity = record(0);
        assert_eq!(activity.answer_lag(), Duration::ZERO);
        activity.0.answered(seconds(3), 1, Instant::now());
        activity.0.answered(seconds(1), 1, Instant::now());
        assert_eq!(activity.answer_lag(), seconds(3));
        // In the next window the old maximum still counts...
        tokio::time::advance(LAG_WINDOW).await;
        activity.0.answered(seconds(2), 1, Instant::now());
        assert_eq!(activity.answer_lag(), seconds(3));
        // ...one window later only the newer samples do...
        tokio::time::advance(LAG_WINDOW).await;
        assert_eq!(activity.answer_lag(), seconds(2));
        // ...and without samples, nothing does.
        tokio::time::advance(LAG_WINDOW).await;
        assert_eq!(activity.answer_lag(), Duration::ZERO);
        activity.0.answered(seconds(1), 1, Instant::now());
        assert_eq!(activity.answer_lag(), seconds(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_checkpoint_is_expected_read_after_its_backlog_at_the_recent_pace() {
        let activity = record(0);
        // Two seconds to get through 20 frames: 100 ms a frame; a second for a lone frame.
        activity.0.answered(seconds(2), 20, Instant::now());
        activity.0.answered(seconds(1), 0, Instant::now());
        assert_eq!(activity.time_per_frame(), Duration::from_secs(1));
        assert_eq!(activity.answer_lag(), seconds(2));
        let written = Instant::now();
        activity.0.reached(1, written, 5);
        assert_eq!(
            activity.expected_read(&Checkpoint(1)),
            Some(written + seconds(5))
        );
        // A short backlog waits the answer lag.
        activity.0.reached(2, written, 1);
        assert_eq!(
            activity.expected_read(&Checkpoint(2)),
            Some(written + seconds(2))
        );
        assert_eq!(activity.expected_read(&Checkpoint(3)), None);
        // Samples age out with the answer lag.
        tokio::time::advance(LAG_WINDOW * 2).await;
        assert_eq!(activity.time_per_frame(), Duration::ZERO);
        assert_eq!(activity.expected_read(&Checkpoint(1)), Some(written));
    }
}
