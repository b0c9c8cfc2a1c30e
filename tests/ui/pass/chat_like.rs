//! A typical published object: a property with a notify signal, methods taking a
//! context, plain signals.

use std::collections::BTreeSet;

use webchannel::{Channel, Context};

#[derive(Default)]
pub struct Room {
    members: BTreeSet<String>,
}

#[webchannel::object]
impl Room {
    /// Everyone present.
    #[webchannel(property, notify = members_changed)]
    pub fn members(&self) -> Vec<String> {
        self.members.iter().cloned().collect()
    }

    /// Enters the room; false when the name is taken.
    pub fn enter(&mut self, name: String, cx: &Context<Self>) -> bool {
        let entered = self.members.insert(name.clone());
        if entered {
            cx.entered(name);
            cx.members_changed();
        }
        entered
    }

    #[webchannel(signal)]
    fn entered(name: String);

    #[webchannel(signal)]
    fn members_changed();
}

fn main() {
    let channel = Channel::new();
    let room = channel.register("room", Room::default()).unwrap();
    room.entered("from outside".to_owned());
}
