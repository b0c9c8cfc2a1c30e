//! [`Outgoing`]: a message on its way to the client; [`Held`]: those a session holds back,
//! in order, while an object they describe is locked, and the bytes they count against
//! the session's backlog limit.

use std::collections::VecDeque;

use crate::fanout::mailbox::EVENT_OVERHEAD;
use crate::object::erased::SharedFound;
use crate::protocol::Frame;
use crate::support::shrink::ShrinkWhenEmpty;

/// A message on its way to the client, with the objects it refers to.
pub(super) struct Outgoing {
    pub(super) text: Frame,
    pub(super) objects: SharedFound,
}

/// Messages waiting to be sent, in order.
#[derive(Default)]
pub(super) struct Held {
    messages: VecDeque<Outgoing>,
    /// Their text and their places in the queue, as the mailbox counts events.
    bytes: usize,
}

impl Held {
    pub(super) fn push_back(&mut self, outgoing: Outgoing) {
        self.bytes += cost(&outgoing);
        self.messages.push_back(outgoing);
    }

    /// Puts back a message just taken, which still has to wait.
    pub(super) fn push_front(&mut self, outgoing: Outgoing) {
        self.bytes += cost(&outgoing);
        self.messages.push_front(outgoing);
    }

    pub(super) fn pop_front(&mut self) -> Option<Outgoing> {
        let outgoing = self.messages.pop_front()?;
        self.bytes -= cost(&outgoing);
        self.messages.shrink_when_empty();
        Some(outgoing)
    }

    /// How many messages it holds.
    pub(super) fn len(&self) -> usize {
        self.messages.len()
    }

    /// What the messages count against the backlog limit.
    pub(super) fn bytes(&self) -> usize {
        self.bytes
    }
}

fn cost(outgoing: &Outgoing) -> usize {
    outgoing.text.len() + EVENT_OVERHEAD
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> Outgoing {
        Outgoing {
            text: Frame::from(text),
            objects: SharedFound::default(),
        }
    }

    #[test]
    fn counts_what_it_holds_in_order() {
        let mut held = Held::default();
        held.push_back(message("first"));
        held.push_back(message("second"));
        assert_eq!(held.bytes(), 11 + 2 * EVENT_OVERHEAD);
        let first = held.pop_front().expect("held");
        assert_eq!(first.text.as_str(), "first");
        assert_eq!(held.bytes(), 6 + EVENT_OVERHEAD);
        held.push_front(first);
        assert_eq!(held.bytes(), 11 + 2 * EVENT_OVERHEAD);
        let texts: Vec<String> = std::iter::from_fn(|| held.pop_front())
            .map(|outgoing| outgoing.text.to_string())
            .collect();
        assert_eq!(texts, ["first", "second"]);
        assert_eq!(held.bytes(), 0);
    }
}
