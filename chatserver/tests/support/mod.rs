//! Helpers of the QML client test (`qml_client.rs`): child processes with bounded waits,
//! Debian's Qt packages, private network namespaces, and the QML client harness.

pub(crate) mod debian;
pub(crate) mod private_network;
pub(crate) mod process;
pub(crate) mod qml_harness;
