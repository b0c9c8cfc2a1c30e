//! The README's command for running the chat server works exactly as written: the test
//! reads the command from README.md (the `sh` block after "Run it"), runs it word for
//! word from the workspace root, as someone who has just cloned the repository would,
//! then checks what the README promises at the addresses it names (the chat page on
//! `GET /`, and a WebSocket whose `init` is answered with the chat object), and stops it
//! with Ctrl-C, after which it must exit with status 0.
//!
//! The command listens on the fixed port 12345, so the test runs in a private network
//! namespace of its own (see `webchannel_tests::private_network`). The command builds in
//! release mode into the shared `target/`: the first run pays for that build, later runs
//! (and `bench/`) reuse it.

mod hostile_support;

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::json;
use webchannel_tests::private_network::run_in_private_network;
use webchannel_tests::{Process, http_get};

use hostile_support::Wire;

/// A release build from nothing on a busy two-core machine, and the checks after it.
const TEST_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// How long the command may take to build and start listening.
const START_TIMEOUT: Duration = Duration::from_secs(25 * 60);
/// How long the server may take to exit after Ctrl-C.
const STOP_TIMEOUT: Duration = Duration::from_secs(15);
/// What the server prints once it listens.
const READY_MARKER: &str = "listening on ";
/// Characters that would make a command more than words separated by spaces.
const SHELL_SYNTAX: &str = "\"'`$\\|&;<>(){}*?[]~#=";

/// What the README says about running the chat server.
#[derive(Debug, PartialEq, Eq)]
struct RunInstructions {
    /// The one command in the `sh` block after "Run it", as the words a shell would split
    /// it into (it must need nothing else from a shell).
    command: Vec<String>,
    /// The WebSocket address the "Run it" sentence names (`ws://...`).
    socket_url: String,
    /// The page the README says to open (`http://.../`).
    page_url: String,
}

/// Reads the instructions for running the chat server out of the README's text.
fn run_instructions(readme: &str) -> Result<RunInstructions, String> {
    let (_, after) = readme
        .split_once("\nRun it")
        .ok_or("the README has no paragraph starting with \"Run it\"")?;
    let sentence = after.lines().next().unwrap_or_default();
    let socket_url = between(sentence, "`ws://", "`")
        .map(|address| format!("ws://{address}"))
        .ok_or("the \"Run it\" sentence names no `ws://` address")?;
    let block = between(after, "```sh\n", "```").ok_or("no ```sh block follows \"Run it\"")?;
    let commands: Vec<&str> = block
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    let [command] = commands[..] else {
        return Err(format!(
            "the ```sh block after \"Run it\" should hold one command, not {commands:?}"
        ));
    };
    if let Some(special) = command.chars().find(|c| SHELL_SYNTAX.contains(*c)) {
        return Err(format!(
            "the command {command:?} uses {special:?}; this test runs plain words only"
        ));
    }
    let page_url = between(after, "open <", ">")
        .filter(|url| url.starts_with("http://"))
        .ok_or("no \"open <http://...>\" follows the command")?
        .to_owned();
    Ok(RunInstructions {
        command: command.split_whitespace().map(str::to_owned).collect(),
        socket_url,
        page_url,
    })
}

/// The text between the first `start` in `text` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let (_, rest) = text.split_once(start)?;
    rest.split_once(end).map(|(inside, _)| inside)
}

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("chatserver lives inside the workspace")
}

/// Runs the README's command and checks the page and the WebSocket it promises.
fn run_the_readme_command() {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).expect("README.md");
    let run = run_instructions(&readme).unwrap_or_else(|problem| panic!("{problem}"));
    println!(
        "running {:?} in {}",
        run.command,
        workspace_root().display()
    );

    let (program, args) = run
        .command
        .split_first()
        .expect("a command has a first word");
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(workspace_root())
        // A group of its own, which Ctrl-C reaches as a whole, as in a terminal (cargo
        // replaces itself with the server it runs).
        .process_group(0);
    let mut server = Process::spawn("the README's run command", &mut command);
    let Some(ready) = server.wait_for_line(READY_MARKER, START_TIMEOUT) else {
        server.fail(&format!(
            "printed no {READY_MARKER:?} line within {START_TIMEOUT:?}"
        ));
    };
    assert_eq!(
        ready.trim_end(),
        format!("{READY_MARKER}{}", run.socket_url),
        "the server listens elsewhere than the README says"
    );

    let page = http_get(&run.page_url, "/", &[]);
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(page.body.contains("<title>Chat</title>"), "{}", page.body);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let init = runtime.block_on(async {
        let mut wire = Wire::connect(&run.socket_url).await;
        wire.request(json!({"type": 3, "id": "init"})).await
    });
    assert_eq!(init["type"], 10, "{init}");
    assert!(
        init["data"]["chatserver"]["methods"].is_array(),
        "the init response describes no chatserver: {init}"
    );

    server.interrupt_group();
    match server.wait_for_exit(STOP_TIMEOUT) {
        Some(status) if status.success() => {}
        Some(status) => server.fail(&format!("exited with {status} after Ctrl-C")),
        None => server.fail(&format!("was still running {STOP_TIMEOUT:?} after Ctrl-C")),
    }
}

#[test]
fn the_readme_run_command_serves_the_page_and_the_chat_then_stops_on_ctrl_c() {
    run_in_private_network(
        "the_readme_run_command_serves_the_page_and_the_chat_then_stops_on_ctrl_c",
        TEST_TIMEOUT,
        run_the_readme_command,
    );
}

#[test]
fn the_instructions_are_read_from_the_run_it_paragraph() {
    let readme = "# x\n\nRun it (listens on `ws://127.0.0.1:1`, somewhere):\n\n```sh\nmake run\n```\n\nThen open <http://127.0.0.1:1/> and chat.\n\n```sh\nother\n```\n";
    assert_eq!(
        run_instructions(readme),
        Ok(RunInstructions {
            command: vec!["make".to_owned(), "run".to_owned()],
            socket_url: "ws://127.0.0.1:1".to_owned(),
            page_url: "http://127.0.0.1:1/".to_owned(),
        })
    );
    let two_commands = readme.replace("make run\n", "make\nmake run\n");
    assert!(run_instructions(&two_commands).is_err());
    assert!(run_instructions("no such paragraph").is_err());
    let piped = readme.replace("make run\n", "make run | tee log\n");
    assert!(run_instructions(&piped).is_err());
}
