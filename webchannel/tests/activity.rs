//! What the runtime knows about each session's traffic (`Channel::checkpoint`,
//! `Channel::session_activity`), through both drivers: a task between a stream and a sink
//! whose writes take as long as a test says, on a channel that probes busy clients with
//! pings or one that does not, and a `DirectSession`. Time is tokio's paused clock.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{sink, stream};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep};
use webchannel::{
    Channel, Checkpoint, CloseReason, Config, Context, DirectSession, Handle, Inbound, Outbound,
    SessionActivity, SessionId,
};

/// An object whose signals and property the tests drive, and which tells who called it.
#[derive(Default)]
pub struct Probe {
    level: i64,
    callers: Vec<SessionId>,
}

#[webchannel::object]
impl Probe {
    /// A property whose changes travel in `propertyUpdate`s.
    #[webchannel(property, notify = level_changed)]
    pub fn level(&self) -> i64 {
        self.level
    }

    /// Notes the calling session.
    pub fn hello(&mut self, cx: &Context<Self>) {
        self.callers.push(cx.session());
    }

    /// The level changed.
    #[webchannel(signal)]
    fn level_changed();

    /// A plain signal.
    #[webchannel(signal)]
    fn flashed();
}

const INIT: &str = r#"{"type":3,"id":0}"#;
const IDLE: &str = r#"{"type":4}"#;
/// Signals: 0 destroyed, 1 levelChanged, 2 flashed.
const CONNECT_FLASHED: &str = r#"{"type":7,"object":"probe","signal":2}"#;
const HELLO: &str = r#"{"type":6,"object":"probe","method":"hello","args":[],"id":1}"#;

/// How often the probing channel pings a busy client.
const PROBE_INTERVAL: Duration = Duration::from_millis(500);

/// A channel that probes busy clients, with the test object.
fn setup() -> (Channel, Handle<Probe>) {
    with_config(Config::default().with_probe_interval(Some(PROBE_INTERVAL)))
}

fn with_config(config: Config) -> (Channel, Handle<Probe>) {
    let channel = Channel::with_config(config);
    let probe = channel
        .register("probe", Probe::default())
        .expect("fresh channel");
    (channel, probe)
}

async fn last_caller(probe: &Handle<Probe>) -> SessionId {
    *probe.read().await.callers.last().expect("a caller")
}

fn activity(channel: &Channel, session: SessionId) -> SessionActivity {
    channel
        .session_activity(session)
        .expect("the session is connected")
}

/// Asserts that `measured` is `expected`, give or take the clock's millisecond.
fn assert_about(measured: Duration, expected: Duration) {
    assert!(
        measured >= expected && measured < expected + Duration::from_millis(10),
        "{measured:?}, not {expected:?}"
    );
}

/// Lets the session task run everything that is ready, without the clock moving.
async fn settle() {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
}

/// A transport whose every text frame takes `write_delay` milliseconds to write.
struct Transport {
    to_session: mpsc::UnboundedSender<Inbound>,
    from_session: mpsc::UnboundedReceiver<Outbound>,
    write_delay: Arc<AtomicU64>,
    session: JoinHandle<CloseReason>,
}

#[derive(Debug)]
struct Gone;

impl Transport {
    fn connect(channel: &Channel) -> Self {
        let (to_session, incoming) = mpsc::unbounded_channel();
        let (outgoing, from_session) = mpsc::unbounded_channel();
        let write_delay = Arc::new(AtomicU64::new(0));
        let delay = Arc::clone(&write_delay);
        let outgoing = sink::unfold(
            (outgoing, delay),
            |(outgoing, delay), outbound: Outbound| async move {
                let millis = delay.load(Ordering::Relaxed);
                if matches!(outbound, Outbound::Text(_)) && millis > 0 {
                    sleep(Duration::from_millis(millis)).await;
                }
                outgoing.send(outbound).map_err(|_| Gone)?;
                Ok::<_, Gone>((outgoing, delay))
            },
        );
        let incoming = stream::unfold(incoming, |mut incoming| async move {
            incoming.recv().await.map(|inbound| (inbound, incoming))
        });
        let channel = channel.clone();
        let session = tokio::spawn(async move { channel.run_session(incoming, outgoing).await });
        Self {
            to_session,
            from_session,
            write_delay,
            session,
        }
    }

