//! An argument the macro does not know.

pub struct Widget;

#[webchannel::object(krate = "webchannel")]
impl Widget {}

fn main() {}
