//! [`ConnectError`]: why [`RedisBroker::connect`](crate::RedisBroker::connect) failed.

use std::fmt;

/// Why connecting to Redis failed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectError {
    /// The URL is not a Redis URL.
    InvalidUrl(String),
    /// `rediss://` asks for TLS, which this build does not include.
    TlsNotBuiltIn,
    /// Redis did not answer.
    Unreachable {
        /// Where it was looked for (host and port, or socket path; never a password).
        address: String,
        /// What went wrong.
        reason: String,
    },
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUrl(reason) => write!(f, "not a Redis URL: {reason}"),
            Self::TlsNotBuiltIn => f.write_str(
                "rediss:// (TLS) is not built into webchannel-redis; reach Redis through a \
                 TLS tunnel, or use redis:// on a trusted network",
            ),
            Self::Unreachable { address, reason } => {
                write!(f, "cannot reach Redis at {address}: {reason}")
            }
        }
    }
}

impl std::error::Error for ConnectError {}
