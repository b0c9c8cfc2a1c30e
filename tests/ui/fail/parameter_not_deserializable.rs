//! Parameters come from JSON: the error points at the parameter's type.

pub struct NotFromJson;

pub struct Printer;

#[webchannel::object]
impl Printer {
    pub fn print(&self, page: NotFromJson) {
        let _ = page;
    }
}

fn main() {}
