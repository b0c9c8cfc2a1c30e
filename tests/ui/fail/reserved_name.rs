//! A published name the JavaScript client uses itself.

pub struct Widget;

#[webchannel::object]
impl Widget {
    #[webchannel(signal)]
    fn destroyed();
}

fn main() {}
