//! The `chatserver` object: who is logged in, and the messages between them.

use std::collections::BTreeSet;

use webchannel::Context;

/// The chat room Qt's clients talk to, published as `chatserver`.
///
/// Behaves like Qt's example: names are unique, the user list is kept sorted, a message
/// is accepted only from a logged-in name, and users that do not answer a keep-alive in
/// time are dropped (see [`KeepAlive`](crate::KeepAlive)).
#[derive(Debug, Default)]
pub struct ChatServer {
    users: BTreeSet<String>,
    /// Who has shown signs of life since the current keep-alive round began.
    alive: BTreeSet<String>,
}

#[webchannel::object]
impl ChatServer {
    /// Everyone logged in, sorted.
    #[webchannel(property, notify = user_list_changed)]
    pub fn user_list(&self) -> Vec<String> {
        self.users.iter().cloned().collect()
    }

    /// Logs `user_name` in; `false` when the name is taken.
    pub fn login(&mut self, user_name: String, cx: &Context<Self>) -> bool {
        if self.users.contains(&user_name) {
            return false;
        }
        tracing::info!(session = %cx.session(), user = %user_name, "user logged in");
        // A user who just logged in cannot have answered a keep-alive sent before.
        self.alive.insert(user_name.clone());
        self.users.insert(user_name);
        cx.user_list_changed();
        cx.user_count_changed();
        true
    }

    /// Logs `user_name` out; `false` when nobody of that name is logged in.
    pub fn logout(&mut self, user_name: String, cx: &Context<Self>) -> bool {
        if !self.users.remove(&user_name) {
            return false;
        }
        tracing::info!(session = %cx.session(), user = %user_name, "user logged out");
        self.alive.remove(&user_name);
        cx.user_list_changed();
        cx.user_count_changed();
        true
    }

    /// Sends `msg` from `user` to everyone; `false` unless `user` is logged in.
    pub fn send_message(&self, user: String, msg: String, cx: &Context<Self>) -> bool {
        if !self.users.contains(&user) {
            return false;
        }
        cx.new_message(local_time(), user, msg);
        true
    }

    /// The answer to [`keepAlive`](ChatServerSignals::keep_alive): `user` is still there.
    pub fn keep_alive_response(&mut self, user: String) {
        if self.users.contains(&user) {
            self.alive.insert(user);
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
        let silent: Vec<String> = self.users.difference(&self.alive).cloned().collect();
        for user in &silent {
            self.users.remove(user);
        }
        silent
    }

    /// Whether `user` is logged in.
    pub fn is_logged_in(&self, user: &str) -> bool {
        self.users.contains(user)
    }
}

/// The time of day on this machine, as Qt's `QTime::currentTime().toString("HH:mm:ss")`.
fn local_time() -> String {
    jiff::Zoned::now().strftime("%H:%M:%S").to_string()
}
