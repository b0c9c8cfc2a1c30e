//! The disconnect hook: `Object::disconnected`, calling the `on_disconnect` fn.

use proc_macro2::TokenStream;
use quote::quote;

use super::call::locked_call;
use super::tokens::private;
use crate::model::{Object, Output};

/// `fn disconnected`, calling the `on_disconnect` fn; nothing (the trait's default, no
/// hook) without one.
pub(super) fn disconnected(object: &Object) -> TokenStream {
    let Some(hook) = &object.on_disconnect else {
        return TokenStream::new();
    };
    let p = private(object);
    let ident = &hook.ident;
    let cfgs = &hook.cfgs;
    let cx: Option<TokenStream> = hook.takes_context.then(|| quote!(&__webchannel_cx));
    // Without a context parameter the context is not used: an unnamed parameter, so that
    // the user's crate gets no warning.
    let cx_param = if hook.takes_context {
        quote!(__webchannel_cx)
    } else {
        quote!(_)
    };
    let call = locked_call(
        object,
        ident,
        hook.receiver,
        hook.is_async,
        cx.as_slice(),
        &Output::Unit,
    );
    quote! {
        #(#cfgs)*
        fn disconnected(
            __webchannel_object: &#p::Handle<Self>,
            #cx_param: #p::Context<Self>,
        ) -> ::core::option::Option<#p::Invocation> {
            ::core::option::Option::Some(#call)
        }
    }
}
