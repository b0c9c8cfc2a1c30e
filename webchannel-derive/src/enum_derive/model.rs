//! What `#[derive(webchannel::Enum)]` knows about an enum once it is checked.

use syn::{Ident, Path};

/// A fieldless enum with the value of every variant.
pub(crate) struct PublishedEnum {
    /// How generated code names the runtime crate (`::webchannel`).
    pub(crate) krate: Path,
    pub(crate) ident: Ident,
    /// The name clients and Qt signatures see (`Mode`).
    pub(crate) name: String,
    pub(crate) variants: Vec<Variant>,
}

/// One variant and the number it travels as.
pub(crate) struct Variant {
    pub(crate) ident: Ident,
    /// The key in the `enums` table (`Off`).
    pub(crate) name: String,
    pub(crate) value: i64,
}
