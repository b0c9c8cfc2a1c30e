//! The JSON line the workload prints; `bench/qt-workload/` prints the same fields for Qt.

use serde::Serialize;

/// Medians in nanoseconds of this thread's CPU time (the wall clock's in `wall`), and what
/// they are medians of.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    /// One init request answered (all objects described).
    pub(crate) init_ns: f64,
    /// Size of the init response.
    pub(crate) init_bytes: usize,
    /// One invokeMethod round trip, one call in flight, over a direct session.
    pub(crate) invoke_ns: f64,
    /// One emission delivered to every connected direct session, divided by the sessions.
    pub(crate) fanout_ns_per_delivery: f64,
    /// Every property of every object changed, until the one update arrived.
    pub(crate) property_flush_ns: f64,
    /// One invokeMethod round trip over a task-driven session (in-memory transport).
    pub(crate) invoke_task_ns: f64,
    /// The same, when a whole round is sent before reading the responses.
    pub(crate) invoke_pipelined_ns: f64,
    /// The fan-out over task-driven sessions, per delivery.
    pub(crate) fanout_task_ns_per_delivery: f64,
    /// The in-memory transport alone: a round trip to an echo task over the same channels.
    pub(crate) transport_round_trip_ns: f64,
    /// The in-memory transport alone: one frame through one session's channel.
    pub(crate) transport_delivery_ns: f64,
    /// The same medians on the wall clock.
    pub(crate) wall: Wall,
    pub(crate) clock: &'static str,
    pub(crate) objects: usize,
    pub(crate) fanout_sessions: usize,
    pub(crate) iterations: Iterations,
}

/// The scenarios' medians on the wall clock, in nanoseconds.
#[derive(Debug, Serialize)]
pub(crate) struct Wall {
    pub(crate) init_ns: f64,
    pub(crate) invoke_ns: f64,
    pub(crate) fanout_ns_per_delivery: f64,
    pub(crate) property_flush_ns: f64,
}

/// How many timed repetitions each median is over.
#[derive(Debug, Serialize)]
pub(crate) struct Iterations {
    pub(crate) init: usize,
    pub(crate) invoke_rounds: usize,
    pub(crate) invoke_calls: usize,
    pub(crate) fanout: usize,
    pub(crate) flush: usize,
}

impl Report {
    pub(crate) fn to_json(&self) -> String {
        // Plain numbers and strings: serializing cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}
