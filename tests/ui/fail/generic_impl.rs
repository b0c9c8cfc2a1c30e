//! The macro on a generic impl block, whose type is then published: the one error is
//! the macro's, not `Store<u8>: Object is not satisfied` at every use.

pub struct Store<T>(Vec<T>);

#[webchannel::object]
impl<T> Store<T> {
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

fn main() {
    let channel = webchannel::Channel::new();
    let store: webchannel::Handle<Store<u8>> = channel
        .register("store", Store(Vec::new()))
        .expect("a free name");
    drop(store);
}
