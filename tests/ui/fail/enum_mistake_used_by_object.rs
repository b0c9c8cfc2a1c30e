//! A published enum with a mistake, used by an object as a parameter, a property and in
//! `enums(...)`: the derive's error is the only one, not `Shape: Deserialize` or
//! `Shape: PublishedEnum is not satisfied` at every use.

#[derive(Clone, Copy, webchannel::Enum)]
pub enum Shape {
    Point,
    Circle(f64),
}

pub struct Canvas {
    shape: Shape,
}

#[webchannel::object(enums(Shape))]
impl Canvas {
    #[webchannel(property, constant)]
    pub fn shape(&self) -> Shape {
        self.shape
    }

    pub fn draw(&mut self, shape: Shape) -> Shape {
        self.shape = shape;
        shape
    }
}

fn main() {
    let channel = webchannel::Channel::new();
    let canvas = channel
        .register(
            "canvas",
            Canvas {
                shape: Shape::Point,
            },
        )
        .expect("a free name");
    drop(canvas);
}
