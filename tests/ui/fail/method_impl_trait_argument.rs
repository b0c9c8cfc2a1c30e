//! A published method with an `impl Trait` parameter.

pub struct Store;

#[webchannel::object]
impl Store {
    pub fn put(&self, value: impl serde::de::DeserializeOwned) {
        let _ = value;
    }
}

fn main() {}
