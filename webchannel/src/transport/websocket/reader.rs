//! Reading WebSocket frames from a client: whole messages out of (possibly fragmented)
//! frames, with the checks RFC 6455 asks of a server and the channel's limits on a whole
//! message, not just on one frame: its size and how many frames it comes in. Every frame
//! is reported, also one that only continues a message, so that every frame can count
//! against the message rate. Headers are parsed by tungstenite's
//! [`FrameHeader::parse`]; this file keeps the state a message needs across frames.

use std::io::Cursor;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{Poll, ready};

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};
use tungstenite::protocol::frame::FrameHeader;
use tungstenite::protocol::frame::coding::{Control, Data, OpCode};

use crate::protocol::Frame;

/// Most bytes a read into an empty buffer takes (see [`FrameReader::read_into_empty`]).
const LANDING: usize = 4096;

/// What the client sent, as the connection acts on it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Received {
    Text(Frame),
    /// A binary message and its length.
    Binary(usize),
    /// A frame of a message that is not complete yet.
    Fragment,
    /// A ping and its payload, to be echoed in the pong.
    Ping(Bytes),
    /// A pong and the number its payload holds, if it is eight bytes.
    Pong(Option<u64>),
    /// A Close frame and its payload (code and reason, or empty), to be echoed.
    Close(Bytes),
}

/// Why reading ended.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum ReadError {
    /// The connection ended (or failed) without a Close frame.
    Ended,
    /// A message larger than the limit.
    TooBig,
    /// A message in more frames than the limit.
    TooManyFragments,
    /// A text message that is not UTF-8.
    InvalidText,
    /// A frame that breaks the protocol.
    Protocol,
}

/// Input the reader throws away once it has refused something, so that the client's
/// answer to the server's Close frame can still be read: a socket closed with unread
/// data in it resets the connection, and the client may lose the Close frame with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Discard {
    Nothing,
    /// The rest of a refused frame; the frames after it are read as usual.
    Bytes(u64),
    /// Everything: after a frame that breaks the protocol, nothing after it can be framed.
    All,
}

/// A message arriving over several frames.
struct Fragments {
    text: bool,
    data: BytesMut,
    /// How many frames it came in so far.
    frames: usize,
}

/// The receiving half of a WebSocket.
pub(super) struct FrameReader<R> {
    io: R,
    buffer: BytesMut,
    /// How much one read asks for; a larger message grows the buffer until it is whole.
    idle_capacity: usize,
    max_message: usize,
    max_fragments: usize,
    fragments: Option<Fragments>,
    discard: Discard,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    pub(super) fn new(io: R, read_buffer: usize, max_message: usize, max_fragments: usize) -> Self {
        let idle_capacity = read_buffer.max(64);
        Self {
            io,
            buffer: BytesMut::new(),
            idle_capacity,
            max_message,
            max_fragments,
            fragments: None,
            discard: Discard::Nothing,
        }
    }

    /// The next message, control frame or fragment. After an error, reading on skips what
    /// cannot be used: the rest of a refused frame, or (after a protocol error) everything.
    pub(super) async fn next(&mut self) -> Result<Received, ReadError> {
        loop {
            self.throw_away();
            if let Some(received) = self.parse_and_remember()? {
                // Nothing more to parse: an idle connection keeps no buffer (the next read
                // allocates one once bytes arrive).
                if self.buffer.is_empty() {
                    self.buffer = BytesMut::new();
                }
                return Ok(received);
            }
            let read = if self.buffer.is_empty() {
                self.read_into_empty().await
            } else {
                if self.buffer.capacity() == self.buffer.len() {
                    self.buffer.reserve(self.idle_capacity);
                }
                self.io.read_buf(&mut self.buffer).await
            };
            match read {
                Ok(0) | Err(_) => return Err(ReadError::Ended),
                Ok(_) => {}
            }
        }
    }

