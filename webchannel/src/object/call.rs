//! What generated code reads a call from and writes a property into: a call's [`Args`],
//! still JSON, and [`ValueOut`], where a getter's value goes.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::error::{InvokeError, InvokeErrorKind};
use crate::protocol::json::JsonBuf;

use super::erased::{Found, collecting};
use super::meta::{MethodMeta, TypeMeta};
use super::{js_types, refusal};

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
        refusal::with_reason(|| serde_json::from_str(raw.get())).map_err(|(error, reason)| {
            let param = self.method.params.get(position);
            let at = format!(
                "{}.{}: argument {} ({})",
                self.object,
                self.method.name,
                position + 1,
                param.map_or("?", |param| param.name)
            );
            value_error(at, param.map(|param| &param.ty), raw, &error, reason)
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
    let takes = if method.params.is_empty() {
        "no arguments".to_owned()
    } else {
        js_types::parameters(method.params)
    };
    InvokeError::new(
        InvokeErrorKind::ArgumentCount,
        format!(
            "{object}.{} takes {takes}; got {}",
            method.name,
            arguments(got)
        ),
    )
}

/// The error for a call by name that fits none of the methods of that name: which
/// parameters each takes, and what was sent (how many arguments, or, when one of them
/// takes that many, their types).
pub(crate) fn overload_error<'a>(
    object: &str,
    name: &str,
    overloads: impl Iterator<Item = &'a MethodMeta>,
    args: &[&RawValue],
) -> InvokeError {
    let overloads: Vec<&MethodMeta> = overloads.collect();
    let mut takes: Vec<String> = overloads
        .iter()
        .map(|method| js_types::parameters(method.params))
        .collect();
    let last = takes.pop().unwrap_or_default();
    let takes = if takes.is_empty() {
        last
    } else {
        format!("{} or {last}", takes.join(", "))
    };
    let count_fits = overloads
        .iter()
        .any(|method| method.params.len() >= args.len());
    let (kind, got) = if count_fits {
        let kinds: Vec<&str> = args.iter().map(|arg| js_types::kind(arg)).collect();
        (
            InvokeErrorKind::ArgumentType,
            format!("({})", kinds.join(", ")),
        )
    } else {
        (InvokeErrorKind::ArgumentCount, arguments(args.len()))
    };
    InvokeError::new(kind, format!("{object}.{name} takes {takes}; got {got}"))
}

fn arguments(count: usize) -> String {
    format!("{count} argument{}", if count == 1 { "" } else { "s" })
}

/// The error for a value that does not fit its type, where `at` names it (`calls.add:
/// argument 1 (a)`): the reason meant for the client when there is one, else what was
/// expected and what was sent. The Rust type and serde's words go to the log only.
pub(crate) fn value_error(
    at: String,
    ty: Option<&TypeMeta>,
    raw: &RawValue,
    error: &serde_json::Error,
    reason: Option<String>,
) -> InvokeError {
    let message = match (reason, ty.and_then(js_types::expected)) {
        (Some(reason), _) => format!("{at}: {reason}"),
        (None, Some(expected)) => format!("{at} must be {expected}; got {}", js_types::sent(raw)),
        (None, None) => format!("{at} is not valid; got {}", js_types::sent(raw)),
    };
    InvokeError::new(InvokeErrorKind::ArgumentType, message).with_detail(format!(
        "{}: {}",
        ty.map_or("?", |ty| ty.rust),
        without_position(error)
    ))
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
                "the property value could not be serialized",
            )
            .with_detail(error.to_string())
        })
    }
}

impl fmt::Debug for ValueOut<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ValueOut")
    }
}
