//! Every feature at once, in a crate that denies warnings and the workspace's lints: the
//! generated code adds none.
#![deny(warnings, missing_docs, unreachable_pub, rust_2018_idioms, unused_qualifications)]

use webchannel::{Context, Handle};

/// A mode.
#[derive(Debug, Clone, Copy, webchannel::Enum)]
pub enum Mode {
    /// Off.
    Off,
    /// On.
    On = 3,
}

/// A child object.
pub struct Child;

#[webchannel::object]
impl Child {
    /// Its name.
    #[webchannel(property, constant)]
    pub fn name(&self) -> &str {
        "child"
    }
}

/// Everything.
#[derive(Default)]
pub struct Everything {
    mode: Option<Mode>,
    children: Vec<Handle<Child>>,
}

#[webchannel::object(enums(Mode))]
impl Everything {
    /// The mode.
    #[webchannel(property, notify = mode_changed)]
    pub fn mode(&self) -> Mode {
        self.mode.unwrap_or(Mode::Off)
    }

    /// Sets the mode.
    pub fn set_mode(&mut self, mode: Mode, cx: &Context<Self>) {
        self.mode = Some(mode);
        cx.mode_changed(mode);
    }

    /// One overload.
    #[webchannel(name = "add")]
    pub fn add_child(&mut self) -> Handle<Child> {
        let child = Handle::new(Child);
        self.children.push(child.clone());
        child
    }

    /// Another.
    #[webchannel(name = "add")]
    pub fn add_children(&mut self, count: u8) -> Vec<Handle<Child>> {
        (0..count).map(|_| self.add_child()).collect()
    }

    /// Async, failing.
    pub async fn check(&self, fail: bool) -> Result<(), String> {
        if fail { Err("failed".to_owned()) } else { Ok(()) }
    }

    /// Private and unpublished.
    fn helper(&self) -> usize {
        self.children.len()
    }

    /// The hook.
    #[webchannel(on_disconnect)]
    fn gone(&mut self, cx: &Context<Self>) {
        let _ = (cx.session(), self.helper());
    }

    /// Emitted with the new mode.
    #[webchannel(signal)]
    fn mode_changed(mode: Mode);

    /// Emitted on every instance of a cluster.
    #[webchannel(signal, cluster)]
    fn announced(text: &str, mode: Mode);

    /// Awaits a cluster signal.
    pub async fn announce(&self, text: String, cx: &Context<Self>) -> bool {
        cx.announced(&text, Mode::On).await.is_ok()
    }
}

fn main() {
    let channel = webchannel::Channel::new();
    let everything = channel
        .register("everything", Everything::default())
        .expect("a fresh name");
    everything.mode_changed(Mode::On);
    let _sent: webchannel::cluster::Sent = everything.announced("hello", Mode::Off);
}
