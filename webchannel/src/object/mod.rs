//! The object model: what a published object is, above the wire protocol and below
//! everything that delivers its signals.
//!
//! - [`meta`]: the static description `#[webchannel::object]` writes for each type (names,
//!   wire indices, plain type descriptions and how each type is named in TypeScript);
//!   `description.rs` renders it once into the text of an init description.
//! - `typed.rs`: the [`Object`](typed::Object) trait, [`Handle`](typed::Handle),
//!   [`Context`](typed::Context) and `Published<T>`; `published.rs` erases `T`.
//! - `erased.rs`: [`ErasedObject`](erased::ErasedObject), the untyped interface sessions
//!   call, the [`ObjectCore`](erased::ObjectCore) every object has (its identity,
//!   description, cached values and publication), and the [`Outlet`](erased::Outlet) its
//!   signals leave by, which the channel implements.
//! - `emitter.rs`: how a signal is serialized once and handed to the outlet; `call.rs`:
//!   what a call reads and a getter writes; `in_values.rs`: objects inside values.
//! - `any_handle.rs`: [`AnyHandle`](any_handle::AnyHandle), an object of any type;
//!   `variant.rs`: [`Variant`](variant::Variant), JSON whose nodes may be objects.
//! - `js_types.rs` and `refusal.rs`: the words of the errors clients read, which name
//!   JavaScript types and never Rust ones.

pub(crate) mod any_handle;
pub(crate) mod cache;
pub(crate) mod call;
pub(crate) mod caller;
pub(crate) mod change;
pub(crate) mod description;
pub(crate) mod emitter;
pub(crate) mod enums;
pub(crate) mod erased;
pub(crate) mod identity;
pub(crate) mod in_values;
pub(crate) mod js_types;
pub mod meta;
pub(crate) mod published;
pub(crate) mod refusal;
pub(crate) mod ts_probe;
pub(crate) mod typed;
pub(crate) mod variant;
