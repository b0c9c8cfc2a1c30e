//! [`PublishedEnum`]: a fieldless Rust enum that clients see as numbers, whose keys the
//! objects that publish it list in their `enums` table.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::meta::EnumMeta;

/// A fieldless enum that travels as its number. Implemented by
/// `#[derive(webchannel::Enum)]`; an object lists the enums it publishes with
/// `#[webchannel::object(enums(Mode))]`, and clients then read `object.Mode.Auto`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a published enum",
    label = "listed in `enums(...)`, so it must derive `webchannel::Enum`",
    note = "add `#[derive(webchannel::Enum)]` to the enum"
)]
pub trait PublishedEnum: Serialize + DeserializeOwned + 'static {
    /// The enum's name and its `(key, value)` table.
    const META: EnumMeta;
}
