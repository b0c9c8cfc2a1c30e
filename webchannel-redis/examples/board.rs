//! A notice board scaled out through Redis: run it as several instances against one
//! Redis, and the clients of every instance share one board — who is here, and every note.
//!
//! ```sh
//! redis-server --port 6379 --save "" &
//! cargo run -p webchannel-redis --example board -- --redis redis://127.0.0.1:6379 --listen 127.0.0.1:8001
//! cargo run -p webchannel-redis --example board -- --redis redis://127.0.0.1:6379 --listen 127.0.0.1:8002
//! ```
//!
//! With Qt's `qwebchannel.js`, against either instance:
//!
//! ```js
//! new QWebChannel(new WebSocket("ws://127.0.0.1:8001"), async (channel) => {
//!     const board = channel.objects.board;
//!     board.posted.connect((author, text) => console.log(author, "wrote", text));
//!     board.membersChanged.connect(() => console.log("here:", board.members));
//!     if (await board.join("alice")) await board.post("hello, everyone");
//! });
//! ```
//!
//! What is shared, and how: `posted` is a cluster signal (every instance emits it to its
//! own clients); the members are a `ClaimSet` (a name is claimed across the cluster, and
//! each instance keeps a replica); `members` is a property of each instance, whose notify
//! signal each instance emits when the set changes.

use std::collections::HashMap;
use std::error::Error;
use std::time::Duration;

use tokio::net::TcpListener;
use webchannel::cluster::{ClaimEvent, ClaimSet, Cluster, Presence};
use webchannel::{Channel, Config, Context, SessionId};
use webchannel_redis::RedisBroker;

/// A board every instance shares.
pub struct Board {
    /// Everyone who joined, on any instance.
    members: ClaimSet,
    /// Who joined through this instance, by session.
    joined: HashMap<SessionId, String>,
}

#[webchannel::object]
impl Board {
    /// Everyone who joined, on any instance, sorted.
    #[webchannel(property, notify = members_changed)]
    pub fn members(&self) -> Vec<String> {
        self.members.members()
    }

    /// Joins as `name`; `false` if anyone, on any instance, has that name, if this client
    /// has joined already, or if Redis cannot be reached.
    pub async fn join(&mut self, name: String, cx: &Context<Self>) -> bool {
        let name = name.trim().to_owned();
        if name.is_empty() || self.joined.contains_key(&cx.session()) {
            return false;
        }
        if self.members.claim(name.clone()).await.is_err() {
            return false;
        }
        self.joined.insert(cx.session(), name);
        // The replica lists the name already: this client's `members` is current when
        // `join` answers.
        cx.members_changed();
        true
    }

    /// Posts `text` to everyone on every instance; `false` unless this client joined and
    /// the note went out.
    pub async fn post(&self, text: String, cx: &Context<Self>) -> bool {
        let Some(author) = self.joined.get(&cx.session()) else {
            return false;
        };
        cx.posted(author.clone(), text).await.is_ok()
    }

    /// A client left: its name is free again, everywhere.
    #[webchannel(on_disconnect)]
    async fn left(&mut self, cx: &Context<Self>) {
        if let Some(name) = self.joined.remove(&cx.session()) {
            // If Redis cannot be reached, the name is dropped when the link is back.
            let _ = self.members.release(&name).await;
            cx.members_changed();
        }
    }

    /// A note, from `author`.
    #[webchannel(signal, cluster)]
    fn posted(author: String, text: String);

    /// The members changed.
    #[webchannel(signal)]
    fn members_changed();
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let (redis, listen) = arguments()?;
    let cluster = Cluster::new(RedisBroker::connect(&redis).await?);
    // A stopped instance's members leave every other instance's list within 10 s.
    let presence = Presence::expiring_within(Duration::from_secs(10));
    let (members, mut events) = cluster.claim_set("board-members", presence);
    let channel = Channel::with_config(Config::default().with_cluster(cluster));
    let board = channel.register(
        "board",
        Board {
            members: members.clone(),
            joined: HashMap::new(),
        },
    )?;
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            if let ClaimEvent::Lost(name) = event {
                // Another instance took the name while this one could not reach Redis.
                board
                    .write()
                    .await
                    .joined
                    .retain(|_, joined| *joined != name);
            }
            board.members_changed();
        }
    });

    let listener = TcpListener::bind(&listen).await?;
    println!("listening on ws://{}", listener.local_addr()?);
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    channel.serve(listener, ctrl_c).await?;
    // Others see this instance's members go now rather than when its presence expires.
    members.leave().await?;
    Ok(())
}

/// `--redis URL --listen ADDR`, in either order.
fn arguments() -> Result<(String, String), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|arg| arg == flag)
            .and_then(|at| args.get(at + 1))
            .cloned()
    };
    match (value("--redis"), value("--listen")) {
        (Some(redis), Some(listen)) if args.len() == 4 => Ok((redis, listen)),
        _ => Err(format!(
            "usage: --redis redis://HOST:PORT --listen ADDR, got {args:?}"
        )),
    }
}
