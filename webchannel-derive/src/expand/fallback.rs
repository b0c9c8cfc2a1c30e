//! What the macro emits with its errors, so that one mistake is one error: the rest of
//! the crate still compiles against the type, and the user reads the macro's messages and
//! nothing else (no `Object is not satisfied` at every `Handle<T>`, no missing methods).
//!
//! - The user's impl block as it would be re-emitted, without `unsafe` on an inherent
//!   impl (already reported), and with a stub for every bodiless fn taking `self` (a
//!   signal declared with a receiver, a fn that lacks its body), so calls on `self` to it
//!   resolve.
//! - `<Type>Signals` with an emitter for every signal the code may emit: each declared
//!   signal (and each bodiless fn), with the parameters as declared, whatever their
//!   mistakes; each `notify` name that no declaration matches, taking as many
//!   arguments as the impl passes it (`cx.level_changd(level)`); and the
//!   `mark_<getter>_changed()` of each getter marked `bindable`.
//! - `impl Object` for the type, with empty tables: nothing is published, no invoker is
//!   reachable. A generic impl keeps its generics, bounded so that the impl is sound.
//!
//! None of it runs: the crate does not build while the macro reports an error. It must
//! only type-check without errors or warnings of its own.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::visit_mut::VisitMut;
use syn::{
    FnArg, Generics, Ident, ImplItem, ImplItemFn, ItemImpl, PredicateType, Type, WherePredicate,
    parse_quote,
};

use super::object_impl;
use super::signal::signals_struct;
use super::tokens::{private, with_self_replaced};
use crate::attr::mark_method;
use crate::model::{FnInput, Input, Object};

