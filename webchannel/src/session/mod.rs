//! [`Session`]: one client's protocol state machine. Input in, a [`Step`] and frames out,
//! no I/O (see `contract.rs` for what drivers hand it and get back).
//!
//! The session owns what the protocol keeps per client: whether it is idle, the signals it
//! connected to, the objects it has been sent, the property changes it has not been sent
//! yet, and when the next update may go. Work that has to wait (an object locked by
//! another call, an `async` method) is handed to the driver as a future to await.

mod announce;
pub(crate) mod contract;
mod ending;
mod held;
pub(crate) mod pacing;
mod resolve;
mod traffic;
mod updates;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Weak};

use http::Extensions;
use serde_json::value::RawValue;
use tokio::time::Instant;

use crate::channel::Channel;
use crate::channel::shared::Publication;
use crate::error::{InvokeError, InvokeErrorKind};
use crate::fanout::event::Event;
use crate::fanout::mailbox::{Doorbell, Mailbox};
use crate::ids::{ObjectId, SessionId};
use crate::object::caller::Caller;
use crate::object::erased::{ErasedObject, Invocation, Reply, SharedFound};
use crate::object::in_values;
use crate::object::meta::DESTROYED_SIGNAL;
use crate::protocol::Frame;
use crate::protocol::close::CloseReason;
use crate::protocol::message::{self, Invoke, Request};
use crate::support::shrink::ShrinkWhenEmpty;
use crate::support::warnings::{Complaints, complain};

use contract::{Awaited, Input, ReplyTo, Resolution, Resolved, Step, Transmit};
pub(crate) use ending::Ending;
use held::{Held, Outgoing};
use pacing::UpdatePacing;
use traffic::Traffic;
use updates::PendingUpdates;

/// Work the session cannot finish on its own.
enum Work {
    /// A call waits for its object's lock. Later messages are not processed until it
    /// resolves.
    Locking {
        reply: ReplyTo,
        future: crate::object::erased::BoxFuture<Invocation>,
    },
    /// A call runs concurrently.
    Running {
        reply: ReplyTo,
        future: crate::object::erased::BoxFuture<Result<Reply, InvokeError>>,
    },
    /// Output needs a property value of an object another call holds. Later messages are
    /// not processed until the future resolves; then the session retries.
    Wait(crate::object::erased::BoxFuture<()>),
}

/// One client's protocol state.
pub(crate) struct Session {
    id: SessionId,
    /// The session as its calls see it: its id and what it was opened with.
    caller: Caller,
    channel: Channel,
    mailbox: Arc<Mailbox>,
    idle: bool,
    /// The signals this client connected to: object, its publication, signal position.
    subscriptions: Vec<(ObjectId, Weak<Publication>, usize)>,
    /// Objects made with `Handle::new` whose description this client has been sent.
    known: HashMap<ObjectId, Weak<Publication>>,
    pending: PendingUpdates,
    /// The id of an `init` that could not be answered yet.
    deferred_init: Option<Box<str>>,
    /// Messages held, in order, until `held_on` can be read to describe an object.
    held: Held,
    held_on: Option<Arc<dyn ErasedObject>>,
    events: VecDeque<Event>,
    output: VecDeque<Frame>,
    close: Option<CloseReason>,
    complaints: Complaints,
    /// When updates may go out; `None` sends them as soon as the client is idle.
    pacing: Option<UpdatePacing>,
    /// When the paced update is due, while one waits.
    flush_at: Option<Instant>,
    /// Whether the driver awaits a [`Step::blocking`] future for this session.
    awaiting: bool,
    /// Whether notify signals ring the mailbox's doorbell (the mailbox starts with yes).
    notify_rings: bool,
    /// What the session reports of its traffic.
    traffic: Traffic,
    /// Whether the events taken now were caused by the call being concluded.
    concluding: bool,
    /// `destroyed` messages of objects the call being concluded dropped: they follow its
    /// response.
    destroyed_after_answer: Vec<Frame>,
}

