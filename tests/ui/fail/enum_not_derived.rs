//! An enum listed in `enums(...)` that does not derive `webchannel::Enum`.

#[derive(serde::Serialize, serde::Deserialize)]
pub enum Mode {
    Off,
    On,
}

pub struct Fan;

#[webchannel::object(enums(Mode))]
impl Fan {}

fn main() {}
