//! `bindable` with what it excludes (a `notify` signal, `constant`), without `property`,
//! and a signal named like the method generated for a bindable property. One error each;
//! the code that marks the properties, in the impl and elsewhere, still compiles.

use webchannel::{Context, Handle};

#[derive(Default)]
pub struct Dial {
    level: i64,
}

#[webchannel::object]
impl Dial {
    #[webchannel(property, bindable, notify = level_changed)]
    pub fn level(&self) -> i64 {
        self.level
    }

    #[webchannel(property, constant, bindable)]
    pub fn name(&self) -> String {
        String::new()
    }

    #[webchannel(property, bindable)]
    pub fn speed(&self) -> i64 {
        0
    }

    #[webchannel(bindable)]
    pub fn stop(&mut self) {}

    pub fn nudge(&mut self, cx: &Context<Self>) {
        self.level += 1;
        cx.mark_level_changed();
        cx.level_changed();
        cx.mark_speed_changed();
    }

    #[webchannel(signal)]
    fn level_changed();

    #[webchannel(signal)]
    fn mark_speed_changed();
}

/// From elsewhere in the crate.
pub fn mark_from_outside(dial: &Handle<Dial>) {
    dial.mark_level_changed();
    dial.mark_name_changed();
}

fn main() {}
