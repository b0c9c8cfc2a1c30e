//! A `constant` property that has a setter.

pub struct Device {
    name: String,
}

#[webchannel::object]
impl Device {
    #[webchannel(property, constant)]
    pub fn name(&self) -> String {
        self.name.clone()
    }

    pub fn set_name(&mut self, name: String) {
        self.name = name;
    }
}

fn main() {}
