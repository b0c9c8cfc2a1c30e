//! Qt's example chat client and server and the QML runtime they need, from Debian's
//! packages: installed with apt-get when missing, then found where dpkg put them. Qt's files
//! are LGPL/BSD code that the repository must not carry, so they are installed, not vendored.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use super::process::Process;

/// The package holding Qt's chat examples (and Qt 5.15's `qwebchannel.js`).
const EXAMPLES_PACKAGE: &str = "qtwebchannel5-examples";
/// The package holding `qmlscene`, which runs the client.
const QMLSCENE_PACKAGE: &str = "qmlscene";

/// Everything the QML client test runs: the examples, `qmlscene`, every QML module the
/// client and its forms import (the packages do not depend on each other), and `ip` to
/// bring up the loopback interface of a private network namespace.
const PACKAGES: &[&str] = &[
    EXAMPLES_PACKAGE,
    QMLSCENE_PACKAGE,
    "qml-module-qtquick2",
    "qml-module-qtquick-window2",
    "qml-module-qtquick-dialogs",
    "qml-module-qtquick-controls",
    "qml-module-qtquick-controls2",
    "qml-module-qtquick-layouts",
    "qml-module-qt-websockets",
    "qml-module-qtwebchannel",
    "iproute2",
];

/// apt-get may download a few dozen megabytes; a hung one must still end.
const APT_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// How long to wait for another test process's apt-get before giving up.
const LOCK_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// Where the installed pieces are.
#[derive(Debug)]
pub(crate) struct QtExamples {
    /// Qt's QML chat client, `.../chatclient-qml/qmlchatclient.qml`.
    pub(crate) chat_client: PathBuf,
    /// Qt's own chat server, `.../chatserver-cpp/chatserver`.
    pub(crate) chat_server: PathBuf,
    /// Qt 5's `qmlscene` itself (not qtchooser's wrapper, which needs its own setup).
    pub(crate) qmlscene: PathBuf,
}

/// Installs whatever is missing (once per process; as root, or through passwordless `sudo`)
/// and returns where the pieces are. Panics with what to install by hand when it cannot.
pub(crate) fn ensure_qt_examples() -> &'static QtExamples {
    static INSTALLED: OnceLock<QtExamples> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let missing = missing_packages();
        if !missing.is_empty() {
            // webchannel-tests installs with the same lock, so two installers never overlap.
            let _lock = AptLock::acquire();
            let missing = missing_packages();
            if !missing.is_empty() {
                install(&missing);
            }
        }
        locate()
    })
}

/// Where the pieces are, according to dpkg.
fn locate() -> QtExamples {
    let examples = package_files(EXAMPLES_PACKAGE);
    let qmlscene = package_files(QMLSCENE_PACKAGE);
    QtExamples {
        chat_client: find_file(
            &examples,
            EXAMPLES_PACKAGE,
            "/webchannel/chatclient-qml/qmlchatclient.qml",
        ),
        chat_server: find_file(
            &examples,
            EXAMPLES_PACKAGE,
            "/webchannel/chatserver-cpp/chatserver",
        ),
        qmlscene: find_file(&qmlscene, QMLSCENE_PACKAGE, "/bin/qmlscene"),
    }
}

/// The packages of [`PACKAGES`] that dpkg does not list as installed.
fn missing_packages() -> Vec<&'static str> {
    let output = Command::new("dpkg-query")
        .args(["--show", "--showformat=${Package} ${db:Status-Abbrev}\\n"])
        .args(PACKAGES)
        .output()
        .unwrap_or_else(|error| {
            panic!(
                "cannot run dpkg-query ({error}): the QML client test needs Debian or Ubuntu, \
                 with these packages: {}",
                PACKAGES.join(" ")
            )
        });
    // dpkg-query exits with 1 when it knows nothing of a package; its stdout still lists the rest.
    let listed = String::from_utf8_lossy(&output.stdout).into_owned();
    PACKAGES
        .iter()
        .copied()
        .filter(|package| {
            !listed.lines().any(|line| {
                let mut fields = line.split_whitespace();
                fields.next() == Some(package) && fields.next() == Some("ii")
            })
        })
        .collect()
}

