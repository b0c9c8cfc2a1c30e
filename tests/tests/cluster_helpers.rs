//! The parts that tests of a chat shared by several instances stand on: a real Redis server
//! that can crash and come back on the same port, and a real load balancer that sends each
//! new connection, WebSockets included, to the next instance in turn.

use std::net::{SocketAddr, TcpStream};
use std::path::Path;

use axum::Router;
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::routing::get;
use futures_util::StreamExt;
use tokio::runtime::Runtime;
use webchannel_tests::{Balancer, RedisProcess, http_get};

fn process_exists(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[test]
fn redis_answers_and_after_a_kill_restarts_empty_on_the_same_port() {
    let mut redis = RedisProcess::start();
    assert!(
        redis.url().starts_with("redis://127.0.0.1:"),
        "{}",
        redis.url()
    );
    assert_eq!(redis.cli(&["PING"]), "PONG");
    assert_eq!(redis.cli(&["SET", "greeting", "hello"]), "OK");
    assert_eq!(redis.cli(&["GET", "greeting"]), "hello");
    let cmdline = std::fs::read_to_string(format!("/proc/{}/cmdline", redis.pid()))
        .expect("the pid is a running process");
    assert!(cmdline.contains("redis-server"), "{cmdline:?}");

    let (url, crashed) = (redis.url(), redis.pid());
    redis.kill();
    assert!(!process_exists(crashed), "killed and reaped");
    assert!(
        TcpStream::connect(redis.address()).is_err(),
        "nothing listens while it is down"
    );

    redis.restart();
    assert_eq!(redis.url(), url, "the same port");
    assert_ne!(redis.pid(), crashed);
    assert_eq!(redis.cli(&["PING"]), "PONG");
    assert_eq!(redis.cli(&["GET", "greeting"]), "", "nothing was persisted");
}

#[test]
fn redis_stops_gracefully_keeps_no_snapshot_and_is_cleaned_up_when_dropped() {
    let mut redis = RedisProcess::start();
    assert_eq!(redis.cli(&["SET", "greeting", "hello"]), "OK");
    let status = redis.stop();
    assert!(status.success(), "{status}\n{}", redis.log());
    assert!(
        !redis.dir().join("dump.rdb").exists(),
        "no snapshot on shutdown"
    );

    redis.restart();
    assert_eq!(redis.cli(&["GET", "greeting"]), "");
    let (pid, dir) = (redis.pid(), redis.dir().to_path_buf());
    drop(redis);
    assert!(!process_exists(pid), "killed when dropped");
    assert!(!dir.exists(), "its directory removed");
}

/// A backend that answers `GET /name` with `name` and sends `name` as the first message
/// of a WebSocket on `/`, then holds it open until the client closes.
fn backend(runtime: &Runtime, name: &'static str) -> SocketAddr {
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a free port");
    let address = listener.local_addr().expect("bound");
    let app = Router::new()
        .route("/name", get(move || async move { name }))
        .route(
            "/",
            get(move |upgrade: WebSocketUpgrade| async move {
                upgrade.on_upgrade(move |mut socket| async move {
                    if socket.send(Message::Text(name.into())).await.is_ok() {
                        while let Some(Ok(_)) = socket.recv().await {}
                    }
                })
            }),
        );
    runtime.spawn(async move { axum::serve(listener, app).await });
    address
}

#[test]
fn the_balancer_sends_each_connection_to_the_next_backend_websockets_included() {
    let runtime = Runtime::new().expect("a runtime");
    let backends = [backend(&runtime, "first"), backend(&runtime, "second")];
    let balancer = Balancer::haproxy(&backends);
    assert_eq!(balancer.url(), format!("ws://{}", balancer.address()));

    let answers: Vec<String> = (0..4)
        .map(|_| {
            let response = http_get(&balancer.url(), "/name", &[]);
            assert_eq!(response.status, 200, "{response:?}\n{}", balancer.log());
            response.body
        })
        .collect();
    assert!(answers.contains(&"first".to_owned()), "{answers:?}");
    assert!(answers.contains(&"second".to_owned()), "{answers:?}");
    assert!(
        answers.windows(2).all(|pair| pair[0] != pair[1]),
        "round-robin: {answers:?}"
    );

    // Two WebSockets open at once, upgraded through the balancer, on different backends.
    let greetings: Vec<String> = runtime.block_on(async {
        let mut sockets = Vec::new();
        for _ in 0..2 {
            let (socket, _) = tokio_tungstenite::connect_async(balancer.url())
                .await
                .expect("upgraded through the balancer");
            sockets.push(socket);
        }
        let mut greetings = Vec::new();
        for socket in &mut sockets {
            let message = socket.next().await.expect("a message").expect("a frame");
            greetings.push(message.into_text().expect("text").to_string());
        }
        greetings
    });
    assert_eq!(
        greetings.iter().filter(|name| *name == "first").count(),
        1,
        "{greetings:?}"
    );
    assert_eq!(
        greetings.iter().filter(|name| *name == "second").count(),
        1,
        "{greetings:?}"
    );
    let pid = balancer.pid();
    drop(balancer);
    assert!(!process_exists(pid), "killed when dropped");
}
