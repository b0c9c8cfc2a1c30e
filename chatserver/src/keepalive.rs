//! The keep-alive timer: every `interval` the server asks clients to answer, and `grace`
//! later drops the users that did not.

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior, interval_at, sleep};
use webchannel::Handle;

use crate::ChatServer;

/// Timing of the keep-alive check. Qt's example uses 10 s and 2 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeepAlive {
    /// Time between two `keepAlive` signals.
    pub interval: Duration,
    /// How long after a `keepAlive` users have to answer.
    pub grace: Duration,
}

impl Default for KeepAlive {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(10),
            grace: Duration::from_secs(2),
        }
    }
}

impl KeepAlive {
    /// Runs the keep-alive rounds for `chat` until the task is dropped.
    pub async fn run(self, chat: Handle<ChatServer>) {
        let mut ticks = interval_at(Instant::now() + self.interval, self.interval);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            chat.read().await.begin_keep_alive_round();
            chat.keep_alive();
            sleep(self.grace).await;
            let dropped = chat.read().await.end_keep_alive_round();
            if !dropped.is_empty() {
                tracing::info!(users = ?dropped, "dropped users that did not answer the keep-alive");
                chat.users_changed();
            }
        }
    }
}
