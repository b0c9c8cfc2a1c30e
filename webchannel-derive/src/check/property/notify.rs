//! How a property's changes reach clients: `notify = signal_fn` naming a signal declared
//! in the same impl, compiled under the property's `#[cfg]`s, carrying nothing or the new
//! value; `bindable`, without a signal, through the generated `mark_<getter>_changed()`;
//! or never, `constant`. One of the three.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::{Ident, Type};

use crate::attr::mark_method;
use crate::display::type_text;
use crate::errors::Errors;
use crate::model::{FnInput, Signal};
use crate::naming::closest;
use crate::types::referent;

/// The position in `signals` of the getter `f`'s notify signal; `None` for a constant
/// property, or after an error.
pub(super) fn check_change_signal(
    f: &FnInput,
    ty: &Type,
    signals: &[Signal],
    fn_names: &[String],
    errors: &mut Errors,
) -> Option<usize> {
    let options = &f.options;
    if let (Some(notify), Some(bindable)) = (&options.notify, options.bindable) {
        errors.at(
            bindable,
            format_args!(
                "`bindable` is for a property without a notify signal, and this one has \
                 `notify = {notify}`: keep one of them"
            ),
        );
    }
    if let (Some(_), Some(bindable)) = (options.constant, options.bindable) {
        errors.at(
            bindable,
            "a `constant` property never changes, so it is not `bindable`: keep one of them",
        );
    }
    match (&options.notify, options.constant) {
        (Some(_), Some(constant)) => {
            errors.at(
                constant,
                "a property is either `constant` or has a `notify` signal, not both",
            );
            None
        }
        (None, None) if options.bindable.is_none() && !options.malformed => {
            let getter = f.sig.ident.unraw();
            errors.at(
                options.property.unwrap_or_else(|| f.sig.ident.span()),
                format_args!(
                    "a property needs a change signal, `bindable` or `constant`: \
                     `#[webchannel(property, notify = {getter}_changed)]`, \
                     `#[webchannel(property, bindable)]` (changes announced with \
                     `mark_{getter}_changed()`) or `#[webchannel(property, constant)]`"
                ),
            );
            None
        }
        (Some(signal), None) => check_notify(f, signal, ty, signals, fn_names, errors),
        (None, _) => None,
    }
}

/// For a `bindable` property, the generated method that marks it changed, unless a signal
/// already has its name (an error at the signal).
pub(super) fn check_mark(f: &FnInput, signals: &[Signal], errors: &mut Errors) -> Option<Ident> {
    f.options.bindable?;
    let getter = f.sig.ident.unraw().to_string();
    let name = mark_method(&getter);
    if let Some(signal) = signals.iter().find(|signal| signal.ident.unraw() == name) {
        errors.at(
            signal.ident.span(),
            format_args!(
                "`{name}` is the method generated to announce changes of the bindable \
                 property `{getter}`; give this signal another name"
            ),
        );
        return None;
    }
    Some(Ident::new(&name, f.sig.ident.span()))
}

/// `notify = signal`: the signal's position when it is declared.
fn check_notify(
    f: &FnInput,
    signal: &Ident,
    ty: &Type,
    signals: &[Signal],
    fn_names: &[String],
    errors: &mut Errors,
) -> Option<usize> {
    let name = signal.unraw().to_string();
    // The last declaration of that name, should there be two (an error of its own).
    let Some(position) = signals
        .iter()
        .rposition(|declared| declared.ident.unraw() == name)
    else {
        errors.at(signal.span(), unknown_signal(&name, signals, fn_names));
        return None;
    };
    let declared = &signals[position];
    if let Some(cluster) = declared.cluster {
        errors.at(
            cluster,
            format_args!(
                "`{}` notifies property `{}`, so it cannot be a `cluster` signal: a property \
                 change is this instance's state, told to this instance's clients. Share the \
                 state across instances (a `ClaimSet`, say) and emit the notify signal on each",
                signal.unraw(),
                f.sig.ident.unraw()
            ),
        );
    }
    check_cfgs(f, declared, signal, errors);
    check_arguments(declared, ty, signal.span(), errors);
    Some(position)
}

/// What `notify = name` names when no signal of that name is declared: a fn that is no
/// signal, a misspelled signal, or nothing.
fn unknown_signal(name: &str, signals: &[Signal], fn_names: &[String]) -> String {
    if fn_names.iter().any(|fn_name| fn_name == name) {
        return format!(
            "`{name}` is not a signal: `notify` names a signal declared in this impl as \
             `#[webchannel(signal)] fn {name}(...);`"
        );
    }
    let declared: Vec<String> = signals
        .iter()
        .map(|signal| signal.ident.unraw().to_string())
        .collect();
    match closest(name, declared.iter().map(String::as_str)) {
        Some(meant) => format!(
            "no signal `{name}` in this impl; did you mean `{meant}`? Otherwise declare it as \
             `#[webchannel(signal)] fn {name}(...);`"
        ),
        None => format!(
            "no signal `{name}` in this impl: declare it as `#[webchannel(signal)] fn {name}(...);`"
        ),
    }
}

/// The signal exists wherever the property does: every `#[cfg]` of the signal is one of
/// the property's.
fn check_cfgs(f: &FnInput, declared: &Signal, signal: &Ident, errors: &mut Errors) {
    let property_cfgs: Vec<String> = f.copied.cfgs.iter().map(type_text).collect();
    if declared
        .copied
        .cfgs
        .iter()
        .any(|cfg| !property_cfgs.contains(&type_text(cfg)))
    {
        errors.at(
            signal.span(),
            format_args!(
                "the notify signal `{}` is compiled only under a `#[cfg]` that property `{}` \
                 does not have; give the property the same `#[cfg]`",
                signal.unraw(),
                f.sig.ident.unraw()
            ),
        );
    }
}

/// A notify signal carries nothing or the new value: one argument of the property's type
/// (or a borrow of it, `&str` for a `String`).
fn check_arguments(signal: &Signal, property: &Type, at: Span, errors: &mut Errors) {
    let wanted = type_text(property);
    let fits = match signal.params.as_slice() {
        [] => true,
        [value] => {
            let given = type_text(referent(&value.ty));
            given == wanted || (given == "str" && wanted == "String")
        }
        _ => false,
    };
    if fits {
        return;
    }
    let given: Vec<String> = signal
        .params
        .iter()
        .map(|param| format!("{}: {}", param.ident, type_text(&param.ty)))
        .collect();
    errors.at(
        at,
        format_args!(
            "the notify signal `{}` carries `({})`, but a notify signal carries nothing or the \
             property's new value: `fn {}();` or `fn {}(value: {wanted});`",
            signal.ident,
            given.join(", "),
            signal.ident,
            signal.ident,
        ),
    );
}
