//! Command-line arguments.

use std::time::Duration;

use clap::{Parser, ValueEnum};

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
    /// The chat server's WebSocket URL.
    #[arg(long, default_value = "ws://127.0.0.1:12345", value_name = "URL")]
    pub(crate) url: String,

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

    /// The server's process id: adds its CPU time and memory to the report.
    #[arg(long, value_name = "PID")]
    pub(crate) server_pid: Option<u32>,

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
        if self.threads == Some(0) {
            return Err("--threads must be at least 1".to_owned());
        }
        Ok(())
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
        assert_eq!(cli.url, "ws://127.0.0.1:12345");
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
        assert!(parse(&[&base[..], &["--client-mode", "python"]].concat()).is_err());
    }

    #[test]
    fn rejects_more_senders_than_clients() {
        let cli = cli(&["--clients", "2", "--senders", "3", "--messages", "1"]);
        assert!(cli.validate().is_err());
    }
}
