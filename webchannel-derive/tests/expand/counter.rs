use webchannel::Context;

#[derive(Default)]
pub struct Counter {
    value: i64,
}

#[webchannel::object]
impl Counter {
    /// The current value.
    #[webchannel(property, notify = value_changed)]
    pub fn value(&self) -> i64 {
        self.value
    }

    /// Setter: makes `value` writable.
    pub fn set_value(&mut self, value: i64, cx: &Context<Self>) {
        self.value = value;
        cx.value_changed(value);
    }

    /// A constant property.
    #[webchannel(property, constant)]
    pub fn name(&self) -> String {
        "counter".into()
    }

    /// Adds `by` and returns the new value.
    pub fn increment(&mut self, by: i64, cx: &Context<Self>) -> i64 {
        self.value += by;
        cx.value_changed(self.value);
        self.value
    }

    pub fn describe(&self) -> String {
        format!("{}", self.value)
    }

    #[webchannel(name = "reset")]
    pub fn reset_to_zero(&mut self) {
        self.value = 0;
    }

    pub fn divide(&self, by: i64) -> Result<i64, String> {
        if by == 0 {
            Err("division by zero".into())
        } else {
            Ok(self.value / by)
        }
    }

    pub async fn slow_double(&self, delay_ms: u64) -> i64 {
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
        self.value * 2
    }

    #[webchannel(skip)]
    pub fn internal_helper(&self) {}

    fn private_helper(&self) {}

    /// Emitted when the value changes.
    #[webchannel(signal)]
    fn value_changed(value: i64);

    #[webchannel(signal)]
    fn overflowed(at: i64, message: String);
}
