//! [`Paced`]: a connection whose reads keep to a byte rate, as a client on a slower link
//! would: each read takes at most [`MAX_READ`] bytes, and the next one waits until the
//! bytes read so far are within the rate (a token bucket holding one read).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep, sleep_until};

/// Most bytes one read takes.
const MAX_READ: usize = 16 * 1024;

/// A stream read at no more than `bytes_per_second`; writes go through untouched.
pub(crate) struct Paced<S> {
    io: S,
    bytes_per_second: f64,
    /// When the next read may start.
    ready_at: Instant,
    pause: Option<Pin<Box<Sleep>>>,
}

impl<S> Paced<S> {
    pub(crate) fn new(io: S, bytes_per_second: u64) -> Self {
        Self {
            io,
            bytes_per_second: bytes_per_second as f64,
            ready_at: Instant::now(),
            pause: None,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Paced<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if let Some(pause) = &mut this.pause {
                ready!(pause.as_mut().poll(cx));
                this.pause = None;
            }
            if Instant::now() >= this.ready_at {
                break;
            }
            this.pause = Some(Box::pin(sleep_until(this.ready_at)));
        }
        let limit = buf.remaining().min(MAX_READ);
        let mut part = ReadBuf::new(buf.initialize_unfilled_to(limit));
        ready!(Pin::new(&mut this.io).poll_read(cx, &mut part))?;
        let read = part.filled().len();
        buf.advance(read);
        // Time spent waiting for bytes is not saved up: at most one read goes at once.
        let took = Duration::from_secs_f64(read as f64 / this.bytes_per_second);
        this.ready_at = this.ready_at.max(Instant::now()) + took;
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Paced<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, data)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn reads_no_faster_than_its_rate() {
        let (mut server, client) = tokio::io::duplex(1 << 20);
        server.write_all(&vec![1; 500_000]).await.expect("written");
        drop(server);
        let mut paced = Paced::new(client, 100_000);
        let start = Instant::now();
        let mut bytes = Vec::new();
        paced.read_to_end(&mut bytes).await.expect("read");
        assert_eq!(bytes.len(), 500_000);
        // The first read goes at once; the rest keep to the rate.
        let took = start.elapsed();
        let expected = Duration::from_secs_f64((500_000 - MAX_READ) as f64 / 100_000.0);
        assert!(took >= expected, "{took:?}");
        assert!(took <= expected + Duration::from_millis(200), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn writes_go_through() {
        let (server, client) = tokio::io::duplex(1024);
        let mut paced = Paced::new(client, 1);
        paced.write_all(b"hello").await.expect("written");
        drop(paced);
        let mut text = String::new();
        let mut server = server;
        server.read_to_string(&mut text).await.expect("read");
        assert_eq!(text, "hello");
    }
}
