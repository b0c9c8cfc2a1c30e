//! A shared todo list whose items are objects of their own: `add` returns the new item,
//! `items` lists them, and a client passes an item back to `remove` it.
//!
//! Run with: `cargo run -p webchannel --example todo`
//! (`--listen ADDR` or `WEBCHANNEL_LISTEN=ADDR` to listen elsewhere than 127.0.0.1:12345).
//!
//! With Qt's `qwebchannel.js`:
//!
//! ```js
//! new QWebChannel(new WebSocket("ws://127.0.0.1:12345"), async (channel) => {
//!     const todo = channel.objects.todo;
//!     const item = await todo.add("write the docs"); // an object: item.text, item.done
//!     item.destroyed.connect(() => console.log("removed"));
//!     await item.toggle();                            // item.done is now true
//!     console.log(await todo.remaining());            // 0
//!     await todo.remove(item);                        // passed back by reference
//! });
//! ```

mod support;

use webchannel::{Channel, Context, Handle};

/// The longest text an item may have, in characters.
const MAX_TEXT: usize = 200;

/// One entry of the list, published as a value: clients receive it from `add` and
/// `items`, call it, and pass it back.
pub struct Item {
    text: String,
    done: bool,
}

#[webchannel::object]
impl Item {
    /// What is to be done. Clients may write it.
    #[webchannel(property, notify = changed)]
    pub fn text(&self) -> String {
        self.text.clone()
    }

    /// The setter of `text`: refuses an empty or overlong text.
    pub fn set_text(&mut self, text: String, cx: &Context<Self>) -> Result<(), String> {
        self.text = checked_text(text)?;
        cx.changed();
        Ok(())
    }

    /// Whether it is done.
    #[webchannel(property, notify = changed)]
    pub fn done(&self) -> bool {
        self.done
    }

    /// Flips `done` and returns the new state.
    pub fn toggle(&mut self, cx: &Context<Self>) -> bool {
        self.done = !self.done;
        cx.changed();
        self.done
    }

    /// `text` or `done` changed.
    #[webchannel(signal)]
    fn changed();
}

/// The list every client shares.
#[derive(Default)]
pub struct TodoList {
    items: Vec<Handle<Item>>,
}

#[webchannel::object]
impl TodoList {
    /// Every item, oldest first.
    #[webchannel(property, notify = items_changed)]
    pub fn items(&self) -> Vec<Handle<Item>> {
        self.items.clone()
    }

    /// Adds an item and returns it; refuses an empty or overlong text.
    pub fn add(&mut self, text: String, cx: &Context<Self>) -> Result<Handle<Item>, String> {
        let item = Handle::new(Item {
            text: checked_text(text)?,
            done: false,
        });
        self.items.push(item.clone());
        cx.items_changed();
        Ok(item)
    }

    /// Removes `item`; `false` if it is not in the list. Once no one holds it, clients
    /// that know it receive its `destroyed` signal.
    pub fn remove(&mut self, item: Handle<Item>, cx: &Context<Self>) -> bool {
        let before = self.items.len();
        self.items.retain(|kept| *kept != item);
        let removed = self.items.len() != before;
        if removed {
            cx.items_changed();
        }
        removed
    }

    /// How many items are not done yet (it reads each item, so it waits for their locks).
    pub async fn remaining(&self) -> usize {
        let mut remaining = 0;
        for item in &self.items {
            if !item.read().await.done {
                remaining += 1;
            }
        }
        remaining
    }

    /// The list of items changed.
    #[webchannel(signal)]
    fn items_changed();
}

/// `text`, if it is neither empty nor longer than [`MAX_TEXT`].
fn checked_text(text: String) -> Result<String, String> {
    match text.chars().count() {
        0 => Err("an item needs a text".to_owned()),
        length if length > MAX_TEXT => Err(format!(
            "an item's text has at most {MAX_TEXT} characters, not {length}"
        )),
        _ => Ok(text),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let channel = Channel::new();
    channel.register("todo", TodoList::default())?;
    support::serve(channel).await
}
