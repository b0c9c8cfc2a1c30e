// A disconnect hook: not published; `disconnected` calls it with the ended session's
// context. The async variant without a context is in `disconnect_async.rs`.
#[derive(Default)]
pub struct Lobby {
    left: Vec<u64>,
}

#[webchannel::object]
impl Lobby {
    pub fn count(&self) -> usize {
        self.left.len()
    }

    /// Remembers who left.
    #[webchannel(on_disconnect)]
    fn session_ended(&mut self, cx: &Context<Self>) {
        self.left.push(cx.session().get());
    }
}
