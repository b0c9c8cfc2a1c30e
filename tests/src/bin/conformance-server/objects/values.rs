//! `Values` (published as `values`): serde types as JSON. Variant-like values
//! (`serde_json::Value`) of every JSON type, structs, maps, options, and unicode.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use webchannel::Context;

/// A struct as a JSON object: `None` becomes `null`, the map an object.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Person {
    name: String,
    age: u32,
    email: Option<String>,
    scores: BTreeMap<String, i64>,
}

/// A shape, told apart by its fields (an untagged enum, whose serde error is about serde
/// itself and never reaches a client).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum Shape {
    Circle { radius: f64 },
    Square { side: f64 },
}

/// Echoes and classifies values, and holds one of any kind.
pub(crate) struct Values {
    anything: Value,
}

impl Default for Values {
    fn default() -> Self {
        Self {
            anything: Value::from("initial"),
        }
    }
}

#[webchannel::object]
impl Values {
    /// A variant-like property: any JSON value.
    #[webchannel(property, notify = anything_changed)]
    pub fn anything(&self) -> Value {
        self.anything.clone()
    }

    /// Takes any JSON value, `null` included.
    pub fn set_anything(&mut self, anything: Value, cx: &Context<Self>) {
        self.anything = anything;
        cx.anything_changed();
    }

    /// The value, unchanged.
    pub fn echo(&self, value: Value) -> Value {
        value
    }

    /// The JSON type of the value (like Qt's test of `QVariant` parameters).
    pub fn kind_of(&self, value: Value) -> &'static str {
        match value {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(number) if number.is_f64() => "real",
            Value::Number(_) => "integer",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// An optional number: a missing trailing argument reads as `null`.
    pub fn optional(&self, value: Option<i64>) -> String {
        match value {
            Some(value) => format!("some {value}"),
            None => "none".to_owned(),
        }
    }

    /// A struct with an absent optional field.
    pub fn person(&self) -> Person {
        Person {
            name: "Ada".to_owned(),
            age: 36,
            email: None,
            scores: BTreeMap::from([("chess".to_owned(), 1200), ("go".to_owned(), -3)]),
        }
    }

    /// The area of a shape.
    pub fn area(&self, shape: Shape) -> f64 {
        match shape {
            Shape::Circle { radius } => std::f64::consts::PI * radius * radius,
            Shape::Square { side } => side * side,
        }
    }

    /// A struct as a parameter.
    pub fn greet(&self, person: Person) -> String {
        let email = person.email.as_deref().unwrap_or("no email");
        format!("{} ({}, {email})", person.name, person.age)
    }

    /// A map with the values doubled.
    pub fn doubled(&self, map: BTreeMap<String, i64>) -> BTreeMap<String, i64> {
        map.into_iter()
            .map(|(key, value)| (key, value.saturating_mul(2)))
            .collect()
    }

    /// The text's length in characters (Unicode scalar values) and its reverse.
    pub fn reverse(&self, text: String) -> (usize, String) {
        (text.chars().count(), text.chars().rev().collect())
    }

    /// A list of lists.
    pub fn matrix(&self, size: u8) -> Vec<Vec<u16>> {
        let size = u16::from(size.min(10));
        (0..size)
            .map(|row| (0..size).map(|column| row * size + column).collect())
            .collect()
    }

    #[webchannel(signal)]
    fn anything_changed();
}
