//! The keeper of one claim set: a task that keeps this node present with a heartbeat,
//! re-asserts the names it holds when the link comes back or the store had forgotten it,
//! and fetches a snapshot when the replica missed changes. It ends with the set.

use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::time::MissedTickBehavior;

use crate::cluster::error::BrokerError;
use crate::cluster::link::Link;
use crate::support::locks::lock;

use super::shared::Inner;

/// What the keeper carries from one round to the next.
#[derive(Debug)]
struct Round {
    /// Re-assert this node's names at the next round (the link came back).
    rejoin: bool,
    /// Fetch a snapshot at the next round.
    snapshot: bool,
    /// The store's version at the last heartbeat, when the replica was behind it: still
    /// behind at the next one means changes were missed.
    behind: Option<u64>,
}

/// Keeps the set `inner` for as long as it exists.
pub(super) async fn keep(
    inner: Weak<Inner>,
    wake: Arc<Notify>,
    mut link: watch::Receiver<Link>,
    heartbeat: Duration,
) {
    let mut ticks = tokio::time::interval(heartbeat);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut link_open = true;
    // The first round, at once: become present and fetch the members.
    let mut round = Round {
        rejoin: false,
        snapshot: true,
        behind: None,
    };
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            () = wake.notified() => {}
            changed = link.changed(), if link_open => {
                if changed.is_err() {
                    link_open = false;
                    continue;
                }
                if !link.borrow_and_update().is_up() {
                    continue;
                }
                // Back from an outage: the store may have lost everything, or forgotten
                // this node, or kept names this node gave up meanwhile.
                round.rejoin = true;
                round.snapshot = true;
            }
        }
        let Some(inner) = inner.upgrade() else {
            return;
        };
        inner.keep_round(&mut round).await;
    }
}

impl Inner {
    async fn keep_round(&self, round: &mut Round) {
        let (unsure, stale) = {
            let mut state = lock(&self.state);
            if state.left {
                return;
            }
            (
                std::mem::take(&mut state.unsure),
                std::mem::take(&mut state.stale),
            )
        };
        if !self.link_is_up() {
            // Try again once the link is back.
            let mut state = lock(&self.state);
            state.unsure |= unsure;
            state.stale |= stale;
            return;
        }
        let mut rejoin = round.rejoin || unsure;
        round.snapshot |= stale;
        if !rejoin {
            match self
                .store
                .heartbeat(&self.set, self.node, self.presence)
                .await
            {
                Ok(beat) if beat.was_missing => rejoin = true,
                Ok(beat) => self.check_version(beat.version, round),
                // The link's watch reports outages; the next round tries again.
                Err(_) => {}
            }
        }
        if rejoin {
            round.rejoin = self.rejoin().await.is_err();
            round.snapshot |= !round.rejoin;
        }
        if round.snapshot
            && let Ok(snapshot) = self.store.snapshot(&self.set).await
        {
            self.reset(snapshot);
            round.snapshot = false;
            round.behind = None;
        }
    }

    /// Compares the store's `version` with the replica's: behind twice in a row, or
    /// ahead (the store went back), the replica needs a snapshot.
    fn check_version(&self, version: u64, round: &mut Round) {
        let local = lock(&self.state).replica.version();
        let was_behind = round.behind.take();
        if version < local || was_behind.is_some_and(|then| local < then) {
            round.snapshot = true;
        } else if version > local {
            // The change may be on its way: look again at the next heartbeat.
            round.behind = Some(version);
        }
    }

    /// Makes the store hold exactly the names this node holds; those another node holds
    /// meanwhile are lost.
    async fn rejoin(&self) -> Result<(), BrokerError> {
        let _exclusive = self.calls.write().await;
        let held: Vec<_> = lock(&self.state).held.values().cloned().collect();
        match self
            .store
            .rejoin(&self.set, self.node, self.presence, &held)
            .await
        {
            Ok(rejoined) => {
                if !held.is_empty() {
                    tracing::info!(
                        set = %self.set,
                        names = held.len() - rejoined.lost.len(),
                        lost = rejoined.lost.len(),
                        "re-asserted this node's names"
                    );
                }
                self.forget_lost(&mut lock(&self.state), rejoined.lost);
                Ok(())
            }
            Err(error) => {
                self.unsure();
                Err(error)
            }
        }
    }
}
