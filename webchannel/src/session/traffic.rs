//! [`Traffic`]: what a session reports to its activity record — when the client was heard
//! from, when the output up to each checkpoint had been written, and which checkpoints its
//! pongs showed it had read past.
//!
//! A checkpoint's mark in the output is counted in frames still ahead of it, so that
//! frames carry nothing extra and a session without marks does no work per frame: the
//! counts change only when frames are handed to the driver, and the driver says when those
//! have been written. A ping carries the latest checkpoint whose mark is ahead of it; the
//! client's pong echoes it, once an in-order client has read that far. When the client was
//! last heard from is only of use measured against a checkpoint, so it is stamped from the
//! session's first one on: a channel that takes none reads no clock per message.

use tokio::time::Instant;

use crate::fanout::activity::Activity;

/// A checkpoint's mark in the output.
struct Mark {
    checkpoint: u64,
    /// Frames ahead of the mark not handed to the driver yet (zero once they have been,
    /// until the driver says they were written).
    ahead: usize,
}

/// One session's report of its traffic to its activity record (which the session's
/// mailbox holds, and every call is given). Kept small: every connected client carries it.
#[derive(Default)]
pub(super) struct Traffic {
    /// Checkpoint marks in output order; a few at most.
    marks: Vec<Mark>,
    /// Whether a mark has had all frames ahead of it handed out, and waits for the driver
    /// to say they were written.
    passed: bool,
    /// Whether frames from the client are stamped: once a checkpoint has reached the
    /// session.
    stamps_heard: bool,
    /// When the first ping written since the client was last heard from was written.
    waiting_since: Option<Instant>,
}

impl Traffic {
    /// The client sent something.
    // Called for every message: without checkpoints it is one branch where it is called.
    #[inline]
    pub(super) fn heard(&mut self, activity: &Activity) {
        if self.stamps_heard || self.waiting_since.is_some() {
            self.note_heard(activity, Instant::now());
        }
    }

    fn note_heard(&mut self, activity: &Activity, now: Instant) {
        activity.heard(now);
        if let Some(since) = self.waiting_since.take() {
            activity.waited(now - since, now);
        }
    }

    /// The client answered a ping; `echoed` is what the pong carried, if it was ours.
    pub(super) fn pong(&mut self, activity: &Activity, echoed: Option<u64>) {
        let now = Instant::now();
        self.note_heard(activity, now);
        if let Some(checkpoint) = echoed {
            activity.read_up_to(checkpoint, now);
        }
    }

    /// The mark of checkpoint `n`, behind the `ahead` frames the session has not handed
    /// out yet.
    pub(super) fn checkpoint(&mut self, n: u64, ahead: usize) {
        self.stamps_heard = true;
        self.marks.push(Mark {
            checkpoint: n,
            ahead,
        });
    }

    /// `frames` frames are handed to the driver.
    // Called for every write: without marks it is one branch where it is called.
    #[inline]
    pub(super) fn transmitting(&mut self, frames: usize) {
        if !self.marks.is_empty() {
            self.count_down(frames);
        }
    }

    fn count_down(&mut self, frames: usize) {
        for mark in &mut self.marks {
            mark.ahead = mark.ahead.saturating_sub(frames);
            self.passed |= mark.ahead == 0;
        }
    }

    /// What a ping written after the frames handed out so far carries: the latest
    /// checkpoint whose mark is ahead of it.
    pub(super) fn ping(&self, activity: &Activity) -> u64 {
        // Marks are in order, and those all of whose frames were handed out come first.
        self.marks
            .iter()
            .take_while(|mark| mark.ahead == 0)
            .last()
            .map_or_else(|| activity.latest_reached(), |mark| mark.checkpoint)
    }

    /// Whether a mark has had all frames ahead of it handed out and waits for them to be
    /// written.
    pub(super) fn passed(&self) -> bool {
        self.passed
    }

    /// What was handed to the driver has been written, and a ping after it if `pinged`.
    // Called for every write, as `transmitting` is.
    #[inline]
    pub(super) fn written(&mut self, activity: &Activity, pinged: bool) {
        if self.passed || (pinged && self.waiting_since.is_none()) {
            self.note_written(activity, pinged);
        }
    }

    fn note_written(&mut self, activity: &Activity, pinged: bool) {
        let now = Instant::now();
        if pinged {
            self.waiting_since.get_or_insert(now);
        }
        if !std::mem::take(&mut self.passed) {
            return;
        }
        let reached = self.marks.iter().take_while(|mark| mark.ahead == 0).count();
        for mark in self.marks.drain(..reached) {
            activity.reached(mark.checkpoint, now);
        }
        if self.marks.is_empty() {
            // Checkpoints are rare: between them, hold no buffer.
            self.marks = Vec::new();
        }
    }
}
