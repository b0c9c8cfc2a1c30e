//! One upgraded connection: a session runs on it through the task driver (frames read
//! become inbound messages, outbound ones are written), then the connection is closed
//! properly, with the close code that says why.

use std::pin::Pin;
use std::time::Duration;

use futures_util::{Stream, stream};
use http::Extensions;
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::{Instant, timeout, timeout_at};

use crate::channel::Channel;
use crate::driver::task::Inbound;
use crate::limits::inbound::ByteBudget;
use crate::protocol::close::CloseReason;

use super::reader::{FrameReader, ReadError, Received};
use super::throttled::Throttled;
use super::writer::{FrameWriter, Replies};

/// How long the server reads on after sending its Close frame, for the client's answer.
const CLOSE_DRAIN: Duration = Duration::from_secs(1);

/// What a WebSocket client's task runs: waits for the upgrade to complete, then serves
/// the connection.
#[expect(
    clippy::manual_async_fn,
    reason = "an async fn would keep its arguments twice in the future"
)]
pub(super) fn serve_upgrade(
    channel: Channel,
    on_upgrade: OnUpgrade,
    extensions: Extensions,
) -> impl Future<Output = ()> + Send {
    async move {
        // Taken out of the `Result` in a statement of its own: matched in place, the
        // `Result` would keep its place in the task for as long as the client stays.
        let upgraded = match on_upgrade.await {
            Ok(upgraded) => upgraded,
            Err(error) => {
                tracing::debug!(%error, "the WebSocket upgrade did not complete");
                return;
            }
        };
        serve_connection(channel, TokioIo::new(upgraded), extensions).await;
    }
}

/// Runs a session on an upgraded connection, opened with the upgrade request's
/// `extensions`, then closes it properly.
///
/// Not an `async fn`: the reader and writer are set up before the future is made, so that
/// it does not keep the stream they were split from, or a second copy of its arguments,
/// for as long as the client stays.
fn serve_connection<Io>(
    channel: Channel,
    io: Io,
    extensions: Extensions,
) -> impl Future<Output = ()> + Send
where
    Io: AsyncRead + AsyncWrite + Send + 'static,
{
    // What this connection needs of the configuration; not a copy of all of it (every
    // byte of this future is kept for every client).
    let (read_buffer, max_message, max_fragments, patience, first_message_timeout, budget) = {
        let config = channel.config();
        (
            config.websocket_read_buffer,
            config.max_message_size,
            config.max_message_fragments,
            config.write_timeout,
            config.first_message_timeout,
            config
                .inbound_byte_rate
                .map(|rate| ByteBudget::new(rate, config.max_message_size)),
        )
    };
    let (read, write) = tokio::io::split(io);
    let replies = Replies::default();
    let mut reader = FrameReader::new(
        Throttled::new(read, budget),
        read_buffer,
        max_message,
        max_fragments,
    );
    let mut writer = FrameWriter::new(write, replies.clone());
    // Until the first text message; a client that holds a connection without saying
    // anything must not keep its place for ever (pings are answered by any WebSocket
    // library, so they do not count).
    let first_message_by =
        (!first_message_timeout.is_zero()).then(|| Instant::now() + first_message_timeout);
    async move {
        let incoming = inbound(&mut reader, replies, first_message_by);
        let reason = channel
            .session_loop(extensions, incoming, &mut writer)
            .await;
        let server_closes = reason.close_code();
        if let Some(code) = server_closes {
            writer.close_with(code, reason.as_str());
        }
        // Sends the Close frame, or the reply to the client's. A client that does not read
        // cannot hold the session's end up (`patience`); one that is gone needs nothing more.
        let _ = timeout(patience, writer.shut()).await;
        if server_closes.is_some() {
            // Closing a socket with unread data in it resets the connection, and the client
            // may lose the Close frame with it; so read on until the client answers.
            let answered = async {
                loop {
                    match reader.next().await {
                        Ok(Received::Close(_)) | Err(_) => break,
                        Ok(_) => {}
                    }
                }
            };
            let _ = timeout(CLOSE_DRAIN, answered).await;
        }
    }
}

/// What the client sends, as the session loop reads it: frames become [`Inbound`]s, a
/// ping's pong and a Close's echo are left with `replies` for the writer, and without a
/// first text message by `first_message_by` the client is refused. The loop stops
/// reading at the first `Refused`. Boxed: the session's futures pass the stream on by
/// value, and each would keep a copy of it in place.
fn inbound<R>(
    reader: &mut FrameReader<R>,
    replies: Replies,
    first_message_by: Option<Instant>,
) -> Pin<Box<impl Stream<Item = Inbound> + Send + '_>>
where
    R: AsyncRead + Unpin + Send,
{
    let state = (reader, replies, first_message_by);
    Box::pin(stream::unfold(
        state,
        |(reader, replies, mut first_message_by)| async move {
            let next = match first_message_by {
                // Boxed: only the first read carries a timer, and every other read keeps the
                // future of this block (kept for every client) small.
                Some(deadline) => match Box::pin(timeout_at(deadline, reader.next())).await {
                    Ok(next) => next,
                    Err(_) => {
                        let silent = Inbound::Refused(CloseReason::NoFirstMessage);
                        return Some((silent, (reader, replies, None)));
                    }
                },
                None => reader.next().await,
            };
            let inbound = match next {
                Ok(Received::Text(text)) => {
                    first_message_by = None;
                    Inbound::Text(text)
                }
                Ok(Received::Binary(len)) => Inbound::Binary(len),
                Ok(Received::Fragment) => Inbound::Fragment,
                Ok(Received::Ping(payload)) => {
                    replies.pong(payload);
                    Inbound::Pong(None)
                }
                Ok(Received::Pong(echoed)) => Inbound::Pong(echoed),
                Ok(Received::Close(payload)) => {
                    // The closing handshake: echo the client's code.
                    replies.close(payload);
                    return None;
                }
                Err(ReadError::Ended) => return None,
                Err(ReadError::TooBig) => Inbound::Refused(CloseReason::MessageTooBig),
                Err(ReadError::TooManyFragments) => Inbound::Refused(CloseReason::TooManyFragments),
                Err(ReadError::InvalidText) => Inbound::Refused(CloseReason::InvalidText),
                Err(ReadError::Protocol) => Inbound::Refused(CloseReason::ProtocolViolation),
            };
            Some((inbound, (reader, replies, first_message_by)))
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every connected client keeps this future for as long as it is connected, inside a
    /// tokio task: a cell aligned to 128 bytes that holds the future, 8 bytes of stage
    /// around it and 96 bytes of task bookkeeping. At 1,560 bytes the cell is 1,664, which
    /// the allocator serves from its 1,792-byte class even when it over-allocates for the
    /// alignment (mimalloc takes size + 127). One byte more makes the cell 1,792 and the
    /// block 2,048: a quarter of a kilobyte more for every client. Grow it only on purpose,
    /// with the memory per client measured again (docs/benchmarks.md, "memory per idle
    /// client").
    #[tokio::test]
    async fn a_clients_task_stays_within_its_allocation_class() {
        const BUDGET: usize = 1_560;
        let not_an_upgrade = hyper::upgrade::on(http::Request::new(()));
        let task = serve_upgrade(Channel::new(), not_an_upgrade, Extensions::new());
        let size = std::mem::size_of_val(&task);
        assert!(
            size <= BUDGET,
            "a client's task future grew to {size} bytes, over its budget of {BUDGET}"
        );
    }
}