    /// Reads into an empty buffer. A connection spends most of its life waiting here, so
    /// the wait holds no buffer: each attempt reads into an array on the stack, and only
    /// bytes that arrived are copied into a buffer of `idle_capacity`.
    async fn read_into_empty(&mut self) -> std::io::Result<usize> {
        std::future::poll_fn(|cx| {
            let mut landing = [MaybeUninit::<u8>::uninit(); LANDING];
            let mut read = ReadBuf::uninit(&mut landing[..self.idle_capacity.min(LANDING)]);
            ready!(Pin::new(&mut self.io).poll_read(cx, &mut read))?;
            let arrived = read.filled();
            if !arrived.is_empty() {
                self.buffer.reserve(self.idle_capacity.max(arrived.len()));
                self.buffer.extend_from_slice(arrived);
            }
            Poll::Ready(Ok(arrived.len()))
        })
        .await
    }

    /// Drops what `discard` says from the buffer.
    fn throw_away(&mut self) {
        match self.discard {
            Discard::Nothing => {}
            Discard::All => self.buffer.clear(),
            Discard::Bytes(left) => {
                let available = u64::try_from(self.buffer.len()).unwrap_or(u64::MAX);
                let now = left.min(available);
                // At most the buffer's length, so it fits.
                self.buffer
                    .advance(usize::try_from(now).unwrap_or(self.buffer.len()));
                self.discard = match left - now {
                    0 => Discard::Nothing,
                    left => Discard::Bytes(left),
                };
            }
        }
    }

    /// [`parse`](Self::parse), noting what an error leaves to be thrown away.
    fn parse_and_remember(&mut self) -> Result<Option<Received>, ReadError> {
        if self.discard != Discard::Nothing {
            return Ok(None);
        }
        self.parse().inspect_err(|error| {
            self.fragments = None;
            self.discard = match error {
                ReadError::TooBig | ReadError::TooManyFragments => self.refused_frame(),
                ReadError::Protocol => Discard::All,
                // The invalid frame has been taken whole: what follows is framed as usual.
                ReadError::InvalidText | ReadError::Ended => Discard::Nothing,
            };
        })
    }

    /// The whole refused frame at the front of the buffer (its header parsed again:
    /// `parse` refuses it before consuming anything).
    fn refused_frame(&self) -> Discard {
        let mut cursor = Cursor::new(&self.buffer[..]);
        match FrameHeader::parse(&mut cursor) {
            Ok(Some((_, length))) => Discard::Bytes(cursor.position().saturating_add(length)),
            _ => Discard::All,
        }
    }

    /// Takes one complete frame from the buffer, if there is one, and acts on it.
    fn parse(&mut self) -> Result<Option<Received>, ReadError> {
        let mut cursor = Cursor::new(&self.buffer[..]);
        let Some((header, length)) =
            FrameHeader::parse(&mut cursor).map_err(|_| ReadError::Protocol)?
        else {
            return Ok(None);
        };
        let header_len = usize::try_from(cursor.position()).map_err(|_| ReadError::Protocol)?;
        let length = usize::try_from(length).map_err(|_| ReadError::TooBig)?;
        self.check(&header, length)?;
        if self.buffer.len() < header_len + length {
            self.buffer.reserve(header_len + length - self.buffer.len());
            return Ok(None);
        }
        self.buffer.advance(header_len);
        let mut payload = self.buffer.split_to(length);
        // `check` refused a frame without a mask.
        if let Some(mask) = header.mask {
            unmask(&mut payload, mask);
        }
        self.accept(&header, payload).map(Some)
    }

