//! What the clients add up for the run: progress counters, deliveries, the latency
//! histograms and the first errors.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use crate::latency::LatencyShards;

/// Errors kept for the report; later ones are only counted.
const KEPT_ERRORS: usize = 10;

/// How often a wait looks at counts that change without a milestone.
const RECHECK: Duration = Duration::from_millis(50);

/// `sendMessage` calls of all senders.
#[derive(Debug, Default)]
struct Sends {
    attempted: AtomicU64,
    accepted: AtomicU64,
    refused: AtomicU64,
}

/// Clients whose user the server dropped, by how they noticed (one client may notice
/// both ways).
#[derive(Debug, Default)]
struct Dropped {
    /// Noticed either way.
    users: AtomicUsize,
    /// Its name left the `userList`.
    from_list: AtomicUsize,
    /// A `sendMessage` of its own was answered `false`.
    send_refused: AtomicUsize,
}

/// How a client noticed that the server dropped its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DropSign {
    /// Its name left the `userList`.
    LeftUserList,
    /// A `sendMessage` of its own was answered `false`.
    SendRefused,
}

/// The `sendMessage` figures of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SendCounts {
    /// Calls made.
    pub(crate) attempted: u64,
    /// Calls answered `true`.
    pub(crate) accepted: u64,
    /// Calls answered `false`.
    pub(crate) refused: u64,
}

/// The dropped-user figures of a run, in clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DropCounts {
    /// Clients that noticed either way.
    pub(crate) users: usize,
    /// Clients whose name left the `userList`.
    pub(crate) from_list: usize,
    /// Clients that had a `sendMessage` refused.
    pub(crate) send_refused: usize,
}

/// Shared by every client task and the run.
#[derive(Debug)]
pub(crate) struct Tally {
    /// End-to-end latencies, in microseconds.
    pub(crate) latency: LatencyShards,
    logged_in: AtomicUsize,
    finished: AtomicUsize,
    failed: AtomicUsize,
    deliveries: AtomicU64,
    property_updates: AtomicU64,
    verified: AtomicU64,
    parsed: AtomicU64,
    sends: Sends,
    dropped: Dropped,
    errors: Mutex<Vec<String>>,
    progress: Notify,
}

impl Tally {
    /// An empty tally whose latencies go to `shards` histograms.
    pub(crate) fn new(shards: usize) -> Self {
        Self {
            latency: LatencyShards::new(shards),
            logged_in: AtomicUsize::new(0),
            finished: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            deliveries: AtomicU64::new(0),
            property_updates: AtomicU64::new(0),
            verified: AtomicU64::new(0),
            parsed: AtomicU64::new(0),
            sends: Sends::default(),
            dropped: Dropped::default(),
            errors: Mutex::new(Vec::new()),
            progress: Notify::new(),
        }
    }

    /// A client's login was accepted.
    pub(crate) fn logged_in(&self) {
        self.logged_in.fetch_add(1, Ordering::Relaxed);
        self.progress.notify_waiters();
    }

    /// A client received every message it expected.
    pub(crate) fn finished(&self) {
        self.finished.fetch_add(1, Ordering::Relaxed);
        self.progress.notify_waiters();
    }

    /// A client gave up; the run fails.
    pub(crate) fn failed(&self, error: String) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        let mut errors = self.errors.lock().unwrap_or_else(PoisonError::into_inner);
        if errors.len() < KEPT_ERRORS {
            errors.push(error);
        }
        drop(errors);
        self.progress.notify_waiters();
    }

    /// Adds deliveries a client has counted.
    pub(crate) fn add_deliveries(&self, count: u64) {
        self.deliveries.fetch_add(count, Ordering::Relaxed);
    }

    /// Counts a received `propertyUpdate`.
    pub(crate) fn add_property_update(&self) {
        self.property_updates.fetch_add(1, Ordering::Relaxed);
    }

    /// Adds frames whose scan a full parse confirmed.
    pub(crate) fn add_verified(&self, count: u64) {
        self.verified.fetch_add(count, Ordering::Relaxed);
    }

    /// Counts a frame parsed in full by a JavaScript-like client.
    pub(crate) fn add_parsed(&self) {
        self.parsed.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a `sendMessage` call made.
    pub(crate) fn add_send(&self) {
        self.sends.attempted.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts the answer to a `sendMessage` call.
    pub(crate) fn add_send_answer(&self, accepted: bool) {
        let counter = if accepted {
            &self.sends.accepted
        } else {
            &self.sends.refused
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a client that noticed, for the first time, that its user was dropped;
    /// `first_sign` says whether it had noticed no sign before.
    pub(crate) fn add_dropped(&self, sign: DropSign, first_sign: bool) {
        if first_sign {
            self.dropped.users.fetch_add(1, Ordering::Relaxed);
        }
        let counter = match sign {
            DropSign::LeftUserList => &self.dropped.from_list,
            DropSign::SendRefused => &self.dropped.send_refused,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Frames parsed in full by JavaScript-like clients.
    pub(crate) fn parsed(&self) -> u64 {
        self.parsed.load(Ordering::Relaxed)
    }

    /// The `sendMessage` figures so far.
    pub(crate) fn sends(&self) -> SendCounts {
        SendCounts {
            attempted: self.sends.attempted.load(Ordering::Relaxed),
            accepted: self.sends.accepted.load(Ordering::Relaxed),
            refused: self.sends.refused.load(Ordering::Relaxed),
        }
    }

    /// The dropped-user figures so far.
    pub(crate) fn dropped(&self) -> DropCounts {
        DropCounts {
            users: self.dropped.users.load(Ordering::Relaxed),
            from_list: self.dropped.from_list.load(Ordering::Relaxed),
            send_refused: self.dropped.send_refused.load(Ordering::Relaxed),
        }
    }

    /// Clients logged in so far.
    pub(crate) fn logged_in_count(&self) -> usize {
        self.logged_in.load(Ordering::Relaxed)
    }

    /// Clients that received everything.
    pub(crate) fn finished_count(&self) -> usize {
        self.finished.load(Ordering::Relaxed)
    }

    /// Clients that gave up.
    pub(crate) fn failed_count(&self) -> usize {
        self.failed.load(Ordering::Relaxed)
    }

    /// Deliveries reported so far (clients report in batches).
    pub(crate) fn deliveries(&self) -> u64 {
        self.deliveries.load(Ordering::Relaxed)
    }

    /// `propertyUpdate`s received so far, by all clients.
    pub(crate) fn property_updates(&self) -> u64 {
        self.property_updates.load(Ordering::Relaxed)
    }

    /// Frames verified by a full parse.
    pub(crate) fn verified(&self) -> u64 {
        self.verified.load(Ordering::Relaxed)
    }

    /// The first errors.
    pub(crate) fn errors(&self) -> Vec<String> {
        self.errors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits until `done` holds, a client fails, or `deadline` passes; true when
    /// `done` holds. Milestones wake it at once; counts that change without one (such
    /// as deliveries) are looked at every [`RECHECK`].
    pub(crate) async fn wait_until(&self, deadline: Instant, done: impl Fn(&Self) -> bool) -> bool {
        loop {
            let notified = self.progress.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if done(self) {
                return true;
            }
            if self.failed_count() > 0 {
                return false;
            }
            if Instant::now() >= deadline {
                return false;
            }
            let wake = (Instant::now() + RECHECK).min(deadline);
            tokio::select! {
                () = notified => {}
                () = tokio::time::sleep_until(wake) => {}
            }
        }
    }
}
