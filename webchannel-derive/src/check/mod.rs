//! [`Input`] → [`Object`]: decides what each fn of the impl is ([`classify`]) and checks
//! everything about it, one concept per module: [`signal`] declarations, [`property`]
//! getters and setters, [`method`]s and their [`parameter`]s, the disconnect [`hook`],
//! and the [`namespace`] they all share. Every mistake is recorded, pointing at the
//! offending token with a message that says what is accepted; checking goes on after a
//! mistake so that all of them are reported at once.

mod classify;
mod hook;
mod impl_block;
mod method;
mod namespace;
mod parameter;
mod property;
mod signal;
mod signature;

use syn::Generics;
use syn::ext::IdentExt;

use self::classify::{Kind, of_kind};
use crate::errors::Errors;
use crate::model::{FnInput, Input, Method, Object, Property};

/// Classifies and checks every fn of `input`. The result is complete only when no error
/// was recorded.
pub(crate) fn check(input: &Input, errors: &mut Errors) -> Object {
    let Input {
        krate,
        enums,
        item,
        fns,
    } = input;
    errors.about_impl();
    let (self_ty, type_ident) = impl_block::check_impl(item, errors);
    let enum_names = impl_block::check_enums(enums, errors);
    let kinds = classify::classify_all(fns, errors);
    // Signals first: properties refer to them by Rust name.
    let signals = signal::check_signals(fns, &kinds, errors);
    // Then property getters: setters are found by their getters' names.
    let mut properties = property::check_properties(fns, &kinds, &signals, errors);
    let methods = check_callables(fns, &kinds, &mut properties, errors);
    let on_disconnect = hook::check_hooks(fns, &kinds, errors);
    namespace::check_published_names(fns, &kinds, &methods, &enum_names, errors);
    Object {
        krate: krate.clone(),
        enums: enums.clone(),
        enum_names,
        item: item.clone(),
        self_ty,
        generics: Generics::default(),
        type_name: type_ident.unraw().to_string(),
        type_ident,
        methods: methods.into_iter().map(|(_, method)| method).collect(),
        properties,
        signals,
        on_disconnect,
    }
}

/// Every other `pub fn` with a receiver: the setter of the property it is named after
/// (`set_<getter>`), or else a method, returned with the position of its fn.
fn check_callables(
    fns: &[FnInput],
    kinds: &[Kind],
    properties: &mut [Property],
    errors: &mut Errors,
) -> Vec<(usize, Method)> {
    let mut methods = Vec::new();
    for (index, f) in of_kind(fns, kinds, Kind::Callable) {
        errors.about_fn(index);
        match property::setter_target(f, properties) {
            Some(property) => property.setter = property::check_setter(f, property, errors),
            None => methods.push((index, method::check_method(f, errors))),
        }
    }
    methods
}
