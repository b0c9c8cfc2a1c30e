//! A property's setter: `pub fn set_<getter>(&mut self, value: T)`, perhaps with a
//! `&Context<Self>`, returning `()` or a `Result<(), E>` whose `Err` rejects the write.
//! It makes the property writable and is not published as a method.

use syn::{ReturnType, Signature};

use crate::check::parameter::check_args;
use crate::check::signature::{
    is_unit, receiver, reject_generics, reject_qualifiers, reject_receiver, result_type,
};
use crate::display::type_text;
use crate::errors::Errors;
use crate::model::{Arg, FnInput, Param, Property, Receiver, Setter, params};

/// `f` as the setter of `property`; `None` when it is faulty.
pub(in crate::check) fn check_setter(
    f: &FnInput,
    property: &Property,
    errors: &mut Errors,
) -> Option<Setter> {
    let errors_before = errors.len();
    check_options(f, property, errors);
    check_shape(&f.sig, errors);
    let args = check_args(&f.sig, errors);
    check_value(&f.sig, &args, property, errors);
    let returns_result = returns_result(&f.sig, errors);
    (errors.len() == errors_before).then(|| Setter {
        ident: f.sig.ident.clone(),
        args,
        returns_result,
        cfgs: f.copied.cfgs.clone(),
    })
}

/// A setter has no published name of its own, and a constant property has no setter.
fn check_options(f: &FnInput, property: &Property, errors: &mut Errors) {
    let ident = &f.sig.ident;
    let getter = &property.getter;
    if let Some(name) = &f.options.name {
        errors.at(
            name.span(),
            format_args!(
                "`name` goes on the getter of property `{getter}`; its setter is not \
                 published under a name of its own"
            ),
        );
    }
    if property.constant {
        errors.at(
            ident.span(),
            format_args!(
                "property `{getter}` is `constant`, so it cannot have a setter; remove \
                 `constant` (and give it a `notify` signal) or mark `{ident}` \
                 `#[webchannel(skip)]`"
            ),
        );
    }
}

/// `&mut self`, not `unsafe`, variadic, `async` or generic.
fn check_shape(sig: &Signature, errors: &mut Errors) {
    let ident = &sig.ident;
    // A setter is a `pub fn` with a receiver (see `classify`), so the error points there.
    if receiver(sig) != Some(Ok(Receiver::Exclusive)) {
        reject_receiver(
            sig,
            format_args!(
                "a property setter takes `&mut self`: `pub fn {ident}(&mut self, value: T)`"
            ),
            errors,
        );
    }
    reject_qualifiers(sig, "a property setter", errors);
    if let Some(asyncness) = &sig.asyncness {
        errors.at(asyncness.span, "a property setter cannot be `async`");
    }
    reject_generics(sig, "a property setter", errors);
}

/// One value parameter, written as the getter's return type.
fn check_value(sig: &Signature, args: &[Arg], property: &Property, errors: &mut Errors) {
    let ident = &sig.ident;
    let getter = &property.getter;
    let values: Vec<&Param> = params(args).collect();
    match values.as_slice() {
        [value] => {
            let (given, wanted) = (type_text(&value.ty), type_text(&property.ty));
            if given != wanted {
                errors.over(
                    &value.ty,
                    format_args!(
                        "setter `{ident}` takes `{given}` but property `{getter}` is `{wanted}`"
                    ),
                );
            }
        }
        [] => errors.at(
            ident.span(),
            format_args!(
                "setter `{ident}` takes the new value as its one parameter (besides an optional \
                 `&Context<Self>`): `pub fn {ident}(&mut self, value: {})`",
                type_text(&property.ty)
            ),
        ),
        [_, extra, ..] => errors.over(
            &extra.ty,
            format_args!(
                "setter `{ident}` takes the new value as its one parameter (besides an optional \
                 `&Context<Self>`)"
            ),
        ),
    }
}

/// Whether the setter returns a `Result`; anything but that or `()` is an error.
fn returns_result(sig: &Signature, errors: &mut Errors) -> bool {
    match &sig.output {
        ReturnType::Default => false,
        ReturnType::Type(_, ty) if is_unit(ty) => false,
        ReturnType::Type(_, ty) if result_type(ty).is_some() => true,
        ReturnType::Type(_, ty) => {
            errors.over(
                ty,
                "a property setter returns nothing or a `Result<(), E>` whose `Err` rejects \
                 the write",
            );
            false
        }
    }
}
