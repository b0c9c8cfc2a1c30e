//! The QWebChannel wire format: message types, parsing of what clients send, and the
//! writers of what the server sends. No state and no I/O live here.

pub(crate) mod close;
mod frame;
pub(crate) mod json;
pub(crate) mod message;

pub use frame::Frame;

/// The `type` field of a QWebChannel message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum MessageType {
    /// Server → client: a signal was emitted.
    Signal = 1,
    /// Server → client: batched property changes.
    PropertyUpdate = 2,
    /// Client → server: send me the object descriptions.
    Init = 3,
    /// Client → server: I have processed the last property update.
    Idle = 4,
    /// Client → server: a text to log.
    Debug = 5,
    /// Client → server: call a method.
    InvokeMethod = 6,
    /// Client → server: deliver this signal to me.
    ConnectToSignal = 7,
    /// Client → server: stop delivering this signal to me.
    DisconnectFromSignal = 8,
    /// Client → server: write a property.
    SetProperty = 9,
    /// Server → client: the answer to an `init` or `invokeMethod`.
    Response = 10,
}

impl MessageType {
    /// The message type with the given number.
    pub fn from_number(number: u64) -> Option<Self> {
        Some(match number {
            1 => Self::Signal,
            2 => Self::PropertyUpdate,
            3 => Self::Init,
            4 => Self::Idle,
            5 => Self::Debug,
            6 => Self::InvokeMethod,
            7 => Self::ConnectToSignal,
            8 => Self::DisconnectFromSignal,
            9 => Self::SetProperty,
            10 => Self::Response,
            _ => return None,
        })
    }

    /// Whether only a server sends messages of this type.
    pub fn is_server_only(self) -> bool {
        matches!(self, Self::Signal | Self::PropertyUpdate | Self::Response)
    }
}
