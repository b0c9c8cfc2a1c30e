//! Command-line arguments.

use std::time::Duration;

use clap::{Parser, ValueEnum};

use crate::client::Pace;
use crate::dial::{Endpoint, MAX_SOURCE_ADDRESSES, Plan, default_source_addresses};

/// The slowest `--rate`: one message every 1,000 s.
const MIN_RATE: f64 = 0.001;

/// Drives a QWebChannel chat server (Qt's ChatServer example or ours) with many
/// WebSocket clients and prints one JSON report on stdout.
///
/// Every client connects, initialises the channel, connects to `newMessage` and
/// `keepAlive`, and logs in under its own name; then the senders call
/// `sendMessage` as fast as the server answers, and every client counts what it
/// receives and its end-to-end latency. Exits non-zero when deliveries are
/// incomplete or anything fails.
#[derive(Debug, Parser)]
#[command(name = "chat-load", version, about)]
pub(crate) struct Cli {
    /// The chat server's WebSocket URL. Repeat it for several instances of one chat:
    /// client i (and so sender i) connects to URL i mod n.
    #[arg(
        long = "url",
        default_value = "ws://127.0.0.1:12345",
        value_name = "URL"
    )]
    pub(crate) urls: Vec<String>,

    /// Clients to connect and log in.
    #[arg(long, value_name = "C")]
    pub(crate) clients: usize,

    /// How many of the clients send (the first S).
    #[arg(long, value_name = "S")]
    pub(crate) senders: usize,

    /// Chat messages to send in total, split evenly between the senders; every
    /// client receives every one.
    #[arg(long, value_name = "M")]
    pub(crate) messages: u64,

    /// Most sendMessage calls a sender has outstanding.
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub(crate) in_flight: usize,

    /// The server's process id: adds its CPU time and memory to the report. Repeat it
    /// for several instances: the figures become sums, with one entry per process in
    /// `server_processes`.
    #[arg(long = "server-pid", value_name = "PID")]
    pub(crate) server_pids: Vec<u32>,

    /// The message broker's process id (a Redis server the instances share): its CPU
    /// is reported on its own and added to the instances' in `cluster_cpu_*`.
    #[arg(long, value_name = "PID")]
    pub(crate) broker_pid: Option<u32>,

    /// Most messages all senders together send per second, evenly paced (for latency
    /// when the server is not saturated). Without it, senders send as fast as the
    /// server answers, `--in-flight` calls at a time.
    #[arg(long, value_name = "N")]
    pub(crate) rate: Option<f64>,

    /// Source addresses (127.0.1.1, 127.0.1.2, ...) the clients of a loopback IPv4
    /// server connect from, so that a server capping connections per address admits
    /// them all. Default: enough that none holds more than 100 clients; 1: the
    /// address the kernel picks.
    #[arg(long, value_name = "N")]
    pub(crate) source_addresses: Option<usize>,

    /// Bound on the whole run (for example 120s or 2m).
    #[arg(long, default_value = "120s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub(crate) timeout: Duration,

    /// Clients connecting and logging in at the same time. Qt's server listens with
    /// a backlog of 50; more handshakes than that at once overflow its accept queue,
    /// and every dropped SYN adds a second to connect + login.
    #[arg(long, default_value_t = 32, value_name = "N")]
    pub(crate) connect_concurrency: usize,

    /// Fully parse one received frame in this many to check the byte scanning
    /// (`fast` clients; `js` clients parse every frame).
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub(crate) sample_every: u64,

    /// How the clients handle what they receive: `fast` measures the server (a
    /// byte scan per frame, answers at once); `js` behaves like a JavaScript client.
    #[arg(long, value_enum, default_value_t = ClientMode::Fast, value_name = "MODE")]
    pub(crate) client_mode: ClientMode,

    /// `js` clients: time spent on every received frame after parsing it, busy, as a
    /// JavaScript client's handlers spend it (for example 20us); 0 for none.
    #[arg(long, default_value = "0s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub(crate) frame_cost: Duration,

    /// `js` clients never answer `keepAlive`, as a page that does not handle it: the
    /// server should drop every user, and the run counts them.
    #[arg(long)]
    pub(crate) ignore_keep_alive: bool,

    /// User names are this prefix, a dash and the client's number.
    #[arg(long, default_value = "load", value_name = "PREFIX")]
    pub(crate) name_prefix: String,

    /// Worker threads of the generator (default: one per core for `fast` clients;
    /// one event loop, as in one Node.js process, for `js` clients).
    #[arg(long, value_name = "N")]
    pub(crate) threads: Option<usize>,
}

