//! [`Event`]: something that happened which one session must act on, queued in its
//! mailbox.

use std::sync::Weak;

use crate::ids::ObjectId;
use crate::object::change::Change;
use crate::object::erased::{ErasedObject, SharedFound};
use crate::protocol::Frame;
use crate::protocol::close::CloseReason;

/// Something that happened which one session must act on.
pub(crate) enum Event {
    /// A serialized `signal` message, shared by every recipient, with the objects its
    /// arguments refer to (each session announces those it has not seen yet).
    Signal { frame: Frame, objects: SharedFound },
    /// An object's properties changed: its notify signal fired (with the objects its
    /// arguments refer to), or a bindable property was marked.
    Notify {
        object: Weak<dyn ErasedObject>,
        change: Change,
        objects: SharedFound,
    },
    /// An object this session knows was dropped or deregistered.
    Destroyed { object: ObjectId, frame: Frame },
    /// Property updates were released (see `Channel::set_updates_blocked`).
    UpdatesReleased,
    /// The checkpoint with this number: the session notes when what it sent before it has
    /// been written.
    Checkpoint(u64),
    /// The session must end.
    Close(CloseReason),
}
