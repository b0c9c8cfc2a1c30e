//! Where a client connects and from which address: its server's URL (clients are spread
//! round-robin over the URLs) and, on loopback, a source address of its own.
//!
//! A server that caps the connections of one client address would refuse most of a
//! loopback load test if every client came from 127.0.0.1, so clients of a loopback IPv4
//! server bind their socket to one of several source addresses in 127.0.0.0/8 (Linux
//! routes all of it to `lo` with no set-up) before connecting, then do the WebSocket
//! handshake over that socket.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{WebSocketStream, client_async_with_config};

/// Most clients one source address holds by default.
pub(crate) const CLIENTS_PER_SOURCE_ADDRESS: usize = 100;

/// Most source addresses a run may spread its clients over.
pub(crate) const MAX_SOURCE_ADDRESSES: usize = 65_536;

/// A server to connect to, from its `ws://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// The URL as given.
    pub(crate) url: String,
    /// The host as the URL writes it (an IPv6 literal keeps its brackets).
    host: String,
    port: u16,
    /// The host, when it is an IPv4 loopback address: clients may then come from
    /// source addresses of their own.
    loopback: Option<Ipv4Addr>,
}

impl Endpoint {
    /// Reads a `ws://HOST[:PORT][/PATH]` URL.
    pub(crate) fn parse(url: &str) -> Result<Self, String> {
        let request = url
            .into_client_request()
            .map_err(|error| format!("--url {url}: {error}"))?;
        let uri = request.uri();
        if uri.scheme_str() != Some("ws") {
            return Err(format!(
                "--url {url}: only ws:// URLs are supported (no TLS is built in)"
            ));
        }
        let host = uri
            .host()
            .ok_or_else(|| format!("--url {url}: no host"))?
            .to_owned();
        let loopback = host.parse::<Ipv4Addr>().ok().filter(Ipv4Addr::is_loopback);
        Ok(Self {
            url: url.to_owned(),
            port: uri.port_u16().unwrap_or(80),
            host,
            loopback,
        })
    }

    /// Whether clients of this server can come from source addresses of their own.
    pub(crate) fn is_loopback_v4(&self) -> bool {
        self.loopback.is_some()
    }
}

/// How a run's clients reach their servers.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    endpoints: Vec<Endpoint>,
    /// Source addresses the clients of loopback servers are spread over; 1: the
    /// address the kernel picks (127.0.0.1), no binding.
    source_addresses: usize,
}

impl Plan {
    /// `endpoints` (at least one) with `source_addresses` (at least one) for their
    /// loopback clients.
    pub(crate) fn new(endpoints: Vec<Endpoint>, source_addresses: usize) -> Self {
        Self {
            endpoints,
            source_addresses,
        }
    }

    /// Source addresses in use.
    pub(crate) fn source_addresses(&self) -> usize {
        self.source_addresses
    }

    /// Where client `index` connects: server `index mod n`, from the next source address
    /// among those of its server's clients, so every server sees its clients spread
    /// evenly over the addresses.
    pub(crate) fn dial(&self, index: usize) -> Dial<'_> {
        let servers = self.endpoints.len();
        let endpoint = &self.endpoints[index % servers];
        let source = match endpoint.loopback {
            Some(_) if self.source_addresses > 1 => {
                Some(source_address((index / servers) % self.source_addresses))
            }
            _ => None,
        };
        Dial { endpoint, source }
    }
}

/// One client's way to its server.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dial<'a> {
    pub(crate) endpoint: &'a Endpoint,
    /// The address to bind the client's socket to, if any.
    pub(crate) source: Option<Ipv4Addr>,
}

impl Dial<'_> {
    /// Connects (Nagle off, since every frame is a complete request or answer) and does
    /// the WebSocket handshake.
    pub(crate) async fn connect(
        &self,
        config: WebSocketConfig,
    ) -> Result<WebSocketStream<TcpStream>, String> {
        let stream = self.tcp().await?;
        self.handshake(stream, config).await
    }

    /// Connects, Nagle off, from the source address if there is one.
    pub(crate) async fn tcp(&self) -> Result<TcpStream, String> {
        let url = &self.endpoint.url;
        let stream = match (self.source, self.endpoint.loopback) {
            (Some(source), Some(server)) => {
                let socket = TcpSocket::new_v4().map_err(|error| format!("no socket: {error}"))?;
                socket
                    .bind(SocketAddr::V4(SocketAddrV4::new(source, 0)))
                    .map_err(|error| format!("cannot bind to {source}: {error}"))?;
                socket
                    .connect(SocketAddr::V4(SocketAddrV4::new(
                        server,
                        self.endpoint.port,
                    )))
                    .await
            }
            _ => TcpStream::connect(format!("{}:{}", self.endpoint.host, self.endpoint.port)).await,
        }
        .map_err(|error| format!("cannot connect to {url}: {error}"))?;
        stream
            .set_nodelay(true)
            .map_err(|error| format!("cannot set TCP_NODELAY: {error}"))?;
        Ok(stream)
    }

    /// The WebSocket handshake over `stream`, a connection made by [`Dial::tcp`].
    pub(crate) async fn handshake<S>(
        &self,
        stream: S,
        config: WebSocketConfig,
    ) -> Result<WebSocketStream<S>, String>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        let url = &self.endpoint.url;
        let (socket, _) = client_async_with_config(url.as_str(), stream, Some(config))
            .await
            .map_err(|error| format!("cannot connect to {url}: {error}"))?;
        Ok(socket)
    }
}

