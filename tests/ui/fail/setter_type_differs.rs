//! A setter whose parameter type differs from the getter's return type.

pub struct Dial {
    level: u8,
}

#[webchannel::object]
impl Dial {
    #[webchannel(property, notify = level_changed)]
    pub fn level(&self) -> u8 {
        self.level
    }

    pub fn set_level(&mut self, level: u32) {
        self.level = level as u8;
    }

    #[webchannel(signal)]
    fn level_changed();
}

fn main() {}
