//! init: one client asks for the description of every object; time to its response.

use serde_json::Value;
use webchannel::MemoryClient;

use crate::Error;
use crate::measure::{Median, Samples, Stopwatch};
use crate::setup::{self, OBJECTS};

pub(crate) struct Init {
    pub(crate) time: Median,
    pub(crate) bytes: usize,
}

/// Checks one init response in full, then times `iterations` more.
pub(crate) async fn run(client: &mut MemoryClient, iterations: usize) -> Result<Init, Error> {
    check_description(&setup::init(client).await?)?;
    let requests: Vec<String> = (1..=iterations)
        .map(|id| format!(r#"{{"type":3,"id":{id}}}"#))
        .collect();
    let mut samples = Samples::with_capacity(iterations);
    let mut bytes = 0;
    for (id, request) in (1..).zip(requests) {
        let stopwatch = Stopwatch::start();
        client.send(request);
        let response = setup::next(client).await?;
        samples.stop(&stopwatch);
        if !response
            .as_str()
            .starts_with(&format!(r#"{{"type":10,"id":{id},"#))
        {
            return Err(format!("init {id} was answered with {:.80}", response.as_str()).into());
        }
        bytes = response.len();
    }
    Ok(Init {
        time: samples.median_per(1),
        bytes,
    })
}

/// Every object has its 10 properties (value 0, notify signal compressed to `1`), and its
/// signals `s0`..`s9` and methods `m0`..`m9`.
fn check_description(data: &Value) -> Result<(), Error> {
    for index in 0..OBJECTS {
        let object = &data[format!("obj{index}")];
        let properties = object["properties"]
            .as_array()
            .map_or(&[][..], Vec::as_slice);
        if properties.len() != 10 {
            return Err(format!("obj{index} has {} properties", properties.len()).into());
        }
        for (position, property) in properties.iter().enumerate() {
            if property[1] != format!("p{position}") || property[2][0] != 1 || property[3] != 0 {
                return Err(
                    format!("obj{index} describes property {position} as {property}").into(),
                );
            }
        }
        for number in 0..10 {
            setup::index_of(object, "signals", &format!("s{number}"))?;
            setup::index_of(object, "methods", &format!("m{number}"))?;
        }
    }
    Ok(())
}
