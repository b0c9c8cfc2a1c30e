//! The connection and session limits of `webchannel::serve`, over real loopback sockets
//! with tokio-tungstenite: a client that stops reading (for longer than the write timeout,
//! or for more than its backlog of bytes), one that sends more bytes per second than it
//! may, one that stops answering pings, too many connections, one address holding places
//! (clients bind 127.0.0.2, 127.0.0.3, ... to come from several addresses), connections
//! that stall before the upgrade or say nothing after it, pages of foreign origins and
//! rebound names, and a shutdown. Each limit is set small here so the tests take moments.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::{Error, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, client_async, connect_async};
use webchannel::{ByteRate, Channel, Config, Handle};
use webchannel_tests::tcp_from;

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

const WAIT: Duration = Duration::from_secs(10);

/// A loudspeaker: whatever it announces goes to every connected client.
#[derive(Default)]
pub struct Speaker;

#[webchannel::object]
impl Speaker {
    /// Answers, to show the session works.
    pub fn echo(&self, text: String) -> String {
        text
    }

    #[webchannel(signal)]
    fn announced(text: String);
}

struct Server {
    url: String,
    channel: Channel,
    speaker: Handle<Speaker>,
    stop: Option<oneshot::Sender<()>>,
    served: JoinHandle<std::io::Result<()>>,
}

async fn serve(config: Config) -> Server {
    let channel = Channel::with_config(config);
    let speaker = channel.register("speaker", Speaker).expect("fresh channel");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("ws://{}/", listener.local_addr().expect("bound"));
    let (stop, stopped) = oneshot::channel::<()>();
    let serving = channel.clone();
    let served = tokio::spawn(async move {
        serving
            .serve(listener, async {
                let _ = stopped.await;
            })
            .await
    });
    Server {
        url,
        channel,
        speaker,
        stop: Some(stop),
        served,
    }
}

async fn connect(url: &str) -> Client {
    connect_async(url).await.expect("upgrade accepted").0
}

async fn request(client: &mut Client, message: Value) -> Value {
    let id = message["id"].clone();
    client
        .send(Message::text(message.to_string()))
        .await
        .expect("send");
    response(client, &id).await
}

/// Reads until the response with `id`.
async fn response(client: &mut Client, id: &Value) -> Value {
    loop {
        let frame = tokio::time::timeout(WAIT, client.next())
            .await
            .expect("a frame in time")
            .expect("open")
            .expect("valid");
        if let Message::Text(text) = frame {
            let value: Value = serde_json::from_str(&text).expect("JSON");
            if value["type"] == 10 && value["id"] == *id {
                return value;
            }
        }
    }
}

/// Initialises and connects to `announced`.
async fn subscribed(url: &str) -> Client {
    let mut client = connect(url).await;
    let init = request(&mut client, json!({"type": 3, "id": "init"})).await;
    let signal = init["data"]["speaker"]["signals"]
        .as_array()
        .and_then(|signals| signals.iter().find(|signal| signal[0] == "announced"))
        .map(|signal| signal[1].clone())
        .expect("the announced signal is described");
    client
        .send(Message::text(
            json!({"type": 7, "object": "speaker", "signal": signal}).to_string(),
        ))
        .await
        .expect("send");
    let echo =
        json!({"type": 6, "object": "speaker", "method": "echo", "args": ["ready"], "id": "ready"});
    assert_eq!(request(&mut client, echo).await["data"], "ready");
    client
}

/// The close code the server sent, reading past anything else.
async fn close_code(client: &mut Client) -> Option<u16> {
    loop {
        match tokio::time::timeout(WAIT, client.next())
            .await
            .expect("the connection ends in time")
        {
            Some(Ok(Message::Close(frame))) => return frame.map(|frame| frame.code.into()),
            Some(Ok(_)) => {}
            None | Some(Err(_)) => return None,
        }
    }
}

