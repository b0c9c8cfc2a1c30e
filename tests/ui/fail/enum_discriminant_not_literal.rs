//! A published enum whose discriminant is not an integer literal.

const BASE: isize = 10;

#[derive(webchannel::Enum)]
pub enum Level {
    Low = BASE,
    High,
}

fn main() {}
