// An `async fn(&self)` disconnect hook without a context, compiled only under a `#[cfg]`.
pub struct Tally;

#[webchannel::object]
impl Tally {
    #[cfg(feature = "tally")]
    #[webchannel(on_disconnect)]
    async fn count_one(&self) {}
}
