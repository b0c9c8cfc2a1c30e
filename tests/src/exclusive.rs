//! A lock held across test processes, so that two of them never run the same installer at once
//! (`cargo test` runs test binaries one after another but the tests inside one in parallel,
//! and a developer may run two `cargo test`s).

use std::fs::{File, OpenOptions, TryLockError};
use std::thread;
use std::time::{Duration, Instant};

use crate::layout::scratch_dir;

/// How long to wait for another process's install before giving up.
const LOCK_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// How often to retry while another process holds the lock (flock has no timed wait).
const RETRY_EVERY: Duration = Duration::from_millis(100);

/// An exclusive lock on `target/webchannel-tests/<name>.lock`, released when dropped.
pub(crate) struct ExclusiveLock {
    // Closing the file releases the lock.
    _file: File,
}

impl ExclusiveLock {
    /// Blocks (bounded) until this process holds the lock called `name`.
    pub(crate) fn acquire(name: &str) -> Self {
        let path = scratch_dir().join(format!("{name}.lock"));
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .unwrap_or_else(|error| panic!("cannot open lock file {}: {error}", path.display()));
        let deadline = Instant::now() + LOCK_TIMEOUT;
        loop {
            match file.try_lock() {
                Ok(()) => return Self { _file: file },
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    thread::sleep(RETRY_EVERY);
                }
                Err(TryLockError::WouldBlock) => panic!(
                    "another process held {} for over {LOCK_TIMEOUT:?}",
                    path.display()
                ),
                Err(TryLockError::Error(error)) => {
                    panic!("cannot lock {}: {error}", path.display())
                }
            }
        }
    }
}
