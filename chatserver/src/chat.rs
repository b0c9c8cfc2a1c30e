//! The `chatserver` object: who is logged in from which session, and the messages
//! between them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use webchannel::{Context, SessionId};

use crate::rules::{MAX_NAME_CHARS, is_valid_message, is_valid_name};

/// The chat room Qt's clients talk to, published as `chatserver`.
///
/// Behaves like Qt's example (names are unique, the user list is kept sorted, users that
/// do not answer a keep-alive in time are dropped, see [`KeepAlive`](crate::KeepAlive)),
/// and holds a higher bar:
///
/// - A session (one connection) is at most one user: a second `login` on the same
///   connection returns `false` until that user logs out.
/// - A session speaks only for its own user: `sendMessage`, `logout` and
///   `keepAliveResponse` for any other name return `false` (or are ignored).
/// - Names must pass [`is_valid_name`](crate::rules::is_valid_name) (at most
///   [`MAX_NAME_CHARS`] characters, no control characters, not blank), else `login`
///   returns `false`; a name that is not a string at all is refused by the argument
///   check, so the call is rejected.
/// - Messages longer than [`MAX_MESSAGE_BYTES`](crate::rules::MAX_MESSAGE_BYTES) are
///   refused with `false`.
/// - When a connection closes, its user is logged out at once.
#[derive(Debug, Default)]
pub struct ChatServer {
    /// Everyone logged in, with the session they logged in from.
    users: BTreeMap<String, SessionId>,
    /// The user each session is logged in as.
    sessions: HashMap<SessionId, String>,
    /// Who has shown signs of life since the current keep-alive round began.
    alive: BTreeSet<String>,
}

#[webchannel::object]
impl ChatServer {
    /// Everyone logged in, sorted.
    #[webchannel(property, notify = user_list_changed)]
    pub fn user_list(&self) -> Vec<String> {
        self.users.keys().cloned().collect()
    }

    /// Logs this connection in as `user_name`; `false` when the name is taken or not a
    /// valid name, or when this connection is already logged in.
    pub fn login(&mut self, user_name: String, cx: &Context<Self>) -> bool {
        let session = cx.session();
        if !is_valid_name(&user_name) {
            tracing::debug!(%session, max_chars = MAX_NAME_CHARS, "refused an invalid user name");
            return false;
        }
        if self.sessions.contains_key(&session) || self.users.contains_key(&user_name) {
            return false;
        }
        tracing::info!(%session, user = %user_name, "user logged in");
        // A user who just logged in cannot have answered a keep-alive sent before.
        self.alive.insert(user_name.clone());
        self.sessions.insert(session, user_name.clone());
        self.users.insert(user_name, session);
        cx.users_changed();
        true
    }

    /// Logs `user_name` out; `false` unless this connection is logged in under that name.
    pub fn logout(&mut self, user_name: String, cx: &Context<Self>) -> bool {
        if !self.is_own_name(&user_name, cx.session()) {
            return false;
        }
        tracing::info!(session = %cx.session(), user = %user_name, "user logged out");
        self.remove(&user_name);
        cx.users_changed();
        true
    }

    /// Sends `msg` from `user` to everyone; `false` unless this connection is logged in as
    /// `user` and `msg` is at most 64 KiB.
    pub fn send_message(&self, user: String, msg: String, cx: &Context<Self>) -> bool {
        if !self.is_own_name(&user, cx.session()) || !is_valid_message(&msg) {
            return false;
        }
        cx.new_message(local_time(), user, msg);
        true
    }

    /// The answer to [`keepAlive`](ChatServerSignals::keep_alive): `user` is still there.
    /// Counts only from the connection `user` logged in from.
    pub fn keep_alive_response(&mut self, user: String, cx: &Context<Self>) {
        if self.is_own_name(&user, cx.session()) {
            self.alive.insert(user);
        }
    }

    /// A connection closed: its user, if any, is logged out at once.
    #[webchannel(on_disconnect)]
    fn session_ended(&mut self, cx: &Context<Self>) {
        if let Some(user) = self.sessions.get(&cx.session()).cloned() {
            tracing::info!(session = %cx.session(), %user, "connection closed; user logged out");
            self.remove(&user);
            cx.users_changed();
        }
    }

    /// A message: the server's local time as `HH:mm:ss`, the sender, the text.
    #[webchannel(signal)]
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
    /// Starts a keep-alive round: from now on, only users that answer (or log in) count as
    /// alive.
    pub fn begin_keep_alive_round(&mut self) {
        self.alive.clear();
    }

    /// Ends a keep-alive round: drops every user that has not shown signs of life since it
    /// began, and returns their names.
    pub fn end_keep_alive_round(&mut self) -> Vec<String> {
        let silent: Vec<String> = self
            .users
            .keys()
            .filter(|user| !self.alive.contains(*user))
            .cloned()
            .collect();
        for user in &silent {
            self.remove(user);
        }
        silent
    }

    /// Whether `user` is logged in.
    pub fn is_logged_in(&self, user: &str) -> bool {
        self.users.contains_key(user)
    }

    /// Whether `session` is logged in as `user`.
    fn is_own_name(&self, user: &str, session: SessionId) -> bool {
        self.users.get(user) == Some(&session)
    }

    /// Forgets `user` and the session it logged in from.
    fn remove(&mut self, user: &str) {
        if let Some(session) = self.users.remove(user) {
            self.sessions.remove(&session);
        }
        self.alive.remove(user);
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
