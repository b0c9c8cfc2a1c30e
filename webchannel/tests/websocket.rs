//! The axum WebSocket adapter over a real loopback socket, driven by tokio-tungstenite:
//! the upgrade on `/`, text frames both ways, binary frames, the closing handshake both
//! ways, and several clients at once.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};
use webchannel::{Channel, Context, Handle};

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

const WAIT: Duration = Duration::from_secs(5);

/// A pin board shared by every client.
#[derive(Default)]
pub struct Board {
    notes: Vec<String>,
}

#[webchannel::object]
impl Board {
    /// Every note, in pinning order.
    #[webchannel(property, notify = notes_changed)]
    pub fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    /// Pins a note; returns how many there are.
    pub fn pin(&mut self, note: String, cx: &Context<Self>) -> usize {
        self.notes.push(note.clone());
        cx.pinned(note);
        cx.notes_changed();
        self.notes.len()
    }

    #[webchannel(signal)]
    fn pinned(note: String);

    #[webchannel(signal)]
    fn notes_changed();
}

async fn serve() -> (String, Channel, Handle<Board>) {
    let channel = Channel::new();
    let board = channel
        .register("board", Board::default())
        .expect("fresh channel");
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let url = format!("ws://{}/", listener.local_addr().expect("bound"));
    let router = channel.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, channel, board)
}

async fn connect(url: &str) -> Client {
    connect_async(url).await.expect("upgrade accepted").0
}

async fn send(client: &mut Client, message: Value) {
    client
        .send(Message::text(message.to_string()))
        .await
        .expect("send");
}

/// The next text frame, parsed.
async fn next(client: &mut Client) -> Value {
    loop {
        let message = tokio::time::timeout(WAIT, client.next())
            .await
            .expect("a frame in time")
            .expect("connection open")
            .expect("valid frame");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).expect("frames are JSON");
        }
    }
}

/// A client that has read the init response and connected to `pinned`.
async fn listening_for_pins(url: &str) -> Client {
    let mut client = connect(url).await;
    send(&mut client, json!({"type": 3, "id": 0})).await;
    next(&mut client).await;
    send(
        &mut client,
        json!({"type": 7, "object": "board", "signal": 1}),
    )
    .await;
    client
}

#[tokio::test]
async fn a_client_inits_calls_and_receives_signals_over_a_socket() {
    let (url, _channel, _board) = serve().await;
    let mut client = connect(&url).await;
    send(&mut client, json!({"type": 3, "id": 0})).await;
    let init = next(&mut client).await;
    assert_eq!(init["id"], 0);
    assert!(init["data"]["board"]["methods"].is_array(), "{init}");
    send(&mut client, json!({"type": 4})).await;
    send(
        &mut client,
        json!({"type": 7, "object": "board", "signal": 1}),
    )
    .await;
    send(
        &mut client,
        json!({"type": 6, "object": "board", "method": "pin", "args": ["hello"], "id": 1}),
    )
    .await;
    assert_eq!(
        next(&mut client).await,
        json!({"type": 1, "object": "board", "signal": 1, "args": ["hello"]})
    );
    assert_eq!(
        next(&mut client).await,
        json!({"type": 10, "id": 1, "data": 1})
    );
    let update = next(&mut client).await;
    assert_eq!(update["type"], 2);
    assert_eq!(update["data"][0]["properties"]["0"], json!(["hello"]));
}

#[tokio::test]
async fn signals_emitted_from_a_handle_reach_every_connected_socket() {
    let (url, channel, board) = serve().await;
    let mut clients = Vec::new();
    for _ in 0..3 {
        clients.push(listening_for_pins(&url).await);
    }
    // The connect requests are processed in order with later ones; a round trip proves it.
    for client in &mut clients {
        send(client, json!({"type": 3, "id": "sync"})).await;
        assert_eq!(next(client).await["id"], "sync");
    }
    assert_eq!(channel.session_count(), 3);
    board.pinned("from outside".to_owned());
    for client in &mut clients {
        assert_eq!(
            next(client).await,
            json!({"type": 1, "object": "board", "signal": 1, "args": ["from outside"]})
        );
    }
}

#[tokio::test]
async fn binary_frames_are_dropped_and_the_session_goes_on() {
    let (url, _channel, _board) = serve().await;
    let mut client = connect(&url).await;
    client
        .send(Message::binary(vec![0u8, 159, 146, 150]))
        .await
        .expect("send");
    send(&mut client, json!({"type": 3, "id": 7})).await;
    assert_eq!(next(&mut client).await["id"], 7);
}

#[tokio::test]
async fn a_client_close_is_answered_and_frees_the_session() {
    let (url, channel, _board) = serve().await;
    let mut client = connect(&url).await;
    send(&mut client, json!({"type": 3, "id": 0})).await;
    next(&mut client).await;
    client
        .close(Some(CloseFrame {
            code: CloseCode::Normal,
            reason: "bye".into(),
        }))
        .await
        .expect("close sent");
    let reply = tokio::time::timeout(WAIT, client.next())
        .await
        .expect("a reply in time");
    match reply {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(frame.code, CloseCode::Normal),
        other => panic!("expected the server's Close frame, got {other:?}"),
    }
    tokio::time::timeout(WAIT, async {
        while channel.session_count() > 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the session ends");
}

#[tokio::test]
async fn closing_the_channel_closes_sockets_with_1001_after_queued_frames() {
    let (url, channel, board) = serve().await;
    let mut client = listening_for_pins(&url).await;
    send(&mut client, json!({"type": 3, "id": "sync"})).await;
    next(&mut client).await;
    board.pinned("last words".to_owned());
    channel.close_all();
    assert_eq!(next(&mut client).await["args"], json!(["last words"]));
    let close = tokio::time::timeout(WAIT, client.next())
        .await
        .expect("a close in time");
    match close {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(frame.code, CloseCode::Away),
        other => panic!("expected a Close frame with 1001, got {other:?}"),
    }
}
