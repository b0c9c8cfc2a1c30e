//! The limits one session's driver enforces on its client: how many messages it may send
//! ([`rate`], with the `server` feature) and whether it still answers pings
//! ([`liveness`]). How long a write may block is the driver's own timeout. How many bytes
//! a WebSocket client may send per second ([`inbound`]) is kept by the transport, which
//! counts what it reads.

#[cfg(feature = "server")]
pub(crate) mod inbound;
pub(crate) mod liveness;
#[cfg(feature = "server")]
pub(crate) mod rate;
