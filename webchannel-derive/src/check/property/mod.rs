//! Properties: a `pub fn name(&self) -> T` getter marked
//! `#[webchannel(property, notify = signal_fn)]`, `#[webchannel(property, bindable)]` or
//! `#[webchannel(property, constant)]` ([`notify`]), and perhaps a `set_<name>` setter in
//! the same impl ([`setter`]).

mod notify;
mod setter;

use syn::ext::IdentExt;
use syn::{FnArg, ReturnType, Signature, Type};

pub(super) use setter::check_setter;

use super::classify::{Kind, of_kind};
use super::namespace::published_name;
use super::signature::{is_unit, receiver, reject_generics, reject_qualifiers, reject_receiver};
use crate::attr::SETTER_PREFIX;
use crate::display::type_text;
use crate::errors::Errors;
use crate::model::{FnInput, Property, Receiver, Signal, unit_type};

/// Every property getter, in declaration order, without setters yet. `signals` are the
/// declared signals, which `notify` names.
pub(super) fn check_properties(
    fns: &[FnInput],
    kinds: &[Kind],
    signals: &[Signal],
    errors: &mut Errors,
) -> Vec<Property> {
    let fn_names: Vec<String> = fns
        .iter()
        .map(|f| f.sig.ident.unraw().to_string())
        .collect();
    of_kind(fns, kinds, Kind::Property)
        .map(|(index, f)| {
            errors.about_fn(index);
            let ty = check_getter(&f.sig, errors);
            let notify = notify::check_change_signal(f, &ty, signals, &fn_names, errors);
            let mark = notify::check_mark(f, signals, errors);
            Property {
                getter: f.sig.ident.clone(),
                name: published_name(&f.sig.ident, &f.options),
                copied: f.copied.clone(),
                ty,
                notify,
                constant: f.options.constant.is_some(),
                mark,
                setter: None,
            }
        })
        .collect()
}

/// The property whose setter `f` is, by its name: `set_<getter>`.
pub(super) fn setter_target<'a>(
    f: &FnInput,
    properties: &'a mut [Property],
) -> Option<&'a mut Property> {
    let name = f.sig.ident.unraw().to_string();
    let getter = name.strip_prefix(SETTER_PREFIX)?;
    // The last getter of that name, should there be two (an error of its own).
    properties
        .iter_mut()
        .rev()
        .find(|property| property.getter.unraw() == getter)
}

/// `pub fn name(&self) -> T`: the property's type, `()` when there is none (an error).
fn check_getter(sig: &Signature, errors: &mut Errors) -> Type {
    let ident = &sig.ident;
    let returned = match &sig.output {
        ReturnType::Type(_, ty) if !is_unit(ty) => type_text(ty),
        _ => "T".to_owned(),
    };
    let expected = format!("`pub fn {ident}(&self) -> {returned}`");
    if receiver(sig) != Some(Ok(Receiver::Shared)) {
        reject_receiver(
            sig,
            format_args!("a property getter takes `&self`: {expected}"),
            errors,
        );
    }
    reject_qualifiers(sig, "a property getter", errors);
    if let Some(asyncness) = &sig.asyncness {
        errors.at(
            asyncness.span,
            "a property getter cannot be `async`: property values are read at once",
        );
    }
    reject_generics(sig, "a property getter", errors);
    if let Some(extra) = sig
        .inputs
        .iter()
        .find(|input| matches!(input, FnArg::Typed(_)))
    {
        errors.over(
            extra,
            format_args!("a property getter takes no parameters besides `&self`: {expected}"),
        );
    }
    match &sig.output {
        ReturnType::Type(_, ty) if !is_unit(ty) => Type::clone(ty),
        _ => {
            errors.at(
                ident.span(),
                format_args!("a property getter returns the property's value: {expected}"),
            );
            unit_type()
        }
    }
}
