//! [`DirectSession`]: a session driven by its caller instead of a task, for in-process
//! transports — a webview's IPC callback, an embedded interpreter — where messages
//! arrive as calls and frames leave through a callback.
//!
//! Messages are handled in the caller's thread and signals reach the session in the
//! emitter's thread, as with Qt's in-process transports; only what has to wait (an object
//! locked by another call, an `async fn`) continues on the tokio runtime the session was
//! made in. Everything still travels as JSON text.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use tokio::runtime::Handle;

use crate::channel::Channel;
use crate::fanout::{DirectReceiver, Event, Mailbox};
use crate::protocol::Frame;
use crate::protocol::close::CloseReason;
use crate::serve::tell_objects_the_session_ended;
use crate::session::{Session, Work};
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
    mailbox: Arc<Mailbox>,
    /// Messages that arrived while the session was busy, in order.
    inbox: Mutex<VecDeque<Box<str>>>,
    deliver: Box<dyn Fn(Frame) + Send + Sync>,
    runtime: Option<Handle>,
}

struct State {
    session: Session,
    /// A message waits for an object's lock; later ones wait behind it.
    stalled: bool,
}

impl Channel {
    /// A session driven by its caller: see [`DirectSession`]. Work that must wait (a
    /// locked object, an `async fn` method) continues on the tokio runtime this is called
    /// in; without one, such a call gets no answer and is logged.
    pub fn direct_session(&self, deliver: impl Fn(Frame) + Send + Sync + 'static) -> DirectSession {
        let session = Session::new(self.clone());
        let mailbox = Arc::clone(session.mailbox());
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                session,
                stalled: false,
            }),
            mailbox: Arc::clone(&mailbox),
            inbox: Mutex::default(),
            deliver: Box::new(deliver),
            runtime: Handle::try_current().ok(),
        });
        let receiver: Weak<dyn DirectReceiver> =
            Arc::downgrade(&shared) as Weak<dyn DirectReceiver>;
        mailbox.set_direct(receiver);
        DirectSession { shared }
    }
}

impl DirectSession {
    /// Handles one message from the client. Its answers (and anything else due) reach the
    /// callback before this returns, unless the message has to wait for another call.
    pub fn receive(&self, text: &str) {
        let shared = &self.shared;
        match shared.state.try_lock() {
            Ok(state) if state.session.close_reason().is_some() => return,
            Ok(mut state) if !state.stalled && lock(&shared.inbox).is_empty() => {
                shared.handle(&mut state, text);
                shared.finish(state);
            }
            _ => lock(&shared.inbox).push_back(text.into()),
        }
        // Whoever holds the session looks again after letting go; this only has to look
        // when something waits (an event, or a message that arrived while it was held).
        if shared.mailbox.has_news() || !lock(&shared.inbox).is_empty() {
            Arc::clone(shared).pump();
        }
    }

    /// Why the session ended, once it has (for example, the channel closed every session).
    pub fn close_reason(&self) -> Option<CloseReason> {
        lock(&self.shared.state).session.close_reason()
    }
}

impl Drop for DirectSession {
    fn drop(&mut self) {
        let Some(runtime) = &self.shared.runtime else {
            return;
        };
        let shared = Arc::clone(&self.shared);
        // The channel's objects learn that the session ended, as when a client leaves.
        let (channel, session) = {
            let state = lock(&shared.state);
            (state.session.channel().clone(), state.session.id())
        };
        runtime.spawn(async move {
            tell_objects_the_session_ended(&channel, session).await;
            drop(shared);
        });
    }
}

impl Shared {
    /// Handles one client message while holding the session.
    fn handle(self: &Arc<Self>, state: &mut State, text: &str) {
        let work = state.session.receive(text);
        self.proceed(state, work);
    }

    /// Carries on with what a step left to do, on the runtime.
    fn proceed(self: &Arc<Self>, state: &mut State, work: Option<Work>) {
        let Some(work) = work else {
            return;
        };
        let Some(runtime) = &self.runtime else {
            tracing::error!(
                session = %state.session.id(),
                "a direct session has work that must wait, but no tokio runtime to wait on"
            );
            return;
        };
        let shared = Arc::clone(self);
        match work {
            Work::Locking { reply, future } => {
                state.stalled = true;
                runtime.spawn(async move {
                    let invocation = future.await;
                    shared.resume(|session| session.resume_call(reply, invocation));
                });
            }
            Work::Running { reply, future } => {
                runtime.spawn(async move {
                    let result = future.await;
                    shared.resume(|session| {
                        session.complete_call(reply, result);
                        None
                    });
                });
            }
            Work::Wait(future) => {
                state.stalled = true;
                runtime.spawn(async move {
                    future.await;
                    shared.resume(Session::retry);
                });
            }
        }
    }

    /// Continues after waiting: `step` runs with the session held and no longer stalled.
    fn resume(self: &Arc<Self>, step: impl FnOnce(&mut Session) -> Option<Work>) {
        let mut state = lock(&self.state);
        state.stalled = false;
        let work = step(&mut state.session);
        self.proceed(&mut state, work);
        self.finish(state);
        Arc::clone(self).pump();
    }

    /// Sends property updates if due, then everything produced, in order; lets go.
    fn finish(self: &Arc<Self>, mut state: MutexGuard<'_, State>) {
        if !state.stalled {
            let work = match state.session.blocked() {
                Some(work) => Some(work),
                None if state.session.wants_flush() => state.session.flush(),
                None => None,
            };
            self.proceed(&mut state, work);
        }
        for frame in state.session.take_output() {
            (self.deliver)(frame);
        }
        state.session.trim();
    }
}

impl DirectReceiver for Shared {
    fn take(self: Arc<Self>, event: Event) {
        if let Err(event) = self.take_now(event) {
            self.mailbox.enqueue(event);
        }
        // Events queued while this held the session, or before, or this one.
        if self.mailbox.has_news() {
            self.pump();
        }
    }
}

impl Shared {
    /// Takes `event` unless events wait already (they go first) or the session is busy.
    fn take_now(self: &Arc<Self>, event: Event) -> Result<(), Event> {
        if self.mailbox.has_news() {
            return Err(event);
        }
        let Ok(mut state) = self.state.try_lock() else {
            return Err(event);
        };
        // A closed session takes nothing more.
        if state.session.close_reason().is_none() {
            state.session.take(event);
        }
        self.finish(state);
        Ok(())
    }

    /// Handles whatever waits (messages, events) until nothing does or someone else holds
    /// the session; whoever holds it looks again after letting go.
    fn pump(self: Arc<Self>) {
        loop {
            let Ok(mut state) = self.state.try_lock() else {
                return;
            };
            if !state.stalled {
                loop {
                    let Some(text) = lock(&self.inbox).pop_front() else {
                        break;
                    };
                    self.handle(&mut state, &text);
                    if state.stalled {
                        break;
                    }
                }
            }
            state.session.deliver();
            let stalled = state.stalled;
            self.finish(state);
            let messages_wait = !stalled && !lock(&self.inbox).is_empty();
            if !messages_wait && !self.mailbox.has_news() {
                return;
            }
        }
    }
}

impl fmt::Debug for DirectSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DirectSession").finish_non_exhaustive()
    }
}
