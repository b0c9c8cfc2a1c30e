//! A program on webchannel without its default features (no WebSocket server, no
//! TypeScript), built and run by `tests/without_default_features.rs`: what the object
//! macro and the enum derive generate compiles against the core, and a client in the
//! same process and one in memory are answered.

use std::sync::{Arc, Mutex};

use webchannel::{AnyHandle, Channel, Context, Extensions, Handle, Variant};

/// Who opened a session.
#[derive(Clone)]
pub struct Owner(String);

/// A mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, webchannel::Enum)]
pub enum Mode {
    /// Off.
    Off,
    /// On.
    On,
}

/// A lamp.
#[derive(Default)]
pub struct Lamp {
    level: i64,
}

#[webchannel::object(enums(Mode))]
impl Lamp {
    /// The level.
    #[webchannel(property, notify = level_changed)]
    pub fn level(&self) -> i64 {
        self.level
    }

    /// Sets the level.
    pub fn set_level(&mut self, level: i64, cx: &Context<Self>) {
        self.level = level;
        cx.level_changed();
    }

    /// The mode for a level.
    pub fn mode(&self, level: i64) -> Mode {
        if level > 0 { Mode::On } else { Mode::Off }
    }

    /// A lamp of its own.
    pub fn spare(&self) -> Handle<Lamp> {
        Handle::new(Lamp::default())
    }

    /// Waits, then answers.
    pub async fn later(&self) -> i64 {
        self.level
    }

    /// Who opened the calling session.
    pub fn owner(&self, cx: &Context<Self>) -> Option<String> {
        cx.extensions().get::<Owner>().map(|owner| owner.0.clone())
    }

    /// A bindable property.
    #[webchannel(property, bindable)]
    pub fn brightness(&self) -> i64 {
        self.level * 10
    }

    /// Any object, in a free-form value.
    pub fn wrap(&self, object: AnyHandle) -> Variant {
        Variant::from(object)
    }

    /// Emitted when the level changes.
    #[webchannel(signal)]
    fn level_changed();
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let channel = Channel::new();
    channel
        .register("lamp", Lamp::default())
        .expect("a fresh channel");

    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&received);
    let direct = channel.direct_session(move |frame| sink.lock().expect("unpoisoned").push(frame));
    direct.receive(r#"{"type":6,"object":"lamp","method":"mode","args":[3],"id":1}"#);
    let answers = received.lock().expect("unpoisoned").clone();
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].as_str(), r#"{"type":10,"id":1,"data":1}"#);

    let mut owned = Extensions::new();
    owned.insert(Owner("ada".to_owned()));
    let mut client = channel.connect_in_memory_with(owned);
    client.send(r#"{"type":6,"object":"lamp","method":"later","args":[],"id":2}"#);
    let answer = client.recv().await.expect("an answer");
    assert_eq!(answer.as_str(), r#"{"type":10,"id":2,"data":0}"#);
    client.send(r#"{"type":6,"object":"lamp","method":"owner","args":[],"id":3}"#);
    let answer = client.recv().await.expect("an answer");
    assert_eq!(answer.as_str(), r#"{"type":10,"id":3,"data":"ada"}"#);
    println!("answered without the default features");
}
