//! The JSON report of `chat-load flood`.

use std::collections::BTreeMap;

use serde::Serialize;

/// The bounds the server must keep: peak resident memory above idle, and what may stay
/// above idle once every client has left and `--settle` has passed.
pub(crate) const MAX_PEAK_ABOVE_IDLE_MIB: f64 = 128.0;
pub(crate) const MAX_AFTER_ABOVE_IDLE_MIB: f64 = 32.0;

/// Everything a flood measured.
#[derive(Debug, Serialize)]
pub(crate) struct FloodReport {
    pub(crate) url: String,
    pub(crate) attackers: usize,
    pub(crate) stalled: usize,
    pub(crate) paced_readers: usize,
    /// Bytes per second each paced reader reads.
    pub(crate) paced_rate: u64,
    /// Each attacker's message text, in bytes.
    pub(crate) message_bytes: usize,
    /// How long the attackers sent, wall clock.
    pub(crate) attack_s: f64,
    /// From the end of the attack until every paced reader had every accepted message.
    pub(crate) catch_up_s: f64,
    /// `sendMessage` calls sent and accepted by all attackers.
    pub(crate) messages_sent: u64,
    pub(crate) messages_accepted: u64,
    /// What all attackers together sent per second, in MiB.
    pub(crate) attack_mib_per_s: f64,
    /// Per paced reader: messages received, MiB per second read, and how the server
    /// closed it if it did.
    pub(crate) paced: Vec<PacedReport>,
    /// How the server ended the connections of the clients that never read, with how
    /// many ended that way ("1008 client too slow: ...", "still open", ...).
    pub(crate) stalled_endings: BTreeMap<String, usize>,
    /// The server's `VmRSS` before any client connected.
    pub(crate) server_rss_kb_idle: u64,
    /// The highest `VmRSS` sampled (every 20 ms) from the first connect to the last
    /// client leaving, and the kernel's own peak (`VmHWM`) then.
    pub(crate) server_rss_kb_peak: u64,
    pub(crate) server_vmhwm_kb: u64,
    /// The server's `VmRSS` `settle_s` after the last client left.
    pub(crate) server_rss_kb_after: u64,
    pub(crate) settle_s: f64,
    pub(crate) peak_above_idle_mib: f64,
    pub(crate) after_above_idle_mib: f64,
    /// Whether the peak stayed under 128 MiB above idle.
    pub(crate) peak_bounded: bool,
    /// Whether memory came back within 32 MiB of idle.
    pub(crate) memory_returned: bool,
    /// Every paced reader got every accepted message and was never disconnected.
    pub(crate) paced_complete: bool,
    /// All of the above, and nothing failed.
    pub(crate) complete: bool,
    pub(crate) errors: Vec<String>,
}

/// One paced reader's run.
#[derive(Debug, Serialize)]
pub(crate) struct PacedReport {
    pub(crate) received: u64,
    pub(crate) read_mib_per_s: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) closed: Option<String>,
}

/// Kilobytes as MiB, to a tenth.
pub(crate) fn mib(kb: u64) -> f64 {
    (kb as f64 / 1024.0 * 10.0).round() / 10.0
}
