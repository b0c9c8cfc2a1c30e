//! Writing WebSocket frames: every frame queued since the last flush goes out in one
//! vectored write, header and payload side by side, the payload being the very bytes the
//! session holds (a signal's frame is shared by every recipient; nothing is copied per
//! client). Nothing stays allocated once the queue has drained, so an idle connection
//! costs next to no memory.

use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use futures_util::Sink;
use tokio::io::AsyncWrite;
use tungstenite::protocol::frame::FrameHeader;
use tungstenite::protocol::frame::coding::{Control, Data, OpCode};

use crate::driver::task::Outbound;
use crate::support::locks::lock;

/// How many queued bytes make `poll_ready` write before accepting more.
const HIGH_WATER: usize = 64 * 1024;

/// Frames per vectored write (two slices each); well below every system's `IOV_MAX`.
const FRAMES_PER_WRITE: usize = 64;

/// A drained queue with more capacity than this is released: bursts below it reuse the
/// queue, larger ones give it back.
const SHRINK_ABOVE: usize = 256;

/// One frame waiting to be written: its header and its payload.
struct Pending {
    head: [u8; 10],
    head_len: u8,
    payload: Bytes,
}

impl Pending {
    fn new(opcode: OpCode, payload: Bytes) -> Self {
        let header = FrameHeader {
            opcode,
            ..FrameHeader::default()
        };
        let mut head = [0; 10];
        let mut cursor = io::Cursor::new(&mut head[..]);
        // A server's header (no mask) is at most 10 bytes, which always fit.
        let _ = header.format(payload.len() as u64, &mut cursor);
        let head_len = u8::try_from(cursor.position()).unwrap_or(10);
        Self {
            head,
            head_len,
            payload,
        }
    }

    fn len(&self) -> usize {
        usize::from(self.head_len) + self.payload.len()
    }

    /// The unwritten rest of the frame, `written` bytes in.
    fn slices(&self, written: usize) -> [IoSlice<'_>; 2] {
        let head = &self.head[..usize::from(self.head_len)];
        if written < head.len() {
            [IoSlice::new(&head[written..]), IoSlice::new(&self.payload)]
        } else {
            [
                IoSlice::new(&[]),
                IoSlice::new(&self.payload[written - head.len()..]),
            ]
        }
    }
}

/// Frames the reader must send on the client's behalf (the pong to its ping, the reply
/// to its Close); the writer sends them at its next flush.
#[derive(Default, Clone)]
pub(super) struct Replies(Arc<Mutex<Vec<Pending>>>);

impl Replies {
    pub(super) fn pong(&self, payload: Bytes) {
        self.push(Pending::new(OpCode::Control(Control::Pong), payload));
    }

    pub(super) fn close(&self, payload: Bytes) {
        self.push(Pending::new(OpCode::Control(Control::Close), payload));
    }

    fn push(&self, frame: Pending) {
        lock(&self.0).push(frame);
    }

    fn take(&self) -> Vec<Pending> {
        std::mem::take(&mut *lock(&self.0))
    }
}

/// The sending half of a WebSocket, as the session loop's [`Sink`].
pub(super) struct FrameWriter<W> {
    io: W,
    queue: VecDeque<Pending>,
    /// Bytes of `queue.front()` already written.
    written: usize,
    queued: usize,
    replies: Replies,
}

impl<W: AsyncWrite + Unpin> FrameWriter<W> {
    pub(super) fn new(io: W, replies: Replies) -> Self {
        Self {
            io,
            queue: VecDeque::new(),
            written: 0,
            queued: 0,
            replies,
        }
    }

    /// Queues a Close frame with `code` and `reason`.
    pub(super) fn close_with(&mut self, code: u16, reason: &str) {
        let mut payload = Vec::with_capacity(2 + reason.len());
        payload.extend_from_slice(&code.to_be_bytes());
        payload.extend_from_slice(reason.as_bytes());
        self.push(Pending::new(
            OpCode::Control(Control::Close),
            Bytes::from(payload),
        ));
    }

    /// Closes the connection for writing once everything queued is out.
    pub(super) async fn shut(&mut self) -> io::Result<()> {
        futures_util::future::poll_fn(|cx| self.poll_write_all(cx)).await?;
        tokio::io::AsyncWriteExt::shutdown(&mut self.io).await
    }

    fn push(&mut self, frame: Pending) {
        self.queued += frame.len();
        self.queue.push_back(frame);
    }