    fn send(&self, text: &str) {
        self.to_session
            .send(Inbound::Text(text.into()))
            .expect("the session reads");
    }

    async fn next(&mut self) -> Outbound {
        self.from_session.recv().await.expect("the session writes")
    }

    async fn next_text(&mut self) -> Value {
        loop {
            if let Outbound::Text(frame) = self.next().await {
                return serde_json::from_str(frame.as_str()).expect("JSON");
            }
        }
    }

    /// Initialises, says it is idle, connects to `flashed` and says hello; returns the
    /// session's id.
    async fn start(&mut self, probe: &Handle<Probe>) -> SessionId {
        self.send(INIT);
        self.next_text().await;
        for text in [IDLE, CONNECT_FLASHED, HELLO] {
            self.send(text);
        }
        assert_eq!(self.next_text().await["id"], 1);
        last_caller(probe).await
    }

    /// Answers pings until `checkpoint` has been reached.
    async fn pong_until_reached(&mut self, activity: &SessionActivity, checkpoint: Checkpoint) {
        settle().await;
        while activity.reached(&checkpoint).is_none() {
            if let Outbound::Ping(echoed) = self.next().await {
                self.pong(echoed);
            }
            settle().await;
        }
    }

    fn pong(&self, echoed: u64) {
        self.to_session
            .send(Inbound::Pong(Some(echoed)))
            .expect("reading");
    }

    /// A connected, started client of `channel` whose session has reached a first
    /// checkpoint (from which on it stamps what it hears), and what the channel knows of
    /// its session.
    async fn started(
        channel: &Channel,
        probe: &Handle<Probe>,
    ) -> (Self, SessionId, SessionActivity) {
        let mut client = Self::connect(channel);
        let session = client.start(probe).await;
        let activity = activity(channel, session);
        client
            .pong_until_reached(&activity, channel.checkpoint())
            .await;
        settle().await;
        (client, session, activity)
    }

    fn set_write_delay(&self, delay: Duration) {
        let millis = u64::try_from(delay.as_millis()).expect("a test's delay");
        self.write_delay.store(millis, Ordering::Relaxed);
    }
}

/// The number a checkpoint's pings carry.
fn number(checkpoint: &Checkpoint) -> u64 {
    format!("{checkpoint:?}")
        .trim_start_matches("Checkpoint(")
        .trim_end_matches(')')
        .parse()
        .expect("a checkpoint's number")
}

#[tokio::test(start_paused = true)]
async fn a_checkpoint_is_reached_when_the_write_before_it_completes_and_a_probe_shows_it_read() {
    let (channel, probe) = setup();
    let (mut client, _, activity) = Transport::started(&channel, &probe).await;
    sleep(PROBE_INTERVAL).await;
    client.set_write_delay(Duration::from_secs(5));

    let taken = Instant::now();
    probe.flashed();
    let checkpoint = channel.checkpoint();
    sleep(Duration::from_secs(1)).await;
    assert_eq!(activity.reached(&checkpoint), None, "still writing");
    assert_eq!(client.next_text().await["signal"], 2);
    // The probe right behind the frame carries the checkpoint.
    assert_eq!(client.next().await, Outbound::Ping(number(&checkpoint)));
    settle().await;
    let reached = activity.reached(&checkpoint).expect("written");
    assert_about(reached - taken, Duration::from_secs(5));
    assert_eq!(activity.read(&checkpoint), None);

    // The client's pong arrives 3 s later: it read that far then.
    sleep(Duration::from_secs(3)).await;
    client.pong(number(&checkpoint));
    settle().await;
    assert_eq!(activity.read(&checkpoint), Some(Instant::now()));
    assert_eq!(activity.last_heard(), Some(Instant::now()));
}

