//! A published method that takes `self` by value.

pub struct Lamp;

#[webchannel::object]
impl Lamp {
    pub fn switch_off(self) {}
}

fn main() {}
