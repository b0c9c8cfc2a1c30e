//! An `on_disconnect` fn with a parameter other than the context.

pub struct Lobby;

#[webchannel::object]
impl Lobby {
    #[webchannel(on_disconnect)]
    fn left(&self, reason: String) {
        let _ = reason;
    }
}

fn main() {}
