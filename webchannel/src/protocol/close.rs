//! [`CloseReason`]: why a session ended, and the WebSocket close code that tells the client.

/// Why a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloseReason {
    /// The client closed the connection.
    ClientClosed,
    /// Reading from or writing to the client failed.
    TransportFailed,
    /// The client did not read fast enough: more bytes waited for it than
    /// [`Config::max_queued_bytes`](crate::Config::max_queued_bytes) allows.
    Overflow,
    /// Writing to the client blocked for longer than
    /// [`Config::write_timeout`](crate::Config::write_timeout).
    Stalled,
    /// The client sent a message larger than
    /// [`Config::max_message_size`](crate::Config::max_message_size).
    MessageTooBig,
    /// The client sent a text frame that is not valid UTF-8.
    InvalidText,
    /// The client sent a message in more frames than
    /// [`Config::max_message_fragments`](crate::Config::max_message_fragments) allows.
    TooManyFragments,
    /// The client broke the WebSocket protocol itself.
    ProtocolViolation,
    /// The client sent more messages than [`Config::message_rate`](crate::Config::message_rate)
    /// allows.
    RateExceeded,
    /// The client did not answer a ping within
    /// [`Config::pong_timeout`](crate::Config::pong_timeout).
    Unresponsive,
    /// The client sent no message within
    /// [`Config::first_message_timeout`](crate::Config::first_message_timeout) of opening
    /// its WebSocket.
    NoFirstMessage,
    /// The server is shutting down.
    Shutdown,
}

impl CloseReason {
    /// The WebSocket close code sent to the client, when the server closes.
    pub fn close_code(self) -> Option<u16> {
        match self {
            Self::ClientClosed | Self::TransportFailed => None,
            Self::Overflow
            | Self::Stalled
            | Self::RateExceeded
            | Self::Unresponsive
            | Self::NoFirstMessage
            | Self::TooManyFragments => Some(1008),
            Self::MessageTooBig => Some(1009),
            Self::InvalidText => Some(1007),
            Self::ProtocolViolation => Some(1002),
            Self::Shutdown => Some(1001),
        }
    }

    /// A short text for the close frame and the log.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientClosed => "client closed the connection",
            Self::TransportFailed => "connection failed",
            Self::Overflow => "client too slow: too many bytes queued",
            Self::Stalled => "client too slow: not reading",
            Self::MessageTooBig => "message too big",
            Self::InvalidText => "text frame is not valid UTF-8",
            Self::TooManyFragments => "message in too many frames",
            Self::ProtocolViolation => "WebSocket protocol violation",
            Self::RateExceeded => "too many messages per second",
            Self::Unresponsive => "no answer to ping",
            Self::NoFirstMessage => "no message after connecting",
            Self::Shutdown => "server shutting down",
        }
    }

    /// Whether the client caused the close by breaking a rule about what it sends; a slow
    /// or silent client is not a violation.
    pub fn is_violation(self) -> bool {
        matches!(
            self,
            Self::MessageTooBig
                | Self::InvalidText
                | Self::TooManyFragments
                | Self::ProtocolViolation
                | Self::RateExceeded
        )
    }
}

#[cfg(test)]
mod tests {
    use super::CloseReason;

    #[test]
    fn close_codes_are_the_registered_websocket_codes() {
        assert_eq!(CloseReason::ClientClosed.close_code(), None);
        assert_eq!(CloseReason::Shutdown.close_code(), Some(1001));
        assert_eq!(CloseReason::ProtocolViolation.close_code(), Some(1002));
        assert_eq!(CloseReason::InvalidText.close_code(), Some(1007));
        assert_eq!(CloseReason::RateExceeded.close_code(), Some(1008));
        assert_eq!(CloseReason::NoFirstMessage.close_code(), Some(1008));
        assert_eq!(CloseReason::TooManyFragments.close_code(), Some(1008));
        assert_eq!(CloseReason::MessageTooBig.close_code(), Some(1009));
    }
}
