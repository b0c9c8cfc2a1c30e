//! The JSON report printed at the end of a run.

use serde::Serialize;

use crate::cli::ClientMode;
use crate::latency::LatencySummary;

/// Everything a run measured. Durations of phases are wall-clock; CPU times are
/// `utime + stime` over the messaging phase unless named otherwise.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    /// The server's URL.
    pub(crate) url: String,
    /// Clients connected.
    pub(crate) clients: usize,
    /// Clients that sent.
    pub(crate) senders: usize,
    /// Chat messages sent in total.
    pub(crate) messages: u64,
    /// Most calls in flight per sender.
    pub(crate) in_flight: usize,
    /// How the clients handled what they received.
    pub(crate) client_mode: ClientMode,
    /// From the first connect to the last accepted login.
    pub(crate) connect_login_ms: f64,
    /// `clients * messages`: every client receives every message.
    pub(crate) deliveries_expected: u64,
    /// Chat messages received by all clients.
    pub(crate) deliveries_received: u64,
    /// True when every delivery arrived and nothing failed.
    pub(crate) complete: bool,
    /// The messaging phase: from the first send to the last delivery.
    pub(crate) duration_s: f64,
    /// `deliveries_received / duration_s`.
    pub(crate) deliveries_per_s: f64,
    /// End-to-end latency of deliveries, send to receipt.
    pub(crate) latency_ms: Option<LatencySummary>,
    /// Received frames whose byte scan a full JSON parse confirmed.
    pub(crate) frames_verified: u64,
    /// `propertyUpdate`s received (and answered with `idle`) by all clients.
    pub(crate) property_updates: u64,
    /// The generator's own CPU seconds until messaging started (connect, login,
    /// answering property updates).
    pub(crate) generator_cpu_login_s: f64,
    /// The generator's own CPU seconds in the messaging phase.
    pub(crate) generator_cpu_s: f64,
    /// The generator's own CPU per delivery, in microseconds.
    pub(crate) generator_cpu_us_per_delivery: Option<f64>,
    /// The generator's peak resident memory.
    pub(crate) generator_peak_rss_kb: Option<u64>,
    /// The server's figures, given `--server-pid`.
    #[serde(flatten)]
    pub(crate) server: Option<ServerReport>,
    /// What JavaScript-like clients saw, with `--client-mode js`.
    #[serde(flatten)]
    pub(crate) js: Option<JsReport>,
    /// Clients that failed.
    pub(crate) failed_clients: usize,
    /// The first errors, if any.
    pub(crate) errors: Vec<String>,
}

/// The server's CPU time and memory, from `/proc/<pid>`.
#[derive(Debug, Serialize)]
pub(crate) struct ServerReport {
    /// Its process id.
    pub(crate) server_pid: u32,
    /// CPU seconds in the messaging phase.
    pub(crate) server_cpu_s: f64,
    /// `server_cpu_s` per delivery, in microseconds.
    pub(crate) server_cpu_us_per_delivery: Option<f64>,
    /// CPU seconds from the first connect until messaging started (logins and the
    /// property updates they cause).
    pub(crate) server_cpu_login_s: f64,
    /// Peak resident memory (`VmHWM`) at the end of the messaging phase.
    pub(crate) server_peak_rss_kb: u64,
    /// Resident memory (`VmRSS`) before any client connected.
    pub(crate) server_rss_kb_before_connect: u64,
    /// Resident memory once every client had logged in and gone quiet.
    pub(crate) server_rss_kb_after_login: u64,
    /// `(after_login - before_connect)` per logged-in client: memory per logged-in
    /// idle client (divided by the clients that did log in, if not all did).
    pub(crate) rss_per_client_kb: f64,
}

/// What JavaScript-like clients add: how the server treated clients that are slower
/// to read than the server is to write.
#[derive(Debug, Serialize)]
pub(crate) struct JsReport {
    /// Busy time every client spent on every frame, in microseconds.
    pub(crate) frame_cost_us: f64,
    /// Frames parsed in full, by all clients.
    pub(crate) frames_parsed: u64,
    /// `sendMessage` calls made.
    pub(crate) messages_attempted: u64,
    /// `sendMessage` calls answered `true`.
    pub(crate) messages_accepted: u64,
    /// `sendMessage` calls answered `false` (the sender's user had been dropped).
    pub(crate) messages_refused: u64,
    /// Clients whose user the server dropped while they were connected and answering,
    /// noticed either way below.
    pub(crate) users_dropped: usize,
    /// Clients whose own name left the `userList` after their login.
    pub(crate) users_dropped_from_list: usize,
    /// Clients that had a `sendMessage` of their own answered `false`.
    pub(crate) users_refused_send: usize,
}
