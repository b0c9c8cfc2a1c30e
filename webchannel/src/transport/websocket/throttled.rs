//! [`Throttled`]: the reading half of a connection, read no faster than the client's
//! [`ByteBudget`] allows, and in turns. Every byte read counts, frame headers included;
//! when the budget is spent, reading pauses, so TCP's flow control slows the client down.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, ReadBuf};
use tokio::time::{Sleep, sleep};

use crate::limits::inbound::ByteBudget;

/// Most bytes one read takes, and one turn: after reading this much without waiting, the
/// reader lets the other tasks run before it reads on. What is read is handled at once
/// and fanned out to other sessions' mailboxes, which can only drain when their tasks
/// run; a client whose bytes are always there (its server is slower than its budget,
/// or it has none) would otherwise keep the thread for a hundred reads.
const TURN: usize = 64 * 1024;

/// A reader that pauses while its client has sent more than its budget.
pub(super) struct Throttled<R> {
    io: R,
    budget: Option<ByteBudget>,
    /// Only while paused; boxed, so an idle connection does not carry a timer.
    pause: Option<Pin<Box<Sleep>>>,
    /// Bytes read since the reader last waited.
    this_turn: usize,
    /// Whether the client has been paused before (logged once).
    throttled: bool,
}

impl<R> Throttled<R> {
    /// Reads `io` within `budget`; without one, as fast as the client sends.
    pub(super) fn new(io: R, budget: Option<ByteBudget>) -> Self {
        Self {
            io,
            budget,
            pause: None,
            this_turn: 0,
            throttled: false,
        }
    }

    /// Waits, if the budget says so, until what was read is paid for.
    fn poll_paid(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(budget) = &mut self.budget else {
            return Poll::Ready(());
        };
        loop {
            if let Some(pause) = &mut self.pause {
                ready!(pause.as_mut().poll(cx));
                self.pause = None;
            }
            let Some(wait) = budget.pause() else {
                return Poll::Ready(());
            };
            if !self.throttled {
                self.throttled = true;
                tracing::debug!(
                    ?wait,
                    "the client sends faster than its byte rate; reading pauses"
                );
            }
            self.pause = Some(Box::pin(sleep(wait)));
        }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for Throttled<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.this_turn >= TURN {
            this.this_turn = 0;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        if this.poll_paid(cx).is_pending() {
            this.this_turn = 0;
            return Poll::Pending;
        }
        let limit = buf.remaining().min(TURN);
        let mut part = ReadBuf::new(buf.initialize_unfilled_to(limit));
        if let Poll::Ready(result) = Pin::new(&mut this.io).poll_read(cx, &mut part) {
            result?;
        } else {
            this.this_turn = 0;
            return Poll::Pending;
        }
        let read = part.filled().len();
        buf.advance(read);
        this.this_turn += read;
        if let Some(budget) = &mut this.budget {
            budget.spent(read);
        }
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::time::Instant;

    use super::*;
    use crate::config::ByteRate;

    /// Reads everything a client sends at once through a budget of `per_second` (burst
    /// the same), on tokio's paused clock; returns the bytes and how long it took.
    async fn read_all(sent: usize, per_second: u32) -> (usize, Duration) {
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let writing = tokio::spawn(async move {
            client.write_all(&vec![7; sent]).await.expect("sent");
        });
        let rate = ByteRate::new(per_second, per_second).expect("a rate");
        let mut reader = Throttled::new(server, Some(ByteBudget::new(rate, 0)));
        let start = Instant::now();
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).await.expect("read");
        writing.await.expect("writer ran");
        (bytes.len(), start.elapsed())
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_arrives_at_once() {
        let (read, took) = read_all(100_000, 100_000).await;
        assert_eq!(read, 100_000);
        assert!(took < Duration::from_millis(10), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_faster_client_is_read_at_the_rate_and_nothing_is_lost() {
        let (read, took) = read_all(400_000, 100_000).await;
        assert_eq!(read, 400_000);
        // The burst, then three seconds' worth at the rate.
        assert!(took >= Duration::from_millis(2_900), "{took:?}");
        assert!(took <= Duration::from_millis(3_100), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_reader_takes_turns_with_other_tasks() {
        let (mut client, server) = tokio::io::duplex(4 * TURN);
        client.write_all(&vec![1; 3 * TURN]).await.expect("sent");
        let mut reader = Throttled::new(server, None);
        let mut buffer = vec![0; 4 * TURN];
        // One read takes one turn's worth, however much waits.
        assert_eq!(reader.read(&mut buffer).await.expect("read"), TURN);
        // Before the next, another task gets to run.
        let other_ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = std::sync::Arc::clone(&other_ran);
        tokio::spawn(async move { flag.store(true, std::sync::atomic::Ordering::SeqCst) });
        assert_eq!(reader.read(&mut buffer).await.expect("read"), TURN);
        assert!(other_ran.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_budget_nothing_pauses() {
        let (mut client, server) = tokio::io::duplex(1024);
        let mut reader = Throttled::new(server, None);
        client.write_all(b"hello").await.expect("sent");
        drop(client);
        let mut text = String::new();
        reader.read_to_string(&mut text).await.expect("read");
        assert_eq!(text, "hello");
    }
}
