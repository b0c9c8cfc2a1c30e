//! A published method with a borrowed parameter: parameters are owned, read from JSON.

pub struct Greeter;

#[webchannel::object]
impl Greeter {
    pub fn greet(&self, name: &str) -> String {
        format!("hello {name}")
    }
}

fn main() {}
