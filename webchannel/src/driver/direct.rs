//! [`DirectSession`]: a session driven by its caller instead of a task, for in-process
//! transports — a webview's IPC callback, an embedded interpreter — where messages
//! arrive as calls and frames leave through a callback.
//!
//! Messages are handled in the caller's thread and signals reach the session in the
//! emitter's thread, as with Qt's in-process transports: the mailbox's doorbell offers
//! each event to the session, which takes it at once when it is free. Only what has to
//! wait (an object locked by another call, an `async fn`) continues on the tokio runtime
//! the session was made in. Everything still travels as JSON text.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use http::Extensions;
use tokio::runtime::Handle;

use crate::channel::Channel;
use crate::fanout::event::Event;
use crate::fanout::mailbox::Doorbell;
use crate::protocol::Frame;
use crate::protocol::close::CloseReason;
use crate::session::Session;
use crate::session::contract::{Awaited, Input, Resolved, Step};
use crate::support::locks::lock;

/// A session whose client lives in the same process: [`receive`](Self::receive) hands
/// it a message, and every frame for the client goes, in order, to the callback given to
/// [`Channel::direct_session`].
///
/// Property updates go out as soon as the client is idle; the channel's update interval
/// and budget, and its transport limits (message size and rate, pings), concern remote
/// clients and do not apply. The callback runs while the session is held: it must not call
/// back into the same session synchronously. Dropping the `DirectSession` ends the
/// session, and the channel's objects are told, as when a connection closes (on the tokio
/// runtime the session was made in; made outside one, it ends without telling them).
pub struct DirectSession {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    /// Messages that arrived while the session was busy, in order.
    inbox: Mutex<VecDeque<Box<str>>>,
    /// Whether messages wait in the inbox; kept under its lock, read without taking it, so
    /// that whoever lets go of the session can look cheaply.
    unread: AtomicBool,
    /// Whether the mailbox rang since the session last took its events. Whoever lets go of
    /// the session looks at it (and at the inbox) and takes over what waits.
    rung: AtomicBool,
    deliver: Box<dyn Fn(Frame) + Send + Sync>,
    runtime: Option<Handle>,
}

struct State {
    session: Session,
    /// A message waits for an object's lock; later ones wait behind it.
    stalled: bool,
    /// Why the session ended, once it has.
    closed: Option<CloseReason>,
}

/// The doorbell of a direct session's mailbox.
struct Bell(Weak<Shared>);

impl Channel {
    /// A session driven by its caller: see [`DirectSession`]. Work that must wait (a
    /// locked object, an `async fn` method) continues on the tokio runtime this is called
    /// in; without one, such a call gets no answer and is logged.
    pub fn direct_session(&self, deliver: impl Fn(Frame) + Send + Sync + 'static) -> DirectSession {
        self.direct_session_with(Extensions::new(), deliver)
    }

    /// [`direct_session`](Self::direct_session) for a client its caller knows something
    /// about (who it is, for example): every call of the session reads `extensions`
    /// through [`Context::extensions`](crate::Context::extensions).
    pub fn direct_session_with(
        &self,
        extensions: Extensions,
        deliver: impl Fn(Frame) + Send + Sync + 'static,
    ) -> DirectSession {
        let shared = Arc::new_cyclic(|shared: &Weak<Shared>| Shared {
            state: Mutex::new(State {
                session: Session::new(
                    self.clone(),
                    Arc::new(Bell(shared.clone())),
                    None,
                    extensions,
                ),
                stalled: false,
                closed: None,
            }),
            inbox: Mutex::default(),
            unread: AtomicBool::new(false),
            // Events that came before the session could take them wait in the mailbox.
            rung: AtomicBool::new(true),
            deliver: Box::new(deliver),
            runtime: Handle::try_current().ok(),
        });
        Arc::clone(&shared).pump();
        DirectSession { shared }
    }
}

impl DirectSession {
    /// Handles one message from the client. Its answers (and anything else due) reach the
    /// callback before this returns, unless the message has to wait for another call.
    pub fn receive(&self, text: &str) {
        let shared = &self.shared;
        match shared.state.try_lock() {
            Ok(state) if state.closed.is_some() => return,
            Ok(mut state) if !state.stalled && !shared.unread.load(Ordering::SeqCst) => {
                shared.step(&mut state, Input::Message(text));
                shared.let_go(state);
            }
            _ => {
                let mut inbox = lock(&shared.inbox);
                inbox.push_back(text.into());
                shared.unread.store(true, Ordering::SeqCst);
            }
        }
        // Whoever holds the session looks again after letting go; this only has to look
        // when something waits (an event, or a message that arrived while it was held).
        if shared.rung.load(Ordering::SeqCst) || shared.unread.load(Ordering::SeqCst) {
            Arc::clone(shared).pump();
        }
    }

