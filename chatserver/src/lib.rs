//! Qt's WebChannel ChatServer example, rebuilt on [`webchannel`].
//!
//! [`ChatServer`] is the published object (`chatserver` on the wire); [`serve`] runs it
//! with its keep-alive timer on a WebSocket listener. Qt's own clients (the QML
//! ChatClient, the HTML ChatClient, `qwebchannel.js` from Node) work against it unchanged.
//! Several instances can serve one chat, joined by a broker ([`publish_on_cluster`]; the
//! binary's `--redis`).

mod chat;
mod cluster;
mod keepalive;
pub mod names;
pub mod rules;
mod server;
mod users;
mod web;

pub use chat::{ChatServer, ChatServerSignals};
pub use cluster::{Membership, publish_on_cluster};
pub use keepalive::{KeepAlive, MASS_SILENCE_MIN_USERS, Overdue};
pub use server::{Settings, publish, serve};
pub use users::OwingUser;
