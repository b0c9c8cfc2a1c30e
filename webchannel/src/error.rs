//! Errors: why a call could not be carried out, and why registration failed.

use std::fmt;

/// Why an `invokeMethod` (or a `setProperty`) could not be carried out.
///
/// The client receives a `response` without `data`, so its Promise rejects, and with an
/// `error` field holding [`InvokeError::message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvokeError {
    kind: InvokeErrorKind,
    message: String,
    /// What only the server's log shows: Rust types and serde's own words.
    detail: Option<Box<str>>,
}

/// The category of an [`InvokeError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvokeErrorKind {
    /// The request itself is malformed (for example `args` is not an array).
    Malformed,
    /// No object is registered under the name the client used.
    UnknownObject,
    /// The object has no such method.
    UnknownMethod,
    /// The object has no such property.
    UnknownProperty,
    /// The property has no setter.
    ReadOnlyProperty,
    /// The number of arguments does not fit the method.
    ArgumentCount,
    /// An argument has the wrong JSON type for its parameter.
    ArgumentType,
    /// The method ran and returned an error.
    Failed,
    /// The method's result could not be serialized.
    Serialization,
    /// The method panicked.
    Panicked,
}

impl InvokeError {
    /// An error of the given kind with a human-readable message.
    pub fn new(kind: InvokeErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            detail: None,
        }
    }

    /// The same error, with `detail` for the server's log only.
    pub(crate) fn with_detail(mut self, detail: impl Into<Box<str>>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// What the server's log adds to the message, if anything.
    pub(crate) fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// The method ran and failed with `message`.
    pub fn failed(message: impl fmt::Display) -> Self {
        Self::new(InvokeErrorKind::Failed, message.to_string())
    }

    /// The category of the error.
    pub fn kind(&self) -> InvokeErrorKind {
        self.kind
    }

    /// The text sent to the client in the `error` field.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for InvokeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InvokeError {}

/// Why [`Channel::register`](crate::Channel::register) refused an object.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegisterError {
    /// Another object is already registered under this name.
    NameTaken(String),
    /// Object names must be non-empty.
    EmptyName,
}

impl fmt::Display for RegisterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NameTaken(name) => write!(f, "an object named {name:?} is already registered"),
            Self::EmptyName => f.write_str("object names must not be empty"),
        }
    }
}

impl std::error::Error for RegisterError {}
