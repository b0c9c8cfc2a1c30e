//! A paced reader: a logged-in client that reads at a fixed rate (see [`super::paced`])
//! and behaves as a good client does, answering every `keepAlive` and `propertyUpdate`.
//! It counts the chat messages it receives, and notes if the server closes it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;

use super::chatter::Chatter;
use super::stalled::describe_close;
use crate::scan::{self, Frame};
use crate::wire;

/// What a reader has seen so far; read by the run while it reads.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    /// Chat messages received.
    pub(crate) received: AtomicU64,
    /// Bytes of the text frames received.
    pub(crate) bytes: AtomicU64,
    /// Whether the connection has ended.
    pub(crate) ended: AtomicBool,
}

/// Reads until `stop` says so; returns how the connection ended if the server ended it
/// first.
pub(crate) async fn read<S>(
    chatter: Chatter<S>,
    progress: Arc<Progress>,
    stop: watch::Receiver<bool>,
) -> Option<String>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let ending = read_until_stopped(chatter, &progress, stop).await;
    progress.ended.store(true, Ordering::Relaxed);
    ending
}

async fn read_until_stopped<S>(
    chatter: Chatter<S>,
    progress: &Progress,
    mut stop: watch::Receiver<bool>,
) -> Option<String>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let Chatter {
        mut socket,
        user,
        signals,
    } = chatter;
    loop {
        let message = tokio::select! {
            message = socket.next() => message,
            _ = stop.changed() => {
                let _ = socket.close(None).await;
                return None;
            }
        };
        let frame = match message {
            Some(Ok(Message::Text(frame))) => frame,
            Some(Ok(Message::Close(frame))) => return Some(describe_close(frame.as_ref())),
            Some(Ok(_)) => continue,
            Some(Err(error)) => return Some(format!("connection failed: {error}")),
            None => return Some("connection ended without a close frame".to_owned()),
        };
        progress
            .bytes
            .fetch_add(frame.len() as u64, Ordering::Relaxed);
        let answer = match scan::classify(frame.as_bytes(), signals) {
            Frame::NewMessage { .. } => {
                progress.received.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            Frame::KeepAlive => wire::keep_alive_response(&user),
            Frame::PropertyUpdate => wire::IDLE.to_owned(),
            Frame::Response | Frame::Other => continue,
        };
        if let Err(error) = socket.send(Message::text(answer)).await {
            return Some(format!("cannot answer: {error}"));
        }
    }
}
