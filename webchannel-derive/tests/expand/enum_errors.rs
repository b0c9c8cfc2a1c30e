// A rejected enum expands to its errors and to impls that never run (Serialize,
// Deserialize and PublishedEnum without values), so that objects using it still compile
// and the derive's errors are the only ones.
#[derive(Clone, Copy, webchannel::Enum)]
pub enum Shape {
    Point,
    Circle(f64),
    Square = SIDE,
}
