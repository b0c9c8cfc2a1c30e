//! `Worker` (published as `worker`): `async fn` methods that wait at gates the suite opens
//! (see `Gates`). Calls from one client start in arrival order; `&self` calls run side by
//! side and finish in whatever order their gates open; a `&mut self` call holds the object,
//! so later calls to it wait; signals emitted while a call runs reach the client before
//! its response.

use std::sync::{Arc, Mutex, PoisonError};

use webchannel::Context;

use super::gates::Gates;

/// Records when calls start and finish.
pub(crate) struct Worker {
    gates: Arc<Gates>,
    /// Tags in the order their `wait` calls started.
    started: Mutex<Vec<String>>,
    /// Tags of `hold` calls, in the order they finished.
    held: Vec<String>,
}

impl Worker {
    pub(crate) fn new(gates: Arc<Gates>) -> Self {
        Self {
            gates,
            started: Mutex::default(),
            held: Vec::new(),
        }
    }
}

#[webchannel::object]
impl Worker {
    /// Notes `tag` as started, waits at gate `tag` holding the worker shared, returns `tag`.
    pub async fn wait(&self, tag: String) -> Result<String, String> {
        self.started
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(tag.clone());
        self.gates.pass(&tag).await?;
        Ok(tag)
    }

    /// The tags of `wait` calls in the order they started.
    pub fn started(&self) -> Vec<String> {
        self.started
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits at gate `tag` holding the worker exclusively, then records `tag`; returns
    /// every tag recorded so far.
    pub async fn hold(&mut self, tag: String) -> Result<Vec<String>, String> {
        self.gates.pass(&tag).await?;
        self.held.push(tag);
        Ok(self.held.clone())
    }

    /// Fails once the runtime has polled it twice.
    pub async fn fail_later(&self, reason: String) -> Result<u64, String> {
        tokio::task::yield_now().await;
        Err(format!("failed later: {reason}"))
    }

    /// Emits `progress(1)`, lets other tasks run, emits `progress(2)`, returns `"done"`.
    pub async fn with_progress(&self, cx: &Context<Self>) -> &'static str {
        cx.progress(1);
        tokio::task::yield_now().await;
        cx.progress(2);
        "done"
    }

    #[webchannel(signal)]
    fn progress(step: u32);
}
