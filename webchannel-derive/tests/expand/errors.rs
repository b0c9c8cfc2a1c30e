// A rejected input expands to its errors, all of them at once, followed by the fallback
// that keeps the rest of the crate compiling: the impl block (with a stub for the
// bodiless `changed(&self)`), an emitter for every signal the code may emit (`changed`,
// `shared`, a cluster signal returning `Sent`, and `value_changed`, named by `notify` but
// never declared) and an `Object` impl with empty tables.
pub struct Broken;

#[webchannel::object]
impl Broken {
    #[webchannel(property, notify = value_changed)]
    pub fn value(&self) -> i64 {
        1
    }

    pub fn bump(&self, cx: &Context<Self>) {
        cx.value_changed(2);
    }

    pub fn consume(self) {}

    #[webchannel(signal)]
    fn changed(&self);

    #[webchannel(signal, cluster)]
    fn shared(text: String);
}
