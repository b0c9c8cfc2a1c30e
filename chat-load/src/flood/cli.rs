//! Command-line arguments of `chat-load flood`.

use std::time::Duration;

use clap::Parser;

/// Floods a QWebChannel chat server the way an attacker would, and measures its memory:
/// attackers log in and send the largest messages as fast as the server takes them,
/// while clients that never read stay logged in and paced readers read at a fixed rate.
/// Prints one JSON report: the server's resident memory when idle, at its peak and
/// `--settle` after every client has left; how many messages were sent and accepted;
/// whether every paced reader received all of them without being disconnected; and how
/// the server closed the clients that never read. Exits non-zero when a paced reader
/// missed a message or was disconnected, or when the memory bounds were not kept (peak
/// under 128 MiB above idle, back within 32 MiB of idle after `--settle`).
#[derive(Debug, Parser)]
#[command(name = "chat-load flood", version)]
pub(crate) struct FloodCli {
    /// The chat server's WebSocket URL.
    #[arg(long, default_value = "ws://127.0.0.1:12345", value_name = "URL")]
    pub(crate) url: String,

    /// The server's process id, whose memory is measured.
    #[arg(long, value_name = "PID")]
    pub(crate) server_pid: u32,

    /// Logged-in clients that send `--message-bytes` messages as fast as allowed.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub(crate) attackers: usize,

    /// Most `sendMessage` calls an attacker has unanswered.
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub(crate) in_flight: u32,

    /// Logged-in clients, connected to `newMessage`, that never read.
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub(crate) stalled: usize,

    /// Logged-in clients that read at `--paced-rate` and answer like a good client.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub(crate) paced_readers: usize,

    /// Bytes per second each paced reader reads from its socket.
    #[arg(long, default_value_t = 10_000_000, value_name = "BYTES")]
    pub(crate) paced_rate: u64,

    /// How long the attackers send (for example 10s).
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub(crate) duration: Duration,

    /// How long after every client has left the server's memory is read again.
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub(crate) settle: Duration,

    /// Length of every attacker's message text, in bytes (the chat's largest is 65536).
    #[arg(long, default_value_t = 65_536, value_name = "BYTES")]
    pub(crate) message_bytes: usize,

    /// Longest wait for any one phase besides the attack (logins, the paced readers
    /// catching up, the clients that never read learning how they were closed).
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub(crate) patience: Duration,

    /// User names are this prefix, a role and a number.
    #[arg(long, default_value = "flood", value_name = "PREFIX")]
    pub(crate) name_prefix: String,
}

impl FloodCli {
    /// Checks what clap cannot.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.attackers == 0 {
            return Err("--attackers must be at least 1".to_owned());
        }
        if self.paced_rate == 0 || self.in_flight == 0 {
            return Err("--paced-rate and --in-flight must be at least 1".to_owned());
        }
        if self.duration.is_zero() || self.patience.is_zero() {
            return Err("--duration and --patience must be longer than zero".to_owned());
        }
        Ok(())
    }

    /// Every client of the run.
    pub(crate) fn clients(&self) -> usize {
        self.attackers + self.stalled + self.paced_readers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> FloodCli {
        FloodCli::try_parse_from(std::iter::once("chat-load flood").chain(args.iter().copied()))
            .expect("arguments")
    }

    #[test]
    fn defaults_are_the_attack_of_the_benchmark() {
        let cli = parse(&["--server-pid", "1"]);
        assert_eq!(
            (
                cli.attackers,
                cli.stalled,
                cli.paced_readers,
                cli.paced_rate
            ),
            (1, 50, 1, 10_000_000)
        );
        assert_eq!(cli.duration, Duration::from_secs(10));
        assert_eq!(cli.settle, Duration::from_secs(10));
        assert_eq!(cli.message_bytes, 65_536);
        assert_eq!(cli.clients(), 52);
        assert_eq!(cli.validate(), Ok(()));
    }

    #[test]
    fn refuses_what_cannot_run() {
        assert!(
            parse(&["--server-pid", "1", "--attackers", "0"])
                .validate()
                .is_err()
        );
        assert!(
            parse(&["--server-pid", "1", "--paced-rate", "0"])
                .validate()
                .is_err()
        );
        assert!(
            parse(&["--server-pid", "1", "--duration", "0s"])
                .validate()
                .is_err()
        );
        assert!(
            FloodCli::try_parse_from(["chat-load flood"]).is_err(),
            "the pid is required"
        );
    }
}
