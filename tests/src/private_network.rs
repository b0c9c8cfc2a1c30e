//! Running a test inside a private network namespace, where the fixed ports it uses belong
//! to that test alone (Qt's QML chat client, for one, only connects to `ws://localhost:12345`).
//!
//! The test binary runs itself again under `unshare`: the outer run (the ordinary `cargo
//! test` process) starts `unshare --net --pid --fork --kill-child <this binary> --exact
//! <test>` with `WEBCHANNEL_TESTS_PRIVATE_NETWORK` set; the inner run sees the variable, brings up the
//! loopback interface and runs the test's body. The namespace also has its own process IDs
//! with the inner run as its init, so when the inner run ends, whatever it started ends with
//! it, and when the outer run kills `unshare`, `--kill-child` takes the inner run down too.

use std::process::Command;
use std::time::Duration;

use crate::debian::ensure_packages;
use crate::process::Process;

/// Set, to the test's name, for the run inside the namespace.
const INSIDE_VARIABLE: &str = "WEBCHANNEL_TESTS_PRIVATE_NETWORK";
/// The package of `ip`, which brings up the namespace's loopback interface.
const IP_PACKAGE: &str = "iproute2";
/// What the inner run prints once the body has returned: proof that the body ran (a
/// renamed test would otherwise run nothing and pass).
const COMPLETED_MARKER: &str = "private-network body completed:";

/// How to get a network namespace: as root directly, else inside a new user namespace where
/// the current user is mapped to root.
const WAYS: &[(&str, &[&str])] = &[
    (
        "as the current user",
        &["--net", "--pid", "--fork", "--kill-child"],
    ),
    (
        "in a user namespace",
        &[
            "--map-root-user",
            "--net",
            "--pid",
            "--fork",
            "--kill-child",
        ],
    ),
];

/// Runs `body` in a private network namespace, as test `test_name` (the name `cargo test`
/// knows it by, which must be this test's own) of this binary, and fails the test if the
/// body fails or takes longer than `timeout`. Only the inner run, a process of its own,
/// calls `body`; its output is printed with the test's.
///
/// ```no_run
/// use std::time::Duration;
///
/// use webchannel_tests::private_network::run_in_private_network;
///
/// // The body of `#[test] fn listens_on_the_fixed_port()`:
/// run_in_private_network("listens_on_the_fixed_port", Duration::from_secs(30), || {
///     let _listener = std::net::TcpListener::bind("127.0.0.1:12345").expect("the port is ours");
/// });
/// ```
pub fn run_in_private_network(test_name: &str, timeout: Duration, body: impl FnOnce()) {
    match std::env::var(INSIDE_VARIABLE) {
        Ok(inside) if inside == test_name => {
            bring_up_loopback();
            body();
            println!("{COMPLETED_MARKER} {test_name}");
        }
        Ok(inside) => panic!("{INSIDE_VARIABLE} names {inside:?}, not this test ({test_name})"),
        Err(_) => run_inner(test_name, timeout),
    }
}

/// The outer run: starts this binary again, for `test_name` only, inside a new namespace.
fn run_inner(test_name: &str, timeout: Duration) {
    ensure_packages(&[IP_PACKAGE]);
    let unshare_args = unshare_args();
    let test_binary = std::env::current_exe().expect("the test binary knows its own path");
    let mut command = Command::new("unshare");
    command
        .args(unshare_args)
        .arg("--")
        .arg(&test_binary)
        .args(["--exact", test_name, "--nocapture", "--test-threads=1"])
        .env(INSIDE_VARIABLE, test_name);
    let mut inner = Process::spawn(&format!("{test_name} (in a private network)"), &mut command);
    match inner.wait_for_exit(timeout) {
        None => inner.fail(&format!("was still running after {timeout:?}")),
        Some(status) if !status.success() => inner.fail(&format!("failed ({status})")),
        Some(_)
            if !inner
                .log()
                .contains(&format!("{COMPLETED_MARKER} {test_name}\n")) =>
        {
            inner.fail("exited without running the test (is test_name the test's own name?)")
        }
        // Shown with `cargo test -- --nocapture`, and kept with the test's output otherwise.
        Some(_) => println!("{}", inner.log()),
    }
}

/// The first way of [`WAYS`] that works on this machine; panics, saying what is missing,
/// when none does. Never skips: a test that cannot run must not pass.
fn unshare_args() -> &'static [&'static str] {
    let mut failures = Vec::new();
    for (how, args) in WAYS {
        match Command::new("unshare").args(*args).arg("true").output() {
            Ok(output) if output.status.success() => return args,
            Ok(output) => failures.push(format!(
                "`unshare {} true` ({how}) failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            )),
            Err(error) => panic!(
                "cannot run unshare ({error}); a test that uses fixed ports needs it (util-linux) \
                 to get a network of its own"
            ),
        }
    }
    panic!(
        "this test cannot create a private network namespace, which it needs because its fixed \
         ports must not be shared (Qt's QML client only connects to ws://localhost:12345). Run \
         the tests as root (or with CAP_SYS_ADMIN), or allow unprivileged user namespaces \
         (sysctl kernel.unprivileged_userns_clone=1 and user.max_user_namespaces > 0; on \
         Ubuntu 24.04 and later also kernel.apparmor_restrict_unprivileged_userns=0).\n{}",
        failures.join("\n")
    );
}

/// A new network namespace has only a loopback interface, and it is down.
fn bring_up_loopback() {
    let output = Command::new("ip")
        .args(["link", "set", "lo", "up"])
        .output()
        .unwrap_or_else(|error| panic!("cannot run ip ({IP_PACKAGE}): {error}"));
    assert!(
        output.status.success(),
        "`ip link set lo up` failed in the private network namespace: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
