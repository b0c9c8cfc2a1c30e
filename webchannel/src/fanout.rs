//! Delivery from emitters to sessions: each session's [`Mailbox`], the [`Subscribers`] of
//! each signal, and [`emit`], which serializes a signal once and shares the bytes.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock, Weak};

use indexmap::IndexMap;
use serde::Serialize;
use tokio::sync::Notify;

use crate::ids::ObjectId;
use crate::ids::SessionId;
use crate::protocol::Frame;
use crate::protocol::close::CloseReason;
use crate::protocol::json::JsonBuf;
use crate::published::{ErasedObject, ObjectCore};
use crate::support::locks::{lock, read, write};
use crate::support::shrink::ShrinkWhenEmpty;
use crate::values::{Found, SharedFound, collecting};

/// Something that happened which one session must act on.
pub(crate) enum Event {
    /// A serialized `signal` message, shared by every recipient, with the objects its
    /// arguments refer to (each session announces those it has not seen yet).
    Signal { frame: Frame, objects: SharedFound },
    /// A property's notify signal fired; `args` is the JSON array of its arguments.
    Notify {
        object: Weak<dyn ErasedObject>,
        signal: usize,
        args: Frame,
        objects: SharedFound,
    },
    /// An object this session knows was dropped or deregistered.
    Destroyed { object: ObjectId, frame: Frame },
    /// Property updates were released (see `Channel::set_updates_blocked`).
    UpdatesReleased,
    /// The session must end.
    Close(CloseReason),
}

/// The queue of events waiting for one session. Bounded: a session that falls too far
/// behind is closed instead of growing without limit.
pub(crate) struct Mailbox {
    queue: Mutex<Queue>,
    wake: Notify,
    limit: usize,
    /// For a session driven by its caller instead of a task: events go to it at once.
    direct: OnceLock<Weak<dyn DirectReceiver>>,
    /// Whether events wait in the queue; kept under its lock, read without taking it.
    waiting: AtomicBool,
}

/// A session that takes events as they come, in the emitter's thread, when it is free.
pub(crate) trait DirectReceiver: Send + Sync {
    /// Takes `event` now, unless events wait already (they go first) or the session is
    /// busy: then it goes to the mailbox, and whoever holds the session takes it after
    /// letting go.
    fn take(self: Arc<Self>, event: Event);
}

#[derive(Default)]
struct Queue {
    events: VecDeque<Event>,
    /// Notify signals waiting, at most one per object and signal: a property's state, not
    /// its history, is what the session sends, so a newer one replaces an older one.
    notifies: Vec<Event>,
    closed: bool,
    /// Whether the session has been woken since it last drained the queue.
    woken: bool,
    /// Whether a notify signal should wake the session: not while its client is busy or
    /// its next update is paced, when recording the change is all there is to do. (During
    /// a login storm this spares a wake-up of every session for every login.)
    notify_wakes: bool,
}

