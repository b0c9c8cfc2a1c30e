//! Starting a program that must be told which port to listen on (Redis, HAProxy), unlike
//! our servers, which take port 0 and print the one they got: a port is picked free, and
//! if another process takes it before the program binds it, the start is tried again on
//! another.

use std::net::TcpListener;

use crate::process::Process;

/// How many ports to try before giving up.
const ATTEMPTS: usize = 5;

/// What one attempt to start on a port came to.
pub(crate) enum Attempt<T> {
    /// The program runs and listens.
    Started(T),
    /// The program reported the port taken (and exited); its output, for the message if
    /// every attempt ends so.
    PortTaken(Process),
}

/// A loopback port that was free a moment ago.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .unwrap_or_else(|error| panic!("no free loopback port: {error}"))
}

/// Calls `start` with free ports until it starts; panics, with the last attempt's output,
/// if the port was taken every time.
pub(crate) fn start_on_a_free_port<T>(what: &str, mut start: impl FnMut(u16) -> Attempt<T>) -> T {
    let mut last = None;
    for _ in 0..ATTEMPTS {
        match start(free_port()) {
            Attempt::Started(started) => return started,
            Attempt::PortTaken(process) => last = Some(process),
        }
    }
    let log = last.map(|process| process.log()).unwrap_or_default();
    panic!("{what} found its port taken {ATTEMPTS} times in a row; its last output:\n{log}")
}

/// Whether a program's output says that its port was taken.
pub(crate) fn says_port_taken(process: &Process) -> bool {
    process.log().contains("Address already in use")
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;

    #[test]
    fn tries_again_on_another_port_when_one_is_taken() {
        let mut ports = Vec::new();
        let started = start_on_a_free_port("a test", |port| {
            ports.push(port);
            if ports.len() < 3 {
                let process = Process::spawn(
                    "taken",
                    Command::new("sh").args(["-c", "echo 'bind: Address already in use'"]),
                );
                Attempt::PortTaken(process)
            } else {
                Attempt::Started(port)
            }
        });
        assert_eq!(ports.len(), 3);
        assert_eq!(Some(&started), ports.last());
    }

    #[test]
    #[should_panic(expected = "found its port taken 5 times")]
    fn gives_up_after_a_few_ports() {
        start_on_a_free_port("a test", |_| -> Attempt<()> {
            Attempt::PortTaken(Process::spawn("taken", &mut Command::new("true")))
        });
    }
}
