//! Published methods: a `pub fn` taking `&self` or `&mut self`, perhaps `async`, not
//! `unsafe` or generic, returning `()`, a value, or a `Result` whose `Err` rejects the
//! call.

use syn::{ReturnType, Type};

use super::namespace::published_name;
use super::parameter::check_args;
use super::signature::{
    is_unit, receiver, reject_generics, reject_qualifiers, reject_receiver, result_type,
};
use crate::errors::Errors;
use crate::model::{FnInput, Method, Output, Receiver};

pub(super) fn check_method(f: &FnInput, errors: &mut Errors) -> Method {
    let sig = &f.sig;
    let receiver_kind = match receiver(sig) {
        Some(Ok(kind)) => kind,
        _ => {
            reject_receiver(
                sig,
                "published methods take `&self` or `&mut self`; mark the fn \
                 `#[webchannel(skip)]` to keep it unpublished",
                errors,
            );
            Receiver::Shared
        }
    };
    reject_qualifiers(sig, "a published method", errors);
    reject_generics(sig, "a published method", errors);
    let args = check_args(sig, errors);
    Method {
        ident: sig.ident.clone(),
        name: published_name(&sig.ident, &f.options),
        copied: f.copied.clone(),
        receiver: receiver_kind,
        is_async: sig.asyncness.is_some(),
        args,
        output: output(&sig.output),
    }
}

/// What the call's reply is made of.
fn output(output: &ReturnType) -> Output {
    match output {
        ReturnType::Default => Output::Unit,
        ReturnType::Type(_, ty) if is_unit(ty) => Output::Unit,
        ReturnType::Type(_, ty) => match result_type(ty) {
            Some((ok, err)) => Output::Result {
                ty: Type::clone(ty),
                ok,
                err,
            },
            None => Output::Value(Type::clone(ty)),
        },
    }
}
