//! The Qt type name a Rust type takes in Qt-style signatures (`login(QString)`), chosen
//! by the last path segment and, for containers, the element type.

use std::borrow::Cow;

use syn::{GenericArgument, PathArguments, Type};

/// `sendMessage(QString,QString)`: the published name and the Qt names of the parameter
/// types. Overloads are told apart by it, and the metadata lists it.
pub(crate) fn signature<'a>(
    name: &str,
    types: impl IntoIterator<Item = &'a Type>,
    enums: &[String],
) -> String {
    let types: Vec<_> = types.into_iter().map(|ty| qt_type(ty, enums)).collect();
    format!("{name}({})", types.join(","))
}

/// The Qt name of a value of type `ty` as it travels over the wire. `enums` are the
/// names of the enums the object publishes: a type with one of those names is named
/// after the enum.
///
/// Unknown types are `QVariant`; references, `Box`, `Arc`, `Rc`, `Cow` and `Option` are
/// looked through; `Result<T, E>` (a return type) is named after `T`; a `Handle<T>` or an
/// `AnyHandle` (a published object) is a `QObject*`.
pub(crate) fn qt_type(ty: &Type, enums: &[String]) -> Cow<'static, str> {
    match ty {
        Type::Reference(reference) => qt_type(&reference.elem, enums),
        Type::Paren(paren) => qt_type(&paren.elem, enums),
        Type::Group(group) => qt_type(&group.elem, enums),
        Type::Slice(slice) => list_of(&slice.elem, enums),
        Type::Array(array) => list_of(&array.elem, enums),
        Type::Tuple(tuple) if tuple.elems.is_empty() => "void".into(),
        Type::Tuple(_) => "QVariantList".into(),
        Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return "QVariant".into();
            };
            let first_arg = || first_type_argument(&last.arguments);
            let name = last.ident.to_string();
            if enums.contains(&name) {
                return name.into();
            }
            match name.as_str() {
                "String" | "str" => "QString".into(),
                "bool" => "bool".into(),
                "i8" | "i16" | "i32" => "int".into(),
                "u8" | "u16" | "u32" => "uint".into(),
                "i64" | "isize" => "qlonglong".into(),
                "u64" | "usize" => "qulonglong".into(),
                "f32" => "float".into(),
                "f64" => "double".into(),
                "char" => "QChar".into(),
                "Value" => "QJsonValue".into(),
                "Handle" | "AnyHandle" => "QObject*".into(),
                "Vec" => {
                    first_arg().map_or("QVariantList".into(), |element| list_of(element, enums))
                }
                "VecDeque" | "HashSet" | "BTreeSet" | "IndexSet" | "LinkedList" => {
                    "QVariantList".into()
                }
                "HashMap" | "BTreeMap" | "IndexMap" => "QVariantMap".into(),
                "Option" | "Box" | "Arc" | "Rc" | "Cow" | "Result" => {
                    first_arg().map_or("QVariant".into(), |inner| qt_type(inner, enums))
                }
                _ => "QVariant".into(),
            }
        }
        _ => "QVariant".into(),
    }
}

/// A sequence of `element`: a list of strings is a `QStringList`.
fn list_of(element: &Type, enums: &[String]) -> Cow<'static, str> {
    if qt_type(element, enums) == "QString" {
        "QStringList".into()
    } else {
        "QVariantList".into()
    }
}