impl Mailbox {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            queue: Mutex::new(Queue {
                notify_wakes: true,
                ..Queue::default()
            }),
            wake: Notify::new(),
            limit,
            direct: OnceLock::new(),
            waiting: AtomicBool::new(false),
        }
    }

    /// Makes this the mailbox of a session driven by its caller.
    pub(crate) fn set_direct(&self, receiver: Weak<dyn DirectReceiver>) {
        let _ = self.direct.set(receiver);
    }

    /// Whether events wait to be drained.
    pub(crate) fn has_news(&self) -> bool {
        self.waiting.load(Ordering::Acquire)
    }

    /// Sets whether notify signals wake the session; turning it on wakes it for those
    /// that arrived meanwhile.
    pub(crate) fn set_notify_wakes(&self, wakes: bool) {
        let mut queue = lock(&self.queue);
        queue.notify_wakes = wakes;
        if wakes && !queue.woken && !queue.notifies.is_empty() {
            queue.woken = true;
            drop(queue);
            self.wake.notify_one();
        }
    }

    pub(crate) fn push(&self, event: Event) {
        match self.direct.get().and_then(Weak::upgrade) {
            Some(receiver) => receiver.take(event),
            None => self.enqueue(event),
        }
    }

    /// Queues `event` for the session to drain.
    pub(crate) fn enqueue(&self, event: Event) {
        let mut queue = lock(&self.queue);
        if queue.closed {
            return;
        }
        let wakes = match &event {
            Event::Notify { object, signal, .. } => {
                let wakes = queue.notify_wakes;
                let replaced = queue.notifies.iter_mut().find(|pending| {
                    matches!(pending, Event::Notify { object: known, signal: known_signal, .. }
                        if *known_signal == *signal && known.ptr_eq(object))
                });
                match replaced {
                    Some(pending) => *pending = event,
                    None => queue.notifies.push(event),
                }
                wakes
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
        // The session drains everything at once, so one wake-up per drain is enough.
        if wakes && !queue.woken {
            queue.woken = true;
            drop(queue);
            self.wake.notify_one();
        }
    }

    /// Moves every queued event into `into`: notify signals first (they only mark
    /// properties as changed), then the rest in order.
    pub(crate) fn drain_into(&self, into: &mut VecDeque<Event>) {
        let mut queue = lock(&self.queue);
        queue.woken = false;
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

    /// Resolves when events have arrived since the last drain.
    pub(crate) async fn wait(&self) {
        self.wake.notified().await;
    }
}

/// A set of sessions: those connected to one signal, or those that know one object.
#[derive(Default)]
pub(crate) struct Subscribers(RwLock<IndexMap<SessionId, Arc<Mailbox>>>);

impl Subscribers {
    /// Adds the session; returns false when it was already in.
    pub(crate) fn insert(&self, session: SessionId, mailbox: &Arc<Mailbox>) -> bool {
        match write(&self.0).entry(session) {
            indexmap::map::Entry::Occupied(_) => false,
            indexmap::map::Entry::Vacant(entry) => {
                entry.insert(Arc::clone(mailbox));
                true
            }
        }
    }

    /// Removes the session; returns false when it was not in.
    pub(crate) fn remove(&self, session: SessionId) -> bool {
        let mut map = write(&self.0);
        map.swap_remove(&session).is_some()
    }

    pub(crate) fn contains(&self, session: SessionId) -> bool {
        read(&self.0).contains_key(&session)
    }

    pub(crate) fn is_empty(&self) -> bool {
        read(&self.0).is_empty()
    }

    /// Removes every session.
    pub(crate) fn clear(&self) {
        write(&self.0).clear();
    }

    pub(crate) fn for_each(&self, mut visit: impl FnMut(SessionId, &Arc<Mailbox>)) {
        for (session, mailbox) in read(&self.0).iter() {
            visit(*session, mailbox);
        }
    }
}

/// Emits the signal at position `signal` of `object` with `args` (a JSON array).
///
/// A plain signal is serialized once and the frame is shared by every connected session;
/// nothing is serialized when no session is connected. A notify signal is recorded by
/// every session that knows the object, which sends the property's current value when its
/// client is idle.
pub(crate) fn emit<A: Serialize + ?Sized>(object: &Arc<dyn ErasedObject>, signal: usize, args: &A) {
    let core = object.core();
    let Some(&is_notify) = core.is_notify.get(signal) else {
        tracing::error!(object = %core.name, signal, "emitted a signal the object does not have");
        return;
    };
    if is_notify {
        notify(object, signal, args);
        return;
    }
    let subscribers = &core.subscribers[signal];
    if subscribers.is_empty() {
        return;
    }
    let mut json = JsonBuf::with_capacity(core.signal_head.len() + 64);
    json.raw(&core.signal_head)
        .number(u64::from(core.meta.signal_index(signal)));
    let before_args = json.len();
    json.raw(",\"args\":");
    let args_start = json.len();
    let Some(objects) = write_args(&mut json, core, signal, args) else {
        return;
    };
    // Like Qt, leave `args` out when there are none.
    if json.len() - args_start == 2 {
        json.truncate(before_args);
    }
    json.raw("}");
    let frame = json.into_frame();
    let objects = SharedFound::new(objects);
    subscribers.for_each(|_, mailbox| {
        mailbox.push(Event::Signal {
            frame: frame.clone(),
            objects: objects.clone(),
        });
    });
}

fn notify<A: Serialize + ?Sized>(object: &Arc<dyn ErasedObject>, signal: usize, args: &A) {
    let core = object.core();
    // State changed through interior mutability is announced only by this signal.
    core.touch();
    let mut json = JsonBuf::with_capacity(16);
    let Some(objects) = write_args(&mut json, core, signal, args) else {
        return;
    };
    let args = json.into_frame();
    let objects = SharedFound::new(objects);
    let event = || Event::Notify {
        object: Arc::downgrade(object),
        signal,
        args: args.clone(),
        objects: objects.clone(),
    };
    if core.is_registered() {
        if let Some(channel) = core.channel() {
            channel.broadcast(event);
        }
    } else {
        core.knowers.for_each(|_, mailbox| mailbox.push(event()));
    }
}

/// Serializes the arguments and collects the objects they refer to. Those become
/// reachable by a client when its session announces them (`Session::learn`).
fn write_args<A: Serialize + ?Sized>(
    json: &mut JsonBuf,
    core: &ObjectCore,
    signal: usize,
    args: &A,
) -> Option<Found> {
    let (written, objects) = collecting(|| json.value(args));
    if let Err(error) = written {
        let name = core.meta.signals[signal].name;
        tracing::error!(object = %core.name, signal = name, %error, "signal arguments could not be serialized; not emitted");
        return None;
    }
    Some(objects)
}
