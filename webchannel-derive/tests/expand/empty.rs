// No methods, properties or signals: the tables are empty and every position is unknown.
pub struct Empty;

#[webchannel::object]
impl Empty {}
