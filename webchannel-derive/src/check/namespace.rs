//! Published names. Methods, properties and signals share one namespace on the client's
//! object proxy: names the proxy uses itself are refused, and only methods that each say
//! `name = "..."` may share a name (overloads), when their parameters tell them apart.

use std::collections::HashMap;

use proc_macro2::Span;
use syn::Ident;
use syn::ext::IdentExt;

use super::classify::{Kind, of_kind};
use crate::attr::RESERVED_NAMES;
use crate::errors::Errors;
use crate::model::{FnInput, Method, Options};
use crate::naming::camel_case;
use crate::qt_types::signature;

/// The published name: `name = "..."`, or the camelCase of the Rust name.
pub(super) fn published_name(ident: &Ident, options: &Options) -> String {
    options
        .name
        .as_ref()
        .map_or_else(|| camel_case(&ident.to_string()), |name| name.value())
}

/// Checks the names of every signal, property and method (`methods` with the position
/// of their fn).
pub(super) fn check_published_names(
    fns: &[FnInput],
    kinds: &[Kind],
    methods: &[(usize, Method)],
    enum_names: &[String],
    errors: &mut Errors,
) {
    let mut published: Vec<Published> = [Kind::Signal, Kind::Property]
        .into_iter()
        .flat_map(|kind| of_kind(fns, kinds, kind).map(move |(index, f)| (index, f, kind)))
        .map(|(index, f, kind)| Published::of(index, f, kind))
        .collect();
    published.extend(methods.iter().map(|(index, method)| {
        let mut item = Published::of(*index, &fns[*index], Kind::Callable);
        item.signature = Some(signature(
            &method.name,
            method.params().map(|param| &param.ty),
            enum_names,
        ));
        item
    }));
    published.sort_by_key(|item| item.index);
    let mut seen: HashMap<&str, Vec<&Published>> = HashMap::new();
    for item in &published {
        errors.about_fn(item.index);
        let earlier = seen.entry(&item.name).or_default();
        if let Some(message) = reserved(item).or_else(|| clash(item, earlier)) {
            errors.at(item.span, message);
            continue;
        }
        earlier.push(item);
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

/// Why `item` cannot take a name the JavaScript client uses itself.
fn reserved(item: &Published) -> Option<String> {
    if !RESERVED_NAMES.contains(&item.name.as_str()) {
        return None;
    }
    let reason = if item.name == "destroyed" {
        "every object already has a `destroyed` signal"
    } else {
        "the JavaScript client's object proxy uses this name itself"
    };
    Some(format!(
        "`{}` cannot be published: {reason}; choose another name with \
         `#[webchannel(name = \"...\")]`",
        item.name
    ))
}

/// Why `item` cannot take a name that the `earlier` items already have: one of them is
/// not its overload, or has the same signature.
fn clash(item: &Published, earlier: &[&Published]) -> Option<String> {
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
        return Some(format!(
            "the published name `{}` is already taken by the {} `{}`; rename one of \
             them with `#[webchannel(name = \"...\")]`{overloads}",
            item.name, first.what, first.rust
        ));
    }
    let twin = earlier
        .iter()
        .find(|first| first.signature == item.signature)?;
    Some(format!(
        "overload `{}` is ambiguous: `{}` has the same parameters; overloads differ in the \
         number or the Qt types of their parameters",
        item.signature.as_deref().unwrap_or_default(),
        twin.rust
    ))
}
