//! What the in-memory transport costs by itself, so that the scenarios' figures can be
//! read as the server's: the same tokio channels, task switch and text conversions as
//! `Channel::connect_in_memory`, with an echo in place of the session.

use tokio::sync::mpsc;
use webchannel::Inbound;
use webchannel::protocol::Frame;

use crate::Error;
use crate::measure::{Samples, Stopwatch};

pub(crate) struct Floor {
    /// A text to a task and a frame back, one at a time (the invoke scenario's pattern).
    pub(crate) round_trip_ns: f64,
    /// A shared frame sent on each of `sessions` channels and received (fan-out's pattern,
    /// without the sessions' tasks).
    pub(crate) delivery_ns: f64,
}

pub(crate) async fn run(rounds: usize, calls: usize, sessions: usize) -> Result<Floor, Error> {
    Ok(Floor {
        round_trip_ns: round_trips(rounds, calls).await?,
        delivery_ns: deliveries(rounds, sessions).await?,
    })
}

async fn round_trips(rounds: usize, calls: usize) -> Result<f64, Error> {
    let (to_echo, mut incoming) = mpsc::unbounded_channel::<Inbound>();
    let (outgoing, mut from_echo) = mpsc::unbounded_channel::<Frame>();
    let echo = tokio::spawn(async move {
        let reply = Frame::from_static(r#"{"type":10,"id":1,"data":null}"#);
        while let Some(Inbound::Text(_)) = incoming.recv().await {
            if outgoing.send(reply.clone()).is_err() {
                break;
            }
        }
    });
    let mut samples = Samples::with_capacity(rounds);
    // The first round warms up.
    for round in 0..=rounds {
        let requests: Vec<String> = (0..calls)
            .map(|id| format!(r#"{{"type":6,"object":"obj7","method":"m3","args":[],"id":{id}}}"#))
            .collect();
        let stopwatch = Stopwatch::start();
        for request in requests {
            to_echo.send(Inbound::Text(Frame::from(request)))?;
            from_echo.recv().await.ok_or("the echo task ended")?;
        }
        if round > 0 {
            samples.stop(&stopwatch);
        }
    }
    drop(to_echo);
    echo.await?;
    Ok(samples.median_per(calls).cpu_ns)
}

async fn deliveries(rounds: usize, sessions: usize) -> Result<f64, Error> {
    let (senders, mut receivers): (Vec<_>, Vec<_>) = (0..sessions)
        .map(|_| mpsc::unbounded_channel::<Frame>())
        .unzip();
    let frame = Frame::from(r#"{"type":1,"object":"obj0","signal":5}"#.to_owned());
    let mut samples = Samples::with_capacity(rounds);
    // The first round warms up.
    for round in 0..=rounds {
        let stopwatch = Stopwatch::start();
        for sender in &senders {
            sender.send(frame.clone())?;
        }
        for receiver in &mut receivers {
            receiver.recv().await.ok_or("a channel closed")?;
        }
        if round > 0 {
            samples.stop(&stopwatch);
        }
    }
    Ok(samples.median_per(sessions).cpu_ns)
}
