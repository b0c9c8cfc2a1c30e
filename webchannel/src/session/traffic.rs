//! [`Traffic`]: what a session reports to its activity record — when the client was heard
//! from, when the output up to each checkpoint had been written, and how long the client
//! took to answer a `propertyUpdate` or a ping.
//!
//! Points of interest in the output (a checkpoint's mark, the end of a `propertyUpdate`)
//! are counted in frames still ahead of them, so that frames carry nothing extra and a
//! session without points does no work per frame: the counts change only when frames are
//! handed to the driver, and the driver says when those have been written. When the client
//! was last heard from is only of use measured against a checkpoint, so it is stamped from
//! the session's first one on: a channel that takes none reads no clock per message.

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::time::Instant;

use crate::fanout::activity::Activity;

/// One session's report of its traffic.
pub(super) struct Traffic {
    activity: Arc<Activity>,
    /// Checkpoint marks in output order: the checkpoint's number, and the frames ahead of
    /// the mark not handed to the driver yet (zero once they have been, until the driver
    /// says they were written).
    marks: VecDeque<(u64, usize)>,
    /// The frames not handed to the driver yet up to the end of the latest
    /// `propertyUpdate`, until the driver says it was written.
    update_ahead: Option<usize>,
    /// When the latest `propertyUpdate` was written, until the client answers it.
    update_written: Option<Instant>,
    /// When the oldest unanswered ping was written (a pong answers every ping before it).
    ping_written: Option<Instant>,
    /// Whether a point (a mark, the end of an update) has had all frames ahead of it
    /// handed out, and waits for the driver to say they were written.
    passed: bool,
    /// Whether frames from the client are stamped: once a checkpoint has reached the
    /// session.
    stamps_heard: bool,
}

impl Traffic {
    pub(super) fn new(activity: Arc<Activity>) -> Self {
        Self {
            activity,
            marks: VecDeque::new(),
            update_ahead: None,
            update_written: None,
            ping_written: None,
            passed: false,
            stamps_heard: false,
        }
    }

    /// The client sent something.
    // Called for every message: without checkpoints it is one branch where it is called.
    #[inline]
    pub(super) fn heard(&self) {
        if self.stamps_heard {
            self.activity.heard(Instant::now());
        }
    }

    /// The client answered a ping.
    pub(super) fn pong(&mut self) {
        let now = Instant::now();
        self.activity.heard(now);
        if let Some(written) = self.ping_written.take() {
            self.activity.answered(now - written, now);
        }
    }

    /// The client said it is idle: the answer to the latest `propertyUpdate`, if one waits
    /// for it.
    pub(super) fn idle(&mut self) {
        if let Some(written) = self.update_written.take() {
            let now = Instant::now();
            self.activity.answered(now - written, now);
        }
    }

    /// The mark of checkpoint `n`, behind the `ahead` frames the session has not handed
    /// out yet.
    pub(super) fn checkpoint(&mut self, n: u64, ahead: usize) {
        self.stamps_heard = true;
        self.marks.push_back((n, ahead));
    }

    /// A `propertyUpdate` is the last of the `ahead` frames not handed out yet.
    pub(super) fn update(&mut self, ahead: usize) {
        self.update_ahead = Some(ahead);
    }

    /// `frames` frames are handed to the driver; true when a checkpoint's mark is among
    /// them or right behind them, so that a ping should follow.
    // Called for every write: without points it is one branch where it is called.
    #[inline]
    pub(super) fn transmitting(&mut self, frames: usize) -> bool {
        if self.update_ahead.is_none() && self.marks.is_empty() {
            return false;
        }
        self.count_down(frames)
    }

    fn count_down(&mut self, frames: usize) -> bool {
        if let Some(ahead) = &mut self.update_ahead {
            *ahead = ahead.saturating_sub(frames);
            self.passed |= *ahead == 0;
        }
        let mut ping = false;
        for (_, ahead) in &mut self.marks {
            *ahead = ahead.saturating_sub(frames);
            ping |= *ahead == 0;
        }
        self.passed |= ping;
        ping
    }

    /// What was handed to the driver has been written, and a ping after it if `pinged`.
    // Called for every write, as `transmitting` is.
    #[inline]
    pub(super) fn written(&mut self, pinged: bool) {
        if pinged || self.passed {
            self.note_written(pinged);
        }
    }

    fn note_written(&mut self, pinged: bool) {
        self.passed = false;
        let now = Instant::now();
        if pinged {
            self.ping_written.get_or_insert(now);
        }
        if self.update_ahead == Some(0) {
            self.update_ahead = None;
            self.update_written = Some(now);
        }
        while let Some(&(n, 0)) = self.marks.front() {
            self.activity.reached(n, now);
            self.marks.pop_front();
        }
        if self.marks.is_empty() {
            // Checkpoints are rare: between them, hold no buffer.
            self.marks = VecDeque::new();
        }
    }
}
