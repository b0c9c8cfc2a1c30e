//! invoke: `obj7.m3()` called by name, parsed, dispatched and answered; per call.

use webchannel::MemoryClient;
use webchannel::protocol::Frame;

use crate::Error;
use crate::measure::{Median, Samples, Stopwatch};
use crate::setup;

pub(crate) struct Invoke {
    /// One call in flight at a time, as Qt's synchronous transport has it.
    pub(crate) round_trip: Median,
    /// A whole round sent before any response is read.
    pub(crate) pipelined: Median,
}

/// Times `rounds` rounds of `calls` calls each way; every response is checked after its
/// round.
pub(crate) async fn run(
    client: &mut MemoryClient,
    rounds: usize,
    calls: usize,
) -> Result<Invoke, Error> {
    let mut next_id = 0;
    // One untimed round of each kind warms up and checks.
    for pace in [Pace::OneAtATime, Pace::Pipelined] {
        round(client, pace, &mut next_id, calls, &mut Samples::default()).await?;
    }
    let mut round_trips = Samples::with_capacity(rounds);
    let mut pipelines = Samples::with_capacity(rounds);
    for _ in 0..rounds {
        round(
            client,
            Pace::OneAtATime,
            &mut next_id,
            calls,
            &mut round_trips,
        )
        .await?;
        round(client, Pace::Pipelined, &mut next_id, calls, &mut pipelines).await?;
    }
    Ok(Invoke {
        round_trip: round_trips.median_per(calls),
        pipelined: pipelines.median_per(calls),
    })
}

/// How a round's calls are sent.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pace {
    /// Each call waits for the response to the one before.
    OneAtATime,
    /// Every call is sent before the first response is read.
    Pipelined,
}

/// Times one round of `calls` calls into `samples`, then checks every response.
async fn round(
    client: &mut MemoryClient,
    pace: Pace,
    next_id: &mut u64,
    calls: usize,
    samples: &mut Samples,
) -> Result<(), Error> {
    let (requests, first_id) = requests(next_id, calls);
    let mut responses = Vec::with_capacity(calls);
    let stopwatch = Stopwatch::start();
    for request in requests {
        client.send(request);
        if pace == Pace::OneAtATime {
            responses.push(setup::next(client).await?);
        }
    }
    while responses.len() < calls {
        responses.push(setup::next(client).await?);
    }
    samples.stop(&stopwatch);
    check(&responses, first_id)
}

/// `calls` request texts with consecutive ids from `next_id`, and the first id.
fn requests(next_id: &mut u64, calls: usize) -> (Vec<String>, u64) {
    let first = *next_id;
    let requests = (first..)
        .take(calls)
        .map(|id| format!(r#"{{"type":6,"object":"obj7","method":"m3","args":[],"id":{id}}}"#))
        .collect();
    *next_id += calls as u64;
    (requests, first)
}

/// Each response answers its call, in order, with `null` (what a method without a result
/// returns).
fn check(responses: &[Frame], first_id: u64) -> Result<(), Error> {
    for (id, response) in (first_id..).zip(responses) {
        let expected = format!(r#"{{"type":10,"id":{id},"data":null}}"#);
        if response.as_str() != expected {
            return Err(format!("call {id} was answered with {response}, not {expected}").into());
        }
    }
    Ok(())
}
