//! The users logged in through this instance: which session each came from, which
//! keep-alive round each has not answered yet, and which names (and look-alikes) are
//! taken here.
//!
//! A login is reserved before it is decided and confirmed after: on a cluster the decision
//! waits for the other instances (a claim in the broker), and meanwhile the session counts
//! as logging in (a second `login` on it is refused) and the name as taken here.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hash;

use webchannel::{Checkpoint, SessionId};

use crate::names::UserName;

/// Why a login was refused before anyone else was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The session is logged in already, or logging in.
    SessionTaken,
    /// The name, or a name it looks like, is logged in here.
    NameTaken,
}

/// This instance's users, by the session (`S`, a [`SessionId`] but in unit tests) they
/// logged in from.
#[derive(Debug)]
pub(crate) struct Users<S = SessionId> {
    /// Everyone logged in here, with the session they logged in from and the keep-alive
    /// round they owe.
    users: BTreeMap<String, User<S>>,
    /// The user each session is logged in as.
    sessions: HashMap<S, String>,
    /// Logins being decided, by session.
    logging_in: HashMap<S, String>,
    /// The look-alike keys of every name logged in or logging in here: a name with one of
    /// them is taken.
    look_alikes: HashSet<String>,
}

impl<S> Default for Users<S> {
    fn default() -> Self {
        Self {
            users: BTreeMap::new(),
            sessions: HashMap::new(),
            logging_in: HashMap::new(),
            look_alikes: HashSet::new(),
        }
    }
}

impl<S: Copy + Eq + Hash> Users<S> {
    /// Reserves `name` for `session`, unless either is taken here.
    pub(crate) fn reserve(&mut self, session: S, name: &UserName) -> Result<(), Refusal> {
        if self.sessions.contains_key(&session) || self.logging_in.contains_key(&session) {
            return Err(Refusal::SessionTaken);
        }
        let keys = name.look_alike_keys();
        if keys.iter().any(|key| self.look_alikes.contains(key)) {
            return Err(Refusal::NameTaken);
        }
        self.look_alikes.extend(keys);
        self.logging_in.insert(session, name.as_str().to_owned());
        Ok(())
    }

    /// Turns the reservation of `session` into a login; `false` if it is gone (the
    /// session ended meanwhile).
    pub(crate) fn confirm(&mut self, session: S) -> bool {
        let Some(name) = self.logging_in.remove(&session) else {
            return false;
        };
        // A user who just logged in owes no round sent before.
        self.sessions.insert(session, name.clone());
        self.users.insert(
            name,
            User {
                session,
                owed: None,
            },
        );
        true
    }

    /// Drops the reservation of `session`: the name was not to be had.
    pub(crate) fn cancel(&mut self, session: S) {
        if let Some(name) = self.logging_in.remove(&session) {
            self.free_look_alikes(&name);
        }
    }

    /// Everyone logged in here, sorted.
    pub(crate) fn names(&self) -> Vec<String> {
        self.users.keys().cloned().collect()
    }

    /// Whether `name` (as shown) is logged in here.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.users.contains_key(name)
    }

    /// The user `session` is logged in as, if `typed` names it (as shown, or as typed).
    pub(crate) fn own_user(&self, typed: &str, session: S) -> Option<String> {
        let own = self.sessions.get(&session)?;
        // Clients that send the name as shown need no normalization.
        if own == typed || UserName::parse(typed).is_ok_and(|name| name.as_str() == own) {
            Some(own.clone())
        } else {
            None
        }
    }

    /// Logs out the user `session` is logged in as, if `typed` names it; returns its name.
    pub(crate) fn log_out(&mut self, typed: &str, session: S) -> Option<String> {
        let user = self.own_user(typed, session)?;
        self.remove(&user);
        Some(user)
    }

    /// `user` answered a keep-alive: it owes none.
    pub(crate) fn mark_alive(&mut self, user: &str) {
        if let Some(user) = self.users.get_mut(user) {
            user.owed = None;
        }
    }

    /// The session ended: forgets its login, decided or not; returns the user it was
    /// logged in as.
    pub(crate) fn end_session(&mut self, session: S) -> Option<String> {
        self.cancel(session);
        let user = self.sessions.get(&session).cloned()?;
        self.remove(&user);
        Some(user)
    }

    /// Forgets `user` and the session it logged in from; `false` if it was not logged in.
    pub(crate) fn remove(&mut self, user: &str) -> bool {
        let Some(User { session, .. }) = self.users.remove(user) else {
            return false;
        };
        self.sessions.remove(&session);
        self.free_look_alikes(user);
        true
    }

    /// Starts a keep-alive round, before its `keepAlive` is emitted: every user logged in
    /// here that owes no answer now owes one to this round. `keepAliveResponse`, or
    /// logging in again, settles it.
    pub(crate) fn begin_keep_alive_round(&mut self) {
        for user in self.users.values_mut() {
            user.owed.get_or_insert(Owed::Emitting);
        }
    }

    /// The round's `keepAlive` was emitted before `checkpoint` (taken right after it):
    /// the users that owe this round are timed from it.
    pub(crate) fn keep_alive_sent(&mut self, checkpoint: Checkpoint) {
        for user in self.users.values_mut() {
            if let Some(owed @ Owed::Emitting) = &mut user.owed {
                *owed = Owed::Since(checkpoint);
            }
        }
    }

    /// Shows `visit` every user that owes an answer to a round whose `keepAlive` was sent,
    /// with the session it logged in from and the round's checkpoint. Nothing is copied:
    /// the keep-alive looks at every owing user several times a second, and keeps only
    /// the few it drops.
    pub(crate) fn for_each_owing(&self, mut visit: impl FnMut(&str, S, Checkpoint)) {
        for (name, user) in &self.users {
            if let Some(Owed::Since(checkpoint)) = user.owed {
                visit(name, user.session, checkpoint);
            }
        }
    }

    /// The users that owe an answer to a round whose `keepAlive` was sent, with the
    /// session each logged in from and the round's checkpoint.
    pub(crate) fn owing(&self) -> Vec<OwingUser<S>> {
        let mut owing = Vec::new();
        self.for_each_owing(|name, session, checkpoint| {
            owing.push(OwingUser {
                name: name.to_owned(),
                session,
                checkpoint,
            });
        });
        owing
    }

    /// How many users are logged in here.
    pub(crate) fn count(&self) -> usize {
        self.users.len()
    }

    /// Drops those of `owing` that still owe the same round from the same session (they
    /// did not answer, log out or log in again since); returns their names, sorted.
    pub(crate) fn drop_owing(&mut self, owing: &[OwingUser<S>]) -> Vec<String> {
        let mut dropped: Vec<String> = owing
            .iter()
            .filter(|owing| {
                self.users.get(&owing.name).is_some_and(|user| {
                    user.session == owing.session
                        && matches!(user.owed, Some(Owed::Since(checkpoint)) if checkpoint == owing.checkpoint)
                })
            })
            .map(|user| user.name.clone())
            .collect();
        dropped.sort();
        dropped.dedup();
        for user in &dropped {
            self.remove(user);
        }
        dropped
    }

    fn free_look_alikes(&mut self, name: &str) {
        // What is logged in was parsed, so it parses again, to the same name.
        if let Ok(name) = UserName::parse(name) {
            for key in name.look_alike_keys() {
                self.look_alikes.remove(&key);
            }
        }
    }
}

