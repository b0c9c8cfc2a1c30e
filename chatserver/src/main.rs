//! The `chatserver` binary: Qt's WebChannel ChatServer example, in Rust.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::{ArgAction, Parser};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use chatserver::{KeepAlive, Settings};
use webchannel::cluster::Cluster;
use webchannel::{Config, MessageRate};
use webchannel_redis::{ConnectError, RedisBroker, RedisConfig};

/// The QWebChannel chat server that Qt's ChatClient examples connect to.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Address to listen on (Qt's clients use 127.0.0.1:12345).
    #[arg(long, default_value = "127.0.0.1:12345", value_name = "ADDR")]
    listen: String,

    /// Time between two keep-alive signals (for example 10s or 500ms).
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    keep_alive_interval: Duration,

    /// How long clients have to answer a keep-alive before their user is dropped.
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    keep_alive_grace: Duration,

    /// Also admit browser pages from this origin (for example https://chat.example.org;
    /// "*" admits every page). Repeat for more. Clients that send no Origin, pages opened
    /// from a file (Origin null) and the server's own pages are always admitted.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allowed_origins: Vec<String>,

    /// Most connections served at once; beyond them newcomers get HTTP 503.
    #[arg(long, default_value_t = Config::default().max_connections, value_name = "N")]
    max_connections: usize,

    /// Most messages per second one connection may send (it may send twice as many in a
    /// burst); a client that sends more is disconnected (close code 1008). 0: no limit.
    #[arg(long, default_value_t = default_message_rate(), value_name = "N")]
    message_rate: u32,

    /// Threads serving clients. One is the most efficient per message (no hand-offs
    /// between threads) and serves 10,000 clients on its own; more help when logins or
    /// property updates come in storms on a machine with cores to spare.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..), value_name = "N")]
    threads: u16,

    /// Share one chat with every other instance started with this Redis (and the same
    /// --redis-namespace): one user list, every message on every instance. Without it,
    /// this instance is the whole chat.
    #[arg(long, value_name = "redis://HOST:PORT")]
    redis: Option<String>,

    /// Keeps this chat's keys and channels apart from others on the same Redis.
    #[arg(
        long,
        default_value = "chatserver",
        value_name = "NAME",
        requires = "redis"
    )]
    redis_namespace: String,

    /// Print the TypeScript declarations of the chat server's objects (a .d.ts file for
    /// typed clients) and exit.
    #[arg(long)]
    emit_typescript: bool,

    /// Log more (-v: debug, -vv: trace). RUST_LOG, when set, takes precedence.
    #[arg(short, long, action = ArgAction::Count)]
    verbose: u8,
}

fn default_message_rate() -> u32 {
    Config::default()
        .message_rate
        .map_or(0, |rate| rate.per_second.get())
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "info",
        1 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
    tracing::info!("shutting down");
}

/// Prints the declarations of the objects `serve` publishes.
fn emit_typescript() -> ExitCode {
    let channel = webchannel::Channel::new();
    match chatserver::publish(&channel) {
        Ok(_) => {
            print!("{}", channel.typescript());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.emit_typescript {
        return emit_typescript();
    }
    init_logging(cli.verbose);
    let runtime = match cli.threads {
        1 => tokio::runtime::Builder::new_current_thread(),
        threads => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(usize::from(threads));
            builder
        }
    }
    .enable_all()
    .build();
    match runtime {
        Ok(runtime) => runtime.block_on(run(cli)),
        Err(error) => {
            eprintln!("error: cannot start the runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> ExitCode {
    if cli.keep_alive_grace.is_zero() {
        eprintln!("error: --keep-alive-grace must be longer than zero");
        return ExitCode::from(2);
    }
    if cli.keep_alive_grace >= cli.keep_alive_interval {
        eprintln!("error: --keep-alive-grace must be shorter than --keep-alive-interval");
        return ExitCode::from(2);
    }
    // Before listening: a wrong URL or an unreachable Redis is an error, not a chat of one.
    let cluster = match &cli.redis {
        None => None,
        Some(url) => match join_redis(url, &cli.redis_namespace).await {
            Ok(cluster) => Some(cluster),
            Err(error) => {
                eprintln!("error: {error}");
                let unreachable = matches!(error, ConnectError::Unreachable { .. });
                return ExitCode::from(if unreachable { 1 } else { 2 });
            }
        },
    };
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
    let mut channel = Config::default()
        .with_max_connections(cli.max_connections)
        .with_message_rate(MessageRate::new(
            cli.message_rate,
            cli.message_rate.saturating_mul(2),
        ));
    for origin in cli.allowed_origins {
        channel = channel.allow_origin(origin);
    }
    if let Some(cluster) = cluster {
        channel = channel.with_cluster(cluster);
    }
    let settings = Settings {
        keep_alive: KeepAlive {
            interval: cli.keep_alive_interval,
            grace: cli.keep_alive_grace,
        },
        channel,
    };
    match chatserver::serve(listener, settings, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Joins the instances that share `namespace` on the Redis at `url`.
async fn join_redis(url: &str, namespace: &str) -> Result<Cluster, ConnectError> {
    let config = RedisConfig::new(url).with_namespace(namespace);
    Ok(Cluster::new(RedisBroker::connect_with(config).await?))
}
