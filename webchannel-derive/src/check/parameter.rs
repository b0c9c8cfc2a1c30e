//! The parameters of a method or setter: values the client sends, owned and concrete,
//! and at most one injected `&Context<Self>`.

use syn::{FnArg, Pat, PatType, Signature, Type};

use super::signature::{CONTEXT_BORROWED_SHARED, ContextUse, context_use};
use crate::errors::Errors;
use crate::model::{Arg, Param};
use crate::naming::camel_case;
use crate::types::{contains_impl_trait, strip_groups};

/// Every parameter but the receiver; a faulty one is left out.
pub(super) fn check_args(sig: &Signature, errors: &mut Errors) -> Vec<Arg> {
    let mut args = Vec::new();
    for (position, input) in sig.inputs.iter().enumerate() {
        let FnArg::Typed(typed) = input else {
            continue;
        };
        let has_context = args.iter().any(|arg| matches!(arg, Arg::Context));
        if let Some(arg) = check_arg(position, typed, has_context, errors) {
            args.push(arg);
        }
    }
    args
}

fn check_arg(
    position: usize,
    typed: &PatType,
    has_context: bool,
    errors: &mut Errors,
) -> Option<Arg> {
    let ty = strip_groups(&typed.ty);
    match context_use(ty) {
        Some(ContextUse::Shared) => {
            if has_context {
                errors.over(ty, "a method takes at most one `&Context<Self>`");
            }
            return Some(Arg::Context);
        }
        Some(ContextUse::Exclusive | ContextUse::ByValue) => {
            errors.over(ty, CONTEXT_BORROWED_SHARED);
            return None;
        }
        None => {}
    }
    if contains_impl_trait(ty) {
        errors.over(
            ty,
            "`impl Trait` parameters are not supported: use a concrete type that \
             implements `serde::Deserialize`",
        );
        return None;
    }
    if let Type::Reference(_) = ty {
        errors.over(
            ty,
            "parameters are deserialized from the client's JSON, so they are owned types \
             (`String` rather than `&str`); only `&Context<Self>` is borrowed",
        );
        return None;
    }
    let name = match &*typed.pat {
        Pat::Ident(pat) => camel_case(&pat.ident.to_string()),
        _ => format!("arg{position}"),
    };
    Some(Arg::Param(Param {
        name,
        ty: (*typed.ty).clone(),
    }))
}
