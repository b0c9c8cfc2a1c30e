//! `Overloads` (published as `overloads`): methods that share a published name. A call
//! by name picks the overload whose parameter types fit the arguments best; a call by
//! signature (`bump(QString)`) reaches exactly that one.

/// Qt's own overload test, in Rust: `bump` by number, by text, by both; and `kind`,
/// where an exact type beats a conversion.
pub(crate) struct Overloads;

#[webchannel::object]
impl Overloads {
    /// `bump(int)`: the number plus one.
    #[webchannel(name = "bump")]
    pub fn bump_number(&self, value: i32) -> i64 {
        i64::from(value) + 1
    }

    /// `bump(QString)`: the text in capitals.
    #[webchannel(name = "bump")]
    pub fn bump_text(&self, text: String) -> String {
        text.to_uppercase()
    }

    /// `bump(QString,int)`: the text in capitals, then the number plus one.
    #[webchannel(name = "bump")]
    pub fn bump_both(&self, text: String, value: i32) -> String {
        format!("{}{}", text.to_uppercase(), i64::from(value) + 1)
    }

    /// `kind(qlonglong)`.
    #[webchannel(name = "kind")]
    pub fn kind_integer(&self, value: i64) -> String {
        format!("integer {value}")
    }

    /// `kind(double)`: an integer converts to it, but `kind(qlonglong)` fits one better.
    #[webchannel(name = "kind")]
    pub fn kind_real(&self, value: f64) -> String {
        format!("real {value}")
    }

    /// `kind(bool)`.
    #[webchannel(name = "kind")]
    pub fn kind_flag(&self, value: bool) -> String {
        format!("flag {value}")
    }
}
