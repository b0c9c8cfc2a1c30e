//! Support for the workspace's cross-crate tests, above all the real-client tests: Qt's own
//! `qwebchannel.js`, driven by Node, against the `chatserver` binary.
//!
//! Everything a test needs is installed on first use, so `cargo test --workspace` works
//! from a fresh clone: the Node packages pinned in `tests/js/package-lock.json`
//! ([`ensure_node_modules`]) and Qt 5.15's `qwebchannel.js` ([`qt515_qwebchannel_js`]).
//! A server under test runs as a child process ([`ServerProcess`]) on a free port, and
//! [`run_node_tests`] runs the Node test files against it. Every wait is bounded.

mod child;
mod exclusive;
mod layout;
mod node_modules;
mod node_tests;
mod qt515;
mod server_process;

pub use layout::{js_dir, workspace_root};
pub use node_modules::ensure_node_modules;
pub use node_tests::{NodeRun, run_node_tests};
pub use qt515::qt515_qwebchannel_js;
pub use server_process::ServerProcess;
