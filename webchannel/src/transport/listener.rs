//! [`serve`]: the accept loop, with the limits that concern connections rather than
//! sessions: how many there may be at once, how long one may take to become a WebSocket,
//! and a shutdown that closes every session cleanly.

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
use tokio::time::{sleep, timeout};

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
/// once; a newcomer beyond them gets `503 Service Unavailable`. A connection that has not
/// become a WebSocket within [`handshake_timeout`](crate::Config::handshake_timeout) is
/// closed. On shutdown the listener closes, every session sends what is queued for it and
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
    let (stop, stopping) = watch::channel(false);
    let handshake_timeout = config.handshake_timeout;
    let mut shutdown = pin!(shutdown);
    // Logged once per spell over the limit, not once per newcomer.
    let mut refusing = false;
    loop {
        let stream = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) if is_transient(&error) => continue,
                Err(error) => {
                    tracing::error!(%error, "cannot accept connections; retrying");
                    sleep(ACCEPT_RETRY).await;
                    continue;
                }
            },
        };
        if let Ok(permit) = Arc::clone(&connections).try_acquire_owned() {
            refusing = false;
            let io = TokioIo::new(Counted::new(stream, permit));
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
            let io = TokioIo::new(Counted::new(stream, permit));
            tokio::spawn(refuse_connection(io, handshake_timeout));
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
async fn serve_connection(
    io: TokioIo<Counted>,
    service: TowerToHyperService<Router>,
    handshake_timeout: Duration,
    mut stopping: watch::Receiver<bool>,
) {
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(handshake_timeout)
        .serve_connection(io, service)
        .with_upgrades();
    let mut connection = pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        () = sleep(handshake_timeout) => {
            tracing::debug!("closing a connection that did not become a WebSocket in time");
        }
        _ = stopping.wait_for(|stop| *stop) => {}
    }
    // Answers a request in progress, then closes.
    connection.as_mut().graceful_shutdown();
    let _ = timeout(handshake_timeout, connection).await;
}

/// Answers every request on a connection over the limit with 503, then closes it.
async fn refuse_connection(io: TokioIo<Counted>, handshake_timeout: Duration) {
    let busy = service_fn(|_request| async {
        Response::builder()
            .status(StatusCode::SERVICE_UNAVAILABLE)
            .header(header::CONNECTION, "close")
            .header(header::RETRY_AFTER, "1")
            .body(Body::from("too many connections\n"))
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(handshake_timeout)
        .keep_alive(false)
        .serve_connection(io, busy);
    let _ = timeout(handshake_timeout, connection).await;
}

/// A connection that holds its place under the limit for as long as it is open, also
/// once it has become a WebSocket.
struct Counted {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
}

impl Counted {
    fn new(stream: TcpStream, permit: OwnedSemaphorePermit) -> Self {
        Self {
            stream,
            _permit: permit,
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