/// The impl block, the signals struct and the `Object` impl, for an impl that has
/// mistakes.
pub(crate) fn fallback(input: &Input) -> TokenStream {
    let item = kept_item(input);
    let Some(object) = stand_in(input) else {
        return quote!(#item);
    };
    let signals = signals_struct(&object, emitters(input, &object));
    let object_impl = object_impl(&object);
    quote! {
        #item

        #signals

        const _: () = {
            #object_impl
        };
    }
}

/// The user's impl block, with stubs for the bodiless fns that take `self`.
fn kept_item(input: &Input) -> ItemImpl {
    let mut item = input.item.clone();
    if item.trait_.is_none() {
        item.unsafety = None;
    }
    let stubs = input
        .fns
        .iter()
        .filter(|f| f.body.is_none() && f.sig.receiver().is_some())
        .map(stub);
    item.items.extend(stubs);
    item
}

/// `fn name(&self, ...) { loop {} }`: callable as the user declared it. Built from the
/// parsed signature, never by parsing tokens again, so that no input makes it fail.
fn stub(f: &FnInput) -> ImplItem {
    let mut sig = f.sig.clone();
    sig.variadic = None;
    for input in &mut sig.inputs {
        if let FnArg::Typed(typed) = input {
            *typed.pat = parse_quote!(_);
        }
    }
    let mut attrs = f.copied.cfgs.clone();
    attrs.push(parse_quote!(#[allow(dead_code)]));
    ImplItem::Fn(ImplItemFn {
        attrs,
        vis: f.vis.clone(),
        defaultness: None,
        sig,
        block: parse_quote!({ loop {} }),
    })
}

/// The object the `Object` impl is generated from: the type and the runtime's path, with
/// no methods, properties, signals or enums. `None` when the self type is no plain path
/// (`dyn Trait`), which cannot be an `Object`.
fn stand_in(input: &Input) -> Option<Object> {
    let self_ty = &input.item.self_ty;
    let Type::Path(path) = &**self_ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let type_ident = path.path.segments.last()?.ident.clone();
    Some(Object {
        krate: input.krate.clone(),
        enums: Vec::new(),
        enum_names: Vec::new(),
        item: input.item.clone(),
        self_ty: (**self_ty).clone(),
        generics: bounded_generics(&input.item),
        type_name: type_ident.unraw().to_string(),
        type_ident,
        methods: Vec::new(),
        properties: Vec::new(),
        signals: Vec::new(),
        on_disconnect: None,
    })
}

/// The impl's generics, with the self type bounded as `Object` requires, so that the
/// `Object` impl holds whatever bounds the user wrote.
fn bounded_generics(item: &ItemImpl) -> Generics {
    let mut generics = item.generics.clone();
    if !generics.params.is_empty() {
        generics
            .make_where_clause()
            .predicates
            .push(WherePredicate::Type(PredicateType {
                lifetimes: None,
                bounded_ty: (*item.self_ty).clone(),
                colon_token: Default::default(),
                bounds: parse_quote!(::core::marker::Send + ::core::marker::Sync + 'static),
            }));
    }
    generics
}

/// An emitter for each declared signal, each undeclared `notify` name and each `bindable`
/// getter's marking method, once per name.
fn emitters(input: &Input, object: &Object) -> TokenStream {
    let mut names: Vec<String> = Vec::new();
    let mut emitters = TokenStream::new();
    for f in input.fns.iter().filter(|f| is_declared_signal(f)) {
        let name = f.sig.ident.unraw().to_string();
        if !names.contains(&name) {
            emitters.extend(declared_emitter(f, object));
            names.push(name);
        }
    }
    let arities = call_arities(&input.item);
    for notify in input.fns.iter().filter_map(|f| f.options.notify.as_ref()) {
        let name = notify.unraw().to_string();
        if !names.contains(&name) {
            let arity = arities.get(&name).copied().unwrap_or_default();
            let params = (0..arity).map(|_| quote!(_: impl ::core::marker::Sized));
            emitters.extend(quote! {
                #[doc(hidden)]
                pub fn #notify(&self, #(#params),*) {}
            });
            names.push(name);
        }
    }
    for f in input.fns.iter().filter(|f| f.options.bindable.is_some()) {
        let name = mark_method(&f.sig.ident.unraw().to_string());
        if !names.contains(&name) {
            let mark = Ident::new(&name, f.sig.ident.span());
            let cfgs = &f.copied.cfgs;
            emitters.extend(quote! {
                #(#cfgs)*
                #[doc(hidden)]
                pub fn #mark(&self) {}
            });
            names.push(name);
        }
    }
    emitters
}

/// A fn marked `signal`, or a bodiless one, which can only have been meant as a signal.
fn is_declared_signal(f: &FnInput) -> bool {
    f.options.signal.is_some() || f.body.is_none()
}

/// The emitter of a declared signal: its generics and parameters as declared, no body (a
/// cluster signal returns what its emission would, so that awaiting it type-checks).
fn declared_emitter(f: &FnInput, object: &Object) -> TokenStream {
    let sig = &f.sig;
    let ident = &sig.ident;
    let (generics, _, where_clause) = sig.generics.split_for_impl();
    let params = sig.inputs.iter().filter_map(|input| match input {
        FnArg::Typed(typed) => Some(with_self_replaced(&typed.ty, &object.self_ty)),
        FnArg::Receiver(_) => None,
    });
    let cfgs = &f.copied.cfgs;
    let (returns, body) = match f.options.cluster {
        None => (None, quote!({})),
        Some(_) => {
            let p = private(object);
            (Some(quote!(-> #p::Sent)), quote!({ loop {} }))
        }
    };
    quote! {
        #(#cfgs)*
        #[doc(hidden)]
        pub fn #ident #generics(&self, #(_: #params),*) #returns #where_clause #body
    }
}

/// How many arguments the impl passes to each method it calls by name (`x.name(a, b)`),
/// the first call of each name counting.
fn call_arities(item: &ItemImpl) -> HashMap<String, usize> {
    struct Calls(HashMap<String, usize>);
    impl VisitMut for Calls {
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            self.0
                .entry(call.method.unraw().to_string())
                .or_insert(call.args.len());
            syn::visit_mut::visit_expr_method_call_mut(self, call);
        }
    }
    let mut calls = Calls(HashMap::new());
    calls.visit_item_impl_mut(&mut item.clone());
    calls.0
}
