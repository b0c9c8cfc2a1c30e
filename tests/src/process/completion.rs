//! Running a command that is expected to end: to completion, with its output captured, and
//! killed together with whatever it started once its time is up.

use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus};
use std::time::Duration;

use super::Process;

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
/// started) once `timeout` has passed. Fails only if `command` cannot be started.
pub(crate) fn run_to_completion(command: &mut Command, timeout: Duration) -> io::Result<Completed> {
    // A process group of its own, so a timeout also ends its children (node's test
    // runner starts one process per file), whose open pipes would keep the output open.
    command.process_group(0);
    let mut process = Process::try_spawn(&format!("{command:?}"), command)?;
    let status = process.wait_for_exit(timeout);
    if status.is_none() {
        kill_group(&mut process);
    }
    Ok(Completed {
        status,
        output: process.log(),
    })
}

/// Kills `process`'s whole process group (it must lead one) and reaps it.
fn kill_group(process: &mut Process) {
    // If `kill` itself is missing, killing the leader alone is the best left to do.
    process.signal_group("KILL");
    process.kill();
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
