//! Methods: their metadata, and `Object::invoke`, which reads a call's arguments by
//! position and calls the method.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::call::locked_call;
use super::position::{Table, by_position};
use super::tokens::private;
use super::type_meta::{param_meta, type_meta_as};
use crate::model::{Arg, Method, Object, Output, unit_type};
use crate::qt_types::signature;

/// `MethodMeta { ... }`, with the Qt signature and what the client's promise resolves to.
pub(super) fn method_meta(object: &Object, method: &Method) -> TokenStream {
    let p = private(object);
    let cfgs = &method.copied.cfgs;
    let name = &method.name;
    let signature = signature(
        name,
        method.params().map(|param| &param.ty),
        &object.enum_names,
    );
    let params = method
        .params()
        .map(|param| param_meta(object, &param.name, &param.ty));
    let unit = unit_type();
    // What the client's promise resolves to: for a `Result`, its `Ok` type.
    let (returned, received) = match &method.output {
        Output::Unit => (&unit, Some(&unit)),
        Output::Value(ty) => (ty, Some(ty)),
        Output::Result { ty, ok, .. } => (ty, ok.as_ref()),
    };
    let returns = type_meta_as(object, returned, received);
    let is_async = method.is_async;
    let docs = &method.copied.doc_text;
    quote! {
        #(#cfgs)*
        #p::MethodMeta {
            name: #name,
            signature: #signature,
            params: &[#(#params),*],
            returns: #returns,
            is_async: #is_async,
            docs: #docs,
        }
    }
}

/// `fn invoke`: one match arm per method position.
pub(super) fn invoke(object: &Object) -> TokenStream {
    let p = private(object);
    let unknown = Table::Methods.unknown(object);
    let body = by_position(
        Table::Methods,
        object.methods.iter().map(|method| &method.copied),
        quote!(#p::Invocation::failed(#unknown)),
        |index, pattern, _| {
            let method = &object.methods[index];
            let cfgs = &method.copied.cfgs;
            let call = method_call(object, method);
            quote! {
                #(#cfgs)*
                #pattern => {
                    #call
                }
            }
        },
    );
    quote! {
        fn invoke(
            __webchannel_object: &#p::Handle<Self>,
            __webchannel_method: usize,
            __webchannel_args: #p::Args<'_>,
            __webchannel_cx: #p::Context<Self>,
        ) -> #p::Invocation {
            #body
        }
    }
}

/// The body of one `invoke` arm: read the arguments, then call the method.
fn method_call(object: &Object, method: &Method) -> TokenStream {
    let p = private(object);
    let ident = &method.ident;
    let mut reads = Vec::new();
    let mut call_args = Vec::new();
    for arg in &method.args {
        match arg {
            Arg::Context => call_args.push(quote!(&__webchannel_cx)),
            Arg::Param(param) => {
                let position = reads.len();
                let var = format_ident!("__webchannel_arg{position}");
                let ty = &param.ty;
                let index = Literal::usize_unsuffixed(position);
                reads.push(quote! {
                    let #var: #ty = match __webchannel_args.get::<#ty>(#index) {
                        ::core::result::Result::Ok(__webchannel_value) => __webchannel_value,
                        ::core::result::Result::Err(__webchannel_error) => {
                            return #p::Invocation::failed(__webchannel_error);
                        }
                    };
                });
                call_args.push(quote!(#var));
            }
        }
    }
    let call = locked_call(
        object,
        ident,
        method.receiver,
        method.is_async,
        &call_args,
        &method.output,
    );
    quote! {
        #(#reads)*
        #call
    }
}
