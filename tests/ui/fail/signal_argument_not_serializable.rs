//! A signal argument that cannot be serialized: the error points at its type.

pub struct Sound;

pub struct Bell;

#[webchannel::object]
impl Bell {
    #[webchannel(signal)]
    fn rang(sound: Sound);
}

fn main() {}
