//! A notify signal whose arguments do not fit the property.

pub struct Thermometer;

#[webchannel::object]
impl Thermometer {
    #[webchannel(property, notify = degrees_changed)]
    pub fn degrees(&self) -> f64 {
        20.0
    }

    #[webchannel(signal)]
    fn degrees_changed(old: f64, new: f64);
}

fn main() {}
