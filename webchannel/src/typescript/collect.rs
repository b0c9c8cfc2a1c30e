//! Filling in [`Declarations`]: the `ts_rs` declarations of the types used in signatures
//! (in the order first met, each once) and the published objects that must get an
//! interface; and `TsKnown`, which names a type that implements `ts_rs::TS`.
//!
//! A [`Handle<T>`] names the interface of `T`. It implements `ts_rs::TS` so that it can
//! appear anywhere a TS type can (alone, in a `Vec`, inside a user's struct); the objects
//! it names are noted in a thread-local while a generation runs, because `ts_rs` asks a
//! type only for its name, without a place to put what else it needs.

use std::cell::RefCell;
use std::path::PathBuf;

use ts_rs::{Config, TS, TypeVisitor};

use crate::object::any_handle::AnyHandle;
use crate::object::meta::{Declarations, EnumMeta, ObjectMeta};
use crate::object::ts_probe::{TsKnown, TsProbe};
use crate::object::typed::{Handle, Object};
use crate::object::variant::Variant;

thread_local! {
    /// The objects named by a `Handle` while [`Declarations::type_of`] runs.
    static NAMED_OBJECTS: RefCell<Option<Vec<&'static ObjectMeta>>> = const { RefCell::new(None) };
}

/// How `ts_rs` names types here: integers of every width arrive in JavaScript as numbers,
/// not `bigint`.
fn config() -> Config {
    Config::new().with_large_int("number")
}

impl<T: TS + ?Sized + 'static> TsKnown for TsProbe<T> {
    fn ts_type(&self, declarations: &mut Declarations) -> String {
        declarations.type_of::<T>()
    }
}

impl Declarations {
    /// The TypeScript name of `T`; the declarations it refers to are added.
    pub fn type_of<T: TS + ?Sized + 'static>(&mut self) -> String {
        let outer = NAMED_OBJECTS.with(|named| named.borrow_mut().replace(Vec::new()));
        self.visit::<T>();
        T::visit_dependencies(self);
        T::visit_generics(self);
        let name = T::name(&config());
        let named = NAMED_OBJECTS.with(|named| std::mem::replace(&mut *named.borrow_mut(), outer));
        for meta in named.unwrap_or_default() {
            self.object(meta);
        }
        name
    }

    /// Declares a published enum as the union of its values, unless a type of that name
    /// is declared already.
    pub(crate) fn published_enum(&mut self, meta: &EnumMeta) {
        if self.seen.insert(meta.name.to_owned()) {
            self.types
                .push(format!("export {}", enum_declaration(meta)));
        }
    }

    /// Notes that `meta` needs an interface. One interface per type name: the same
    /// `META` may sit at several addresses (a `const` is copied where it is used).
    pub(crate) fn object(&mut self, meta: &'static ObjectMeta) {
        if !self
            .objects
            .iter()
            .any(|known| known.type_name == meta.type_name)
        {
            self.objects.push(meta);
        }
    }

    /// The objects noted so far, in the order they were met.
    pub(crate) fn objects(&self) -> &[&'static ObjectMeta] {
        &self.objects
    }

    /// The `export type ...` declarations so far, in the order they were met.
    pub(crate) fn types(&self) -> &[String] {
        &self.types
    }
}

impl TypeVisitor for Declarations {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        let config = config();
        // Only types with a declaration of their own (derived ones) have an output path;
        // a generic type is declared once, with its parameters.
        if T::output_path().is_none() || !self.seen.insert(T::ident(&config)) {
            return;
        }
        let docs = T::docs().unwrap_or_default();
        self.types
            .push(format!("{docs}export {}", T::decl(&config)));
        T::visit_dependencies(self);
    }
}

/// A published object, as a value, is the object's interface in TypeScript.
impl<T: Object> TS for Handle<T> {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;

