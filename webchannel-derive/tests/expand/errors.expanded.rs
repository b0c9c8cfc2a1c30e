pub struct Broken;
::core::compile_error! {
    "a property needs a change signal or `constant`: `#[webchannel(property, notify = value_changed)]` or `#[webchannel(property, constant)]`"
}
::core::compile_error! {
    "published methods take `&self` or `&mut self`; mark the fn `#[webchannel(skip)]` to keep it unpublished"
}
::core::compile_error! {
    "a signal declaration takes no `self`: `fn changed(value: i64);`, emitted with `cx.changed(...)` or `handle.changed(...)`"
}
