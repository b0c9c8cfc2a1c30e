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
    /// How many bytes may wait for one client before it is closed as too slow: close code
    /// 1008, "client too slow: too many bytes queued". Counted are the signals (and
    /// `destroyed` messages) queued for the session and those it has taken but not yet
    /// written to the socket or holds back, each at its size plus 128 bytes for its place
    /// in the queue, so that many small events are bounded too (the default admits
    /// 32,768 empty ones). Property changes are not counted: they are coalesced, one per
    /// property, and the update is written when it is sent; nor are the session's own
    /// answers, written before it reads the client's next message.
    ///
    /// A signal's frame is serialized once and shared by every session that receives it,
    /// so a client that stops reading pins at most this much of what the others have
    /// long received, and many such clients mostly pin the same frames. A signal larger
    /// than the limit is still taken when nothing else waits, so a client that keeps up
    /// always gets it. Default 4 MiB: 64 chat messages of the largest size beyond what
    /// the socket buffers hold, more than a room of people sends at once, and a few
    /// seconds of a sender at the default `inbound_byte_rate`
    /// (Centrifugo's client queue limit is 1 MiB, for smaller messages).
    pub max_queued_bytes: usize,
    /// How long writing to a client may block its session before the client counts as
    /// not reading and is disconnected: close code 1008 (sent if the socket still takes
    /// it). Default 10 s. Other sessions never wait for a slow one.
    pub write_timeout: Duration,
    /// Size of a WebSocket's read buffer, in bytes: how much one read takes. A connection
    /// holds it only while bytes it has read wait to be handled (one waiting for its
    /// client holds none); a larger message grows it for as long as it takes to arrive.
    /// Default 1 KiB.
    pub websocket_read_buffer: usize,
    /// Largest message (and WebSocket frame) a client may send, in bytes. A larger one
    /// closes the connection with code 1009. Default 1 MiB: room for a 64 KiB chat
    /// message even if every character is escaped in JSON.
    pub max_message_size: usize,
    /// How many frames one message may come in (WebSocket fragmentation); one more closes
    /// the connection with code 1008. Default 1,024: clients fragment only large
    /// messages, into large frames, and a megabyte in 1,024 frames is still 1 KiB each.
    pub max_message_fragments: usize,
    /// How many messages per second a session may send on average, and in a burst; one
    /// more closes it with code 1008. Every frame counts: text or binary, valid or not,
    /// each frame of a fragmented message, pings and pongs.
    /// `None` turns the limit off. Default 2,000 per second with a burst of 4,000. Kept
    /// by every session a task drives (`Channel::run_session`), with the `server` feature.
    #[cfg(feature = "server")]
    pub message_rate: Option<MessageRate>,
    /// How many bytes per second a WebSocket client may send on average, and in a burst.
    /// Every byte read from the socket counts, frame headers and refused frames
    /// included. A client that sends faster is not disconnected: the server pauses
    /// reading from it until its budget allows, so TCP slows the sender down and what it
    /// sends waits in its own buffers, not in the server's (nginx's `limit_rate` does
    /// the same for responses). The burst is never less than one message of
    /// [`max_message_size`](Self::max_message_size) with its frame header, so the
    /// largest message always arrives at full speed. `None` turns the limit off.
    /// Default 1 MiB per second with a burst of 1 MiB: sixteen chat messages of the
    /// largest size every second, and little enough that a client reading at 10 MB/s
    /// keeps up with several senders at the limit.
    #[cfg(feature = "server")]
    pub inbound_byte_rate: Option<ByteRate>,
    /// After this long without hearing from a client the server sends a ping. Default
    /// 30 s.
    pub ping_interval: Duration,
    /// How long a client has to answer a ping (with a pong, or anything else) before it
    /// counts as gone: close code 1008. Default 20 s.
    pub pong_timeout: Duration,
    /// While a client has been written frames since the last ping, send it a ping at most
    /// this often, each carrying the latest [`Checkpoint`](crate::Checkpoint) ahead of it:
    /// an in-order client's pongs then keep coming while it works through a backlog,
    /// however far behind, and each shows how far it has read (see
    /// [`SessionActivity`](crate::SessionActivity)). For applications that judge whether
    /// clients are still there, such as a keep-alive. Costs a ping per interval per busy
    /// client. `None` (the default) sends none.
    pub probe_interval: Option<Duration>,
    /// How many connections [`serve`](crate::serve) holds at once, WebSocket or not.
    /// Beyond it, a newcomer's request is answered with HTTP 503. Default 20,000 (raise
    /// the process's open-file limit to match, `ulimit -n`).
    pub max_connections: usize,
    /// How many of those connections one client address may hold at once (an IPv6
    /// address counts by its /64 network, which one subscriber usually has whole), and
    /// never more than half of [`max_connections`](Self::max_connections), so that one
    /// address can never hold every place. Beyond it, that address's newcomers are
    /// answered with HTTP 429. Default 256: more WebSockets than one browser opens, with
    /// room for a small office behind one NAT address. `None` turns the limit off, as
    /// needed where every client comes through one address (a reverse proxy, which then
    /// keeps a limit of its own per client); loopback load tests instead spread their
    /// clients over several 127.x.y.z source addresses.
    pub max_connections_per_address: Option<usize>,
    /// How long a new connection has to become a WebSocket, whatever it does meanwhile
    /// (sends its request slowly, starts another, reads an answer slowly, idles between
    /// requests); then it is closed. Default 10 s.
    pub handshake_timeout: Duration,
    /// How long a new WebSocket may stay silent before its first message (QWebChannel
    /// clients send `init` at once); then it is closed with code 1008. Pings and pongs
    /// do not count. `Duration::ZERO` turns the limit off. Default 10 s.
    pub first_message_timeout: Duration,
    /// Origins, besides the server's own, whose pages may open a WebSocket, such as
    /// `https://chat.example.org`; `"null"` admits pages opened from a file (and, with
    /// them, sandboxed frames of any site), `"*"` admits every page. Clients that send
    /// no `Origin` (everything but browsers) are always admitted, and so are the server's
    /// own pages (an `http` or `https` origin that is the `Host` the request was sent
    /// to, if [`allowed_hosts`](Self::allowed_hosts) trusts that host). Anything else is
    /// refused with HTTP 403.
    pub allowed_origins: Vec<String>,
    /// Host names, besides `localhost`, names under `.localhost` and IP addresses, at
    /// which the server's own pages may reach it, such as `chat.example.org`; an entry
    /// `.example.org` admits `example.org` and every name under it. A page on any other
    /// name (one an attacker rebound in DNS to the server's address, DNS rebinding) is
    /// not the server's own and is refused; [`Channel::allows_host`](crate::Channel::allows_host)
    /// applies the same rule to pages served next to the channel.
    pub allowed_hosts: Vec<String>,
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