    fn name(_: &Config) -> String {
        NAMED_OBJECTS.with(|named| {
            if let Some(named) = named.borrow_mut().as_mut() {
                named.push(T::META);
            }
        });
        T::META.type_name.to_owned()
    }

    fn inline(config: &Config) -> String {
        <Self as TS>::name(config)
    }
}

/// Any published object, as `AnyHandle` is: every object's interface has what this one
/// asks for.
impl TS for AnyHandle {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;

    fn name(_: &Config) -> String {
        "PublishedObject".to_owned()
    }

    fn inline(config: &Config) -> String {
        <Self as TS>::name(config)
    }

    fn docs() -> Option<String> {
        Some("/** Any published object (Qt's `QObject*`). */\n".to_owned())
    }

    fn decl(_: &Config) -> String {
        "interface PublishedObject {\n    /** Emitted when the object is gone. */\n    \
         readonly destroyed: Signal<[]>;\n}"
            .to_owned()
    }

    fn decl_concrete(config: &Config) -> String {
        <Self as TS>::decl(config)
    }

    fn output_path() -> Option<PathBuf> {
        Some(PathBuf::from("PublishedObject.ts"))
    }
}

/// JSON whose nodes may be published objects, as `Variant` is.
impl TS for Variant {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;

    fn name(_: &Config) -> String {
        "Variant".to_owned()
    }

    fn inline(config: &Config) -> String {
        <Self as TS>::name(config)
    }

    fn docs() -> Option<String> {
        Some("/** Any JSON value, whose nodes may be published objects. */\n".to_owned())
    }

    fn decl(_: &Config) -> String {
        "type Variant = null | boolean | number | string | Array<Variant> | \
         { [key in string]?: Variant } | PublishedObject;"
            .to_owned()
    }

    fn decl_concrete(config: &Config) -> String {
        <Self as TS>::decl(config)
    }

    fn visit_dependencies(visitor: &mut impl TypeVisitor) {
        visitor.visit::<AnyHandle>();
    }

    fn output_path() -> Option<PathBuf> {
        Some(PathBuf::from("Variant.ts"))
    }
}

/// `type Mode = 0 | 1 | 5;`: what `#[derive(webchannel::Enum)]` declares too.
pub(crate) fn enum_declaration(meta: &EnumMeta) -> String {
    let values: Vec<String> = meta
        .values
        .iter()
        .map(|(_, value)| value.to_string())
        .collect();
    let union = if values.is_empty() {
        "never".to_owned()
    } else {
        values.join(" | ")
    };
    format!("type {} = {union};", meta.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::ts_probe::TsUnknown;

    struct Opaque;

    #[derive(ts_rs::TS)]
    #[allow(dead_code)]
    struct Message {
        text: String,
        count: i64,
    }

    #[test]
    #[allow(
        clippy::needless_borrow,
        reason = "the borrow is what generated code writes: it selects the fallback"
    )]
    fn types_with_ts_get_their_type_and_others_unknown() {
        let mut declarations = Declarations::default();
        assert_eq!((&TsProbe::<u8>::new()).ts_type(&mut declarations), "number");
        assert_eq!(
            (&TsProbe::<i64>::new()).ts_type(&mut declarations),
            "number",
            "64-bit integers arrive as JSON numbers"
        );
        assert_eq!(
            (&TsProbe::<Vec<Option<String>>>::new()).ts_type(&mut declarations),
            "Array<string | null>"
        );
        assert_eq!(
            (&TsProbe::<str>::new()).ts_type(&mut declarations),
            "string"
        );
        assert_eq!(
            (&TsProbe::<Opaque>::new()).ts_type(&mut declarations),
            "unknown"
        );
        assert_eq!(
            (&TsProbe::<Vec<Message>>::new()).ts_type(&mut declarations),
            "Array<Message>"
        );
        assert_eq!(
            declarations.types(),
            ["export type Message = { text: string, count: number, };"]
        );
    }
}
