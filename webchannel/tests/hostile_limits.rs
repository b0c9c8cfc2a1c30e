//! The connection and session limits of `webchannel::serve`, over real loopback sockets
//! with tokio-tungstenite: a client that stops reading (for longer than the write timeout,
//! or for more than its backlog of bytes), one that sends more bytes per second than it
//! may, one that stops answering pings, too many connections, a connection that never
//! upgrades, pages of foreign origins, and a shutdown. Each limit is set small here so the
//! tests take moments.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Error, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};
use webchannel::{ByteRate, Channel, Config, Handle};

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
    loop {
        let frame = tokio::time::timeout(WAIT, client.next())
            .await
            .expect("a frame in time")
            .expect("open")
            .expect("valid");
        if let Message::Text(text) = frame {
            let value: Value = serde_json::from_str(&text).expect("JSON");
            if value["type"] == 10 && value["id"] == id {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_limit_get_503_until_one_leaves() {
    let server = serve(Config::default().with_max_connections(2)).await;
    let first = subscribed(&server.url).await;
    let _second = subscribed(&server.url).await;
    match connect_async(&server.url).await {
        Err(Error::Http(response)) => assert_eq!(response.status().as_u16(), 503),
        other => panic!("expected 503, got {other:?}"),
    }
    drop(first);
    tokio::time::timeout(WAIT, async {
        loop {
            if connect_async(&server.url).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("a place frees up when a client leaves");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_never_upgrades_is_closed_after_the_handshake_timeout() {
    let config = Config::default().with_handshake_timeout(Duration::from_millis(200));
    let server = serve(config).await;
    let address = server.url.trim_start_matches("ws://").trim_end_matches('/');
    for opening in [&b""[..], b"GET / HTTP/1.1\r\nHost: x\r\n"] {
        let mut idle = TcpStream::connect(address).await.expect("connect");
        tokio::io::AsyncWriteExt::write_all(&mut idle, opening)
            .await
            .expect("write");
        let mut rest = Vec::new();
        let read = tokio::time::timeout(WAIT, idle.read_to_end(&mut rest)).await;
        assert!(read.is_ok(), "the server kept a silent connection open");
    }
    // Connections that do upgrade are not affected.
    let mut client = subscribed(&server.url).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let echo = json!({"type": 6, "object": "speaker", "method": "echo", "args": ["late"], "id": 1});
    assert_eq!(request(&mut client, echo).await["data"], "late");
}

async fn connect_from(url: &str, origin: &str) -> Result<Client, Error> {
    let mut request = url.into_client_request().expect("request");
    request
        .headers_mut()
        .insert("Origin", HeaderValue::from_str(origin).expect("header"));
    connect_async(request).await.map(|(client, _)| client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_of_other_origins_are_refused_with_403() {
    let server = serve(Config::default().allow_origin("https://friend.example")).await;
    let own = server.url.trim_start_matches("ws://").trim_end_matches('/');
    for admitted in ["null", &format!("http://{own}"), "https://friend.example"] {
        assert!(
            connect_from(&server.url, admitted).await.is_ok(),
            "{admitted} was refused"
        );
    }
    for refused in ["https://evil.example", "http://127.0.0.1:1", "nonsense"] {
        match connect_from(&server.url, refused).await {
            Err(Error::Http(response)) => assert_eq!(response.status().as_u16(), 403),
            other => panic!("{refused}: expected 403, got {other:?}"),
        }
    }
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
