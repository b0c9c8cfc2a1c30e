//! What the clients add up for the run: progress counters, deliveries, the latency
//! histograms and the first errors.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use tokio::sync::Notify;
use tokio::time::Instant;

use crate::latency::LatencyShards;

/// Errors kept for the report; later ones are only counted.
const KEPT_ERRORS: usize = 10;

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
    /// `done` holds.
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
            tokio::select! {
                () = notified => {}
                () = tokio::time::sleep_until(deadline) => return done(self),
            }
        }
    }
}
