//! [`Variant`]: any JSON value whose nodes may be published objects, Qt's `QVariant`
//! holding `QObject*`s. For methods that take or return free-form data with objects
//! inside, where `serde_json::Value` would see only `{"id": ...}` maps.
//!
//! # Which JSON objects are object references
//!
//! Clients pass an object in two forms, and a free-form value may also hold plain maps
//! with an `id` key, so the rule is:
//!
//! 1. A JSON object with `"__QObject*__": true` and a string `id` is a reference, at any
//!    depth: the object that id names for this client, or an error for the client when it
//!    names none (the marker says a reference was meant). The npm and Qt 6 clients send
//!    every object they are given this way.
//! 2. A JSON object whose only member is a string `id` is a reference when that id names
//!    an object this client may use, and a plain map otherwise. This is how Qt 5.15's
//!    client sends an object passed directly as an argument (or written to a property).
//! 3. Anything else is plain JSON.
//!
//! So a plain map `{"id": "..."}` is read as an object only when its id is that of an
//! object the client knows; a map with more members never is. Values built on the server
//! are what they are built as: `Variant::from(serde_json::Value)` never looks ids up.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Number;

use super::any_handle::AnyHandle;
use super::in_values::{lookup, referenced};
use super::typed::{Handle, Object};

/// JSON whose nodes may be published objects: Qt's `QVariant` holding `QObject*`s.
///
/// As a parameter it takes any JSON a client sends, with each object reference in it
/// resolved to the object (see the module's rule for `{"id": ...}` maps); as a result, a
/// property or a signal argument, each [`Variant::Object`] reaches the client as that
/// object, described the first time the client sees it.
///
/// ```
/// use webchannel::{Handle, Variant};
///
/// # #[derive(Default)] pub struct Widget;
/// # #[webchannel::object] impl Widget {}
/// let widget = Handle::new(Widget);
/// let value = Variant::from(serde_json::json!({"label": "first", "tags": ["a"]}))
///     .with("widget", widget.clone());
/// assert_eq!(value.get("widget").and_then(Variant::as_object), Some(&widget.into()));
/// assert_eq!(value.get("label").and_then(Variant::as_str), Some("first"));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Variant {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Variant>),
    /// A JSON object that is no object reference.
    Map(BTreeMap<String, Variant>),
    /// A published object.
    Object(AnyHandle),
}

impl Variant {
    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// The number as an `i64`, if it is one that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Number(number) => number.as_i64(),
            _ => None,
        }
    }

    /// The number as an `f64`, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Number(number) => number.as_f64(),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(text) => Some(text),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Variant]> {
        match self {
            Self::Array(elements) => Some(elements),
            _ => None,
        }
    }

    /// The members, if this is a map.
    pub fn as_map(&self) -> Option<&BTreeMap<String, Variant>> {
        match self {
            Self::Map(members) => Some(members),
            _ => None,
        }
    }

    /// The published object, if this is one.
    pub fn as_object(&self) -> Option<&AnyHandle> {
        match self {
            Self::Object(object) => Some(object),
            _ => None,
        }
    }

    /// The member `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Variant> {
        self.as_map()?.get(key)
    }

    /// This map with member `key` set to `value` (a value that is no map becomes an empty
    /// one first).
    #[must_use]
    pub fn with(self, key: impl Into<String>, value: impl Into<Variant>) -> Self {
        let mut members = match self {
            Self::Map(members) => members,
            _ => BTreeMap::new(),
        };
        members.insert(key.into(), value.into());
        Self::Map(members)
    }
}

impl From<serde_json::Value> for Variant {
    /// Plain JSON, as it is: maps stay maps, whatever their keys.
    fn from(value: serde_json::Value) -> Self {
        use serde_json::Value;
        match value {
            Value::Null => Self::Null,
            Value::Bool(value) => Self::Bool(value),
            Value::Number(number) => Self::Number(number),
            Value::String(text) => Self::String(text),
            Value::Array(elements) => Self::Array(elements.into_iter().map(Self::from).collect()),
            Value::Object(members) => Self::Map(
                members
                    .into_iter()
                    .map(|(key, value)| (key, Self::from(value)))
                    .collect(),
            ),
        }
    }
}

