//! The description of one type in the metadata: its Rust text, its Qt name, and a fn
//! naming it in TypeScript.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Type;
use syn::visit_mut::VisitMut;

use super::tokens::private;
use crate::display::type_text;
use crate::model::Object;
use crate::qt_types::qt_type;
use crate::types::{contains_impl_trait, referent};

/// `ParamMeta { ... }`: a published parameter name and its type.
pub(super) fn param_meta(object: &Object, name: &str, ty: &Type) -> TokenStream {
    let p = private(object);
    let ty = type_meta(object, ty);
    quote!(#p::ParamMeta { name: #name, ty: #ty })
}

/// The `TypeMeta` of `ty`.
pub(super) fn type_meta(object: &Object, ty: &Type) -> TokenStream {
    type_meta_as(object, ty, Some(ty))
}

/// The `TypeMeta` of `ty`, whose TypeScript type is that of `received` (`unknown` for
/// `None`).
pub(super) fn type_meta_as(object: &Object, ty: &Type, received: Option<&Type>) -> TokenStream {
    let p = private(object);
    let rust = type_text(ty);
    let qt = qt_type(ty, &object.enum_names);
    let ts = ts_type(object, received);
    quote!(#p::TypeMeta { rust: #rust, qt: #qt, ts: #ts })
}

/// A fn naming `ty` in TypeScript: through `ts_rs::TS` where `ty` implements it, else
/// `unknown` (the probe in `webchannel::typescript` picks, at compile time, without
/// requiring a bound).
fn ts_type(object: &Object, ty: Option<&Type>) -> TokenStream {
    let p = private(object);
    match ty {
        Some(ty) if !contains_impl_trait(ty) => {
            let ty = with_static_lifetimes(referent(ty));
            quote! {
                |__webchannel_ts: &mut #p::Declarations| {
                    #[allow(unused_imports)]
                    use #p::{TsKnown as _, TsUnknown as _};
                    (&#p::TsProbe::<#ty>::new()).ts_type(__webchannel_ts)
                }
            }
        }
        _ => quote!(#p::ts_unknown),
    }
}

/// `ty` with every lifetime `'static`, written or elided, so that it can be named outside
/// the fn it comes from (`Cow<'_, str>` → `Cow<'static, str>`).
fn with_static_lifetimes(ty: &Type) -> Type {
    struct Static;
    impl VisitMut for Static {
        fn visit_lifetime_mut(&mut self, lifetime: &mut syn::Lifetime) {
            *lifetime = syn::Lifetime::new("'static", lifetime.span());
        }
        fn visit_type_reference_mut(&mut self, reference: &mut syn::TypeReference) {
            if reference.lifetime.is_none() {
                reference.lifetime = Some(syn::Lifetime::new("'static", reference.and_token.span));
            }
            syn::visit_mut::visit_type_reference_mut(self, reference);
        }
        // A `for<'a> fn(&'a T)` binds its own lifetimes.
        fn visit_type_bare_fn_mut(&mut self, _: &mut syn::TypeBareFn) {}
    }
    let mut ty = ty.clone();
    Static.visit_type_mut(&mut ty);
    ty
}
