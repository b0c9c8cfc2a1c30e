//! A generic published method.

pub struct Store;

#[webchannel::object]
impl Store {
    pub fn put<T: serde::de::DeserializeOwned>(&self, value: T) {
        let _ = value;
    }
}

fn main() {}
