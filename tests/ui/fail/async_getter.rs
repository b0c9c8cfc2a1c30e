//! An `async` property getter.

pub struct Sensor;

#[webchannel::object]
impl Sensor {
    #[webchannel(property, constant)]
    pub async fn reading(&self) -> f64 {
        1.0
    }
}

fn main() {}
