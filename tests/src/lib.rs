//! Support for the workspace's cross-crate tests, above all the real-client tests: Qt's own
//! clients against the `chatserver` binary, whether `qwebchannel.js` driven by Node or Qt's
//! QML chat client.
//!
//! Everything a test needs is installed on first use, so `cargo test --workspace --locked` works
//! from a fresh clone: the Node packages pinned in `tests/js/package-lock.json`, and Debian
//! packages ([`debian::ensure_packages`]) such as Qt 5.15's `qwebchannel.js`
//! ([`qt515_qwebchannel_js`]) and its chat examples ([`ensure_qt_examples`]).
//!
//! A server under test runs as a child process ([`ServerProcess`]) on a free port, and
//! [`run_node_tests`] runs the Node test files against it. Qt's QML client runs under
//! [`QmlHarness`], and a test that needs a fixed port runs in a network namespace of its own
//! ([`private_network::run_in_private_network`]). Every child is a [`Process`]: its output
//! captured, every wait bounded, never left running. A test that needs clients of several
//! addresses connects from loopback addresses of its choice ([`tcp_from`]).
//!
//! Instances that share one chat through a broker get a real Redis server
//! ([`RedisProcess`], Debian's `redis-server`) and, in front of them, a real load balancer
//! ([`Balancer`], Debian's HAProxy), both installed on first use and started on free ports.

mod balancer;
mod captured_logs;
pub mod debian;
mod exclusive;
mod free_port;
mod http;
mod layout;
mod listening;
mod loopback;
mod node_modules;
mod node_tests;
mod own_dir;
pub mod private_network;
mod process;
mod qml_harness;
mod qt515;
mod redis_process;
mod server_process;

pub use balancer::Balancer;
pub use captured_logs::CapturedLogs;
pub use http::{HttpResponse, http_get};
pub use layout::example_binary;
pub use listening::wait_until_listening;
pub use loopback::tcp_from;
pub use node_modules::ensure_node_modules;
pub use node_tests::{NodeRun, run_node_tests};
pub use process::Process;
pub use qml_harness::QmlHarness;
pub use qt515::{QtExamples, ensure_qt_examples, qt515_qwebchannel_js};
pub use redis_process::RedisProcess;
pub use server_process::ServerProcess;
