//! The publisher: one task per node that sends the queued frames as batches, one
//! `PUBLISH` in flight at a time. Frames queued while a publish is in flight go out
//! together in the next one, so order is kept without further care and Redis wakes once
//! per batch, not per frame; the wait this adds is one round trip at most.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use redis::AsyncCommands;
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
/// How much longer than its frames' deadline a publish is waited for, so that no
/// receiver (whose estimate of Redis's clock may be off by this much) still delivers a
/// frame after its sender was told it failed.
const CLOCK_MARGIN: Duration = Duration::from_millis(100);

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
            let (channel, payload) = encode(&shared, &batch);
            let taken = send(&shared, &mut connection, &channel, payload).await;
            for outgoing in batch {
                (outgoing.done)(taken.clone());
            }
        }
    }
}

/// The channel and payload of `batch`, whose frames expire after the call timeout.
fn encode(shared: &Shared, batch: &[Outgoing]) -> (Arc<str>, Bytes) {
    let expires_ms = shared
        .clock
        .now_ms()
        .saturating_add(i64::try_from(shared.config.call_timeout.as_millis()).unwrap_or(i64::MAX));
    let payload = batch::encode(
        shared.node,
        expires_ms,
        batch.iter().map(|outgoing| &outgoing.frame),
    );
    (Arc::clone(&batch[0].channel), payload)
}

/// One `PUBLISH`, waited for a little longer than its frames' deadline.
async fn send(
    shared: &Shared,
    connection: &mut redis::aio::ConnectionManager,
    channel: &str,
    payload: Bytes,
) -> Result<(), BrokerError> {
    within(
        shared.config.call_timeout + CLOCK_MARGIN,
        connection.publish::<_, _, i64>(channel, payload.as_ref()),
    )
    .await
    .map(|_receivers| ())
}
