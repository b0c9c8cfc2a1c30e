//! What the derive emits with its errors: the impls that uses of the type need
//! (`Serialize`, `Deserialize`, `webchannel::PublishedEnum` with no values), so that an
//! object taking it as a parameter or listing it in `enums(...)` compiles, and the
//! derive's errors are the only ones. None of it runs: the crate does not build while
//! the derive reports an error.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::ext::IdentExt;
use syn::{DeriveInput, GenericParam, Lifetime, LifetimeParam, parse_quote};

/// The impls for `input`, at the runtime's `krate`.
pub(super) fn fallback(input: &DeriveInput, krate: &syn::Path) -> TokenStream {
    let p = quote!(#krate::__private);
    let ident = &input.ident;
    let name = ident.unraw().to_string();
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let mut with_de = input.generics.clone();
    with_de.params.insert(
        0,
        GenericParam::Lifetime(LifetimeParam::new(Lifetime::new("'de", Span::call_site()))),
    );
    let (de_generics, _, _) = with_de.split_for_impl();
    let mut published = input.generics.clone();
    if !published.params.is_empty() {
        published
            .make_where_clause()
            .predicates
            .push(parse_quote!(#ident #ty_generics: 'static));
    }
    let (published_generics, _, published_where) = published.split_for_impl();
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #p::serde::Serialize for #ident #ty_generics #where_clause {
                fn serialize<__S: #p::serde::Serializer>(
                    &self,
                    _: __S,
                ) -> ::core::result::Result<__S::Ok, __S::Error> {
                    loop {}
                }
            }

            #[automatically_derived]
            impl #de_generics #p::serde::Deserialize<'de> for #ident #ty_generics #where_clause {
                fn deserialize<__D: #p::serde::Deserializer<'de>>(
                    _: __D,
                ) -> ::core::result::Result<Self, __D::Error> {
                    loop {}
                }
            }

            #[automatically_derived]
            impl #published_generics #p::PublishedEnum for #ident #ty_generics #published_where {
                const META: #p::EnumMeta = #p::EnumMeta {
                    name: #name,
                    values: &[],
                };
            }
        };
    }
}
