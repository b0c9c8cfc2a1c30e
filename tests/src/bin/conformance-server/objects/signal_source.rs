//! `SignalSource` (published as `signals`): signals with arguments of every kind, without
//! arguments, several in one call, and emitted from a call that then returns.

// `mixed` carries one argument of each of the seven JSON kinds; its generated emitter
// takes `&self` too, which clippy counts as eight.
#![allow(clippy::too_many_arguments)]

use std::collections::BTreeMap;

use webchannel::Context;

/// Emits its signals when asked.
pub(crate) struct SignalSource;

#[webchannel::object]
impl SignalSource {
    /// `flag(true)`, `flag(false)`, then `number(42)`, `number(1)`, `number(0)`: the
    /// sequence Qt's own test checks for argument conversion.
    pub fn trigger_signals(&self, cx: &Context<Self>) {
        cx.flag(true);
        cx.flag(false);
        cx.number(42);
        cx.number(1);
        cx.number(0);
    }

    /// Emits `text(text)`, then returns `"returned"`: the signal reaches the client
    /// before the response.
    pub fn emit_text(&self, text: String, cx: &Context<Self>) -> &'static str {
        cx.text(&text);
        "returned"
    }

    /// Emits `counter(1)` ... `counter(count)`.
    pub fn emit_counter(&self, count: u32, cx: &Context<Self>) -> u32 {
        for n in 1..=count {
            cx.counter(n);
        }
        count
    }

    /// Emits `mixed` with one argument of each JSON kind.
    pub fn emit_mixed(&self, cx: &Context<Self>) {
        let map = BTreeMap::from([("one".to_owned(), 1), ("two".to_owned(), 2)]);
        cx.mixed(true, -7, 2.5, "zwölf 🎈", &[1, 2, 3], None, &map);
    }

    /// Emits `pinged()`, a signal without arguments.
    pub fn ping(&self, cx: &Context<Self>) {
        cx.pinged();
    }

    #[webchannel(signal)]
    fn flag(value: bool);

    #[webchannel(signal)]
    fn number(value: i64);

    #[webchannel(signal)]
    fn text(value: &str);

    #[webchannel(signal)]
    fn counter(n: u32);

    #[webchannel(signal)]
    fn mixed(
        flag: bool,
        integer: i64,
        real: f64,
        text: &str,
        list: &[i64],
        nothing: Option<String>,
        map: &BTreeMap<String, i64>,
    );

    #[webchannel(signal)]
    fn pinged();
}
