//! [`Config`]: the settings of a [`Channel`](crate::Channel), among them every limit a
//! client can run into (see the README's "Limits and security").

#[cfg(feature = "server")]
use std::num::NonZeroU32;
use std::time::Duration;

use crate::cluster::Cluster;

/// Settings of a [`Channel`](crate::Channel) and of [`serve`](crate::serve). Start from
/// `Config::default()` and change what you need with the `with_*` methods.
///
/// Every limit says what happens to a client that reaches it; the WebSocket close codes
/// are those of [`CloseReason::close_code`](crate::CloseReason::close_code).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    /// How long property changes are collected before an idle client is sent them.
    /// `Duration::ZERO` (the default) sends them as soon as the client is idle; changes
    /// made while it is busy are still coalesced into one update.
    pub property_update_interval: Duration,
    /// Bytes per second that property updates may take across all sessions, before large
    /// updates to many sessions are spread out: after a session is sent an update of `n`
    /// bytes, its next one waits `n × sessions / budget` (changes meanwhile ride along,
    /// with current values). Small values reach every client at once; a value that is
    /// large, watched by many and changed often (a chat's user list during a login
    /// storm) does not saturate the server. `None` turns pacing off. Default 128 MiB/s.
    pub property_update_budget: Option<u64>,
    /// How many undelivered events (signals, property changes) a session may have queued
    /// before it is closed as too slow: close code 1008. Default 65,536.
    pub max_queued_events: usize,
    /// How long writing to a client may block its session before the client counts as
    /// not reading and is disconnected: close code 1008 (sent if the socket still takes
    /// it). Default 10 s. Other sessions never wait for a slow one.
    pub write_timeout: Duration,
    /// Size of a WebSocket's read buffer when idle, in bytes. Every connection keeps one,
    /// so small keeps idle clients cheap; a larger message grows it for as long as it
    /// takes to arrive, then it shrinks back. Default 1 KiB.
    pub websocket_read_buffer: usize,
    /// Largest message (and WebSocket frame) a client may send, in bytes. A larger one
    /// closes the connection with code 1009. Default 1 MiB: room for a 64 KiB chat
    /// message even if every character is escaped in JSON.
    pub max_message_size: usize,
    /// How many messages per second a session may send on average, and in a burst; one
    /// more closes it with code 1008. Every frame counts, text or binary, valid or not.
    /// `None` turns the limit off. Default 2,000 per second with a burst of 4,000. Kept
    /// by every session a task drives (`Channel::run_session`), with the `server` feature.
    #[cfg(feature = "server")]
    pub message_rate: Option<MessageRate>,
    /// After this long without hearing from a client the server sends a ping. Default
    /// 30 s.
    pub ping_interval: Duration,
    /// How long a client has to answer a ping (with a pong, or anything else) before it
    /// counts as gone: close code 1008. Default 20 s.
    pub pong_timeout: Duration,
    /// How many connections [`serve`](crate::serve) holds at once, WebSocket or not.
    /// Beyond it, a newcomer's request is answered with HTTP 503. Default 20,000 (raise
    /// the process's open-file limit to match, `ulimit -n`).
    pub max_connections: usize,
    /// How long a new connection has to complete its WebSocket upgrade; a connection
    /// that has not become a WebSocket by then is closed (after answering a request in
    /// progress). Default 10 s.
    pub handshake_timeout: Duration,
    /// Origins, besides the defaults, whose pages may open a WebSocket, such as
    /// `https://chat.example.org`. The defaults admit clients that send no `Origin`
    /// (everything but browsers), pages of the server's own origin, and `null` (a page
    /// opened from a file). Anything else is refused with HTTP 403; `"*"` admits all.
    pub allowed_origins: Vec<String>,
    /// How long [`serve`](crate::serve) waits at shutdown for sessions to send what is
    /// queued and close (code 1001). Default 5 s.
    pub shutdown_timeout: Duration,
    /// The cluster this channel is one instance of: cluster signals
    /// (`#[webchannel(signal, cluster)]`) go through its broker and are emitted on every
    /// instance. `None` (the default): the channel is on its own, and cluster signals are
    /// plain ones.
    pub cluster: Option<Cluster>,
}

/// A message rate limit: `per_second` on average, up to `burst` at once.
#[cfg(feature = "server")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageRate {
    /// Messages per second a client may keep sending.
    pub per_second: NonZeroU32,
    /// Messages a client may send at once after a quiet spell.
    pub burst: NonZeroU32,
}

#[cfg(feature = "server")]
impl MessageRate {
    /// `per_second` on average, at most `burst` at once; `None` if either is zero.
    pub fn new(per_second: u32, burst: u32) -> Option<Self> {
        Some(Self {
            per_second: NonZeroU32::new(per_second)?,
            burst: NonZeroU32::new(burst)?,
        })
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            property_update_interval: Duration::ZERO,
            property_update_budget: Some(128 << 20),
            max_queued_events: 65_536,
            write_timeout: Duration::from_secs(10),
            websocket_read_buffer: 1024,
            max_message_size: 1 << 20,
            #[cfg(feature = "server")]
            message_rate: MessageRate::new(2_000, 4_000),
            ping_interval: Duration::from_secs(30),
            pong_timeout: Duration::from_secs(20),
            max_connections: 20_000,
            handshake_timeout: Duration::from_secs(10),
            allowed_origins: Vec::new(),
            shutdown_timeout: Duration::from_secs(5),
            cluster: None,
        }
    }
}

impl Config {
    /// Sets [`Config::property_update_interval`].
    pub fn with_property_update_interval(mut self, interval: Duration) -> Self {
        self.property_update_interval = interval;
        self
    }

    /// Sets [`Config::property_update_budget`] (bytes per second; `None`: no pacing).
    pub fn with_property_update_budget(mut self, bytes_per_second: Option<u64>) -> Self {
        self.property_update_budget = bytes_per_second;
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

    /// Sets [`Config::write_timeout`].
    pub fn with_write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout;
        self
    }

    /// Sets [`Config::max_message_size`] (at least 1 KiB, so that any client can
    /// initialise).
    pub fn with_max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes.max(1024);
        self
    }

    /// Sets [`Config::message_rate`]; `None` turns the limit off.
    #[cfg(feature = "server")]
    pub fn with_message_rate(mut self, rate: Option<MessageRate>) -> Self {
        self.message_rate = rate;
        self
    }

    /// Sets [`Config::ping_interval`] and [`Config::pong_timeout`].
    pub fn with_ping(mut self, interval: Duration, timeout: Duration) -> Self {
        self.ping_interval = interval;
        self.pong_timeout = timeout;
        self
    }

    /// Sets [`Config::max_connections`] (at least 1).
    pub fn with_max_connections(mut self, limit: usize) -> Self {
        self.max_connections = limit.max(1);
        self
    }

    /// Sets [`Config::handshake_timeout`].
    pub fn with_handshake_timeout(mut self, timeout: Duration) -> Self {
        self.handshake_timeout = timeout;
        self
    }

    /// Adds an origin to [`Config::allowed_origins`].
    pub fn allow_origin(mut self, origin: impl Into<String>) -> Self {
        self.allowed_origins.push(origin.into());
        self
    }

    /// Sets [`Config::shutdown_timeout`].
    pub fn with_shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// Sets [`Config::cluster`]: the channel is one instance of `cluster`.
    pub fn with_cluster(mut self, cluster: Cluster) -> Self {
        self.cluster = Some(cluster);
        self
    }
}
