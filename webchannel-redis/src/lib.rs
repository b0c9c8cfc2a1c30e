#![doc = include_str!("../README.md")]
//!
//! # Layout
//!
//! - `broker.rs`: [`RedisBroker`], connecting and the [`Broker`](webchannel::cluster::Broker)
//!   implementation; `config.rs` and `error.rs`: [`RedisConfig`], [`ConnectError`];
//! - `publisher.rs` (the task that publishes batches, `batch.rs` their format),
//!   `heartbeat.rs` (the link, Redis's clock in `clock.rs`, subscriptions) and
//!   `pushes.rs` (what Redis pushes: messages, the connection's loss);
//! - `claims.rs` and `lua/`: the claim store; `names.rs`: keys and channels;
//!   `shared.rs`: what all of these share.

mod batch;
mod broker;
mod claims;
mod clock;
mod config;
mod error;
mod heartbeat;
mod names;
mod publisher;
mod pushes;
mod shared;

pub use broker::RedisBroker;
pub use config::RedisConfig;
pub use error::ConnectError;
