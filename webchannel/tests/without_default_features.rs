//! The runtime's core builds without its default features (no WebSocket server, no
//! TypeScript): the protocol, the object model, the in-memory transport and
//! `DirectSession`. A program on that core, whose objects and enums the macros generate,
//! builds and runs too (`core_only/main.rs`).
//!
//! Each build has a target directory of its own, so the running `cargo test` is not
//! waited for. The program is built outside the workspace (the workspace's dev-dependencies
//! would turn the features back on), from a copy of the workspace's lock file.

use std::path::{Path, PathBuf};
use std::process::Command;

const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn target() -> PathBuf {
    Path::new(WORKSPACE).join("target/without-default-features")
}

fn cargo(args: &[&str], dir: &Path) -> String {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .arg("--target-dir")
        .arg(target())
        .current_dir(dir)
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "cargo {args:?} failed:\n{stderr}");
    assert!(
        !stderr.contains("warning"),
        "cargo {args:?} warned:\n{stderr}"
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_core_builds_without_the_default_features() {
    cargo(
        &[
            "build",
            "-p",
            "webchannel",
            "--no-default-features",
            "--locked",
        ],
        Path::new(WORKSPACE),
    );
}

#[test]
fn generated_code_compiles_and_runs_against_the_core_alone() {
    let package = target().join("core-only");
    std::fs::create_dir_all(&package).expect("a directory under target/");
    let webchannel = Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .expect("the crate's directory");
    let manifest = format!(
        r#"[package]
name = "core-only"
version = "0.0.0"
edition = "2024"
publish = false

[[bin]]
name = "core-only"
path = {main:?}

[dependencies]
webchannel = {{ path = {webchannel:?}, default-features = false }}
tokio = {{ version = "1", features = ["macros", "rt"] }}

[workspace]
"#,
        main = webchannel.join("tests/core_only/main.rs"),
        webchannel = webchannel,
    );
    std::fs::write(package.join("Cargo.toml"), manifest).expect("the manifest is written");
    std::fs::copy(
        Path::new(WORKSPACE).join("Cargo.lock"),
        package.join("Cargo.lock"),
    )
    .expect("the lock file is copied");
    let printed = cargo(&["run", "--offline", "--quiet"], &package);
    assert_eq!(printed.trim(), "answered without the default features");
}
