//! [`Link`]: whether a node reaches its broker, and [`LinkState`], which brokers use to
//! keep it: transitions published on a watch channel and logged once each, however many
//! calls fail in between.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::watch;

use crate::support::locks::lock;

/// Whether this node reaches its broker. While it is down, cluster signals and claims
/// fail at once instead of waiting for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// Calls go through.
    Up,
    /// Calls fail at once; `reason` says why, as first seen.
    Down {
        /// What went wrong, for logs.
        reason: Arc<str>,
    },
}

impl Link {
    /// Whether calls go through.
    pub fn is_up(&self) -> bool {
        matches!(self, Self::Up)
    }
}

/// The link of one node to its broker, for [`Broker`](super::Broker) implementations: it
/// starts up, each transition is published to [`LinkState::watch`]ers and logged once (a
/// warning when it goes down, an info line with the outage's length and the number of
/// refused calls when it comes back), and calls refused in between are only counted.
pub struct LinkState {
    sender: watch::Sender<Link>,
    /// What the link leads to, in log lines (`redis at 127.0.0.1:6379`).
    what: Arc<str>,
    down_since: Mutex<Option<Instant>>,
    refused: AtomicU64,
}

impl LinkState {
    /// A link that is up, to `what` (named in its log lines).
    pub fn new(what: impl Into<Arc<str>>) -> Self {
        Self {
            sender: watch::Sender::new(Link::Up),
            what: what.into(),
            down_since: Mutex::new(None),
            refused: AtomicU64::new(0),
        }
    }

    /// Whether the link is up now.
    pub fn is_up(&self) -> bool {
        self.sender.borrow().is_up()
    }

    /// The link now and its transitions.
    pub fn watch(&self) -> watch::Receiver<Link> {
        self.sender.subscribe()
    }

    /// The link went down because of `reason`. Logs and returns true if it was up.
    pub fn set_down(&self, reason: impl fmt::Display) -> bool {
        let reason: Arc<str> = reason.to_string().into();
        let changed = self.sender.send_if_modified(|link| {
            if link.is_up() {
                *link = Link::Down {
                    reason: Arc::clone(&reason),
                };
                true
            } else {
                false
            }
        });
        if changed {
            *lock(&self.down_since) = Some(Instant::now());
            self.refused.store(0, Ordering::Relaxed);
            tracing::warn!(
                "{} unreachable ({reason}): serving local clients; cluster calls fail until it is back",
                self.what
            );
        }
        changed
    }

    /// The link is up again. Logs and returns true if it was down.
    pub fn set_up(&self) -> bool {
        let changed = self.sender.send_if_modified(|link| {
            let was_down = !link.is_up();
            *link = Link::Up;
            was_down
        });
        if changed {
            let outage = lock(&self.down_since)
                .take()
                .map_or(0.0, |since| since.elapsed().as_secs_f64());
            let refused = self.refused.swap(0, Ordering::Relaxed);
            tracing::info!(
                "{} back after {outage:.1} s; {refused} cluster calls refused meanwhile",
                self.what
            );
        }
        changed
    }

    /// Counts a call refused because the link is down (reported when it comes back).
    pub fn refuse(&self) {
        self.refused.fetch_add(1, Ordering::Relaxed);
    }
}

impl fmt::Debug for LinkState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkState")
            .field("what", &self.what)
            .field("link", &*self.sender.borrow())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transitions_count() {
        let link = LinkState::new("a test broker");
        let watch = link.watch();
        assert!(link.is_up());
        assert!(!link.set_up(), "already up");
        assert!(link.set_down("gone"));
        assert!(
            !link.set_down("still gone"),
            "one transition, however many failures"
        );
        link.refuse();
        assert_eq!(
            *watch.borrow(),
            Link::Down {
                reason: "gone".into()
            }
        );
        assert!(link.set_up());
        assert!(watch.borrow().is_up());
    }
}
