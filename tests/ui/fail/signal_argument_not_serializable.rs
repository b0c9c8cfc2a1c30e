//! Signal arguments that cannot be serialized: one error per signal, at the argument's
//! type when the signal has one argument, at the signal when it has several.

pub struct Sound;

pub struct Bell;

#[webchannel::object]
impl Bell {
    #[webchannel(signal)]
    fn rang(sound: Sound);

    #[webchannel(signal)]
    fn chimed(times: u32, sound: Sound);
}

fn main() {}
