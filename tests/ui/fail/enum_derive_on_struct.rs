//! `#[derive(webchannel::Enum)]` on a struct.

#[derive(webchannel::Enum)]
pub struct Mode {
    on: bool,
}

fn main() {}
