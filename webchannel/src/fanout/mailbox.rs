//! [`Mailbox`]: the events waiting for one session, and the [`Doorbell`] through which it
//! reaches whatever drives that session. Bounded in bytes: a session whose client falls
//! too far behind is closed instead of growing without limit.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::protocol::close::CloseReason;
use crate::support::locks::lock;
use crate::support::shrink::ShrinkWhenEmpty;

use super::activity::Activity;
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

    /// The session's backlog went over its limit and a close is queued: ring, and have
    /// the session end even if its driver is busy writing to a client that does not read.
    fn overflowed(&self) {
        self.ring();
    }
}

/// What an event counts against the byte limit besides its message, so that many small
/// events are bounded too: its place in a queue (72 bytes on 64-bit targets) and the
/// bookkeeping of its frame's allocation, rounded up.
pub(crate) const EVENT_OVERHEAD: usize = 128;

/// The queue of events waiting for one session.
pub(crate) struct Mailbox {
    queue: Mutex<Queue>,
    doorbell: Arc<dyn Doorbell>,
    /// Most bytes the session's backlog may hold (see [`Mailbox::push`]).
    /// Four bytes, not eight: every connected client has a mailbox, and with its activity
    /// record it then fits a smaller allocation. Limits above 4 GiB count as 4 GiB.
    limit: u32,
    /// Whether events wait in the queue; kept under its lock, read without taking it.
    waiting: AtomicBool,
    /// Bytes of events the session has taken and not yet written to its client (or holds
    /// back). Written by the session only; read under the queue's lock.
    unwritten: AtomicUsize,
    /// What is known of the session's traffic; kept here, where the channel finds each
    /// session, rather than in an allocation and a map of its own.
    activity: Activity,
}

#[derive(Default)]
struct Queue {
    events: VecDeque<Event>,
    /// Property changes waiting, at most one per object and signal (or marked property): a
    /// property's state, not its history, is what the session sends, so a newer one
    /// replaces an older one.
    notifies: Vec<Event>,
    /// Bytes of the events in `events`, each counted by [`cost`].
    bytes: usize,
    closed: bool,
    /// Whether the doorbell has rung since the session last took the events.
    rung: bool,
    /// Whether a notify signal should ring: not while the client is busy or its next
    /// update is paced, when recording the change is all there is to do. (During a login
    /// storm this spares a wake-up of every session for every login.)
    notify_rings: bool,
}

impl Mailbox {
    /// A mailbox ringing `doorbell`, whose session's backlog may hold `limit` bytes.
    pub(crate) fn new(limit: usize, doorbell: Arc<dyn Doorbell>, activity: Activity) -> Self {
        Self {
            queue: Mutex::new(Queue {
                notify_rings: true,
                ..Queue::default()
            }),
            doorbell,
            limit: u32::try_from(limit).unwrap_or(u32::MAX),
            waiting: AtomicBool::new(false),
            unwritten: AtomicUsize::new(0),
            activity,
        }
    }

    fn limit(&self) -> usize {
        usize::try_from(self.limit).unwrap_or(usize::MAX)
    }

