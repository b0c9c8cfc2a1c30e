//! Who is calling: what a session was opened with reaches every call through
//! `Context::extensions` — over a WebSocket the upgrade request's extensions (filled by
//! an axum middleware here), for in-memory and direct sessions what their creator gave —
//! and the disconnect hook still reads them.

mod support;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::{self, Next};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use support::next;
use tokio::net::TcpListener;
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;
use webchannel::protocol::Frame;
use webchannel::{Channel, Context, Extensions, MemoryClient};

/// Who a session belongs to, as an authenticating layer finds out.
#[derive(Clone, Debug)]
pub struct User {
    name: String,
}

/// The names of the users whose sessions ended, in order.
type Left = Arc<Mutex<Vec<String>>>;

/// Tells callers who they are.
pub struct Desk {
    left: Left,
}

#[webchannel::object]
impl Desk {
    /// The caller's name; refused for a session opened without a user.
    pub fn whoami(&self, cx: &Context<Self>) -> Result<String, String> {
        cx.extensions()
            .get::<User>()
            .map(|user| user.name.clone())
            .ok_or_else(|| "this session has no user".to_owned())
    }

    /// Notes who left.
    #[webchannel(on_disconnect)]
    fn left(&self, cx: &Context<Self>) {
        if let Some(user) = cx.extensions().get::<User>() {
            self.left
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(user.name.clone());
        }
    }
}

fn desk() -> (Channel, Left) {
    let left = Left::default();
    let channel = Channel::new();
    channel
        .register(
            "desk",
            Desk {
                left: Arc::clone(&left),
            },
        )
        .expect("fresh channel");
    (channel, left)
}

fn user(name: &str) -> Extensions {
    let mut extensions = Extensions::new();
    extensions.insert(User {
        name: name.to_owned(),
    });
    extensions
}

const WHOAMI: &str = r#"{"type":6,"object":"desk","method":"whoami","args":[],"id":1}"#;

async fn whoami(client: &mut MemoryClient) -> Value {
    client.send(WHOAMI);
    next(client).await
}

#[tokio::test]
async fn an_in_memory_session_reads_what_it_was_given() {
    let (channel, _) = desk();
    let mut alice = channel.connect_in_memory_with(user("alice"));
    let mut nobody = channel.connect_in_memory();
    assert_eq!(whoami(&mut alice).await["data"], "alice");
    assert_eq!(
        whoami(&mut nobody).await["error"],
        "this session has no user"
    );
}

#[tokio::test]
async fn a_direct_session_reads_what_it_was_given() {
    let (channel, _) = desk();
    let frames: Arc<Mutex<Vec<Frame>>> = Arc::default();
    let sink = Arc::clone(&frames);
    let session = channel.direct_session_with(user("bob"), move |frame| {
        sink.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(frame);
    });
    session.receive(WHOAMI);
    let frames = frames.lock().unwrap_or_else(PoisonError::into_inner);
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].as_str(), r#"{"type":10,"id":1,"data":"bob"}"#);
}

#[tokio::test]
async fn the_disconnect_hook_knows_who_left() {
    let (channel, left) = desk();
    let mut alice = channel.connect_in_memory_with(user("alice"));
    whoami(&mut alice).await;
    alice.close().await;
    let names = left.lock().unwrap_or_else(PoisonError::into_inner).clone();
    assert_eq!(names, ["alice"]);
}

/// Stands for an authenticating middleware: every upgrade is Carol's.
async fn carol(mut request: Request, next: Next) -> axum::response::Response {
    request.extensions_mut().insert(User {
        name: "carol".to_owned(),
    });
    next.run(request).await
}

#[tokio::test]
async fn a_websocket_session_reads_the_upgrade_requests_extensions() {
    let (channel, _) = desk();
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let url = format!("ws://{}/", listener.local_addr().expect("bound"));
    let router = channel.router().layer(middleware::from_fn(carol));
    tokio::spawn(async move { axum::serve(listener, router).await });
    let (mut client, _) = connect_async(&url).await.expect("upgrade accepted");
    client.send(Message::text(WHOAMI)).await.expect("send");
    let answer = tokio::time::timeout(Duration::from_secs(5), client.next())
        .await
        .expect("an answer in time")
        .expect("connection open")
        .expect("a frame");
    let answer: Value = serde_json::from_str(answer.to_text().expect("text")).expect("JSON");
    assert_eq!(answer, json!({"type": 10, "id": 1, "data": "carol"}));
}
