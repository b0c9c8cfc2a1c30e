//! Driving a session in tests: a message in, the frames it produced out, parsed.

use std::sync::Arc;

use serde_json::Value;

use super::Session;
use crate::Channel;
use crate::fanout::mailbox::Doorbell;

/// Tests take the mailbox's events themselves (`deliver`), so nothing needs ringing.
struct Unattended;

impl Doorbell for Unattended {
    fn ring(&self) {}
}

/// A session of `channel` that sends property updates as soon as its client is idle.
pub(super) fn new_session(channel: Channel) -> Session {
    Session::new(channel, Arc::new(Unattended), None, http::Extensions::new())
}

/// Feeds `text` to the session and returns every frame it produced, parsed.
pub(super) fn exchange(session: &mut Session, text: &str) -> Vec<Value> {
    assert!(session.receive(text).is_none(), "no work expected");
    session.deliver();
    output(session)
}

/// The frames the session produced so far, parsed.
pub(super) fn output(session: &mut Session) -> Vec<Value> {
    session
        .transmit()
        .map(|frame| serde_json::from_str(frame.as_str()).expect("frames are JSON"))
        .collect()
}

/// A session that has received the init response and said it is idle.
pub(super) fn ready_session(channel: &Channel) -> Session {
    let mut session = new_session(channel.clone());
    exchange(&mut session, r#"{"type":3,"id":0}"#);
    exchange(&mut session, r#"{"type":4}"#);
    session
}
