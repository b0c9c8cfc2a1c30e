//! A server under test, run as a child process: started on a free port, found through the
//! address it prints, its log kept for assertions, and never left running.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use crate::child::{copy_into, wait_with_timeout};

/// How long a server may take to print its address (a debug build on a busy machine).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a server may take to shut down after SIGINT.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(15);
/// How long to wait for the last of the log once the process has exited.
const LOG_DRAIN_TIMEOUT: Duration = Duration::from_secs(5);
/// What a server prints, alone on its first stdout line, once it accepts connections.
const READY_PREFIX: &str = "listening on ";

/// A running server process. Dropping it kills the process (and, if the test is failing,
/// prints the server's log, which usually says why).
pub struct ServerProcess {
    child: Child,
    description: String,
    url: String,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_closed: Receiver<()>,
    exited: bool,
    /// Whether a panic message already carries the log (so `Drop` need not print it).
    log_reported: bool,
}

impl ServerProcess {
    /// Starts `program` with `args` and waits (bounded) for its first stdout line,
    /// `listening on ws://<address>`. Panics, with the server's stderr, if it exits or
    /// stays silent instead.
    pub fn spawn<I, S>(program: impl AsRef<OsStr>, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(program.as_ref());
        command.args(args);
        let description = format!("{command:?}");
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            // Left in the test's process group, so that Ctrl-C on `cargo test` ends it too.
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {description}: {error}"));

        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (stderr_closed_tx, stderr_closed) = mpsc::channel();
        if let Some(pipe) = child.stderr.take() {
            let copier = copy_into(pipe, Arc::clone(&stderr));
            thread::spawn(move || {
                let _ = copier.join();
                let _ = stderr_closed_tx.send(());
            });
        }
        let first_line = first_stdout_line(&mut child);

        let mut server = Self {
            child,
            description,
            url: String::new(),
            stderr,
            stderr_closed,
            exited: false,
            log_reported: false,
        };
        match first_line.recv_timeout(STARTUP_TIMEOUT) {
            Ok(line) => match line.trim_end().strip_prefix(READY_PREFIX) {
                Some(url) if url.starts_with("ws://") => server.url = url.to_owned(),
                _ => server.fail(&format!(
                    "printed {line:?} instead of `{READY_PREFIX}ws://ADDR`"
                )),
            },
            Err(RecvTimeoutError::Timeout) => {
                server.fail(&format!("printed no address within {STARTUP_TIMEOUT:?}"))
            }
            Err(RecvTimeoutError::Disconnected) => {
                server.fail("closed stdout without printing its address")
            }
        }
        server
    }

    /// The WebSocket URL the server printed, such as `ws://127.0.0.1:40123`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Everything the server has written to stderr (its log) so far.
    pub fn stderr(&self) -> String {
        let bytes = self.stderr.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Panics, with the server's log, if the process has exited.
    pub fn assert_running(&mut self) {
        match self.child.try_wait() {
            Ok(None) => {}
            Ok(Some(status)) => {
                self.exited = true;
                self.fail(&format!("exited with {status}"));
            }
            Err(error) => self.fail(&format!("cannot be waited for: {error}")),
        }
    }

    /// Sends SIGINT (Ctrl-C) and waits (bounded) for the server to exit; returns its exit
    /// status. Panics if it is still running after the shutdown timeout.
    pub fn stop_with_sigint(mut self) -> ExitStatus {
        self.assert_running();
        let sent = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        if !sent.as_ref().is_ok_and(|status| status.success()) {
            self.fail(&format!("could not be sent SIGINT ({sent:?})"));
        }
        match wait_with_timeout(&mut self.child, SHUTDOWN_TIMEOUT) {
            Ok(Some(status)) => {
                self.exited = true;
                // The log's last lines come after the exit; wait for the pipe to close.
                let _ = self.stderr_closed.recv_timeout(LOG_DRAIN_TIMEOUT);
                status
            }
            Ok(None) => self.fail(&format!(
                "was still running {SHUTDOWN_TIMEOUT:?} after SIGINT"
            )),
            Err(error) => self.fail(&format!("cannot be waited for: {error}")),
        }
    }

    fn fail(&mut self, what: &str) -> ! {
        self.kill();
        let _ = self.stderr_closed.recv_timeout(LOG_DRAIN_TIMEOUT);
        self.log_reported = true;
        panic!(
            "server {} {what}; its stderr:\n{}",
            self.description,
            self.stderr()
        );
    }

    fn kill(&mut self) {
        if !self.exited {
            // Already gone is fine: all that matters is that it is not left running.
            let _ = self.child.kill();
            let _ = self.child.wait();
            self.exited = true;
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
        if thread::panicking() && !self.log_reported {
            let _ = self.stderr_closed.recv_timeout(LOG_DRAIN_TIMEOUT);
            eprintln!("--- stderr of {} ---\n{}", self.description, self.stderr());
        }
    }
}

/// Reads stdout on a thread: the first line is sent back, the rest is read and dropped
/// so that a chatty server never blocks on a full pipe.
fn first_stdout_line(child: &mut Child) -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    if let Some(stdout) = child.stdout.take() {
        thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = sender.send(line);
            }
            lines.for_each(drop);
        });
    }
    receiver
}

#[cfg(test)]
mod tests {
    use super::ServerProcess;

    // `sh` stands in for a server: what matters here is the process handling.

    #[test]
    fn finds_the_address_keeps_the_log_and_stops_on_sigint() {
        let server = ServerProcess::spawn(
            "sh",
            [
                "-c",
                "trap 'echo bye >&2; exit 0' INT; echo 'listening on ws://127.0.0.1:4321'; \
                 echo 'started' >&2; while :; do sleep 0.05; done",
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
