//! How generated code calls a user's fn: under the object's lock, as the receiver asks,
//! `await`ed when it is `async`, its value turned into the call's reply.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;
use syn::spanned::Spanned;

use super::tokens::{call_at, private};
use crate::model::{Object, Output, Receiver};
use crate::types::contains_impl_trait;

/// `Self::ident(this, args...)` run once the object's lock is taken, as the receiver
/// asks, `await`ed for an `async fn`, its value turned into the reply.
pub(super) fn locked_call(
    object: &Object,
    ident: &Ident,
    receiver: Receiver,
    is_async: bool,
    args: &[TokenStream],
    output: &Output,
) -> TokenStream {
    let p = private(object);
    let this = match (is_async, receiver) {
        (false, _) => quote!(__webchannel_this),
        (true, Receiver::Shared) => quote!(&*__webchannel_this),
        (true, Receiver::Exclusive) => quote!(&mut *__webchannel_this),
    };
    let mut call = quote!(Self::#ident(#this, #(#args),*));
    if is_async {
        call = quote!(#call.await);
    }
    let reply = reply(object, output, call);
    if is_async {
        // The lock is taken before the session reads on (calls start in arrival order);
        // the future owns the guard while it runs.
        let (call_fn, guard) = match receiver {
            Receiver::Shared => (quote!(call_async_ref), quote!(__webchannel_this)),
            Receiver::Exclusive => (quote!(call_async_mut), quote!(mut __webchannel_this)),
        };
        // The reply of a unit call is a block already.
        let body = match output {
            Output::Unit => reply,
            _ => quote!({ #reply }),
        };
        quote!(#p::#call_fn(__webchannel_object, move |#guard| async move #body))
    } else {
        let (call_fn, this_ty) = match receiver {
            Receiver::Shared => (quote!(call_ref), quote!(&Self)),
            Receiver::Exclusive => (quote!(call_mut), quote!(&mut Self)),
        };
        quote!(#p::#call_fn(__webchannel_object, move |__webchannel_this: #this_ty| #reply))
    }
}

/// Turns the value of `call` into the call's reply.
fn reply(object: &Object, output: &Output, call: TokenStream) -> TokenStream {
    let p = private(object);
    match output {
        Output::Unit => quote!({
            #call;
            ::core::result::Result::Ok(#p::Reply::null())
        }),
        // A result that cannot be serialized (or an error that cannot be displayed)
        // fails here, at the user's return type.
        Output::Value(ty) if !contains_impl_trait(ty) => {
            call_at(ty.span(), quote!(#p::reply), Some(quote!(#ty)), call)
        }
        Output::Result {
            ty,
            ok: Some(ok),
            err,
        } if !contains_impl_trait(ty) => {
            let err = err.as_ref().map_or_else(|| quote!(_), |err| quote!(#err));
            call_at(
                ty.span(),
                quote!(#p::reply_result),
                Some(quote!(#ok, #err)),
                call,
            )
        }
        Output::Value(ty) => call_at(ty.span(), quote!(#p::reply), None, call),
        Output::Result { ty, .. } => call_at(ty.span(), quote!(#p::reply_result), None, call),
    }
}
