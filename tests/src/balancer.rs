//! A load balancer in front of several server instances, as a deployment would put one:
//! HAProxy from Debian's `haproxy` package (installed on first use), unprivileged, with a
//! configuration of its own on a free loopback port, sending each new connection to the
//! next instance in turn and keeping upgraded WebSockets open for an hour. Never left
//! running.
//!
//! HAProxy rather than nginx: installing Debian's nginx starts a system nginx on port 80
//! on machines with systemd (and fails to configure when 80 is taken), while the haproxy
//! package's own configuration listens nowhere.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use crate::debian::{ensure_packages, package_file};
use crate::free_port::{Attempt, says_port_taken, start_on_a_free_port};
use crate::listening::{Listening, wait_for_listener};
use crate::own_dir::OwnDir;
use crate::process::Process;

/// How long HAProxy may take to listen.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// Installs HAProxy if it is missing (checked once per process) and finds it.
fn haproxy() -> &'static PathBuf {
    static INSTALLED: OnceLock<PathBuf> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        ensure_packages(&["haproxy"]);
        package_file("haproxy", "/sbin/haproxy")
    })
}

/// A running balancer. Dropping it kills the process and removes its configuration.
pub struct Balancer {
    // Declared before `_dir`, so HAProxy is gone before its configuration is removed.
    process: Process,
    address: SocketAddr,
    _dir: OwnDir,
}

impl Balancer {
    /// Installs HAProxy if needed and starts it on a free loopback port, balancing
    /// round-robin over `backends`; returns once it accepts connections. Panics, with its
    /// output, if it does not start.
    pub fn haproxy(backends: &[SocketAddr]) -> Self {
        assert!(
            !backends.is_empty(),
            "a balancer needs at least one backend"
        );
        let program = haproxy();
        let dir = OwnDir::create("haproxy");
        let config_path = dir.path().join("haproxy.cfg");
        let (process, address) = start_on_a_free_port("haproxy", |port| {
            let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
            std::fs::write(&config_path, config(address, backends))
                .unwrap_or_else(|error| panic!("cannot write {}: {error}", config_path.display()));
            let mut command = Command::new(program);
            // -db: stay in the foreground, logging to stderr.
            command.arg("-f").arg(&config_path).arg("-db");
            let mut process = Process::spawn(&format!("haproxy on port {port}"), &mut command);
            match wait_for_listener(&mut process, address, STARTUP_TIMEOUT) {
                // Another process that took the port would answer too, while HAProxy fails.
                Listening::Yes if holds_listener(process.pid(), port) => {
                    Attempt::Started((process, address))
                }
                Listening::Yes => {
                    let _ = process.wait_for_exit(STARTUP_TIMEOUT);
                    if says_port_taken(&process) {
                        Attempt::PortTaken(process)
                    } else {
                        process.fail(&format!("does not hold the listener on {address}"))
                    }
                }
                Listening::Exited(_) if says_port_taken(&process) => Attempt::PortTaken(process),
                Listening::Exited(status) => {
                    process.fail(&format!("exited with {status} before listening"))
                }
                Listening::TimedOut => process.fail(&format!(
                    "accepted no connection on {address} within {STARTUP_TIMEOUT:?}"
                )),
            }
        });
        Self {
            process,
            address,
            _dir: dir,
        }
    }

    /// The address clients connect to.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `ws://127.0.0.1:PORT`, the one URL in front of every instance.
    pub fn url(&self) -> String {
        format!("ws://{}", self.address)
    }

    /// HAProxy's process id.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// Everything HAProxy has written (its warnings and alerts).
    pub fn log(&self) -> String {
        self.process.log()
    }
}

/// Whether process `pid` holds the socket listening on loopback `port`: the listener's
/// inode in `/proc/net/tcp` is one of the process's open sockets.
fn holds_listener(pid: u32, port: u16) -> bool {
    let Ok(table) = std::fs::read_to_string("/proc/net/tcp") else {
        return false;
    };
    let listener = table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let local_port = fields.get(1)?.rsplit(':').next()?;
        let listening =
            u16::from_str_radix(local_port, 16).ok()? == port && fields.get(3)? == &"0A";
        listening.then(|| format!("socket:[{}]", fields.get(9).copied().unwrap_or_default()))
    });
    let (Some(listener), Ok(fds)) = (listener, std::fs::read_dir(format!("/proc/{pid}/fd"))) else {
        return false;
    };
    fds.flatten()
        .filter_map(|fd| std::fs::read_link(fd.path()).ok())
        .any(|target| target.as_os_str() == listener.as_str())
}

/// HAProxy's configuration: HTTP mode, so a WebSocket upgrade passes and then becomes a
/// tunnel; long client, server and tunnel timeouts, so idle chat clients are not cut
/// (the chat's own keep-alive decides who is gone); no `maxconn`, so HAProxy derives it
/// from the open-file limit instead of failing to raise that limit.
fn config(listen: SocketAddr, backends: &[SocketAddr]) -> String {
    let mut config = format!(
        "defaults\n\
         \x20   mode http\n\
         \x20   timeout connect 2s\n\
         \x20   timeout client 1h\n\
         \x20   timeout server 1h\n\
         \x20   timeout tunnel 1h\n\
         \n\
         frontend chat\n\
         \x20   bind {listen}\n\
         \x20   default_backend instances\n\
         \n\
         backend instances\n\
         \x20   balance roundrobin\n"
    );
    for (number, backend) in backends.iter().enumerate() {
        // Writing to a String cannot fail.
        let _ = writeln!(config, "    server instance{number} {backend}");
    }
    config
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;

    use super::{config, holds_listener};

    #[test]
    fn finds_who_holds_a_listener() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("bound").port();
        assert!(holds_listener(std::process::id(), port));
        assert!(!holds_listener(1, port), "not init's");
        drop(listener);
        assert!(!holds_listener(std::process::id(), port), "closed");
    }

    #[test]
    fn one_server_line_per_backend_in_turn_with_long_tunnels() {
        let backends = [
            "127.0.0.1:4001".parse().expect("an address"),
            "127.0.0.1:4002".parse().expect("an address"),
        ];
        let text = config("127.0.0.1:4000".parse().expect("an address"), &backends);
        assert!(text.contains("    bind 127.0.0.1:4000\n"), "{text}");
        assert!(text.contains("    balance roundrobin\n"), "{text}");
        assert!(text.contains("    timeout tunnel 1h\n"), "{text}");
        assert!(text.ends_with(
            "    server instance0 127.0.0.1:4001\n    server instance1 127.0.0.1:4002\n"
        ));
        assert!(!text.contains("maxconn"), "{text}");
    }
}
