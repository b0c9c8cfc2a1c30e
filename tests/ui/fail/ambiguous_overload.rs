//! Two overloads that clients could not tell apart.

pub struct Counter;

#[webchannel::object]
impl Counter {
    #[webchannel(name = "add")]
    pub fn add_small(&self, by: i32) {
        let _ = by;
    }

    #[webchannel(name = "add")]
    pub fn add_other(&self, by: i16) {
        let _ = by;
    }
}

fn main() {}