async fn wait_for_sessions(channel: &Channel, count: usize) {
    tokio::time::timeout(WAIT, async {
        while channel.session_count() != count {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{} sessions instead of {count}", channel.session_count()));
}

/// Connects a client that never reads and one that does, announces 25 MiB (more than any
/// socket buffers between server and client hold) and checks that the reader got all of
/// it; returns both. The announcements keep pace with the reader (at most
/// [`READER_LAG`] ahead of it), so that it never has more than that waiting however
/// slowly this machine runs it, while the other falls ever further behind.
async fn flood_past_a_stalled_client(server: &Server) -> (Client, Client) {
    let stalled = subscribed(&server.url).await;
    let mut reader = subscribed(&server.url).await;
    let text = "x".repeat(64 * 1024);
    let rounds = 400;
    let received = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&received);
    let counting = tokio::spawn(async move {
        while counted.load(Ordering::Acquire) < rounds {
            match tokio::time::timeout(WAIT, reader.next()).await {
                Ok(Some(Ok(Message::Text(_)))) => {
                    counted.fetch_add(1, Ordering::Release);
                }
                Ok(Some(Ok(_))) => {}
                other => panic!("the reading client lost its connection: {other:?}"),
            }
        }
        // Handed back: dropping it here would end its session too.
        reader
    });
    for announced in 0..rounds {
        let deadline = tokio::time::Instant::now() + WAIT;
        while announced >= received.load(Ordering::Acquire) + READER_LAG {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the reader stopped reading"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        server.speaker.announced(text.clone());
        tokio::task::yield_now().await;
    }
    let reader = counting.await.expect("counted");
    assert_eq!(received.load(Ordering::Acquire), rounds);
    (stalled, reader)
}

/// How many announcements [`flood_past_a_stalled_client`] may be ahead of its reader: two
/// of 64 KiB, well within the smallest backlog limit these tests set.
const READER_LAG: usize = 2;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_dropped_and_the_others_get_everything() {
    let config = Config::default().with_write_timeout(Duration::from_millis(300));
    let server = serve(config).await;
    let (_stalled, mut reader) = flood_past_a_stalled_client(&server).await;
    wait_for_sessions(&server.channel, 1).await;
    let echo =
        json!({"type": 6, "object": "speaker", "method": "echo", "args": ["still"], "id": "after"});
    assert_eq!(request(&mut reader, echo).await["data"], "still");
}

/// The close frame the server sent (code and reason), reading past anything else.
async fn close_frame(client: &mut Client) -> Option<(u16, String)> {
    loop {
        match tokio::time::timeout(WAIT, client.next())
            .await
            .expect("the connection ends in time")
        {
            Some(Ok(Message::Close(frame))) => {
                return frame.map(|frame| (frame.code.into(), frame.reason.to_string()));
            }
            Some(Ok(_)) => {}
            None | Some(Err(_)) => return None,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_closed_once_its_backlog_passes_the_byte_limit() {
    // The write timeout is out of reach: only the backlog can close the client in time.
    let config = Config::default()
        .with_write_timeout(Duration::from_secs(60))
        .with_max_queued_bytes(256 * 1024);
    let server = serve(config).await;
    let (mut stalled, _reader) = flood_past_a_stalled_client(&server).await;
    wait_for_sessions(&server.channel, 1).await;
    assert_eq!(
        close_frame(&mut stalled).await,
        Some((1008, "client too slow: too many bytes queued".to_owned()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_sends_faster_than_its_byte_rate_is_slowed_not_closed() {
    let rate = ByteRate::new(256 * 1024, 256 * 1024);
    let config = Config::default()
        .with_max_message_size(64 * 1024)
        .with_inbound_byte_rate(rate);
    let server = serve(config).await;
    let mut client = subscribed(&server.url).await;
    let text = "y".repeat(60 * 1024);
    // 960 KiB: the burst, then at least 2.75 s at the rate.
    let start = std::time::Instant::now();
    for id in 0..16 {
        let echo =
            json!({"type": 6, "object": "speaker", "method": "echo", "args": [text], "id": id});
        assert_eq!(request(&mut client, echo).await["data"], text.as_str());
    }
    let took = start.elapsed();
    assert!(
        took >= Duration::from_secs(2),
        "read at full speed: {took:?}"
    );
    assert_eq!(server.channel.session_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_answering_pings_is_closed_with_1008() {
    let config =
        Config::default().with_ping(Duration::from_millis(100), Duration::from_millis(200));
    let server = serve(config).await;
    let mut answering = subscribed(&server.url).await;
    let mut silent = subscribed(&server.url).await;
    // The answering client reads (tungstenite answers pings while it reads); the silent one
    // does not read, so it does not answer.
    let reading = tokio::spawn(async move {
        let deadline = tokio::time::Instant::now() + Duration::from_millis(1500);
        while tokio::time::timeout_at(deadline, answering.next())
            .await
            .is_ok()
        {}
        answering
    });
    let mut answering = reading.await.expect("read");
    let echo =
        json!({"type": 6, "object": "speaker", "method": "echo", "args": ["alive"], "id": 1});
    assert_eq!(request(&mut answering, echo).await["data"], "alive");
    wait_for_sessions(&server.channel, 1).await;
    assert_eq!(close_code(&mut silent).await, Some(1008));
}

/// Connects to `url` from the loopback address `source` (127.0.0.2, ...: Linux routes all
/// of 127.0.0.0/8 to the loopback), as a client on another machine would.
async fn connect_from_address(url: &str, source: Ipv4Addr) -> Result<Client, Error> {
    let stream = tcp_from(url, source).await;
    client_async(url, MaybeTlsStream::Plain(stream))
        .await
        .map(|(client, _)| client)
}

fn status_of(refused: Result<Client, Error>) -> u16 {
    match refused {
        Err(Error::Http(response)) => response.status().as_u16(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_limit_get_503_until_one_leaves() {
    let server = serve(Config::default().with_max_connections(2)).await;
    let first = connect_from_address(&server.url, Ipv4Addr::new(127, 0, 0, 2))
        .await
        .expect("room");
    let _second = connect_from_address(&server.url, Ipv4Addr::new(127, 0, 0, 3))
        .await
        .expect("room");
    let third = Ipv4Addr::new(127, 0, 0, 4);
    assert_eq!(
        status_of(connect_from_address(&server.url, third).await),
        503
    );
    drop(first);
    tokio::time::timeout(WAIT, async {
        while connect_from_address(&server.url, third).await.is_err() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("a place frees up when a client leaves");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_hold_every_place() {
    // Six places, so at most three for one address.
    let config = Config::default()
        .with_max_connections(6)
        .with_handshake_timeout(WAIT * 3);
    let server = serve(config).await;
    let hoarder = Ipv4Addr::new(127, 0, 0, 2);
    // WebSockets that never say anything, and more connections than there are places
    // and refusals together, each in the middle of a request that never ends.
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(
            connect_from_address(&server.url, hoarder)
                .await
                .expect("room"),
        );
    }
    // The hoarder is told why.
    assert_eq!(
        status_of(connect_from_address(&server.url, hoarder).await),
        429
    );
    let mut slow = Vec::new();
    for _ in 0..80 {
        let mut socket = tcp_from(&server.url, hoarder).await;
        let _ = socket
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await;
        slow.push(socket);
    }
    // Anyone else still gets in and is served.
    for other in 3..6 {
        let mut client = connect_from_address(&server.url, Ipv4Addr::new(127, 0, 0, other))
            .await
            .expect("another address gets in");
        let echo =
            json!({"type": 6, "object": "speaker", "method": "echo", "args": ["in"], "id": 1});
        assert_eq!(request(&mut client, echo).await["data"], "in");
        held.push(client);
    }
    drop(slow);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_that_says_nothing_is_closed_at_the_first_message_deadline() {
    let deadline = Duration::from_millis(500);
    let server = serve(Config::default().with_first_message_timeout(deadline)).await;
    let mut talker = subscribed(&server.url).await;
    let mut silent = connect(&server.url).await;
    // A ping is no message: any WebSocket library sends those on its own.
    silent
        .send(Message::Ping(Vec::new().into()))
        .await
        .expect("ping");
    let started = tokio::time::Instant::now();
    match tokio::time::timeout(WAIT, silent.next()).await {
        Ok(Some(Ok(Message::Pong(_)))) => {}
        other => panic!("expected the pong, got {other:?}"),
    }
    let ending = loop {
        match tokio::time::timeout(WAIT, silent.next())
            .await
            .expect("closed in time")
        {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => {}
            other => panic!("expected a Close frame, got {other:?}"),
        }
    };
    let ending = ending.expect("a close code and reason");
    assert_eq!(u16::from(ending.code), 1008);
    assert_eq!(ending.reason.as_str(), "no message after connecting");
    assert!(started.elapsed() < deadline * 3, "{:?}", started.elapsed());
    wait_for_sessions(&server.channel, 1).await;
    // A client that spoke at once is not held to the deadline.
    tokio::time::sleep(deadline * 2).await;
    let echo =
        json!({"type": 6, "object": "speaker", "method": "echo", "args": ["still"], "id": 2});
    assert_eq!(request(&mut talker, echo).await["data"], "still");
}

/// How a connection can try to keep its place without becoming a WebSocket.
#[derive(Debug, Clone, Copy)]
enum Stall {
    /// Sends nothing.
    Silent,
    /// Has one request answered, then, just before the deadline, starts another whose
    /// headers never end (a byte every 50 ms).
    SlowHeaders,
    /// Asks for a large answer and never reads it.
    SlowReader,
}

/// Opens a connection that stalls as `how` says, for as long as the task runs.
async fn stall(address: &str, how: Stall, deadline: Duration) -> JoinHandle<()> {
    let mut socket = TcpStream::connect(address).await.expect("connect");
    tokio::spawn(async move {
        match how {
            Stall::Silent => std::future::pending().await,
            Stall::SlowHeaders => {
                let _ = socket.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
                tokio::time::sleep(deadline * 9 / 10).await;
                let _ = socket
                    .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                    .await;
                while socket.write_all(b"a").await.is_ok() {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
            Stall::SlowReader => {
                let _ = socket
                    .write_all(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
                    .await;
                std::future::pending().await
            }
        }
    })
}

/// Serves `config` with one place and, next to the channel's WebSocket, a route with a
/// large answer; returns the address.
async fn serve_one_place_and_a_large_page(config: Config) -> String {
    let channel = Channel::with_config(config.with_max_connections(1));
    channel.register("speaker", Speaker).expect("fresh channel");
    let app = channel.router().route(
        "/big",
        axum::routing::get(|| async { "x".repeat(16 << 20) }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("bound").to_string();
    tokio::spawn(async move {
        webchannel::serve(listener, app, &channel, std::future::pending()).await
    });
    address
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_is_not_a_websocket_by_the_handshake_timeout_gives_up_its_place() {
    let deadline = Duration::from_secs(1);
    for how in [Stall::Silent, Stall::SlowHeaders, Stall::SlowReader] {
        let config = Config::default().with_handshake_timeout(deadline);
        let address = serve_one_place_and_a_large_page(config).await;
        let url = format!("ws://{address}/");
        let started = tokio::time::Instant::now();
        let staller = stall(&address, how, deadline).await;
        // The newcomer knocks until the staller's place is free.
        let mut client = tokio::time::timeout(WAIT, async {
            loop {
                if let Ok((client, _)) = connect_async(&url).await {
                    break client;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{how:?}: the place never came free"));
        let held = started.elapsed();
        staller.abort();
        assert!(
            held > deadline / 2 && held < deadline + deadline / 2,
            "{how:?}: the place was held for {held:?}, the deadline is {deadline:?}"
        );
        // The WebSocket itself is not held to the deadline.
        tokio::time::sleep(deadline).await;
        let echo =
            json!({"type": 6, "object": "speaker", "method": "echo", "args": ["in"], "id": 1});
        assert_eq!(request(&mut client, echo).await["data"], "in");
    }
}

/// Sends a WebSocket upgrade with exactly these `Host` and `Origin` headers over a raw
/// socket, as a browser on a page of that origin would (or an attacker's page, after its
/// name was rebound to the server's address), and returns the answer's status code.
async fn upgrade_status(url: &str, host: &str, origin: Option<&str>) -> u16 {
    let address = url.trim_start_matches("ws://").trim_end_matches('/');
    let mut socket = TcpStream::connect(address).await.expect("connect");
    let mut request = format!(
        "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    );
    if let Some(origin) = origin {
        request.push_str(&format!("Origin: {origin}\r\n"));
    }
    request.push_str("\r\n");
    socket
        .write_all(request.as_bytes())
        .await
        .expect("send the request");
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0];
        let read = tokio::time::timeout(WAIT, socket.read(&mut byte))
            .await
            .expect("an answer in time")
            .expect("read");
        assert_eq!(read, 1, "the connection ended before the answer's head");
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    head.split(' ')
        .nth(1)
        .and_then(|status| status.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {head}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_pages_of_the_servers_own_origin_on_trusted_names_and_listed_origins_get_in() {
    let config = Config::default()
        .allow_origin("https://friend.example")
        .allow_host("chat.example");
    let server = serve(config).await;
    let port = server
        .url
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .expect("a port");
    let own = format!("127.0.0.1:{port}");
    let admitted = [
        // Not a browser: no Origin, whatever the Host.
        (format!("evil.example:{port}"), None),
        (own.clone(), Some(format!("http://{own}"))),
        (
            format!("localhost:{port}"),
            Some(format!("http://localhost:{port}")),
        ),
        (
            format!("chat.localhost:{port}"),
            Some(format!("http://chat.localhost:{port}")),
        ),
        (
            format!("[::1]:{port}"),
            Some(format!("http://[::1]:{port}")),
        ),
        (
            format!("192.168.1.20:{port}"),
            Some(format!("http://192.168.1.20:{port}")),
        ),
        // A name on the allow-list; behind a TLS proxy, on the default port.
        (
            format!("chat.example:{port}"),
            Some(format!("http://chat.example:{port}")),
        ),
        (
            "chat.example".to_owned(),
            Some("https://chat.example".to_owned()),
        ),
        (own.clone(), Some("https://friend.example".to_owned())),
    ];
    for (host, origin) in &admitted {
        let status = upgrade_status(&server.url, host, origin.as_deref()).await;
        assert_eq!(status, 101, "Host {host}, Origin {origin:?}");
    }
    let refused = [
        // DNS rebinding: the attacker's name, rebound to the server's address, is both the
        // page's origin and the Host.
        (
            format!("evil.example:{port}"),
            format!("http://evil.example:{port}"),
        ),
        (
            format!("evil.example:{port}"),
            format!("https://evil.example:{port}"),
        ),
        // A sandboxed frame of any site, or a page opened from a file.
        (own.clone(), "null".to_owned()),
        // Not web pages, though they name the server's host and port.
        (own.clone(), format!("ftp://{own}")),
        (own.clone(), format!("chrome-extension://{own}")),
        (own.clone(), format!("ws://{own}")),
        // Other sites, other ports, nonsense.
        (own.clone(), "https://evil.example".to_owned()),
        (own.clone(), "http://127.0.0.1:1".to_owned()),
        (own.clone(), "nonsense".to_owned()),
    ];
    for (host, origin) in &refused {
        let status = upgrade_status(&server.url, host, Some(origin)).await;
        assert_eq!(status, 403, "Host {host}, Origin {origin}");
    }
    // Pages opened from a file get in once "null" is listed.
    let files = serve(Config::default().allow_origin("null")).await;
    let host = files.url.trim_start_matches("ws://").trim_end_matches('/');
    assert_eq!(upgrade_status(&files.url, host, Some("null")).await, 101);
}

/// Sends `text` as one message in `frames` frames (all but the last empty).
async fn send_in_frames(client: &mut Client, text: &str, frames: usize) {
    for index in 0..frames {
        let opcode = if index == 0 {
            OpCode::Data(Data::Text)
        } else {
            OpCode::Data(Data::Continue)
        };
        let last = index + 1 == frames;
        let payload = if last {
            text.as_bytes().to_vec()
        } else {
            Vec::new()
        };
        client
            .send(Message::Frame(Frame::message(payload, opcode, last)))
            .await
            .expect("send");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_in_more_frames_than_the_limit_closes_the_connection_with_1008() {
    let server = serve(Config::default().with_max_message_fragments(8)).await;
    let mut client = subscribed(&server.url).await;
    let echo = json!({"type": 6, "object": "speaker", "method": "echo", "args": ["in 8"], "id": 1});
    send_in_frames(&mut client, &echo.to_string(), 8).await;
    assert_eq!(response(&mut client, &json!(1)).await["data"], "in 8");
    send_in_frames(&mut client, &echo.to_string(), 9).await;
    assert_eq!(close_code(&mut client).await, Some(1008));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_sends_what_is_queued_closes_with_1001_and_returns() {
    let mut server = serve(Config::default()).await;
    let mut clients = Vec::new();
    for _ in 0..3 {
        clients.push(subscribed(&server.url).await);
    }
    server.speaker.announced("last words".to_owned());
    if let Some(stop) = server.stop.take() {
        let _ = stop.send(());
    }
    for client in &mut clients {
        let frame = tokio::time::timeout(WAIT, client.next())
            .await
            .expect("in time");
        match frame {
            Some(Ok(Message::Text(text))) => assert!(text.contains("last words"), "{text}"),
            other => panic!("expected the queued signal, got {other:?}"),
        }
        assert_eq!(close_code(client).await, Some(1001));
    }
    let served = tokio::time::timeout(WAIT, server.served)
        .await
        .expect("serve returns once everyone is gone");
    assert!(matches!(served, Ok(Ok(()))));
    assert_eq!(server.channel.session_count(), 0);
}

#[tokio::test(start_paused = true)]
async fn the_memory_transport_answers_pings_itself() {
    let channel = Channel::with_config(
        Config::default().with_ping(Duration::from_secs(1), Duration::from_secs(1)),
    );
    channel.register("speaker", Speaker).expect("fresh channel");
    let mut client = channel.connect_in_memory();
    tokio::time::sleep(Duration::from_secs(60)).await;
    client.send(r#"{"type":3,"id":1}"#);
    let reply = client.recv().await.expect("the session is still there");
    assert!(reply.as_str().contains("\"id\":1"), "{reply}");
}