/// How the simulated clients handle the frames they receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ClientMode {
    /// Classify frames by a byte scan and answer at once, so that the generator keeps
    /// up with any server and the server is what gets measured.
    Fast,
    /// Like a JavaScript client (qwebchannel.js in Node or a browser): every frame is
    /// parsed in full and handled in order, at `--frame-cost` each, on one event loop
    /// for all clients; a `keepAlive` is answered only when its turn comes. A user that
    /// the server drops is counted, not failed.
    Js,
}

impl Cli {
    /// Checks what clap cannot.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.clients == 0 {
            return Err("--clients must be at least 1".to_owned());
        }
        if self.senders == 0 || self.senders > self.clients {
            return Err("--senders must be between 1 and --clients".to_owned());
        }
        if self.messages == 0 {
            return Err("--messages must be at least 1".to_owned());
        }
        if self.in_flight == 0 || self.connect_concurrency == 0 || self.sample_every == 0 {
            return Err(
                "--in-flight, --connect-concurrency and --sample-every must be at least 1"
                    .to_owned(),
            );
        }
        if self.timeout.is_zero() {
            return Err("--timeout must be longer than zero".to_owned());
        }
        if self.client_mode != ClientMode::Js && !self.frame_cost.is_zero() {
            return Err("--frame-cost needs --client-mode js".to_owned());
        }
        if self.client_mode != ClientMode::Js && self.ignore_keep_alive {
            return Err("--ignore-keep-alive needs --client-mode js".to_owned());
        }
        if self.threads == Some(0) {
            return Err("--threads must be at least 1".to_owned());
        }
        if let Some(rate) = self.rate
            && !(rate.is_finite() && rate >= MIN_RATE)
        {
            return Err(format!(
                "--rate must be a number of messages per second, at least {MIN_RATE}"
            ));
        }
        self.plan().map(|_| ())
    }

    /// How the clients reach the servers: the URLs read, and the source addresses.
    pub(crate) fn plan(&self) -> Result<Plan, String> {
        let endpoints = self
            .urls
            .iter()
            .map(|url| Endpoint::parse(url))
            .collect::<Result<Vec<_>, _>>()?;
        let any_loopback = endpoints.iter().any(Endpoint::is_loopback_v4);
        let source_addresses = match self.source_addresses {
            None if any_loopback => default_source_addresses(self.clients),
            None | Some(1) => 1,
            Some(0) => return Err("--source-addresses must be at least 1".to_owned()),
            Some(count) if count > MAX_SOURCE_ADDRESSES => {
                return Err(format!(
                    "--source-addresses must be at most {MAX_SOURCE_ADDRESSES}"
                ));
            }
            Some(_) if !any_loopback => {
                return Err(
                    "--source-addresses above 1 needs a --url whose host is a loopback IPv4 \
                     address (such as 127.0.0.1)"
                        .to_owned(),
                );
            }
            Some(count) => count,
        };
        Ok(Plan::new(endpoints, source_addresses))
    }

    /// When sender `index` sends, given `--rate`: every `interval` after its first send,
    /// which comes `offset` after messaging starts, so the senders take turns evenly.
    pub(crate) fn pace(&self, index: usize) -> Option<Pace> {
        let rate = self.rate?;
        let per_message = Duration::from_secs_f64(1.0 / rate);
        Some(Pace {
            interval: per_message.saturating_mul(u32::try_from(self.senders).unwrap_or(u32::MAX)),
            offset: per_message.saturating_mul(u32::try_from(index).unwrap_or(u32::MAX)),
        })
    }

    /// How many messages sender `index` sends: an even split, the remainder going
    /// to the first senders; clients that are not senders send none.
    pub(crate) fn share(&self, index: usize) -> u64 {
        if index >= self.senders {
            return 0;
        }
        let senders = self.senders as u64;
        self.messages / senders + u64::from((index as u64) < self.messages % senders)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("chat-load").chain(args.iter().copied()))
    }

    fn cli(args: &[&str]) -> Cli {
        parse(args).expect("arguments")
    }

    /// One client that sends one message, with `--timeout` set to `timeout`.
    fn with_timeout(timeout: &str) -> Result<Cli, clap::Error> {
        parse(&[
            "--clients",
            "1",
            "--senders",
            "1",
            "--messages",
            "1",
            "--timeout",
            timeout,
        ])
    }

    #[test]
    fn messages_split_evenly() {
        let cli = cli(&["--clients", "5", "--senders", "3", "--messages", "20"]);
        let shares: Vec<u64> = (0..5).map(|index| cli.share(index)).collect();
        assert_eq!(shares, [7, 7, 6, 0, 0]);
        assert_eq!(cli.validate(), Ok(()));
    }

    #[test]
    fn defaults_and_durations() {
        let cli = with_timeout("2m").expect("arguments");
        assert_eq!(cli.urls, ["ws://127.0.0.1:12345"]);
        assert_eq!(cli.in_flight, 16);
        assert_eq!(cli.timeout, Duration::from_secs(120));
        let cli = with_timeout("1m 30s").expect("arguments");
        assert_eq!(cli.timeout, Duration::from_secs(90));
    }

    #[test]
    fn rejects_a_zero_or_unreadable_timeout() {
        assert!(with_timeout("0s").expect("arguments").validate().is_err());
        assert!(with_timeout("soon").is_err());
        assert!(with_timeout("-1s").is_err());
    }

    #[test]
    fn js_clients_take_a_frame_cost() {
        let base = ["--clients", "1", "--senders", "1", "--messages", "1"];
        let fast = cli(&base);
        assert_eq!(fast.client_mode, ClientMode::Fast);
        assert_eq!(fast.frame_cost, Duration::ZERO);
        let js = cli(&[&base[..], &["--client-mode", "js", "--frame-cost", "20us"]].concat());
        assert_eq!(js.client_mode, ClientMode::Js);
        assert_eq!(js.frame_cost, Duration::from_micros(20));
        assert_eq!(js.validate(), Ok(()));
        let costly_fast = cli(&[&base[..], &["--frame-cost", "20us"]].concat());
        assert!(costly_fast.validate().is_err());
        let mute_js = cli(&[&base[..], &["--client-mode", "js", "--ignore-keep-alive"]].concat());
        assert!(mute_js.ignore_keep_alive);
        assert_eq!(mute_js.validate(), Ok(()));
        let mute_fast = cli(&[&base[..], &["--ignore-keep-alive"]].concat());
        assert!(mute_fast.validate().is_err());
        assert!(parse(&[&base[..], &["--client-mode", "python"]].concat()).is_err());
    }

    #[test]
    fn several_instances_and_a_broker() {
        let cli = cli(&[
            "--clients",
            "4",
            "--senders",
            "2",
            "--messages",
            "1",
            "--url",
            "ws://127.0.0.1:1",
            "--url",
            "ws://127.0.0.1:2",
            "--server-pid",
            "10",
            "--server-pid",
            "11",
            "--broker-pid",
            "12",
        ]);
        assert_eq!(cli.urls, ["ws://127.0.0.1:1", "ws://127.0.0.1:2"]);
        assert_eq!(cli.server_pids, [10, 11]);
        assert_eq!(cli.broker_pid, Some(12));
        assert_eq!(cli.validate(), Ok(()));
        let bad_url = cli_with(&["--url", "wss://127.0.0.1:1"]);
        assert!(bad_url.validate().is_err());
    }

    /// One client that sends one message, with `extra` arguments.
    fn cli_with(extra: &[&str]) -> Cli {
        let base = ["--clients", "1", "--senders", "1", "--messages", "1"];
        cli(&[&base[..], extra].concat())
    }

    #[test]
    fn paces_senders_in_turn_at_the_total_rate() {
        let cli = cli(&[
            "--clients",
            "4",
            "--senders",
            "4",
            "--messages",
            "8",
            "--rate",
            "10",
        ]);
        assert_eq!(cli.validate(), Ok(()));
        let pace = cli.pace(1).expect("a rate");
        assert_eq!(pace.interval, Duration::from_millis(400));
        assert_eq!(pace.offset, Duration::from_millis(100));
        assert_eq!(cli_with(&[]).pace(0), None);
        for bad in ["0", "-1", "NaN", "inf", "0.0001"] {
            let rate = format!("--rate={bad}");
            assert!(cli_with(&[&rate]).validate().is_err(), "{bad}");
        }
    }

    #[test]
    fn source_addresses_only_for_loopback_ipv4() {
        let many = cli(&["--clients", "250", "--senders", "1", "--messages", "1"]);
        assert_eq!(many.plan().map(|plan| plan.source_addresses()), Ok(3));
        let chosen = cli_with(&["--source-addresses", "7"]);
        assert_eq!(chosen.plan().map(|plan| plan.source_addresses()), Ok(7));
        let named = cli_with(&["--url", "ws://localhost:1"]);
        assert_eq!(named.plan().map(|plan| plan.source_addresses()), Ok(1));
        let named_many = cli_with(&["--url", "ws://localhost:1", "--source-addresses", "2"]);
        assert!(named_many.validate().is_err());
        assert!(cli_with(&["--source-addresses", "0"]).validate().is_err());
        assert!(
            cli_with(&["--source-addresses", "65537"])
                .validate()
                .is_err()
        );
    }

    #[test]
    fn rejects_more_senders_than_clients() {
        let cli = cli(&["--clients", "2", "--senders", "3", "--messages", "1"]);
        assert!(cli.validate().is_err());
    }
}
