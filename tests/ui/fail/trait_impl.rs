//! The macro on a trait impl instead of an inherent impl.

pub struct Thing;

#[webchannel::object]
impl Clone for Thing {
    fn clone(&self) -> Self {
        Thing
    }
}

fn main() {}
