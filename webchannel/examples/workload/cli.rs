//! Command-line flags: how often each scenario is repeated (the defaults are the
//! benchmark's; tiny values make a quick check).

use clap::Parser;

use crate::report::Iterations;

/// Runs the in-process workload of docs/benchmarks.md and prints one JSON line.
#[derive(Debug, Parser)]
#[command(name = "workload")]
pub(crate) struct Cli {
    /// Timed init requests (one response describing every object each).
    #[arg(long, default_value_t = 200, value_parser = at_least_one)]
    pub(crate) init_iterations: usize,

    /// Timed rounds of invokeMethod calls; the median is over rounds.
    #[arg(long, default_value_t = 100, value_parser = at_least_one)]
    pub(crate) invoke_rounds: usize,

    /// Calls per invoke round.
    #[arg(long, default_value_t = 1000, value_parser = at_least_one)]
    pub(crate) invoke_calls: usize,

    /// Idle, initialised sessions connected to obj0.s0.
    #[arg(long, default_value_t = 1000, value_parser = at_least_one)]
    pub(crate) fanout_sessions: usize,

    /// Timed emissions of obj0.s0.
    #[arg(long, default_value_t = 100, value_parser = at_least_one)]
    pub(crate) fanout_iterations: usize,

    /// Timed property flushes (every property of every object changed, one update sent).
    #[arg(long, default_value_t = 200, value_parser = at_least_one)]
    pub(crate) flush_iterations: usize,
}

impl Cli {
    pub(crate) fn iterations(&self) -> Iterations {
        Iterations {
            init: self.init_iterations,
            invoke_rounds: self.invoke_rounds,
            invoke_calls: self.invoke_calls,
            fanout: self.fanout_iterations,
            flush: self.flush_iterations,
        }
    }
}

fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_owned()),
        Ok(count) => Ok(count),
        Err(error) => Err(error.to_string()),
    }
}
