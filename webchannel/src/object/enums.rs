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

#[cfg(test)]
mod tests {
    use super::PublishedEnum;

    /// A mode, as `#[derive(webchannel::Enum)]` publishes it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, webchannel::Enum)]
    enum Mode {
        Off,
        Auto = 5,
    }

    #[test]
    fn a_derived_enum_travels_as_its_number_and_lists_its_keys() {
        assert_eq!(Mode::META.name, "Mode");
        assert_eq!(Mode::META.values, [("Off", 0), ("Auto", 5)]);
        assert_eq!(serde_json::to_string(&Mode::Auto).expect("a number"), "5");
        assert_eq!(
            serde_json::from_str::<Mode>("0").expect("a known number"),
            Mode::Off
        );
        assert!(serde_json::from_str::<Mode>("1").is_err());
    }
}
