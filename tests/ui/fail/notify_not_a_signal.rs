//! `notify` names a method, not a signal.

pub struct Thermometer;

#[webchannel::object]
impl Thermometer {
    #[webchannel(property, notify = refresh)]
    pub fn degrees(&self) -> f64 {
        20.0
    }

    pub fn refresh(&self) {}
}

fn main() {}
