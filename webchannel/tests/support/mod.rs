//! What the tests that drive a channel through in-memory clients share.

use std::time::Duration;

use serde_json::Value;
use webchannel::MemoryClient;

/// The next frame the client receives, parsed; fails after ten seconds.
pub(crate) async fn next(client: &mut MemoryClient) -> Value {
    let frame = tokio::time::timeout(Duration::from_secs(10), client.recv())
        .await
        .expect("a frame in time")
        .expect("session open");
    serde_json::from_str(frame.as_str()).expect("frames are JSON")
}
