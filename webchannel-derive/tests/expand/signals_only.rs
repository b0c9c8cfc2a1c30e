// Signals only: no arguments (`NoArgs`), one (a 1-tuple), borrowed ones, `Self`, which
// means the object's type in the generated signals struct, and a cluster signal, whose
// emitter returns what the broker made of it.
pub struct Beacon;

#[webchannel::object]
impl Beacon {
    #[webchannel(signal)]
    fn ping();

    /// Counts up.
    #[webchannel(signal, name = "tock")]
    fn tick(count: u32);

    #[webchannel(signal)]
    fn note(text: &str, tags: &[String]);

    #[webchannel(signal)]
    fn copied(copy: Option<Box<Self>>);

    #[webchannel(signal, cluster)]
    fn everywhere(text: &str);
}
