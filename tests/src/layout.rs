//! Where things are: the workspace, the Node tests, the QML harness, and a scratch directory
//! under `target/`.

use std::path::{Path, PathBuf};

/// The workspace root (the directory holding the top-level `Cargo.toml`).
pub(crate) fn workspace_root() -> PathBuf {
    let tests_crate = Path::new(env!("CARGO_MANIFEST_DIR"));
    tests_crate
        .parent()
        .expect("the tests crate lives inside the workspace")
        .to_path_buf()
}

/// The Node package with the real-client tests (`tests/js`).
pub(crate) fn js_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("js")
}

/// The QML that drives Qt's QML chat client (`tests/qml`).
pub(crate) fn qml_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("qml")
}

/// A directory of this crate's own under the build's target directory, for lock files:
/// it is ignored by git and shared by every test process of one checkout.
pub(crate) fn scratch_dir() -> PathBuf {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    };
    let dir = target.join("webchannel-tests");
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|error| panic!("cannot create {}: {error}", dir.display()));
    dir
}

/// `target/<profile>/examples/<name>`, beside the running test's own `deps` directory:
/// an example binary that `cargo test -p <crate>` built for the test. Panics, saying how
/// to build it, when it is missing.
pub fn example_binary(name: &str) -> PathBuf {
    let test = std::env::current_exe().expect("the test binary's path");
    let profile_dir = test
        .parent()
        .and_then(|deps| deps.parent())
        .expect("tests run from target/<profile>/deps");
    let binary = profile_dir.join("examples").join(name);
    assert!(
        binary.exists(),
        "{} is missing: `cargo test -p <its crate>` builds the examples (a run filtered \
         with `--test` does not; `cargo build -p <its crate> --examples` first)",
        binary.display()
    );
    binary
}
