//! How generated code finds the TypeScript type of a Rust type without requiring a bound:
//! autoref specialization. `(&TsProbe::<T>::new()).ts_type(d)` resolves to [`TsKnown`]
//! when `T: ts_rs::TS` (the method takes `&TsProbe<T>`, found first) and otherwise to
//! [`TsUnknown`] (it takes `&&TsProbe<T>`, found one autoref later), which says `unknown`.
//! The choice is made where the macro expands, for the concrete types of the signature.

use std::marker::PhantomData;

use ts_rs::TS;

use super::collect::Declarations;

/// Stands for the type `T` in the method call that picks its TypeScript naming.
pub struct TsProbe<T: ?Sized>(PhantomData<fn() -> *const T>);

impl<T: ?Sized> TsProbe<T> {
    /// The probe for `T`.
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T: ?Sized> Default for TsProbe<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The TypeScript type of a type that implements `ts_rs::TS`.
pub trait TsKnown {
    /// The type's TypeScript name; its declarations are added to `declarations`.
    fn ts_type(&self, declarations: &mut Declarations) -> String;
}

impl<T: TS + ?Sized + 'static> TsKnown for TsProbe<T> {
    fn ts_type(&self, declarations: &mut Declarations) -> String {
        declarations.type_of::<T>()
    }
}

/// The TypeScript type of any other type: `unknown`.
pub trait TsUnknown {
    /// Always `unknown`.
    fn ts_type(&self, declarations: &mut Declarations) -> String;
}

impl<T: ?Sized> TsUnknown for &TsProbe<T> {
    fn ts_type(&self, declarations: &mut Declarations) -> String {
        ts_unknown(declarations)
    }
}

/// The [`TsType`] of a type that has no TypeScript type: `unknown`.
pub fn ts_unknown(_: &mut Declarations) -> String {
    "unknown".to_owned()
}

/// What a [`TypeMeta`](crate::meta::TypeMeta) says about TypeScript: a function that names
/// the type and adds the declarations the name needs.
pub type TsType = fn(&mut Declarations) -> String;

#[cfg(test)]
mod tests {
    use super::*;

    struct Opaque;

    #[derive(ts_rs::TS)]
    #[allow(dead_code)]
    struct Message {
        text: String,
        count: i64,
    }

    #[test]
    #[allow(
        clippy::needless_borrow,
        reason = "the borrow is what generated code writes: it selects the fallback"
    )]
    fn types_with_ts_get_their_type_and_others_unknown() {
        let mut declarations = Declarations::default();
        assert_eq!((&TsProbe::<u8>::new()).ts_type(&mut declarations), "number");
        assert_eq!(
            (&TsProbe::<i64>::new()).ts_type(&mut declarations),
            "number",
            "64-bit integers arrive as JSON numbers"
        );
        assert_eq!(
            (&TsProbe::<Vec<Option<String>>>::new()).ts_type(&mut declarations),
            "Array<string | null>"
        );
        assert_eq!(
            (&TsProbe::<str>::new()).ts_type(&mut declarations),
            "string"
        );
        assert_eq!(
            (&TsProbe::<Opaque>::new()).ts_type(&mut declarations),
            "unknown"
        );
        assert_eq!(
            (&TsProbe::<Vec<Message>>::new()).ts_type(&mut declarations),
            "Array<Message>"
        );
        assert_eq!(
            declarations.types(),
            ["export type Message = { text: string, count: number, };"]
        );
    }
}
