//! [`NodeId`]: who one member of a cluster is, for as long as its process runs.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// One member of a cluster: a process with its broker connection. Random at every start,
/// so a restarted process is a new node and never inherits what its predecessor held.
///
/// Shown (and parsed) as 16 hexadecimal digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(u64);

impl NodeId {
    /// A fresh random id.
    pub fn random() -> Self {
        // The standard library seeds `RandomState` from the operating system's randomness;
        // the clock and a counter make ids made within one process differ too.
        static MADE: AtomicU64 = AtomicU64::new(0);
        let mut hasher = RandomState::new().build_hasher();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        hasher.write_u128(nanos);
        hasher.write_u32(std::process::id());
        hasher.write_u64(MADE.fetch_add(1, Ordering::Relaxed));
        Self(hasher.finish())
    }

    /// The number behind the id.
    pub fn get(self) -> u64 {
        self.0
    }

    /// The id whose number is `number` (a broker that stores ids as numbers).
    pub fn from_u64(number: u64) -> Self {
        Self(number)
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeId({self})")
    }
}

/// Parses the 16 hexadecimal digits [`NodeId`]'s `Display` writes.
impl FromStr for NodeId {
    type Err = std::num::ParseIntError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        u64::from_str_radix(text, 16).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_differ_and_read_back_from_their_text() {
        let (a, b) = (NodeId::random(), NodeId::random());
        assert_ne!(a, b);
        assert_eq!(a.to_string().len(), 16);
        assert_eq!(a.to_string().parse::<NodeId>(), Ok(a));
        assert!("not hex".parse::<NodeId>().is_err());
    }
}