/// The first type among `<...>` arguments (`Cow<'a, str>` → `str`).
fn first_type_argument(arguments: &PathArguments) -> Option<&Type> {
    let PathArguments::AngleBracketed(arguments) = arguments else {
        return None;
    };
    arguments.args.iter().find_map(|argument| match argument {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(ty: Type, expected: &str) {
        assert_eq!(qt_type(&ty, &["Mode".to_owned()]), expected);
    }

    #[test]
    fn scalars() {
        check(syn::parse_quote!(bool), "bool");
        for ty in ["i8", "i16", "i32"] {
            check(syn::parse_str(ty).expect("a type"), "int");
        }
        for ty in ["u8", "u16", "u32"] {
            check(syn::parse_str(ty).expect("a type"), "uint");
        }
        check(syn::parse_quote!(i64), "qlonglong");
        check(syn::parse_quote!(isize), "qlonglong");
        check(syn::parse_quote!(u64), "qulonglong");
        check(syn::parse_quote!(usize), "qulonglong");
        check(syn::parse_quote!(f32), "float");
        check(syn::parse_quote!(f64), "double");
        check(syn::parse_quote!(char), "QChar");
        check(syn::parse_quote!(()), "void");
    }

    #[test]
    fn strings() {
        check(syn::parse_quote!(String), "QString");
        check(syn::parse_quote!(std::string::String), "QString");
        check(syn::parse_quote!(&str), "QString");
        check(syn::parse_quote!(&'static str), "QString");
        check(syn::parse_quote!(Cow<'_, str>), "QString");
        check(syn::parse_quote!(std::borrow::Cow<'static, str>), "QString");
        check(syn::parse_quote!(Box<str>), "QString");
        check(syn::parse_quote!(Arc<str>), "QString");
    }

    #[test]
    fn lists_and_maps() {
        check(syn::parse_quote!(Vec<String>), "QStringList");
        check(syn::parse_quote!(Vec<&str>), "QStringList");
        check(syn::parse_quote!([String]), "QStringList");
        check(syn::parse_quote!(&[String]), "QStringList");
        check(syn::parse_quote!([String; 3]), "QStringList");
        check(syn::parse_quote!(Vec<i64>), "QVariantList");
        check(syn::parse_quote!(Vec<Vec<String>>), "QVariantList");
        check(syn::parse_quote!(VecDeque<String>), "QVariantList");
        check(syn::parse_quote!(HashSet<String>), "QVariantList");
        check(
            syn::parse_quote!(std::collections::BTreeSet<u8>),
            "QVariantList",
        );
        check(syn::parse_quote!(&[u8]), "QVariantList");
        check(syn::parse_quote!([f64; 2]), "QVariantList");
        check(syn::parse_quote!((i32, String)), "QVariantList");
        check(syn::parse_quote!(HashMap<String, i64>), "QVariantMap");
        check(syn::parse_quote!(BTreeMap<String, Value>), "QVariantMap");
    }

    #[test]
    fn wrappers_and_the_rest() {
        check(syn::parse_quote!(serde_json::Value), "QJsonValue");
        check(syn::parse_quote!(Value), "QJsonValue");
        check(syn::parse_quote!(Option<String>), "QString");
        check(syn::parse_quote!(Option<i32>), "int");
        check(syn::parse_quote!(Option<Vec<String>>), "QStringList");
        check(syn::parse_quote!(Result<i64, String>), "qlonglong");
        check(syn::parse_quote!(Result<(), String>), "void");
        check(syn::parse_quote!(Box<i64>), "qlonglong");
        check(syn::parse_quote!(Option), "QVariant");
        check(syn::parse_quote!(MyStruct), "QVariant");
        check(syn::parse_quote!(chrono::DateTime<Utc>), "QVariant");
        check(syn::parse_quote!(<T as Trait>::Out), "QVariant");
        check(syn::parse_quote!(impl Serialize), "QVariant");
    }

    #[test]
    fn published_enums_and_objects() {
        check(syn::parse_quote!(Mode), "Mode");
        check(syn::parse_quote!(crate::fan::Mode), "Mode");
        check(syn::parse_quote!(Option<Mode>), "Mode");
        check(syn::parse_quote!(Vec<Mode>), "QVariantList");
        check(syn::parse_quote!(OtherEnum), "QVariant");
        check(syn::parse_quote!(Handle<TodoItem>), "QObject*");
        check(syn::parse_quote!(webchannel::Handle<Self>), "QObject*");
        check(syn::parse_quote!(Option<Handle<TodoItem>>), "QObject*");
        check(syn::parse_quote!(Vec<Handle<TodoItem>>), "QVariantList");
        check(syn::parse_quote!(webchannel::AnyHandle), "QObject*");
        check(syn::parse_quote!(Option<AnyHandle>), "QObject*");
        check(syn::parse_quote!(Variant), "QVariant");
    }
}
