//! `cluster` goes on signals only.

pub struct Room;

#[webchannel::object]
impl Room {
    #[webchannel(cluster)]
    pub fn say(&self, text: String) -> String {
        text
    }

    #[webchannel(property, constant, cluster)]
    pub fn name(&self) -> String {
        String::new()
    }
}

fn main() {}
