//! End-to-end latency: recorded by every client, merged into one histogram.
//!
//! A full histogram per client would cost more memory than the client itself at
//! 10,000 clients, so each client keeps a short batch of samples and adds it to one
//! of a few shared histograms (which one is fixed per client, so clients on
//! different threads rarely contend); the shards are merged for the report.

use std::sync::{Mutex, PoisonError};

use hdrhistogram::Histogram;
use serde::Serialize;

/// Samples a client collects before it adds them to its shard.
pub(crate) const BATCH: usize = 128;

/// Largest latency the histogram tells apart, in microseconds (one hour); longer
/// ones are recorded as this.
const HIGHEST_US: u64 = 3_600_000_000;

/// Significant decimal digits the histogram keeps.
const PRECISION: u8 = 3;

/// Latency histograms (in microseconds) shared by all clients.
#[derive(Debug)]
pub(crate) struct LatencyShards {
    shards: Vec<Mutex<Histogram<u64>>>,
}

impl LatencyShards {
    /// `count` empty shards (at least one).
    pub(crate) fn new(count: usize) -> Self {
        let shards = (0..count.max(1)).map(|_| Mutex::new(empty())).collect();
        Self { shards }
    }

    /// Adds a client's batch of samples (microseconds) and empties it.
    pub(crate) fn add(&self, client: usize, batch: &mut Vec<u64>) {
        if batch.is_empty() {
            return;
        }
        let shard = &self.shards[client % self.shards.len()];
        let mut histogram = shard.lock().unwrap_or_else(PoisonError::into_inner);
        for &sample in batch.iter() {
            histogram.saturating_record(sample.clamp(1, HIGHEST_US));
        }
        drop(histogram);
        batch.clear();
    }

    /// All shards merged into one histogram.
    pub(crate) fn merged(&self) -> Histogram<u64> {
        let mut total = empty();
        for shard in &self.shards {
            let histogram = shard.lock().unwrap_or_else(PoisonError::into_inner);
            // Same bounds on both sides, so adding cannot fail.
            total.add(&*histogram).unwrap_or_default();
        }
        total
    }
}

fn empty() -> Histogram<u64> {
    Histogram::new_with_bounds(1, HIGHEST_US, PRECISION)
        .unwrap_or_else(|error| unreachable!("constant histogram bounds are valid: {error}"))
}

/// The latency figures of the report, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct LatencySummary {
    /// Median.
    pub(crate) p50: f64,
    /// 99th percentile.
    pub(crate) p99: f64,
    /// Largest.
    pub(crate) max: f64,
}

/// Median, 99th percentile and maximum of `histogram`; `None` when it is empty.
pub(crate) fn summarize(histogram: &Histogram<u64>) -> Option<LatencySummary> {
    if histogram.is_empty() {
        return None;
    }
    let ms = |us: u64| round3(us as f64 / 1000.0);
    Some(LatencySummary {
        p50: ms(histogram.value_at_quantile(0.50)),
        p99: ms(histogram.value_at_quantile(0.99)),
        max: ms(histogram.max()),
    })
}

/// Rounds to three decimals, enough for any figure of the report.
pub(crate) fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_from_many_clients_merge() {
        let shards = LatencyShards::new(4);
        for client in 0..10 {
            let mut batch: Vec<u64> = (1..=100).map(|i| i * 1000).collect();
            shards.add(client, &mut batch);
            assert!(batch.is_empty());
        }
        let merged = shards.merged();
        assert_eq!(merged.len(), 1000);
        let summary = summarize(&merged).expect("samples");
        assert!((summary.p50 - 50.0).abs() < 0.1, "{summary:?}");
        assert!((summary.p99 - 99.0).abs() < 0.1, "{summary:?}");
        assert!((summary.max - 100.0).abs() < 0.1, "{summary:?}");
    }

    #[test]
    fn out_of_range_samples_are_clamped() {
        let shards = LatencyShards::new(1);
        shards.add(0, &mut vec![0, u64::MAX]);
        let merged = shards.merged();
        assert_eq!(merged.len(), 2);
        assert_eq!(merged.min(), 1);
        assert!(merged.max() >= HIGHEST_US);
    }

    #[test]
    fn empty_has_no_summary() {
        assert_eq!(summarize(&LatencyShards::new(2).merged()), None);
    }

    #[test]
    fn rounding() {
        assert_eq!(round3(1.23456), 1.235);
        assert_eq!(round3(2.0), 2.0);
    }
}
