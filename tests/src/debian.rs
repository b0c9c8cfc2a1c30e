//! Debian (and Ubuntu) packages that tests need: installed with apt-get on first use, then
//! found where dpkg put them. This is how the tests get third-party programs and files that
//! the repository must not carry (Qt's LGPL/BSD examples, browsers), from a fresh clone.
//!
//! ```no_run
//! use webchannel_tests::debian;
//!
//! debian::ensure_packages(&["qmlscene", "qml-module-qtquick2"]);
//! let qmlscene = debian::package_file("qmlscene", "/bin/qmlscene");
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::exclusive::ExclusiveLock;
use crate::process::{Completed, run_to_completion};

/// apt-get may download a few dozen megabytes; a hung one must still end.
const APT_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// The cross-process lock every installer in these tests takes.
const APT_LOCK: &str = "apt-get";

/// Makes sure every one of `packages` is installed, installing the missing ones with one
/// `apt-get install --no-install-recommends` (as root, or through passwordless `sudo -n`;
/// after `apt-get update` if the first attempt fails, as on a machine without package lists).
///
/// Safe to call from many tests and processes at once: installs are serialized across
/// processes by a lock under `target/`, and a package another process installed meanwhile
/// is not installed again. When everything is installed already, this only asks dpkg.
///
/// Panics, saying what to install by hand, when dpkg-query cannot run (not Debian or
/// Ubuntu) or the installation fails: a test that lacks what it needs must fail, not skip.
pub fn ensure_packages(packages: &[&str]) {
    if missing(packages).is_empty() {
        return;
    }
    let _installing = ExclusiveLock::acquire(APT_LOCK);
    // Another test process may have installed them while this one waited for the lock.
    let missing = missing(packages);
    if !missing.is_empty() {
        install(&missing);
    }
}

/// The installed file of `package` whose path ends with `suffix` (such as `/bin/qmlscene`),
/// as `dpkg-query --listfiles` lists it. Panics if `package` is not installed or has no such
/// file.
pub fn package_file(package: &str, suffix: &str) -> PathBuf {
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
        .map(Path::new)
        .find(|path| path.to_string_lossy().ends_with(suffix) && path.is_file())
        .unwrap_or_else(|| panic!("{package} is installed but has no file ending in {suffix}"))
        .to_path_buf()
}

/// The packages of `packages` that dpkg does not list as installed.
fn missing<'a>(packages: &[&'a str]) -> Vec<&'a str> {
    let output = Command::new("dpkg-query")
        .args(["--show", "--showformat=${Package} ${db:Status-Abbrev}\\n"])
        .args(packages)
        .output()
        .unwrap_or_else(|error| {
            panic!(
                "cannot run dpkg-query ({error}): these tests need Debian or Ubuntu, with these \
                 packages: {}",
                packages.join(" ")
            )
        });
    // dpkg-query exits with 1 when it knows nothing of a package; its stdout still lists the rest.
    let listed = String::from_utf8_lossy(&output.stdout);
    packages
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
    let names = packages.join(" ");
    eprintln!("webchannel-tests: installing {names}");
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
    if first.succeeded() {
        return;
    }
    eprintln!("webchannel-tests: apt-get install failed; running apt-get update and retrying");
    let update = apt_get(&["update"]);
    let retry = apt_get(&install_args);
    if !retry.succeeded() {
        panic!(
            "cannot install {names}; install them yourself (apt-get install {names}).\n\
             --- apt-get install ---\n{}\n--- apt-get update ---\n{}\n\
             --- apt-get install (again) ---\n{}",
            first.output, update.output, retry.output
        );
    }
}

/// Runs `apt-get <args>` non-interactively: directly as root, else with `sudo -n`.
fn apt_get(args: &[&str]) -> Completed {
    let mut command = if is_root() {
        Command::new("apt-get")
    } else {
        let mut sudo = Command::new("sudo");
        sudo.args(["-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]);
        sudo
    };
    command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    let args = args.join(" ");
    let completed = run_to_completion(&mut command, APT_TIMEOUT)
        .unwrap_or_else(|error| panic!("cannot run apt-get {args} ({error})"));
    if completed.status.is_none() {
        panic!(
            "apt-get {args} was still running after {APT_TIMEOUT:?}:\n{}",
            completed.output
        );
    }
    completed
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.trim_ascii() == b"0")
}
