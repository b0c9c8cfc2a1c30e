//! `Gauge` (published as `props` and `otherProps`): notify properties with and without
//! signal arguments, setters that check their input, a read-only and a constant
//! property, and methods that change several properties in one call.

use serde_json::{Value, json};
use webchannel::Context;

/// A few properties of different kinds.
pub(crate) struct Gauge {
    count: i64,
    label: String,
    level: u8,
    tags: Vec<String>,
    unit: String,
}

impl Gauge {
    /// A gauge whose constant `unit` names where it is published.
    pub(crate) fn new(unit: &str) -> Self {
        Self {
            count: 0,
            label: "initial".to_owned(),
            level: 1,
            tags: Vec::new(),
            unit: unit.to_owned(),
        }
    }

    /// For changes made from outside any call of the gauge (see `Control`).
    pub(crate) fn store(&mut self, count: i64, label: String) {
        self.count = count;
        self.label = label;
    }
}

#[webchannel::object]
impl Gauge {
    /// Notified with the new value as the signal's argument.
    #[webchannel(property, notify = count_changed)]
    pub fn count(&self) -> i64 {
        self.count
    }

    /// Writable from clients; any integer.
    pub fn set_count(&mut self, count: i64, cx: &Context<Self>) {
        self.count = count;
        cx.count_changed(count);
    }

    /// Notified without arguments.
    #[webchannel(property, notify = label_changed)]
    pub fn label(&self) -> String {
        self.label.clone()
    }

    /// Writable from clients; a string.
    pub fn set_label(&mut self, label: String, cx: &Context<Self>) {
        self.label = label;
        cx.label_changed();
    }

    /// Its notify signal is not called `levelChanged`, so the description names it.
    #[webchannel(property, notify = level_adjusted)]
    pub fn level(&self) -> u8 {
        self.level
    }

    /// Refuses levels above 10: the property keeps its value.
    pub fn set_level(&mut self, level: u8, cx: &Context<Self>) -> Result<(), String> {
        if level > 10 {
            return Err(format!("level {level} is above 10"));
        }
        self.level = level;
        cx.level_adjusted(level);
        Ok(())
    }

    /// Read-only: changed by `addTag` only.
    #[webchannel(property, notify = tags_changed)]
    pub fn tags(&self) -> Vec<String> {
        self.tags.clone()
    }

    /// Never changes.
    #[webchannel(property, constant)]
    pub fn unit(&self) -> String {
        self.unit.clone()
    }

    /// Sets `count` to 1, 2, ... `times` and `label` to `step 1` ... `step <times>`: one
    /// call, `2 × times` notifications.
    pub fn count_up(&mut self, times: i64, cx: &Context<Self>) -> i64 {
        for step in 1..=times {
            self.count = step;
            cx.count_changed(step);
            self.label = format!("step {step}");
            cx.label_changed();
        }
        self.count
    }

    /// Appends a tag.
    pub fn add_tag(&mut self, tag: String, cx: &Context<Self>) -> usize {
        self.tags.push(tag);
        cx.tags_changed();
        self.tags.len()
    }

    /// Emits every notify signal without changing anything: clients receive the current
    /// values, which restores a cache a refused `setProperty` left wrong.
    pub fn republish(&self, cx: &Context<Self>) {
        cx.count_changed(self.count);
        cx.label_changed();
        cx.level_adjusted(self.level);
        cx.tags_changed();
    }

    /// Every value as the server holds it, to compare with a client's cache.
    pub fn snapshot(&self) -> Value {
        json!({
            "count": self.count,
            "label": self.label,
            "level": self.level,
            "tags": self.tags,
            "unit": self.unit,
        })
    }

    #[webchannel(signal)]
    fn count_changed(count: i64);

    #[webchannel(signal)]
    fn label_changed();

    #[webchannel(signal)]
    fn level_adjusted(level: u8);

    #[webchannel(signal)]
    fn tags_changed();
}
