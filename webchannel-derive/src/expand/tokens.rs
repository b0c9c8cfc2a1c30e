//! Small token helpers shared by the generators: spans at the user's tokens, the path to
//! the runtime, the signals struct's name, copied docs, and `Self` outside the impl.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::visit_mut::VisitMut;
use syn::{Ident, Type};

use crate::model::{CopiedAttrs, Object};

/// `tokens`, every one of them at `span`.
pub(super) fn respanned(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            token.set_span(span);
            token
        })
        .collect()
}

/// `function(args)` with the path and the parentheses at `span`, so that a trait bound of
/// `function` that the user's type does not meet is reported at `span` (the user's
/// type). `args` keep their own spans: they name generated local variables.
///
/// `generics` (the user's types, with their own spans) become the turbofish: a bound that
/// is not met is reported at the type argument, where an inferred one would be reported
/// at the argument expression, which is generated code.
pub(super) fn call_at(
    span: Span,
    function: TokenStream,
    generics: Option<TokenStream>,
    args: TokenStream,
) -> TokenStream {
    let function = respanned(function, span);
    let generics = generics.map(|generics| quote_spanned!(span=> ::<#generics>));
    quote_spanned!(span=> #function #generics (#args))
}

/// The path to the runtime's private module: `::webchannel::__private`.
pub(super) fn private(object: &Object) -> TokenStream {
    let krate = &object.krate;
    quote!(#krate::__private)
}

/// `CounterSignals`, at the user's type name.
pub(super) fn signals_ident(object: &Object) -> Ident {
    format_ident!(
        "{}Signals",
        object.type_name,
        span = object.type_ident.span()
    )
}

/// The user's doc attributes, or one generated line when there are none.
pub(super) fn docs_or(copied: &CopiedAttrs, default: impl FnOnce() -> String) -> TokenStream {
    if copied.docs.is_empty() {
        let text = default();
        quote!(#[doc = #text])
    } else {
        let docs = &copied.docs;
        quote!(#(#docs)*)
    }
}

/// `ty` with every `Self` replaced by the object's type, for items outside its impl.
pub(super) fn with_self_replaced(ty: &Type, self_ty: &Type) -> Type {
    struct Replace<'a>(&'a Type);
    impl VisitMut for Replace<'_> {
        fn visit_type_mut(&mut self, ty: &mut Type) {
            if let Type::Path(path) = ty
                && path.qself.is_none()
                && path.path.is_ident("Self")
            {
                *ty = self.0.clone();
                return;
            }
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
    let mut ty = ty.clone();
    Replace(self_ty).visit_type_mut(&mut ty);
    ty
}
