//! Signals are declarations: the macro writes their bodies.

pub struct Bell;

#[webchannel::object]
impl Bell {
    #[webchannel(signal)]
    fn rang() {
        println!("ding");
    }
}

fn main() {}
