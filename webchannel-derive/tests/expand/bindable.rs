use webchannel::Context;

#[derive(Default)]
pub struct Dial {
    level: i64,
}

#[webchannel::object]
impl Dial {
    /// Has no notify signal; changes are marked.
    #[webchannel(property, bindable)]
    pub fn level(&self) -> i64 {
        self.level
    }

    /// Writable: a successful write marks the property changed.
    pub fn set_level(&mut self, level: i64) -> Result<(), String> {
        self.level = level;
        Ok(())
    }

    /// Changes the level and marks it.
    pub fn nudge(&mut self, by: i64, cx: &Context<Self>) {
        self.level += by;
        cx.mark_level_changed();
    }
}
