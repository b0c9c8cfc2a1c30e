//! The `#[webchannel::object]` attribute macro. Use it through the `webchannel` crate,
//! which re-exports it and documents it in full.
//!
//! The pipeline: [`parse`](crate::parse) reads the tokens into the [`model`](crate::model),
//! [`check`](crate::check) classifies and validates every fn (collecting all errors), and
//! [`expand`](crate::expand) generates the code. Everything runs on `proc_macro2`, so it
//! is unit-tested without a compiler run.

mod attr;
mod check;
mod display;
mod errors;
mod expand;
mod model;
mod naming;
mod parse;
mod qt_types;

#[cfg(test)]
mod tests;

use proc_macro2::{Span, TokenStream};

/// Publishes the fns of an inherent impl block to QWebChannel clients.
///
/// See the documentation of `webchannel::object` for the complete reference.
#[proc_macro_attribute]
pub fn object(
    args: proc_macro::TokenStream,
    item: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    expand(args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `#[webchannel::object(args)] item` → the generated code, or every error found.
fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut errors = errors::Errors::default();
    let object =
        parse::parse(args, item, &mut errors).map(|input| check::check(input, &mut errors));
    errors.finish()?;
    match object {
        Some(object) => Ok(expand::expand(&object)),
        // `parse` records an error whenever it returns `None`.
        None => Err(syn::Error::new(
            Span::call_site(),
            "#[webchannel::object] could not read this item",
        )),
    }
}
