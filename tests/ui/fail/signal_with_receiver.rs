//! A signal declaration that takes `self`.

pub struct Bell;

#[webchannel::object]
impl Bell {
    #[webchannel(signal)]
    fn rang(&self, times: u32);
}

fn main() {}
