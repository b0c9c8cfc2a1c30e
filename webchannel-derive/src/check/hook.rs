//! The disconnect hook: at most one `#[webchannel(on_disconnect)]` fn, taking `&self` or
//! `&mut self`, perhaps `async`, perhaps the context of the session that ended, nothing
//! else, returning `()`.

use syn::{FnArg, ReturnType, Signature};

use super::classify::{Kind, of_kind};
use super::signature::{
    CONTEXT_BORROWED_SHARED, ContextUse, context_use, is_generic, is_unit, receiver,
    reject_qualifiers, reject_receiver,
};
use crate::errors::Errors;
use crate::model::{DisconnectHook, FnInput, Receiver};
use crate::types::strip_groups;

/// The first `on_disconnect` fn, checked; every later one is an error. `None` without a
/// hook, or when it is faulty.
pub(super) fn check_hooks(
    fns: &[FnInput],
    kinds: &[Kind],
    errors: &mut Errors,
) -> Option<DisconnectHook> {
    let mut hooks = of_kind(fns, kinds, Kind::DisconnectHook);
    let (index, first) = hooks.next()?;
    errors.about_fn(index);
    let hook = check_hook(first, errors);
    for (index, f) in hooks {
        errors.about_fn(index);
        if let Some(span) = f.options.on_disconnect {
            errors.at(
                span,
                format_args!(
                    "an impl has at most one `on_disconnect` fn; `{}` already is one",
                    first.sig.ident
                ),
            );
        }
    }
    hook
}

fn check_hook(f: &FnInput, errors: &mut Errors) -> Option<DisconnectHook> {
    let sig = &f.sig;
    let ident = &sig.ident;
    let errors_before = errors.len();
    let expected = format!("`fn {ident}(&mut self, cx: &Context<Self>)`");
    let receiver_kind = match receiver(sig) {
        Some(Ok(kind)) => kind,
        _ => {
            reject_receiver(
                sig,
                format_args!("the `on_disconnect` fn takes `&self` or `&mut self`: {expected}"),
                errors,
            );
            Receiver::Shared
        }
    };
    if f.body.is_none() {
        errors.at(
            ident.span(),
            format_args!("the `on_disconnect` fn needs a body: {expected} {{ ... }}"),
        );
    }
    reject_qualifiers(sig, "the `on_disconnect` fn", errors);
    if is_generic(sig) {
        errors.over(
            &sig.generics,
            format_args!("the `on_disconnect` fn cannot be generic: {expected}"),
        );
    }
    let takes_context = takes_context(sig, &expected, errors);
    if let ReturnType::Type(_, ty) = &sig.output
        && !is_unit(ty)
    {
        errors.over(
            ty,
            "the `on_disconnect` fn returns nothing: no client waits for its result",
        );
    }
    (errors.len() == errors_before).then(|| DisconnectHook {
        ident: ident.clone(),
        receiver: receiver_kind,
        is_async: sig.asyncness.is_some(),
        takes_context,
        cfgs: f.copied.cfgs.clone(),
    })
}

/// Whether the hook takes the context of the session that ended, its one parameter
/// besides the receiver.
fn takes_context(sig: &Signature, expected: &str, errors: &mut Errors) -> bool {
    let mut takes_context = false;
    for input in &sig.inputs {
        let FnArg::Typed(typed) = input else {
            continue;
        };
        match context_use(strip_groups(&typed.ty)) {
            Some(ContextUse::Shared) if !takes_context => takes_context = true,
            Some(ContextUse::Exclusive | ContextUse::ByValue) => {
                errors.over(&typed.ty, CONTEXT_BORROWED_SHARED);
            }
            _ => errors.over(
                input,
                format_args!(
                    "the `on_disconnect` fn takes no parameters besides the receiver and an \
                     optional `&Context<Self>` (the session that ended): {expected}"
                ),
            ),
        }
    }
    takes_context
}
