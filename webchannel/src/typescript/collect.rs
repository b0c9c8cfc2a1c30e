//! [`Declarations`]: what one TypeScript generation has met so far — the `ts_rs`
//! declarations of the types used in signatures (in the order first met, each once) and
//! the published objects that must get an interface.
//!
//! A [`Handle<T>`] names the interface of `T`. It implements `ts_rs::TS` so that it can
//! appear anywhere a TS type can (alone, in a `Vec`, inside a user's struct); the objects
//! it names are noted in a thread-local while a generation runs, because `ts_rs` asks a
//! type only for its name, without a place to put what else it needs.

use std::cell::RefCell;
use std::collections::HashSet;

use ts_rs::{Config, TS, TypeVisitor};

use crate::handle::Handle;
use crate::meta::{EnumMeta, ObjectMeta};
use crate::object::Object;

/// The declarations one generation needs. Generated code adds to it through
/// [`TypeMeta::ts`](crate::meta::TypeMeta::ts).
pub struct Declarations {
    config: Config,
    /// The TypeScript names declared so far.
    seen: HashSet<String>,
    types: Vec<String>,
    objects: Vec<&'static ObjectMeta>,
}

impl Default for Declarations {
    fn default() -> Self {
        Self {
            // Integers of every width arrive in JavaScript as numbers, not `bigint`.
            config: Config::new().with_large_int("number"),
            seen: HashSet::new(),
            types: Vec::new(),
            objects: Vec::new(),
        }
    }
}

thread_local! {
    /// The objects named by a `Handle` while [`Declarations::type_of`] runs.
    static NAMED_OBJECTS: RefCell<Option<Vec<&'static ObjectMeta>>> = const { RefCell::new(None) };
}

impl Declarations {
    /// The TypeScript name of `T`; the declarations it refers to are added.
    pub fn type_of<T: TS + ?Sized + 'static>(&mut self) -> String {
        let outer = NAMED_OBJECTS.with(|named| named.borrow_mut().replace(Vec::new()));
        self.visit::<T>();
        T::visit_dependencies(self);
        T::visit_generics(self);
        let name = T::name(&self.config);
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
        // Only types with a declaration of their own (derived ones) have an output path;
        // a generic type is declared once, with its parameters.
        if T::output_path().is_none() || !self.seen.insert(T::ident(&self.config)) {
            return;
        }
        let docs = T::docs().unwrap_or_default();
        self.types
            .push(format!("{docs}export {}", T::decl(&self.config)));
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
