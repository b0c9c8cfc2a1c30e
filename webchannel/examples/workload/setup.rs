//! A channel with the benchmark objects, and clients that have initialised on it.

use serde_json::Value;
use webchannel::protocol::Frame;
use webchannel::{Channel, Config, Handle, MemoryClient, MessageRate, Object};

use crate::Error;
use crate::object::Bench;

/// How many objects are published (`obj0`..`obj99`).
pub(crate) const OBJECTS: usize = 100;

/// A channel publishing the benchmark objects, with one initialised client.
pub(crate) struct Published {
    pub(crate) channel: Channel,
    pub(crate) objects: Vec<Handle<Bench>>,
    pub(crate) client: MemoryClient,
    /// The init response's `data`: every object's description.
    pub(crate) description: Value,
}

/// A channel publishing the benchmark objects.
pub(crate) struct Objects {
    pub(crate) channel: Channel,
    pub(crate) objects: Vec<Handle<Bench>>,
}

impl Objects {
    /// The wire index of the benchmark type's signal `name`.
    pub(crate) fn signal_index(&self, name: &str) -> Result<u32, Error> {
        let meta = <Bench as Object>::META;
        meta.signals
            .iter()
            .position(|signal| signal.name == name)
            .map(|position| meta.signal_index(position))
            .ok_or_else(|| format!("the benchmark object has no signal {name}").into())
    }
}

/// A new channel with the objects.
pub(crate) fn objects() -> Result<Objects, Error> {
    // The benchmark sends faster than the default message rate allows; a limit that is
    // never reached keeps its bookkeeping in what is measured.
    let unreachable_rate = MessageRate::new(u32::MAX, u32::MAX);
    let channel = Channel::with_config(Config::default().with_message_rate(unreachable_rate));
    let objects = (0..OBJECTS)
        .map(|index| channel.register(format!("obj{index}"), Bench::default()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Objects { channel, objects })
}

/// A new channel with the objects, and one client whose init was answered.
pub(crate) async fn initialised_client() -> Result<Published, Error> {
    let Objects { channel, objects } = objects()?;
    let mut client = channel.connect_in_memory();
    let description = init(&mut client).await?;
    Ok(Published {
        channel,
        objects,
        client,
        description,
    })
}

/// Sends an init request and returns the response's `data`, checked for every object.
pub(crate) async fn init(client: &mut MemoryClient) -> Result<Value, Error> {
    client.send(r#"{"type":3,"id":0}"#);
    let mut response: Value = serde_json::from_str(next(client).await?.as_str())?;
    if response["type"] != 10 || response["id"] != 0 {
        return Err(format!("not an init response: {response:.200}").into());
    }
    let data = response["data"].take();
    for index in 0..OBJECTS {
        if !data[format!("obj{index}")].is_object() {
            return Err(format!("the init response does not describe obj{index}").into());
        }
    }
    Ok(data)
}

/// Sends an init request and checks only that an init response came back: parsing a
/// thousand copies of the description the first one showed would take longer than the
/// benchmark.
pub(crate) async fn init_briefly(client: &mut MemoryClient) -> Result<(), Error> {
    client.send(r#"{"type":3,"id":0}"#);
    let response = next(client).await?;
    if !response
        .as_str()
        .starts_with(r#"{"type":10,"id":0,"data":{"#)
    {
        return Err(format!("not an init response: {:.80}", response.as_str()).into());
    }
    Ok(())
}

/// The next frame the server sent to `client`.
pub(crate) async fn next(client: &mut MemoryClient) -> Result<Frame, Error> {
    client
        .recv()
        .await
        .ok_or_else(|| "the session ended".into())
}

/// Calls `obj0.m0()` and waits for the answer: the session has then handled everything
/// `client` sent before.
pub(crate) async fn ping(client: &mut MemoryClient) -> Result<(), Error> {
    client.send(r#"{"type":6,"object":"obj0","method":"m0","args":[],"id":"ping"}"#);
    let answer = next(client).await?;
    if answer.as_str() != r#"{"type":10,"id":"ping","data":null}"# {
        return Err(format!("expected the answer to the ping, got {answer:.80}").into());
    }
    Ok(())
}

/// The index of the signal or method (`list` is `"signals"` or `"methods"`) called `name`
/// in an object's description.
pub(crate) fn index_of(object: &Value, list: &str, name: &str) -> Result<u64, Error> {
    object[list]
        .as_array()
        .into_iter()
        .flatten()
        .find(|entry| entry[0] == name)
        .and_then(|entry| entry[1].as_u64())
        .ok_or_else(|| format!("no {name} in the {list} of {object:.200}").into())
}
