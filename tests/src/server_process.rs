//! A server under test, run as a child process: started on a free port, found through the
//! address it prints, its log kept for assertions, and never left running.

use std::ffi::OsStr;
use std::process::{Command, ExitStatus};
use std::time::Duration;

use crate::process::{NoLine, Process, Stream};

/// How long a server may take to print its address (a debug build on a busy machine).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a server may take to shut down after SIGINT.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(15);
/// What a server prints, alone on its first stdout line, once it accepts connections.
const READY_PREFIX: &str = "listening on ";

/// A running server process. Dropping it kills the process (and, if the test is failing,
/// prints the server's output, which usually says why).
pub struct ServerProcess {
    // Left in the test's process group, so that Ctrl-C on `cargo test` ends it too.
    process: Process,
    url: String,
}

impl ServerProcess {
    /// Starts `program` with `args` and waits (bounded) for its first stdout line,
    /// `listening on ws://<address>`. Panics, with the server's output, if it exits or
    /// stays silent instead.
    pub fn spawn<I, S>(program: impl AsRef<OsStr>, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(program.as_ref());
        command.args(args);
        let mut process = Process::spawn(&format!("server {command:?}"), &mut command);
        let first_line = process.wait_for(STARTUP_TIMEOUT, |line| line.stream == Stream::Stdout);
        let url = match first_line {
            Ok(line) => match line.text.trim_end().strip_prefix(READY_PREFIX) {
                Some(url) if url.starts_with("ws://") => url.to_owned(),
                _ => process.fail(&format!(
                    "printed {:?} instead of `{READY_PREFIX}ws://ADDR`",
                    line.text
                )),
            },
            Err(NoLine::TimedOut) => {
                process.fail(&format!("printed no address within {STARTUP_TIMEOUT:?}"))
            }
            Err(NoLine::Closed) => process.fail("closed stdout without printing its address"),
        };
        Self { process, url }
    }

    /// The WebSocket URL the server printed, such as `ws://127.0.0.1:40123`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Everything the server has written to stderr (its log) so far.
    pub fn stderr(&self) -> String {
        self.process.stderr()
    }

    /// Panics, with the server's output, if the process has exited.
    pub fn assert_running(&mut self) {
        if let Some(status) = self.process.exit_status() {
            self.process.fail(&format!("exited with {status}"));
        }
    }

    /// The server's process id, for reading its resource use from `/proc`.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// Sends SIGINT (Ctrl-C) and waits (bounded) for the server to exit; returns its exit
    /// status, once its log is complete. Panics if it is still running after the shutdown
    /// timeout.
    pub fn stop_with_sigint(self) -> ExitStatus {
        self.stop_with("INT")
    }

    /// Like [`ServerProcess::stop_with_sigint`], with SIGTERM (what service managers send).
    pub fn stop_with_sigterm(self) -> ExitStatus {
        self.stop_with("TERM")
    }

    fn stop_with(mut self, signal: &str) -> ExitStatus {
        self.assert_running();
        self.process.signal(signal);
        match self.process.wait_for_exit(SHUTDOWN_TIMEOUT) {
            Some(status) => status,
            None => self.process.fail(&format!(
                "was still running {SHUTDOWN_TIMEOUT:?} after SIG{signal}"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ServerProcess;

    // Small programs stand in for a server: what matters here is the process handling.

    #[test]
    fn finds_the_address_keeps_the_log_and_stops_on_sigint() {
        // Perl rather than `sh`: a shell cannot trap a signal that was ignored when it
        // started (as SIGINT is under a backgrounded parent), Perl can; a real server
        // installs its handler the same way.
        let server = ServerProcess::spawn(
            "perl",
            [
                "-e",
                "$| = 1; $SIG{INT} = sub { print STDERR \"bye\\n\"; exit 0 }; \
                 print \"listening on ws://127.0.0.1:4321\\n\"; print STDERR \"started\\n\"; \
                 select(undef, undef, undef, 0.05) while 1;",
            ],
        );
        assert_eq!(server.url(), "ws://127.0.0.1:4321");
        let status = server.stop_with_sigint();
        assert!(status.success(), "{status}");
    }

    #[test]
    #[should_panic(expected = "closed stdout without printing its address")]
    fn a_server_that_exits_at_once_fails_with_its_log() {
        ServerProcess::spawn("sh", ["-c", "echo 'cannot bind' >&2; exit 3"]);
    }

    #[test]
    #[should_panic(expected = "instead of `listening on ws://ADDR`")]
    fn a_server_that_prints_something_else_fails() {
        ServerProcess::spawn("sh", ["-c", "echo 'ready!'; exec sleep 5"]);
    }

    #[test]
    fn the_log_can_be_read_while_it_runs() {
        let mut server = ServerProcess::spawn(
            "sh",
            [
                "-c",
                "echo 'WARN noted' >&2; echo 'listening on ws://[::1]:1'; sleep 5",
            ],
        );
        server.assert_running();
        // The log line was written before the address, but by another pipe.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while !server.stderr().contains("WARN noted") && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(
            server.stderr().contains("WARN noted"),
            "{}",
            server.stderr()
        );
    }
}
