//! Clients from several addresses on one machine: a TCP connection bound to a loopback
//! source address of its choice (127.0.0.2, 127.0.0.3, ...; Linux routes all of
//! 127.0.0.0/8 to the loopback), so that a server sees clients of different addresses, as
//! it would clients on different machines.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::net::{TcpSocket, TcpStream};

use crate::http::address_of;

/// How long connecting may take: the server is on this machine.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects to the server of `url` (`ws://ADDR/...` or `ADDR`, an IPv4 address and port)
/// from the loopback address `source`. Panics if that fails.
pub async fn tcp_from(url: &str, source: Ipv4Addr) -> TcpStream {
    let address = address_of(url);
    let server: SocketAddr = address
        .parse()
        .unwrap_or_else(|_| panic!("{address} is not an address and port"));
    let socket = TcpSocket::new_v4().expect("a socket");
    socket
        .bind(SocketAddr::new(source.into(), 0))
        .unwrap_or_else(|error| panic!("cannot bind to {source}: {error}"));
    tokio::time::timeout(CONNECT_TIMEOUT, socket.connect(server))
        .await
        .unwrap_or_else(|_| panic!("{server} accepts no connection in time"))
        .unwrap_or_else(|error| panic!("{server} accepts no connection: {error}"))
}
