//! The impl block itself and the macro arguments: an inherent, non-generic impl of a
//! plain type name, and each enum of `enums(...)` listed once by a plain path.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::{Ident, ItemImpl, Path, Type};

use crate::errors::Errors;

/// The self type and the identifier that names generated items after it.
pub(super) fn check_impl(item: &ItemImpl, errors: &mut Errors) -> (Type, Ident) {
    check_impl_header(item, errors);
    let ident = type_ident(&item.self_ty).unwrap_or_else(|| {
        // A generic impl's self type has generic arguments: one mistake, reported once.
        if item.generics.params.is_empty() {
            errors.over(
                &item.self_ty,
                "#[webchannel::object] needs a plain type name such as `impl Counter`; generic \
             types are not supported, but an alias of a concrete type is \
             (`type IntStore = Store<i32>;`)",
            );
        }
        Ident::new("__webchannel_invalid", Span::call_site())
    });
    ((*item.self_ty).clone(), ident)
}

/// `impl Type`: not a trait impl, not `unsafe`, not generic.
fn check_impl_header(item: &ItemImpl, errors: &mut Errors) {
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
}

/// The last segment of a plain path without generic arguments (`Counter`,
/// `crate::Counter`).
fn type_ident(self_ty: &Type) -> Option<Ident> {
    let Type::Path(path) = self_ty else {
        return None;
    };
    let plain = path.qself.is_none()
        && path
            .path
            .segments
            .iter()
            .all(|segment| segment.arguments.is_none());
    plain
        .then(|| path.path.segments.last())
        .flatten()
        .map(|segment| segment.ident.clone())
}

/// The names of the enums in `enums(...)`: each listed once, by a plain path.
pub(super) fn check_enums(enums: &[Path], errors: &mut Errors) -> Vec<String> {
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
