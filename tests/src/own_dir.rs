//! A directory of one child process's own (a Redis server's data, a balancer's
//! configuration) under the build's target directory, removed when dropped: nothing a
//! test leaves behind lands outside the checkout, and two tests never share one.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::layout::scratch_dir;

/// A fresh, empty directory, removed with everything in it when dropped.
#[derive(Debug)]
pub(crate) struct OwnDir {
    path: PathBuf,
}

impl OwnDir {
    /// Creates `target/webchannel-tests/tmp/<label>-<process id>-<n>`; panics if it cannot.
    pub(crate) fn create(label: &str) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let number = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = scratch_dir()
            .join("tmp")
            .join(format!("{label}-{}-{number}", std::process::id()));
        // Left over from a process of the same id that was killed before cleaning up.
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|error| panic!("cannot create {}: {error}", path.display()));
        Self { path }
    }

    /// Where it is.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for OwnDir {
    fn drop(&mut self) {
        // A directory left behind under target/ harms nothing.
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::OwnDir;

    #[test]
    fn each_is_new_and_goes_away_when_dropped() {
        let first = OwnDir::create("example");
        let second = OwnDir::create("example");
        assert_ne!(first.path(), second.path());
        std::fs::write(first.path().join("file"), "x").expect("writable");
        let path = first.path().to_path_buf();
        drop(first);
        assert!(!path.exists());
        assert!(second.path().is_dir());
    }
}
