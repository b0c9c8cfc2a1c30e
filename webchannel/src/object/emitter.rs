//! [`Emitter`]: what generated signal methods emit through. A plain signal is serialized
//! once and handed, as shared bytes, to the object's [`Outlet`](super::erased::Outlet);
//! a notify signal marks the object's state as changed and hands over its arguments, and so
//! does marking a bindable property, without arguments; a cluster signal is serialized once
//! and handed over to go through the cluster's broker.

use std::fmt;
use std::sync::{Arc, Weak};

use serde::Serialize;

use crate::cluster::{SendError, Sent};
use crate::protocol::Frame;
use crate::protocol::json::JsonBuf;

use super::change::Change;
use super::erased::{ErasedObject, Found, ObjectCore, SharedFound, collecting};

/// Emits the signals of one object. Generated `<Type>Signals` structs wrap one.
#[derive(Clone)]
pub struct Emitter(Weak<dyn ErasedObject>);

impl Emitter {
    pub(crate) fn new(object: Weak<dyn ErasedObject>) -> Self {
        Self(object)
    }

    /// Emits the signal at `signal` (a position in the type's signal list) with `args`,
    /// which must serialize as a JSON array. Does nothing once the object is gone.
    ///
    /// Nothing is serialized when no session is connected to a plain signal. A notify
    /// signal is recorded by every session that knows the object, which sends the
    /// property's current value when its client is idle.
    #[doc(hidden)]
    pub fn emit<A: Serialize + ?Sized>(&self, signal: usize, args: &A) {
        let Some(object) = self.0.upgrade() else {
            return;
        };
        let core = object.core();
        let Some(is_notify) = core.identity().is_notify(signal) else {
            tracing::error!(object = %core.name(), signal, "emitted a signal the object does not have");
            return;
        };
        if is_notify {
            // State changed through interior mutability is announced only by this signal.
            core.touch();
            let Some(outlet) = core.outlet() else {
                return;
            };
            let mut json = JsonBuf::with_capacity(16);
            match write_args(&mut json, args) {
                Ok(objects) => {
                    let change = Change::Signal(signal, json.into_frame());
                    outlet.notify(&object, change, SharedFound::new(objects));
                }
                Err(error) => not_serialized(core, signal, &error),
            }
            return;
        }
        let Some(outlet) = core.outlet().filter(|outlet| outlet.is_heard(signal)) else {
            return;
        };
        match signal_frame(core, signal, args) {
            Ok((frame, objects)) => outlet.signal(signal, frame, SharedFound::new(objects)),
            Err(error) => not_serialized(core, signal, &error),
        }
    }

    /// Emits the cluster signal at `signal` with `args` on every instance of the
    /// object's channel: through the cluster's broker when the channel has one, else
    /// like [`emit`](Self::emit). The broker is handed the signal now, before the caller
    /// goes on, so one caller's signals keep their order.
    #[doc(hidden)]
    pub fn emit_cluster<A: Serialize + ?Sized>(&self, signal: usize, args: &A) -> Sent {
        let Some(object) = self.0.upgrade() else {
            return Sent::ready(Err(SendError::NotRegistered));
        };
        let core = object.core();
        let outlet = match core.outlet() {
            Some(outlet) if core.is_registered() && core.identity().is_notify(signal).is_some() => {
                Arc::clone(outlet)
            }
            _ => return Sent::ready(Err(SendError::NotRegistered)),
        };
        if !outlet.is_clustered() && !outlet.is_heard(signal) {
            return Sent::ready(Ok(()));
        }
        match signal_frame(core, signal, args) {
            Ok((frame, objects)) => outlet.cluster_signal(signal, frame, SharedFound::new(objects)),
            Err(error) => {
                not_serialized(core, signal, &error);
                Sent::ready(Err(SendError::Serialization(error.to_string())))
            }
        }
    }
}

/// The `signal` message of the signal at `signal` with `args`, and the objects the
/// arguments refer to.
#[inline]
fn signal_frame<A: Serialize + ?Sized>(
    core: &ObjectCore,
    signal: usize,
    args: &A,
) -> serde_json::Result<(Frame, Found)> {
    let mut json = core.identity().signal_message(signal, 64);
    let before_args = json.len();
    json.raw(",\"args\":");
    let args_start = json.len();
    let objects = write_args(&mut json, args)?;
    // Like Qt, leave `args` out when there are none.
    if json.len() - args_start == 2 {
        json.truncate(before_args);
    }
    json.raw("}");
    Ok((json.into_frame(), objects))
}

impl Emitter {
    /// Marks the property at `property` (a position in the type's property list), which
    /// has no notify signal, as changed: every session that knows the object sends its
    /// current value when its client is idle. Does nothing once the object is gone.
    #[doc(hidden)]
    pub fn mark_changed(&self, property: usize) {
        let Some(object) = self.0.upgrade() else {
            return;
        };
        let core = object.core();
        if property >= core.meta().properties.len() {
            tracing::error!(object = %core.name(), property, "marked a property the object does not have");
            return;
        }
        // The state changed, whatever changed it.
        core.touch();
        if let Some(outlet) = core.outlet() {
            outlet.notify(&object, Change::Property(property), SharedFound::default());
        }
    }
}

/// Serializes the arguments and collects the objects they refer to. Those become
/// reachable by a client when its session announces them.
#[inline]
fn write_args<A: Serialize + ?Sized>(json: &mut JsonBuf, args: &A) -> serde_json::Result<Found> {
    let (written, objects) = collecting(|| json.value(args));
    written.map(|()| objects)
}

fn not_serialized(core: &ObjectCore, signal: usize, error: &serde_json::Error) {
    let name = core.meta().signals[signal].name;
    tracing::error!(object = %core.name(), signal = name, %error, "signal arguments could not be serialized; not emitted");
}

impl fmt::Debug for Emitter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.upgrade() {
            Some(object) => f
                .debug_tuple("Emitter")
                .field(object.core().name())
                .finish(),
            None => f.write_str("Emitter(<dropped>)"),
        }
    }
}
