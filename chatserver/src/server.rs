//! Serving the chat: the channel, the keep-alive task, and a clean shutdown.

use std::future::Future;
use std::io;

use tokio::net::TcpListener;
use webchannel::{Channel, Handle, RegisterError};

use crate::{ChatServer, KeepAlive, publish_on_cluster, web};

/// Everything that can be configured about the chat server.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The keep-alive timing.
    pub keep_alive: KeepAlive,
    /// The settings of the underlying channel. With a cluster
    /// ([`Config::with_cluster`](webchannel::Config::with_cluster)) the chat is shared by
    /// every instance of it; without, this instance is the whole chat.
    pub channel: webchannel::Config,
}

/// Registers a new, empty chat on `channel` under `chatserver`, the name Qt's clients look
/// for.
pub fn publish(channel: &Channel) -> Result<Handle<ChatServer>, RegisterError> {
    channel.register("chatserver", ChatServer::default())
}

/// Serves the chat on `listener`, with the limits of `settings.channel`, until `shutdown`
/// resolves; then closes every session (close code 1001, after what is queued for it) and
/// returns once they have ended. On a cluster it then leaves it, so the other instances
/// drop its users at once.
pub async fn serve(
    listener: TcpListener,
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    // The keep-alive judges clients by their pongs: busy ones are probed, unless the
    // settings choose otherwise.
    let mut config = settings.channel;
    config
        .probe_interval
        .get_or_insert(settings.keep_alive.probe_interval());
    let channel = Channel::with_config(config);
    let (chat, membership) = match channel.config().cluster.clone() {
        None => (publish(&channel).map_err(io::Error::other)?, None),
        Some(cluster) => {
            let (chat, membership) = publish_on_cluster(&channel, &cluster, settings.keep_alive)
                .map_err(io::Error::other)?;
            (chat, Some(membership))
        }
    };
    let keep_alive = tokio::spawn(settings.keep_alive.run(channel.clone(), chat));

    let served =
        webchannel::serve(listener, web::router(channel.clone()), &channel, shutdown).await;
    keep_alive.abort();
    if let Some(membership) = membership {
        membership.leave().await;
    }
    served
}
