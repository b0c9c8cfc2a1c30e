//! Helpers that know nothing of the protocol: taking locks, giving back buffer capacity,
//! a budget of warnings per client, and compact spans of time.

pub(crate) mod locks;
pub(crate) mod nanos;
pub(crate) mod shrink;
pub(crate) mod warnings;
