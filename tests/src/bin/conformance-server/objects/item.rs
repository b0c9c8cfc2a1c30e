//! `Item`: an object that lets itself go. The factory keeps items on a `Shelf`, which
//! holds their only handles; `release()` takes the item off during a call on the item
//! itself, so its last handle goes while the call runs. The item lives until the calls on
//! it are answered, and clients receive its `destroyed` after those responses.

use std::sync::{Arc, Mutex, PoisonError};

use webchannel::{Context, Handle};

use super::gates::Gates;

/// The items a factory keeps, and the gates their `wait` calls pass.
pub(crate) struct Shelf {
    items: Mutex<Vec<Handle<Item>>>,
    gates: Arc<Gates>,
}

impl Shelf {
    pub(crate) fn new(gates: Arc<Gates>) -> Arc<Self> {
        Arc::new(Self {
            items: Mutex::default(),
            gates,
        })
    }

    /// A new item, kept on this shelf.
    pub(crate) fn put(self: &Arc<Self>, name: String) -> Handle<Item> {
        let item = Handle::new(Item {
            name,
            kept: true,
            shelf: Arc::clone(self),
        });
        self.items().push(item.clone());
        item
    }

    /// The kept item called `name`, if any.
    pub(crate) async fn find(&self, name: &str) -> Option<Handle<Item>> {
        let items = self.items().clone();
        for item in items {
            if item.read().await.name == name {
                return Some(item);
            }
        }
        None
    }

    /// Takes `item` off; whether it was on the shelf.
    fn take_off(&self, item: &Handle<Item>) -> bool {
        let mut items = self.items();
        let before = items.len();
        items.retain(|kept| kept != item);
        before != items.len()
    }

    fn items(&self) -> std::sync::MutexGuard<'_, Vec<Handle<Item>>> {
        self.items.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// An item on a shelf.
pub(crate) struct Item {
    name: String,
    kept: bool,
    shelf: Arc<Shelf>,
}

#[webchannel::object]
impl Item {
    /// Given at creation.
    #[webchannel(property, constant)]
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// Whether the factory keeps the item; writing `false` lets it go (the setter drops
    /// the last handle).
    #[webchannel(property, notify = kept_changed)]
    pub fn kept(&self) -> bool {
        self.kept
    }

    pub fn set_kept(&mut self, kept: bool, cx: &Context<Self>) {
        if !kept && self.kept {
            self.kept = false;
            self.shelf.take_off(cx.handle());
            cx.kept_changed();
        }
    }

    /// Lets the item go: the factory's handle, the last one, is dropped during this call.
    pub fn release(&self, cx: &Context<Self>) -> bool {
        self.shelf.take_off(cx.handle())
    }

    /// The item itself (Qt's `this`).
    pub fn itself(&self, cx: &Context<Self>) -> Handle<Item> {
        cx.handle().clone()
    }

    /// Emits `announced` carrying the item itself.
    pub fn announce(&self, cx: &Context<Self>) {
        cx.announced(cx.handle().clone());
    }

    /// Waits at gate `gate` (opened with `control.open`), then answers the name.
    pub async fn wait(&self, gate: String) -> Result<String, String> {
        self.shelf.gates.pass(&gate).await?;
        Ok(self.name.clone())
    }

    #[webchannel(signal)]
    fn kept_changed();

    #[webchannel(signal)]
    fn announced(item: Handle<Item>);
}
