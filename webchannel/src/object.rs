//! [`Object`]: the trait `#[webchannel::object]` implements, and the values that cross it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::handle::{Context, Emitter, Handle};
use crate::meta::{MethodMeta, ObjectMeta};
use crate::protocol::json::JsonBuf;
use crate::values::{Found, collecting};
use crate::{InvokeError, InvokeErrorKind};

/// A Rust type published to QWebChannel clients.
///
/// Implemented by `#[webchannel::object]`; there is no need to implement it by hand. Its
/// items are the contract between the generated code and the runtime and are hidden from
/// the documentation.
pub trait Object: Sized + Send + Sync + 'static {
    /// The generated signal emitters (`<Type>Signals`), reached through
    /// [`Handle`] and [`Context`] by auto-deref: `handle.new_message(...)`.
    type Signals: Send + Sync + 'static;

    #[doc(hidden)]
    const META: &'static ObjectMeta;

    #[doc(hidden)]
    fn signals(emitter: Emitter) -> Self::Signals;

    /// Calls the method at `method` (a position in `META.methods`); the runtime has
    /// already checked the number of arguments.
    #[doc(hidden)]
    fn invoke(
        object: &Handle<Self>,
        method: usize,
        args: Args<'_>,
        cx: Context<Self>,
    ) -> Invocation;

    /// Appends the current value of the property at `property` as JSON.
    #[doc(hidden)]
    fn read_property(&self, property: usize, out: &mut ValueOut<'_>) -> Result<(), InvokeError>;

    /// Writes the property at `property` from a client's `setProperty`.
    #[doc(hidden)]
    fn write_property(
        object: &Handle<Self>,
        property: usize,
        value: &RawValue,
        cx: Context<Self>,
    ) -> Invocation;

    /// Tells the object that the session in `cx` has ended; `None` when the type does not
    /// want to know.
    #[doc(hidden)]
    fn disconnected(object: &Handle<Self>, cx: Context<Self>) -> Option<Invocation> {
        let _ = (object, cx);
        None
    }
}

/// A successful result, serialized as JSON, with the published objects it refers to.
#[derive(Clone)]
pub struct Reply {
    json: String,
    objects: Found,
}

impl Reply {
    /// Serializes `value` as the result of a call.
    pub fn new<T: Serialize + ?Sized>(value: &T) -> Result<Self, InvokeError> {
        let (json, objects) = collecting(|| serde_json::to_string(value));
        let json = json.map_err(|error| {
            InvokeError::new(
                InvokeErrorKind::Serialization,
                format!("the result could not be serialized: {error}"),
            )
        })?;
        Ok(Self { json, objects })
    }

    /// The result of a call that returns nothing (`null` on the wire).
    pub fn null() -> Self {
        Self {
            json: "null".to_owned(),
            objects: Vec::new(),
        }
    }

    /// The JSON text.
    pub fn as_json(&self) -> &str {
        &self.json
    }

    pub(crate) fn into_parts(self) -> (String, Found) {
        (self.json, self.objects)
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Reply").field(&self.json).finish()
    }
}

/// A boxed future that completes a call.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// How a call proceeds.
pub enum Invocation {
    /// The call is done.
    Ready(Result<Reply, InvokeError>),
    /// The object is locked by another call; this future takes the lock and then proceeds.
    /// The session does not start later calls until it resolves, so calls from one client
    /// start in the order they arrived.
    Locking(BoxFuture<Invocation>),
    /// The call has started and runs concurrently (an `async fn` method).
    Running(BoxFuture<Result<Reply, InvokeError>>),
}

impl Invocation {
    /// A call that could not be carried out.
    pub fn failed(error: InvokeError) -> Self {
        Self::Ready(Err(error))
    }
}

impl fmt::Debug for Invocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ready(result) => f.debug_tuple("Ready").field(result).finish(),
            Self::Locking(_) => f.write_str("Locking(..)"),
            Self::Running(_) => f.write_str("Running(..)"),
        }
    }
}

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