    /// Writes until the queue is empty.
    fn poll_write_all(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        for reply in self.replies.take() {
            self.push(reply);
        }
        while !self.queue.is_empty() {
            let mut slices = [IoSlice::new(&[]); 2 * FRAMES_PER_WRITE];
            let mut count = 0;
            let parts = self
                .queue
                .iter()
                .take(FRAMES_PER_WRITE)
                .enumerate()
                .flat_map(|(position, frame)| {
                    frame.slices(if position == 0 { self.written } else { 0 })
                })
                .filter(|slice| !slice.is_empty());
            for (slot, part) in slices.iter_mut().zip(parts) {
                *slot = part;
                count += 1;
            }
            let slices = &slices[..count];
            let mut sent = ready!(Pin::new(&mut self.io).poll_write_vectored(cx, slices))?;
            if sent == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.queued = self.queued.saturating_sub(sent);
            while let Some(front) = self.queue.front() {
                let rest = front.len() - self.written;
                if sent < rest {
                    self.written += sent;
                    break;
                }
                sent -= rest;
                self.written = 0;
                self.queue.pop_front();
            }
        }
        if self.queue.capacity() > SHRINK_ABOVE {
            self.queue.shrink_to(0);
        }
        Poll::Ready(Ok(()))
    }
}

impl<W: AsyncWrite + Unpin> Sink<Outbound> for FrameWriter<W> {
    type Error = io::Error;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.queued >= HIGH_WATER {
            ready!(this.poll_write_all(cx))?;
        }
        Poll::Ready(Ok(()))
    }

    fn start_send(self: Pin<&mut Self>, item: Outbound) -> io::Result<()> {
        let frame = match item {
            Outbound::Text(text) => Pending::new(OpCode::Data(Data::Text), text.into_bytes()),
            Outbound::Ping(number) => Pending::new(
                OpCode::Control(Control::Ping),
                Bytes::copy_from_slice(&number.to_be_bytes()),
            ),
        };
        self.get_mut().push(frame);
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_write_all(cx))?;
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_write_all(cx))?;
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use futures_util::SinkExt;
    use tokio::io::AsyncReadExt;

    use super::*;
    use crate::protocol::Frame;

    async fn written(frames: Vec<Outbound>, chunk: usize) -> Vec<u8> {
        let (client, server) = tokio::io::duplex(chunk);
        let mut writer = FrameWriter::new(server, Replies::default());
        let reading = tokio::spawn(async move {
            let mut client = client;
            let mut bytes = Vec::new();
            client.read_to_end(&mut bytes).await.map(|_| bytes)
        });
        for frame in frames {
            writer.feed(frame).await.expect("queued");
        }
        writer.close().await.expect("written");
        drop(writer);
        reading.await.expect("reader ran").expect("read")
    }

    #[tokio::test]
    async fn frames_are_written_in_order_with_their_headers() {
        let bytes = written(
            vec![
                Outbound::Text(Frame::from("hi")),
                Outbound::Ping(7),
                Outbound::Text(Frame::from("x".repeat(300))),
            ],
            4096,
        )
        .await;
        let mut expected = vec![
            0x81, 2, b'h', b'i', 0x89, 8, 0, 0, 0, 0, 0, 0, 0, 7, 0x81, 126, 1, 44,
        ];
        expected.extend(std::iter::repeat_n(b'x', 300));
        assert_eq!(bytes, expected);
    }

    #[tokio::test]
    async fn partial_writes_resume_exactly_where_they_stopped() {
        let frames: Vec<Outbound> = (0..200)
            .map(|n| Outbound::Text(Frame::from(format!("message {n}").repeat(n % 7 + 1))))
            .collect();
        let whole = written(frames.clone(), 1 << 20).await;
        // A pipe that takes 7 bytes at a time splits headers and payloads everywhere.
        let trickled = written(frames, 7).await;
        assert_eq!(whole, trickled);
    }

    #[tokio::test]
    async fn a_long_payload_gets_a_64_bit_length() {
        let bytes = written(
            vec![Outbound::Text(Frame::from("y".repeat(70_000)))],
            1 << 16,
        )
        .await;
        assert_eq!(&bytes[..10], &[0x81, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70]);
        assert_eq!(bytes.len(), 10 + 70_000);
    }

    #[tokio::test]
    async fn replies_for_the_client_go_out_at_the_next_flush() {
        let (client, server) = tokio::io::duplex(1024);
        let replies = Replies::default();
        let mut writer = FrameWriter::new(server, replies.clone());
        replies.pong(Bytes::from_static(b"ab"));
        writer.flush().await.expect("flushed");
        writer.close_with(1001, "bye");
        writer.shut().await.expect("shut");
        drop(writer);
        let mut client = client;
        let mut bytes = Vec::new();
        client.read_to_end(&mut bytes).await.expect("read");
        assert_eq!(
            bytes,
            [0x8a, 2, b'a', b'b', 0x88, 5, 0x03, 0xe9, b'b', b'y', b'e']
        );
    }
}
