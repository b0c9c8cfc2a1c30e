//! The injected context taken as `&mut`.

use webchannel::Context;

pub struct Widget;

#[webchannel::object]
impl Widget {
    pub fn poke(&self, cx: &mut Context<Self>) {
        let _ = cx;
    }
}

fn main() {}
