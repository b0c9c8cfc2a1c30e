//! Transports: adapters between a connection and [`Channel::run_session`](crate::Channel::run_session).
//! The in-memory one is always there; the WebSocket server (the upgrade, the accept loop
//! with its connection limits, in all and per client address, the origin policy and the host names it trusts, and
//! `webchannel.js` for browsers) comes with the `server` feature.

#[cfg(feature = "server")]
pub(crate) mod addresses;
#[cfg(feature = "server")]
pub(crate) mod client_js;
#[cfg(feature = "server")]
pub(crate) mod host;
#[cfg(feature = "server")]
pub(crate) mod listener;
pub mod memory;
#[cfg(feature = "server")]
pub(crate) mod websocket;
