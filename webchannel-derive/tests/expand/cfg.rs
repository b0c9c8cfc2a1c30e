// `#[cfg]` on methods, properties, signals and a setter: positions after a cfg'd item
// are computed with `cfg!`, and the writable flag follows the setter's cfg.
pub struct Conditional {
    level: u8,
}

#[webchannel::object]
impl Conditional {
    pub fn first(&self) -> u8 {
        1
    }

    #[cfg(feature = "extra")]
    pub fn extra(&self) -> u8 {
        2
    }

    pub fn last(&self) -> u8 {
        3
    }

    #[cfg(feature = "extra")]
    #[webchannel(property, constant)]
    pub fn extra_property(&self) -> u8 {
        0
    }

    #[webchannel(property, notify = level_changed)]
    pub fn level(&self) -> u8 {
        self.level
    }

    #[cfg(feature = "writable")]
    pub fn set_level(&mut self, level: u8) {
        self.level = level;
    }

    #[cfg(feature = "extra")]
    #[webchannel(signal)]
    fn extra_signal();

    #[webchannel(signal)]
    fn level_changed(level: u8);
}
