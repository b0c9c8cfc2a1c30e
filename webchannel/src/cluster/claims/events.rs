//! [`ClaimEvents`]: what a [`ClaimSet`](super::ClaimSet) tells its owner — the members
//! changed (coalesced: one event however many changes came meanwhile), or a name this node
//! held was lost to another node (each one).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::mpsc;

/// Something that happened to a claim set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimEvent {
    /// The members changed since the last `Changed` was taken: read them again.
    Changed,
    /// This node held `name` and another node holds it now (after an outage in which the
    /// other node claimed it first). Whatever this node did under that name should stop.
    Lost(String),
}

/// The events of one claim set, in order. Changes are coalesced, so the queue stays short
/// even when nobody reads it for a while.
#[derive(Debug)]
pub struct ClaimEvents {
    receiver: mpsc::UnboundedReceiver<ClaimEvent>,
    change_queued: Arc<AtomicBool>,
}

impl ClaimEvents {
    /// The next event; `None` once the claim set is gone.
    pub async fn recv(&mut self) -> Option<ClaimEvent> {
        let event = self.receiver.recv().await?;
        if event == ClaimEvent::Changed {
            // Changes from now on need a new event.
            self.change_queued.store(false, Ordering::Release);
        }
        Some(event)
    }
}

/// The claim set's end of its events.
#[derive(Debug)]
pub(super) struct EventSender {
    sender: mpsc::UnboundedSender<ClaimEvent>,
    change_queued: Arc<AtomicBool>,
}

impl EventSender {
    pub(super) fn new() -> (Self, ClaimEvents) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let change_queued = Arc::new(AtomicBool::new(false));
        (
            Self {
                sender,
                change_queued: Arc::clone(&change_queued),
            },
            ClaimEvents {
                receiver,
                change_queued,
            },
        )
    }

    pub(super) fn changed(&self) {
        if !self.change_queued.swap(true, Ordering::AcqRel) {
            // Nobody listening is fine: the events are there for whoever wants them.
            let _ = self.sender.send(ClaimEvent::Changed);
        }
    }

    pub(super) fn lost(&self, name: String) {
        let _ = self.sender.send(ClaimEvent::Lost(name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn changes_coalesce_and_losses_do_not() {
        let (sender, mut events) = EventSender::new();
        sender.changed();
        sender.changed();
        sender.lost("alice".to_owned());
        sender.lost("bob".to_owned());
        assert_eq!(events.recv().await, Some(ClaimEvent::Changed));
        assert_eq!(events.recv().await, Some(ClaimEvent::Lost("alice".into())));
        sender.changed();
        assert_eq!(events.recv().await, Some(ClaimEvent::Lost("bob".into())));
        assert_eq!(
            events.recv().await,
            Some(ClaimEvent::Changed),
            "a new change after one was taken"
        );
        drop(sender);
        assert_eq!(events.recv().await, None);
    }
}
