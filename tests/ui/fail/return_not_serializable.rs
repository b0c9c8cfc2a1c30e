//! A return type that cannot be serialized: the error points at the type.

pub struct Ticket;

pub struct Office;

#[webchannel::object]
impl Office {
    pub fn take(&self) -> Ticket {
        Ticket
    }
}

fn main() {}
