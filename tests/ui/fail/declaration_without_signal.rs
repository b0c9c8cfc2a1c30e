//! A bodiless fn without `#[webchannel(signal)]`.

pub struct Bell;

#[webchannel::object]
impl Bell {
    fn rang(times: u32);
}

fn main() {}
