//! Ways of looking through how a type is written, shared by `check` and `expand` so that
//! both passes see the same type behind the same tokens.

use syn::Type;
use syn::visit_mut::VisitMut;

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

/// Whether `impl Trait` appears anywhere in `ty`: such a type cannot be named outside
/// the fn it belongs to, so it is neither accepted nor repeated in generated code.
pub(crate) fn contains_impl_trait(ty: &Type) -> bool {
    struct Finder(bool);
    impl VisitMut for Finder {
        fn visit_type_impl_trait_mut(&mut self, _: &mut syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut finder = Finder(false);
    finder.visit_type_mut(&mut ty.clone());
    finder.0
}
