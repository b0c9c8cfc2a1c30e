//! [`PublishedEnum`] → tokens: `Serialize` and `Deserialize` as the variant's number
//! (an unknown number is an error that lists the accepted ones) and
//! `webchannel::PublishedEnum` with the enum's table.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::model::PublishedEnum;

pub(super) fn expand(published: &PublishedEnum) -> TokenStream {
    let krate = &published.krate;
    let p = quote!(#krate::__private);
    let ident = &published.ident;
    let name = &published.name;
    let variants: Vec<_> = published
        .variants
        .iter()
        .map(|variant| &variant.ident)
        .collect();
    let values: Vec<TokenStream> = published
        .variants
        .iter()
        .map(|variant| number(variant.value))
        .collect();
    let keys = published.variants.iter().map(|variant| &variant.name);
    let accepted = published
        .variants
        .iter()
        .map(|variant| format!("{} ({})", variant.value, variant.name))
        .collect::<Vec<_>>()
        .join(", ");
    let unknown = if published.variants.is_empty() {
        format!("{{}} is not a {name}, which has no values")
    } else {
        format!("{{}} is not a {name}; expected one of: {accepted}")
    };
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #p::serde::Serialize for #ident {
                fn serialize<__S: #p::serde::Serializer>(
                    &self,
                    __webchannel_serializer: __S,
                ) -> ::core::result::Result<__S::Ok, __S::Error> {
                    let __webchannel_value: i64 = match *self {
                        #(Self::#variants => #values,)*
                    };
                    __webchannel_serializer.serialize_i64(__webchannel_value)
                }
            }

            #[automatically_derived]
            impl<'de> #p::serde::Deserialize<'de> for #ident {
                fn deserialize<__D: #p::serde::Deserializer<'de>>(
                    __webchannel_deserializer: __D,
                ) -> ::core::result::Result<Self, __D::Error> {
                    match <i64 as #p::serde::Deserialize<'de>>::deserialize(
                        __webchannel_deserializer,
                    )? {
                        #(#values => ::core::result::Result::Ok(Self::#variants),)*
                        __webchannel_other => ::core::result::Result::Err(
                            <__D::Error as #p::serde::de::Error>::custom(
                                ::core::format_args!(#unknown, __webchannel_other),
                            ),
                        ),
                    }
                }
            }

            #[automatically_derived]
            impl #p::PublishedEnum for #ident {
                const META: #p::EnumMeta = #p::EnumMeta {
                    name: #name,
                    values: &[#((#keys, #values)),*],
                };
            }
        };
    }
}

/// `value` as a literal; a negative one as `-` and the magnitude, which works in patterns.
fn number(value: i64) -> TokenStream {
    let magnitude = Literal::u64_unsuffixed(value.unsigned_abs());
    if value < 0 {
        quote!(-#magnitude)
    } else {
        quote!(#magnitude)
    }
}
