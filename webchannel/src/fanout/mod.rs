//! Fan-out: how what happens to objects reaches sessions. Each session has a
//! [`Mailbox`](mailbox::Mailbox) of [`Event`](event::Event)s that rings its driver's
//! [`Doorbell`](mailbox::Doorbell); an object's [`Audience`](audience::Audience) holds the
//! mailboxes of the sessions connected to each signal and of those that know the object;
//! [`Sessions`](sessions::Sessions) holds every session of a channel, each with the
//! [`Activity`](activity::Activity) record of its traffic.

pub(crate) mod activity;
pub(crate) mod audience;
pub(crate) mod event;
pub(crate) mod mailbox;
pub(crate) mod session_activity;
pub(crate) mod sessions;
pub(crate) mod subscribers;
