//! Two methods that end up with the same published name after case conversion.

pub struct Chat;

#[webchannel::object]
impl Chat {
    pub fn send_message(&self) {}

    #[allow(non_snake_case)]
    pub fn sendMessage(&self) {}
}

fn main() {}
