//! A misspelt key is reported with the list of accepted ones.

pub struct Lamp;

#[webchannel::object]
impl Lamp {
    #[webchannel(nmae = "toggle")]
    pub fn flip(&mut self) {}
}

fn main() {}
