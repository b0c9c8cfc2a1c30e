//! Items compiled out by `#[cfg]` compile and take no place in the tables.

use webchannel::Object;

pub struct Switch;

#[webchannel::object]
impl Switch {
    #[cfg(any())]
    pub fn never(&self) -> u8 {
        0
    }

    pub fn always(&self) -> u8 {
        1
    }

    #[cfg(any())]
    #[webchannel(property, constant)]
    pub fn hidden(&self) -> u8 {
        0
    }

    #[webchannel(property, notify = flipped)]
    pub fn shown(&self) -> u8 {
        2
    }

    #[cfg(any())]
    #[webchannel(signal)]
    fn never_emitted();

    #[webchannel(signal)]
    fn flipped();
}

fn main() {
    let meta = Switch::META;
    let methods: Vec<&str> = meta.methods.iter().map(|method| method.name).collect();
    assert_eq!(methods, ["always"]);
    let properties: Vec<&str> = meta.properties.iter().map(|p| p.name).collect();
    assert_eq!(properties, ["shown"]);
    let signals: Vec<&str> = meta.signals.iter().map(|signal| signal.name).collect();
    assert_eq!(signals, ["flipped"]);
    assert_eq!(meta.properties[0].notify, Some(0));
}
