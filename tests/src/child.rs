//! Child processes with deadlines: running a command to completion with its output
//! captured, and waiting for a process to exit without waiting forever.

use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How often a deadline-bound wait looks at the child (std has no timed wait).
const POLL_EVERY: Duration = Duration::from_millis(20);
/// How long to wait for the pipes to drain once a process group is gone.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// What a command did: its exit status and everything it wrote to stdout and stderr.
#[derive(Debug)]
pub(crate) struct Completed {
    /// The exit status; `None` when it was killed for running out of time.
    pub(crate) status: Option<ExitStatus>,
    /// stdout and stderr, interleaved in the order they were read.
    pub(crate) output: String,
}

impl Completed {
    /// Whether the command ran to the end and exited with 0.
    pub(crate) fn succeeded(&self) -> bool {
        self.status.is_some_and(|status| status.success())
    }
}

/// Runs `command` with stdin closed and its output captured; kills it (and whatever it
/// started) once `timeout` has passed.
pub(crate) fn run_to_completion(command: &mut Command, timeout: Duration) -> io::Result<Completed> {
    // A process group of its own, so a timeout also ends its children (node's test
    // runner starts one process per file), whose open pipes would keep the output open.
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = command.spawn()?;
    let output = Arc::new(Mutex::new(Vec::new()));
    let readers = [
        child
            .stdout
            .take()
            .map(|pipe| copy_into(pipe, Arc::clone(&output))),
        child
            .stderr
            .take()
            .map(|pipe| copy_into(pipe, Arc::clone(&output))),
    ];
    let status = match wait_with_timeout(&mut child, timeout)? {
        Some(status) => Some(status),
        None => {
            kill_group(&mut child);
            None
        }
    };
    let drained_by = Instant::now() + DRAIN_TIMEOUT;
    for reader in readers.into_iter().flatten() {
        while !reader.is_finished() && Instant::now() < drained_by {
            thread::sleep(POLL_EVERY);
        }
        if reader.is_finished() {
            // The reader only ever appends; an error just ends its copy early.
            let _ = reader.join();
        }
    }
    let bytes = output.lock().unwrap_or_else(PoisonError::into_inner);
    Ok(Completed {
        status,
        output: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// Waits up to `timeout` for `child` to exit; `None` when it is still running.
pub(crate) fn wait_with_timeout(
    child: &mut Child,
    timeout: Duration,
) -> io::Result<Option<ExitStatus>> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        thread::sleep(POLL_EVERY);
    }
}

/// Kills `child`'s whole process group (it must lead one) and reaps `child`.
fn kill_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    // If `kill` itself is missing, killing the leader alone is the best left to do.
    let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
    let _ = child.kill();
    let _ = child.wait();
}

/// Copies everything from `pipe` into `sink` on a thread of its own.
pub(crate) fn copy_into(
    mut pipe: impl Read + Send + 'static,
    sink: Arc<Mutex<Vec<u8>>>,
) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut buffer = [0_u8; 8192];
        loop {
            match pipe.read(&mut buffer) {
                Ok(0) | Err(_) => return,
                Ok(read) => sink
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .extend_from_slice(&buffer[..read]),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use std::process::Command;
    use std::time::{Duration, Instant};

    use super::run_to_completion;

    #[test]
    fn captures_both_streams_and_the_status() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo out; echo err >&2; exit 4"]);
        let completed = run_to_completion(&mut command, Duration::from_secs(10)).expect("sh runs");
        assert_eq!(completed.status.and_then(|status| status.code()), Some(4));
        assert!(!completed.succeeded());
        assert!(completed.output.contains("out") && completed.output.contains("err"));
    }

    #[test]
    fn a_command_that_overruns_is_killed_with_its_children() {
        let started = Instant::now();
        let mut command = Command::new("sh");
        // The child `sleep` holds the pipes open: only killing the group ends the read.
        command.args(["-c", "echo before; sleep 30 & sleep 30"]);
        let completed =
            run_to_completion(&mut command, Duration::from_millis(300)).expect("sh runs");
        assert!(completed.status.is_none());
        assert!(completed.output.contains("before"));
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }
}
