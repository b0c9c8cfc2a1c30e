//! [`Ending`]: what happens when a session ends, whatever drove it — one log line for how
//! it ended, and the disconnect hooks of the channel's objects.

use std::sync::Arc;

use crate::channel::Channel;
use crate::object::caller::Caller;
use crate::object::erased::Invocation;
use crate::protocol::close::CloseReason;
use crate::support::warnings::Complaints;

/// A session that has ended; [`Ending::tell_objects`] runs the disconnect hooks.
#[must_use = "the channel's objects are told only by `tell_objects`"]
pub(crate) struct Ending {
    channel: Channel,
    caller: Caller,
}

impl Ending {
    /// Logs the end: `warn` when the client broke a limit, and a count of the problems
    /// that were not logged one by one.
    pub(super) fn new(
        channel: &Channel,
        caller: &Caller,
        reason: CloseReason,
        complaints: &Complaints,
    ) -> Self {
        let session = caller.session();
        let unlogged = complaints.unlogged();
        if unlogged > 0 {
            tracing::warn!(
                %session,
                unlogged,
                "more bad messages from this client were dropped (logged at debug)"
            );
        }
        match reason {
            CloseReason::ClientClosed | CloseReason::TransportFailed | CloseReason::Shutdown => {
                tracing::debug!(%session, reason = reason.as_str(), "session ended");
            }
            _ => {
                tracing::warn!(%session, reason = reason.as_str(), "session closed");
            }
        }
        Self {
            channel: channel.clone(),
            caller: caller.clone(),
        }
    }

    /// Runs the disconnect hooks of every registered object that has one, waiting for
    /// each in turn; their context has the session's extensions still.
    pub(crate) async fn tell_objects(self) {
        for object in self.channel.objects() {
            let Some(mut invocation) = Arc::clone(&object).disconnected(&self.caller) else {
                continue;
            };
            let result = loop {
                match invocation {
                    Invocation::Ready(result) => break result,
                    Invocation::Locking(future) => invocation = future.await,
                    Invocation::Running(future) => break future.await,
                }
            };
            if let Err(error) = result {
                tracing::error!(object = %object.core().name(), %error, "disconnect hook failed");
            }
        }
    }
}
