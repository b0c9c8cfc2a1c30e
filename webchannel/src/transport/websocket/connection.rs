//! One upgraded connection: a session runs on it through the task driver (frames read
//! become inbound messages, outbound ones are written), then the connection is closed
//! properly, with the close code that says why.

use std::time::Duration;

use futures_util::stream;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::timeout;

use crate::channel::Channel;
use crate::driver::task::Inbound;
use crate::limits::inbound::ByteBudget;
use crate::protocol::close::CloseReason;

use super::reader::{FrameReader, ReadError, Received};
use super::throttled::Throttled;
use super::writer::{FrameWriter, Replies};

/// How long the server reads on after sending its Close frame, for the client's answer.
const CLOSE_DRAIN: Duration = Duration::from_secs(1);

/// Runs a session on an upgraded connection, then closes it properly.
pub(super) async fn serve_connection<Io>(channel: Channel, io: Io)
where
    Io: AsyncRead + AsyncWrite + Send + 'static,
{
    // What this connection needs of the configuration; not a copy of all of it (every
    // byte of this future is kept for every client).
    let (read_buffer, max_message, patience, budget) = {
        let config = channel.config();
        (
            config.websocket_read_buffer,
            config.max_message_size,
            config.write_timeout,
            config
                .inbound_byte_rate
                .map(|rate| ByteBudget::new(rate, config.max_message_size)),
        )
    };
    let (read, write) = tokio::io::split(io);
    let replies = Replies::default();
    let mut reader = FrameReader::new(Throttled::new(read, budget), read_buffer, max_message);
    let mut writer = FrameWriter::new(write, replies.clone());
    // The session loop stops reading at the first `Refused`.
    let incoming = stream::unfold((&mut reader, replies), |(reader, replies)| async move {
        let inbound = match reader.next().await {
            Ok(Received::Text(text)) => Inbound::Text(text),
            Ok(Received::Binary(len)) => Inbound::Binary(len),
            Ok(Received::Ping(payload)) => {
                replies.pong(payload);
                Inbound::Pong
            }
            Ok(Received::Pong) => Inbound::Pong,
            Ok(Received::Close(payload)) => {
                // The closing handshake: echo the client's code.
                replies.close(payload);
                return None;
            }
            Err(ReadError::Ended) => return None,
            Err(ReadError::TooBig) => Inbound::Refused(CloseReason::MessageTooBig),
            Err(ReadError::InvalidText) => Inbound::Refused(CloseReason::InvalidText),
            Err(ReadError::Protocol) => Inbound::Refused(CloseReason::ProtocolViolation),
        };
        Some((inbound, (reader, replies)))
    });
    let reason = channel.run_session(incoming, &mut writer).await;
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
