//! One client's WebSocket: connects, then moves frames between the socket and the
//! client's protocol state until the run stops.
//!
//! Reading comes first: the task always goes back to the socket as soon as it has
//! written what the last frame asked for, so the server never waits on a slow
//! reader here.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, watch};
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message, Utf8Bytes};

use crate::client::{Client, Milestone};
use crate::dial::Plan;
use crate::tally::Tally;

/// Bytes read from the socket at a time; larger frames grow the buffer as needed.
const READ_BUFFER: usize = 8 * 1024;

/// Outgoing bytes gathered before they are written.
const WRITE_BUFFER: usize = 4 * 1024;

/// How long a client waits for its close frame to go out at the end.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

/// Where the run is; every client follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Clients connect and log in.
    Login,
    /// Senders send; everyone counts.
    Messaging,
    /// Clients report and close.
    Stop,
}

/// What every connection of a run shares.
#[derive(Debug)]
pub(crate) struct Connector {
    /// Which server each client connects to, and from which address.
    pub(crate) plan: Plan,
    /// The instant message stamps count from.
    pub(crate) start: Instant,
    /// Limits how many clients connect and log in at the same time, so that the
    /// server's accept queue is not overrun (a dropped SYN costs a second).
    pub(crate) connect_slots: Semaphore,
    /// Progress and counts.
    pub(crate) tally: Tally,
}

impl Connector {
    fn now_ns(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// Sleeps until `at_ns` (nanoseconds since the run's start), or forever for `None`.
    async fn sleep_until(&self, at_ns: Option<u64>) {
        match at_ns {
            Some(at_ns) => tokio::time::sleep_until(self.start + Duration::from_nanos(at_ns)).await,
            None => std::future::pending().await,
        }
    }
}

/// Runs `client`, number `index`, until the run stops or it fails; failures go to the
/// tally.
pub(crate) async fn run(
    index: usize,
    mut client: Client,
    connector: Arc<Connector>,
    phase: watch::Receiver<Phase>,
) {
    let result = drive(index, &mut client, &connector, phase).await;
    client.report(&connector.tally);
    if let Err(error) = result {
        connector.tally.failed(error);
    }
}

type Socket = WebSocketStream<TcpStream>;

async fn drive(
    index: usize,
    client: &mut Client,
    connector: &Connector,
    mut phase: watch::Receiver<Phase>,
) -> Result<(), String> {
    let tally = &connector.tally;
    let mut slot = Some(
        connector
            .connect_slots
            .acquire()
            .await
            .map_err(|_| "the run ended before this client connected".to_owned())?,
    );
    let config = WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER);
    let mut socket = connector.plan.dial(index).connect(config).await?;
    client.start();
    send_outbox(&mut socket, client).await?;
    loop {
        let send_due = client.next_send_at();
        tokio::select! {
            biased;
            message = socket.next() => {
                // Pings are answered by tungstenite; nothing else is expected.
                let Some(text) = text_of(message)? else { continue };
                match client.on_frame(text.as_bytes(), connector.now_ns(), tally)? {
                    Some(Milestone::LoggedIn) => {
                        slot = None;
                        tally.logged_in();
                    }
                    Some(Milestone::Finished) => tally.finished(),
                    None => {}
                }
            }
            changed = phase.changed() => {
                let now = if changed.is_ok() { *phase.borrow_and_update() } else { Phase::Stop };
                match now {
                    Phase::Login => {}
                    Phase::Messaging => client.start_sending(connector.now_ns(), tally),
                    Phase::Stop => break,
                }
            }
            () = connector.sleep_until(send_due) => client.on_send_time(connector.now_ns(), tally),
        }
        send_outbox(&mut socket, client).await?;
    }
    drop(slot);
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, socket.close(None)).await;
    Ok(())
}

/// The text of what a socket yielded: `None` for a frame that is not text, an error when
/// the connection closed or failed.
pub(crate) fn text_of(
    message: Option<Result<Message, tungstenite::Error>>,
) -> Result<Option<Utf8Bytes>, String> {
    match message {
        Some(Ok(Message::Text(text))) => Ok(Some(text)),
        Some(Ok(Message::Close(frame))) => {
            Err(format!("the server closed the connection: {frame:?}"))
        }
        Some(Ok(_)) => Ok(None),
        Some(Err(error)) => Err(format!("connection failed: {error}")),
        None => Err("the server closed the connection".to_owned()),
    }
}

async fn send_outbox(socket: &mut Socket, client: &mut Client) -> Result<(), String> {
    let mut any = false;
    for frame in client.outbox() {
        socket
            .feed(Message::text(frame))
            .await
            .map_err(|error| format!("cannot send: {error}"))?;
        any = true;
    }
    if any {
        socket
            .flush()
            .await
            .map_err(|error| format!("cannot send: {error}"))?;
    }
    Ok(())
}