impl From<AnyHandle> for Variant {
    fn from(object: AnyHandle) -> Self {
        Self::Object(object)
    }
}

impl<T: Object> From<Handle<T>> for Variant {
    fn from(object: Handle<T>) -> Self {
        Self::Object(object.into())
    }
}

impl From<bool> for Variant {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<i64> for Variant {
    fn from(value: i64) -> Self {
        Self::Number(value.into())
    }
}

impl From<u64> for Variant {
    fn from(value: u64) -> Self {
        Self::Number(value.into())
    }
}

impl From<f64> for Variant {
    /// A number; `null` for NaN and the infinities, which JSON cannot hold.
    fn from(value: f64) -> Self {
        Number::from_f64(value).map_or(Self::Null, Self::Number)
    }
}

impl From<&str> for Variant {
    fn from(text: &str) -> Self {
        Self::String(text.to_owned())
    }
}

impl From<String> for Variant {
    fn from(text: String) -> Self {
        Self::String(text)
    }
}

impl<T: Into<Variant>> From<Vec<T>> for Variant {
    fn from(elements: Vec<T>) -> Self {
        Self::Array(elements.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Variant>> From<Option<T>> for Variant {
    /// The value, or `null`.
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Into::into)
    }
}

impl Serialize for Variant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_unit(),
            Self::Bool(value) => serializer.serialize_bool(*value),
            Self::Number(number) => number.serialize(serializer),
            Self::String(text) => serializer.serialize_str(text),
            Self::Array(elements) => elements.serialize(serializer),
            Self::Map(members) => members.serialize(serializer),
            Self::Object(object) => object.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Variant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(VariantVisitor)
    }
}

/// Reads any JSON value, resolving object references by the module's rule.
struct VariantVisitor;

impl<'de> Visitor<'de> for VariantVisitor {
    type Value = Variant;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Variant, E> {
        Ok(Variant::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Variant, E> {
        Ok(value.into())
    }

    fn visit_u64<E>(self, value: u64) -> Result<Variant, E> {
        Ok(value.into())
    }

    fn visit_f64<E>(self, value: f64) -> Result<Variant, E> {
        Ok(value.into())
    }

    fn visit_str<E>(self, text: &str) -> Result<Variant, E> {
        Ok(text.into())
    }

    fn visit_string<E>(self, text: String) -> Result<Variant, E> {
        Ok(text.into())
    }

    fn visit_unit<E>(self) -> Result<Variant, E> {
        Ok(Variant::Null)
    }

    fn visit_none<E>(self) -> Result<Variant, E> {
        Ok(Variant::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Variant, D::Error> {
        Variant::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Variant, A::Error> {
        let mut elements = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(element) = seq.next_element()? {
            elements.push(element);
        }
        Ok(Variant::Array(elements))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Variant, A::Error> {
        let mut members = BTreeMap::new();
        while let Some((key, value)) = map.next_entry::<String, Variant>()? {
            members.insert(key, value);
        }
        reference_or_map(members)
    }
}

/// The object a JSON object refers to, or the JSON object itself (see the module's rule).
fn reference_or_map<E: serde::de::Error>(members: BTreeMap<String, Variant>) -> Result<Variant, E> {
    let Some(Variant::String(id)) = members.get("id") else {
        return Ok(Variant::Map(members));
    };
    if members.get("__QObject*__") == Some(&Variant::Bool(true)) {
        return referenced(id).map(|object| Variant::Object(AnyHandle(object)));
    }
    if members.len() == 1
        && let Some(object) = lookup(id)
    {
        return Ok(Variant::Object(AnyHandle(object)));
    }
    Ok(Variant::Map(members))
}
