//! Serving the chat: the channel, the keep-alive task, and a clean shutdown.

use std::future::Future;
use std::io;
use std::time::Duration;

use tokio::net::TcpListener;
use webchannel::Channel;

use crate::{ChatServer, KeepAlive, web};

/// How long a shutdown waits for sessions to send what they have queued and close.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// Everything that can be configured about the chat server.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The keep-alive timing.
    pub keep_alive: KeepAlive,
    /// The settings of the underlying channel.
    pub channel: webchannel::Config,
}

/// Serves the chat on `listener` until `shutdown` resolves, then closes every session
/// (close code 1001, after what is queued for it) and returns.
pub async fn serve(
    listener: TcpListener,
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let channel = Channel::with_config(settings.channel);
    let chat = channel
        .register("chatserver", ChatServer::default())
        .map_err(io::Error::other)?;
    let keep_alive = tokio::spawn(settings.keep_alive.run(chat));

    let closing = channel.clone();
    axum::serve(listener, web::router(channel.clone()))
        .with_graceful_shutdown(async move {
            shutdown.await;
            closing.close_all();
        })
        .await?;

    keep_alive.abort();
    let deadline = tokio::time::Instant::now() + CLOSE_TIMEOUT;
    while channel.session_count() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(())
}
