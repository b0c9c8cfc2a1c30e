//! Transports: adapters between a connection and [`Channel::run_session`](crate::Channel::run_session).

pub mod memory;
pub(crate) mod ws;