#[tokio::test(start_paused = true)]
async fn a_busy_client_is_probed_at_most_every_interval_and_an_idle_one_not_at_all() {
    let (channel, probe) = setup();
    let (mut client, _, _activity) = Transport::started(&channel, &probe).await;
    sleep(PROBE_INTERVAL).await;
    let mut pings = Vec::new();
    // Ten flashes a second for two seconds: four or five probes, half a second apart.
    for _ in 0..20 {
        probe.flashed();
        sleep(Duration::from_millis(100)).await;
        while let Ok(outbound) = client.from_session.try_recv() {
            if let Outbound::Ping(echoed) = outbound {
                pings.push(Instant::now());
                client.pong(echoed);
            }
        }
    }
    assert!((4..=5).contains(&pings.len()), "{} probes", pings.len());
    for pair in pings.windows(2) {
        assert!(pair[1] - pair[0] >= PROBE_INTERVAL, "{pings:?}");
    }
    // Nothing written since the last: no more probes.
    sleep(Duration::from_millis(600)).await;
    while let Ok(outbound) = client.from_session.try_recv() {
        assert!(matches!(outbound, Outbound::Ping(_)), "{outbound:?}");
    }
    let quiet = tokio::time::timeout(Duration::from_secs(20), client.next()).await;
    assert!(quiet.is_err(), "pinged an idle client: {quiet:?}");
}

#[tokio::test(start_paused = true)]
async fn without_probes_a_checkpoint_sends_no_ping() {
    let (channel, probe) = with_config(Config::default());
    let (mut client, _, activity) = Transport::started(&channel, &probe).await;
    probe.flashed();
    let checkpoint = channel.checkpoint();
    assert_eq!(client.next_text().await["signal"], 2);
    settle().await;
    assert_eq!(activity.reached(&checkpoint), Some(Instant::now()));
    // Nothing more until the liveness ping after 30 s of silence.
    let quiet = tokio::time::timeout(Duration::from_secs(29), client.next()).await;
    assert!(quiet.is_err(), "pinged: {quiet:?}");
    assert_eq!(activity.read(&checkpoint), None);
}

#[tokio::test(start_paused = true)]
async fn a_client_that_does_not_read_never_reaches_the_checkpoint_and_is_closed() {
    let (channel, probe) = setup();
    let (client, session, activity) = Transport::started(&channel, &probe).await;
    client.set_write_delay(Duration::from_secs(3600));

    probe.flashed();
    let checkpoint = channel.checkpoint();
    sleep(Duration::from_secs(9)).await;
    assert_eq!(activity.reached(&checkpoint), None);
    // The write timeout (10 s by default) ends it; its record goes with it.
    assert_eq!(client.session.await.expect("ran"), CloseReason::Stalled);
    assert!(channel.session_activity(session).is_none());
}

/// A direct session whose frames are collected.
fn direct(channel: &Channel) -> (DirectSession, Arc<Mutex<Vec<Value>>>) {
    let frames = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&frames);
    let session = channel.direct_session(move |frame| {
        let value = serde_json::from_str(frame.as_str()).expect("JSON");
        sink.lock().expect("not poisoned").push(value);
    });
    (session, frames)
}

#[tokio::test(start_paused = true)]
async fn a_direct_session_reaches_a_checkpoint_once_its_callback_took_what_came_before() {
    let (channel, probe) = setup();
    let (client, frames) = direct(&channel);
    for text in [INIT, IDLE, CONNECT_FLASHED, HELLO] {
        client.receive(text);
    }
    let session = last_caller(&probe).await;
    let activity = activity(&channel, session);
    frames.lock().expect("not poisoned").clear();

    // Handed to the callback counts as written.
    sleep(Duration::from_secs(2)).await;
    probe.flashed();
    let checkpoint = channel.checkpoint();
    assert_eq!(activity.reached(&checkpoint), Some(Instant::now()));
    let delivered = std::mem::take(&mut *frames.lock().expect("not poisoned"));
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(delivered[0]["signal"], 2);
    // No pings: nothing shows what the client read.
    assert_eq!(activity.read(&checkpoint), None);
}
