//! `Dial` (published as `dial`): a bindable property, Qt 6's kind without a notify signal.
//! It is described with `notify` `[]`, clients may write it, and every change, whether a
//! client's write, a call's or one made from outside any call (see `Control`), reaches
//! every client in a `propertyUpdate` with an empty `signals` map.

use webchannel::Context;

/// A level from 0 to 100.
#[derive(Default)]
pub(crate) struct Dial {
    level: i64,
}

impl Dial {
    /// For changes made from outside any call of the dial; the caller marks them.
    pub(crate) fn store(&mut self, level: i64) {
        self.level = level;
    }
}

#[webchannel::object]
impl Dial {
    /// No notify signal; changes still reach clients.
    #[webchannel(property, bindable)]
    pub fn level(&self) -> i64 {
        self.level
    }

    /// Writable from clients, from 0 to 100; a write that is kept is announced to every
    /// client by the runtime.
    pub fn set_level(&mut self, level: i64) -> Result<(), String> {
        if !(0..=100).contains(&level) {
            return Err(format!("level {level} is outside 0 to 100"));
        }
        self.level = level;
        Ok(())
    }

    /// Adds `by` to the level, marks the change and returns the new level.
    pub fn nudge(&mut self, by: i64, cx: &Context<Self>) -> i64 {
        self.level = (self.level + by).clamp(0, 100);
        cx.mark_level_changed();
        self.level
    }
}
