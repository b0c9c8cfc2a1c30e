//! Signal declarations: `#[webchannel(signal)] fn name(arg: Type, ...);`, bodiless,
//! without `self`, qualifiers, generics or a return type; each argument a plain name and
//! a concrete type.

use syn::{FnArg, Ident, Pat, PatType, ReturnType, Signature};

use super::classify::{Kind, of_kind};
use super::namespace::published_name;
use super::signature::{context_use, is_generic};
use crate::display::type_text;
use crate::errors::Errors;
use crate::model::{FnInput, Signal, SignalParam};
use crate::naming::camel_case;
use crate::types::{contains_impl_trait, strip_groups};

/// Every signal declaration, in declaration order. A faulty one is kept too, so that the
/// properties it notifies find it.
pub(super) fn check_signals(fns: &[FnInput], kinds: &[Kind], errors: &mut Errors) -> Vec<Signal> {
    of_kind(fns, kinds, Kind::Signal)
        .map(|(index, f)| {
            errors.about_fn(index);
            check_signal(f, errors)
        })
        .collect()
}

fn check_signal(f: &FnInput, errors: &mut Errors) -> Signal {
    check_declaration(f, errors);
    let params = f
        .sig
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(position, input)| match input {
            FnArg::Typed(typed) => check_param(position, typed, errors),
            FnArg::Receiver(_) => None,
        })
        .collect();
    Signal {
        ident: f.sig.ident.clone(),
        name: published_name(&f.sig.ident, &f.options),
        copied: f.copied.clone(),
        params,
        cluster: f.options.cluster,
    }
}

/// Everything about the declaration but its arguments.
fn check_declaration(f: &FnInput, errors: &mut Errors) {
    let sig = &f.sig;
    let ident = &sig.ident;
    if let Some(body) = f.body {
        errors.at(
            body,
            format_args!(
                "a signal is declared without a body: `fn {ident}({});`; the macro \
                 generates the emitter",
                declared_params(sig)
            ),
        );
    }
    if let Some(receiver) = sig.receiver() {
        errors.over(
            receiver,
            format_args!(
                "a signal declaration takes no `self`: `fn {ident}({});`, emitted with \
                 `cx.{ident}(...)` or `handle.{ident}(...)`",
                declared_params(sig)
            ),
        );
    }
    for (keyword, span) in [
        ("async", sig.asyncness.map(|token| token.span)),
        ("const", sig.constness.map(|token| token.span)),
        ("unsafe", sig.unsafety.map(|token| token.span)),
    ] {
        if let Some(span) = span {
            errors.at(
                span,
                format_args!("a signal declaration cannot be `{keyword}`"),
            );
        }
    }
    if let Some(variadic) = &sig.variadic {
        errors.over(variadic, "a signal declaration cannot be variadic");
    }
    if is_generic(sig) {
        errors.over(
            &sig.generics,
            "signals cannot be generic: their arguments have concrete types",
        );
    }
    if let ReturnType::Type(_, ty) = &sig.output {
        errors.over(ty, "a signal returns nothing: remove the return type");
    }
}

/// The parameters as declared, without the receiver: `value: i64, text: &str`.
fn declared_params(sig: &Signature) -> String {
    let params: Vec<String> = sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(typed) => Some(format!(
                "{}: {}",
                type_text(&typed.pat),
                type_text(&typed.ty)
            )),
            FnArg::Receiver(_) => None,
        })
        .collect();
    params.join(", ")
}

/// One argument: a plain name (or `_`) and a concrete type that is not a context.
fn check_param(position: usize, typed: &PatType, errors: &mut Errors) -> Option<SignalParam> {
    let ty = strip_groups(&typed.ty);
    if contains_impl_trait(ty) {
        errors.over(ty, "signal arguments need concrete types, not `impl Trait`");
        return None;
    }
    if context_use(ty).is_some() {
        errors.over(
            ty,
            "a signal carries data only; a `Context` is injected into methods, not signals",
        );
        return None;
    }
    let (ident, name) = match &*typed.pat {
        Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => {
            (pat.ident.clone(), camel_case(&pat.ident.to_string()))
        }
        Pat::Wild(wild) => (
            Ident::new(
                &format!("__webchannel_arg{position}"),
                wild.underscore_token.span,
            ),
            format!("arg{position}"),
        ),
        pat => {
            errors.over(pat, "signal arguments are plain names: `value: i64`");
            return None;
        }
    };
    Some(SignalParam {
        ident,
        name,
        ty: (*typed.ty).clone(),
    })
}
