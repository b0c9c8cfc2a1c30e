//! A generic signal.

pub struct Bell;

#[webchannel::object]
impl Bell {
    #[webchannel(signal)]
    fn rang<T: serde::Serialize>(what: T);
}

fn main() {}
