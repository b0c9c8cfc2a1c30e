//! Scaling out: several processes (instances) serving one application, each with its own
//! clients, joined by a broker. Nothing here is needed by an application that runs as one
//! process; one that grows past it changes its setup, not its objects.
//!
//! - A [`Broker`] moves byte frames between the instances (the nodes of a cluster), in
//!   order per node, with an acknowledgement, and reports its [`Link`]. This crate ships
//!   [`MemoryBroker`] (the nodes of one process, joined by a [`MemoryHub`]: for tests, or
//!   a cluster of one); the `webchannel-redis` crate joins processes through Redis.
//! - **Cluster signals**: `#[webchannel(signal, cluster)]` declares a signal that every
//!   instance emits to its own clients. Give a channel its [`Cluster`] with
//!   [`Config::with_cluster`](crate::Config::with_cluster); the signal's message is then
//!   serialized once, travels through the broker, and every instance hands the same bytes
//!   to its clients without parsing them again. The emitter hands the message to the
//!   broker before it returns, so one caller's signals keep their order everywhere, and
//!   returns a [`Sent`] future: `Ok` once the broker took the signal and this instance's
//!   own clients were handed it (so a method that awaits it answers after its clients got
//!   the signal), [`SendError`] if not — at once while the link is down. Without a
//!   cluster, a cluster signal is a plain one and `Sent` is ready.
//! - **Shared state**: a [`ClaimSet`] holds names claimed across the cluster, each by one
//!   node — the logged-in users of a chat, say. A claim is atomic in the broker, every
//!   node reads a sorted replica without I/O and is told of changes ([`ClaimEvents`]),
//!   the names of a node that dies vanish once its [`Presence`] expires, and after an
//!   outage each node re-asserts its names (a name claimed elsewhere meanwhile is
//!   [`ClaimEvent::Lost`]). Property values are this instance's state: a notify signal
//!   cannot be a cluster signal; keep shared state in a claim set and emit notify signals
//!   on each instance when it changes.
//!
//! ```
//! use std::time::Duration;
//!
//! use webchannel::cluster::{Cluster, MemoryHub, Presence};
//! use webchannel::{Channel, Config, Context};
//!
//! /// A room whose messages reach the clients of every instance.
//! #[derive(Default)]
//! pub struct Room;
//!
//! #[webchannel::object]
//! impl Room {
//!     /// Sends `text` to everyone; `false` if the broker did not take it.
//!     pub async fn say(&self, text: String, cx: &Context<Self>) -> bool {
//!         cx.said(text).await.is_ok()
//!     }
//!
//!     #[webchannel(signal, cluster)]
//!     fn said(text: String);
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Two instances of one application; in production each is a process of its own
//! // with a Redis broker (`webchannel_redis::RedisBroker`) instead of the hub.
//! let hub = MemoryHub::new();
//! let (first, second) = (Cluster::new(hub.node()), Cluster::new(hub.node()));
//! let channel = Channel::with_config(Config::default().with_cluster(first.clone()));
//! let room = channel.register("room", Room)?;
//! let other = Channel::with_config(Config::default().with_cluster(second.clone()));
//! other.register("room", Room)?;
//!
//! // A client of the second instance hears what the first one's room says.
//! let mut client = other.connect_in_memory();
//! client.send(r#"{"type":3,"id":0}"#);
//! client.recv().await; // the init response
//! client.send(r#"{"type":7,"object":"room","signal":1}"#);
//! client.send(r#"{"type":3,"id":1}"#); // answered once the connection above is made
//! client.recv().await;
//! room.said("hello".to_owned()).await?;
//! let frame = client.recv().await.expect("the signal");
//! assert_eq!(frame.as_str(), r#"{"type":1,"object":"room","signal":1,"args":["hello"]}"#);
//!
//! // Names held across the cluster, each by one instance.
//! let presence = Presence::expiring_within(Duration::from_secs(12));
//! let (users, _events) = first.claim_set("users", presence);
//! let (others, _) = second.claim_set("users", presence);
//! users.claim("alice").await?;
//! assert!(others.claim("alice").await.is_err(), "taken");
//! assert_eq!(others.members(), ["alice"]);
//! # Ok(())
//! # }
//! ```
//!
//! **When things fail.** While a node's link is down its clients stay connected and
//! served; cluster signals and claims fail at once ([`BrokerError::Down`]) and replicas
//! keep the last state they knew. The outage is logged once when it starts and once when
//! it ends (with how long it lasted and how many calls were refused), never per call.
//! Once the link is back, every node re-asserts the names it holds, so a broker that lost
//! its data is filled again without anyone claiming again. Signals published during the
//! outage are not replayed: a signal is delivered at most once.
//!
//! **Writing a broker.** Implement [`Broker`] (publish, subscribe, link, node) and
//! [`store::ClaimStore`] (a handful of operations, each atomic in the store); the claim
//! set keeps the replica, the heartbeat and the re-assertions for every store.
//! [`LinkState`] keeps and logs the link.

mod broker;
mod claims;
mod error;
mod link;
mod membership;
mod memory;
mod node;
mod registry;
mod sent;
mod subscription;

pub use broker::{Acknowledge, Broker, Deliver};
pub use claims::store;
pub use claims::store::Presence;
pub use claims::{ClaimError, ClaimEvent, ClaimEvents, ClaimSet};
pub use error::BrokerError;
pub use link::{Link, LinkState};
pub use membership::Cluster;
pub use memory::{MemoryBroker, MemoryHub};
pub use node::NodeId;
pub use registry::Registry;
pub use sent::{SendError, Sent};
pub use subscription::Subscription;
