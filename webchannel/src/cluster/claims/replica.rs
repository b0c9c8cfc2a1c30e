//! [`Replica`]: one node's copy of a set — every name with the node holding it, at a
//! version — kept current by applying [`Change`]s in version order. No I/O: a gap in the
//! versions is reported, and the caller fetches a snapshot.

use std::collections::BTreeMap;

use crate::cluster::node::NodeId;

use super::store::{Change, Snapshot};

/// A copy of one set.
#[derive(Debug, Default)]
pub(super) struct Replica {
    version: u64,
    members: BTreeMap<String, NodeId>,
}

/// What applying one change did.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Applied {
    /// The change was the next one, and is applied.
    Next,
    /// The replica already has it (a snapshot overtook it).
    Stale,
    /// Changes before it were missed: the replica needs a snapshot.
    Gap,
}

impl Replica {
    pub(super) fn version(&self) -> u64 {
        self.version
    }

    pub(super) fn members(&self) -> &BTreeMap<String, NodeId> {
        &self.members
    }

    /// Applies `change` if it is the next one.
    pub(super) fn apply(&mut self, change: &Change) -> Applied {
        if change.version <= self.version {
            return Applied::Stale;
        }
        if change.version > self.version + 1 {
            return Applied::Gap;
        }
        for name in &change.removed {
            self.members.remove(name);
        }
        for (name, node) in &change.added {
            self.members.insert(name.clone(), *node);
        }
        self.version = change.version;
        Applied::Next
    }

    /// Replaces everything with `snapshot`; true when that changed the members.
    pub(super) fn reset(&mut self, snapshot: Snapshot) -> bool {
        let members: BTreeMap<String, NodeId> = snapshot.members.into_iter().collect();
        let changed = members != self.members;
        self.members = members;
        self.version = snapshot.version;
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(version: u64, removed: &[&str], added: &[(&str, u64)]) -> Change {
        Change {
            version,
            removed: removed.iter().map(|name| (*name).to_owned()).collect(),
            added: added
                .iter()
                .map(|(name, node)| ((*name).to_owned(), NodeId::from_u64(*node)))
                .collect(),
        }
    }

    fn names(replica: &Replica) -> Vec<&str> {
        replica.members().keys().map(String::as_str).collect()
    }

    #[test]
    fn changes_apply_in_version_order_only() {
        let mut replica = Replica::default();
        assert_eq!(
            replica.apply(&change(1, &[], &[("bob", 1), ("alice", 2)])),
            Applied::Next
        );
        assert_eq!(names(&replica), ["alice", "bob"], "sorted");
        assert_eq!(replica.apply(&change(1, &["bob"], &[])), Applied::Stale);
        assert_eq!(replica.apply(&change(3, &["bob"], &[])), Applied::Gap);
        assert_eq!(names(&replica), ["alice", "bob"], "neither applied");
        assert_eq!(
            replica.apply(&change(2, &["bob"], &[("bob", 3)])),
            Applied::Next,
            "removed, then added"
        );
        assert_eq!(replica.members()["bob"], NodeId::from_u64(3));
        assert_eq!(replica.version(), 2);
    }

    #[test]
    fn a_snapshot_replaces_everything() {
        let mut replica = Replica::default();
        replica.apply(&change(1, &[], &[("alice", 1)]));
        let snapshot = Snapshot {
            version: 9,
            members: vec![("carol".to_owned(), NodeId::from_u64(2))],
        };
        assert!(replica.reset(snapshot.clone()));
        assert!(!replica.reset(snapshot), "the same members again");
        assert_eq!(names(&replica), ["carol"]);
        assert_eq!(
            replica.apply(&change(10, &[], &[("dave", 2)])),
            Applied::Next
        );
    }
}
