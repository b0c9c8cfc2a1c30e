//! fan-out: idle, initialised sessions all connected to `obj0.s0`; one emission reaches
//! every one; time per delivered message.

use serde_json::{Value, json};
use webchannel::MemoryClient;
use webchannel::protocol::Frame;

use crate::Error;
use crate::measure::{Median, Samples, Stopwatch};
use crate::setup;

/// Connects `sessions` clients, checks one emission in full, then times `iterations`.
pub(crate) async fn run(sessions: usize, iterations: usize) -> Result<Median, Error> {
    let published = setup::initialised_client().await?;
    let obj0 = &published.objects[0];
    let signal = setup::index_of(&published.description["obj0"], "signals", "s0")?;
    let mut clients = Vec::with_capacity(sessions);
    clients.push(published.client);
    while clients.len() < sessions {
        let mut client = published.channel.connect_in_memory();
        setup::init_briefly(&mut client).await?;
        clients.push(client);
    }
    for client in &mut clients {
        client.send(r#"{"type":4}"#);
        client.send(format!(r#"{{"type":7,"object":"obj0","signal":{signal}}}"#));
        setup::ping(client).await?;
    }

    obj0.s0();
    let first = receive_all(&mut clients).await?;
    let expected = json!({"type": 1, "object": "obj0", "signal": signal});
    let delivered: Value = serde_json::from_str(first[0].as_str())?;
    if delivered != expected {
        return Err(format!("obj0.s0 was delivered as {delivered}, not {expected}").into());
    }
    let mut samples = Samples::with_capacity(iterations);
    for _ in 0..iterations {
        let stopwatch = Stopwatch::start();
        obj0.s0();
        let frames = receive_all(&mut clients).await?;
        samples.stop(&stopwatch);
        if let Some(other) = frames.iter().find(|frame| *frame != &first[0]) {
            return Err(format!("obj0.s0 was delivered as {other} and as {}", first[0]).into());
        }
    }
    Ok(samples.median_per(sessions))
}

/// One frame from every client, in order.
async fn receive_all(clients: &mut [MemoryClient]) -> Result<Vec<Frame>, Error> {
    let mut frames = Vec::with_capacity(clients.len());
    for client in clients {
        frames.push(setup::next(client).await?);
    }
    Ok(frames)
}