/// A user that owes an answer to a keep-alive round whose `keepAlive` was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwingUser<S = SessionId> {
    /// The name, as shown.
    pub name: String,
    /// The session it logged in from.
    pub session: S,
    /// The checkpoint taken right behind the round's `keepAlive`.
    pub checkpoint: Checkpoint,
}

/// A user logged in here.
#[derive(Debug)]
struct User<S> {
    /// The session it logged in from.
    session: S,
    /// The keep-alive round it has not answered yet, if any.
    owed: Option<Owed>,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn name(typed: &str) -> UserName {
        UserName::parse(typed).expect("a valid name")
    }

    #[test]
    fn a_reserved_login_holds_its_session_and_name_until_decided() {
        let (first, second) = (1, 2);
        let mut users = Users::<u8>::default();
        users.reserve(first, &name("alice")).expect("free");
        assert_eq!(
            users.reserve(first, &name("bob")),
            Err(Refusal::SessionTaken)
        );
        assert_eq!(
            users.reserve(second, &name("Alice")),
            Err(Refusal::NameTaken)
        );
        assert!(
            users.names().is_empty(),
            "not listed before it is confirmed"
        );
        assert_eq!(users.own_user("alice", first), None);

        assert!(users.confirm(first));
        assert_eq!(users.names(), ["alice"]);
        assert_eq!(users.own_user("alice", first).as_deref(), Some("alice"));
        assert_eq!(
            users.reserve(first, &name("bob")),
            Err(Refusal::SessionTaken)
        );
    }

    #[test]
    fn a_cancelled_or_ended_reservation_frees_the_name() {
        let (first, second) = (1, 2);
        let mut users = Users::<u8>::default();
        users.reserve(first, &name("alice")).expect("free");
        users.cancel(first);
        users.reserve(second, &name("alice")).expect("free again");
        assert_eq!(users.end_session(second), None, "it was not logged in yet");
        assert!(!users.confirm(second), "the session ended meanwhile");
        users.reserve(first, &name("alice")).expect("free again");
        assert!(users.confirm(first));
        assert_eq!(users.end_session(first).as_deref(), Some("alice"));
        assert!(users.names().is_empty());
    }

    #[test]
    fn keep_alive_rounds_drop_those_that_still_owe_one() {
        let (first, second, third) = (1, 2, 3);
        let mut users = Users::<u8>::default();
        for (session, typed) in [(first, "alice"), (second, "bob")] {
            users.reserve(session, &name(typed)).expect("free");
            assert!(users.confirm(session));
        }
        users.begin_keep_alive_round();
        assert!(
            users.owing().is_empty(),
            "nobody is timed before the round's checkpoint is taken"
        );
        let checkpoint = webchannel::Channel::new().checkpoint();
        users.keep_alive_sent(checkpoint);
        users.reserve(third, &name("carol")).expect("free");
        assert!(users.confirm(third));
        let mut owing = users.owing();
        owing.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(
            owing.iter().map(|user| user.session).collect::<Vec<_>>(),
            [first, second],
            "who came later owes nothing"
        );
        assert_eq!(users.count(), 3);
        // Alice answers between the look and the drop: she is kept.
        users.mark_alive("alice");
        assert_eq!(users.drop_owing(&owing), ["bob"]);
        assert_eq!(users.names(), ["alice", "carol"]);
        assert!(users.owing().is_empty());
    }
}