    /// What can be refused from the header alone, before waiting for the payload.
    fn check(&self, header: &FrameHeader, length: usize) -> Result<(), ReadError> {
        // A server must refuse an unmasked client frame (RFC 6455, 5.1).
        if header.rsv1 || header.rsv2 || header.rsv3 || header.mask.is_none() {
            return Err(ReadError::Protocol);
        }
        match header.opcode {
            OpCode::Control(_) if !header.is_final || length > 125 => Err(ReadError::Protocol),
            OpCode::Control(_) => Ok(()),
            OpCode::Data(data) => {
                let (before, frames) = self
                    .fragments
                    .as_ref()
                    .map_or((0, 0), |message| (message.data.len(), message.frames));
                if before.saturating_add(length) > self.max_message {
                    Err(ReadError::TooBig)
                } else if data == Data::Continue && frames >= self.max_fragments {
                    Err(ReadError::TooManyFragments)
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Acts on one frame.
    fn accept(&mut self, header: &FrameHeader, payload: BytesMut) -> Result<Received, ReadError> {
        match header.opcode {
            OpCode::Control(Control::Ping) => Ok(Received::Ping(payload.freeze())),
            OpCode::Control(Control::Pong) => Ok(Received::Pong(
                <[u8; 8]>::try_from(&payload[..])
                    .ok()
                    .map(u64::from_be_bytes),
            )),
            OpCode::Control(Control::Close) => close(payload.freeze()),
            OpCode::Control(Control::Reserved(_)) | OpCode::Data(Data::Reserved(_)) => {
                Err(ReadError::Protocol)
            }
            OpCode::Data(Data::Continue) => {
                let message = self.fragments.as_mut().ok_or(ReadError::Protocol)?;
                message.data.unsplit(payload);
                message.frames += 1;
                if !header.is_final {
                    return Ok(Received::Fragment);
                }
                let message = self.fragments.take().ok_or(ReadError::Protocol)?;
                complete(message.text, message.data)
            }
            OpCode::Data(data) => {
                if self.fragments.is_some() {
                    return Err(ReadError::Protocol);
                }
                let text = data == Data::Text;
                if header.is_final {
                    return complete(text, payload);
                }
                self.fragments = Some(Fragments {
                    text,
                    data: payload,
                    frames: 1,
                });
                Ok(Received::Fragment)
            }
        }
    }
}

fn complete(text: bool, data: BytesMut) -> Result<Received, ReadError> {
    if !text {
        return Ok(Received::Binary(data.len()));
    }
    Frame::try_from(data.freeze())
        .map(Received::Text)
        .map_err(|_| ReadError::InvalidText)
}

/// A Close frame's payload is empty, or a valid close code and a UTF-8 reason.
fn close(payload: Bytes) -> Result<Received, ReadError> {
    match payload.len() {
        0 => return Ok(Received::Close(payload)),
        1 => return Err(ReadError::Protocol),
        _ => {}
    }
    let code = u16::from_be_bytes([payload[0], payload[1]]);
    let allowed = matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999);
    if !allowed {
        return Err(ReadError::Protocol);
    }
    std::str::from_utf8(&payload[2..]).map_err(|_| ReadError::InvalidText)?;
    Ok(Received::Close(payload))
}

fn unmask(payload: &mut [u8], mask: [u8; 4]) {
    for chunk in payload.chunks_mut(4) {
        for (byte, key) in chunk.iter_mut().zip(mask) {
            *byte ^= key;
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use tungstenite::protocol::frame::Frame as WireFrame;

    use super::*;

    const MASK: [u8; 4] = [0x12, 0x34, 0x56, 0x78];

    /// The default limit on the frames of one message.
    const FRAGMENTS: usize = 1024;

    /// A client frame as tungstenite (the reference encoder) writes it.
    fn frame(opcode: OpCode, is_final: bool, payload: &[u8]) -> Vec<u8> {
        let header = FrameHeader {
            is_final,
            opcode,
            mask: Some(MASK),
            ..FrameHeader::default()
        };
        let mut bytes = Vec::new();
        WireFrame::from_payload(header, Bytes::copy_from_slice(payload))
            .format(&mut bytes)
            .expect("writing into a Vec");
        bytes
    }

    fn text(payload: &str) -> Vec<u8> {
        frame(OpCode::Data(Data::Text), true, payload.as_bytes())
    }

    /// Everything the reader makes of `bytes`, fed `chunk` bytes at a time, until it stops.
    async fn read_all(
        bytes: Vec<u8>,
        chunk: usize,
        max_message: usize,
    ) -> Vec<Result<Received, ReadError>> {
        read_until(bytes, chunk, (max_message, FRAGMENTS), Result::is_err).await
    }

    /// Like [`read_all`], but reading on after errors, as the server does while it waits
    /// for the client to answer its Close frame.
    async fn read_past_errors(
        bytes: Vec<u8>,
        max_message: usize,
    ) -> Vec<Result<Received, ReadError>> {
        read_until(bytes, 1024, (max_message, FRAGMENTS), |next| {
            *next == Err(ReadError::Ended)
        })
        .await
    }

    /// What the reader makes of `bytes`, with `limits` (message size, fragments), up to
    /// and including the first result that `last` accepts.
    async fn read_until(
        bytes: Vec<u8>,
        chunk: usize,
        (max_message, max_fragments): (usize, usize),
        last: impl Fn(&Result<Received, ReadError>) -> bool,
    ) -> Vec<Result<Received, ReadError>> {
        let (mut client, server) = tokio::io::duplex(chunk);
        let writing = tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            for piece in bytes.chunks(chunk) {
                if client.write_all(piece).await.is_err() {
                    break;
                }
            }
        });
        let mut reader = FrameReader::new(server, 16, max_message, max_fragments);
        let mut all = Vec::new();
        loop {
            let next = reader.next().await;
            let end = last(&next);
            all.push(next);
            if end {
                break;
            }
        }
        writing.abort();
        all
    }

    fn texts(all: &[Result<Received, ReadError>]) -> Vec<String> {
        all.iter()
            .filter_map(|received| match received {
                Ok(Received::Text(text)) => Some(text.as_str().to_owned()),
                _ => None,
            })
            .collect()
    }

    #[tokio::test]
    async fn whole_and_fragmented_messages_arrive_whole() {
        let mut bytes = text("héllo");
        bytes.extend(frame(OpCode::Data(Data::Text), false, "frag".as_bytes()));
        // A control frame may come between fragments.
        bytes.extend(frame(OpCode::Control(Control::Ping), true, b"p"));
        bytes.extend(frame(OpCode::Data(Data::Continue), false, &[0xc3]));
        bytes.extend(frame(OpCode::Data(Data::Continue), true, &[0xa9, b'!']));
        bytes.extend(frame(OpCode::Data(Data::Binary), true, &[1, 2, 3]));
        let all = read_all(bytes, 3, 1 << 20).await;
        assert_eq!(texts(&all), ["héllo", "fragé!"]);
        assert!(all.contains(&Ok(Received::Ping(Bytes::from_static(b"p")))));
        assert!(all.contains(&Ok(Received::Binary(3))));
        assert_eq!(all.last(), Some(&Err(ReadError::Ended)));
    }

    #[tokio::test]
    async fn every_frame_of_a_fragmented_message_is_reported() {
        let mut bytes = frame(OpCode::Data(Data::Text), false, b"a");
        for _ in 0..3 {
            bytes.extend(frame(OpCode::Data(Data::Continue), false, b""));
        }
        bytes.extend(frame(OpCode::Data(Data::Continue), true, b"b"));
        let all = read_all(bytes, 7, 1024).await;
        let fragments = all
            .iter()
            .filter(|received| **received == Ok(Received::Fragment))
            .count();
        assert_eq!(fragments, 4);
        assert_eq!(texts(&all), ["ab"]);
    }

    #[tokio::test]
    async fn a_message_in_more_frames_than_the_limit_is_refused() {
        let message = |frames: usize| {
            let mut bytes = frame(OpCode::Data(Data::Text), false, b"a");
            for _ in 2..frames {
                bytes.extend(frame(OpCode::Data(Data::Continue), false, b""));
            }
            bytes.extend(frame(OpCode::Data(Data::Continue), true, b"b"));
            bytes
        };
        let whole = read_until(message(4), 64, (1024, 4), Result::is_err).await;
        assert_eq!(texts(&whole), ["ab"]);
        let refused = read_until(message(5), 64, (1024, 4), Result::is_err).await;
        assert_eq!(refused.last(), Some(&Err(ReadError::TooManyFragments)));
        assert!(texts(&refused).is_empty());
        // Empty fragments without end are refused at the limit, before the frames after it.
        let mut endless = frame(OpCode::Data(Data::Text), false, b"");
        for _ in 0..10 {
            endless.extend(frame(OpCode::Data(Data::Continue), false, b""));
        }
        let all = read_until(endless, 64, (1024, 4), Result::is_err).await;
        assert_eq!(all.len(), 5, "{all:?}");
        assert_eq!(all.last(), Some(&Err(ReadError::TooManyFragments)));
    }

    #[tokio::test]
    async fn the_size_limit_counts_the_whole_message() {
        let mut bytes = frame(OpCode::Data(Data::Text), false, &[b'a'; 60]);
        bytes.extend(frame(OpCode::Data(Data::Continue), true, &[b'a'; 60]));
        let all = read_all(bytes, 1024, 100).await;
        assert_eq!(all, [Ok(Received::Fragment), Err(ReadError::TooBig)]);
        let all = read_all(text(&"b".repeat(101)), 1024, 100).await;
        assert_eq!(all, [Err(ReadError::TooBig)]);
    }

    #[tokio::test]
    async fn a_huge_announced_length_is_refused_before_any_payload() {
        // A header announcing 2^62 bytes, and nothing else.
        let bytes = vec![0x81, 0xff, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4];
        assert_eq!(
            read_all(bytes, 1024, 1 << 20).await,
            [Err(ReadError::TooBig)]
        );
    }

    #[tokio::test]
    async fn after_an_oversized_frame_the_clients_close_frame_is_still_read() {
        let close = frame(
            OpCode::Control(Control::Close),
            true,
            &1000u16.to_be_bytes(),
        );
        // One frame far beyond the limit, and one that grows a fragmented message past it.
        let mut single = text(&"b".repeat(50_000));
        single.extend(&close);
        let mut fragmented = frame(OpCode::Data(Data::Text), false, &[b'a'; 60]);
        fragmented.extend(frame(OpCode::Data(Data::Continue), true, &[b'a'; 60]));
        fragmented.extend(&close);
        for (bytes, fragments) in [(single, 0), (fragmented, 1)] {
            let all = read_past_errors(bytes, 100).await;
            assert_eq!(all[..fragments], [Ok(Received::Fragment)][..fragments]);
            assert_eq!(
                all[fragments..],
                [
                    Err(ReadError::TooBig),
                    Ok(Received::Close(Bytes::copy_from_slice(
                        &1000u16.to_be_bytes()
                    ))),
                    Err(ReadError::Ended)
                ]
            );
        }
    }

    #[tokio::test]
    async fn after_a_protocol_error_everything_is_thrown_away() {
        let mut bytes = vec![0x81, 2, b'h', b'i'];
        bytes.extend(text("not read"));
        bytes.extend(frame(OpCode::Control(Control::Close), true, b""));
        assert_eq!(
            read_past_errors(bytes, 1024).await,
            [Err(ReadError::Protocol), Err(ReadError::Ended)]
        );
    }

    #[tokio::test]
    async fn after_invalid_text_the_next_frames_are_read_as_usual() {
        let mut bytes = frame(OpCode::Data(Data::Text), true, &[0xff]);
        bytes.extend(text("next"));
        let all = read_past_errors(bytes, 1024).await;
        assert_eq!(all[0], Err(ReadError::InvalidText));
        assert_eq!(texts(&all), ["next"]);
    }

    #[tokio::test]
    async fn an_unmasked_frame_is_refused_from_its_header() {
        // A header announcing 1,000 unmasked bytes, and none of them.
        let bytes = vec![0x81, 126, 0x03, 0xe8];
        assert_eq!(
            read_all(bytes, 1024, 1 << 20).await,
            [Err(ReadError::Protocol)]
        );
    }

    #[tokio::test]
    async fn frames_that_break_the_protocol_are_refused() {
        let unmasked = vec![0x81, 2, b'h', b'i'];
        let mut rsv = text("x");
        rsv[0] |= 0x40;
        let long_ping = frame(OpCode::Control(Control::Ping), true, &[0; 126]);
        let fragmented_ping = frame(OpCode::Control(Control::Ping), false, b"");
        let stray_continuation = frame(OpCode::Data(Data::Continue), true, b"x");
        let mut interleaved = frame(OpCode::Data(Data::Text), false, b"a");
        interleaved.extend(text("b"));
        let reserved = frame(OpCode::Data(Data::Reserved(3)), true, b"");
        let bad_close_code = frame(
            OpCode::Control(Control::Close),
            true,
            &1005u16.to_be_bytes(),
        );
        let short_close = frame(OpCode::Control(Control::Close), true, &[3]);
        for bytes in [
            unmasked,
            rsv,
            long_ping,
            fragmented_ping,
            stray_continuation,
            interleaved,
            reserved,
            bad_close_code,
            short_close,
        ] {
            let all = read_all(bytes.clone(), 1024, 1 << 20).await;
            assert_eq!(all.last(), Some(&Err(ReadError::Protocol)), "{bytes:?}");
        }
    }

    #[tokio::test]
    async fn text_must_be_utf8_even_across_fragments() {
        assert_eq!(
            read_all(frame(OpCode::Data(Data::Text), true, &[0xff]), 64, 1024).await,
            [Err(ReadError::InvalidText)]
        );
        let mut bytes = frame(OpCode::Data(Data::Text), false, &[0xc3]);
        bytes.extend(frame(OpCode::Data(Data::Continue), true, b"a"));
        assert_eq!(
            read_all(bytes, 64, 1024).await,
            [Ok(Received::Fragment), Err(ReadError::InvalidText)]
        );
    }

    #[tokio::test]
    async fn a_reader_waiting_for_its_client_holds_no_buffer() {
        use futures_util::FutureExt;
        use tokio::io::AsyncWriteExt;

        let (mut client, server) = tokio::io::duplex(1024);
        let mut reader = FrameReader::new(server, 1024, 1 << 20, FRAGMENTS);
        assert!(reader.next().now_or_never().is_none());
        assert_eq!(reader.buffer.capacity(), 0);
        // Half a frame: the bytes wait in a buffer for the rest.
        let whole = text("hello");
        client.write_all(&whole[..4]).await.expect("writing");
        assert!(reader.next().now_or_never().is_none());
        assert!(reader.buffer.capacity() >= 1024);
        client.write_all(&whole[4..]).await.expect("writing");
        let received = reader.next().await.expect("the frame");
        assert_eq!(received, Received::Text(Frame::from("hello")));
        assert!(reader.next().now_or_never().is_none());
        assert_eq!(reader.buffer.capacity(), 0);
    }

    #[tokio::test]
    async fn a_close_frame_carries_its_code_and_reason() {
        let mut payload = 1000u16.to_be_bytes().to_vec();
        payload.extend_from_slice(b"bye");
        let all = read_all(
            frame(OpCode::Control(Control::Close), true, &payload),
            64,
            1024,
        )
        .await;
        assert_eq!(all[0], Ok(Received::Close(Bytes::from(payload))));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any message, cut into any fragments and delivered in any chunk size, arrives
        /// exactly as sent.
        #[test]
        fn any_fragmentation_reassembles_exactly(
            messages in proptest::collection::vec(("\\PC{0,200}", 1usize..5), 1..8),
            chunk in 1usize..64,
        ) {
            let mut bytes = Vec::new();
            for (message, pieces) in &messages {
                let data = message.as_bytes();
                let size = data.len().div_ceil(*pieces).max(1);
                let parts: Vec<&[u8]> = if data.is_empty() { vec![&[][..]] } else { data.chunks(size).collect() };
                for (position, part) in parts.iter().enumerate() {
                    let opcode = if position == 0 { OpCode::Data(Data::Text) } else { OpCode::Data(Data::Continue) };
                    bytes.extend(frame(opcode, position + 1 == parts.len(), part));
                }
            }
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            let all = runtime.block_on(read_all(bytes, chunk, 1 << 20));
            let sent: Vec<String> = messages.into_iter().map(|(message, _)| message).collect();
            prop_assert_eq!(texts(&all), sent);
            prop_assert_eq!(all.last(), Some(&Err(ReadError::Ended)));
        }
    }
}
