//! [`Audience`]: the sessions one object's signals reach — per signal, those connected to
//! it, and those that were sent the object's description — with the verbs sessions use to
//! join and leave.

use std::sync::Arc;

use crate::ids::SessionId;

use super::event::Event;
use super::mailbox::Mailbox;
use super::subscribers::Subscribers;

/// Who hears one object.
pub(crate) struct Audience {
    /// Per signal position: the sessions connected to it.
    connected: Box<[Subscribers]>,
    /// Sessions that were sent this object's description (objects made with
    /// `Handle::new`): its property changes and its `destroyed` go to them.
    knowers: Subscribers,
}

impl Audience {
    /// Nobody yet, for an object with `signals` signals.
    pub(crate) fn new(signals: usize) -> Self {
        Self {
            connected: (0..signals).map(|_| Subscribers::default()).collect(),
            knowers: Subscribers::default(),
        }
    }

    /// Connects `session` to the signal at `signal`; false when it already was.
    pub(crate) fn subscribe(
        &self,
        signal: usize,
        session: SessionId,
        mailbox: &Arc<Mailbox>,
    ) -> bool {
        self.connected
            .get(signal)
            .is_some_and(|connected| connected.insert(session, mailbox))
    }

    /// Disconnects `session` from the signal at `signal`; false when it was not connected.
    pub(crate) fn unsubscribe(&self, signal: usize, session: SessionId) -> bool {
        self.connected
            .get(signal)
            .is_some_and(|connected| connected.remove(session))
    }

    /// Disconnects every session from every signal.
    pub(crate) fn unsubscribe_all(&self) {
        for connected in &self.connected {
            connected.clear();
        }
    }

    /// Whether a session is connected to the signal at `signal`.
    pub(crate) fn is_heard(&self, signal: usize) -> bool {
        self.connected
            .get(signal)
            .is_some_and(|connected| !connected.is_empty())
    }

    /// Gives each session connected to the signal at `signal` its event.
    pub(crate) fn tell_connected(&self, signal: usize, event: impl Fn() -> Event) {
        if let Some(connected) = self.connected.get(signal) {
            connected.push_each(event);
        }
    }

    /// Notes that `session` was sent the object's description.
    pub(crate) fn learn(&self, session: SessionId, mailbox: &Arc<Mailbox>) {
        self.knowers.insert(session, mailbox);
    }

    /// Forgets that `session` knows the object (it ended).
    pub(crate) fn forget(&self, session: SessionId) {
        self.knowers.remove(session);
    }

    /// Whether `session` was sent the object's description.
    pub(crate) fn knows(&self, session: SessionId) -> bool {
        self.knowers.contains(session)
    }

    /// Gives each session that knows the object its event.
    pub(crate) fn tell_knowers(&self, event: impl Fn() -> Event) {
        self.knowers.push_each(event);
    }
}
