//! [`serve`]: the accept loop, with the limits that concern connections rather than
//! sessions: how many there may be at once, in all and from one address, how long one may
//! take to become a WebSocket, and a shutdown that closes every session cleanly.

use std::future::Future;
use std::io;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Response, StatusCode, header};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::{Instant, sleep, sleep_until, timeout, timeout_at};

use super::addresses::{AddressPlace, AddressPlaces};
use crate::channel::Channel;

/// How many connections beyond [`Config::max_connections`](crate::Config::max_connections)
/// are answered with 503 at once; newcomers beyond those are closed unanswered.
const REFUSALS_AT_ONCE: usize = 64;

/// How long the loop pauses after a failed `accept` (such as too many open files).
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

impl Channel {
    /// Serves [`Channel::router`] on `listener`; see [`serve`].
    pub async fn serve(
        &self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send,
    ) -> io::Result<()> {
        serve(listener, self.router(), self, shutdown).await
    }
}

/// Serves `app` (which routes to `channel`'s WebSocket, through [`Channel::router`] or
/// [`Channel::accept`]) on `listener`, with the connection limits of `channel`'s
/// [`Config`](crate::Config), until `shutdown` resolves.
///
/// At most [`max_connections`](crate::Config::max_connections) connections are served at
/// once; a newcomer beyond them gets `503 Service Unavailable`. One client address holds
/// at most [`max_connections_per_address`](crate::Config::max_connections_per_address) of
/// them (and at most half); its newcomers beyond that get `429 Too Many
/// Requests`. A connection that has not become a WebSocket within
/// [`handshake_timeout`](crate::Config::handshake_timeout) is closed, whatever it is
/// doing. On shutdown the listener closes, every session sends what is queued for it and
/// closes with code 1001, and `serve` returns once every connection has ended, or after
/// [`shutdown_timeout`](crate::Config::shutdown_timeout).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    channel: &Channel,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let config = channel.config();
    let capacity = config.max_connections.min(Semaphore::MAX_PERMITS);
    let connections = Arc::new(Semaphore::new(capacity));
    let refusals = Arc::new(Semaphore::new(REFUSALS_AT_ONCE));
    // At most half of the places: one address must never be able to hold them all.
    let per_address = config
        .max_connections_per_address
        .map(|limit| AddressPlaces::new(limit.min(capacity / 2)));
    let (stop, stopping) = watch::channel(false);
    let handshake_timeout = config.handshake_timeout;
    let mut shutdown = pin!(shutdown);
    // Logged once per spell over the limit, not once per newcomer.
    let mut refusing = false;
    loop {
        let (stream, client) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) if is_transient(&error) => continue,
                Err(error) => {
                    tracing::error!(%error, "cannot accept connections; retrying");
                    sleep(ACCEPT_RETRY).await;
                    continue;
                }
            },
        };
        let place = match per_address.as_ref().map(|places| places.take(client.ip())) {
            None => None,
            Some(Ok(place)) => Some(place),
            Some(Err(full)) => {
                if full.first {
                    tracing::warn!(
                        client = %client.ip(),
                        limit = per_address.as_ref().map(|places| places.limit()),
                        "too many connections from one address; answering its newcomers with 429"
                    );
                }
                if let Ok(permit) = Arc::clone(&refusals).try_acquire_owned() {
                    let io = TokioIo::new(Counted::new(stream, permit, None));
                    tokio::spawn(refuse_connection(
                        io,
                        Refusal::AddressFull,
                        handshake_timeout,
                    ));
                }
                continue;
            }
        };
        if let Ok(permit) = Arc::clone(&connections).try_acquire_owned() {
            refusing = false;
            let io = TokioIo::new(Counted::new(stream, permit, place));
            let service = TowerToHyperService::new(app.clone());
            tokio::spawn(serve_connection(
                io,
                service,
                handshake_timeout,
                stopping.clone(),
            ));
        } else if let Ok(permit) = Arc::clone(&refusals).try_acquire_owned() {
            if !refusing {
                tracing::warn!(
                    limit = capacity,
                    "too many connections; answering newcomers with 503"
                );
                refusing = true;
            }
            let io = TokioIo::new(Counted::new(stream, permit, None));
            tokio::spawn(refuse_connection(io, Refusal::Full, handshake_timeout));
        }
    }
    drop(listener);
    tracing::info!("closing every session");
    channel.close_all();
    let _ = stop.send(true);
    let everyone_gone = async {
        let all = u32::try_from(capacity).unwrap_or(u32::MAX);
        let _ = connections.acquire_many(all).await;
        let _ = refusals.acquire_many(REFUSALS_AT_ONCE as u32).await;
    };
    if timeout(config.shutdown_timeout, everyone_gone)
        .await
        .is_err()
    {
        tracing::warn!(
            still_open = capacity - connections.available_permits(),
            "shutdown timeout: leaving connections that did not close"
        );
    }
    Ok(())
}

/// Errors that concern one connection only, not the listener.
fn is_transient(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// Serves HTTP on one connection until it becomes a WebSocket (then the session owns the
/// socket, and with it the connection's permit), closes, or runs out of time.
///
/// The deadline is one, for everything before the upgrade: a client cannot stretch it by
/// sending its request slowly, starting another one just before it, or not reading an
/// answer. At the deadline the connection is dropped as it is.
async fn serve_connection(
    io: TokioIo<Counted>,
    service: TowerToHyperService<Router>,
    handshake_timeout: Duration,
    mut stopping: watch::Receiver<bool>,
) {
    let deadline = Instant::now() + handshake_timeout;
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(handshake_timeout)
        .serve_connection(io, service)
        .with_upgrades();
    let mut connection = pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        () = sleep_until(deadline) => {
            tracing::debug!("closing a connection that did not become a WebSocket in time");
            return;
        }
        _ = stopping.wait_for(|stop| *stop) => {}
    }
    // Shutting down: answers a request in progress, then closes, still by the deadline.
    connection.as_mut().graceful_shutdown();
    let _ = timeout_at(deadline, connection).await;
}

/// Why a connection is refused.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    /// Every place is taken.
    Full,
    /// The client's address holds as many places as it may.
    AddressFull,
}

/// Answers every request on a refused connection (503 or 429), then closes it.
async fn refuse_connection(io: TokioIo<Counted>, refusal: Refusal, handshake_timeout: Duration) {
    let (status, text) = match refusal {
        Refusal::Full => (StatusCode::SERVICE_UNAVAILABLE, "too many connections\n"),
        Refusal::AddressFull => (
            StatusCode::TOO_MANY_REQUESTS,
            "too many connections from your address\n",
        ),
    };
    let busy = service_fn(move |_request| async move {
        Response::builder()
            .status(status)
            .header(header::CONNECTION, "close")
            .header(header::RETRY_AFTER, "1")
            .body(Body::from(text))
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(handshake_timeout)
        .keep_alive(false)
        .serve_connection(io, busy);
    let _ = timeout(handshake_timeout, connection).await;
}

/// A connection that holds its place under the limits for as long as it is open, also
/// once it has become a WebSocket.
struct Counted {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
    _place: Option<AddressPlace>,
}

impl Counted {
    fn new(stream: TcpStream, permit: OwnedSemaphorePermit, place: Option<AddressPlace>) -> Self {
        Self {
            stream,
            _permit: permit,
            _place: place,
        }
    }
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
