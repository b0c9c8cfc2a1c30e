//! `Calculator` (published as `calls`): plain methods called with callbacks and
//! Promises, results of every shape, failures, and a record of fire-and-forget calls.

use webchannel::Context;

/// Methods that compute, fail, or remember.
#[derive(Default)]
pub(crate) struct Calculator {
    notes: Vec<String>,
}

#[webchannel::object]
impl Calculator {
    /// The sum.
    pub fn add(&self, a: i64, b: i64) -> i64 {
        a + b
    }

    /// The two texts joined.
    pub fn concat(&self, a: String, b: String) -> String {
        a + &b
    }

    /// Returns nothing: the client receives `null`.
    pub fn nothing(&self) {}

    /// `Err` rejects the client's call with the text.
    pub fn divide(&self, a: i64, b: i64) -> Result<i64, String> {
        a.checked_div(b)
            .ok_or_else(|| format!("cannot divide {a} by {b}"))
    }

    /// `Ok(())` resolves with `null`.
    pub fn check(&self, ok: bool) -> Result<(), String> {
        if ok {
            Ok(())
        } else {
            Err("check failed".to_owned())
        }
    }

    /// `Some` is the value, `None` is `null`.
    pub fn maybe(&self, present: bool) -> Option<String> {
        present.then(|| "here".to_owned())
    }

    /// A result JSON cannot hold (a map whose keys are pairs): the call fails, and the
    /// client is not told serde's reason.
    pub fn unserializable(&self) -> std::collections::HashMap<(i64, i64), i64> {
        std::collections::HashMap::from([((1, 2), 3)])
    }

    /// Panics: the call fails, the server goes on.
    #[allow(clippy::panic)]
    pub fn explode(&self) -> i64 {
        panic!("explode() was called");
    }

    /// Remembers `note` (for calls made without waiting for their answer).
    pub fn note(&mut self, note: String, cx: &Context<Self>) -> usize {
        self.notes.push(note);
        cx.noted(self.notes.len());
        self.notes.len()
    }

    /// Everything noted so far.
    pub fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    /// The session that made the call.
    pub fn whoami(&self, cx: &Context<Self>) -> u64 {
        cx.session().get()
    }

    #[webchannel(signal)]
    fn noted(count: usize);
}
