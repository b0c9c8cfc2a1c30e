//! The child processes of a test: stdout and stderr captured line by line, every wait
//! bounded, and never left running (dropping one kills it, and prints its output if the
//! test is failing). [`run_to_completion`] runs a command that is expected to end.

mod completion;

use std::io::{self, BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

pub(crate) use completion::{Completed, run_to_completion};

/// How often a deadline-bound wait looks at the process (std has no timed wait).
const POLL_EVERY: Duration = Duration::from_millis(20);
/// How long to wait for the last output once the process has exited.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// The pipe a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

/// One line of output, without its line ending.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub(crate) stream: Stream,
    pub(crate) text: String,
}

/// Why a wait for a line returned none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoLine {
    /// The time ran out.
    TimedOut,
    /// The process closed both stdout and stderr (it has usually exited).
    Closed,
}

/// A running child process whose stdout and stderr are collected into one log.
pub struct Process {
    name: String,
    child: Child,
    /// Every line the process wrote, from either stream, in the order they were read.
    log: Arc<Mutex<Vec<Line>>>,
    /// The same lines again, for the waits that look for one.
    lines: Receiver<Line>,
    readers: Vec<JoinHandle<()>>,
    exited: Option<ExitStatus>,
    /// Whether a panic message already carries the log (so `Drop` need not print it).
    log_reported: bool,
}

impl Process {
    /// Starts `command` (stdin closed, output captured); `name` labels it in messages.
    /// Panics if it cannot be started.
    pub fn spawn(name: &str, command: &mut Command) -> Self {
        Self::try_spawn(name, command)
            .unwrap_or_else(|error| panic!("cannot start {name} ({command:?}): {error}"))
    }

    /// [`spawn`](Self::spawn), returning the error instead of panicking.
    pub(crate) fn try_spawn(name: &str, command: &mut Command) -> io::Result<Self> {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn()?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let (sender, lines) = mpsc::channel();
        let mut readers = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            readers.push(collect_lines(
                stdout,
                Stream::Stdout,
                Arc::clone(&log),
                sender.clone(),
            ));
        }
        if let Some(stderr) = child.stderr.take() {
            readers.push(collect_lines(
                stderr,
                Stream::Stderr,
                Arc::clone(&log),
                sender,
            ));
        }
        Ok(Self {
            name: name.to_owned(),
            child,
            log,
            lines,
            readers,
            exited: None,
            log_reported: false,
        })
    }

    /// Everything the process has written so far, stdout and stderr interleaved.
    pub fn log(&self) -> String {
        self.joined(|_| true)
    }

    /// What the process has written to stdout so far.
    pub fn stdout(&self) -> String {
        self.joined(|stream| stream == Stream::Stdout)
    }

    /// What the process has written to stderr so far.
    pub(crate) fn stderr(&self) -> String {
        self.joined(|stream| stream == Stream::Stderr)
    }

    fn joined(&self, wanted: impl Fn(Stream) -> bool) -> String {
        let log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        let mut joined = String::new();
        for line in log.iter().filter(|line| wanted(line.stream)) {
            joined.push_str(&line.text);
            joined.push('\n');
        }
        joined
    }

    /// Waits up to `timeout` for a line containing `marker` and returns it; `None` if the
    /// time runs out or the process closes its output first.
    pub fn wait_for_line(&mut self, marker: &str, timeout: Duration) -> Option<String> {
        self.wait_for(timeout, |line| line.text.contains(marker))
            .ok()
            .map(|line| line.text)
    }

    /// Waits up to `timeout` for the next line (not yet waited for) that `wanted` accepts.
    pub(crate) fn wait_for(
        &mut self,
        timeout: Duration,
        wanted: impl Fn(&Line) -> bool,
    ) -> Result<Line, NoLine> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if wanted(&line) => return Ok(line),
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => return Err(NoLine::TimedOut),
                Err(RecvTimeoutError::Disconnected) => return Err(NoLine::Closed),
            }
        }
    }

    /// Waits up to `timeout` for the process to exit; `None` if it is still running.
    pub fn wait_for_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.exit_status() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(POLL_EVERY);
        }
    }

    /// The exit status if the process has exited, without waiting.
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        if self.exited.is_none() {
            match self.child.try_wait() {
                Ok(status) => self.exited = status,
                Err(error) => self.fail(&format!("cannot be waited for: {error}")),
            }
            if self.exited.is_some() {
                self.drain();
            }
        }
        self.exited
    }

    /// Sends the signal named `signal` (`INT` is what Ctrl-C sends, `TERM` what service
    /// managers send); panics, with the log, if it cannot be sent.
    pub(crate) fn signal(&mut self, signal: &str) {
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status();
        if !sent.as_ref().is_ok_and(|status| status.success()) {
            self.fail(&format!("could not be sent SIG{signal} ({sent:?})"));
        }
    }

    /// Sends SIGINT to the whole process group the process leads, as Ctrl-C in a terminal
    /// does to the command in the foreground (start it with `Command::process_group(0)`);
    /// panics, with the log, if it cannot be sent.
    pub fn interrupt_group(&mut self) {
        if !self.signal_group("INT") {
            self.fail("could not be sent SIGINT as a group");
        }
    }

    /// Sends the signal named `signal` to the process group the process leads; whether
    /// `kill` could send it.
    pub(crate) fn signal_group(&self, signal: &str) -> bool {
        let group = format!("-{}", self.child.id());
        Command::new("kill")
            .args([&format!("-{signal}"), "--", &group])
            .status()
            .is_ok_and(|status| status.success())
    }

    /// The operating system's id of the process.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the process and panics with `what` and its log.
    pub fn fail(&mut self, what: &str) -> ! {
        self.kill();
        self.log_reported = true;
        panic!("{} {what}; its output:\n{}", self.name, self.log());
    }

    /// Kills the process (if it still runs) and waits for it.
    pub fn kill(&mut self) {
        if self.exited.is_none() {
            // Already gone is fine: all that matters is that it is not left running.
            let _ = self.child.kill();
            self.exited = self.child.wait().ok();
            self.drain();
        }
    }

    /// Waits (bounded: a grandchild may hold the pipes open) for the readers to reach
    /// the end of both pipes, so that the log is complete.
    fn drain(&self) {
        let deadline = Instant::now() + DRAIN_TIMEOUT;
        while self.readers.iter().any(|reader| !reader.is_finished()) && Instant::now() < deadline {
            thread::sleep(POLL_EVERY);
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
        if thread::panicking() && !self.log_reported {
            eprintln!("--- output of {} ---\n{}", self.name, self.log());
        }
    }
}

/// Reads `pipe` line by line on a thread of its own, appending each line to `log` and
/// sending it to `lines`.
fn collect_lines(
    pipe: impl Read + Send + 'static,
    stream: Stream,
    log: Arc<Mutex<Vec<Line>>>,
    lines: Sender<Line>,
) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut pipe = BufReader::new(pipe);
        let mut bytes = Vec::new();
        loop {
            bytes.clear();
            match pipe.read_until(b'\n', &mut bytes) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = Line {
                stream,
                text: String::from_utf8_lossy(&bytes)
                    .trim_end_matches(['\n', '\r'])
                    .to_owned(),
            };
            log.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(line.clone());
            // Nobody listening any more is fine: the log still has the line.
            let _ = lines.send(line);
        }
    })
}
