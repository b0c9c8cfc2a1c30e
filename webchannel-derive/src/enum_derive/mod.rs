//! `#[derive(webchannel::Enum)]`: a fieldless enum that travels as its number, listed in
//! the `enums` table of the objects that publish it. [`parse`] reads and checks the enum
//! into a [`model::PublishedEnum`]; [`expand`] generates the impls.

mod expand;
mod model;
mod parse;

#[cfg(test)]
mod tests;

use proc_macro2::TokenStream;

use crate::errors::Errors;

/// `#[derive(webchannel::Enum)] item` → the generated impls, or every error found.
pub(crate) fn derive(item: TokenStream) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let published = parse::parse(item, &mut errors);
    errors.finish()?;
    Ok(published
        .map(|published| expand::expand(&published))
        .unwrap_or_default())
}
