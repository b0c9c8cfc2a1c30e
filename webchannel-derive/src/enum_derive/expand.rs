//! [`PublishedEnum`] → tokens: `Serialize` and `Deserialize` as the variant's number
//! (an unknown number is an error that lists the accepted ones),
//! `webchannel::PublishedEnum` with the enum's table, and `ts_rs::TS` (the union of the
//! numbers) for TypeScript declarations.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use syn::Ident;

use super::model::PublishedEnum;

pub(super) fn expand(published: &PublishedEnum) -> TokenStream {
    let krate = &published.krate;
    let p = quote!(#krate::__private);
    let serialize = serialize(published, &p);
    let deserialize = deserialize(published, &p);
    let published_enum = published_enum(published, &p);
    let ts = ts(published, &p);
    quote! {
        const _: () = {
            #serialize

            #deserialize

            #published_enum

            // In TypeScript declarations: the union of the numbers.
            #ts
        };
    }
}

/// The number of each variant, in declaration order.
fn values(published: &PublishedEnum) -> Vec<TokenStream> {
    published
        .variants
        .iter()
        .map(|variant| number(variant.value))
        .collect()
}

fn variant_idents(published: &PublishedEnum) -> impl Iterator<Item = &Ident> {
    published.variants.iter().map(|variant| &variant.ident)
}

/// `Serialize`: the variant's number.
fn serialize(published: &PublishedEnum, p: &TokenStream) -> TokenStream {
    let ident = &published.ident;
    let variants = variant_idents(published);
    let values = values(published);
    quote! {
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
    }
}

/// `Deserialize`: from a number; any other number is an error that lists the accepted
/// ones.
fn deserialize(published: &PublishedEnum, p: &TokenStream) -> TokenStream {
    let ident = &published.ident;
    let name = &published.name;
    let variants = variant_idents(published);
    let values = values(published);
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
        #[automatically_derived]
        impl<'de> #p::serde::Deserialize<'de> for #ident {
            fn deserialize<__D: #p::serde::Deserializer<'de>>(
                __webchannel_deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                match <i64 as #p::serde::Deserialize<'de>>::deserialize(
                    __webchannel_deserializer,
                )? {
                    #(#values => ::core::result::Result::Ok(Self::#variants),)*
                    __webchannel_other => ::core::result::Result::Err(#p::refuse::<__D::Error>(
                        ::core::format_args!(#unknown, __webchannel_other),
                    )),
                }
            }
        }
    }
}

/// `webchannel::PublishedEnum`: the name and the `(key, value)` table.
fn published_enum(published: &PublishedEnum, p: &TokenStream) -> TokenStream {
    let ident = &published.ident;
    let name = &published.name;
    let keys = published.variants.iter().map(|variant| &variant.name);
    let values = values(published);
    quote! {
        #[automatically_derived]
        impl #p::PublishedEnum for #ident {
            const META: #p::EnumMeta = #p::EnumMeta {
                name: #name,
                values: &[#((#keys, #values)),*],
            };
        }
    }
}

/// `ts_rs::TS`: a type alias of the union of the numbers.
fn ts(published: &PublishedEnum, p: &TokenStream) -> TokenStream {
    let ident = &published.ident;
    let name = &published.name;
    let union = if published.variants.is_empty() {
        "never".to_owned()
    } else {
        published
            .variants
            .iter()
            .map(|variant| variant.value.to_string())
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let declaration = format!("type {name} = {union};");
    let file = format!("{name}.ts");
    // Only when the runtime renders TypeScript (its `typescript` feature), so the
    // expansion compiles either way.
    quote! {
        #p::with_typescript! {
            #[automatically_derived]
            impl #p::ts_rs::TS for #ident {
                type WithoutGenerics = Self;
                type OptionInnerType = Self;

                fn name(_: &#p::ts_rs::Config) -> ::std::string::String {
                    ::std::string::String::from(#name)
                }

                fn inline(_: &#p::ts_rs::Config) -> ::std::string::String {
                    ::std::string::String::from(#union)
                }

                fn decl(_: &#p::ts_rs::Config) -> ::std::string::String {
                    ::std::string::String::from(#declaration)
                }

                fn decl_concrete(_: &#p::ts_rs::Config) -> ::std::string::String {
                    ::std::string::String::from(#declaration)
                }

                fn output_path() -> ::core::option::Option<::std::path::PathBuf> {
                    ::core::option::Option::Some(::std::path::PathBuf::from(#file))
                }
            }
        }
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
