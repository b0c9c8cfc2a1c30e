//! A property getter that takes a parameter.

pub struct Table;

#[webchannel::object]
impl Table {
    #[webchannel(property, constant)]
    pub fn cell(&self, row: usize) -> String {
        row.to_string()
    }
}

fn main() {}
