//! Positions in the metadata tables, which clients use to name methods, properties and
//! signals. Items compiled out by `#[cfg]` take no place, so a position after one of them
//! is computed with `cfg!`; `by_position` dispatches on them.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Attribute, Ident, LitStr, Meta};

use super::tokens::private;
use crate::model::{CopiedAttrs, Object};

/// The predicate of a list of `#[cfg(...)]`s: `p` for one, `all(p, q)` for several.
pub(super) fn cfg_predicate(cfgs: &[Attribute]) -> Option<TokenStream> {
    let predicates: Vec<&TokenStream> = cfgs
        .iter()
        .filter_map(|attr| match &attr.meta {
            Meta::List(list) => Some(&list.tokens),
            _ => None,
        })
        .collect();
    match predicates.as_slice() {
        [] => None,
        [one] => Some((*one).clone()),
        many => Some(quote!(all(#(#many),*))),
    }
}

/// The tables that clients reach by position: `invoke` by method, `read_property` and
/// `write_property` by property.
#[derive(Clone, Copy)]
pub(super) enum Table {
    Methods,
    Properties,
}

impl Table {
    /// The generated fn's parameter holding the position.
    fn variable(self) -> Ident {
        match self {
            Self::Methods => format_ident!("__webchannel_method"),
            Self::Properties => format_ident!("__webchannel_property"),
        }
    }

    /// The name of the `const` for the position of the item at `index`.
    fn position_const(self, index: usize) -> Ident {
        match self {
            Self::Methods => format_ident!("__WEBCHANNEL_METHOD_{index}"),
            Self::Properties => format_ident!("__WEBCHANNEL_PROPERTY_{index}"),
        }
    }

    /// The `InvokeError` for a position past the end of the table.
    pub(super) fn unknown(self, object: &Object) -> TokenStream {
        let p = private(object);
        let (what, kind) = match self {
            Self::Methods => ("method", quote!(UnknownMethod)),
            Self::Properties => ("property", quote!(UnknownProperty)),
        };
        let message = LitStr::new(
            &format!("{} has no {what} at position {{}}", object.type_name),
            Span::call_site(),
        );
        let variable = self.variable();
        quote! {
            #p::InvokeError::new(
                #p::InvokeErrorKind::#kind,
                ::std::format!(#message, #variable),
            )
        }
    }
}

/// A `match` on the position of an item of `table`: `arm(index, pattern, position)` for
/// each of `items` (their docs and cfgs, in table order), `fallback` for any other
/// position. Without items, just `fallback`.
pub(super) fn by_position<'a>(
    table: Table,
    items: impl Iterator<Item = &'a CopiedAttrs>,
    fallback: TokenStream,
    mut arm: impl FnMut(usize, &TokenStream, &Position) -> TokenStream,
) -> TokenStream {
    let items: Vec<&CopiedAttrs> = items.collect();
    if items.is_empty() {
        return fallback;
    }
    let positions = positions(items.iter().copied());
    let consts =
        items
            .iter()
            .zip(&positions)
            .enumerate()
            .filter_map(|(index, (copied, position))| {
                position.const_item(&table.position_const(index), &copied.cfgs)
            });
    let arms = positions.iter().enumerate().map(|(index, position)| {
        arm(
            index,
            &position.pattern(&table.position_const(index)),
            position,
        )
    });
    let variable = table.variable();
    quote! {
        #(#consts)*
        match #variable {
            #(#arms)*
            _ => #fallback,
        }
    }
}

/// Where an item sits in its metadata slice. Items compiled out by `#[cfg]` take no
/// place, so after one of them a position is computed with `cfg!`.
pub(super) enum Position {
    Fixed(usize),
    Computed(TokenStream),
}

impl Position {
    /// The position as an expression.
    pub(super) fn expr(&self) -> TokenStream {
        match self {
            Self::Fixed(position) => {
                let position = Literal::usize_unsuffixed(*position);
                quote!(#position)
            }
            Self::Computed(expr) => expr.clone(),
        }
    }

    /// A `const` to match on when the position is computed.
    fn const_item(&self, name: &Ident, cfgs: &[Attribute]) -> Option<TokenStream> {
        match self {
            Self::Fixed(_) => None,
            Self::Computed(expr) => Some(quote! {
                #(#cfgs)*
                const #name: usize = #expr;
            }),
        }
    }

    /// The match pattern: the literal, or the name given to [`Position::const_item`].
    fn pattern(&self, name: &Ident) -> TokenStream {
        match self {
            Self::Fixed(_) => self.expr(),
            Self::Computed(_) => quote!(#name),
        }
    }
}

/// The position of each of `items` (their docs and cfgs, in table order).
pub(super) fn positions<'a>(items: impl Iterator<Item = &'a CopiedAttrs>) -> Vec<Position> {
    let mut fixed = 0;
    let mut conditional: Vec<TokenStream> = Vec::new();
    let mut positions = Vec::new();
    for copied in items {
        positions.push(if conditional.is_empty() {
            Position::Fixed(fixed)
        } else {
            let fixed = Literal::usize_unsuffixed(fixed);
            Position::Computed(quote!(#fixed #(+ (#conditional as usize))*))
        });
        match cfg_predicate(&copied.cfgs) {
            None => fixed += 1,
            Some(predicate) => conditional.push(quote!(::core::cfg!(#predicate))),
        }
    }
    positions
}
