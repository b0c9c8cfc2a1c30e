//! [`AddressPlaces`]: how many connections each client address holds, for the per-address
//! limit of [`serve`](crate::serve). An IPv6 client counts by its /64 network: one
//! subscriber usually gets a whole /64, so counting single addresses would let one
//! machine open as many connections as it has addresses.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex};

use crate::support::locks::lock;

/// The connections held per client address, under one limit.
#[derive(Debug)]
pub(crate) struct AddressPlaces {
    limit: usize,
    held: Mutex<HashMap<IpAddr, Held>>,
}

#[derive(Debug, Default)]
struct Held {
    connections: usize,
    /// Whether a newcomer from this address has been refused since it last had room, so
    /// that a spell over the limit is logged once.
    refused: bool,
}

/// Why [`AddressPlaces::take`] found no room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Full {
    /// The first refusal since the address last had room.
    pub(crate) first: bool,
}

impl AddressPlaces {
    /// At most `limit` connections per address (at least 1).
    pub(crate) fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self {
            limit: limit.max(1),
            held: Mutex::new(HashMap::new()),
        })
    }

    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// A place for one more connection from `client`, held until the place is dropped.
    pub(crate) fn take(self: &Arc<Self>, client: IpAddr) -> Result<AddressPlace, Full> {
        let key = counted_as(client);
        let mut held = lock(&self.held);
        let entry = held.entry(key).or_default();
        if entry.connections >= self.limit {
            let first = !entry.refused;
            entry.refused = true;
            return Err(Full { first });
        }
        entry.connections += 1;
        Ok(AddressPlace {
            places: Arc::clone(self),
            key,
        })
    }

    fn give_back(&self, key: IpAddr) {
        let mut held = lock(&self.held);
        if let Some(entry) = held.get_mut(&key) {
            entry.connections = entry.connections.saturating_sub(1);
            entry.refused = false;
            if entry.connections == 0 {
                held.remove(&key);
            }
        }
    }
}

/// One connection's place under its address's limit; given back when dropped.
#[derive(Debug)]
pub(crate) struct AddressPlace {
    places: Arc<AddressPlaces>,
    key: IpAddr,
}

impl Drop for AddressPlace {
    fn drop(&mut self) {
        self.places.give_back(self.key);
    }
}

/// The key `client` is counted under: an IPv4 address (also when it reaches an IPv6
/// socket as `::ffff:a.b.c.d`), or the /64 network of an IPv6 address.
fn counted_as(client: IpAddr) -> IpAddr {
    match client.to_canonical() {
        IpAddr::V6(address) => {
            let network = u128::from(address) & !u128::from(u64::MAX);
            IpAddr::V6(Ipv6Addr::from(network))
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn an_address_holds_at_most_the_limit_and_gets_places_back() {
        let places = AddressPlaces::new(2);
        let first = places.take(ip("127.0.0.2")).expect("room");
        let _second = places.take(ip("127.0.0.2")).expect("room");
        assert_eq!(
            places.take(ip("127.0.0.2")).err(),
            Some(Full { first: true })
        );
        assert_eq!(
            places.take(ip("127.0.0.2")).err(),
            Some(Full { first: false })
        );
        // Another address is not affected.
        let _other = places.take(ip("127.0.0.3")).expect("room");
        drop(first);
        let _again = places.take(ip("127.0.0.2")).expect("a place came back");
        assert_eq!(
            places.take(ip("127.0.0.2")).err(),
            Some(Full { first: true })
        );
    }

    #[test]
    fn ipv6_counts_by_64_network_and_mapped_ipv4_as_ipv4() {
        let places = AddressPlaces::new(1);
        let _one = places.take(ip("2001:db8:1:2::1")).expect("room");
        assert!(places.take(ip("2001:db8:1:2:ffff::9")).is_err());
        let _next_network = places.take(ip("2001:db8:1:3::1")).expect("room");
        let _v4 = places.take(ip("192.0.2.7")).expect("room");
        assert!(places.take(ip("::ffff:192.0.2.7")).is_err());
    }

    #[test]
    fn nothing_is_kept_for_an_address_without_connections() {
        let places = AddressPlaces::new(3);
        let held: Vec<_> = (0..3)
            .map(|_| places.take(ip("10.0.0.1")).expect("room"))
            .collect();
        drop(held);
        assert!(lock(&places.held).is_empty());
    }
}
