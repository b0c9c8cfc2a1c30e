//! The limits one session's driver enforces on its client: how many messages it may send
//! ([`rate`], with the `server` feature) and whether it still answers pings
//! ([`liveness`]). How long a write may block is the driver's own timeout.

pub(crate) mod liveness;
#[cfg(feature = "server")]
pub(crate) mod rate;
