//! Clients that never read: once the flood is over, each reads what the server had
//! managed to send it, to learn how the server closed it.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;

/// How long a client that never read waits for more once it starts reading: what the
/// server holds for it is bounded and arrives at once, so a quiet second means the
/// server kept it open.
const QUIET: Duration = Duration::from_secs(1);

/// Reads everything until the connection ends, or nothing arrives for [`QUIET`] (and
/// at most `patience` in all); how it ended.
pub(crate) async fn ending<S>(mut socket: WebSocketStream<S>, patience: Duration) -> String
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let read_on = async {
        loop {
            match tokio::time::timeout(QUIET, socket.next()).await {
                Err(_) => return "still open".to_owned(),
                Ok(Some(Ok(Message::Close(frame)))) => return describe_close(frame.as_ref()),
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(_)) | None) => {
                    return "connection ended without a close frame".to_owned();
                }
            }
        }
    };
    tokio::time::timeout(patience, read_on)
        .await
        .unwrap_or_else(|_| "still open".to_owned())
}

/// A close frame as the report shows it: its code and reason.
pub(crate) fn describe_close(frame: Option<&CloseFrame>) -> String {
    match frame {
        Some(frame) => format!("{} {}", u16::from(frame.code), frame.reason),
        None => "closed without a code".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

    use super::*;

    #[test]
    fn a_close_reads_as_its_code_and_reason() {
        let frame = CloseFrame {
            code: CloseCode::Policy,
            reason: "client too slow".into(),
        };
        assert_eq!(describe_close(Some(&frame)), "1008 client too slow");
        assert_eq!(describe_close(None), "closed without a code");
    }
}
