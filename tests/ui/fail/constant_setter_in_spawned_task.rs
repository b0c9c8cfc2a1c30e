//! `constant` plus a setter, in an object that other modules publish, hold as
//! `Handle<Device>`, move into spawned tasks (which must be `Send`) and emit signals on:
//! the macro's error is the only one.

mod device {
    use webchannel::Context;

    pub struct Device {
        name: String,
    }

    impl Device {
        pub fn new(name: &str) -> Self {
            Self {
                name: name.to_owned(),
            }
        }
    }

    #[webchannel::object]
    impl Device {
        #[webchannel(property, constant)]
        pub fn name(&self) -> String {
            self.name.clone()
        }

        pub fn set_name(&mut self, name: String, cx: &Context<Self>) {
            self.name = name;
            cx.renamed(self.name.clone());
        }

        #[webchannel(signal)]
        fn renamed(name: String);
    }
}

mod tasks {
    use webchannel::{Channel, Handle};

    use crate::device::Device;

    pub fn publish(channel: &Channel) -> Handle<Device> {
        channel
            .register("device", Device::new("lamp"))
            .expect("a free name")
    }

    pub fn announce_later(device: Handle<Device>) -> tokio::task::JoinHandle<String> {
        tokio::spawn(async move {
            let name = device.read().await.name();
            tokio::task::yield_now().await;
            device.renamed(name.clone());
            name
        })
    }
}

fn main() {
    let channel = webchannel::Channel::new();
    let device = tasks::publish(&channel);
    drop(tasks::announce_later(device));
}