/// `apt-get install`s `packages`; runs `apt-get update` first only if that fails (a fresh
/// machine may have no package lists yet).
fn install(packages: &[&str]) {
    eprintln!(
        "qml_client: installing {} for Qt's QML chat client",
        packages.join(" ")
    );
    let mut install_args = vec![
        "install",
        "--yes",
        "--no-install-recommends",
        // Waits for a dpkg run outside these tests (unattended upgrades) instead of failing.
        "-o",
        "DPkg::Lock::Timeout=300",
    ];
    install_args.extend_from_slice(packages);
    let first = apt_get(&install_args);
    if first.succeeded {
        return;
    }
    eprintln!("qml_client: apt-get install failed; running apt-get update and retrying");
    let update = apt_get(&["update"]);
    let retry = apt_get(&install_args);
    if !retry.succeeded {
        panic!(
            "cannot install {} for the QML client test; install them yourself \
             (apt-get install {}).\n--- apt-get install ---\n{}\n--- apt-get update ---\n{}\n\
             --- apt-get install (again) ---\n{}",
            packages.join(" "),
            packages.join(" "),
            first.output,
            update.output,
            retry.output
        );
    }
}

/// What one apt-get run did.
struct AptRun {
    succeeded: bool,
    output: String,
}

/// Runs `apt-get <args>` non-interactively: directly as root, else with `sudo -n`.
fn apt_get(args: &[&str]) -> AptRun {
    let mut command = if is_root() {
        Command::new("apt-get")
    } else {
        let mut sudo = Command::new("sudo");
        sudo.args(["-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]);
        sudo
    };
    command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    let mut apt = Process::spawn("apt-get", &mut command);
    match apt.wait_for_exit(APT_TIMEOUT) {
        Some(status) => AptRun {
            succeeded: status.success(),
            output: apt.log(),
        },
        None => apt.fail(&format!("was still running after {APT_TIMEOUT:?}")),
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.trim_ascii() == b"0")
}

/// The paths dpkg lists for `package`.
fn package_files(package: &str) -> Vec<String> {
    let output = Command::new("dpkg-query")
        .args(["--listfiles", package])
        .output()
        .unwrap_or_else(|error| panic!("cannot run dpkg-query --listfiles {package}: {error}"));
    assert!(
        output.status.success(),
        "dpkg-query --listfiles {package} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The file among `files` (of `package`) whose path ends with `suffix`.
fn find_file(files: &[String], package: &str, suffix: &str) -> PathBuf {
    files
        .iter()
        .map(Path::new)
        .find(|path| path.to_string_lossy().ends_with(suffix) && path.is_file())
        .unwrap_or_else(|| panic!("{package} is installed but has no file ending in {suffix}"))
        .to_path_buf()
}

/// The lock that webchannel-tests' installer takes (`target/webchannel-tests/apt-get.lock`),
/// held across processes while apt-get runs. Released when dropped.
struct AptLock {
    // Closing the file releases the lock.
    _file: File,
}

impl AptLock {
    fn acquire() -> Self {
        let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .expect("CARGO_TARGET_TMPDIR is inside the target directory");
        let dir = target.join("webchannel-tests");
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|error| panic!("cannot create {}: {error}", dir.display()));
        let path = dir.join("apt-get.lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .unwrap_or_else(|error| panic!("cannot open {}: {error}", path.display()));
        let deadline = Instant::now() + LOCK_TIMEOUT;
        loop {
            match file.try_lock() {
                Ok(()) => return Self { _file: file },
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(100));
                }
                Err(TryLockError::WouldBlock) => {
                    panic!(
                        "another process held {} for over {LOCK_TIMEOUT:?}",
                        path.display()
                    )
                }
                Err(TryLockError::Error(error)) => {
                    panic!("cannot lock {}: {error}", path.display())
                }
            }
        }
    }
}
