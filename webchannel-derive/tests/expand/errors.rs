// A rejected input expands to nothing but its errors, all of them at once.
pub struct Broken;

#[webchannel::object]
impl Broken {
    #[webchannel(property)]
    pub fn value(&self) -> i64 {
        1
    }

    pub fn consume(self) {}

    #[webchannel(signal)]
    fn changed(&self);
}
