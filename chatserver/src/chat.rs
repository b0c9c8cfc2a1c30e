//! The `chatserver` object: who is logged in from which session, and the messages
//! between them.

use std::collections::{BTreeMap, HashMap, HashSet};

use webchannel::{Checkpoint, Context, SessionId};

use crate::names::UserName;
use crate::rules::is_valid_message;

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
#[derive(Debug, Default)]
pub struct ChatServer {
    /// Everyone logged in, with the session they logged in from.
    users: BTreeMap<String, SessionId>,
    /// The user each session is logged in as.
    sessions: HashMap<SessionId, String>,
    /// The keep-alive round each user has not answered yet; users that owe none are not
    /// in it.
    owed: HashMap<String, Owed>,
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
            self.owed.remove(&user);
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

/// The keep-alive round a user has not answered yet. A user that missed a round keeps
/// owing that one: a client that answers in order answers it first.
#[derive(Debug, Clone, Copy)]
enum Owed {
    /// The round's `keepAlive` is being emitted; its checkpoint is not taken yet.
    Emitting,
    /// The round's `keepAlive` was emitted before this checkpoint.
    Since(Checkpoint),
}

impl ChatServer {
    /// Starts a keep-alive round, before its `keepAlive` is emitted: every logged-in user
    /// that owes no answer now owes one to this round. `keepAliveResponse`, or logging in
    /// again, settles it.
    pub fn begin_keep_alive_round(&mut self) {
        for user in self.users.keys() {
            if !self.owed.contains_key(user) {
                self.owed.insert(user.clone(), Owed::Emitting);
            }
        }
    }

    /// The round's `keepAlive` was emitted before `checkpoint` (taken right after it):
    /// the users that owe this round are timed from it.
    pub fn keep_alive_sent(&mut self, checkpoint: Checkpoint) {
        for owed in self.owed.values_mut() {
            if let Owed::Emitting = owed {
                *owed = Owed::Since(checkpoint);
            }
        }
    }

    /// Drops every user that owes an answer to a round whose checkpoint `overdue` says
    /// the user's session should have answered by now; returns their names.
    pub fn drop_overdue_users(
        &mut self,
        mut overdue: impl FnMut(SessionId, &Checkpoint) -> bool,
    ) -> Vec<String> {
        let mut dropped: Vec<String> = self
            .owed
            .iter()
            .filter_map(|(user, owed)| match owed {
                Owed::Since(checkpoint) => Some((user, checkpoint)),
                Owed::Emitting => None,
            })
            .filter(|(user, checkpoint)| {
                self.users
                    .get(*user)
                    .is_some_and(|session| overdue(*session, checkpoint))
            })
            .map(|(user, _)| user.clone())
            .collect();
        dropped.sort();
        for user in &dropped {
            self.remove(user);
        }
        dropped
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
        self.owed.remove(user);
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
