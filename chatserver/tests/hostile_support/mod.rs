//! What the hostile tests share: the chatserver binary on a free port, a raw WebSocket
//! client (tokio-tungstenite) that sends exactly what a test says, and a well-behaved
//! chatter that proves the server still serves everyone else.

#![allow(dead_code, unreachable_pub)]

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, client_async, connect_async};
use webchannel_tests::ServerProcess;
pub use webchannel_tests::tcp_from;

/// How long any single wait may take: everything happens on loopback.
pub const WAIT: Duration = Duration::from_secs(10);

/// Starts the chatserver binary on a free loopback port with `extra_args`.
pub fn start_chatserver(extra_args: &[&str]) -> ServerProcess {
    let mut args = vec!["--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra_args);
    ServerProcess::spawn(env!("CARGO_BIN_EXE_chatserver"), args)
}

/// A user name no other client in the run has.
pub fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// One WebSocket connection, driven frame by frame.
pub struct Wire {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Every JSON message received so far that was not a response being waited for.
    pub seen: Vec<Value>,
    /// The signal index of `newMessage`, once initialised.
    pub new_message: Option<u64>,
}

/// How a connection ended, as the client saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// A Close frame with this code and reason.
    Closed(u16, String),
    /// The connection ended without a Close frame.
    Dropped,
}

impl Wire {
    /// Connects to `url`.
    pub async fn connect(url: &str) -> Self {
        let (socket, _) = tokio::time::timeout(WAIT, connect_async(url))
            .await
            .expect("connect in time")
            .expect("upgrade accepted");
        Self::over(socket)
    }

    /// Connects to `url` from the loopback address `source` (127.0.0.2, ...), as a client
    /// on another machine would.
    pub async fn connect_from(url: &str, source: Ipv4Addr) -> Self {
        let stream = tcp_from(url, source).await;
        let (socket, _) =
            tokio::time::timeout(WAIT, client_async(url, MaybeTlsStream::Plain(stream)))
                .await
                .expect("connect in time")
                .expect("upgrade accepted");
        Self::over(socket)
    }

    fn over(socket: WebSocketStream<MaybeTlsStream<TcpStream>>) -> Self {
        Self {
            socket,
            seen: Vec::new(),
            new_message: None,
        }
    }

    /// Connects and does what every client does first: init, then idle.
    pub async fn initialised(url: &str) -> Self {
        Self::connect(url).await.initialise().await
    }

    /// Init, then idle.
    pub async fn initialise(mut self) -> Self {
        let init = self.request(json!({"type": 3, "id": "init"})).await;
        let signals = init["data"]["chatserver"]["signals"]
            .as_array()
            .expect("the chatserver's signals")
            .clone();
        self.new_message = signals
            .iter()
            .find(|signal| signal[0] == "newMessage")
            .and_then(|signal| signal[1].as_u64());
        self.send_json(json!({"type": 4})).await;
        self
    }

    /// Sends a message, which may be any text at all.
    pub async fn send_text(&mut self, text: impl Into<String>) {
        self.send(Message::text(text.into())).await;
    }

    /// Sends `value` as one JSON text frame.
    pub async fn send_json(&mut self, value: Value) {
        self.send_text(value.to_string()).await;
    }

    /// Sends a message unless the server has already closed the connection; says which.
    pub async fn try_send_text(&mut self, text: String) -> bool {
        self.try_send(Message::text(text)).await
    }

    /// Sends a raw WebSocket message unless the server has already closed the connection;
    /// says which.
    pub async fn try_send(&mut self, message: Message) -> bool {
        matches!(
            tokio::time::timeout(WAIT, self.socket.send(message)).await,
            Ok(Ok(()))
        )
    }

    /// Sends `text` as one message in frames of at most `piece` bytes.
    pub async fn send_fragmented(&mut self, text: &str, piece: usize) {
        let pieces: Vec<&[u8]> = text.as_bytes().chunks(piece).collect();
        for (index, bytes) in pieces.iter().enumerate() {
            let opcode = if index == 0 {
                OpCode::Data(Data::Text)
            } else {
                OpCode::Data(Data::Continue)
            };
            let last = index + 1 == pieces.len();
            self.send(Message::Frame(Frame::message(bytes.to_vec(), opcode, last)))
                .await;
        }
    }

    /// Sends a raw WebSocket message.
    pub async fn send(&mut self, message: Message) {
        tokio::time::timeout(WAIT, self.socket.send(message))
            .await
            .expect("send in time")
            .expect("send");
    }

    /// Sends `request` and returns the response with its `id`; other messages are kept
    /// in `seen`.
    pub async fn request(&mut self, request: Value) -> Value {
        let id = request["id"].clone();
        self.send_json(request).await;
        self.response(&id).await
    }

