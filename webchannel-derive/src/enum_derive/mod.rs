//! `#[derive(webchannel::Enum)]`: a fieldless enum that travels as its number, listed in
//! the `enums` table of the objects that publish it. [`parse`] reads and checks the enum
//! into a [`model::PublishedEnum`]; [`expand`] generates the impls, or, after a mistake,
//! [`fallback`] the impls that keep the type's uses compiling.

mod expand;
mod fallback;
mod model;
mod parse;

#[cfg(test)]
mod tests;

use proc_macro2::TokenStream;
use syn::DeriveInput;

use crate::errors::{Errors, Rejected};

/// `#[derive(webchannel::Enum)] item` → the generated impls, or every error found with
/// the impls that keep the type's uses compiling.
pub(crate) fn derive(item: TokenStream) -> Result<TokenStream, Rejected> {
    let input = syn::parse2::<DeriveInput>(item).map_err(|errors| Rejected {
        errors,
        fallback: TokenStream::new(),
    })?;
    let mut errors = Errors::default();
    let krate = parse::crate_path(&input, &mut errors);
    let published = parse::parse(&input, &krate, &mut errors);
    if let Err(errors) = errors.finish() {
        return Err(Rejected {
            errors,
            fallback: fallback::fallback(&input, &krate),
        });
    }
    // `parse` records an error whenever it returns `None`.
    Ok(published
        .map(|published| expand::expand(&published))
        .unwrap_or_default())
}