impl Session {
    /// A session of `channel`, whose mailbox rings `doorbell`, opened with `extensions`
    /// (which its calls read). Property updates are paced by `pacing`, or go out as soon
    /// as the client is idle without one.
    pub(crate) fn new(
        channel: Channel,
        doorbell: Arc<dyn Doorbell>,
        pacing: Option<UpdatePacing>,
        extensions: Extensions,
    ) -> Self {
        let (id, mailbox) = channel.shared().sessions.attach(doorbell);
        Self {
            id,
            caller: Caller::new(id, extensions),
            channel,
            mailbox,
            idle: false,
            subscriptions: Vec::new(),
            known: HashMap::new(),
            pending: PendingUpdates::default(),
            deferred_init: None,
            held: Held::default(),
            held_on: None,
            events: VecDeque::new(),
            output: VecDeque::new(),
            close: None,
            complaints: Complaints::default(),
            pacing,
            flush_at: None,
            awaiting: false,
            notify_rings: true,
            traffic: Traffic::default(),
            concluding: false,
            destroyed_after_answer: Vec::new(),
        }
    }

    pub(crate) fn id(&self) -> SessionId {
        self.id
    }

    /// Takes one input and does everything it leads to; the step says what the driver
    /// must do next.
    // Every delivery to every session passes here, and the drivers live in other codegen
    // units: inlined into them, an event's path and its step stay in registers (likewise
    // for the other `#[inline]`s on that path).
    #[inline]
    pub(crate) fn handle(&mut self, input: Input<'_>) -> Step {
        let work = match input {
            Input::Message(text) => {
                self.traffic.heard(self.mailbox.activity());
                self.receive(text)
            }
            Input::Binary(len) => {
                self.traffic.heard(self.mailbox.activity());
                complain!(self.complaints, session = %self.id, len, "dropped a binary frame; the protocol uses text frames");
                None
            }
            Input::Pong(echoed) => {
                self.traffic.pong(self.mailbox.activity(), echoed);
                None
            }
            Input::Mail => {
                self.deliver();
                None
            }
            Input::Event(event) => {
                self.take(event);
                None
            }
            Input::Resolved(Resolved(resolution)) => self.resume(*resolution),
            Input::Timer => {
                self.flush_at = None;
                // Changes recorded without ringing are in the mailbox.
                self.deliver();
                self.flush()
            }
        };
        self.settle(work)
    }

