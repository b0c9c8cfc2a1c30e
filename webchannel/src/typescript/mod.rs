//! TypeScript declarations (`.d.ts`) for the objects of a [`Channel`], generated from the
//! same metadata the protocol uses, for typed clients of `qwebchannel.js`:
//!
//! - an `interface` named after each published Rust type: properties with their types
//!   (`readonly` unless the property has a setter), methods returning `Promise<T>` with
//!   typed parameters (overloads as overloaded methods), signals as
//!   `Signal<[name: type, ...]>` with `connect` and `disconnect`, the `destroyed` signal,
//!   and the tables of published enums;
//! - the types those signatures use: published enums as unions of their numbers, and
//!   every type that implements [`ts_rs::TS`] (serde structs deriving `ts_rs::TS`, with
//!   their own dependencies) as `ts_rs` declares it;
//! - `ChannelObjects`, the objects by name, and `WebChannel`, the channel a
//!   `QWebChannel` callback receives.
//!
//! # How types are named
//!
//! `ts_rs` is the Rust→TypeScript mapper: it knows the standard types, and user types
//! opt in with `#[derive(ts_rs::TS)]`. `#[webchannel::object]` requires no such bound:
//! for each type in a signature it generates a probe that, by autoref specialization,
//! uses the type's `TS` implementation where there is one and writes `unknown` where there
//! is none. Every object therefore keeps compiling whatever its types are, and gets the
//! precise TypeScript type of every type that can give one. 64-bit integers are `number`
//! (they arrive as JSON numbers); a [`Handle<T>`](crate::Handle) is `T`'s interface, an
//! [`AnyHandle`](crate::AnyHandle) is `PublishedObject` (what every object's interface
//! has), and a [`Variant`](crate::Variant) is `Variant`, JSON that may hold
//! `PublishedObject`s.
//!
//! ```
//! use webchannel::Channel;
//!
//! #[derive(serde::Serialize, ts_rs::TS)]
//! pub struct Entry {
//!     text: String,
//!     likes: u32,
//! }
//!
//! #[derive(Default)]
//! pub struct Board;
//!
//! #[webchannel::object]
//! impl Board {
//!     /// The newest entry.
//!     pub fn newest(&self) -> Option<Entry> {
//!         None
//!     }
//! }
//!
//! let channel = Channel::new();
//! channel.register("board", Board)?;
//! let declarations = channel.typescript();
//! assert!(declarations.contains("export type Entry = { text: string, likes: number, };"));
//! assert!(declarations.contains("newest(): Promise<Entry | null>;"));
//! assert!(declarations.contains("board: Board;"));
//! # Ok::<(), webchannel::RegisterError>(())
//! ```

mod collect;
mod render;

pub use crate::object::meta::{Declarations, TsType};
/// The `ts_rs` crate this module uses: derive `ts_rs::TS` with this version to give a
/// type its TypeScript declaration.
pub use ts_rs;

use crate::channel::Channel;

/// The TypeScript declarations of every object registered on `channel`, as a `.d.ts` file.
pub fn declarations(channel: &Channel) -> String {
    let registered: Vec<_> = channel
        .objects()
        .iter()
        .map(|object| (object.core().name().to_string(), object.core().meta()))
        .collect();
    render::file(&registered)
}

impl Channel {
    /// The TypeScript declarations of every object registered now; see
    /// [`typescript`](crate::typescript).
    pub fn typescript(&self) -> String {
        declarations(self)
    }
}
