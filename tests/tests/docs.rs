//! The documentation builds without a warning: broken intra-doc links, unclosed HTML,
//! missing code-block languages and the like fail here, as they would on docs.rs.

use std::process::Command;

#[test]
fn the_workspace_documentation_builds_without_warnings() {
    let workspace = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    // A target directory of its own, so the running `cargo test` is not waited for.
    let target = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/doc-check");
    let output = Command::new(env!("CARGO"))
        .args(["doc", "--workspace", "--no-deps", "--target-dir", target])
        .env("RUSTDOCFLAGS", "-D warnings")
        .current_dir(workspace)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo doc failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
