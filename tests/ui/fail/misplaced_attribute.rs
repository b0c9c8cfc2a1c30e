//! `#[webchannel(...)]` on an item of the impl that is not a fn.

pub struct Config;

#[webchannel::object]
impl Config {
    #[webchannel(property)]
    pub const VERSION: u32 = 1;
}

fn main() {}
