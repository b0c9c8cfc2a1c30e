//! Fuzz target: the bytes become client frames (split at newlines; invalid UTF-8 is
//! replaced, as a WebSocket layer would refuse it) and go through a session of a channel
//! with one object. The session must survive every input: after the frames, an `init`
//! must still be answered.

#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use webchannel::{Channel, Context};

/// An object with a property, arguments of several types, an error and a signal.
#[derive(Default)]
pub struct Target {
    level: i64,
}

#[webchannel::object]
impl Target {
    /// A writable property.
    #[webchannel(property, notify = level_changed)]
    pub fn level(&self) -> i64 {
        self.level
    }

    /// Sets the level.
    pub fn set_level(&mut self, level: i64, cx: &Context<Self>) {
        self.level = level;
        cx.level_changed();
    }

    /// Takes several kinds of arguments.
    pub fn mix(&self, text: String, list: Vec<u8>, flag: Option<bool>) -> Result<usize, String> {
        match flag {
            Some(false) => Err("refused".to_owned()),
            _ => Ok(text.len() + list.len()),
        }
    }

    #[webchannel(signal)]
    fn level_changed();
}

fuzz_target!(|data: &[u8]| {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_time().build() else {
        return;
    };
    runtime.block_on(async {
        let channel = Channel::new();
        if channel.register("target", Target::default()).is_err() {
            return;
        }
        let mut client = channel.connect_in_memory();
        for frame in data.split(|byte| *byte == b'\n') {
            client.send(String::from_utf8_lossy(frame).into_owned());
        }
        client.send(r#"{"type":3,"id":"fuzz-probe"}"#);
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(10), client.recv())
                .await
                .expect("the session answers in time")
                .expect("the session survives");
            let message: serde_json::Value =
                serde_json::from_str(frame.as_str()).expect("the server sends JSON");
            if message["id"] == "fuzz-probe" {
                break;
            }
        }
    });
});
