//! [`ClaimError`]: why a claim or a release did not go through.

use std::fmt;

use crate::cluster::error::BrokerError;

/// Why a claim (or a release) did not go through.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClaimError {
    /// Another node holds the name, or a name that shares one of its aliases; so may this
    /// node, under another name.
    Taken,
    /// The store could not be asked, or did not answer.
    Broker(BrokerError),
}

impl fmt::Display for ClaimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Taken => f.write_str("the name is taken"),
            Self::Broker(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for ClaimError {}

impl From<BrokerError> for ClaimError {
    fn from(error: BrokerError) -> Self {
        Self::Broker(error)
    }
}
