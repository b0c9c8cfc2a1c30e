//! An attacker: a logged-in client that sends the largest messages as fast as the server
//! takes them, with up to `in_flight` calls unanswered (as chat-load's senders do), and
//! otherwise behaves: it reads its answers as they come and answers every `keepAlive`,
//! so that it stays logged in for the whole flood.
//!
//! One task both reads and writes the socket, reading whatever has arrived before each
//! message it sends: a WebSocket split between two tasks could miss the wake-up of its
//! reading half while its writing half waited on the server's throttled reads.

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use super::chatter::Chatter;
use crate::scan::{self, Frame};
use crate::verify;
use crate::wire;

/// What one attacker did.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Attack {
    /// `sendMessage` calls sent.
    pub(crate) sent: u64,
    /// Calls the server answered `true`: messages every listener must receive.
    pub(crate) accepted: u64,
    /// Bytes of the calls sent (the frames' payloads).
    pub(crate) bytes: u64,
}

/// An attacker's connection and counts.
struct Attacker<S> {
    socket: WebSocketStream<S>,
    user: String,
    signals: scan::SignalIndices,
    attack: Attack,
    in_flight: u32,
    /// Answers owed to the server (`keepAliveResponse`, `idle`), sent before the next call.
    owed: VecDeque<String>,
}

/// Sends `text` as a chat message over and over until `until`, then waits (at most
/// `patience`) for every call to be answered.
pub(crate) async fn attack<S>(
    chatter: Chatter<S>,
    text: &str,
    in_flight: u32,
    until: Instant,
    patience: Duration,
) -> Result<Attack, String>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let call = wire::send_text(&chatter.user, &wire::json_string(text), wire::FIRST_SEND_ID);
    let bytes_per_call = call.len() as u64;
    let call = Message::text(call);
    let mut attacker = Attacker {
        socket: chatter.socket,
        user: chatter.user,
        signals: chatter.signals,
        attack: Attack::default(),
        in_flight: 0,
        owed: VecDeque::new(),
    };
    while Instant::now() < until {
        attacker.read_what_arrived()?;
        attacker.pay_what_is_owed().await?;
        if attacker.in_flight < in_flight {
            attacker.send(call.clone()).await?;
            attacker.in_flight += 1;
            attacker.attack.sent += 1;
        } else {
            attacker.read_next().await?;
        }
    }
    let answered = tokio::time::timeout(patience, async {
        while attacker.in_flight > 0 {
            attacker.read_next().await?;
            attacker.pay_what_is_owed().await?;
        }
        Ok::<(), String>(())
    })
    .await;
    let sent = attacker.attack.sent;
    match answered {
        Ok(result) => result?,
        Err(_) => {
            return Err(format!(
                "an attacker's {sent} calls were not all answered in {patience:?}"
            ));
        }
    }
    let _ = attacker.socket.close(None).await;
    Ok(Attack {
        bytes: sent * bytes_per_call,
        ..attacker.attack
    })
}

impl<S: AsyncRead + AsyncWrite + Unpin> Attacker<S> {
    /// Handles every frame that has already arrived, without waiting.
    fn read_what_arrived(&mut self) -> Result<(), String> {
        while let Some(message) = self.socket.next().now_or_never() {
            self.handle(message)?;
        }
        Ok(())
    }

    /// Waits for the next frame and handles it.
    async fn read_next(&mut self) -> Result<(), String> {
        let message = self.socket.next().await;
        self.handle(message)
    }

    fn handle(
        &mut self,
        message: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
    ) -> Result<(), String> {
        let frame = match message {
            Some(Ok(Message::Text(frame))) => frame,
            Some(Ok(Message::Close(frame))) => {
                return Err(format!("the server closed an attacker: {frame:?}"));
            }
            Some(Ok(_)) => return Ok(()),
            Some(Err(error)) => return Err(format!("an attacker's connection failed: {error}")),
            None => return Err("the server closed an attacker's connection".to_owned()),
        };
        match scan::classify(frame.as_bytes(), self.signals) {
            Frame::Response => {
                let answer = verify::parse(frame.as_bytes())?;
                // Answers to keepAliveResponse have an id of their own.
                if answer["id"] == wire::FIRST_SEND_ID {
                    self.in_flight = self.in_flight.saturating_sub(1);
                    if answer["data"] == true {
                        self.attack.accepted += 1;
                    }
                }
            }
            Frame::KeepAlive => self.owed.push_back(wire::keep_alive_response(&self.user)),
            Frame::PropertyUpdate => self.owed.push_back(wire::IDLE.to_owned()),
            Frame::NewMessage { .. } | Frame::Other => {}
        }
        Ok(())
    }

    async fn pay_what_is_owed(&mut self) -> Result<(), String> {
        while let Some(answer) = self.owed.pop_front() {
            self.send(Message::text(answer)).await?;
        }
        Ok(())
    }

    async fn send(&mut self, message: Message) -> Result<(), String> {
        self.socket
            .send(message)
            .await
            .map_err(|error| format!("an attacker was disconnected: {error}"))
    }
}
