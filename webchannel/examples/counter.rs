//! A counter every client shares: a property clients can write, a method, a signal.
//!
//! Run with: `cargo run -p webchannel --example counter`
//! (`--listen ADDR` or `WEBCHANNEL_LISTEN=ADDR` to listen elsewhere than 127.0.0.1:12345).
//!
//! With Qt's `qwebchannel.js` (in a browser, or in Node with the `ws` package):
//!
//! ```js
//! new QWebChannel(new WebSocket("ws://127.0.0.1:12345"), async (channel) => {
//!     const counter = channel.objects.counter;
//!     counter.valueChanged.connect((value) => console.log("now", value));
//!     counter.value = 10;                 // calls `set_value` on the server
//!     console.log(await counter.increment(2)); // 12
//! });
//! ```

mod support;

use webchannel::{Channel, Context};

/// The largest value, either way: writes beyond it are refused.
const LIMIT: i64 = 1_000_000;

/// A counter every client shares.
#[derive(Default)]
pub struct Counter {
    value: i64,
}

#[webchannel::object]
impl Counter {
    /// The current value. Clients may write it (within `limit`).
    #[webchannel(property, notify = value_changed)]
    pub fn value(&self) -> i64 {
        self.value
    }

    /// The setter of `value`, called for `counter.value = 5` in JavaScript. A value beyond
    /// `limit` is refused and changes nothing.
    pub fn set_value(&mut self, value: i64, cx: &Context<Self>) -> Result<(), String> {
        if value.abs() > LIMIT {
            return Err(format!("{value} is beyond the limit of {LIMIT}"));
        }
        self.value = value;
        cx.value_changed(value);
        Ok(())
    }

    /// How far the value may go either way.
    #[webchannel(property, constant)]
    pub fn limit(&self) -> i64 {
        LIMIT
    }

    /// Adds `by` (which may be negative) and returns the new value; fails beyond `limit`.
    pub fn increment(&mut self, by: i64, cx: &Context<Self>) -> Result<i64, String> {
        let value = self
            .value
            .checked_add(by)
            .filter(|value| value.abs() <= LIMIT)
            .ok_or_else(|| format!("{} + {by} is beyond the limit of {LIMIT}", self.value))?;
        self.set_value(value, cx)?;
        Ok(value)
    }

    /// Back to zero.
    pub fn reset(&mut self, cx: &Context<Self>) {
        self.value = 0;
        cx.value_changed(0);
    }

    /// The value changed; it carries the new value.
    #[webchannel(signal)]
    fn value_changed(value: i64);
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let channel = Channel::new();
    channel.register("counter", Counter::default())?;
    support::serve(channel).await
}
