//! `Worker` (published as `worker`): `async fn` methods. Calls from one client start in
//! arrival order; `&self` calls run concurrently and may finish out of order; a `&mut self`
//! call holds the object, so later calls to it wait; signals emitted while a call runs
//! reach the client before its response.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use webchannel::Context;

/// Longest sleep a client may ask for: calls must end.
const MAX_SLEEP_MS: u64 = 10_000;

/// Records when calls start and finish.
#[derive(Default)]
pub(crate) struct Worker {
    /// Tags in the order their calls started (`&self` calls run side by side).
    started: Mutex<Vec<String>>,
    /// Tags of `exclusive` calls, in the order they ran.
    exclusive: Vec<String>,
}

fn sleep(millis: u64) -> tokio::time::Sleep {
    tokio::time::sleep(Duration::from_millis(millis.min(MAX_SLEEP_MS)))
}

#[webchannel::object]
impl Worker {
    /// Notes `tag` as started, waits `millis`, returns `tag`.
    pub async fn slow(&self, millis: u64, tag: String) -> String {
        self.started
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(tag.clone());
        sleep(millis).await;
        tag
    }

    /// The tags of `slow` calls in the order they started.
    pub fn started(&self) -> Vec<String> {
        self.started
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Holds the worker exclusively for `millis`, then records `tag`; returns every tag
    /// recorded so far.
    pub async fn exclusive(&mut self, millis: u64, tag: String) -> Vec<String> {
        sleep(millis).await;
        self.exclusive.push(tag);
        self.exclusive.clone()
    }

    /// Fails after `millis`.
    pub async fn fail_later(&self, millis: u64) -> Result<u64, String> {
        sleep(millis).await;
        Err(format!("gave up after {millis} ms"))
    }

    /// Emits `progress(1)`, waits, emits `progress(2)`, then returns `"done"`.
    pub async fn with_progress(&self, millis: u64, cx: &Context<Self>) -> &'static str {
        cx.progress(1);
        sleep(millis).await;
        cx.progress(2);
        "done"
    }

    #[webchannel(signal)]
    fn progress(step: u32);
}
