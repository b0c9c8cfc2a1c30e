//! The heartbeat: one task per node that asks Redis for its `TIME` every heartbeat
//! interval. An answer keeps (or brings) the link up and measures Redis's clock; no
//! answer within the call timeout takes the link down. While up, it also subscribes the
//! connection to every channel a listener waits on, and unsubscribes it from those
//! nobody does any more.

use std::collections::HashSet;
use std::sync::Arc;

use tokio::time::MissedTickBehavior;

use crate::clock::local_ms;
use crate::shared::{Shared, within};

/// Beats for as long as the node exists.
pub(crate) async fn beat(shared: Arc<Shared>) {
    let mut ticks = tokio::time::interval(shared.config.heartbeat);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut connection = shared.connection.clone();
    // The channels this connection is subscribed to, as far as this task knows.
    let mut subscribed: HashSet<String> = HashSet::new();
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            () = shared.resubscribe.notified() => {}
        }
        let sent_ms = local_ms();
        let time = within(
            shared.config.call_timeout,
            redis::cmd("TIME").query_async::<(i64, i64)>(&mut connection),
        )
        .await;
        match time {
            Ok((seconds, micros)) => {
                shared
                    .clock
                    .measured(seconds * 1000 + micros / 1000, sent_ms, local_ms());
                if shared.link.set_up() {
                    // A new connection: subscribe to everything again, whatever the
                    // connection restored by itself.
                    subscribed.clear();
                }
                subscribe(&shared, &mut connection, &mut subscribed).await;
            }
            Err(error) => {
                shared.link.set_down(error);
            }
        }
    }
}

/// Brings the connection's subscriptions in line with the listeners.
async fn subscribe(
    shared: &Shared,
    connection: &mut redis::aio::ConnectionManager,
    subscribed: &mut HashSet<String>,
) {
    let wanted_generation = *shared.channels_wanted.borrow();
    let wanted = shared.pushes.channels();
    let new: Vec<String> = wanted.difference(subscribed).cloned().collect();
    let gone: Vec<String> = subscribed.difference(&wanted).cloned().collect();
    let timeout = shared.config.call_timeout;
    if !new.is_empty() {
        match within(timeout, connection.subscribe(&new)).await {
            Ok(()) => subscribed.extend(new),
            Err(error) => {
                tracing::debug!(%error, "subscribing failed; the next heartbeat tries again");
                return;
            }
        }
    }
    if !gone.is_empty() && within(timeout, connection.unsubscribe(&gone)).await.is_ok() {
        for channel in &gone {
            subscribed.remove(channel);
        }
    }
    shared.channels_subscribed.send_replace(wanted_generation);
}
