//! [`Change`]: what changed about an object's properties. A session records changes until
//! its client is idle, then sends the current values of the properties they concern.

use crate::protocol::Frame;

/// One change of an object's properties.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// The notify signal at this position fired, with these arguments (a JSON array): the
    /// update lists the signal, and the values of the properties it notifies.
    Signal(usize, Frame),
    /// The property at this position, which has no notify signal (a bindable one), was
    /// marked as changed: the update has its value and no signal.
    Property(usize),
}

impl Change {
    /// Whether `other` changes the same signal or property, so that the later of the two
    /// replaces the earlier (a property's state, not its history, is what is sent).
    pub(crate) fn same_as(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Signal(signal, _), Self::Signal(other, _)) => signal == other,
            (Self::Property(property), Self::Property(other)) => property == other,
            _ => false,
        }
    }

    /// Whether the change concerns the property at `property`, whose notify signal is
    /// `notify`.
    pub(crate) fn concerns(&self, property: usize, notify: Option<usize>) -> bool {
        match self {
            Self::Signal(signal, _) => notify == Some(*signal),
            Self::Property(marked) => *marked == property,
        }
    }
}
