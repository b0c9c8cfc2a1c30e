//! `chat-load`: the end-to-end load generator for QWebChannel chat servers.
//!
//! It drives any server that publishes Qt's ChatServer object (Qt's own example or
//! ours) with the end-to-end chat workload of `docs/benchmarks.md`: many clients log in,
//! a few of them send, everyone receives every message. It prints one JSON object on
//! stdout. Run with:
//!
//! ```text
//! cargo run --release -p chat-load -- \
//!     --url ws://127.0.0.1:12345 --clients 100 --senders 10 --messages 20000 --server-pid PID
//! ```
//!
//! By default receivers stay cheap so that the server, not the generator, is
//! measured: a received frame is classified by a byte scan ([`scan`]), and one in
//! `--sample-every` is fully parsed to prove the scan right ([`verify`]). With
//! `--client-mode js` the clients behave like JavaScript clients instead: they share one
//! event loop, parse every frame, spend `--frame-cost` on each, answer `keepAlive`
//! only when they get to it, and count the users the server drops ([`client`]).
//!
//! Several instances of one chat are driven at once by repeating `--url` (clients and
//! senders spread round-robin) and `--server-pid`, plus `--broker-pid` for the broker
//! they share ([`usage`]); clients of a loopback server come from many loopback
//! addresses ([`dial`]); `--rate` paces the senders.
//!
//! `chat-load flood` is another scenario: a flood of the largest messages at clients that
//! never read, measuring the server's memory ([`flood`]).

/// mimalloc rather than glibc's malloc: JavaScript-like clients build a JSON tree of
/// every frame, a string per user name of each user-list update, and glibc's allocator
/// spent over half of the generator's time on them where a JavaScript engine allocates
/// from a nursery at little cost. The generator should model the client, not the
/// allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;
mod client;
mod connection;
mod description;
mod dial;
mod flood;
mod latency;
mod procfs;
mod report;
mod run;
mod scan;
mod tally;
mod usage;
mod verify;
mod wire;

use std::future::Future;
use std::io;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, ClientMode};
use crate::flood::cli::FloodCli;

fn main() -> ExitCode {
    if std::env::args_os()
        .nth(1)
        .is_some_and(|first| first == "flood")
    {
        let cli = FloodCli::parse_from(std::env::args_os().skip(1));
        if let Err(error) = cli.validate() {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
        return execute(
            tokio::runtime::Builder::new_multi_thread(),
            flood::run(&cli),
        );
    }
    let cli = Cli::parse();
    let plan = match cli.validate().and_then(|()| cli.plan()) {
        Ok(plan) => plan,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    // JavaScript-like clients share one event loop, as they would in one Node.js
    // process: a frame one of them is busy with holds up all the others.
    let runtime = match (cli.client_mode, cli.threads) {
        (ClientMode::Js, None) => tokio::runtime::Builder::new_current_thread(),
        (_, threads) => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            if let Some(threads) = threads {
                builder.worker_threads(threads);
            }
            builder
        }
    };
    execute(runtime, run::run(&cli, plan))
}

/// A report printed as JSON, and whether the run succeeded.
trait Outcome: serde::Serialize {
    fn complete(&self) -> bool;
    fn errors(&self) -> &[String];
}

impl Outcome for report::Report {
    fn complete(&self) -> bool {
        self.complete
    }

    fn errors(&self) -> &[String] {
        &self.errors
    }
}

impl Outcome for flood::FloodReport {
    fn complete(&self) -> bool {
        self.complete
    }

    fn errors(&self) -> &[String] {
        &self.errors
    }
}

/// Runs `run` on a runtime built by `runtime`, prints its report on stdout and its errors
/// on stderr; fails unless the run was complete.
fn execute<R: Outcome>(
    mut runtime: tokio::runtime::Builder,
    run: impl Future<Output = io::Result<R>>,
) -> ExitCode {
    let runtime = match runtime.enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let report = match runtime.block_on(run) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: cannot read /proc: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.shutdown_background();
    match serde_json::to_string_pretty(&report) {
        Ok(json) => println!("{json}"),
        Err(error) => {
            eprintln!("error: cannot write the report: {error}");
            return ExitCode::FAILURE;
        }
    }
    for error in report.errors() {
        eprintln!("error: {error}");
    }
    if report.complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
