#![doc = include_str!("../../README.md")]

// The macro's output names `::webchannel`; this lets the crate's own tests use it.
#[cfg(test)]
extern crate self as webchannel;

mod channel;
mod close;
mod complaints;
mod config;
mod enums;
mod error;
mod fanout;
mod handle;
mod listener;
mod liveness;
pub mod meta;
mod object;
mod origin;
mod pacing;
pub mod protocol;
mod published;
mod rate;
mod retained;
mod serve;
mod session;
mod sync;
pub mod transport;
pub mod typescript;
mod values;

pub use channel::Channel;
pub use close::CloseReason;
pub use config::{Config, MessageRate};
pub use enums::PublishedEnum;
pub use error::{InvokeError, InvokeErrorKind, RegisterError};
pub use handle::{Context, Emitter, Handle};
pub use listener::serve;
pub use object::{Args, BoxFuture, Invocation, Object, Reply, ValueOut};
pub use serve::{Inbound, Outbound};
pub use session::SessionId;
pub use transport::client_js::{client_js, client_js_handler};
pub use transport::direct::DirectSession;
pub use transport::memory::MemoryClient;
pub use transport::websocket::{WebSocketRejection, WebSocketRequest};
pub use webchannel_derive::{Enum, object};

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
