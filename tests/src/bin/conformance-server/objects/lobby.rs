//! `Lobby` (published as `lobby`): learns when a session ends, through the disconnect
//! hook, and tells the clients that remain.

use webchannel::Context;

/// Announces departures.
#[derive(Default)]
pub(crate) struct Lobby {
    left: Vec<u64>,
}

#[webchannel::object]
impl Lobby {
    /// The id of the calling session.
    pub fn whoami(&self, cx: &Context<Self>) -> u64 {
        cx.session().get()
    }

    /// Ids of the sessions that have ended, in order.
    pub fn departed(&self) -> Vec<u64> {
        self.left.clone()
    }

    #[webchannel(on_disconnect)]
    fn session_ended(&mut self, cx: &Context<Self>) {
        let session = cx.session().get();
        self.left.push(session);
        cx.left(session);
    }

    #[webchannel(signal)]
    fn left(session: u64);
}
