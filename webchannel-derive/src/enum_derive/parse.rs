//! Tokens → [`PublishedEnum`]: reads the enum and its `#[webchannel(crate = "...")]`,
//! and checks that every variant is a unit variant with an integer-literal discriminant
//! or none (then it is the previous value plus one, starting at 0, as in Rust).

use syn::ext::IdentExt;
use syn::{Data, DataEnum, DeriveInput, Expr, ExprLit, ExprUnary, Fields, Lit, Path, UnOp};

use super::model::{PublishedEnum, Variant};
use crate::attr::{CFG, CRATE, WEBCHANNEL};
use crate::errors::Errors;
use crate::parse::{crate_value, default_crate};

/// Checks the derive input; `None` when it is not an enum that can be published (the
/// errors are in `errors`).
pub(super) fn parse(
    input: &DeriveInput,
    krate: &Path,
    errors: &mut Errors,
) -> Option<PublishedEnum> {
    let data = enum_data(input, errors)?;
    if !input.generics.params.is_empty() || input.generics.where_clause.is_some() {
        errors.over(
            &input.generics,
            "a published enum cannot be generic: its variants are plain numbers",
        );
    }
    let variants = variants(data, errors);
    Some(PublishedEnum {
        krate: krate.clone(),
        name: input.ident.unraw().to_string(),
        ident: input.ident.clone(),
        variants,
    })
}

/// The variants of an enum; a struct or union is an error.
fn enum_data<'a>(input: &'a DeriveInput, errors: &mut Errors) -> Option<&'a DataEnum> {
    match &input.data {
        Data::Enum(data) => Some(data),
        Data::Struct(data) => {
            errors.at(data.struct_token.span, NOT_AN_ENUM);
            None
        }
        Data::Union(data) => {
            errors.at(data.union_token.span, NOT_AN_ENUM);
            None
        }
    }
}

/// Every variant with its value, checked.
fn variants(data: &DataEnum, errors: &mut Errors) -> Vec<Variant> {
    // The value of a variant without a discriminant: `Err(())` after a variant whose value
    // could not be read (already reported), `Ok(None)` past `i64::MAX`.
    let mut next: Result<Option<i64>, ()> = Ok(Some(0));
    data.variants
        .iter()
        .map(|variant| {
            check_variant(variant, errors);
            let value = value(variant, next, errors);
            next = value.map(|value| value.checked_add(1));
            Variant {
                ident: variant.ident.clone(),
                name: variant.ident.unraw().to_string(),
                value: value.unwrap_or_default(),
            }
        })
        .collect()
}

/// A unit variant, there whatever the `#[cfg]`s.
fn check_variant(variant: &syn::Variant, errors: &mut Errors) {
    if !matches!(variant.fields, Fields::Unit) {
        errors.over(
            &variant.fields,
            format_args!(
                "a published enum's variants carry no data: `{}` or `{} = 3`",
                variant.ident, variant.ident
            ),
        );
    }
    if let Some(cfg) = variant.attrs.iter().find(|attr| attr.path().is_ident(CFG)) {
        errors.over(
            cfg,
            "the variants of a published enum cannot be `#[cfg]`-dependent: clients \
             see one fixed table of values",
        );
    }
}

/// The variant's value: its discriminant, or `next`, the one after the previous variant.
fn value(
    variant: &syn::Variant,
    next: Result<Option<i64>, ()>,
    errors: &mut Errors,
) -> Result<i64, ()> {
    if let Some((_, expr)) = &variant.discriminant {
        return discriminant(expr, errors).ok_or(());
    }
    if next == Ok(None) {
        errors.at(
            variant.ident.span(),
            format_args!(
                "the value of `{}` would not fit in an i64; give it one: `{} = 0`",
                variant.ident, variant.ident
            ),
        );
    }
    next.and_then(|next| next.ok_or(()))
}

const NOT_AN_ENUM: &str = "#[derive(webchannel::Enum)] goes on a fieldless enum: \
     `enum Mode { Off, On, Auto = 5 }`";

/// The value of an explicit discriminant: an integer literal, perhaps negative.
fn discriminant(expr: &Expr, errors: &mut Errors) -> Option<i64> {
    let parsed = match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => int.base10_parse::<i128>().ok(),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => match &**expr {
            Expr::Lit(ExprLit {
                lit: Lit::Int(int), ..
            }) => int.base10_parse::<i128>().ok().map(|value| -value),
            _ => {
                errors.over(expr, NOT_A_LITERAL);
                return None;
            }
        },
        Expr::Group(group) => return discriminant(&group.expr, errors),
        Expr::Paren(paren) => return discriminant(&paren.expr, errors),
        _ => {
            errors.over(expr, NOT_A_LITERAL);
            return None;
        }
    };
    let value = parsed.and_then(|value| i64::try_from(value).ok());
    if value.is_none() {
        errors.over(
            expr,
            "the values of a published enum fit in an i64 (clients read them as numbers)",
        );
    }
    value
}

const NOT_A_LITERAL: &str = "a published enum's discriminant is an integer literal \
     (`On = 1`, `Below = -1`), so that the macro knows the value clients see";

/// `#[webchannel(crate = "path")]` on the enum, or the default path.
pub(super) fn crate_path(input: &DeriveInput, errors: &mut Errors) -> Path {
    let mut krate = None;
    for attr in input
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident(WEBCHANNEL))
    {
        let result = attr.parse_nested_meta(|meta| {
            if !meta.path.is_ident(CRATE) {
                return Err(meta.error(
                    "the only option of #[derive(webchannel::Enum)] is \
                     `#[webchannel(crate = \"path::to::webchannel\")]`",
                ));
            }
            crate_value(&meta, &mut krate)
        });
        if let Err(error) = result {
            errors.push(error);
        }
    }
    krate.unwrap_or_else(default_crate)
}
