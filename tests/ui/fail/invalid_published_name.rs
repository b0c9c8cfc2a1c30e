//! A `name = "..."` that is not a JavaScript identifier.

pub struct Widget;

#[webchannel::object]
impl Widget {
    #[webchannel(name = "do-it")]
    pub fn do_it(&self) {}
}

fn main() {}
