//! Running the Node test files of `tests/js` with `node --test`, and reading its summary.

use std::ffi::OsStr;
use std::io::{self, Write};
use std::process::Command;
use std::time::Duration;

use crate::node_modules::ensure_node_modules;
use crate::process::run_to_completion;

/// Far more than the test files need; a hung run must still end.
const NODE_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// A successful `node --test` run: its output and the counts from its closing summary.
#[derive(Debug, Clone)]
pub struct NodeRun {
    /// Everything node printed (the spec reporter's report).
    pub output: String,
    /// Tests that ran (`ℹ tests N`).
    pub tests: u64,
    /// Tests that passed (`ℹ pass N`).
    pub passed: u64,
    /// Tests that were skipped (`ℹ skipped N`).
    pub skipped: u64,
    /// Tests marked `todo` (`ℹ todo N`): known gaps, run and reported, passing or not.
    pub todo: u64,
}

impl NodeRun {
    /// Panics, printing the report, unless some tests ran and each passed or is a
    /// known gap (`todo`), and none was skipped: a skip here would mean a test meant for
    /// our server had been switched off by the environment.
    pub fn assert_all_ran(&self) {
        // A whole skipped suite is not counted in the summary, only listed with a `﹣`.
        let skipped_suite = self
            .output
            .lines()
            .any(|line| line.trim_start().starts_with('﹣'));
        assert!(
            self.tests > 0
                && self.skipped == 0
                && !skipped_suite
                && self.passed + self.todo == self.tests,
            "expected every node test to run and pass, got {} tests, {} passed, {} todo, {} skipped:\n{}",
            self.tests,
            self.passed,
            self.todo,
            self.skipped,
            self.output
        );
        // Straight to stderr, past the test harness's capture: a known gap should be seen
        // on every run, not only on failing ones.
        let mut stderr = io::stderr().lock();
        for gap in self.todo_lines() {
            let _ = writeln!(stderr, "known gap (node todo): {gap}");
        }
    }

    /// The report lines of the tests marked `todo`, with their reasons, each once (the
    /// spec reporter repeats failing ones at the end).
    pub fn todo_lines(&self) -> Vec<&str> {
        let mut lines: Vec<&str> = Vec::new();
        for line in self.output.lines().map(str::trim) {
            let is_todo = line.contains("# not yet in our chatserver") || line.ends_with("# TODO");
            if is_todo && !lines.contains(&line) {
                lines.push(line);
            }
        }
        lines
    }
}

/// Runs `node --test --test-reporter=spec <files>` in `tests/js` (installing its packages
/// first if needed) with the extra environment `env`. Panics with node's whole report if a
/// test fails or the run takes longer than ten minutes; otherwise returns the report.
pub fn run_node_tests<K, V>(files: &[&str], env: impl IntoIterator<Item = (K, V)>) -> NodeRun
where
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let dir = ensure_node_modules();
    let mut command = Command::new("node");
    command
        .args(["--test", "--test-reporter=spec"])
        .args(files)
        .current_dir(&dir)
        // Plain text: the report ends up in a panic message or a log file.
        .env("NO_COLOR", "1")
        .env_remove("FORCE_COLOR")
        .envs(env);
    let completed = run_to_completion(&mut command, NODE_TIMEOUT).unwrap_or_else(|error| {
        panic!("cannot run node ({error}); the real-client tests need Node.js 20 or newer")
    });
    match completed.status {
        Some(status) if status.success() => {}
        Some(status) => panic!(
            "node --test {} failed ({status}):\n{}",
            files.join(" "),
            completed.output
        ),
        None => panic!(
            "node --test {} was killed after {NODE_TIMEOUT:?}:\n{}",
            files.join(" "),
            completed.output
        ),
    }
    // Shown with `cargo test -- --nocapture`, and kept with the test's output otherwise.
    println!("{}", completed.output);
    NodeRun {
        tests: summary_count(&completed.output, "tests"),
        passed: summary_count(&completed.output, "pass"),
        skipped: summary_count(&completed.output, "skipped"),
        todo: summary_count(&completed.output, "todo"),
        output: completed.output,
    }
}

/// The number on the spec reporter's closing line `ℹ <label> <n>` (0 if absent).
fn summary_count(output: &str, label: &str) -> u64 {
    output
        .lines()
        .rev()
        .filter_map(|line| line.trim().strip_prefix('ℹ'))
        .filter_map(|rest| rest.trim().strip_prefix(label)?.trim().parse().ok())
        .next()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::summary_count;

    #[test]
    fn reads_the_spec_reporters_summary() {
        let output = "✔ a test (1ms)\nℹ tests 12\nℹ suites 2\nℹ pass 11\nℹ fail 0\nℹ skipped 1\nℹ duration_ms 9.5\n";
        assert_eq!(summary_count(output, "tests"), 12);
        assert_eq!(summary_count(output, "pass"), 11);
        assert_eq!(summary_count(output, "skipped"), 1);
        assert_eq!(summary_count(output, "todo"), 0);
    }
}
