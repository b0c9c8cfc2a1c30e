//! The macro on a generic impl block.

pub struct Store<T>(Vec<T>);

#[webchannel::object]
impl<T: Send + Sync + 'static> Store<T> {
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

fn main() {}
