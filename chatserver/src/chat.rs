//! The `chatserver` object: who is logged in from which session, and the messages
//! between them — on one instance, or on every instance of a cluster.

use std::sync::{Mutex, MutexGuard, PoisonError};

use webchannel::cluster::ClaimSet;
use webchannel::{Checkpoint, Context, SessionId};

use crate::names::UserName;
use crate::rules::is_valid_message;
use crate::users::{OwingUser, Refusal, Users};

/// The chat room Qt's clients talk to, published as `chatserver`.
///
/// Behaves like Qt's example (names are unique, the user list is kept sorted, users that
/// do not answer a keep-alive in time are dropped, see [`KeepAlive`](crate::KeepAlive)
/// for when), and holds a higher bar:
///
/// - A session (one connection) is at most one user: a second `login` on the same
///   connection returns `false` until that user logs out.
/// - A session speaks only for its own user: `sendMessage`, `logout` and
///   `keepAliveResponse` for any other name return `false` (or are ignored).
/// - Names follow [`names`](crate::names): a typed name is normalized (NFKC, white
///   space folded), and that form is what the user list shows and what `newMessage`
///   carries; `sendMessage`, `logout` and `keepAliveResponse` accept the name as the
///   user typed it too, since Qt's clients send that back. A name with invisible,
///   direction-changing or control characters, with nothing visible, or longer than
///   [`MAX_NAME_CHARS`](crate::names::MAX_NAME_CHARS) is refused, and so is one that
///   looks like a name in use (`аlice` with a Cyrillic `а` while `alice` is logged in):
///   `login` returns `false`. A name that is not a string at all is refused by the
///   argument check, so the call is rejected.
/// - Messages longer than [`MAX_MESSAGE_BYTES`](crate::rules::MAX_MESSAGE_BYTES) are
///   refused with `false`.
/// - When a connection closes, its user is logged out at once.
///
/// On a cluster ([`ChatServer::on_cluster`]) every instance serves its own clients and
/// they share one chat: the user list is every instance's users (a name is claimed
/// across the cluster, atomically, look-alikes included), and `newMessage` reaches the
/// clients of every instance, each sender's messages in order. While the broker cannot be
/// reached, `login` and `sendMessage` answer `false` and everything else goes on.
#[derive(Debug, Default)]
pub struct ChatServer {
    /// The users logged in through this instance.
    users: Mutex<Users>,
    /// On a cluster: the names of everyone logged in on any instance, each claimed by the
    /// instance its user logged in through. `None`: this instance is the whole chat.
    everyone: Option<ClaimSet>,
}

#[webchannel::object]
impl ChatServer {
    /// Everyone logged in, sorted.
    #[webchannel(property, notify = user_list_changed)]
    pub fn user_list(&self) -> Vec<String> {
        match &self.everyone {
            Some(everyone) => everyone.members(),
            None => self.users().names(),
        }
    }

    /// Logs this connection in as `user_name`; `false` when the name is not a valid name,
    /// is taken or looks like a name that is, or when this connection is already logged
    /// in (or, on a cluster, when the broker cannot be reached).
    pub async fn login(&self, user_name: String, cx: &Context<Self>) -> bool {
        let session = cx.session();
        let name = match UserName::parse(&user_name) {
            Ok(name) => name,
            Err(problem) => {
                tracing::debug!(%session, "refused a user name that {problem}");
                return false;
            }
        };
        let reserved = self.users().reserve(session, &name);
        match reserved {
            Ok(()) => {}
            Err(Refusal::SessionTaken) => return false,
            Err(Refusal::NameTaken) => {
                tracing::debug!(%session, user = %name, "refused a name that is taken or looks like one that is");
                return false;
            }
        }
        if let Some(everyone) = &self.everyone {
            let claim = everyone.claim_with_aliases(name.as_str(), name.look_alike_keys());
            if let Err(error) = claim.await {
                self.users().cancel(session);
                tracing::debug!(%session, user = %name, "refused a name the cluster did not give: {error}");
                return false;
            }
        }
        let confirmed = self.users().confirm(session);
        if !confirmed {
            // The connection closed while the other instances were asked.
            self.release_in_background(name.as_str());
            return false;
        }
        tracing::info!(%session, user = %name, "user logged in");
        cx.users_changed();
        true
    }

    /// Logs `user_name` out; `false` unless this connection is logged in under that name.
    pub async fn logout(&self, user_name: String, cx: &Context<Self>) -> bool {
        let user = self.users().log_out(&user_name, cx.session());
        let Some(user) = user else {
            return false;
        };
        tracing::info!(session = %cx.session(), %user, "user logged out");
        if let Some(everyone) = &self.everyone {
            // Answered once the other instances were told, so that this client's list is
            // current with the answer. Unreachable, the next rejoin frees the name.
            let _ = everyone.release(&user).await;
        }
        cx.users_changed();
        true
    }

