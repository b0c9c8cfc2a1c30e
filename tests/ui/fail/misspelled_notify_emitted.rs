//! A notify name that matches no signal, also emitted by a method of the impl and by
//! another module: the macro's error is the only one, not `no method named
//! `level_changd``.

mod tank {
    use webchannel::Context;

    #[derive(Default)]
    pub struct Tank {
        level: u32,
    }

    #[webchannel::object]
    impl Tank {
        #[webchannel(property, notify = level_changd)]
        pub fn level(&self) -> u32 {
            self.level
        }

        pub fn set_level(&mut self, level: u32, cx: &Context<Self>) {
            self.level = level;
            cx.level_changd(level);
        }

        pub fn drain(&mut self, cx: &Context<Self>) {
            self.level = 0;
            cx.level_changd(0);
            cx.drained();
        }

        #[webchannel(signal)]
        fn level_changed(level: u32);

        #[webchannel(signal)]
        fn drained();
    }
}

fn main() {
    let channel = webchannel::Channel::new();
    let tank = channel
        .register("tank", tank::Tank::default())
        .expect("a free name");
    tank.level_changd(3);
    tank.drained();
}
