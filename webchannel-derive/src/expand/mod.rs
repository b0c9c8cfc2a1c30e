//! [`Object`] → tokens: the re-emitted impl block, the `<Type>Signals` struct and the
//! `Object` impl, one concept per module: [`signal`] emitters, [`method`] invokers and
//! the [`call`]s they make, [`property`] readers and writers, the disconnect [`hook`],
//! and the metadata table (here, with [`type_meta`] for each type); and, after a mistake,
//! the [`fallback`]. Code generation only: every decision was made by `check`.

mod call;
mod fallback;
mod hook;
mod method;
mod position;
mod property;
mod signal;
mod tokens;
mod type_meta;

pub(crate) use self::fallback::fallback;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use self::hook::disconnected;
use self::method::{invoke, method_meta};
use self::position::positions;
use self::property::{property_meta, read_property, write_property};
use self::signal::{emitters, signal_meta, signals_struct};
use self::tokens::{private, respanned, signals_ident};
use crate::model::Object;

/// Everything the macro emits for `object`.
pub(crate) fn expand(object: &Object) -> TokenStream {
    let item = &object.item;
    let signals = signals_struct(object, emitters(object));
    let object_impl = object_impl(object);
    quote! {
        #item

        #signals

        const _: () = {
            #object_impl
        };
    }
}

/// `impl Object for Counter`.
fn object_impl(object: &Object) -> TokenStream {
    let p = private(object);
    let self_ty = &object.self_ty;
    let (generics, _, where_clause) = object.generics.split_for_impl();
    let signals = signals_ident(object);
    let meta = object_meta(object);
    let invoke = invoke(object);
    let read_property = read_property(object);
    let write_property = write_property(object);
    let disconnected = disconnected(object);
    quote! {
        #[automatically_derived]
        impl #generics #p::Object for #self_ty #where_clause {
            type Signals = #signals;

            const META: &'static #p::ObjectMeta = &#meta;

            fn signals(__webchannel_emitter: #p::Emitter) -> #signals {
                #signals { __webchannel_emitter }
            }

            #invoke

            #read_property

            #write_property

            #disconnected
        }
    }
}

/// `ObjectMeta { ... }`.
fn object_meta(object: &Object) -> TokenStream {
    let p = private(object);
    let type_name = &object.type_name;
    let signal_positions = positions(object.signals.iter().map(|signal| &signal.copied));
    let methods = object
        .methods
        .iter()
        .map(|method| method_meta(object, method));
    let properties = object
        .properties
        .iter()
        .map(|property| property_meta(object, property, &signal_positions));
    let signals = object
        .signals
        .iter()
        .map(|signal| signal_meta(object, signal));
    // Spanned at the user's path: an enum that does not derive `webchannel::Enum` is
    // reported there.
    let enums = object.enums.iter().map(|path| {
        let published_enum = respanned(quote!(#p::PublishedEnum), path.span());
        quote_spanned!(path.span()=> <#path as #published_enum>::META)
    });
    quote! {
        #p::ObjectMeta {
            type_name: #type_name,
            methods: &[#(#methods),*],
            properties: &[#(#properties),*],
            signals: &[#(#signals),*],
            enums: &[#(#enums),*],
        }
    }
}
