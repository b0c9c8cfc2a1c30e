//! The parts of a fn signature that several kinds of fn check the same way: visibility,
//! the receiver, `unsafe` and variadic qualifiers, generics, an injected context, and
//! `()` or `Result` return types.

use std::fmt::Display;

use syn::{GenericArgument, PathArguments, Signature, Type, Visibility};

use crate::attr::CONTEXT;
use crate::errors::Errors;
use crate::model::Receiver;
use crate::types::strip_groups;

/// Only plain `pub` publishes; `pub(crate)` and the like stay Rust-only.
pub(super) fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

/// `unsafe` and variadic fns: the generated code that calls them has no `unsafe` block
/// and passes a fixed list of arguments.
pub(super) fn reject_qualifiers(sig: &Signature, what: &str, errors: &mut Errors) {
    if let Some(unsafety) = &sig.unsafety {
        errors.at(
            unsafety.span,
            format_args!("{what} cannot be `unsafe`: clients call it"),
        );
    }
    if let Some(variadic) = &sig.variadic {
        errors.over(variadic, format_args!("{what} cannot be variadic"));
    }
}

/// Whether the fn has generic parameters or a `where` clause.
pub(super) fn is_generic(sig: &Signature) -> bool {
    !sig.generics.params.is_empty() || sig.generics.where_clause.is_some()
}

pub(super) fn reject_generics(sig: &Signature, what: &str, errors: &mut Errors) {
    if is_generic(sig) {
        errors.over(
            &sig.generics,
            format_args!(
                "{what} cannot be generic: clients send JSON that is read as concrete types; \
                 mark the fn `#[webchannel(skip)]` to keep it unpublished"
            ),
        );
    }
}

/// Records `message` at the receiver, or at the fn's name when it has none.
pub(super) fn reject_receiver(sig: &Signature, message: impl Display, errors: &mut Errors) {
    match sig.receiver() {
        Some(receiver) => errors.over(receiver, message),
        None => errors.at(sig.ident.span(), message),
    }
}

/// `Some(Ok)` for `&self` / `&mut self` (also written `self: &Self`), `Some(Err)` for
/// any other receiver, `None` without one.
pub(super) fn receiver(sig: &Signature) -> Option<Result<Receiver, ()>> {
    let receiver = sig.receiver()?;
    let Type::Reference(reference) = strip_groups(&receiver.ty) else {
        return Some(Err(()));
    };
    let is_self = matches!(
        strip_groups(&reference.elem),
        Type::Path(path) if path.qself.is_none() && path.path.is_ident("Self")
    );
    Some(match (is_self, reference.mutability.is_some()) {
        (false, _) => Err(()),
        (true, false) => Ok(Receiver::Shared),
        (true, true) => Ok(Receiver::Exclusive),
    })
}

/// How a parameter mentions a `Context`.
pub(super) enum ContextUse {
    /// `&Context<Self>`: the injected context.
    Shared,
    /// `&mut Context<Self>`.
    Exclusive,
    /// `Context<Self>`.
    ByValue,
}

/// Whether `ty` is a context (any path whose last segment is `Context`).
pub(super) fn context_use(ty: &Type) -> Option<ContextUse> {
    let is_context = |ty: &Type| {
        matches!(
            strip_groups(ty),
            Type::Path(path)
                if path.qself.is_none()
                    && path.path.segments.last().is_some_and(|last| last.ident == CONTEXT)
        )
    };
    match ty {
        Type::Reference(reference) if is_context(&reference.elem) => {
            Some(if reference.mutability.is_some() {
                ContextUse::Exclusive
            } else {
                ContextUse::Shared
            })
        }
        ty if is_context(ty) => Some(ContextUse::ByValue),
        _ => None,
    }
}

/// The one message for a context that is not borrowed shared.
pub(super) const CONTEXT_BORROWED_SHARED: &str =
    "the context is borrowed shared: take it as `&Context<Self>`";

/// `T` and `E` of a type whose last path segment is `Result` (each `None` when not
/// written as a type argument, as in `io::Result<T>`); `None` for any other type.
pub(super) fn result_type(ty: &Type) -> Option<(Option<Type>, Option<Type>)> {
    let Type::Path(path) = strip_groups(ty) else {
        return None;
    };
    let last = path.path.segments.last()?;
    if path.qself.is_some() || last.ident != "Result" {
        return None;
    }
    let mut types = match &last.arguments {
        PathArguments::AngleBracketed(arguments) => arguments
            .args
            .iter()
            .filter_map(|argument| match argument {
                GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .into_iter(),
        _ => Vec::new().into_iter(),
    };
    let ok = types.next();
    let err = types.next();
    Some((ok, err))
}

pub(super) fn is_unit(ty: &Type) -> bool {
    matches!(strip_groups(ty), Type::Tuple(tuple) if tuple.elems.is_empty())
}