    /// Sends `msg` from `user` to everyone; `false` unless this connection is logged in as
    /// `user` and `msg` is at most 64 KiB (and, on a cluster, the broker took it).
    pub async fn send_message(&self, user: String, msg: String, cx: &Context<Self>) -> bool {
        let user = self.users().own_user(&user, cx.session());
        let Some(user) = user else {
            return false;
        };
        if !is_valid_message(&msg) {
            return false;
        }
        match cx.new_message(local_time(), user, msg).await {
            Ok(()) => true,
            Err(error) => {
                // An outage is logged once by the link; a refusal per message is noise.
                tracing::debug!(session = %cx.session(), "a message was not sent: {error}");
                false
            }
        }
    }

    /// The answer to [`keepAlive`](ChatServerSignals::keep_alive): `user` is still there.
    /// Counts only from the connection `user` logged in from.
    pub fn keep_alive_response(&self, user: String, cx: &Context<Self>) {
        let mut users = self.users();
        if let Some(user) = users.own_user(&user, cx.session()) {
            users.mark_alive(&user);
        }
    }

    /// A connection closed: its user, if any, is logged out at once.
    #[webchannel(on_disconnect)]
    fn session_ended(&self, cx: &Context<Self>) {
        let user = self.users().end_session(cx.session());
        if let Some(user) = user {
            tracing::info!(session = %cx.session(), %user, "connection closed; user logged out");
            self.release_in_background(&user);
            cx.users_changed();
        }
    }

    /// A message: the server's local time as `HH:mm:ss`, the sender, the text. On a
    /// cluster, the clients of every instance get it.
    #[webchannel(signal, cluster)]
    fn new_message(time: String, user: String, msg: String);

    /// Asks every client to answer with `keepAliveResponse`.
    #[webchannel(signal)]
    fn keep_alive();

    /// The user list changed.
    #[webchannel(signal)]
    fn user_list_changed();

    /// The number of users changed.
    #[webchannel(signal)]
    fn user_count_changed();
}

impl ChatServer {
    /// A chat whose users and messages every instance of a cluster shares: `everyone` is
    /// the claim set of the users' names, the same set on every instance (see
    /// [`publish_on_cluster`](crate::publish_on_cluster), which also keeps this
    /// instance's clients told when it changes).
    pub fn on_cluster(everyone: ClaimSet) -> Self {
        Self {
            users: Mutex::default(),
            everyone: Some(everyone),
        }
    }

    /// Starts a keep-alive round, before its `keepAlive` is emitted: every logged-in user
    /// that owes no answer now owes one to this round. `keepAliveResponse`, or logging in
    /// again, settles it.
    pub fn begin_keep_alive_round(&self) {
        self.users().begin_keep_alive_round();
    }

    /// The round's `keepAlive` was emitted before `checkpoint` (taken right after it):
    /// the users that owe this round are timed from it.
    pub fn keep_alive_sent(&self, checkpoint: Checkpoint) {
        self.users().keep_alive_sent(checkpoint);
    }

    /// The users logged in through this instance that owe an answer to a round whose
    /// `keepAlive` was sent, with their sessions and the round's checkpoint.
    pub fn owing_users(&self) -> Vec<OwingUser> {
        self.users().owing()
    }

    /// Shows `visit` each user logged in through this instance that owes an answer to a
    /// round whose `keepAlive` was sent: its name, its session and the round's checkpoint;
    /// what [`owing_users`](Self::owing_users) gives, without copying it. Logins and
    /// answers wait while it runs.
    pub fn for_each_owing_user(&self, visit: impl FnMut(&str, SessionId, Checkpoint)) {
        self.users().for_each_owing(visit);
    }

    /// How many users are logged in through this instance.
    pub fn local_user_count(&self) -> usize {
        self.users().count()
    }

    /// Drops those of `owing` that still owe that round from that session (they did not
    /// answer, log out or log in again meanwhile); returns their names, sorted.
    pub fn drop_owing_users(&self, owing: &[OwingUser]) -> Vec<String> {
        let dropped = self.users().drop_owing(owing);
        for user in &dropped {
            self.release_in_background(user);
        }
        dropped
    }

    /// Whether `user` (as typed or as shown) is logged in through this instance.
    pub fn is_logged_in(&self, user: &str) -> bool {
        let users = self.users();
        users.contains(user)
            || UserName::parse(user).is_ok_and(|name| users.contains(name.as_str()))
    }

    /// Another instance holds `user`'s name now (it claimed it while this one could not
    /// reach the broker): logs the user of this instance out. `false` if none had it.
    pub(crate) fn lose(&self, user: &str) -> bool {
        self.users().remove(user)
    }

    /// Gives `user`'s name back to the cluster without waiting: nothing waits for it,
    /// and if the broker cannot be reached the next rejoin frees it.
    fn release_in_background(&self, user: &str) {
        if let Some(everyone) = &self.everyone {
            tokio::spawn(everyone.release(user));
        }
    }

    fn users(&self) -> MutexGuard<'_, Users> {
        // Nothing panics while holding it; a poisoned lock still holds consistent users.
        self.users.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl ChatServerSignals {
    /// The user list, and with it the user count, changed.
    pub(crate) fn users_changed(&self) {
        self.user_list_changed();
        self.user_count_changed();
    }
}

/// The time of day on this machine, as Qt's `QTime::currentTime().toString("HH:mm:ss")`.
fn local_time() -> String {
    jiff::Zoned::now().strftime("%H:%M:%S").to_string()
}
