//! [`Chatter`]: one client of a flood on its own WebSocket, logged in step by step as any
//! chat client would: `init`, `idle`, the signals it listens to, `login`.

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use crate::connection::text_of;
use crate::description;
use crate::scan::SignalIndices;
use crate::verify;
use crate::wire;

/// Which chat signals a client connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Listens {
    /// `keepAlive`, which it answers: it only sends.
    KeepAlive,
    /// `newMessage`.
    Messages,
    /// `newMessage` and `keepAlive`, which it answers.
    MessagesAndKeepAlive,
}

/// A logged-in client.
pub(crate) struct Chatter<S> {
    pub(crate) socket: WebSocketStream<S>,
    /// The user name, as a JSON string literal.
    pub(crate) user: String,
    pub(crate) signals: SignalIndices,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Chatter<S> {
    /// Initialises the channel on `socket`, connects to what `listens` says and logs in
    /// as `name`.
    pub(crate) async fn join(
        mut socket: WebSocketStream<S>,
        name: &str,
        listens: Listens,
    ) -> Result<Self, String> {
        send(&mut socket, wire::init()).await?;
        let init = response(&mut socket, wire::INIT_ID).await?;
        let signals = description::signal_indices(&init["data"])?;
        send(&mut socket, wire::IDLE.to_owned()).await?;
        let connects: &[u64] = match listens {
            Listens::KeepAlive => &[signals.keep_alive],
            Listens::Messages => &[signals.new_message],
            Listens::MessagesAndKeepAlive => &[signals.new_message, signals.keep_alive],
        };
        for &signal in connects {
            send(&mut socket, wire::connect_to_signal(signal)).await?;
        }
        let user = wire::json_string(name);
        send(&mut socket, wire::login(&user)).await?;
        let login = response(&mut socket, wire::LOGIN_ID).await?;
        if login["data"] != true {
            return Err(format!("the server refused the login of {name}: {login}"));
        }
        Ok(Self {
            socket,
            user,
            signals,
        })
    }
}

async fn send<S: AsyncRead + AsyncWrite + Unpin>(
    socket: &mut WebSocketStream<S>,
    text: String,
) -> Result<(), String> {
    socket
        .send(Message::text(text))
        .await
        .map_err(|error| format!("cannot send: {error}"))
}

/// Reads until the response to the call with `id`, and parses it.
async fn response<S: AsyncRead + AsyncWrite + Unpin>(
    socket: &mut WebSocketStream<S>,
    id: u64,
) -> Result<serde_json::Value, String> {
    loop {
        let Some(frame) = text_of(socket.next().await)? else {
            continue;
        };
        let value = verify::parse(frame.as_bytes())?;
        if value["type"] == 10 && value["id"] == id {
            return Ok(value);
        }
    }
}
