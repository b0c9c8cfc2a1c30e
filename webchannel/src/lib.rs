#![doc = include_str!("../../README.md")]

// The macro's output names `::webchannel`; this lets the crate's own tests use it.
#[cfg(test)]
extern crate self as webchannel;

mod channel;
mod config;
mod enums;
mod error;
mod fanout;
mod handle;
mod ids;
mod listener;
mod liveness;
pub mod meta;
mod object;
mod origin;
mod pacing;
pub mod protocol;
mod published;
mod rate;
mod serve;
mod session;
mod support;
pub mod transport;
pub mod typescript;
mod values;

pub use channel::Channel;
pub use config::{Config, MessageRate};
pub use enums::PublishedEnum;
pub use error::{InvokeError, InvokeErrorKind, RegisterError};
pub use handle::{Context, Emitter, Handle};
pub use ids::SessionId;
pub use listener::serve;
pub use object::{Args, BoxFuture, Invocation, Object, Reply, ValueOut};
pub use protocol::close::CloseReason;
pub use serve::{Inbound, Outbound};
pub use transport::client_js::{client_js, client_js_handler};
pub use transport::direct::DirectSession;
pub use transport::memory::MemoryClient;
pub use transport::websocket::{WebSocketRejection, WebSocketRequest};
pub use webchannel_derive::{Enum, object};

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
