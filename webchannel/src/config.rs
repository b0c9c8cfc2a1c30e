//! [`Config`]: the settings of a [`Channel`](crate::Channel).

use std::time::Duration;

/// Settings of a [`Channel`](crate::Channel). Start from `Config::default()` and change
/// what you need with the `with_*` methods.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    /// How long property changes are collected before an idle client is sent them.
    /// `Duration::ZERO` (the default) sends them as soon as the client is idle; changes
    /// made while it is busy are still coalesced into one update.
    pub property_update_interval: Duration,
    /// How many undelivered events a session may have queued before it is disconnected
    /// as too slow (close code 1008).
    pub max_queued_events: usize,
    /// Size of a WebSocket's read buffer. The WebSocket layer clears the whole buffer
    /// before every read, and every connection keeps one, so small is both faster and
    /// leaner; larger messages still arrive whole, over several reads.
    pub websocket_read_buffer: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            property_update_interval: Duration::ZERO,
            max_queued_events: 65_536,
            websocket_read_buffer: 4096,
        }
    }
}

impl Config {
    /// Sets [`Config::property_update_interval`].
    pub fn with_property_update_interval(mut self, interval: Duration) -> Self {
        self.property_update_interval = interval;
        self
    }

    /// Sets [`Config::websocket_read_buffer`].
    pub fn with_websocket_read_buffer(mut self, bytes: usize) -> Self {
        self.websocket_read_buffer = bytes;
        self
    }

    /// Sets [`Config::max_queued_events`] (at least 1).
    pub fn with_max_queued_events(mut self, limit: usize) -> Self {
        self.max_queued_events = limit.max(1);
        self
    }
}
