//! What each fn of the impl is (signal, property getter, method or setter, disconnect
//! hook, or left alone), from its options, visibility and receiver; and whether its
//! options fit together.

use proc_macro2::Span;

use super::signature::is_pub;
use crate::errors::Errors;
use crate::model::{FnInput, Options};
use crate::naming::is_valid_published_name;

/// What a fn of the impl turns out to be.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    /// `#[webchannel(signal)]`.
    Signal,
    /// `#[webchannel(property, ...)]`.
    Property,
    /// A `pub fn` with a receiver: a method, or a setter once properties are known.
    Callable,
    /// `#[webchannel(on_disconnect)]`: called when a session ends, not published.
    DisconnectHook,
    /// Private, skipped, or without a receiver: left as it is.
    Unpublished,
}

/// The kind of every fn, in declaration order.
pub(super) fn classify_all(fns: &[FnInput], errors: &mut Errors) -> Vec<Kind> {
    fns.iter()
        .enumerate()
        .map(|(index, f)| {
            errors.about_fn(index);
            classify(f, errors)
        })
        .collect()
}

/// The fns of one kind, each with its position in the impl block.
pub(super) fn of_kind<'a>(
    fns: &'a [FnInput],
    kinds: &'a [Kind],
    kind: Kind,
) -> impl Iterator<Item = (usize, &'a FnInput)> {
    fns.iter()
        .zip(kinds)
        .enumerate()
        .filter(move |(_, (_, of))| **of == kind)
        .map(|(index, (f, _))| (index, f))
}

fn classify(f: &FnInput, errors: &mut Errors) -> Kind {
    let options = &f.options;
    check_name_value(options, errors);
    if let Some(skip) = options.skip {
        check_skip(f, skip, errors);
        return Kind::Unpublished;
    }
    if let Some(hook) = options.on_disconnect {
        if options.says_how_to_publish() {
            errors.at(
                hook,
                "`on_disconnect` marks the fn called when a client disconnects; it is not \
                 published and takes no other webchannel option",
            );
        }
        return Kind::DisconnectHook;
    }
    check_property_keys(options, errors);
    if let (Some(cluster), None) = (options.cluster, options.signal) {
        errors.at(
            cluster,
            "`cluster` applies to signals only: `#[webchannel(signal, cluster)]`",
        );
    }
    if options.signal.is_some() {
        return Kind::Signal;
    }
    if let Some(property) = options.property {
        if !is_pub(&f.vis) {
            errors.at(
                property,
                "a property getter must be `pub`: only `pub` fns are published",
            );
        }
        return Kind::Property;
    }
    classify_unmarked(f, errors)
}

/// `name = "..."` must be a name a client can call.
fn check_name_value(options: &Options, errors: &mut Errors) {
    if let Some(name) = &options.name
        && !is_valid_published_name(&name.value())
    {
        errors.at(
            name.span(),
            "`name` must be a JavaScript identifier: ASCII letters, digits, `_` or `$`, \
             not starting with a digit",
        );
    }
}

/// `skip` stands alone, on a fn that would otherwise be published.
fn check_skip(f: &FnInput, skip: Span, errors: &mut Errors) {
    if f.options.says_how_to_publish() || f.options.on_disconnect.is_some() {
        errors.at(
            skip,
            "`skip` leaves the fn unpublished and takes no other webchannel option",
        );
    } else if !is_pub(&f.vis) {
        errors.at(
            skip,
            "`skip` is not needed here: only `pub` fns are published, private fns never are",
        );
    } else if f.sig.receiver().is_none() {
        errors.at(
            skip,
            "`skip` is not needed here: associated fns without `self` are never published",
        );
    }
}

/// A fn is a getter or a signal, not both; `notify`, `constant` and `bindable` need
/// `property`.
fn check_property_keys(options: &Options, errors: &mut Errors) {
    if let (Some(_), Some(signal)) = (options.property, options.signal) {
        errors.at(
            signal,
            "a fn is either a `property` getter or a `signal` declaration, not both",
        );
    }
    if options.property.is_some() {
        return;
    }
    if let Some(notify) = &options.notify {
        errors.at(
            notify.span(),
            format_args!(
                "`notify` applies to properties only: \
                 `#[webchannel(property, notify = {notify})]`"
            ),
        );
    }
    if let Some(constant) = options.constant {
        errors.at(
            constant,
            "`constant` applies to properties only: `#[webchannel(property, constant)]`",
        );
    }
    if let Some(bindable) = options.bindable {
        errors.at(
            bindable,
            "`bindable` applies to properties only: `#[webchannel(property, bindable)]`",
        );
    }
}

/// A fn marked neither `signal` nor `property`: a method when it is a `pub fn` with a
/// receiver and a body, else left alone.
fn classify_unmarked(f: &FnInput, errors: &mut Errors) -> Kind {
    let name = f.options.name.as_ref();
    if f.body.is_none() {
        errors.at(
            f.sig.ident.span(),
            format_args!(
                "`fn {}` has no body: mark a signal declaration with `#[webchannel(signal)]`, \
                 or give the fn a body",
                f.sig.ident
            ),
        );
        return Kind::Unpublished;
    }
    if !is_pub(&f.vis) {
        if let Some(name) = name {
            errors.at(
                name.span(),
                "`name` has no effect on a private fn: only `pub` fns are published",
            );
        }
        return Kind::Unpublished;
    }
    if f.sig.receiver().is_none() {
        if let Some(name) = name {
            errors.at(
                name.span(),
                "`name` has no effect here: associated fns without `self` are not published; \
                 published methods take `&self` or `&mut self`",
            );
        }
        return Kind::Unpublished;
    }
    Kind::Callable
}
