//! Mistakes in several fns of an object that the rest of the crate uses as
//! `Handle<Player>`, with its signals, methods and property getters: the macro's errors
//! are the only ones.

mod player {
    use webchannel::Context;

    #[derive(Default)]
    pub struct Player {
        name: String,
        score: i64,
    }

    #[webchannel::object]
    impl Player {
        #[webchannel(property, notify = name_changed)]
        pub fn name(&self) -> String {
            self.name.clone()
        }

        pub fn rename(&mut self, name: &str, cx: &Context<Self>) {
            self.name = name.to_owned();
            cx.name_changed(&self.name);
        }

        #[webchannel(property)]
        pub fn score(&self) -> i64 {
            self.score
        }

        pub fn add(&mut self, points: impl Into<i64>, cx: &Context<Self>) -> i64 {
            self.score += points.into();
            cx.scored(self.score, "add");
            self.score
        }

        #[webchannel(signal)]
        fn name_changed(name: &str);

        #[webchannel(signal)]
        fn scored(&self, score: i64, reason: &str);
    }
}

mod game {
    use webchannel::{Channel, Handle};

    use crate::player::Player;

    pub struct Game {
        players: Vec<Handle<Player>>,
    }

    impl Game {
        pub fn join(&mut self, channel: &Channel, name: &str) -> Handle<Player> {
            let player = channel
                .register(name, Player::default())
                .expect("a free name");
            self.players.push(player.clone());
            player
        }

        pub async fn total(&self) -> i64 {
            let mut total = 0;
            for player in &self.players {
                let player_state = player.read().await;
                total += player_state.score();
                player.scored(player_state.score(), "total");
                player.name_changed(&player_state.name());
            }
            total
        }
    }
}

fn main() {
    let channel = webchannel::Channel::new();
    let mut game = game::Game {
        players: Vec::new(),
    };
    game.join(&channel, "ada");
    drop(game.total());
}
