//! `Widget`: an object that is not registered by name. The `Factory` makes them with
//! `Handle::new`; clients receive them as `__QObject*__` values.

use webchannel::Context;

/// A small object with a constant name and a value.
pub(crate) struct Widget {
    name: String,
    value: i64,
}

impl Widget {
    pub(crate) fn new(name: String) -> Self {
        Self { name, value: 0 }
    }

    pub(crate) fn name_text(&self) -> &str {
        &self.name
    }
}

#[webchannel::object]
impl Widget {
    /// Given at creation.
    #[webchannel(property, constant)]
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// Writable from clients.
    #[webchannel(property, notify = value_changed)]
    pub fn value(&self) -> i64 {
        self.value
    }

    /// Any integer.
    pub fn set_value(&mut self, value: i64, cx: &Context<Self>) {
        self.value = value;
        cx.value_changed();
    }

    /// Adds one to the value and emits `poked(value)`.
    pub fn poke(&mut self, cx: &Context<Self>) -> i64 {
        self.value += 1;
        cx.value_changed();
        cx.poked(self.value);
        self.value
    }

    #[webchannel(signal)]
    fn value_changed();

    #[webchannel(signal)]
    fn poked(value: i64);
}
