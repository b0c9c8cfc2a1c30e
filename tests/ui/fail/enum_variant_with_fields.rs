//! A published enum whose variant carries data.

#[derive(webchannel::Enum)]
pub enum Shape {
    Point,
    Circle(f64),
}

fn main() {}
