//! property flush: every object changes all 10 properties (1,000 notify signals) while one
//! client is idle; time until the single batched `propertyUpdate` has arrived.

use serde_json::Value;
use webchannel::protocol::Frame;
use webchannel::{Handle, MemoryClient};

use crate::Error;
use crate::measure::{Median, Samples, Stopwatch};
use crate::object::Bench;
use crate::setup::{self, OBJECTS};

/// Checks one update in full, then times `iterations` more.
pub(crate) async fn run(iterations: usize) -> Result<Median, Error> {
    let mut published = setup::initialised_client().await?;
    let client = &mut published.client;
    let objects = &published.objects;
    let update = flush(client, objects, &mut Samples::default()).await?;
    check_update(&serde_json::from_str(update.as_str())?, 1)?;
    let mut samples = Samples::with_capacity(iterations);
    for _ in 0..iterations {
        let update = flush(client, objects, &mut samples).await?;
        if !update.as_str().starts_with(r#"{"type":2,"#) {
            return Err(format!("expected a propertyUpdate, got {:.80}", update.as_str()).into());
        }
    }
    Ok(samples.median_per(1))
}

/// Makes the client idle (and waits until the session knows), then times the changes and
/// the update they cause into `samples`.
async fn flush(
    client: &mut MemoryClient,
    objects: &[Handle<Bench>],
    samples: &mut Samples,
) -> Result<Frame, Error> {
    client.send(r#"{"type":4}"#);
    setup::ping(client).await?;
    let stopwatch = Stopwatch::start();
    // Unconstrained: tokio's cooperative budget would otherwise yield in the middle of the
    // changes, and the idle session would flush part of them early.
    tokio::task::unconstrained(change_all(objects)).await;
    let update = setup::next(client).await?;
    samples.stop(&stopwatch);
    Ok(update)
}

async fn change_all(objects: &[Handle<Bench>]) {
    for object in objects {
        let values = object.write().await.change();
        object.notify_all(values);
    }
}

/// One entry per object, each with its 10 notify signals and 10 properties at `value`.
fn check_update(update: &Value, value: i32) -> Result<(), Error> {
    let entries = update["data"].as_array().map_or(&[][..], Vec::as_slice);
    if update["type"] != 2 || entries.len() != OBJECTS {
        return Err(
            format!("expected a propertyUpdate of {OBJECTS} objects, got {update:.200}").into(),
        );
    }
    for entry in entries {
        let properties = entry["properties"].as_object().map_or(0, |properties| {
            properties.values().filter(|v| **v == value).count()
        });
        let signals = entry["signals"].as_object().map_or(0, serde_json::Map::len);
        if properties != 10 || signals != 10 {
            return Err(format!("incomplete update for one object: {entry}").into());
        }
    }
    Ok(())
}
