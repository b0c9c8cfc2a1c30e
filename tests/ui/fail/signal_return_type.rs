//! A signal with a return type.

pub struct Bell;

#[webchannel::object]
impl Bell {
    #[webchannel(signal)]
    fn rang(times: u32) -> bool;
}

fn main() {}
