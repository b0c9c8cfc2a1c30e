//! [`Input`] → [`Object`]: decides what each fn of the impl is (method, property getter,
//! setter, signal, or left alone) and checks everything about it. Every mistake is
//! recorded, pointing at the offending token with a message that says what is accepted;
//! checking goes on after a mistake so that all of them are reported at once.

use std::collections::HashMap;
use std::fmt::Display;

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::{
    FnArg, GenericArgument, Ident, ItemImpl, Pat, Path, PathArguments, ReturnType, Signature, Type,
    Visibility,
};

use crate::attr::{CONTEXT, RESERVED_NAMES, SETTER_PREFIX};
use crate::display::type_text;
use crate::errors::Errors;
use crate::model::{
    Arg, DisconnectHook, FnInput, Input, Method, Object, Options, Output, Param, Property,
    Receiver, Setter, Signal, SignalParam, params, unit_type,
};
use crate::naming::{camel_case, is_valid_published_name};
use crate::qt_types::signature;
use crate::types::{referent, strip_groups};

/// Classifies and checks every fn of `input`. The result is complete only when no error
/// was recorded.
pub(crate) fn check(input: Input, errors: &mut Errors) -> Object {
    let Input {
        krate,
        enums,
        item,
        fns,
    } = input;
    errors.about_impl();
    let (self_ty, type_ident) = check_impl(&item, errors);
    let enum_names = check_enums(&enums, errors);
    let kinds: Vec<Kind> = fns
        .iter()
        .enumerate()
        .map(|(index, f)| {
            errors.about_fn(index);
            classify(f, errors)
        })
        .collect();

    // Signals first: properties refer to them by Rust name.
    let mut signals = Vec::new();
    let mut signal_positions = HashMap::new();
    for (index, (f, kind)) in fns.iter().zip(&kinds).enumerate() {
        errors.about_fn(index);
        if *kind == Kind::Signal {
            // Kept even when faulty, so that the properties it notifies find it.
            let signal = check_signal(f, errors);
            signal_positions.insert(signal.ident.unraw().to_string(), signals.len());
            signals.push(signal);
        }
    }

    // Then property getters: setters are found by their getters' names.
    let fn_names: Vec<String> = fns
        .iter()
        .map(|f| f.sig.ident.unraw().to_string())
        .collect();
    let mut properties = Vec::new();
    let mut getters = HashMap::new();
    for (index, (f, kind)) in fns.iter().zip(&kinds).enumerate() {
        errors.about_fn(index);
        if *kind == Kind::Property {
            let property = check_property(f, &signal_positions, &signals, &fn_names, errors);
            getters.insert(property.getter.unraw().to_string(), properties.len());
            properties.push(property);
        }
    }

    // Then every other `pub fn` with a receiver: a setter or a method.
    let mut methods = Vec::new();
    let mut published: Vec<Published> = Vec::new();
    let mut on_disconnect: Option<DisconnectHook> = None;
    let mut first_hook: Option<&Ident> = None;
    for (index, (f, kind)) in fns.iter().zip(&kinds).enumerate() {
        errors.about_fn(index);
        match kind {
            Kind::DisconnectHook => match (first_hook, f.options.on_disconnect) {
                (Some(first), Some(span)) => errors.at(
                    span,
                    format_args!(
                        "an impl has at most one `on_disconnect` fn; `{first}` already is one"
                    ),
                ),
                _ => {
                    first_hook = Some(&f.sig.ident);
                    on_disconnect = check_disconnect_hook(f, errors);
                }
            },
            Kind::Signal | Kind::Property => {
                published.push(Published::of(index, f, *kind));
            }
            Kind::Callable => {
                let setter_of = f
                    .sig
                    .ident
                    .unraw()
                    .to_string()
                    .strip_prefix(SETTER_PREFIX)
                    .and_then(|property| getters.get(property).copied());
                match setter_of.and_then(|position| properties.get_mut(position)) {
                    Some(property) => {
                        property.setter = check_setter(f, property, errors);
                    }
                    None => {
                        let method = check_method(f, errors);
                        let mut item = Published::of(index, f, *kind);
                        item.signature = Some(signature(
                            &method.name,
                            method.params().map(|param| &param.ty),
                            &enum_names,
                        ));
                        published.push(item);
                        methods.push(method);
                    }
                }
            }
            Kind::Unpublished => {}
        }
    }

    check_published_names(&published, errors);

    Object {
        krate,
        enums,
        enum_names,
        item,
        self_ty,
        type_name: type_ident.unraw().to_string(),
        type_ident,
        methods,
        properties,
        signals,
        on_disconnect,
    }
}

