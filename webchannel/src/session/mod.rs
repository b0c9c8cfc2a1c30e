//! [`Session`]: one client's protocol state machine. Text in, frames out, no I/O.
//!
//! The session owns what the protocol keeps per client: whether it is idle, the signals it
//! connected to, the objects it has been sent, and the property changes it has not been
//! sent yet. Work that has to wait (an object locked by another call, an `async` method) is
//! handed back to the caller as [`Work`]; the transport-agnostic loop in `serve.rs` drives it.

mod announce;
mod resolve;
mod updates;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Weak};

use serde_json::value::RawValue;

use crate::channel::Channel;
use crate::fanout::{Event, Mailbox};
use crate::ids::{ObjectId, SessionId};
use crate::meta::DESTROYED_SIGNAL;
use crate::object::{BoxFuture, Invocation, Reply};
use crate::protocol::Frame;
use crate::protocol::close::CloseReason;
use crate::protocol::message::{self, Invoke, Request};
use crate::published::ErasedObject;
use crate::support::shrink::ShrinkWhenEmpty;
use crate::support::warnings::{Complaints, complain};
use crate::values::{self, SharedFound};
use crate::{InvokeError, InvokeErrorKind};

use updates::PendingUpdates;

/// Where the result of a call goes.
#[derive(Debug)]
pub(crate) enum ReplyTo {
    /// An `invokeMethod` with this id (as JSON text).
    Invoke(Box<str>),
    /// A `setProperty`; failures are logged, success is silent.
    SetProperty { object: Arc<str>, property: usize },
}

/// Work the session cannot finish on its own.
pub(crate) enum Work {
    /// A call waits for its object's lock. Later messages are not processed until it
    /// resolves (hand the result to [`Session::resume_call`]).
    Locking {
        reply: ReplyTo,
        future: BoxFuture<Invocation>,
    },
    /// A call runs concurrently (hand the result to [`Session::complete_call`]).
    Running {
        reply: ReplyTo,
        future: BoxFuture<Result<Reply, InvokeError>>,
    },
    /// Output needs a property value of an object another call holds. Later messages are
    /// not processed until the future resolves; then call [`Session::retry`].
    Wait(BoxFuture<()>),
}

/// A message on its way to the client, with the objects it refers to.
struct Outgoing {
    text: Frame,
    objects: SharedFound,
}

/// One client's protocol state.
pub(crate) struct Session {
    id: SessionId,
    channel: Channel,
    mailbox: Arc<Mailbox>,
    idle: bool,
    subscriptions: Vec<(Weak<dyn ErasedObject>, usize)>,
    /// Objects made with `Handle::new` whose description this client has been sent.
    known: HashMap<ObjectId, Weak<dyn ErasedObject>>,
    pending: PendingUpdates,
    /// The id of an `init` that could not be answered yet.
    deferred_init: Option<Box<str>>,
    /// Messages held, in order, until `held_on` can be read to describe an object.
    held: VecDeque<Outgoing>,
    held_on: Option<Arc<dyn ErasedObject>>,
    events: VecDeque<Event>,
    output: Vec<Frame>,
    close: Option<CloseReason>,
    complaints: Complaints,
    /// The size of a property update sent since the transport last asked.
    sent_update: Option<usize>,
}

impl Session {
    pub(crate) fn new(channel: Channel) -> Self {
        let (id, mailbox) = channel.attach();
        Self {
            id,
            channel,
            mailbox,
            idle: false,
            subscriptions: Vec::new(),
            known: HashMap::new(),
            pending: PendingUpdates::default(),
            deferred_init: None,
            held: VecDeque::new(),
            held_on: None,
            events: VecDeque::new(),
            output: Vec::new(),
            close: None,
            complaints: Complaints::default(),
            sent_update: None,
        }
    }

    pub(crate) fn id(&self) -> SessionId {
        self.id
    }

    pub(crate) fn channel(&self) -> &Channel {
        &self.channel
    }

    pub(crate) fn mailbox(&self) -> &Arc<Mailbox> {
        &self.mailbox
    }

    /// The problems this client has caused, for a budget on logging them.
    pub(crate) fn complaints(&self) -> &Complaints {
        &self.complaints
    }

