//! What generated code reads a call from and writes a property into: a call's [`Args`],
//! still JSON, and [`ValueOut`], where a getter's value goes.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::error::{InvokeError, InvokeErrorKind};
use crate::protocol::json::JsonBuf;

use super::erased::{Found, collecting};
use super::meta::MethodMeta;

/// The arguments of one call, still as JSON, with the method they are meant for.
#[derive(Debug, Clone, Copy)]
pub struct Args<'a> {
    raw: &'a [&'a RawValue],
    object: &'a str,
    method: &'static MethodMeta,
}

impl<'a> Args<'a> {
    pub(crate) fn new(
        raw: &'a [&'a RawValue],
        object: &'a str,
        method: &'static MethodMeta,
    ) -> Self {
        Self {
            raw,
            object,
            method,
        }
    }

    /// Deserializes the argument at `position`. A missing trailing argument reads as
    /// `null`, so `Option` parameters may be left out.
    pub fn get<T: DeserializeOwned>(&self, position: usize) -> Result<T, InvokeError> {
        let Some(raw) = self.raw.get(position) else {
            return serde_json::from_str("null")
                .map_err(|_| arity_error(self.object, self.method, self.raw.len()));
        };
        serde_json::from_str(raw.get()).map_err(|error| {
            let param = self.method.params.get(position);
            let name = param.map_or("?", |param| param.name);
            let ty = param.map_or("?", |param| param.ty.rust);
            InvokeError::new(
                InvokeErrorKind::ArgumentType,
                format!(
                    "argument {} ({name}) must be {ty}: {}",
                    position + 1,
                    without_position(&error)
                ),
            )
        })
    }

    /// How many arguments the client sent.
    pub fn len(&self) -> usize {
        self.raw.len()
    }

    /// Whether the client sent no arguments.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }
}

/// The error for a call with the wrong number of arguments.
pub(crate) fn arity_error(object: &str, method: &MethodMeta, got: usize) -> InvokeError {
    let expected = method.params.len();
    InvokeError::new(
        InvokeErrorKind::ArgumentCount,
        format!(
            "{object}.{} takes {expected} argument{}, got {got}",
            method.name,
            if expected == 1 { "" } else { "s" },
        ),
    )
}

/// A serde_json error without its " at line 1 column N", which means nothing to a caller.
pub(crate) fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.find(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}

/// Where a property getter's value is written.
pub struct ValueOut<'a> {
    json: &'a mut JsonBuf,
    found: &'a mut Found,
}

impl<'a> ValueOut<'a> {
    pub(crate) fn new(json: &'a mut JsonBuf, found: &'a mut Found) -> Self {
        Self { json, found }
    }

    /// Serializes `value` as the property's current value.
    pub fn write<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), InvokeError> {
        let (written, objects) = collecting(|| self.json.value(value));
        self.found.extend(objects);
        written.map_err(|error| {
            InvokeError::new(
                InvokeErrorKind::Serialization,
                format!("the property value could not be serialized: {error}"),
            )
        })
    }
}

impl fmt::Debug for ValueOut<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ValueOut")
    }
}
