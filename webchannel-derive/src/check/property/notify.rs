//! How a property's changes reach clients: `constant`, or `notify = signal_fn` naming a
//! signal declared in the same impl, compiled under the property's `#[cfg]`s, carrying
//! nothing or the new value.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::{Ident, Type};

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
    match (&options.notify, options.constant) {
        (Some(_), Some(constant)) => {
            errors.at(
                constant,
                "a property is either `constant` or has a `notify` signal, not both",
            );
            None
        }
        (None, None) if !options.malformed => {
            errors.at(
                options.property.unwrap_or_else(|| f.sig.ident.span()),
                format_args!(
                    "a property needs a change signal or `constant`: \
                     `#[webchannel(property, notify = {}_changed)]` or \
                     `#[webchannel(property, constant)]`",
                    f.sig.ident.unraw()
                ),
            );
            None
        }
        (Some(signal), None) => check_notify(f, signal, ty, signals, fn_names, errors),
        (None, _) => None,
    }
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
