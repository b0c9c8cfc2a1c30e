//! Qt's WebChannel ChatServer example, rebuilt on [`webchannel`].
//!
//! [`ChatServer`] is the published object (`chatserver` on the wire); [`serve`] runs it
//! with its keep-alive timer on a WebSocket listener. Qt's own clients (the QML
//! ChatClient, the HTML ChatClient, `qwebchannel.js` from Node) work against it unchanged.

mod chat;
mod keepalive;
pub mod names;
pub mod rules;
mod server;
mod web;

pub use chat::{ChatServer, ChatServerSignals};
pub use keepalive::KeepAlive;
pub use server::{Settings, publish, serve};
