//! Qt 5.15's copy of `qwebchannel.js`, which Debian ships in `qtwebchannel5-examples`.
//! It is LGPL code that the repository must not carry, so it is installed, not vendored.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::child::{Completed, run_to_completion};
use crate::exclusive::ExclusiveLock;

/// Where `qtwebchannel5-examples` puts the file on x86-64 Debian and Ubuntu.
const DEFAULT_PATH: &str =
    "/usr/lib/x86_64-linux-gnu/qt5/examples/webchannel/shared/qwebchannel.js";
/// The environment variable that points elsewhere (another architecture, a Qt build).
const PATH_VARIABLE: &str = "QT515_QWEBCHANNEL_JS";
const PACKAGE: &str = "qtwebchannel5-examples";
const APT_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// The path of Qt 5.15's `qwebchannel.js`: `$QT515_QWEBCHANNEL_JS`, or Debian's location,
/// installing `qtwebchannel5-examples` with apt-get (as root, or through passwordless
/// `sudo`) when it is not there yet.
pub fn qt515_qwebchannel_js() -> PathBuf {
    if let Some(path) = std::env::var_os(PATH_VARIABLE) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "{PATH_VARIABLE} is set to {}, which is not a file",
            path.display()
        );
        return path;
    }
    let path = PathBuf::from(DEFAULT_PATH);
    if path.is_file() {
        return path;
    }
    let _installing = ExclusiveLock::acquire("apt-get");
    // Another test process may have installed it while this one waited for the lock.
    if !path.is_file() {
        install_package();
    }
    assert!(
        path.is_file(),
        "{PACKAGE} is installed but {} is not there; set {PATH_VARIABLE} to Qt 5.15's qwebchannel.js",
        path.display()
    );
    path
}

fn install_package() {
    eprintln!("webchannel-tests: installing {PACKAGE} for Qt 5.15's qwebchannel.js");
    let install = apt_get(&["install", "-y", "--no-install-recommends", PACKAGE]);
    if install.succeeded() {
        return;
    }
    // A fresh machine may not have package lists yet.
    eprintln!("webchannel-tests: apt-get install failed; running apt-get update and retrying");
    let update = apt_get(&["update"]);
    let retry = apt_get(&["install", "-y", "--no-install-recommends", PACKAGE]);
    if !retry.succeeded() {
        panic!(
            "cannot install {PACKAGE}, which provides Qt 5.15's qwebchannel.js for the real-client \
             tests. Install it yourself (apt-get install {PACKAGE}), or set {PATH_VARIABLE} to a \
             copy of the file.\n--- apt-get install ---\n{}\n--- apt-get update ---\n{}\n--- apt-get install (again) ---\n{}",
            install.output, update.output, retry.output
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
    run_to_completion(&mut command, APT_TIMEOUT).unwrap_or_else(|error| {
        panic!(
            "cannot run apt-get to install {PACKAGE} ({error}); install it yourself or set \
             {PATH_VARIABLE} to Qt 5.15's qwebchannel.js"
        )
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.trim_ascii() == b"0")
}