    /// Why the session ended, once it has (for example, the channel closed every session).
    pub fn close_reason(&self) -> Option<CloseReason> {
        lock(&self.shared.state).closed
    }
}

impl Drop for DirectSession {
    fn drop(&mut self) {
        let Some(runtime) = &self.shared.runtime else {
            return;
        };
        let shared = Arc::clone(&self.shared);
        // The channel's objects learn that the session ended, as when a client leaves.
        let ending = {
            let state = lock(&shared.state);
            state
                .session
                .end(state.closed.unwrap_or(CloseReason::ClientClosed))
        };
        runtime.spawn(async move {
            ending.tell_objects().await;
            drop(shared);
        });
    }
}

impl Shared {
    /// Hands the session one input, with the session held, and carries on with what the
    /// step asks for.
    fn step(self: &Arc<Self>, state: &mut State, input: Input<'_>) {
        let step = state.session.handle(input);
        self.follow(state, step);
    }

    /// Awaits on the runtime what the step asks to await; notes a close.
    fn follow(self: &Arc<Self>, state: &mut State, step: Step) {
        if step.close.is_some() {
            state.closed = step.close;
        }
        if let Some(future) = step.blocking {
            state.stalled = true;
            self.await_then_resume(state, future, true);
        }
        if let Some(future) = step.running {
            self.await_then_resume(state, future, false);
        }
    }

    /// Awaits `future` on the runtime, then hands the session what it resolved to;
    /// `blocking` futures hold later messages back until then.
    fn await_then_resume(self: &Arc<Self>, state: &State, future: Awaited, blocking: bool) {
        let Some(runtime) = &self.runtime else {
            tracing::error!(
                session = %state.session.id(),
                "a direct session has work that must wait, but no tokio runtime to wait on"
            );
            return;
        };
        let shared = Arc::clone(self);
        runtime.spawn(async move {
            let resolved = future.await;
            shared.resume(resolved, blocking);
        });
    }

    /// Continues after waiting, with the session held.
    fn resume(self: Arc<Self>, resolved: Resolved, blocking: bool) {
        let mut state = lock(&self.state);
        if blocking {
            state.stalled = false;
        }
        self.step(&mut state, Input::Resolved(resolved));
        self.let_go(state);
        self.pump();
    }

    /// Sends the client everything the session produced, in order, and lets go of it.
    /// Handed to the callback counts as written; there are no pings to send.
    fn let_go(&self, mut state: MutexGuard<'_, State>) {
        for frame in state.session.transmit() {
            (self.deliver)(frame);
        }
        state.session.written(false);
    }

    /// The oldest message in the inbox.
    fn next_message(&self) -> Option<Box<str>> {
        let mut inbox = lock(&self.inbox);
        let text = inbox.pop_front();
        if inbox.is_empty() {
            self.unread.store(false, Ordering::SeqCst);
        }
        text
    }

    /// Handles whatever waits (messages, events) until nothing does or someone else holds
    /// the session; whoever holds it looks again after letting go.
    fn pump(self: Arc<Self>) {
        loop {
            let Ok(mut state) = self.state.try_lock() else {
                return;
            };
            if state.closed.is_none() && !state.stalled {
                while let Some(text) = self.next_message() {
                    self.step(&mut state, Input::Message(&text));
                    if state.stalled || state.closed.is_some() {
                        break;
                    }
                }
            }
            if self.rung.swap(false, Ordering::SeqCst) {
                self.step(&mut state, Input::Mail);
            }
            let reads = state.closed.is_none() && !state.stalled;
            self.let_go(state);
            let messages_wait = reads && self.unread.load(Ordering::SeqCst);
            if !messages_wait && !self.rung.load(Ordering::SeqCst) {
                return;
            }
        }
    }
}

impl Doorbell for Bell {
    fn offer(&self, event: &mut Option<Event>) {
        let Some(shared) = self.0.upgrade() else {
            return;
        };
        let Ok(mut state) = shared.state.try_lock() else {
            return;
        };
        let event = event.take();
        // A closed session takes nothing more.
        if let Some(event) = event
            && state.closed.is_none()
        {
            shared.step(&mut state, Input::Event(event));
        }
        shared.let_go(state);
        // Events queued, or messages that arrived, while this held the session.
        if shared.rung.load(Ordering::SeqCst) || shared.unread.load(Ordering::SeqCst) {
            shared.pump();
        }
    }

    fn ring(&self) {
        if let Some(shared) = self.0.upgrade() {
            shared.rung.store(true, Ordering::SeqCst);
            shared.pump();
        }
    }
}

impl fmt::Debug for DirectSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DirectSession").finish_non_exhaustive()
    }
}
