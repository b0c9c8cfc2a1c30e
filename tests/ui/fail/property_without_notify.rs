//! A property must say how clients learn of changes, or that it never changes.

#[derive(Default)]
pub struct Thermostat {
    target: i64,
}

#[webchannel::object]
impl Thermostat {
    #[webchannel(property)]
    pub fn target(&self) -> i64 {
        self.target
    }
}

fn main() {}
