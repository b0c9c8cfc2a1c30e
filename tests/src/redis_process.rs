//! A Redis server for tests of instances that share one chat through it: Debian's
//! `redis-server`, installed on first use, on a free loopback port with a directory of its
//! own and no persistence, so a restart comes back empty as after a crash without
//! snapshots. It can be killed, stopped, paused and restarted on the same port, and is
//! never left running.
//!
//! On a machine run by systemd, installing the package also starts a system Redis on port
//! 6379; the tests never use that one (every `RedisProcess` has a port of its own).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::sync::OnceLock;
use std::time::Duration;

use crate::debian::{ensure_packages, package_file};
use crate::free_port::{Attempt, says_port_taken, start_on_a_free_port};
use crate::own_dir::OwnDir;
use crate::process::{Completed, NoLine, Process, run_to_completion};

/// The server's package; it brings `redis-tools` (`redis-cli`), listed too for clarity.
const PACKAGES: &[&str] = &["redis-server", "redis-tools"];
/// What Redis prints once it accepts connections.
const READY: &str = "Ready to accept connections";
/// How long Redis may take to start (it loads nothing: there is no persistence).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long Redis may take to exit after SIGTERM.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(15);
/// How long one `redis-cli` command may take.
const CLI_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the installed programs are.
struct Programs {
    server: PathBuf,
    cli: PathBuf,
}

/// Installs Redis if it is missing (checked once per process) and finds its programs.
fn programs() -> &'static Programs {
    static INSTALLED: OnceLock<Programs> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        ensure_packages(PACKAGES);
        Programs {
            server: package_file("redis-server", "/bin/redis-server"),
            cli: package_file("redis-tools", "/bin/redis-cli"),
        }
    })
}

/// A running (or deliberately stopped) Redis server. Dropping it kills the process and
/// removes its directory.
pub struct RedisProcess {
    // Declared before `dir`, so the server is gone before its directory is removed.
    process: Process,
    port: u16,
    dir: OwnDir,
}

impl RedisProcess {
    /// Installs Redis if needed and starts it on a free loopback port; returns once it
    /// accepts connections. Panics, with its output, if it does not start.
    pub fn start() -> Self {
        let programs = programs();
        let dir = OwnDir::create("redis");
        let (process, port) = start_on_a_free_port("redis-server", |port| {
            match launch(programs, port, dir.path()) {
                Launch::Ready(process) => Attempt::Started((process, port)),
                Launch::PortTaken(process) => Attempt::PortTaken(process),
            }
        });
        Self { process, port, dir }
    }

    /// `redis://127.0.0.1:PORT`, what `--redis` takes.
    pub fn url(&self) -> String {
        format!("redis://{}", self.address())
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    /// Its working directory (where a snapshot would go, if there were one).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The process id of the current server process (a restart changes it).
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// Everything the current server process has logged.
    pub fn log(&self) -> String {
        self.process.log()
    }

    /// Kills it with SIGKILL, as a crash would, and waits until it is gone.
    pub fn kill(&mut self) {
        self.process.kill();
    }

    /// Stops it with SIGTERM, as a service manager would, and returns its exit status;
    /// panics, with its output, if it is still running after the shutdown timeout.
    pub fn stop(&mut self) -> ExitStatus {
        if let Some(status) = self.process.exit_status() {
            return status;
        }
        self.process.signal("TERM");
        match self.process.wait_for_exit(SHUTDOWN_TIMEOUT) {
            Some(status) => status,
            None => self.process.fail(&format!(
                "was still running {SHUTDOWN_TIMEOUT:?} after SIGTERM"
            )),
        }
    }

    /// Freezes it with SIGSTOP, as a server that hangs: connections stay open and nothing
    /// is answered until [`resume`](Self::resume).
    pub fn pause(&mut self) {
        self.process.signal("STOP");
    }

    /// Lets a paused server go on (SIGCONT); it answers what it was sent meanwhile.
    pub fn resume(&mut self) {
        self.process.signal("CONT");
    }

    /// Starts it again on the same port and directory (stopping it first if it runs);
    /// returns once it accepts connections. Panics if the port has been taken meanwhile.
    pub fn restart(&mut self) {
        self.stop();
        self.process = match launch(programs(), self.port, self.dir.path()) {
            Launch::Ready(process) => process,
            Launch::PortTaken(mut process) => process.fail(&format!(
                "could not restart: port {} has been taken meanwhile",
                self.port
            )),
        };
    }

    /// The program and arguments that start it again on the same port and directory, for
    /// a test whose other processes (Node, say) kill and restart it themselves (Redis
    /// rewrites its `/proc/PID/cmdline`, so that cannot tell). Whoever starts it so must
    /// also stop it.
    pub fn command_line(&self) -> Vec<String> {
        let command = server_command(programs(), self.port, self.dir.path());
        std::iter::once(command.get_program())
            .chain(command.get_args())
            .map(|part| part.to_string_lossy().into_owned())
            .collect()
    }

    /// Runs `redis-cli` with `args` against it and returns what it printed, trimmed
    /// (nil prints as an empty string); panics if it fails.
    pub fn cli(&self, args: &[&str]) -> String {
        let completed = self.try_cli(args);
        assert!(
            completed.succeeded(),
            "redis-cli {} failed:\n{}",
            args.join(" "),
            completed.output
        );
        completed.output.trim().to_owned()
    }

    /// Runs `redis-cli` with `args` against it, failed or not.
    fn try_cli(&self, args: &[&str]) -> Completed {
        let mut command = Command::new(&programs().cli);
        command
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(args);
        run_to_completion(&mut command, CLI_TIMEOUT)
            .unwrap_or_else(|error| panic!("cannot run redis-cli: {error}"))
    }
}

/// What one start of `redis-server` came to.
enum Launch {
    Ready(Process),
    PortTaken(Process),
}

/// `redis-server` on `port` in `dir`, without persistence, in the foreground, logging to
/// stdout.
fn server_command(programs: &Programs, port: u16, dir: &Path) -> Command {
    let mut command = Command::new(&programs.server);
    command
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .arg("--dir")
        .arg(dir)
        .args(["--save", "", "--appendonly", "no"])
        .args(["--daemonize", "no", "--logfile", ""]);
    command
}

/// Starts [`server_command`]; waits until it is ready.
fn launch(programs: &Programs, port: u16, dir: &Path) -> Launch {
    let mut command = server_command(programs, port, dir);
    let mut process = Process::spawn(&format!("redis-server on port {port}"), &mut command);
    match process.wait_for(STARTUP_TIMEOUT, |line| line.text.contains(READY)) {
        Ok(_) => Launch::Ready(process),
        Err(NoLine::Closed) => {
            // Closed output means it has exited (or is about to): wait for the status,
            // which also completes its log.
            let _ = process.wait_for_exit(SHUTDOWN_TIMEOUT);
            if says_port_taken(&process) {
                Launch::PortTaken(process)
            } else {
                process.fail("exited before it was ready")
            }
        }
        Err(NoLine::TimedOut) => process.fail(&format!("was not ready within {STARTUP_TIMEOUT:?}")),
    }
}
