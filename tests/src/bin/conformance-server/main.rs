//! The conformance server: every feature of the QWebChannel protocol, published by test
//! objects that the Node suite in `tests/js/conformance/` drives with Qt's own
//! `qwebchannel.js` (see `tests/tests/conformance.rs`).
//!
//! Each WebSocket path is a room of its own (`ws://ADDR/<room>`): the first connection to
//! a path builds a fresh channel with every test object, and later connections to the same
//! path join it. Tests that change channel-wide state (held updates, registrations) then
//! cannot disturb each other. `?updateIntervalMs=N` on the first connection sets the
//! room's property update interval.
//!
//! Run with `cargo run -p webchannel-tests --bin conformance-server -- --listen 127.0.0.1:0`;
//! the first line on stdout is `listening on ws://ADDR`, the log goes to stderr.

mod rooms;

// The macro publishes `pub fn`s only, so the objects' methods are `pub` in a binary.
#[allow(unreachable_pub)]
mod objects;

use std::process::ExitCode;

use clap::Parser;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// Serves the conformance suite's test objects over WebSocket.
#[derive(Debug, Parser)]
#[command(about)]
struct Cli {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    listen: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // Plain text, info and above: the suite reads the log (client debug messages, refused
    // setProperty calls) from stderr. RUST_LOG overrides.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let listener = match TcpListener::bind(&cli.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {}: {error}", cli.listen);
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(address) => println!("listening on ws://{address}"),
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    };
    match axum::serve(listener, rooms::router())
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
