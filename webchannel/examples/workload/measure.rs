//! Timing on two clocks: this thread's CPU time, which the figures report because other
//! processes on a shared machine do not inflate it, and the wall clock, reported beside
//! it so a gap (contention, or the runtime sleeping) shows. Medians of repetitions.

use std::time::{Duration, Instant};

use rustix::time::{ClockId, clock_gettime};
use serde::Serialize;

/// A started measurement.
pub(crate) struct Stopwatch {
    wall: Instant,
    cpu: Duration,
}

impl Stopwatch {
    pub(crate) fn start() -> Self {
        Self {
            cpu: thread_cpu_time(),
            wall: Instant::now(),
        }
    }
}

/// Measurements of one scenario on both clocks.
#[derive(Default)]
pub(crate) struct Samples {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
}

impl Samples {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            wall: Vec::with_capacity(capacity),
            cpu: Vec::with_capacity(capacity),
        }
    }

    /// Records the time since `stopwatch` started.
    pub(crate) fn stop(&mut self, stopwatch: &Stopwatch) {
        let wall = stopwatch.wall.elapsed();
        self.cpu
            .push(thread_cpu_time().saturating_sub(stopwatch.cpu));
        self.wall.push(wall);
    }

    /// The medians, divided by `per` (the operations each measurement covered).
    pub(crate) fn median_per(&self, per: usize) -> Median {
        Median {
            cpu_ns: median_ns(&self.cpu) / per as f64,
            wall_ns: median_ns(&self.wall) / per as f64,
        }
    }
}

/// The median of one scenario, in nanoseconds, on each clock.
#[derive(Clone, Copy, Debug, Serialize)]
pub(crate) struct Median {
    pub(crate) cpu_ns: f64,
    pub(crate) wall_ns: f64,
}

/// CPU time this thread has used. The workload runs on one thread (a current-thread
/// runtime), so that is all of its work.
fn thread_cpu_time() -> Duration {
    let time = clock_gettime(ClockId::ThreadCPUTime);
    Duration::new(
        u64::try_from(time.tv_sec).unwrap_or(0),
        u32::try_from(time.tv_nsec).unwrap_or(0),
    )
}

/// The median (the mean of the middle two for an even count); 0 for no samples.
fn median_ns(samples: &[Duration]) -> f64 {
    let mut nanos: Vec<f64> = samples.iter().map(|d| d.as_nanos() as f64).collect();
    nanos.sort_by(f64::total_cmp);
    let middle = nanos.len() / 2;
    match nanos.len() {
        0 => 0.0,
        len if len % 2 == 1 => nanos[middle],
        _ => (nanos[middle - 1] + nanos[middle]) / 2.0,
    }
}
