//! The macro on a struct.

#[webchannel::object]
pub struct Thing {
    value: u32,
}

fn main() {}
