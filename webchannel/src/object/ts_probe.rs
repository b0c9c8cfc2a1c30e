//! How generated code finds the TypeScript type of a Rust type without requiring a bound:
//! autoref specialization. `(&TsProbe::<T>::new()).ts_type(d)` resolves to [`TsKnown`]
//! when `T: ts_rs::TS` (the method takes `&TsProbe<T>`, found first) and otherwise to
//! [`TsUnknown`] (it takes `&&TsProbe<T>`, found one autoref later), which says `unknown`.
//! The choice is made where the macro expands, for the concrete types of the signature.
//!
//! The probe and both traits are here, with the plain type descriptions, so generated code
//! compiles whatever the crate's features; `TsKnown`'s implementation comes with the
//! `typescript` feature (in the `typescript` module, which renders declarations), and
//! without it every type says `unknown`.

use std::marker::PhantomData;

use super::meta::Declarations;

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

/// The [`TsType`](super::meta::TsType) of a type that has no TypeScript type: `unknown`.
pub fn ts_unknown(_: &mut Declarations) -> String {
    "unknown".to_owned()
}
