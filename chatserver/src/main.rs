//! The `chatserver` binary: Qt's WebChannel ChatServer example, in Rust.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::{ArgAction, Parser};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use chatserver::{KeepAlive, Settings};
use webchannel::cluster::Cluster;
use webchannel::{ByteRate, Config, MessageRate};
use webchannel_redis::{ConnectError, RedisBroker, RedisConfig};

/// mimalloc rather than the system allocator: after a burst (a flood of large messages,
/// a login storm), it gives the freed memory back to the system within moments, where
/// glibc's malloc may keep hundreds of megabytes of it for good.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

    /// How long a client has to answer a keep-alive before its user is dropped: counted
    /// from when the keep-alive was written to its connection or the client last sent
    /// anything (pongs included), plus the longest it lately kept a ping waiting; and from
    /// when a pong showed it had read the keep-alive.
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    keep_alive_grace: Duration,

    /// When more than this percentage of the logged-in users (and more than 5) fall silent
    /// at once, the keep-alive drops none of them: the cause is common to them (the server,
    /// the network, an overloaded client machine). Their connections' liveness check then
    /// closes those that are really gone (ping_interval + pong_timeout of silence, 50 s),
    /// which logs them out. 100 turns this off.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u8).range(0..=100), value_name = "PERCENT")]
    mass_silence_percent: u8,

    /// Also admit browser pages from this origin (for example https://chat.example.org;
    /// "null" admits pages opened from a file, such as Qt's HTML ChatClient, and with them
    /// sandboxed frames of any site; "*" admits every page). Repeat for more. Clients that
    /// send no Origin and the server's own pages are always admitted.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allowed_origins: Vec<String>,

    /// Also answer to this host name (for example chat.example.org; .example.org admits
    /// every name under it), besides localhost and IP addresses: pages reached at other
    /// names are refused, so that a site cannot rebind its own name to this server (DNS
    /// rebinding). Repeat for more.
    #[arg(long = "allow-host", value_name = "NAME")]
    allowed_hosts: Vec<String>,

    /// Most connections served at once; beyond them newcomers get HTTP 503.
    #[arg(long, default_value_t = Config::default().max_connections, value_name = "N")]
    max_connections: usize,

    /// Most connections one client address holds at once (an IPv6 address counts by its
    /// /64), and never more than half of --max-connections; beyond them its newcomers get
    /// HTTP 429. 0: no limit, for when every client comes through one reverse proxy.
    #[arg(long, default_value_t = default_max_connections_per_address(), value_name = "N")]
    max_connections_per_address: usize,

    /// Most messages per second one connection may send (it may send twice as many in a
    /// burst); a client that sends more is disconnected (close code 1008). 0: no limit.
    #[arg(long, default_value_t = default_message_rate(), value_name = "N")]
    message_rate: u32,

    /// Most bytes per second one connection may send, frame headers included, in bursts
    /// of at most 1 MiB (or one message of the largest size). A client that sends faster
    /// is not disconnected: the server reads from it more slowly. 0: no limit.
    #[arg(long, default_value_t = default_inbound_byte_rate(), value_name = "BYTES")]
    inbound_byte_rate: u32,

    /// Most bytes that may wait for one connection (messages queued for a client that
    /// reads too slowly); one more closes it (close code 1008).
    #[arg(long, default_value_t = Config::default().max_queued_bytes, value_name = "BYTES")]
    max_queued_bytes: usize,

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

fn default_max_connections_per_address() -> usize {
    Config::default().max_connections_per_address.unwrap_or(0)
}

fn default_inbound_byte_rate() -> u32 {
    Config::default()
        .inbound_byte_rate
        .map_or(0, |rate| rate.per_second.get())
}

/// A burst the size of the default's, whatever the rate: a client that reads faster than
/// one sender sends then never has more than that queued at once.
fn inbound_byte_burst() -> u32 {
    Config::default()
        .inbound_byte_rate
        .map_or(1 << 20, |rate| rate.burst.get())
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
        .with_max_connections_per_address(
            Some(cli.max_connections_per_address).filter(|&limit| limit > 0),
        )
        .with_message_rate(MessageRate::new(
            cli.message_rate,
            cli.message_rate.saturating_mul(2),
        ))
        .with_inbound_byte_rate(ByteRate::new(cli.inbound_byte_rate, inbound_byte_burst()))
        .with_max_queued_bytes(cli.max_queued_bytes);
    for origin in cli.allowed_origins {
        channel = channel.allow_origin(origin);
    }
    for host in cli.allowed_hosts {
        channel = channel.allow_host(host);
    }
    if let Some(cluster) = cluster {
        channel = channel.with_cluster(cluster);
    }
    let settings = Settings {
        keep_alive: KeepAlive {
            interval: cli.keep_alive_interval,
            grace: cli.keep_alive_grace,
            mass_silence_percent: cli.mass_silence_percent,
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
