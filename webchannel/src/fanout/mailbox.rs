//! [`Mailbox`]: the events waiting for one session, and the [`Doorbell`] through which it
//! reaches whatever drives that session. Bounded: a session that falls too far behind is
//! closed instead of growing without limit.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::protocol::close::CloseReason;
use crate::support::locks::lock;
use crate::support::shrink::ShrinkWhenEmpty;

use super::event::Event;

/// How a mailbox reaches the driver of its session. The driver installs one when it makes
/// the session; the mailbox knows nothing else about it.
pub(crate) trait Doorbell: Send + Sync {
    /// An event for a session that has nothing queued. A driver that can hand it to its
    /// session at once (the session is free, in this thread) takes it out of `event`;
    /// whatever is left there is queued.
    fn offer(&self, event: &mut Option<Event>) {
        let _ = event;
    }

    /// Events were queued since the session last took them: have it take them soon. Rung
    /// once per take, however many events arrive meanwhile.
    fn ring(&self);
}

/// The queue of events waiting for one session.
pub(crate) struct Mailbox {
    queue: Mutex<Queue>,
    doorbell: Arc<dyn Doorbell>,
    limit: usize,
    /// Whether events wait in the queue; kept under its lock, read without taking it.
    waiting: AtomicBool,
}

#[derive(Default)]
struct Queue {
    events: VecDeque<Event>,
    /// Property changes waiting, at most one per object and signal (or marked property): a
    /// property's state, not its history, is what the session sends, so a newer one
    /// replaces an older one.
    notifies: Vec<Event>,
    closed: bool,
    /// Whether the doorbell has rung since the session last took the events.
    rung: bool,
    /// Whether a notify signal should ring: not while the client is busy or its next
    /// update is paced, when recording the change is all there is to do. (During a login
    /// storm this spares a wake-up of every session for every login.)
    notify_rings: bool,
}

impl Mailbox {
    pub(crate) fn new(limit: usize, doorbell: Arc<dyn Doorbell>) -> Self {
        Self {
            queue: Mutex::new(Queue {
                notify_rings: true,
                ..Queue::default()
            }),
            doorbell,
            limit,
            waiting: AtomicBool::new(false),
        }
    }

    /// Sets whether notify signals ring the doorbell; turning it on rings for those that
    /// arrived meanwhile.
    pub(crate) fn set_notify_rings(&self, rings: bool) {
        let mut queue = lock(&self.queue);
        queue.notify_rings = rings;
        if rings && !queue.rung && !queue.notifies.is_empty() {
            queue.rung = true;
            drop(queue);
            self.doorbell.ring();
        }
    }

    /// Gives the session an event: to its driver at once when nothing is queued and the
    /// driver takes it, else into the queue. Events so never overtake queued ones.
    #[inline]
    pub(crate) fn push(&self, event: Event) {
        let mut event = Some(event);
        if !self.waiting.load(Ordering::Acquire) {
            self.doorbell.offer(&mut event);
        }
        if let Some(event) = event {
            self.enqueue(event);
        }
    }

    fn enqueue(&self, event: Event) {
        let mut queue = lock(&self.queue);
        if queue.closed {
            return;
        }
        let rings = match &event {
            Event::Notify { object, change, .. } => {
                let rings = queue.notify_rings;
                // The object first: it rules out most pending changes in one comparison.
                let replaced = queue.notifies.iter_mut().find(|pending| {
                    matches!(pending, Event::Notify { object: known, change: known_change, .. }
                        if known.ptr_eq(object) && known_change.same_as(change))
                });
                match replaced {
                    Some(pending) => *pending = event,
                    None => queue.notifies.push(event),
                }
                rings
            }
            Event::Close(_) => {
                queue.closed = true;
                queue.events.push_back(event);
                true
            }
            _ if queue.events.len() >= self.limit => {
                queue.events.clear();
                queue.events.push_back(Event::Close(CloseReason::Overflow));
                queue.closed = true;
                true
            }
            _ => {
                queue.events.push_back(event);
                true
            }
        };
        self.waiting.store(true, Ordering::Release);
        // The session takes everything at once, so one ring per take is enough.
        if rings && !queue.rung {
            queue.rung = true;
            drop(queue);
            self.doorbell.ring();
        }
    }

    /// Moves every queued event into `into`: notify signals first (they only mark
    /// properties as changed), then the rest in order.
    pub(crate) fn drain_into(&self, into: &mut VecDeque<Event>) {
        let mut queue = lock(&self.queue);
        queue.rung = false;
        self.waiting.store(false, Ordering::Release);
        into.extend(queue.notifies.drain(..));
        if into.is_empty() {
            // Trading queues moves no events: the session takes the full one.
            std::mem::swap(&mut queue.events, into);
        } else {
            into.extend(queue.events.drain(..));
        }
        queue.events.shrink_when_empty();
    }
}