/// A byte rate limit: `per_second` on average, up to `burst` at once.
#[cfg(feature = "server")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByteRate {
    /// Bytes per second a client may keep sending.
    pub per_second: NonZeroU32,
    /// Bytes a client may send at once after a quiet spell.
    pub burst: NonZeroU32,
}

#[cfg(feature = "server")]
impl ByteRate {
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
            max_queued_bytes: 4 << 20,
            write_timeout: Duration::from_secs(10),
            websocket_read_buffer: 1024,
            max_message_size: 1 << 20,
            max_message_fragments: 1024,
            #[cfg(feature = "server")]
            message_rate: MessageRate::new(2_000, 4_000),
            #[cfg(feature = "server")]
            inbound_byte_rate: ByteRate::new(1 << 20, 1 << 20),
            ping_interval: Duration::from_secs(30),
            pong_timeout: Duration::from_secs(20),
            probe_interval: None,
            max_connections: 20_000,
            max_connections_per_address: Some(256),
            handshake_timeout: Duration::from_secs(10),
            first_message_timeout: Duration::from_secs(10),
            allowed_origins: Vec::new(),
            allowed_hosts: Vec::new(),
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

    /// Sets [`Config::max_queued_bytes`] (at least 1).
    pub fn with_max_queued_bytes(mut self, bytes: usize) -> Self {
        self.max_queued_bytes = bytes.max(1);
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

    /// Sets [`Config::max_message_fragments`] (at least 1).
    pub fn with_max_message_fragments(mut self, limit: usize) -> Self {
        self.max_message_fragments = limit.max(1);
        self
    }

    /// Sets [`Config::message_rate`]; `None` turns the limit off.
    #[cfg(feature = "server")]
    pub fn with_message_rate(mut self, rate: Option<MessageRate>) -> Self {
        self.message_rate = rate;
        self
    }

    /// Sets [`Config::inbound_byte_rate`]; `None` turns the limit off.
    #[cfg(feature = "server")]
    pub fn with_inbound_byte_rate(mut self, rate: Option<ByteRate>) -> Self {
        self.inbound_byte_rate = rate;
        self
    }

    /// Sets [`Config::ping_interval`] and [`Config::pong_timeout`].
    pub fn with_ping(mut self, interval: Duration, timeout: Duration) -> Self {
        self.ping_interval = interval;
        self.pong_timeout = timeout;
        self
    }

    /// Sets [`Config::probe_interval`]; `None` sends no probes.
    pub fn with_probe_interval(mut self, interval: Option<Duration>) -> Self {
        self.probe_interval = interval;
        self
    }

    /// Sets [`Config::max_connections`] (at least 1).
    pub fn with_max_connections(mut self, limit: usize) -> Self {
        self.max_connections = limit.max(1);
        self
    }

    /// Sets [`Config::max_connections_per_address`] (at least 1; `None`: no limit).
    pub fn with_max_connections_per_address(mut self, limit: Option<usize>) -> Self {
        self.max_connections_per_address = limit.map(|limit| limit.max(1));
        self
    }

    /// Sets [`Config::handshake_timeout`].
    pub fn with_handshake_timeout(mut self, timeout: Duration) -> Self {
        self.handshake_timeout = timeout;
        self
    }

    /// Sets [`Config::first_message_timeout`] (`Duration::ZERO`: no limit).
    pub fn with_first_message_timeout(mut self, timeout: Duration) -> Self {
        self.first_message_timeout = timeout;
        self
    }

    /// Adds an origin to [`Config::allowed_origins`].
    pub fn allow_origin(mut self, origin: impl Into<String>) -> Self {
        self.allowed_origins.push(origin.into());
        self
    }

    /// Adds a host name to [`Config::allowed_hosts`].
    pub fn allow_host(mut self, host: impl Into<String>) -> Self {
        self.allowed_hosts.push(host.into());
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
