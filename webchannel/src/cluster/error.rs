//! [`BrokerError`]: why a broker did not take a frame or a call.

use std::fmt;

/// Why the broker did not take a frame or a call.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BrokerError {
    /// The link to the broker is down; nothing was sent.
    Down,
    /// The broker did not answer in time. What was sent may still arrive; receivers drop
    /// frames that arrive too late to be counted.
    TimedOut,
    /// The frame is larger than the broker accepts.
    TooLarge {
        /// The frame's size in bytes.
        size: usize,
        /// The largest frame the broker accepts.
        limit: usize,
    },
    /// The broker answered with an error.
    Failed(String),
}

impl fmt::Display for BrokerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Down => f.write_str("the broker is unreachable"),
            Self::TimedOut => f.write_str("the broker did not answer in time"),
            Self::TooLarge { size, limit } => {
                write!(f, "a frame of {size} bytes is over the broker's {limit}")
            }
            Self::Failed(reason) => write!(f, "the broker failed: {reason}"),
        }
    }
}

impl std::error::Error for BrokerError {}
