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
//! Receivers stay cheap so that the server, not the generator, is measured: a
//! received frame is classified by a byte scan ([`scan`]), and one in
//! `--sample-every` is fully parsed to prove the scan right ([`verify`]).

mod cli;
mod client;
mod connection;
mod description;
mod latency;
mod procfs;
mod report;
mod run;
mod scan;
mod tally;
mod verify;
mod wire;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(error) = cli.validate() {
        eprintln!("error: {error}");
        return ExitCode::from(2);
    }
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.enable_all();
    if let Some(threads) = cli.threads {
        runtime.worker_threads(threads);
    }
    let runtime = match runtime.build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let report = match runtime.block_on(run::run(&cli)) {
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
    for error in &report.errors {
        eprintln!("error: {error}");
    }
    if report.complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