    /// Waits for the response with `id`.
    pub async fn response(&mut self, id: &Value) -> Value {
        loop {
            let message = self.next_json().await;
            if message["type"] == 10 && message["id"] == *id {
                return message;
            }
            self.seen.push(message);
        }
    }

    /// The next JSON message; panics on anything else.
    pub async fn next_json(&mut self) -> Value {
        serde_json::from_str(&self.next_text().await).expect("the server sends JSON")
    }

    /// The text of the next text frame; panics on anything else.
    pub async fn next_text(&mut self) -> String {
        loop {
            match self.next().await {
                Some(Message::Text(text)) => return text.as_str().to_owned(),
                Some(Message::Ping(_) | Message::Pong(_)) => {}
                other => panic!("expected a text frame, got {other:?}"),
            }
        }
    }

    /// The WebSocket itself, for a test that drives it on its own.
    pub fn into_socket(self) -> WebSocketStream<MaybeTlsStream<TcpStream>> {
        self.socket
    }

    async fn next(&mut self) -> Option<Message> {
        tokio::time::timeout(WAIT, self.socket.next())
            .await
            .expect("a frame in time")
            .map(|frame| frame.expect("a valid frame"))
    }

    /// Reads until the connection ends and says how.
    pub async fn ending(&mut self) -> Ending {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let frame = tokio::time::timeout(left, self.socket.next())
                .await
                .expect("the connection ends in time");
            match frame {
                Some(Ok(Message::Close(Some(close)))) => {
                    return Ending::Closed(close.code.into(), close.reason.to_string());
                }
                Some(Ok(Message::Close(None))) | None | Some(Err(_)) => return Ending::Dropped,
                Some(Ok(_)) => {}
            }
        }
    }

    /// Calls `method` on the chatserver with `args`; returns the whole response.
    pub async fn call(&mut self, method: &str, args: Value) -> Value {
        let id = json!(unique_name(method));
        self.request(
            json!({"type": 6, "object": "chatserver", "method": method, "args": args, "id": id}),
        )
        .await
    }

    /// Connects to `newMessage` (after init).
    pub async fn listen(&mut self) {
        let signal = self.new_message.expect("initialised");
        self.send_json(json!({"type": 7, "object": "chatserver", "signal": signal}))
            .await;
    }

    /// Waits for a `newMessage` with this text, keeping everything else in `seen`.
    pub async fn message_with(&mut self, text: &str) -> Value {
        let signal = self.new_message.expect("initialised");
        let is_it = |message: &Value| {
            message["type"] == 1 && message["signal"] == signal && message["args"][2] == text
        };
        if let Some(found) = self.seen.iter().find(|message| is_it(message)) {
            return found.clone();
        }
        loop {
            let message = self.next_json().await;
            if is_it(&message) {
                return message;
            }
            self.seen.push(message);
        }
    }
}

/// A logged-in client that chats: the proof that the server still serves others.
pub struct Chatter {
    pub wire: Wire,
    pub name: String,
}

impl Chatter {
    /// Connects, logs in under a fresh name and listens to `newMessage`.
    pub async fn join(url: &str, prefix: &str) -> Self {
        Self::join_over(Wire::connect(url).await, prefix).await
    }

    /// The same, from the loopback address `source`.
    pub async fn join_from(url: &str, source: Ipv4Addr, prefix: &str) -> Self {
        Self::join_over(Wire::connect_from(url, source).await, prefix).await
    }

    async fn join_over(wire: Wire, prefix: &str) -> Self {
        let mut wire = wire.initialise().await;
        let name = unique_name(prefix);
        wire.listen().await;
        let login = wire.call("login", json!([name])).await;
        assert_eq!(login["data"], true, "login of {name}: {login}");
        Self { wire, name }
    }

    /// Sends a message and waits for it to come back.
    pub async fn says(&mut self, text: &str) {
        let sent = self
            .wire
            .call("sendMessage", json!([self.name, text]))
            .await;
        assert_eq!(sent["data"], true, "{sent}");
        self.wire.message_with(text).await;
    }
}

/// Panics unless `server` runs and `chatter` can still chat through it.
pub async fn assert_still_serves(server: &mut ServerProcess, chatter: &mut Chatter, case: &str) {
    server.assert_running();
    chatter.says(&format!("still here after {case}")).await;
}

/// The lines of the server's log at `WARN`.
pub fn warnings(server: &ServerProcess) -> Vec<String> {
    server
        .stderr()
        .lines()
        .filter(|line| line.contains(" WARN "))
        .map(str::to_owned)
        .collect()
}

/// Waits (bounded) until the server has logged `count` warnings, then returns them all.
pub fn wait_for_warnings(server: &ServerProcess, count: usize) -> Vec<String> {
    let deadline = Instant::now() + WAIT;
    loop {
        let lines = warnings(server);
        if lines.len() >= count || Instant::now() > deadline {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
