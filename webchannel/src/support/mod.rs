//! Helpers that know nothing of the protocol: taking locks, giving back buffer capacity,
//! and a budget of warnings per client.

pub(crate) mod locks;
pub(crate) mod shrink;
pub(crate) mod warnings;
