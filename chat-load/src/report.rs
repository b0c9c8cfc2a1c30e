//! The JSON report printed at the end of a run.

use serde::Serialize;

use crate::cli::ClientMode;
use crate::latency::{LatencySummary, round3};

/// Everything a run measured. Durations of phases are wall-clock; CPU times are
/// `utime + stime` over the messaging phase unless named otherwise.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    /// The server's URL (the first, given several).
    pub(crate) url: String,
    /// Every server URL, given several: client i connected to `urls[i mod n]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) urls: Vec<String>,
    /// Loopback source addresses the clients were spread over, given more than one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) source_addresses: Option<usize>,
    /// The senders' total rate, given `--rate`, in messages per second.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) rate_per_s: Option<f64>,
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
    /// The broker's figures and the cluster's total, given `--broker-pid`.
    #[serde(flatten)]
    pub(crate) broker: Option<BrokerReport>,
    /// What JavaScript-like clients saw, with `--client-mode js`.
    #[serde(flatten)]
    pub(crate) js: Option<JsReport>,
    /// Clients that failed.
    pub(crate) failed_clients: usize,
    /// The first errors, if any.
    pub(crate) errors: Vec<String>,
}

/// The server's CPU time and memory, from `/proc/<pid>`; given several instances, sums
/// over them (the peak RSS is the sum of each one's peak).
#[derive(Debug, Serialize)]
pub(crate) struct ServerReport {
    /// Its process id, given one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) server_pid: Option<u32>,
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
    /// Each instance's own figures, given several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) server_processes: Vec<ProcessReport>,
}

/// One measured process's CPU time and memory.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct ProcessReport {
    /// Its process id.
    pub(crate) pid: u32,
    /// CPU seconds in the messaging phase.
    pub(crate) cpu_s: f64,
    /// CPU seconds from the first connect until messaging started.
    pub(crate) cpu_login_s: f64,
    /// Peak resident memory (`VmHWM`) at the end of the messaging phase.
    pub(crate) peak_rss_kb: u64,
    /// Resident memory (`VmRSS`) before any client connected.
    pub(crate) rss_kb_before_connect: u64,
    /// Resident memory once every client had logged in and gone quiet.
    pub(crate) rss_kb_after_login: u64,
}

impl ProcessReport {
    /// The same, with CPU times rounded to the millisecond for the report.
    pub(crate) fn rounded(&self) -> Self {
        Self {
            cpu_s: round3(self.cpu_s),
            cpu_login_s: round3(self.cpu_login_s),
            ..*self
        }
    }
}

/// The message broker's CPU time and memory, and the whole cluster's CPU.
#[derive(Debug, Serialize)]
pub(crate) struct BrokerReport {
    /// Its process id.
    pub(crate) broker_pid: u32,
    /// CPU seconds in the messaging phase.
    pub(crate) broker_cpu_s: f64,
    /// `broker_cpu_s` per delivery, in microseconds.
    pub(crate) broker_cpu_us_per_delivery: Option<f64>,
    /// CPU seconds from the first connect until messaging started.
    pub(crate) broker_cpu_login_s: f64,
    /// Peak resident memory (`VmHWM`) at the end of the messaging phase.
    pub(crate) broker_peak_rss_kb: u64,
    /// `server_cpu_s + broker_cpu_s`: everything the cluster spent on messaging.
    pub(crate) cluster_cpu_s: f64,
    /// `cluster_cpu_s` per delivery, in microseconds.
    pub(crate) cluster_cpu_us_per_delivery: Option<f64>,
}

/// `seconds` of CPU per delivery, in microseconds; `None` when nothing was delivered.
pub(crate) fn per_delivery_us(seconds: f64, deliveries: u64) -> Option<f64> {
    (deliveries > 0).then(|| round3(seconds * 1e6 / deliveries as f64))
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
