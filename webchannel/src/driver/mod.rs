//! Drivers: what runs a session. Each is a thin loop over the session's contract (input
//! in, a step out) that owns the I/O: [`task`] on a tokio task between a stream of client
//! messages and a sink of frames (every remote transport), [`direct`] in the caller's own
//! thread (in-process clients).

pub(crate) mod direct;
pub(crate) mod task;