/// The names of the enums in `enums(...)`: each listed once, by a plain path.
fn check_enums(enums: &[Path], errors: &mut Errors) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for path in enums {
        let Some(last) = path.segments.last() else {
            continue;
        };
        if !last.arguments.is_none() {
            errors.over(
                path,
                "a published enum is named by a plain path (`Mode`, `fan::Speed`), \
                 without generic arguments",
            );
            continue;
        }
        let name = last.ident.unraw().to_string();
        if names.contains(&name) {
            errors.over(
                path,
                format_args!("an enum named `{name}` is already listed in `enums(...)`"),
            );
            continue;
        }
        names.push(name);
    }
    names
}

/// What a fn of the impl turns out to be.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
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

/// The impl block itself: inherent, not generic, for a plain type name.
fn check_impl(item: &ItemImpl, errors: &mut Errors) -> (Type, Ident) {
    if let Some((_, path, _)) = &item.trait_ {
        errors.over(
            path,
            "#[webchannel::object] goes on an inherent impl block (`impl MyType { ... }`), \
             not on a trait impl",
        );
    }
    if let Some(unsafety) = &item.unsafety {
        errors.at(
            unsafety.span,
            "#[webchannel::object] goes on a plain `impl MyType { ... }` block, not `unsafe impl`",
        );
    }
    if !item.generics.params.is_empty() {
        errors.over(
            &item.generics,
            "generic impl blocks cannot be published; publish a concrete type, for example \
             through an alias: `type IntStore = Store<i32>;` and `impl IntStore { ... }`",
        );
    } else if let Some(where_clause) = &item.generics.where_clause {
        errors.over(
            where_clause,
            "#[webchannel::object] does not support `where` clauses on the impl block",
        );
    }
    let ident = match &*item.self_ty {
        Type::Path(path)
            if path.qself.is_none()
                && path
                    .path
                    .segments
                    .iter()
                    .all(|segment| segment.arguments.is_none()) =>
        {
            path.path
                .segments
                .last()
                .map(|segment| segment.ident.clone())
        }
        _ => None,
    };
    let ident = ident.unwrap_or_else(|| {
        errors.over(
            &item.self_ty,
            "#[webchannel::object] needs a plain type name such as `impl Counter`; generic \
             types are not supported, but an alias of a concrete type is \
             (`type IntStore = Store<i32>;`)",
        );
        Ident::new("__webchannel_invalid", Span::call_site())
    });
    ((*item.self_ty).clone(), ident)
}

