//! The in-process workload of the project's benchmarks (`docs/benchmarks.md`): 100
//! objects with 10 properties, 10 signals and 10 methods each, served over in-memory
//! transports that still parse and serialize JSON text, as a WebSocket would.
//!
//! ```sh
//! cargo run --release -p webchannel --example workload            # the full workload
//! cargo run --release -p webchannel --example workload -- --help  # iteration counts
//! ```
//!
//! It prints one JSON line: `init_ns`, `init_bytes`, `invoke_ns`, `fanout_ns_per_delivery`,
//! `property_flush_ns` (medians of this thread's CPU time, which other processes on a
//! shared machine do not inflate; the wall clock's medians are under `wall`), the same
//! invoke and fan-out over task-driven sessions (`*_task_*`) with what that in-memory
//! transport alone costs, and how many iterations each median is over.
//!
//! Invoke and fan-out are timed over [`DirectSession`](webchannel::DirectSession)s, which
//! handle messages in the caller's thread as Qt's in-process transport does; init and
//! flush over task-driven sessions (`Channel::connect_in_memory`), whose hand-offs are a
//! small part of those. `bench/qt-workload/` measures Qt the same way and
//! `bench/workload.sh` runs both side by side.
//!
//! Everything runs on one thread (a current-thread tokio runtime), as Qt's event loop
//! does, so the figures are CPU cost and not parallelism.

mod cli;
mod direct;
mod fanout;
mod flush;
mod init;
mod invoke;
mod measure;
#[expect(
    unreachable_pub,
    reason = "the object macro publishes `pub fn`s; an example binary exports nothing"
)]
mod object;
mod report;
mod setup;
mod transport_floor;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::report::{Report, Wall};

/// What a scenario returns when the server did not answer as the protocol says.
type Error = Box<dyn std::error::Error>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("workload: no tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&cli)) {
        Ok(report) => {
            println!("{}", report.to_json());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("workload: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: &Cli) -> Result<Report, Error> {
    // Each scenario gets a channel of its own, so that sessions left over from one do not
    // add work to the next.
    let mut published = setup::initialised_client().await?;
    let init = init::run(&mut published.client, cli.init_iterations).await?;
    let invoke = invoke::run(&mut published.client, cli.invoke_rounds, cli.invoke_calls).await?;
    drop(published);
    let fanout = fanout::run(cli.fanout_sessions, cli.fanout_iterations).await?;
    let flush = flush::run(cli.flush_iterations).await?;
    let floor =
        transport_floor::run(cli.invoke_rounds, cli.invoke_calls, cli.fanout_sessions).await?;
    let direct_invoke = direct::invoke(cli.invoke_rounds, cli.invoke_calls)?;
    let direct_fanout = direct::fanout(cli.fanout_sessions, cli.fanout_iterations)?;
    Ok(Report {
        init_ns: init.time.cpu_ns,
        init_bytes: init.bytes,
        invoke_ns: direct_invoke.cpu_ns,
        fanout_ns_per_delivery: direct_fanout.cpu_ns,
        property_flush_ns: flush.cpu_ns,
        invoke_task_ns: invoke.round_trip.cpu_ns,
        invoke_pipelined_ns: invoke.pipelined.cpu_ns,
        fanout_task_ns_per_delivery: fanout.cpu_ns,
        transport_round_trip_ns: floor.round_trip_ns,
        transport_delivery_ns: floor.delivery_ns,
        wall: Wall {
            init_ns: init.time.wall_ns,
            invoke_ns: direct_invoke.wall_ns,
            fanout_ns_per_delivery: direct_fanout.wall_ns,
            property_flush_ns: flush.wall_ns,
        },
        clock: "thread CPU time",
        objects: setup::OBJECTS,
        fanout_sessions: cli.fanout_sessions,
        iterations: cli.iterations(),
    })
}
