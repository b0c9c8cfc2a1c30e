//! Every kind of mistake the checker reports inside one impl block, whose type the rest
//! of the crate publishes, holds as `Handle<Studio>` in a spawned task, and whose signals
//! and methods it calls (from the impl, through `cx` and `self`, and through the handle):
//! each mistake is one error, the macro's, and nothing else fails.

mod studio {
    use webchannel::Context;

    #[derive(Default)]
    pub struct Studio {
        level: i64,
        title: String,
    }

    #[webchannel::object(colour = "red")]
    impl Studio {
        // Methods.
        pub fn rename(&mut self, title: &str) {
            self.title = title.to_owned();
        }

        pub fn scaled<T: Into<i64>>(&self, by: T) -> i64 {
            self.level * by.into()
        }

        pub fn add(&mut self, more: impl Into<i64>, cx: &Context<Self>) {
            self.level += more.into();
            cx.level_changed(self.level);
            cx.beeped();
            self.flashed(1);
        }

        pub fn into_title(self) -> String {
            self.title
        }

        pub fn poke(&self, cx: &mut Context<Self>) {
            cx.beeped();
        }

        // Properties.
        #[webchannel(property)]
        pub fn volume(&self) -> i64 {
            self.level
        }

        #[webchannel(property, constant)]
        pub async fn slow(&self) -> i64 {
            self.level
        }

        #[webchannel(property, constant)]
        pub fn nth(&self, n: usize) -> i64 {
            self.level + n as i64
        }

        #[webchannel(property, notify = rename)]
        pub fn caption(&self) -> String {
            self.title.clone()
        }

        #[webchannel(property, notify = counted)]
        pub fn level(&self) -> i64 {
            self.level
        }

        #[webchannel(property, constant)]
        pub fn title(&self) -> String {
            self.title.clone()
        }

        pub fn set_title(&mut self, title: String, cx: &Context<Self>) {
            self.title = title;
            cx.subtitle_changd(self.title.clone());
        }

        #[webchannel(property, notify = subtitle_changd)]
        pub fn subtitle(&self) -> String {
            self.title.clone()
        }

        #[webchannel(property, notify = gain_changed)]
        pub fn gain(&self) -> i64 {
            self.level
        }

        pub fn set_gain(&mut self, gain: i32) {
            self.level = i64::from(gain);
        }

        // Signals.
        #[webchannel(signal)]
        fn level_changed(level: i64);

        #[webchannel(signal)]
        fn gain_changed(gain: i64);

        #[webchannel(signal)]
        fn counted(first: i64, second: i64);

        #[webchannel(signal)]
        fn beeped() {}

        #[webchannel(signal)]
        fn flashed(&self, times: u32);

        #[webchannel(signal)]
        fn generic<T: serde::Serialize>(value: T);

        #[webchannel(signal)]
        fn answered(question: String) -> bool;

        fn clicked(times: u32);

        // Names.
        #[webchannel(name = "rename")]
        pub fn retitle(&mut self) {}

        #[webchannel(signal)]
        fn destroyed();

        #[webchannel(name = "two words")]
        pub fn spaced(&self) {}

        #[webchannel(skip, name = "hidden")]
        pub fn helper(&self) {}

        #[webchannel(colour = "blue")]
        pub fn painted(&self) {}

        #[webchannel(signal)]
        const LIMIT: i64 = 10;

        // Disconnect hooks.
        #[webchannel(on_disconnect)]
        fn left(&mut self, cx: &Context<Self>, reason: String) {
            let _ = (cx, reason);
        }

        #[webchannel(on_disconnect)]
        fn left_again(&mut self) {}
    }
}

mod desk {
    use webchannel::{Channel, Handle};

    use crate::studio::Studio;

    pub fn publish(channel: &Channel) -> Handle<Studio> {
        channel
            .register("studio", Studio::default())
            .expect("a free name")
    }

    pub fn watch(studio: Handle<Studio>) -> tokio::task::JoinHandle<i64> {
        tokio::spawn(async move {
            let level = studio.read().await.level();
            tokio::task::yield_now().await;
            studio.level_changed(level);
            studio.counted(level, level);
            studio.subtitle_changd("subtitle");
            studio.clicked(2);
            studio.flashed(3);
            studio.generic(4u8);
            studio.answered("why".to_owned());
            studio.destroyed();
            studio.write().await.set_gain(5);
            level
        })
    }
}

fn main() {
    let channel = webchannel::Channel::new();
    let studio = desk::publish(&channel);
    drop(desk::watch(studio));
}