    /// Frames ready to be written to the client, in order.
    pub(crate) fn take_output(&mut self) -> std::vec::Drain<'_, Frame> {
        self.output.drain(..)
    }

    /// Whether frames wait to be written.
    pub(crate) fn has_output(&self) -> bool {
        !self.output.is_empty()
    }

    /// Releases buffer capacity left over from a burst, so an idle session stays small.
    pub(crate) fn trim(&mut self) {
        self.output.shrink_when_empty();
        self.events.shrink_when_empty();
    }

    /// The size of the property update sent since the last call, if one was: what the
    /// transport paces updates by.
    pub(crate) fn take_sent_update(&mut self) -> Option<usize> {
        self.sent_update.take()
    }

    /// Set once the session must end.
    pub(crate) fn close_reason(&self) -> Option<CloseReason> {
        self.close
    }

    /// Whether the client has answered the last property update (and so may be sent one).
    pub(crate) fn is_idle(&self) -> bool {
        self.idle
    }

    /// Whether property updates are waiting and the client is ready for them.
    pub(crate) fn wants_flush(&self) -> bool {
        self.idle
            && !self.pending.is_empty()
            && self.deferred_init.is_none()
            && !self.channel.updates_blocked()
    }

    /// Work to wait for when output is held for a locked object.
    pub(crate) fn blocked(&self) -> Option<Work> {
        let object = self.held_on.as_ref()?;
        Some(Work::Wait(Arc::clone(object).readable()))
    }

    /// Handles one text message from the client.
    pub(crate) fn receive(&mut self, text: &str) -> Option<Work> {
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
    pub(crate) fn deliver(&mut self) {
        self.mailbox.drain_into(&mut self.events);
        while let Some(event) = self.events.pop_front() {
            self.take(event);
        }
    }

    /// Acts on one event (from the mailbox, or handed over directly).
    pub(crate) fn take(&mut self, event: Event) {
        match event {
            Event::Signal { frame, objects } => self.send(Outgoing {
                text: frame,
                objects,
            }),
            Event::Notify {
                object,
                signal,
                args,
                objects,
            } => self.pending.record(object, signal, args, objects),
            Event::Destroyed { object, frame } => self.forget(object, frame),
            // The driver asks `wants_flush` after every step.
            Event::UpdatesReleased => {}
            Event::Close(reason) => {
                self.close.get_or_insert(reason);
            }
        }
    }

    /// Continues a call that was waiting for its object's lock.
    pub(crate) fn resume_call(&mut self, reply: ReplyTo, invocation: Invocation) -> Option<Work> {
        self.proceed(reply, invocation)
    }

    /// Answers a call that ran concurrently.
    pub(crate) fn complete_call(&mut self, reply: ReplyTo, result: Result<Reply, InvokeError>) {
        self.deliver();
        self.answer(reply, result);
    }

    /// Retries what was waiting for an object to become readable.
    pub(crate) fn retry(&mut self) -> Option<Work> {
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
    pub(crate) fn flush(&mut self) -> Option<Work> {
        if !self.wants_flush() {
            return None;
        }
        match self.pending.write_update(self.id) {
            Ok((text, objects)) => {
                self.idle = false;
                self.sent_update = Some(text.len());
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
        let reply = ReplyTo::Invoke(invoke.id.as_json().into());
        match resolve::method(&self.channel, self.id, &invoke) {
            Ok((object, method)) => {
                let invocation = values::resolving_for(&self.channel, self.id, || {
                    object.invoke(method, &invoke.args, self.id)
                });
                self.proceed(reply, invocation)
            }
            Err(error) => {
                self.answer(reply, Err(error));
                None
            }
        }
    }

    fn proceed(&mut self, reply: ReplyTo, invocation: Invocation) -> Option<Work> {
        match invocation {
            Invocation::Ready(result) => {
                // Signals emitted by the call go out before its response, as with Qt.
                self.deliver();
                self.answer(reply, result);
                None
            }
            Invocation::Locking(future) => Some(Work::Locking { reply, future }),
            Invocation::Running(future) => Some(Work::Running { reply, future }),
        }
    }

    fn answer(&mut self, reply: ReplyTo, result: Result<Reply, InvokeError>) {
        match reply {
            ReplyTo::Invoke(id) => self.respond(&id, result),
            ReplyTo::SetProperty { object, property } => {
                if let Err(error) = result {
                    complain!(self.complaints, session = %self.id, %object, property, %error, "setProperty failed; nothing changed");
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
        let Some((object, position)) = self.signal(name, signal) else {
            return;
        };
        if object.core().subscribers[position].insert(self.id, &self.mailbox) {
            self.subscriptions.push((Arc::downgrade(&object), position));
        }
    }

    fn disconnect(&mut self, name: &str, signal: u32) {
        let Some((object, position)) = self.signal(name, signal) else {
            return;
        };
        if object.core().subscribers[position].remove(self.id) {
            let object = Arc::downgrade(&object);
            self.subscriptions.retain(|(known, known_position)| {
                !(Weak::ptr_eq(known, &object) && *known_position == position)
            });
        }
    }

    /// The plain signal a connect/disconnect names; logs and returns `None` otherwise.
    fn signal(&self, name: &str, signal: u32) -> Option<(Arc<dyn ErasedObject>, usize)> {
        let Some(object) = self.channel.object_for(self.id, name) else {
            complain!(self.complaints, session = %self.id, object = %message::abbreviate(name), "signal of an unknown object");
            return None;
        };
        if signal == DESTROYED_SIGNAL {
            // `destroyed` always reaches every client that knows the object.
            return None;
        }
        let core = object.core();
        match core.meta.signal_position(signal) {
            None => {
                complain!(self.complaints, session = %self.id, object = %core.name, signal, "no such signal");
                None
            }
            Some(position) if core.is_notify[position] => {
                // Notify signals travel in propertyUpdate messages, connected or not.
                None
            }
            Some(position) => Some((object, position)),
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
            .and_then(|position| Some((position, core.meta.properties.get(position)?)))
        else {
            complain!(self.complaints, session = %self.id, object = %core.name, property, "setProperty of an unknown property");
            return None;
        };
        if !meta.writable {
            complain!(self.complaints, session = %self.id, object = %core.name, property = meta.name, "setProperty of a read-only property");
            return None;
        }
        let reply = ReplyTo::SetProperty {
            object: Arc::clone(&core.name),
            property: position,
        };
        let invocation = values::resolving_for(&self.channel, self.id, || {
            Arc::clone(&object).write_property(position, value, self.id)
        });
        self.proceed(reply, invocation)
    }

    /// Sends a message, first announcing the objects it refers to that the client has not
    /// seen; keeps messages in order while one waits for an object's lock.
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
            self.output.push(outgoing.text);
            return Ok(());
        }
        let mut text = outgoing.text.as_str().to_owned();
        match announce::describe_into(&mut text, objects, &|object| self.knows(object), self.id) {
            Ok(learned) => {
                for object in learned {
                    self.learn(&object);
                }
                self.output.push(Frame::from(text));
                Ok(())
            }
            Err(busy) => Err((outgoing, busy)),
        }
    }

    /// Whether the client has the object's description.
    fn knows(&self, object: &Arc<dyn ErasedObject>) -> bool {
        let core = object.core();
        core.is_registered() || self.known.contains_key(&core.id)
    }

    fn learn(&mut self, object: &Arc<dyn ErasedObject>) {
        let core = object.core();
        self.channel.adopt(object);
        core.knowers.insert(self.id, &self.mailbox);
        self.known.insert(core.id, Arc::downgrade(object));
    }

    /// The object went away: tell the client, and drop what this session kept about it.
    fn forget(&mut self, object: ObjectId, destroyed: Frame) {
        self.known.remove(&object);
        self.pending.forget(object);
        self.subscriptions.retain(|(subscribed, _)| {
            subscribed
                .upgrade()
                .is_some_and(|subscribed| subscribed.core().id != object)
        });
        self.send(Outgoing {
            text: destroyed,
            objects: SharedFound::default(),
        });
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        for (object, position) in self.subscriptions.drain(..) {
            if let Some(object) = object.upgrade() {
                object.core().subscribers[position].remove(self.id);
            }
        }
        for object in self.known.values().filter_map(Weak::upgrade) {
            object.core().knowers.remove(self.id);
        }
        self.channel.detach(self.id);
    }
}

#[cfg(test)]
mod exchange;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod value_tests;
