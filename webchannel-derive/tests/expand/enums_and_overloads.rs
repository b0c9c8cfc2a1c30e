// A published enum (explicit and implicit values, a negative one), an object that lists
// it, methods published under one name (overloads), and objects as values.
#[derive(Clone, Copy, webchannel::Enum)]
pub enum Mode {
    Off,
    Auto = 5,
    Boost,
    Below = -1,
}

pub struct Fan;

#[webchannel::object(enums(Mode))]
impl Fan {
    #[webchannel(name = "set")]
    pub fn set_mode(&mut self, mode: Mode) {}

    #[webchannel(name = "set")]
    pub fn set_speed(&mut self, speed: u8, boost: Option<Mode>) {}

    pub fn child(&self) -> Handle<Fan> {
        todo!()
    }

    pub fn children(&self) -> Vec<Handle<Fan>> {
        Vec::new()
    }
}