/// What a fn is, from its options, visibility and receiver; and whether its options fit
/// together.
fn classify(f: &FnInput, errors: &mut Errors) -> Kind {
    let options = &f.options;
    if let Some(name) = &options.name
        && !is_valid_published_name(&name.value())
    {
        errors.at(
            name.span(),
            "`name` must be a JavaScript identifier: ASCII letters, digits, `_` or `$`, \
             not starting with a digit",
        );
    }
    if let Some(skip) = options.skip {
        if options.says_how_to_publish() || options.on_disconnect.is_some() {
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
    if let (Some(_), Some(signal)) = (options.property, options.signal) {
        errors.at(
            signal,
            "a fn is either a `property` getter or a `signal` declaration, not both",
        );
    }
    if options.property.is_none() {
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
        if let Some(name) = &options.name {
            errors.at(
                name.span(),
                "`name` has no effect on a private fn: only `pub` fns are published",
            );
        }
        return Kind::Unpublished;
    }
    if f.sig.receiver().is_none() {
        if let Some(name) = &options.name {
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

/// Only plain `pub` publishes; `pub(crate)` and the like stay Rust-only.
fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

/// The published name: `name = "..."`, or the camelCase of the Rust name.
fn published_name(ident: &Ident, options: &Options) -> String {
    options
        .name
        .as_ref()
        .map_or_else(|| camel_case(&ident.to_string()), |name| name.value())
}

fn check_signal(f: &FnInput, errors: &mut Errors) -> Signal {
    let sig = &f.sig;
    let ident = &sig.ident;
    if let Some(body) = f.body {
        errors.at(
            body,
            format_args!(
                "a signal is declared without a body: `fn {ident}(...);`; the macro \
                 generates the emitter"
            ),
        );
    }
    if let Some(receiver) = sig.receiver() {
        errors.over(
            receiver,
            format_args!(
                "a signal declaration takes no `self`: `fn {ident}(value: i64);`, emitted with \
                 `cx.{ident}(...)` or `handle.{ident}(...)`"
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
    let mut params = Vec::new();
    for (position, input) in sig.inputs.iter().enumerate() {
        let FnArg::Typed(typed) = input else {
            continue;
        };
        let ty = strip_groups(&typed.ty);
        if contains_impl_trait(ty) {
            errors.over(ty, "signal arguments need concrete types, not `impl Trait`");
            continue;
        }
        if context_use(ty).is_some() {
            errors.over(
                ty,
                "a signal carries data only; a `Context` is injected into methods, not signals",
            );
            continue;
        }
        let param_ident = match &*typed.pat {
            Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => pat.ident.clone(),
            Pat::Wild(wild) => Ident::new(
                &format!("__webchannel_arg{position}"),
                wild.underscore_token.span,
            ),
            pat => {
                errors.over(pat, "signal arguments are plain names: `value: i64`");
                continue;
            }
        };
        let name = match &*typed.pat {
            Pat::Ident(_) => camel_case(&param_ident.to_string()),
            _ => format!("arg{position}"),
        };
        params.push(SignalParam {
            ident: param_ident,
            name,
            ty: (*typed.ty).clone(),
        });
    }
    Signal {
        ident: ident.clone(),
        name: published_name(ident, &f.options),
        copied: f.copied.clone(),
        params,
    }
}

fn check_property(
    f: &FnInput,
    signals: &HashMap<String, usize>,
    declared: &[Signal],
    fn_names: &[String],
    errors: &mut Errors,
) -> Property {
    let sig = &f.sig;
    let ident = &sig.ident;
    let options = &f.options;
    let expected = format_args!("`pub fn {ident}(&self) -> T`").to_string();
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
    let ty = match &sig.output {
        ReturnType::Type(_, ty) if !is_unit(ty) => (**ty).clone(),
        _ => {
            errors.at(
                ident.span(),
                format_args!("a property getter returns the property's value: {expected}"),
            );
            unit_type()
        }
    };

    let mut notify = None;
    match (&options.notify, options.constant) {
        (Some(_), Some(constant)) => errors.at(
            constant,
            "a property is either `constant` or has a `notify` signal, not both",
        ),
        (None, None) if options.malformed => {}
        (None, None) => errors.at(
            options.property.unwrap_or_else(|| ident.span()),
            format_args!(
                "a property needs a change signal or `constant`: \
                 `#[webchannel(property, notify = {}_changed)]` or \
                 `#[webchannel(property, constant)]`",
                ident.unraw()
            ),
        ),
        (Some(signal), None) => {
            let name = signal.unraw().to_string();
            notify = signals.get(&name).copied();
            if let Some(signal_cfgs) = notify
                .and_then(|position| declared.get(position))
                .map(|declared| &declared.copied.cfgs)
            {
                let property_cfgs: Vec<String> = f.copied.cfgs.iter().map(type_text).collect();
                if signal_cfgs
                    .iter()
                    .any(|cfg| !property_cfgs.contains(&type_text(cfg)))
                {
                    errors.at(
                        signal.span(),
                        format_args!(
                            "the notify signal `{name}` is compiled only under a `#[cfg]` that \
                             property `{}` does not have; give the property the same `#[cfg]`",
                            ident.unraw()
                        ),
                    );
                }
            }
            if let Some(declared) = notify.and_then(|position| declared.get(position)) {
                check_notify_arguments(declared, &ty, signal.span(), errors);
            }
            if notify.is_none() {
                let message = if fn_names.contains(&name) {
                    format!(
                        "`{name}` is not a signal: `notify` names a signal declared in this \
                         impl as `#[webchannel(signal)] fn {name}(...);`"
                    )
                } else {
                    format!(
                        "no signal `{name}` in this impl: declare it as \
                         `#[webchannel(signal)] fn {name}(...);`"
                    )
                };
                errors.at(signal.span(), message);
            }
        }
        (None, Some(_)) => {}
    }

    Property {
        getter: ident.clone(),
        name: published_name(ident, options),
        copied: f.copied.clone(),
        ty,
        notify,
        constant: options.constant.is_some(),
        setter: None,
    }
}

/// A notify signal carries nothing or the new value: one argument of the property's type
/// (or a borrow of it, `&str` for a `String`).
fn check_notify_arguments(signal: &Signal, property: &Type, at: Span, errors: &mut Errors) {
    let wanted = type_text(property);
    let fits = match signal.params.as_slice() {
        [] => true,
        [value] => {
            let given = type_text(referent(&value.ty));
            given == wanted || (given == "str" && wanted == "String")
        }
        _ => false,
    };
    if !fits {
        let given: Vec<String> = signal
            .params
            .iter()
            .map(|param| format!("{}: {}", param.ident, type_text(&param.ty)))
            .collect();
        errors.at(
            at,
            format_args!(
                "the notify signal `{}` carries `({})`, but a notify signal carries nothing or \
                 the property's new value: `fn {}();` or `fn {}(value: {wanted});`",
                signal.ident,
                given.join(", "),
                signal.ident,
                signal.ident,
            ),
        );
    }
}

fn check_setter(f: &FnInput, property: &Property, errors: &mut Errors) -> Option<Setter> {
    let sig = &f.sig;
    let ident = &sig.ident;
    let getter = &property.getter;
    let errors_before = errors.len();
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
    let args = check_args(sig, errors);
    let values: Vec<&Param> = params(&args).collect();
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
    let returns_result = match &sig.output {
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
    };
    (errors.len() == errors_before).then(|| Setter {
        ident: ident.clone(),
        args,
        returns_result,
        cfgs: f.copied.cfgs.clone(),
    })
}

fn check_method(f: &FnInput, errors: &mut Errors) -> Method {
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
    let output = match &sig.output {
        ReturnType::Default => Output::Unit,
        ReturnType::Type(_, ty) if is_unit(ty) => Output::Unit,
        ReturnType::Type(_, ty) => match result_type(ty) {
            Some((ok, err)) => Output::Result {
                ty: (**ty).clone(),
                ok,
                err,
            },
            None => Output::Value((**ty).clone()),
        },
    };
    Method {
        ident: sig.ident.clone(),
        name: published_name(&sig.ident, &f.options),
        copied: f.copied.clone(),
        receiver: receiver_kind,
        is_async: sig.asyncness.is_some(),
        args,
        output,
    }
}

/// The `on_disconnect` fn: `&self` or `&mut self`, perhaps `async`, perhaps the context of
/// the session that ended, nothing else, returning `()`. `None` when it is faulty.
fn check_disconnect_hook(f: &FnInput, errors: &mut Errors) -> Option<DisconnectHook> {
    let sig = &f.sig;
    let ident = &sig.ident;
    let errors_before = errors.len();
    let expected = format!("`fn {ident}(&mut self, cx: &Context<Self>)`");
    let receiver_kind = match receiver(sig) {
        Some(Ok(kind)) => kind,
        _ => {
            reject_receiver(
                sig,
                format_args!("the `on_disconnect` fn takes `&self` or `&mut self`: {expected}"),
                errors,
            );
            Receiver::Shared
        }
    };
    if f.body.is_none() {
        errors.at(
            ident.span(),
            format_args!("the `on_disconnect` fn needs a body: {expected} {{ ... }}"),
        );
    }
    reject_qualifiers(sig, "the `on_disconnect` fn", errors);
    if is_generic(sig) {
        errors.over(
            &sig.generics,
            format_args!("the `on_disconnect` fn cannot be generic: {expected}"),
        );
    }
    let mut takes_context = false;
    for input in &sig.inputs {
        let FnArg::Typed(typed) = input else {
            continue;
        };
        match context_use(strip_groups(&typed.ty)) {
            Some(ContextUse::Shared) if !takes_context => takes_context = true,
            Some(ContextUse::Exclusive | ContextUse::ByValue) => errors.over(
                &typed.ty,
                "the context is borrowed shared: take it as `&Context<Self>`",
            ),
            _ => errors.over(
                input,
                format_args!(
                    "the `on_disconnect` fn takes no parameters besides the receiver and an \
                     optional `&Context<Self>` (the session that ended): {expected}"
                ),
            ),
        }
    }
    if let ReturnType::Type(_, ty) = &sig.output
        && !is_unit(ty)
    {
        errors.over(
            ty,
            "the `on_disconnect` fn returns nothing: no client waits for its result",
        );
    }
    (errors.len() == errors_before).then(|| DisconnectHook {
        ident: ident.clone(),
        receiver: receiver_kind,
        is_async: sig.asyncness.is_some(),
        takes_context,
        cfgs: f.copied.cfgs.clone(),
    })
}

/// The parameters of a method or setter: values the client sends, and at most one
/// injected `&Context<Self>`.
fn check_args(sig: &Signature, errors: &mut Errors) -> Vec<Arg> {
    let mut args = Vec::new();
    let mut has_context = false;
    for (position, input) in sig.inputs.iter().enumerate() {
        let FnArg::Typed(typed) = input else {
            continue;
        };
        let ty = strip_groups(&typed.ty);
        match context_use(ty) {
            Some(ContextUse::Shared) => {
                if has_context {
                    errors.over(ty, "a method takes at most one `&Context<Self>`");
                }
                has_context = true;
                args.push(Arg::Context);
                continue;
            }
            Some(ContextUse::Exclusive | ContextUse::ByValue) => {
                errors.over(
                    ty,
                    "the context is borrowed shared: take it as `&Context<Self>`",
                );
                continue;
            }
            None => {}
        }
        if contains_impl_trait(ty) {
            errors.over(
                ty,
                "`impl Trait` parameters are not supported: use a concrete type that \
                 implements `serde::Deserialize`",
            );
            continue;
        }
        if let Type::Reference(_) = ty {
            errors.over(
                ty,
                "parameters are deserialized from the client's JSON, so they are owned types \
                 (`String` rather than `&str`); only `&Context<Self>` is borrowed",
            );
            continue;
        }
        let name = match &*typed.pat {
            Pat::Ident(pat) => camel_case(&pat.ident.to_string()),
            _ => format!("arg{position}"),
        };
        args.push(Arg::Param(Param {
            name,
            ty: (*typed.ty).clone(),
        }));
    }
    args
}

/// `unsafe` and variadic fns: the generated code that calls them has no `unsafe` block
/// and passes a fixed list of arguments.
fn reject_qualifiers(sig: &Signature, what: &str, errors: &mut Errors) {
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
fn is_generic(sig: &Signature) -> bool {
    !sig.generics.params.is_empty() || sig.generics.where_clause.is_some()
}

fn reject_generics(sig: &Signature, what: &str, errors: &mut Errors) {
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
fn reject_receiver(sig: &Signature, message: impl Display, errors: &mut Errors) {
    match sig.receiver() {
        Some(receiver) => errors.over(receiver, message),
        None => errors.at(sig.ident.span(), message),
    }
}

/// `Some(Ok)` for `&self` / `&mut self` (also written `self: &Self`), `Some(Err)` for
/// any other receiver, `None` without one.
fn receiver(sig: &Signature) -> Option<Result<Receiver, ()>> {
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
enum ContextUse {
    /// `&Context<Self>`: the injected context.
    Shared,
    /// `&mut Context<Self>`.
    Exclusive,
    /// `Context<Self>`.
    ByValue,
}

/// Whether `ty` is a context (any path whose last segment is `Context`).
fn context_use(ty: &Type) -> Option<ContextUse> {
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

/// `T` and `E` of a type whose last path segment is `Result` (each `None` when not
/// written as a type argument, as in `io::Result<T>`); `None` for any other type.
fn result_type(ty: &Type) -> Option<(Option<Type>, Option<Type>)> {
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

fn is_unit(ty: &Type) -> bool {
    matches!(strip_groups(ty), Type::Tuple(tuple) if tuple.elems.is_empty())
}

fn contains_impl_trait(ty: &Type) -> bool {
    match strip_groups(ty) {
        Type::ImplTrait(_) => true,
        Type::Reference(reference) => contains_impl_trait(&reference.elem),
        Type::Slice(slice) => contains_impl_trait(&slice.elem),
        Type::Array(array) => contains_impl_trait(&array.elem),
        Type::Tuple(tuple) => tuple.elems.iter().any(contains_impl_trait),
        Type::Path(path) => path.path.segments.iter().any(|segment| {
            matches!(&segment.arguments, PathArguments::AngleBracketed(arguments)
            if arguments.args.iter().any(|argument| {
                matches!(argument, GenericArgument::Type(ty) if contains_impl_trait(ty))
            }))
        }),
        _ => false,
    }
}

/// A name that clients see, for the duplicate check.
struct Published {
    /// Position of the fn in the impl block: the later of two duplicates is reported.
    index: usize,
    name: String,
    /// Whether the name was given with `name = "..."`.
    explicit: bool,
    span: Span,
    what: &'static str,
    rust: String,
    /// For a method, its Qt signature: overloads must differ in it.
    signature: Option<String>,
}

impl Published {
    fn of(index: usize, f: &FnInput, kind: Kind) -> Self {
        let span = f
            .options
            .name
            .as_ref()
            .map_or_else(|| f.sig.ident.span(), |name| name.span());
        Self {
            index,
            name: published_name(&f.sig.ident, &f.options),
            explicit: f.options.name.is_some(),
            span,
            what: match kind {
                Kind::Signal => "signal",
                Kind::Property => "property",
                Kind::Callable | Kind::DisconnectHook | Kind::Unpublished => "method",
            },
            rust: f.sig.ident.unraw().to_string(),
            signature: None,
        }
    }

    /// Whether this and `other` are overloads: methods that both chose the name.
    fn overloads(&self, other: &Self) -> bool {
        self.explicit && other.explicit && self.signature.is_some() && other.signature.is_some()
    }
}

/// Methods, properties and signals share one namespace on the client's object proxy;
/// only methods that each say `name = "..."` may share a name (overloads), and only when
/// their parameters tell them apart.
fn check_published_names(published: &[Published], errors: &mut Errors) {
    let mut ordered: Vec<&Published> = published.iter().collect();
    ordered.sort_by_key(|item| item.index);
    let mut seen: HashMap<&str, Vec<&Published>> = HashMap::new();
    for item in ordered {
        errors.about_fn(item.index);
        if RESERVED_NAMES.contains(&item.name.as_str()) {
            let reason = if item.name == "destroyed" {
                "every object already has a `destroyed` signal"
            } else {
                "the JavaScript client's object proxy uses this name itself"
            };
            errors.at(
                item.span,
                format_args!(
                    "`{}` cannot be published: {reason}; choose another name with \
                     `#[webchannel(name = \"...\")]`",
                    item.name
                ),
            );
            continue;
        }
        let earlier = seen.entry(&item.name).or_default();
        if let Some(first) = earlier.iter().find(|first| !item.overloads(first)) {
            let overloads = if item.signature.is_some() && first.signature.is_some() {
                format!(
                    ", or make them overloads by giving each of them \
                     `#[webchannel(name = \"{}\")]`",
                    item.name
                )
            } else {
                String::new()
            };
            errors.at(
                item.span,
                format_args!(
                    "the published name `{}` is already taken by the {} `{}`; rename one of \
                     them with `#[webchannel(name = \"...\")]`{overloads}",
                    item.name, first.what, first.rust
                ),
            );
            continue;
        }
        if let Some(twin) = earlier
            .iter()
            .find(|first| first.signature == item.signature)
        {
            let signature = item.signature.as_deref().unwrap_or_default();
            errors.at(
                item.span,
                format_args!(
                    "overload `{signature}` is ambiguous: `{}` has the same parameters; \
                     overloads differ in the number or the Qt types of their parameters",
                    twin.rust
                ),
            );
            continue;
        }
        earlier.push(item);
    }
}
