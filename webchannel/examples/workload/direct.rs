//! invoke and fan-out over [`DirectSession`]s: the session handled in the caller's thread,
//! as Qt's in-process transports do, so that what is timed is parsing, dispatching and
//! serializing rather than hand-offs between tasks.

use std::sync::{Arc, Mutex, PoisonError};

use webchannel::protocol::Frame;
use webchannel::{Channel, DirectSession};

use crate::Error;
use crate::measure::{Median, Samples, Stopwatch};
use crate::setup;

/// What a direct client received.
#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<Frame>>>);

impl Received {
    fn take(&self) -> Vec<Frame> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

fn connect(channel: &Channel) -> (DirectSession, Received) {
    let received = Received::default();
    let sink = received.clone();
    let session = channel.direct_session(move |frame| {
        sink.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(frame);
    });
    (session, received)
}

/// `obj7.m3()` called by name, one call at a time; per call. Every response is checked.
pub(crate) fn invoke(rounds: usize, calls: usize) -> Result<Median, Error> {
    let published = setup::objects()?;
    let (session, received) = connect(&published.channel);
    let mut samples = Samples::with_capacity(rounds);
    let mut next_id = 0_u64;
    for round in 0..=rounds {
        let requests: Vec<String> = (next_id..next_id + calls as u64)
            .map(|id| format!(r#"{{"type":6,"object":"obj7","method":"m3","args":[],"id":{id}}}"#))
            .collect();
        let stopwatch = Stopwatch::start();
        for request in &requests {
            session.receive(request);
        }
        // The first round warms up, untimed.
        if round > 0 {
            samples.stop(&stopwatch);
        }
        let responses = received.take();
        if responses.len() != calls {
            return Err(format!("{calls} calls got {} answers", responses.len()).into());
        }
        for (id, response) in (next_id..).zip(&responses) {
            let expected = format!(r#"{{"type":10,"id":{id},"data":null}}"#);
            if response.as_str() != expected {
                return Err(
                    format!("call {id} was answered with {response}, not {expected}").into(),
                );
            }
        }
        next_id += calls as u64;
    }
    Ok(samples.median_per(calls))
}

/// One emission of `obj0.s0` to `sessions` connected sessions; per delivery.
pub(crate) fn fanout(sessions: usize, iterations: usize) -> Result<Median, Error> {
    let published = setup::objects()?;
    let signal = published.signal_index("s0")?;
    let clients: Vec<(DirectSession, Received)> =
        (0..sessions).map(|_| connect(&published.channel)).collect();
    for (session, received) in &clients {
        session.receive(r#"{"type":3,"id":0}"#);
        session.receive(r#"{"type":4}"#);
        session.receive(&format!(
            r#"{{"type":7,"object":"obj0","signal":{signal}}}"#
        ));
        received.take();
    }
    let expected = format!(r#"{{"type":1,"object":"obj0","signal":{signal}}}"#);
    let obj0 = &published.objects[0];
    let mut samples = Samples::with_capacity(iterations);
    for iteration in 0..=iterations {
        let stopwatch = Stopwatch::start();
        obj0.s0();
        if iteration > 0 {
            samples.stop(&stopwatch);
        }
        for (_, received) in &clients {
            let frames = received.take();
            if frames.len() != 1 || frames[0].as_str() != expected {
                return Err(
                    format!("obj0.s0 was delivered as {frames:?}, not once as {expected}").into(),
                );
            }
        }
    }
    Ok(samples.median_per(sessions))
}
