#![doc = include_str!("../../README.md")]

// The macro's output names `::webchannel`; this lets the crate's own tests use it.
#[cfg(test)]
extern crate self as webchannel;

// The layers, from the bottom up; a module names only those below it.
mod config;
mod error;
mod ids;
mod support;

pub mod cluster;

pub mod protocol;

mod object;

mod fanout;

mod channel;

mod session;

mod driver;
mod limits;
pub mod transport;

#[cfg(feature = "typescript")]
pub mod typescript;

pub use channel::Channel;
pub use config::Config;
#[cfg(feature = "server")]
pub use config::{ByteRate, MessageRate};
pub use driver::direct::DirectSession;
pub use driver::task::{Inbound, Outbound};
pub use error::{InvokeError, InvokeErrorKind, RegisterError};
pub use fanout::activity::Checkpoint;
pub use fanout::session_activity::SessionActivity;
/// What a session was opened with, which its calls read through
/// [`Context::extensions`]: `http`'s type map, the one axum requests carry.
pub use http::Extensions;
pub use ids::SessionId;
pub use object::any_handle::AnyHandle;
pub use object::enums::PublishedEnum;
pub use object::meta;
pub use object::typed::{Context, Handle, Object};
pub use object::variant::Variant;
pub use protocol::close::CloseReason;
#[cfg(feature = "server")]
pub use transport::client_js::{client_js, client_js_handler};
#[cfg(feature = "server")]
pub use transport::listener::serve;
pub use transport::memory::MemoryClient;
#[cfg(feature = "server")]
pub use transport::websocket::{WebSocketRejection, WebSocketRequest};
pub use webchannel_derive::{Enum, object};

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
