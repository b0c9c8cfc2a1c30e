//! The `chatserver` object: who is logged in from which session, and the messages
//! between them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use webchannel::{Context, SessionId};

use crate::names::UserName;
use crate::rules::is_valid_message;

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
#[derive(Debug, Default)]
pub struct ChatServer {
    /// Everyone logged in, with the session they logged in from.
    users: BTreeMap<String, SessionId>,
    /// The user each session is logged in as.
    sessions: HashMap<SessionId, String>,
    /// Who has shown signs of life since the current keep-alive round began.
    alive: BTreeSet<String>,
    /// The look-alike keys of every logged-in user's name: a name with one of them is
    /// taken.
    look_alikes: HashSet<String>,
}

#[webchannel::object]
impl ChatServer {
    /// Everyone logged in, sorted.
    #[webchannel(property, notify = user_list_changed)]
    pub fn user_list(&self) -> Vec<String> {
        self.users.keys().cloned().collect()
    }

    /// Logs this connection in as `user_name`; `false` when the name is not a valid name,
    /// is taken or looks like a name that is, or when this connection is already logged
    /// in.
    pub fn login(&mut self, user_name: String, cx: &Context<Self>) -> bool {
        let session = cx.session();
        let name = match UserName::parse(&user_name) {
            Ok(name) => name,
            Err(problem) => {
                tracing::debug!(%session, "refused a user name that {problem}");
                return false;
            }
        };
        if self.sessions.contains_key(&session) {
            return false;
        }
        let keys = name.look_alike_keys();
        if keys.iter().any(|key| self.look_alikes.contains(key)) {
            tracing::debug!(%session, user = %name, "refused a name that is taken or looks like one that is");
            return false;
        }
        tracing::info!(%session, user = %name, "user logged in");
        let name = name.as_str().to_owned();
        self.look_alikes.extend(keys);
        // A user who just logged in cannot have answered a keep-alive sent before.
        self.alive.insert(name.clone());
        self.sessions.insert(session, name.clone());
        self.users.insert(name, session);
        cx.users_changed();
        true
    }

    /// Logs `user_name` out; `false` unless this connection is logged in under that name.
    pub fn logout(&mut self, user_name: String, cx: &Context<Self>) -> bool {
        let Some(user) = self.own_user(&user_name, cx.session()) else {
            return false;
        };
        tracing::info!(session = %cx.session(), %user, "user logged out");
        self.remove(&user);
        cx.users_changed();
        true
    }

    /// Sends `msg` from `user` to everyone; `false` unless this connection is logged in as
    /// `user` and `msg` is at most 64 KiB.
    pub fn send_message(&self, user: String, msg: String, cx: &Context<Self>) -> bool {
        let Some(user) = self.own_user(&user, cx.session()) else {
            return false;
        };
        if !is_valid_message(&msg) {
            return false;
        }
        cx.new_message(local_time(), user, msg);
        true
    }

    /// The answer to [`keepAlive`](ChatServerSignals::keep_alive): `user` is still there.
    /// Counts only from the connection `user` logged in from.
    pub fn keep_alive_response(&mut self, user: String, cx: &Context<Self>) {
        if let Some(user) = self.own_user(&user, cx.session()) {
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

    /// Whether `user` (as typed or as shown) is logged in.
    pub fn is_logged_in(&self, user: &str) -> bool {
        self.users.contains_key(user)
            || UserName::parse(user).is_ok_and(|name| self.users.contains_key(name.as_str()))
    }

    /// The user `session` is logged in as, if `typed` names it (as shown, or as typed).
    fn own_user(&self, typed: &str, session: SessionId) -> Option<String> {
        let own = self.sessions.get(&session)?;
        // Clients that send the name as shown need no normalization.
        if own == typed || UserName::parse(typed).is_ok_and(|name| name.as_str() == own) {
            Some(own.clone())
        } else {
            None
        }
    }

    /// Forgets `user` and the session it logged in from.
    fn remove(&mut self, user: &str) {
        if let Some(session) = self.users.remove(user) {
            self.sessions.remove(&session);
        }
        self.alive.remove(user);
        // What is logged in was parsed, so it parses again, to the same name.
        if let Ok(name) = UserName::parse(user) {
            for key in name.look_alike_keys() {
                self.look_alikes.remove(&key);
            }
        }
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
