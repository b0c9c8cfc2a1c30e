//! [`Session`]: one client's protocol state machine. Text in, frames out, no I/O.
//!
//! The session owns what the protocol keeps per client: whether it is idle, the signals it
//! connected to, and the property changes it has not been sent yet. Work that has to wait
//! (an object locked by another call, an `async` method) is handed back to the caller as
//! [`Work`]; the transport-agnostic loop in `serve.rs` drives it.

use std::fmt;
use std::sync::Arc;

use serde_json::value::RawValue;

use crate::channel::Channel;
use crate::fanout::{Event, Mailbox};
use crate::meta::DESTROYED_SIGNAL;
use crate::object::{BoxFuture, Invocation, Reply, arity_error};
use crate::protocol::Frame;
use crate::protocol::json::JsonBuf;
use crate::protocol::message::{self, Invoke, MethodRef, Request};
use crate::published::{ErasedObject, ReadError};
use crate::{InvokeError, InvokeErrorKind};

/// Identifies one session (one connected client) for the life of the process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub(crate) u64);

impl SessionId {
    /// The number behind the id, as shown in logs.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloseReason {
    /// The client closed the connection.
    ClientClosed,
    /// Reading from or writing to the client failed.
    TransportFailed,
    /// The client did not read fast enough and its queue overflowed.
    Overflow,
    /// The server is shutting down.
    Shutdown,
}

impl CloseReason {
    /// The WebSocket close code sent to the client, when the server closes.
    pub fn close_code(self) -> Option<u16> {
        match self {
            Self::ClientClosed | Self::TransportFailed => None,
            Self::Overflow => Some(1008),
            Self::Shutdown => Some(1001),
        }
    }

    /// A short text for the close frame and the log.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientClosed => "client closed the connection",
            Self::TransportFailed => "connection failed",
            Self::Overflow => "client too slow: outgoing queue overflowed",
            Self::Shutdown => "server shutting down",
        }
    }
}

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
    /// A property value could not be read because its object is locked. Later messages
    /// are not processed until the future resolves; then call [`Session::retry`].
    Wait(BoxFuture<()>),
}

/// Property changes waiting for the client to be idle, for one object.
struct PendingUpdate {
    object: Arc<dyn ErasedObject>,
    /// Notify signal positions, with the arguments of their last emission.
    signals: Vec<(usize, Frame)>,
}

/// One client's protocol state.
pub(crate) struct Session {
    id: SessionId,
    channel: Channel,
    mailbox: Arc<Mailbox>,
    idle: bool,
    subscriptions: Vec<(Arc<dyn ErasedObject>, usize)>,
    pending: Vec<PendingUpdate>,
    /// The id of an `init` that could not be answered yet.
    deferred_init: Option<Box<str>>,
    events: Vec<Event>,
    output: Vec<Frame>,
    close: Option<CloseReason>,
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
            pending: Vec::new(),
            deferred_init: None,
            events: Vec::new(),
            output: Vec::new(),
            close: None,
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

