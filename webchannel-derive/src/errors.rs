//! Every error of one expansion, collected so that they are all reported together, in
//! the order of the items they are about; and what a rejected item expands to.

use std::fmt::Display;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

/// The errors found so far, each with the position of the item it is about.
#[derive(Default)]
pub(crate) struct Errors {
    errors: Vec<(usize, syn::Error)>,
    item: usize,
}

impl Errors {
    /// Errors recorded from now on are about the fn at `index` in the impl block (errors
    /// about the macro arguments and the impl block itself come first).
    pub(crate) fn about_fn(&mut self, index: usize) {
        self.item = index + 1;
    }

    /// Errors recorded from now on are about the macro arguments or the impl block.
    pub(crate) fn about_impl(&mut self) {
        self.item = 0;
    }

    /// Records `error`.
    pub(crate) fn push(&mut self, error: syn::Error) {
        self.errors.push((self.item, error));
    }

    /// Records `message` at `span`.
    pub(crate) fn at(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Records `message` over the tokens of `tokens` (first to last token).
    pub(crate) fn over(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// How many errors were recorded: a check compares the count before and after an
    /// item to tell whether the item is sound.
    pub(crate) fn len(&self) -> usize {
        self.errors.len()
    }

    /// `Err` with every recorded error, in item order, if there was any.
    pub(crate) fn finish(mut self) -> syn::Result<()> {
        self.errors.sort_by_key(|(item, _)| *item);
        let mut errors = self.errors.into_iter().map(|(_, error)| error);
        let Some(mut first) = errors.next() else {
            return Ok(());
        };
        for error in errors {
            first.combine(error);
        }
        Err(first)
    }
}

/// An item with mistakes: every error found, and what is emitted with them so that the
/// rest of the crate still compiles and the errors are the only ones the user reads.
pub(crate) struct Rejected {
    pub(crate) errors: syn::Error,
    pub(crate) fallback: TokenStream,
}

impl Rejected {
    /// The errors as `compile_error!`s, then the fallback.
    pub(crate) fn into_tokens(self) -> TokenStream {
        let mut tokens = self.errors.into_compile_error();
        tokens.extend(self.fallback);
        tokens
    }
}
