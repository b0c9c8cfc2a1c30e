//! The child processes of a test: output captured line by line, every wait bounded, and
//! never left running (dropping one kills it, and prints its output if the test is failing).

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How often a deadline-bound wait looks at the process (std has no timed wait).
const POLL_EVERY: Duration = Duration::from_millis(20);
/// How long to wait for the last output once the process has exited.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// A running child process whose stdout and stderr are collected into one log.
pub(crate) struct Process {
    name: String,
    child: Child,
    log: Arc<Mutex<String>>,
    /// Every line the process writes, from either stream, in the order they were read.
    lines: Receiver<String>,
    readers: Vec<JoinHandle<()>>,
    exited: Option<ExitStatus>,
    /// Whether a panic message already carries the log (so `Drop` need not print it).
    log_reported: bool,
}

impl Process {
    /// Starts `command` (stdin closed, output captured); `name` labels it in messages.
    pub(crate) fn spawn(name: &str, command: &mut Command) -> Self {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {name} ({command:?}): {error}"));
        let log = Arc::new(Mutex::new(String::new()));
        let (sender, lines) = mpsc::channel();
        let mut readers = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            readers.push(collect_lines(stdout, Arc::clone(&log), sender.clone()));
        }
        if let Some(stderr) = child.stderr.take() {
            readers.push(collect_lines(stderr, Arc::clone(&log), sender));
        }
        Self {
            name: name.to_owned(),
            child,
            log,
            lines,
            readers,
            exited: None,
            log_reported: false,
        }
    }

    /// Everything the process has written so far.
    pub(crate) fn log(&self) -> String {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits up to `timeout` for a line containing `marker` and returns it; `None` if the
    /// time runs out or the process closes its output first.
    pub(crate) fn wait_for_line(&mut self, marker: &str, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(marker) => return Some(line),
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Waits up to `timeout` for the process to exit; `None` if it is still running.
    pub(crate) fn wait_for_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
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
    pub(crate) fn exit_status(&mut self) -> Option<ExitStatus> {
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

    /// Kills the process and panics with `what` and its log.
    pub(crate) fn fail(&mut self, what: &str) -> ! {
        self.kill();
        self.log_reported = true;
        panic!("{} {what}; its output:\n{}", self.name, self.log());
    }

    /// Kills the process (if it still runs) and waits for it.
    pub(crate) fn kill(&mut self) {
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
    log: Arc<Mutex<String>>,
    lines: Sender<String>,
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
            let line = String::from_utf8_lossy(&bytes)
                .trim_end_matches(['\n', '\r'])
                .to_owned();
            {
                let mut log = log.lock().unwrap_or_else(PoisonError::into_inner);
                log.push_str(&line);
                log.push('\n');
            }
            // Nobody listening any more is fine: the log still has the line.
            let _ = lines.send(line);
        }
    })
}