    /// Frames ready to be written to the client, in order.
    pub(crate) fn take_output(&mut self) -> std::vec::Drain<'_, Frame> {
        self.output.drain(..)
    }

    /// Set once the session must end.
    pub(crate) fn close_reason(&self) -> Option<CloseReason> {
        self.close
    }

    /// Whether property updates are waiting and the client is ready for them.
    pub(crate) fn wants_flush(&self) -> bool {
        self.idle && !self.pending.is_empty() && self.deferred_init.is_none()
    }

    /// Handles one text message from the client.
    pub(crate) fn receive(&mut self, text: &str) -> Option<Work> {
        let request = match message::parse(text) {
            Ok(request) => request,
            Err(bad) => {
                tracing::warn!(session = %self.id, reason = %bad.refusal, "dropped a malformed message");
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
                tracing::info!(session = %self.id, "client debug: {}", message::abbreviate(&text));
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
        let mut events = std::mem::take(&mut self.events);
        self.mailbox.drain_into(&mut events);
        for event in events.drain(..) {
            match event {
                Event::Signal(frame) => self.output.push(frame),
                Event::Notify {
                    object,
                    signal,
                    args,
                } => self.record_notify(object, signal, args),
                Event::Close(reason) => {
                    self.close.get_or_insert(reason);
                }
            }
        }
        self.events = events;
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
        match self.deferred_init.take() {
            Some(id) => self.init(id),
            None => self.flush(),
        }
    }

    /// Sends the pending property updates if the client is idle, as one
    /// `propertyUpdate` with each property's current value.
    pub(crate) fn flush(&mut self) -> Option<Work> {
        if !self.wants_flush() {
            return None;
        }
        let mut json = JsonBuf::with_capacity(256);
        json.raw("{\"type\":2,\"data\":[");
        for (position, update) in self.pending.iter().enumerate() {
            if position > 0 {
                json.raw(",");
            }
            if let Err(busy) = write_update(&mut json, update, self.id) {
                return Some(Work::Wait(busy.readable()));
            }
        }
        json.raw("]}");
        self.pending.clear();
        self.idle = false;
        self.output.push(json.into_frame());
        None
    }

    fn init(&mut self, id: Box<str>) -> Option<Work> {
        // Changes recorded so far are covered by the values in the description.
        self.deliver();
        let session = self.id;
        let mut json = JsonBuf::with_capacity(1024);
        json.raw("{\"type\":10,\"id\":").raw(&id).raw(",\"data\":{");
        for (position, object) in self.channel.objects().iter().enumerate() {
            if position > 0 {
                json.raw(",");
            }
            let core = object.core();
            json.string(&core.name).raw(":");
            let described = core.description.write(&mut json, |property, json| {
                read_value(object, property, json, session)
            });
            if described.is_err() {
                self.deferred_init = Some(id);
                return Some(Work::Wait(Arc::clone(object).readable()));
            }
        }
        json.raw("}}");
        // The description carries every current value.
        self.pending.clear();
        self.output.push(json.into_frame());
        None
    }

    fn invoke(&mut self, invoke: Invoke<'_>) -> Option<Work> {
        let reply = ReplyTo::Invoke(invoke.id.as_json().into());
        match self.resolve(&invoke) {
            Ok((object, method)) => {
                let invocation = object.invoke(method, &invoke.args, self.id);
                self.proceed(reply, invocation)
            }
            Err(error) => {
                self.answer(reply, Err(error));
                None
            }
        }
    }

    /// Finds the object and method an `invokeMethod` names and checks the argument count.
    fn resolve(&self, invoke: &Invoke<'_>) -> Result<(Arc<dyn ErasedObject>, usize), InvokeError> {
        let object = self.channel.object(&invoke.object).ok_or_else(|| {
            InvokeError::new(
                InvokeErrorKind::UnknownObject,
                format!("no object named {:?}", message::abbreviate(&invoke.object)),
            )
        })?;
        let meta = object.core().meta;
        let name = &object.core().name;
        let position = match &invoke.method {
            MethodRef::Index(index) => meta.method_position(*index).ok_or_else(|| {
                InvokeError::new(
                    InvokeErrorKind::UnknownMethod,
                    format!("{name} has no method with index {index}"),
                )
            })?,
            MethodRef::Name(method) => {
                let mut candidates = meta.methods_named(method);
                let first = candidates.next().ok_or_else(|| {
                    InvokeError::new(
                        InvokeErrorKind::UnknownMethod,
                        format!(
                            "{name} has no method named {:?}",
                            message::abbreviate(method)
                        ),
                    )
                })?;
                // Among overloads, prefer one that takes exactly this many arguments.
                std::iter::once(first)
                    .chain(candidates)
                    .find(|&position| meta.methods[position].params.len() == invoke.args.len())
                    .unwrap_or(first)
            }
        };
        let method = &meta.methods[position];
        if invoke.args.len() > method.params.len() {
            return Err(arity_error(name, method, invoke.args.len()));
        }
        Ok((object, position))
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
                    tracing::warn!(session = %self.id, %object, property, %error, "setProperty failed; nothing changed");
                }
            }
        }
    }

    fn respond(&mut self, id: &str, result: Result<Reply, InvokeError>) {
        let mut json = JsonBuf::with_capacity(64);
        json.raw("{\"type\":10,\"id\":").raw(id);
        match result {
            Ok(reply) => {
                json.raw(",\"data\":").raw(reply.as_json());
            }
            Err(error) => {
                match error.kind() {
                    InvokeErrorKind::Failed => {
                        tracing::debug!(session = %self.id, %error, "call failed");
                    }
                    _ => tracing::warn!(session = %self.id, %error, "call refused"),
                }
                // No `data`: the client's Promise rejects. The reason rides along.
                json.raw(",\"error\":").string(error.message());
            }
        }
        json.raw("}");
        self.output.push(json.into_frame());
    }

    fn connect(&mut self, name: &str, signal: u32) {
        let Some((object, position)) = self.signal(name, signal) else {
            return;
        };
        if object.core().subscribers[position].insert(self.id, &self.mailbox) {
            self.subscriptions.push((object, position));
        }
    }

    fn disconnect(&mut self, name: &str, signal: u32) {
        let Some((object, position)) = self.signal(name, signal) else {
            return;
        };
        if object.core().subscribers[position].remove(self.id) {
            self.subscriptions.retain(|(known, known_position)| {
                !(Arc::ptr_eq(known, &object) && *known_position == position)
            });
        }
    }

    /// The plain signal a connect/disconnect names; logs and returns `None` otherwise.
    fn signal(&self, name: &str, signal: u32) -> Option<(Arc<dyn ErasedObject>, usize)> {
        let Some(object) = self.channel.object(name) else {
            tracing::warn!(session = %self.id, object = %message::abbreviate(name), "signal of an unknown object");
            return None;
        };
        if signal == DESTROYED_SIGNAL {
            // `destroyed` always reaches every client that knows the object.
            return None;
        }
        let core = object.core();
        match core.meta.signal_position(signal) {
            None => {
                tracing::warn!(session = %self.id, object = %core.name, signal, "no such signal");
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
        let Some(object) = self.channel.object(name) else {
            tracing::warn!(session = %self.id, object = %message::abbreviate(name), "setProperty on an unknown object");
            return None;
        };
        let core = object.core();
        let Some((position, meta)) = usize::try_from(property)
            .ok()
            .and_then(|position| Some((position, core.meta.properties.get(position)?)))
        else {
            tracing::warn!(session = %self.id, object = %core.name, property, "setProperty of an unknown property");
            return None;
        };
        if !meta.writable {
            tracing::warn!(session = %self.id, object = %core.name, property = meta.name, "setProperty of a read-only property");
            return None;
        }
        let reply = ReplyTo::SetProperty {
            object: Arc::clone(&core.name),
            property: position,
        };
        let invocation = object.write_property(position, value, self.id);
        self.proceed(reply, invocation)
    }

    fn record_notify(&mut self, object: Arc<dyn ErasedObject>, signal: usize, args: Frame) {
        let update = match self
            .pending
            .iter_mut()
            .position(|update| Arc::ptr_eq(&update.object, &object))
        {
            Some(position) => &mut self.pending[position],
            None => {
                self.pending.push(PendingUpdate {
                    object,
                    signals: Vec::new(),
                });
                let last = self.pending.len() - 1;
                &mut self.pending[last]
            }
        };
        match update
            .signals
            .iter_mut()
            .find(|(known, _)| *known == signal)
        {
            Some((_, last_args)) => *last_args = args,
            None => update.signals.push((signal, args)),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        for (object, position) in self.subscriptions.drain(..) {
            object.core().subscribers[position].remove(self.id);
        }
        self.channel.detach(self.id);
    }
}

/// Appends `{"object":..,"signals":{..},"properties":{..}}` for one object; on a locked
/// object returns it so the caller can wait.
fn write_update(
    json: &mut JsonBuf,
    update: &PendingUpdate,
    session: SessionId,
) -> Result<(), Arc<dyn ErasedObject>> {
    let core = update.object.core();
    json.raw("{\"object\":")
        .string(&core.name)
        .raw(",\"signals\":{");
    for (position, (signal, args)) in update.signals.iter().enumerate() {
        if position > 0 {
            json.raw(",");
        }
        json.raw("\"")
            .number(u64::from(core.meta.signal_index(*signal)))
            .raw("\":")
            .raw(args.as_str());
    }
    json.raw("},\"properties\":{");
    let mut first = true;
    for (property, meta) in core.meta.properties.iter().enumerate() {
        let notified = meta
            .notify
            .is_some_and(|notify| update.signals.iter().any(|(signal, _)| *signal == notify));
        if !notified {
            continue;
        }
        if !first {
            json.raw(",");
        }
        first = false;
        json.raw("\"").number(property as u64).raw("\":");
        read_value(&update.object, property, json, session)?;
    }
    json.raw("}}");
    Ok(())
}

/// Appends a property's current value; a getter that fails is logged and sent as `null`.
fn read_value(
    object: &Arc<dyn ErasedObject>,
    property: usize,
    json: &mut JsonBuf,
    session: SessionId,
) -> Result<(), Arc<dyn ErasedObject>> {
    match object.read_property(property, json) {
        Ok(()) => Ok(()),
        Err(ReadError::Busy) => Err(Arc::clone(object)),
        Err(ReadError::Failed(error)) => {
            let core = object.core();
            tracing::error!(%session, object = %core.name, property = core.meta.properties[property].name, %error, "property could not be read; sent as null");
            json.raw("null");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests;
