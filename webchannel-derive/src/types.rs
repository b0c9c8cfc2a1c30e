//! Ways of looking through how a type is written, shared by `check` and `expand` so that
//! both passes see the same type behind the same tokens.

use syn::Type;

/// Looks through invisible groups (types passed through `macro_rules!`) and parentheses.
pub(crate) fn strip_groups(ty: &Type) -> &Type {
    match ty {
        Type::Group(group) => strip_groups(&group.elem),
        Type::Paren(paren) => strip_groups(&paren.elem),
        ty => ty,
    }
}

/// `T` for `&T`, `&&mut T`...: the type whose trait bounds matter, looking through groups
/// and parentheses.
pub(crate) fn referent(ty: &Type) -> &Type {
    match strip_groups(ty) {
        Type::Reference(reference) => referent(&reference.elem),
        ty => ty,
    }
}