/// Source addresses enough that none holds more than [`CLIENTS_PER_SOURCE_ADDRESS`]
/// of `clients`.
pub(crate) fn default_source_addresses(clients: usize) -> usize {
    clients
        .div_ceil(CLIENTS_PER_SOURCE_ADDRESS)
        .clamp(1, MAX_SOURCE_ADDRESSES)
}

/// Source address number `index`: 127.0.1.1, 127.0.1.2, ... 127.0.1.254, 127.0.2.1, ...
/// (last bytes 0 and 255 are skipped, so no address looks like a network or a broadcast).
fn source_address(index: usize) -> Ipv4Addr {
    let block = index / 254 + 1;
    let [_, _, high, low] = u32::try_from(block).unwrap_or(u32::MAX).to_be_bytes();
    let host = u8::try_from(index % 254 + 1).unwrap_or(1);
    Ipv4Addr::new(127, high, low, host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(url: &str) -> Endpoint {
        Endpoint::parse(url).expect("a ws:// URL")
    }

    #[test]
    fn reads_urls() {
        let local = endpoint("ws://127.0.0.1:4000");
        assert_eq!((local.host.as_str(), local.port), ("127.0.0.1", 4000));
        assert!(local.is_loopback_v4());
        assert!(endpoint("ws://127.9.9.9:1/chat").is_loopback_v4());
        let named = endpoint("ws://localhost");
        assert_eq!((named.host.as_str(), named.port), ("localhost", 80));
        assert!(!named.is_loopback_v4());
        assert!(!endpoint("ws://[::1]:4000").is_loopback_v4());
        assert!(!endpoint("ws://10.0.0.1:4000").is_loopback_v4());
        for bad in [
            "wss://127.0.0.1:1",
            "http://127.0.0.1:1",
            "127.0.0.1:1",
            "ws://",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn source_addresses_skip_network_and_broadcast_looking_ones() {
        assert_eq!(source_address(0), Ipv4Addr::new(127, 0, 1, 1));
        assert_eq!(source_address(253), Ipv4Addr::new(127, 0, 1, 254));
        assert_eq!(source_address(254), Ipv4Addr::new(127, 0, 2, 1));
        assert_eq!(
            source_address(MAX_SOURCE_ADDRESSES - 1),
            Ipv4Addr::new(127, 1, 3, 4)
        );
        let all: std::collections::HashSet<_> =
            (0..MAX_SOURCE_ADDRESSES).map(source_address).collect();
        assert_eq!(all.len(), MAX_SOURCE_ADDRESSES);
        assert!(all.iter().all(Ipv4Addr::is_loopback));
    }

    #[test]
    fn default_keeps_every_address_at_most_100_clients() {
        assert_eq!(default_source_addresses(1), 1);
        assert_eq!(default_source_addresses(100), 1);
        assert_eq!(default_source_addresses(101), 2);
        assert_eq!(default_source_addresses(10_000), 100);
    }

    #[test]
    fn clients_go_round_robin_and_each_server_sees_every_address() {
        let plan = Plan::new(
            vec![endpoint("ws://127.0.0.1:1"), endpoint("ws://127.0.0.1:2")],
            3,
        );
        let dials: Vec<(u16, Option<Ipv4Addr>)> = (0..8)
            .map(|index| {
                let dial = plan.dial(index);
                (dial.endpoint.port, dial.source)
            })
            .collect();
        let address = |last| Some(Ipv4Addr::new(127, 0, 1, last));
        assert_eq!(
            dials,
            [
                (1, address(1)),
                (2, address(1)),
                (1, address(2)),
                (2, address(2)),
                (1, address(3)),
                (2, address(3)),
                (1, address(1)),
                (2, address(1)),
            ]
        );
    }

    #[test]
    fn one_address_or_a_named_host_binds_nothing() {
        let single = Plan::new(vec![endpoint("ws://127.0.0.1:1")], 1);
        assert_eq!(single.dial(5).source, None);
        let mixed = Plan::new(
            vec![endpoint("ws://127.0.0.1:1"), endpoint("ws://localhost:2")],
            4,
        );
        assert!(mixed.dial(0).source.is_some());
        assert_eq!(mixed.dial(1).source, None);
    }
}
