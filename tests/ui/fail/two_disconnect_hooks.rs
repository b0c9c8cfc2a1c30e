//! Two `on_disconnect` fns in one impl.

pub struct Lobby;

#[webchannel::object]
impl Lobby {
    #[webchannel(on_disconnect)]
    fn left(&self) {}

    #[webchannel(on_disconnect)]
    fn also_left(&self) {}
}

fn main() {}
