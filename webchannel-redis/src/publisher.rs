//! The publisher: one task per node that sends the queued frames as batches, one
//! publish in flight at a time. Frames queued while a publish is in flight go out
//! together in the next one, so order is kept without further care and Redis wakes once
//! per batch, not per frame; the wait this adds is one round trip at most.
//!
//! A batch has a deadline on Redis's clock, and Redis publishes it only before then
//! (`lua/publish.lua`): its sender stops waiting at the deadline and tells the callers
//! their frames were not sent, so a batch that reaches Redis later (Redis hung, or the
//! connection was slow) must reach nobody. Deciding this in Redis rather than at the
//! receivers means a receiver that is itself slow to read never drops a batch whose
//! sender was told it went out.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use bytes::Bytes;
use redis::Script;
use tokio::sync::mpsc;
use webchannel::cluster::{Acknowledge, BrokerError};

use crate::batch;
use crate::shared::{Shared, within};

/// A frame waiting to be published.
pub(crate) struct Outgoing {
    pub(crate) channel: Arc<str>,
    pub(crate) frame: Bytes,
    pub(crate) done: Acknowledge,
}

/// Frames taken from the queue at once.
const QUEUE_TAKE: usize = 1024;
/// Bytes of frames one batch carries at most (a frame larger than that goes alone).
const BATCH_BYTES: usize = 1 << 20;
/// How much longer than its deadline a publish is waited for: this node's estimate of
/// Redis's clock may be off by this much, and an answer that is still on its way may
/// say the batch went out.
const CLOCK_MARGIN: Duration = Duration::from_millis(100);

/// Publishes a batch unless its deadline has passed.
static PUBLISH: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("lua/publish.lua")));

/// Publishes what `outbox` brings, for as long as the node exists.
pub(crate) async fn publish(shared: Arc<Shared>, mut outbox: mpsc::UnboundedReceiver<Outgoing>) {
    let mut queued = Vec::with_capacity(QUEUE_TAKE);
    let mut connection = shared.connection.clone();
    while outbox.recv_many(&mut queued, QUEUE_TAKE).await > 0 {
        let mut queued = queued.drain(..).peekable();
        while let Some(first) = queued.next() {
            if !shared.link.is_up() {
                // Fail fast: nothing waits for a link that is down.
                for outgoing in std::iter::once(first).chain(queued.by_ref()) {
                    shared.link.refuse();
                    (outgoing.done)(Err(BrokerError::Down));
                }
                break;
            }
            let mut size = first.frame.len();
            let mut batch = vec![first];
            while let Some(next) = queued.next_if(|next| {
                next.channel == batch[0].channel && size + next.frame.len() <= BATCH_BYTES
            }) {
                size += next.frame.len();
                batch.push(next);
            }
            let payload = batch::encode(shared.node, batch.iter().map(|outgoing| &outgoing.frame));
            let channel = Arc::clone(&batch[0].channel);
            let taken = send(&shared, &mut connection, &channel, payload).await;
            for outgoing in batch {
                (outgoing.done)(taken.clone());
            }
        }
    }
}

/// Publishes `payload` on `channel` if Redis gets it within the call timeout; waits for
/// the answer a little longer than that.
async fn send(
    shared: &Shared,
    connection: &mut redis::aio::ConnectionManager,
    channel: &str,
    payload: Bytes,
) -> Result<(), BrokerError> {
    let timeout = shared.config.call_timeout;
    let deadline_ms = shared
        .clock
        .now_ms()
        .saturating_add(i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX));
    let mut invocation = PUBLISH.prepare_invoke();
    invocation
        .arg(channel)
        .arg(deadline_ms)
        .arg(payload.as_ref());
    let receivers = within(
        timeout + CLOCK_MARGIN,
        invocation.invoke_async::<i64>(connection),
    )
    .await?;
    if receivers < 0 {
        Err(BrokerError::TimedOut)
    } else {
        Ok(())
    }
}