    /// The frames to write to the client, in order. Once all are written and the
    /// transmit is dropped, the mailbox stops counting them against the backlog limit.
    #[inline]
    pub(crate) fn transmit(&mut self) -> Transmit<'_> {
        self.traffic.transmitting(self.output.len());
        Transmit {
            output: &mut self.output,
            mailbox: &self.mailbox,
            held: self.held.bytes(),
            traffic: &self.traffic,
        }
    }

    /// What [`transmit`](Self::transmit) gave has been written to the transport (a write
    /// completed, or a callback took it), and a ping after it if `pinged`: checkpoints
    /// behind those frames are reached, and the client's next frame ends the wait.
    #[inline]
    pub(crate) fn written(&mut self, pinged: bool) {
        self.traffic.written(self.mailbox.activity(), pinged);
    }

    /// Ends the session for `reason`: logs how it ended, and gives what tells the
    /// channel's objects.
    pub(crate) fn end(&self, reason: CloseReason) -> Ending {
        Ending::new(&self.channel, &self.caller, reason, &self.complaints)
    }

    /// After an input: waits for what output is held on, sends or schedules property
    /// updates, and tells the driver what to await and when to come back.
    #[inline]
    fn settle(&mut self, work: Option<Work>) -> Step {
        let mut step = Step {
            close: self.close,
            ..Step::default()
        };
        let work = match work {
            Some(work) => Some(work),
            None if self.awaiting => None,
            // Output held until an object it describes can be read.
            None if self.held_on.is_some() => self.blocked(),
            None if self.flush_at.is_none() && self.wants_flush() => self.flush_or_pace(),
            None => None,
        };
        if let Some(work) = work {
            self.hand_over(work, &mut step);
        }
        self.events.shrink_when_empty();
        // Told only on a change: it costs the mailbox's lock.
        let rings = self.idle && self.flush_at.is_none() && !self.awaiting;
        if rings != self.notify_rings {
            self.notify_rings = rings;
            self.mailbox.set_notify_rings(rings);
        }
        step.wake_at = self.flush_at;
        step
    }

    /// Sends the pending updates now, or, when they are paced, sets when they may go.
    fn flush_or_pace(&mut self) -> Option<Work> {
        let Some(pacing) = &self.pacing else {
            return self.flush();
        };
        let now = Instant::now();
        let due = pacing.due(now);
        if due <= now {
            return self.flush();
        }
        self.flush_at = Some(due);
        None
    }

    /// Puts work the session cannot finish into the step, as futures for the driver.
    fn hand_over(&mut self, work: Work, step: &mut Step) {
        match work {
            Work::Locking { reply, future } => {
                self.awaiting = true;
                step.blocking = Some(Box::pin(async move {
                    Resolved(Box::new(Resolution::Locked(reply, future.await)))
                }));
            }
            Work::Wait(future) => {
                self.awaiting = true;
                step.blocking = Some(Box::pin(async move {
                    future.await;
                    Resolved(Box::new(Resolution::Readable))
                }));
            }
            Work::Running { reply, future } => {
                step.running = Some(Box::pin(async move {
                    Resolved(Box::new(Resolution::Completed(reply, future.await)))
                }) as Awaited);
            }
        }
    }

    /// Continues with what the driver awaited.
    fn resume(&mut self, resolution: Resolution) -> Option<Work> {
        match resolution {
            Resolution::Locked(reply, invocation) => {
                self.awaiting = false;
                self.proceed(reply, invocation)
            }
            Resolution::Completed(reply, result) => {
                self.conclude(reply, result);
                None
            }
            Resolution::Readable => {
                self.awaiting = false;
                self.retry()
            }
        }
    }

    /// Set once the session must end.
    #[cfg(test)]
    fn close_reason(&self) -> Option<CloseReason> {
        self.close
    }

    /// Whether property updates are waiting and the client is ready for them.
    fn wants_flush(&self) -> bool {
        self.idle
            && !self.pending.is_empty()
            && self.deferred_init.is_none()
            && !self.channel.updates_blocked()
    }

    /// Work to wait for when output is held for a locked object.
    fn blocked(&self) -> Option<Work> {
        let object = self.held_on.as_ref()?;
        Some(Work::Wait(Arc::clone(object).readable()))
    }

    /// Handles one text message from the client.
    fn receive(&mut self, text: &str) -> Option<Work> {
        let request = match message::parse(text) {
            Ok(request) => request,
            Err(bad) => {
                complain!(self.complaints, session = %self.id, reason = %bad.refusal, "dropped a malformed message");
                if let Some(id) = bad.invoke_id {
                    let error =
                        InvokeError::new(InvokeErrorKind::Malformed, bad.refusal.to_string());
                    self.respond(id.as_json(), Err(error));
                }
                return None;
            }
        };
        match request {
            Request::Init { id } => self.init(id.as_json().into()),
            Request::Idle => {
                self.idle = true;
                None
            }
            Request::Debug { text } => {
                // Meant to be read, so logged in full up to a size that cannot flood the log.
                tracing::info!(session = %self.id, "client debug: {}", message::truncate(&text, 1024));
                None
            }
            Request::Invoke(invoke) => self.invoke(invoke),
            Request::ConnectToSignal { object, signal } => {
                self.connect(&object, signal);
                None
            }
            Request::DisconnectFromSignal { object, signal } => {
                self.disconnect(&object, signal);
                None
            }
            Request::SetProperty {
                object,
                property,
                value,
            } => self.set_property(&object, property, value),
        }
    }

    /// Takes everything that arrived in the mailbox: signals become output, notify
    /// signals become pending property updates.
    fn deliver(&mut self) {
        self.mailbox.drain_into(&mut self.events);
        while let Some(event) = self.events.pop_front() {
            self.take(event);
        }
    }

    /// Acts on one event (from the mailbox, or handed over directly).
    #[inline]
    fn take(&mut self, event: Event) {
        match event {
            Event::Signal { frame, objects } => self.send(Outgoing {
                text: frame,
                objects,
            }),
            Event::Notify {
                object,
                change,
                objects,
            } => self.pending.record(object, change, objects),
            Event::Destroyed { object, frame } => self.forget(object, frame),
            // Every step looks for updates to send.
            Event::UpdatesReleased => {}
            Event::Checkpoint(n) => {
                let ahead = self.output.len() + self.held.len();
                self.traffic.checkpoint(n, ahead);
            }
            Event::Close(reason) => {
                self.close.get_or_insert(reason);
            }
        }
    }

    /// Retries what was waiting for an object to become readable.
    fn retry(&mut self) -> Option<Work> {
        if let Some(id) = self.deferred_init.take()
            && let Some(work) = self.init(id)
        {
            return Some(work);
        }
        self.held_on = None;
        while let Some(outgoing) = self.held.pop_front() {
            if let Err((outgoing, busy)) = self.prepare(outgoing) {
                self.held.push_front(outgoing);
                self.held_on = Some(busy);
                return self.blocked();
            }
        }
        self.flush()
    }

    /// Sends the pending property updates if the client is idle, as one
    /// `propertyUpdate` with each property's current value.
    fn flush(&mut self) -> Option<Work> {
        if !self.wants_flush() {
            return None;
        }
        match self.pending.write_update(self.id) {
            Ok(None) => None,
            Ok(Some((text, objects))) => {
                self.idle = false;
                if let Some(pacing) = &mut self.pacing {
                    let sessions = self.channel.session_count();
                    pacing.sent(Instant::now(), text.len(), sessions);
                }
                self.send(Outgoing {
                    text,
                    objects: SharedFound::new(objects),
                });
                None
            }
            Err(busy) => Some(Work::Wait(busy.readable())),
        }
    }

    fn init(&mut self, id: Box<str>) -> Option<Work> {
        // Changes recorded so far are covered by the values in the description.
        self.deliver();
        match updates::write_init(&self.channel, &id, self.id) {
            Ok((text, objects)) => {
                self.pending.clear();
                self.send(Outgoing {
                    text,
                    objects: SharedFound::new(objects),
                });
                None
            }
            Err(busy) => {
                self.deferred_init = Some(id);
                Some(Work::Wait(busy.readable()))
            }
        }
    }

    fn invoke(&mut self, invoke: Invoke<'_>) -> Option<Work> {
        let id = invoke.id.as_json();
        match resolve::method(&self.channel, self.id, &invoke) {
            Ok((object, method)) => {
                let invocation =
                    in_values::resolving_for(self.channel.shared().clone(), self.id, || {
                        Arc::clone(&object).invoke(method, &invoke.args, &self.caller)
                    });
                let reply = ReplyTo::Invoke {
                    id: id.into(),
                    object,
                };
                self.proceed(reply, invocation)
            }
            Err(error) => {
                self.respond(id, Err(error));
                None
            }
        }
    }

    fn proceed(&mut self, reply: ReplyTo, invocation: Invocation) -> Option<Work> {
        match invocation {
            Invocation::Ready(result) => {
                self.conclude(reply, result);
                None
            }
            Invocation::Locking(future) => Some(Work::Locking { reply, future }),
            Invocation::Running(future) => Some(Work::Running { reply, future }),
        }
    }

    /// Ends a call: what it caused, then its response. Signals it emitted go out before
    /// the response, as with Qt; the `destroyed` of objects it dropped go out after it, as
    /// with Qt's `deleteLater`, so that a client never loses an object before the response
    /// of the call that let it go.
    fn conclude(&mut self, reply: ReplyTo, result: Result<Reply, InvokeError>) {
        self.concluding = true;
        self.deliver();
        self.concluding = false;
        self.answer(reply, result);
        for destroyed in std::mem::take(&mut self.destroyed_after_answer) {
            self.send(Outgoing {
                text: destroyed,
                objects: SharedFound::default(),
            });
        }
    }

    /// Answers a call; only then is the object it was made on let go (see [`ReplyTo`]).
    fn answer(&mut self, reply: ReplyTo, result: Result<Reply, InvokeError>) {
        match reply {
            ReplyTo::Invoke { id, object } => {
                self.respond(&id, result);
                drop(object);
            }
            ReplyTo::SetProperty { object, property } => {
                if let Err(error) = result {
                    let object = object.core().name();
                    complain!(self.complaints, session = %self.id, %object, property, %error, detail = error.detail(), "setProperty failed; nothing changed");
                }
            }
        }
    }

    fn respond(&mut self, id: &str, result: Result<Reply, InvokeError>) {
        let (text, objects) = updates::write_response(id, result, self.id, &self.complaints);
        self.send(Outgoing {
            text,
            objects: SharedFound::new(objects),
        });
    }

    fn connect(&mut self, name: &str, signal: u32) {
        let Some((object, publication, position)) = self.signal(name, signal) else {
            return;
        };
        if publication
            .audience()
            .subscribe(position, self.id, &self.mailbox)
        {
            self.subscriptions
                .push((object, Arc::downgrade(&publication), position));
        }
    }

    fn disconnect(&mut self, name: &str, signal: u32) {
        let Some((object, publication, position)) = self.signal(name, signal) else {
            return;
        };
        if publication.audience().unsubscribe(position, self.id) {
            self.subscriptions.retain(|(known, _, known_position)| {
                !(*known == object && *known_position == position)
            });
        }
    }

    /// The plain signal a connect/disconnect names; logs and returns `None` otherwise.
    fn signal(&self, name: &str, signal: u32) -> Option<(ObjectId, Arc<Publication>, usize)> {
        let Some((object, publication)) = self.channel.published_for(self.id, name) else {
            complain!(self.complaints, session = %self.id, object = %message::abbreviate(name), "signal of an unknown object");
            return None;
        };
        if signal == DESTROYED_SIGNAL {
            // `destroyed` always reaches every client that knows the object.
            return None;
        }
        let core = object.core();
        match core.meta().signal_position(signal) {
            None => {
                complain!(self.complaints, session = %self.id, object = %core.name(), signal, "no such signal");
                None
            }
            Some(position) if core.identity().is_notify(position) == Some(true) => {
                // Notify signals travel in propertyUpdate messages, connected or not.
                None
            }
            Some(position) => Some((core.id(), publication, position)),
        }
    }

    fn set_property(&mut self, name: &str, property: u32, value: &RawValue) -> Option<Work> {
        let Some(object) = self.channel.object_for(self.id, name) else {
            complain!(self.complaints, session = %self.id, object = %message::abbreviate(name), "setProperty on an unknown object");
            return None;
        };
        let core = object.core();
        let Some((position, meta)) = usize::try_from(property)
            .ok()
            .and_then(|position| Some((position, core.meta().properties.get(position)?)))
        else {
            complain!(self.complaints, session = %self.id, object = %core.name(), property, "setProperty of an unknown property");
            return None;
        };
        if !meta.writable {
            complain!(self.complaints, session = %self.id, object = %core.name(), property = meta.name, "setProperty of a read-only property");
            return None;
        }
        let invocation = in_values::resolving_for(self.channel.shared().clone(), self.id, || {
            Arc::clone(&object).write_property(position, value, &self.caller)
        });
        let reply = ReplyTo::SetProperty {
            object,
            property: position,
        };
        self.proceed(reply, invocation)
    }

    /// Sends a message, first announcing the objects it refers to that the client has not
    /// seen; keeps messages in order while one waits for an object's lock.
    #[inline]
    fn send(&mut self, outgoing: Outgoing) {
        if self.held_on.is_some() {
            self.held.push_back(outgoing);
            return;
        }
        match self.prepare(outgoing) {
            Ok(()) => {}
            Err((outgoing, busy)) => {
                self.held.push_back(outgoing);
                self.held_on = Some(busy);
            }
        }
    }

    /// Moves a message to the output, with descriptions of the objects new to the client.
    #[allow(clippy::result_large_err)]
    fn prepare(&mut self, outgoing: Outgoing) -> Result<(), (Outgoing, Arc<dyn ErasedObject>)> {
        let objects = outgoing.objects.as_slice();
        if objects.iter().all(|object| self.knows(object)) {
            self.output.push_back(outgoing.text);
            return Ok(());
        }
        let mut text = outgoing.text.as_str().to_owned();
        match announce::describe_into(&mut text, objects, &|object| self.knows(object), self.id) {
            Ok(learned) => {
                for object in learned {
                    self.learn(&object);
                }
                self.output.push_back(Frame::from(text));
                Ok(())
            }
            Err(busy) => Err((outgoing, busy)),
        }
    }

    /// Whether the client has the object's description.
    fn knows(&self, object: &Arc<dyn ErasedObject>) -> bool {
        let core = object.core();
        core.is_registered() || self.known.contains_key(&core.id())
    }

    fn learn(&mut self, object: &Arc<dyn ErasedObject>) {
        let publication = self.channel.shared().adopt(object);
        if let Some(publication) = &publication {
            publication.audience().learn(self.id, &self.mailbox);
        }
        let publication = publication.as_ref().map_or_else(Weak::new, Arc::downgrade);
        self.known.insert(object.core().id(), publication);
    }

    /// The object went away: tell the client, and drop what this session kept about it.
    fn forget(&mut self, object: ObjectId, destroyed: Frame) {
        self.known.remove(&object);
        self.pending.forget(object);
        self.subscriptions
            .retain(|(subscribed, _, _)| *subscribed != object);
        if self.concluding {
            self.destroyed_after_answer.push(destroyed);
            return;
        }
        self.send(Outgoing {
            text: destroyed,
            objects: SharedFound::default(),
        });
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        for (_, publication, position) in self.subscriptions.drain(..) {
            if let Some(publication) = publication.upgrade() {
                publication.audience().unsubscribe(position, self.id);
            }
        }
        for publication in self.known.values().filter_map(Weak::upgrade) {
            publication.audience().forget(self.id);
        }
        self.channel.shared().sessions.detach(self.id);
    }
}

#[cfg(test)]
mod exchange;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod traffic_tests;
#[cfg(test)]
mod value_tests;
