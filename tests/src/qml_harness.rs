//! One instance of Qt's QML chat client, run headless by `qmlscene` and driven by our harness
//! (`tests/qml/chat_client_harness.qml`, which documents its options and its result line).

use std::process::Command;
use std::time::Duration;

use crate::layout::qml_dir;
use crate::process::Process;
use crate::qt515::QtExamples;

/// The harness, in this crate's `qml` directory.
const HARNESS_QML: &str = "chat_client_harness.qml";
/// What starts the harness's outcome line: `HARNESS-RESULT ok {json}` or `... fail {json}`.
const RESULT_MARKER: &str = "HARNESS-RESULT ";
/// How long the harness itself waits for what it expects before it reports a failure.
const HARNESS_TIMEOUT: Duration = Duration::from_secs(15);
/// How much longer the test waits, for the harness's own report of a timeout.
const REPORT_MARGIN: Duration = Duration::from_secs(5);

/// A running client under the harness. Dropping it kills it.
pub struct QmlHarness {
    process: Process,
}

impl QmlHarness {
    /// Starts the client of `qt` with the harness `options` (such as `--user=alice`).
    pub fn start(qt: &QtExamples, options: &[String]) -> Self {
        let user = options
            .iter()
            .find_map(|option| option.strip_prefix("--user="))
            .unwrap_or("?");
        let client_url = format!("file://{}", qt.chat_client.display());
        let mut command = Command::new(&qt.qmlscene);
        command
            .arg(qml_dir().join(HARNESS_QML))
            .arg(format!("--client={client_url}"))
            .arg(format!("--timeout-ms={}", HARNESS_TIMEOUT.as_millis()))
            .args(options)
            // Headless: no display, and software rendering (offscreen has no OpenGL).
            .env("QT_QPA_PLATFORM", "offscreen")
            .env("QT_QUICK_BACKEND", "software");
        Self {
            process: Process::spawn(&format!("QML client {user:?}"), &mut command),
        }
    }

    /// Waits for the harness's result and panics, with the client's output, unless the
    /// harness saw everything it was told to expect. The client keeps running (`--stay`).
    pub fn expect_success(&mut self) {
        let Some(line) = self
            .process
            .wait_for_line(RESULT_MARKER, HARNESS_TIMEOUT + REPORT_MARGIN)
        else {
            self.process.fail("reported no result");
        };
        let result = &line[line.find(RESULT_MARKER).unwrap_or(0) + RESULT_MARKER.len()..];
        if !result.starts_with("ok ") {
            self.process.fail(&format!("failed: {result}"));
        }
    }

    /// [`expect_success`](Self::expect_success), then waits for the client to quit with
    /// exit code 0, as the harness does after success without `--stay`.
    pub fn expect_success_and_exit(mut self) {
        self.expect_success();
        match self.process.wait_for_exit(REPORT_MARGIN) {
            Some(status) if status.success() => {}
            Some(status) => self
                .process
                .fail(&format!("exited with {status} after success")),
            None => self.process.fail("did not quit after success"),
        }
    }
}