    /// The record of the session's traffic.
    pub(crate) fn activity(&self) -> &Activity {
        &self.activity
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
    ///
    /// A queued event that would take the session's backlog — the bytes queued here, and
    /// those it took and has not written yet — over the limit closes the session instead
    /// (close code 1008), unless the backlog is empty: a client that keeps up gets even a
    /// message larger than the limit.
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
            _ => {
                let backlog = queue.bytes + self.unwritten.load(Ordering::Relaxed);
                let cost = cost(&event);
                if backlog + cost > self.limit() && backlog > 0 {
                    drop(event);
                    self.overflow(queue);
                    return;
                }
                queue.bytes += cost;
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

    /// Closes the session for having too much queued: what waits is dropped (a client
    /// that does not read will never get it), the close goes first.
    fn overflow(&self, mut queue: MutexGuard<'_, Queue>) {
        queue.events.clear();
        queue.notifies.clear();
        queue.bytes = 0;
        queue.events.push_back(Event::Close(CloseReason::Overflow));
        queue.closed = true;
        queue.rung = true;
        self.waiting.store(true, Ordering::Release);
        drop(queue);
        self.doorbell.overflowed();
    }

    /// Moves every queued event into `into`: notify signals first (they only mark
    /// properties as changed), then the rest in order. Their bytes count as unwritten
    /// until the session says they are out ([`Mailbox::written`]).
    pub(crate) fn drain_into(&self, into: &mut VecDeque<Event>) {
        let mut queue = lock(&self.queue);
        queue.rung = false;
        self.waiting.store(false, Ordering::Release);
        if queue.bytes > 0 {
            let unwritten = self.unwritten.load(Ordering::Relaxed);
            self.unwritten
                .store(unwritten + queue.bytes, Ordering::Relaxed);
            queue.bytes = 0;
        }
        into.extend(queue.notifies.drain(..));
        if into.is_empty() {
            // Trading queues moves no events: the session takes the full one.
            std::mem::swap(&mut queue.events, into);
        } else {
            into.extend(queue.events.drain(..));
        }
        queue.events.shrink_when_empty();
    }

    /// Everything the session took has been written to its client, except `held` bytes
    /// of messages it holds back.
    pub(crate) fn written(&self, held: usize) {
        self.unwritten.store(held, Ordering::Relaxed);
    }
}

/// What `event` counts against the byte limit: its message, shared or not, and its place
/// in the queue.
pub(crate) fn cost(event: &Event) -> usize {
    EVENT_OVERHEAD
        + match event {
            Event::Signal { frame, .. } | Event::Destroyed { frame, .. } => frame.len(),
            Event::Notify { .. }
            | Event::UpdatesReleased
            | Event::Checkpoint(_)
            | Event::Close(_) => 0,
        }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::object::erased::SharedFound;
    use crate::protocol::Frame;

    /// Counts what the mailbox asks of its driver.
    #[derive(Default)]
    struct Counted {
        rings: AtomicUsize,
        overflows: AtomicUsize,
    }

    impl Doorbell for Counted {
        fn ring(&self) {
            self.rings.fetch_add(1, Ordering::Relaxed);
        }

        fn overflowed(&self) {
            self.overflows.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn bounded(limit: usize) -> (Mailbox, Arc<Counted>) {
        let bell = Arc::new(Counted::default());
        (
            Mailbox::new(
                limit,
                Arc::clone(&bell) as Arc<dyn Doorbell>,
                Activity::new(0),
            ),
            bell,
        )
    }

    /// A signal whose frame is `len` bytes long.
    fn signal(len: usize) -> Event {
        Event::Signal {
            frame: Frame::from("x".repeat(len)),
            objects: SharedFound::default(),
        }
    }

    fn drained(mailbox: &Mailbox) -> Vec<Event> {
        let mut events = VecDeque::new();
        mailbox.drain_into(&mut events);
        events.into()
    }

    fn is_overflow(events: &[Event]) -> bool {
        matches!(events, [Event::Close(CloseReason::Overflow)])
    }

    #[test]
    fn queued_bytes_up_to_the_limit_are_kept_and_one_more_closes() {
        let (mailbox, bell) = bounded(3 * (1000 + EVENT_OVERHEAD));
        for _ in 0..3 {
            mailbox.push(signal(1000));
        }
        assert_eq!(bell.overflows.load(Ordering::Relaxed), 0);
        mailbox.push(signal(1));
        assert_eq!(bell.overflows.load(Ordering::Relaxed), 1);
        // What waited is dropped: the client that did not read gets the close alone.
        assert!(is_overflow(&drained(&mailbox)));
        mailbox.push(signal(1));
        assert!(
            drained(&mailbox).is_empty(),
            "a closed mailbox takes nothing"
        );
    }

    #[test]
    fn many_small_events_are_bounded_by_their_overhead() {
        let (mailbox, bell) = bounded(10 * EVENT_OVERHEAD);
        for _ in 0..10 {
            mailbox.push(signal(0));
        }
        assert_eq!(bell.overflows.load(Ordering::Relaxed), 0);
        mailbox.push(signal(0));
        assert_eq!(bell.overflows.load(Ordering::Relaxed), 1);
    }

    /// Every connected client has a mailbox, in an `Arc`: with its two counts, 224 bytes
    /// is an allocator size class, and the next one is 256.
    #[test]
    fn a_mailbox_fits_its_allocation_class() {
        assert!(std::mem::size_of::<Mailbox>() + 2 * std::mem::size_of::<usize>() <= 224);
    }

    #[test]
    fn the_overhead_covers_an_event_in_a_queue() {
        assert!(std::mem::size_of::<Event>() <= EVENT_OVERHEAD);
    }

    #[test]
    fn a_message_larger_than_the_limit_reaches_a_client_that_keeps_up() {
        let (mailbox, bell) = bounded(1000);
        mailbox.push(signal(5000));
        assert!(matches!(&drained(&mailbox)[..], [Event::Signal { .. }]));
        mailbox.written(0);
        mailbox.push(signal(5000));
        assert_eq!(drained(&mailbox).len(), 1);
        assert_eq!(bell.overflows.load(Ordering::Relaxed), 0);
        // Not while the first is still being written.
        mailbox.push(signal(5000));
        assert!(is_overflow(&drained(&mailbox)));
    }

    #[test]
    fn taken_bytes_count_until_they_are_written() {
        let limit = 2 * (1000 + EVENT_OVERHEAD);
        let (mailbox, bell) = bounded(limit);
        mailbox.push(signal(1000));
        mailbox.push(signal(1000));
        assert_eq!(drained(&mailbox).len(), 2);
        // Taken but not written yet: the backlog is still full.
        mailbox.push(signal(1000));
        assert_eq!(bell.overflows.load(Ordering::Relaxed), 1);

        let (mailbox, bell) = bounded(limit);
        mailbox.push(signal(1000));
        mailbox.push(signal(1000));
        assert_eq!(drained(&mailbox).len(), 2);
        mailbox.written(0);
        mailbox.push(signal(1000));
        mailbox.push(signal(1000));
        assert_eq!(drained(&mailbox).len(), 2);
        assert_eq!(bell.overflows.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn messages_held_back_still_count() {
        let (mailbox, bell) = bounded(2 * (1000 + EVENT_OVERHEAD));
        mailbox.push(signal(1000));
        assert_eq!(drained(&mailbox).len(), 1);
        // The session wrote nothing and holds the message back.
        mailbox.written(1000 + EVENT_OVERHEAD);
        mailbox.push(signal(1000));
        assert_eq!(bell.overflows.load(Ordering::Relaxed), 0);
        mailbox.push(signal(1000));
        assert_eq!(bell.overflows.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn a_close_is_queued_whatever_the_backlog() {
        let (mailbox, bell) = bounded(EVENT_OVERHEAD);
        mailbox.push(signal(0));
        mailbox.push(Event::Close(CloseReason::Shutdown));
        assert_eq!(bell.overflows.load(Ordering::Relaxed), 0);
        assert!(matches!(
            &drained(&mailbox)[..],
            [Event::Signal { .. }, Event::Close(CloseReason::Shutdown)]
        ));
    }
}
