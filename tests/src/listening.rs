//! Waiting for a server that prints nothing when it is ready (Qt's ChatServer, for one)
//! until its port accepts connections.

use std::net::{SocketAddr, TcpStream};
use std::process::ExitStatus;
use std::thread;
use std::time::{Duration, Instant};

use crate::process::Process;

/// How long one connection attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(200);
/// The pause between two attempts.
const RETRY_EVERY: Duration = Duration::from_millis(20);

/// Waits until `address` accepts a TCP connection; fails the test, with the server's
/// output, if `server` exits first or `timeout` passes.
pub fn wait_until_listening(server: &mut Process, address: SocketAddr, timeout: Duration) {
    match wait_for_listener(server, address, timeout) {
        Listening::Yes => {}
        Listening::Exited(status) => server.fail(&format!(
            "exited with {status} before accepting connections"
        )),
        Listening::TimedOut => server.fail(&format!(
            "accepted no connection on {address} within {timeout:?}"
        )),
    }
}

/// How a wait for a server to listen ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Listening {
    /// Its port accepts connections.
    Yes,
    /// It exited first.
    Exited(ExitStatus),
    /// The time ran out.
    TimedOut,
}

/// Waits until `address` accepts a TCP connection, `server` exits, or `timeout` passes.
pub(crate) fn wait_for_listener(
    server: &mut Process,
    address: SocketAddr,
    timeout: Duration,
) -> Listening {
    let deadline = Instant::now() + timeout;
    while TcpStream::connect_timeout(&address, ATTEMPT_TIMEOUT).is_err() {
        if let Some(status) = server.exit_status() {
            return Listening::Exited(status);
        }
        if Instant::now() >= deadline {
            return Listening::TimedOut;
        }
        thread::sleep(RETRY_EVERY);
    }
    Listening::Yes
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::process::Command;
    use std::time::Duration;

    use super::wait_until_listening;
    use crate::process::Process;

    #[test]
    fn returns_once_the_port_accepts() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let address = listener.local_addr().expect("a bound address");
        let mut server = Process::spawn("sleep", Command::new("sleep").arg("5"));
        wait_until_listening(&mut server, address, Duration::from_secs(5));
    }

    #[test]
    #[should_panic(expected = "before accepting connections")]
    fn fails_when_the_server_exits_first() {
        // Bound and dropped at once: nothing listens there any more.
        let address = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port");
        let mut server = Process::spawn("sh", Command::new("sh").args(["-c", "exit 3"]));
        wait_until_listening(&mut server, address, Duration::from_secs(5));
    }
}
