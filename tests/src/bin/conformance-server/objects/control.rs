//! `Control` (published as `control`): what Qt's tests do from the server side, callable
//! by the suite: hold and release property updates, register and deregister objects while
//! clients are connected, change or emit on other objects from outside their calls (the
//! gauges' notify properties, the dial's bindable one), and open the gates `worker` calls
//! wait at.

use std::sync::Arc;

use webchannel::{Channel, Handle};

use super::dial::Dial;
use super::gates::Gates;
use super::gauge::Gauge;
use super::signal_source::SignalSource;
use super::widget::Widget;

/// The room's own channel and the objects it acts on.
pub(crate) struct Control {
    channel: Channel,
    props: Handle<Gauge>,
    other_props: Handle<Gauge>,
    signals: Handle<SignalSource>,
    dial: Handle<Dial>,
    gates: Arc<Gates>,
}

impl Control {
    pub(crate) fn new(
        channel: Channel,
        props: Handle<Gauge>,
        other_props: Handle<Gauge>,
        signals: Handle<SignalSource>,
        dial: Handle<Dial>,
        gates: Arc<Gates>,
    ) -> Self {
        Self {
            channel,
            props,
            other_props,
            signals,
            dial,
            gates,
        }
    }
}

#[webchannel::object]
impl Control {
    /// Holds property updates back from every client of the room (Qt's `blockUpdates`),
    /// or releases them.
    pub fn set_updates_blocked(&self, blocked: bool) {
        self.channel.set_updates_blocked(blocked);
    }

    /// Whether updates are held back.
    pub fn updates_blocked(&self) -> bool {
        self.channel.updates_blocked()
    }

    /// Registers a new `Widget` under `name`, while clients are connected.
    pub fn register_widget(&self, name: String) -> Result<String, String> {
        self.channel
            .register(name.clone(), Widget::new(name))
            .map(|handle| handle.name().to_owned())
            .map_err(|error| error.to_string())
    }

    /// Deregisters the object named `name`; false when there is none.
    pub fn deregister(&self, name: String) -> bool {
        self.channel.deregister(&name)
    }

    /// How many clients the room has.
    pub fn session_count(&self) -> usize {
        self.channel.session_count()
    }

    /// Sets `count` and `label` of both `props` and `otherProps` to `1` ... `times` from
    /// outside their calls (as Qt's grouping test assigns properties in QML): every
    /// change is recorded before any update goes out.
    pub async fn change_both(&self, times: i64) -> i64 {
        for step in 1..=times {
            for gauge in [&self.props, &self.other_props] {
                gauge.write().await.store(step, format!("both {step}"));
                gauge.count_changed(step);
                gauge.label_changed();
            }
        }
        times
    }

    /// Sets the dial's level from outside its calls, and marks the change.
    pub async fn set_dial(&self, level: i64) {
        self.dial.write().await.store(level);
        self.dial.mark_level_changed();
    }

    /// Opens gate `name` once: one `worker` call waiting there (now or later) goes on.
    pub fn open(&self, name: String) {
        self.gates.open(&name);
    }

    /// Emits `signals.text(text)` from a task of its own, after this call has answered.
    pub fn emit_soon(&self, text: String) {
        let signals = self.signals.clone();
        tokio::spawn(async move {
            tokio::task::yield_now().await;
            signals.text(&text);
        });
    }
}
