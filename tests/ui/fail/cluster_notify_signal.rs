//! A notify signal cannot be a cluster signal; the rest of the crate, which awaits the
//! cluster signals it emits, still compiles, so the macro's error is the only one.

use webchannel::{Context, Handle};

#[derive(Default)]
pub struct Room {
    topic: String,
}

#[webchannel::object]
impl Room {
    #[webchannel(property, notify = topic_changed)]
    pub fn topic(&self) -> String {
        self.topic.clone()
    }

    pub async fn say(&self, text: String, cx: &Context<Self>) -> bool {
        cx.said(text).await.is_ok()
    }

    #[webchannel(signal, cluster)]
    fn topic_changed();

    #[webchannel(signal, cluster)]
    fn said(text: String);
}

async fn announce(room: Handle<Room>) -> Result<(), webchannel::cluster::SendError> {
    room.said("hello".to_owned()).await
}

fn main() {
    let _ = announce;
}
