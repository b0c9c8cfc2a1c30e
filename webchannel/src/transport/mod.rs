//! Transports: adapters between a connection and [`Channel::run_session`](crate::Channel::run_session).

pub(crate) mod client_js;
pub mod direct;
pub mod memory;
pub(crate) mod websocket;
