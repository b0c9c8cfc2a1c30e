//! The chat on several instances joined by a broker: the users' names are a claim set
//! every instance shares, and each instance tells its own clients when it changes.

use std::time::Duration;

use tokio::task::JoinHandle;
use webchannel::cluster::{ClaimEvent, ClaimEvents, ClaimSet, Cluster, Presence};
use webchannel::{Channel, Handle, RegisterError};

use crate::{ChatServer, KeepAlive};

/// The claim set of the users' names (every instance of one chat opens it by this name).
const USERS: &str = "users";

/// How long a clean stop waits for the broker to be told that this instance's users left.
const LEAVE_TIMEOUT: Duration = Duration::from_secs(2);

/// This instance's part in a chat shared by a cluster; see [`publish_on_cluster`].
#[derive(Debug)]
pub struct Membership {
    users: ClaimSet,
    following: JoinHandle<()>,
}

/// Registers, under `chatserver`, a chat that every instance of `cluster` shares: one
/// user list (each name held by the instance its user logged in through), and every
/// message on every instance. The users of an instance that dies leave the other
/// instances' lists within `keep_alive.interval + keep_alive.grace`, as a client that
/// stops answering the keep-alive does. `channel` must have been made with `cluster`
/// ([`Config::with_cluster`](webchannel::Config::with_cluster)) for messages to cross.
pub fn publish_on_cluster(
    channel: &Channel,
    cluster: &Cluster,
    keep_alive: KeepAlive,
) -> Result<(Handle<ChatServer>, Membership), RegisterError> {
    let presence = Presence::expiring_within(keep_alive.interval + keep_alive.grace);
    let (users, events) = cluster.claim_set(USERS, presence);
    let chat = channel.register("chatserver", ChatServer::on_cluster(users.clone()))?;
    let following = tokio::spawn(follow(events, chat.clone()));
    Ok((chat, Membership { users, following }))
}

impl Membership {
    /// Leaves the cluster on a clean stop: the other instances drop this instance's users
    /// now, rather than when its presence expires.
    pub async fn leave(self) {
        self.following.abort();
        match tokio::time::timeout(LEAVE_TIMEOUT, self.users.leave()).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(
                "could not tell the cluster that this instance's users left ({error}); they leave when its presence expires"
            ),
            Err(_) => tracing::warn!(
                "the cluster was not told within {LEAVE_TIMEOUT:?} that this instance's users left; they leave when its presence expires"
            ),
        }
    }
}

/// Tells this instance's clients of every change to the user list, and logs out the
/// users whose names another instance took (while this one could not reach the broker).
async fn follow(mut events: ClaimEvents, chat: Handle<ChatServer>) {
    while let Some(event) = events.recv().await {
        if let ClaimEvent::Lost(user) = event
            && chat.read().await.lose(&user)
        {
            tracing::warn!(%user, "another instance holds this user's name now; logged out here");
        }
        chat.users_changed();
    }
}
