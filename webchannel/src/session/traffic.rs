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
//!
//! Every point also has a position, the number of frames handed out up to it. An answer
//! shows that the client has read up to its question's position; the frames between the
//! position it had shown before and the question's are what it got through in the answer's
//! lag. That gives its time per frame, and a checkpoint's backlog (the frames ahead of
//! the mark it has not shown it read) says how far behind the mark it may be.

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::time::Instant;

use crate::fanout::activity::Activity;

/// A frame that asks for an answer (a `propertyUpdate`, a ping), written and not answered
/// yet.
#[derive(Clone, Copy)]
struct Question {
    written: Instant,
    /// Frames handed out up to it.
    position: u64,
    /// Frames up to it the client had not shown it read when it was written.
    backlog: u64,
}

/// A checkpoint's mark in the output.
struct Mark {
    checkpoint: u64,
    /// Frames ahead of the mark not handed to the driver yet (zero once they have been,
    /// until the driver says they were written).
    ahead: usize,
    /// Frames handed out up to the mark.
    position: u64,
}

/// One session's report of its traffic.
pub(super) struct Traffic {
    activity: Arc<Activity>,
    /// Frames handed to the driver so far.
    handed: u64,
    /// The position up to which the client has shown it read: its latest answer's question's.
    shown_read: u64,
    /// Checkpoint marks in output order.
    marks: VecDeque<Mark>,
    /// The frames not handed to the driver yet up to the end of the latest
    /// `propertyUpdate`, and its position, until the driver says it was written.
    update_ahead: Option<(usize, u64)>,
    /// The latest `propertyUpdate`, written, until the client answers it.
    update_written: Option<Question>,
    /// The oldest unanswered ping (a pong answers every ping before it).
    ping_written: Option<Question>,
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
            handed: 0,
            shown_read: 0,
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
        if let Some(question) = self.ping_written.take() {
            self.answered(question, now);
        }
    }

    /// The client said it is idle: the answer to the latest `propertyUpdate`, if one waits
    /// for it.
    pub(super) fn idle(&mut self) {
        if let Some(question) = self.update_written.take() {
            self.answered(question, Instant::now());
        }
    }

    fn answered(&mut self, question: Question, now: Instant) {
        self.shown_read = self.shown_read.max(question.position);
        self.activity
            .answered(now - question.written, question.backlog, now);
    }

    /// The mark of checkpoint `n`, behind the `ahead` frames the session has not handed
    /// out yet.
    pub(super) fn checkpoint(&mut self, n: u64, ahead: usize) {
        self.stamps_heard = true;
        self.marks.push_back(Mark {
            checkpoint: n,
            ahead,
            position: self.handed + ahead as u64,
        });
    }

    /// A `propertyUpdate` is the last of the `ahead` frames not handed out yet.
    pub(super) fn update(&mut self, ahead: usize) {
        self.update_ahead = Some((ahead, self.handed + ahead as u64));
    }

    /// `frames` frames are handed to the driver; true when a checkpoint's mark is among
    /// them or right behind them, so that a ping should follow.
    // Called for every write: without points it is one branch where it is called.
    #[inline]
    pub(super) fn transmitting(&mut self, frames: usize) -> bool {
        self.handed += frames as u64;
        if self.update_ahead.is_none() && self.marks.is_empty() {
            return false;
        }
        self.count_down(frames)
    }

    fn count_down(&mut self, frames: usize) -> bool {
        if let Some((ahead, _)) = &mut self.update_ahead {
            *ahead = ahead.saturating_sub(frames);
            self.passed |= *ahead == 0;
        }
        let mut ping = false;
        for mark in &mut self.marks {
            mark.ahead = mark.ahead.saturating_sub(frames);
            ping |= mark.ahead == 0;
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
        if pinged && self.ping_written.is_none() {
            self.ping_written = Some(self.question(now, self.handed));
        }
        if let Some((0, position)) = self.update_ahead {
            self.update_ahead = None;
            self.update_written = Some(self.question(now, position));
        }
        while let Some(mark) = self.marks.front().filter(|mark| mark.ahead == 0) {
            let backlog = mark.position.saturating_sub(self.shown_read);
            self.activity.reached(mark.checkpoint, now, backlog);
            self.marks.pop_front();
        }
        if self.marks.is_empty() {
            // Checkpoints are rare: between them, hold no buffer.
            self.marks = VecDeque::new();
        }
    }

    fn question(&self, written: Instant, position: u64) -> Question {
        Question {
            written,
            position,
            backlog: position.saturating_sub(self.shown_read),
        }
    }
}
