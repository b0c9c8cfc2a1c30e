//! The declarations `chatserver --emit-typescript` prints are valid TypeScript that types a
//! client precisely: `tsc --strict` (npm `typescript`, pinned in `tests/js`) accepts the
//! client in `tests/js/typescript/chat-client.ts` and rejects each deliberate mistake
//! beside it with the error a TypeScript user would see.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use webchannel_tests::{Process, ensure_node_modules};

/// tsc on three small files takes a few seconds; a hung one must still end.
const TSC_TIMEOUT: Duration = Duration::from_secs(120);
/// The binary prints and exits at once.
const EMIT_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `command` to its end (bounded) and returns (success, output).
fn run(name: &str, command: &mut Command, timeout: Duration) -> (bool, String) {
    let mut process = Process::spawn(name, command);
    match process.wait_for_exit(timeout) {
        Some(status) => (status.success(), process.log()),
        None => process.fail(&format!("did not finish within {timeout:?}")),
    }
}

/// A fresh directory holding `chatserver.d.ts` from the binary and the client files.
fn workspace_with_declarations(js: &Path) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chatserver-typescript-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let mut emit = Command::new(env!("CARGO_BIN_EXE_chatserver"));
    emit.arg("--emit-typescript");
    // It writes nothing but the declarations, so its whole output is the file.
    let (ok, declarations) = run("chatserver --emit-typescript", &mut emit, EMIT_TIMEOUT);
    assert!(ok, "--emit-typescript failed:\n{declarations}");
    assert!(
        declarations.contains("export interface ChatServer {"),
        "{declarations}"
    );
    std::fs::write(dir.join("chatserver.d.ts"), declarations).expect("writable");
    for file in ["chat-client.ts", "wrong-argument.ts", "wrong-property.ts"] {
        std::fs::copy(js.join("typescript").join(file), dir.join(file)).expect("copied");
    }
    dir
}

/// `tsc --strict --noEmit` on `file` (in `dir`): (success, output).
fn tsc(js: &Path, dir: &Path, file: &str) -> (bool, String) {
    let mut command = Command::new("node");
    command
        .arg(js.join("node_modules/typescript/bin/tsc"))
        .args([
            "--strict",
            "--noEmit",
            "--pretty",
            "false",
            "--target",
            "es2022",
            "--module",
            "nodenext",
            "--lib",
            "es2022,dom",
        ])
        .arg(file)
        .current_dir(dir);
    run(&format!("tsc {file}"), &mut command, TSC_TIMEOUT)
}

#[test]
fn the_declarations_type_a_client_and_catch_its_mistakes() {
    let js = ensure_node_modules();
    let dir = workspace_with_declarations(&js);

    let (ok, output) = tsc(&js, &dir, "chat-client.ts");
    assert!(ok, "the client must type-check:\n{output}");

    let (ok, output) = tsc(&js, &dir, "wrong-argument.ts");
    assert!(!ok, "a number for the user name must not type-check");
    assert!(
        output.contains(
            "wrong-argument.ts(5,45): error TS2345: Argument of type 'number' is not \
             assignable to parameter of type 'string'."
        ),
        "{output}"
    );

    let (ok, output) = tsc(&js, &dir, "wrong-property.ts");
    assert!(!ok, "writing a read-only property must not type-check");
    assert!(
        output.contains(
            "wrong-property.ts(5,32): error TS2540: Cannot assign to 'userList' because it is \
             a read-only property."
        ),
        "{output}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
