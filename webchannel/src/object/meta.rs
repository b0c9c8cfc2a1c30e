//! Static metadata of a published type: what `#[webchannel::object]` knows about it.
//!
//! The macro emits one [`ObjectMeta`] per type as a `static`. The runtime derives everything
//! else from it (wire indices, the init description, name lookup), and tools such as the
//! TypeScript generator read it too, so there is exactly one source of truth per type. Each
//! type is described plainly (its Rust and Qt names) and, for TypeScript, by a function that
//! names it and adds what the name needs to a [`Declarations`].
//!
//! Wire indices are positions: signal `0` is `destroyed`, user signals follow in declaration
//! order, then methods; properties are numbered from `0`. They are unique within an object
//! and stable for the life of the program, which is all the protocol asks.

/// Everything the runtime needs to know about a published Rust type.
#[derive(Debug)]
pub struct ObjectMeta {
    /// The Rust type's name (`ChatServer`).
    pub type_name: &'static str,
    /// Invokable methods, in declaration order.
    pub methods: &'static [MethodMeta],
    /// Properties, in declaration order. A property's position is its wire index.
    pub properties: &'static [PropertyMeta],
    /// Signals, in declaration order, including the notify signals of properties.
    pub signals: &'static [SignalMeta],
    /// Fieldless enums published with the type.
    pub enums: &'static [EnumMeta],
}

/// One invokable method.
#[derive(Debug)]
pub struct MethodMeta {
    /// The published (camelCase) name.
    pub name: &'static str,
    /// The Qt-style signature (`login(QString)`), listed beside the bare name.
    pub signature: &'static str,
    /// Parameters visible to clients (an injected context is not one of them).
    pub params: &'static [ParamMeta],
    /// What the method returns to the client.
    pub returns: TypeMeta,
    /// Whether the method is an `async fn`.
    pub is_async: bool,
    /// The doc comment of the Rust method.
    pub docs: &'static str,
}

/// One parameter of a method or signal.
#[derive(Debug)]
pub struct ParamMeta {
    /// The published (camelCase) parameter name.
    pub name: &'static str,
    /// Its type.
    pub ty: TypeMeta,
}

/// A Rust type as it is seen from the wire.
#[derive(Debug, Clone, Copy)]
pub struct TypeMeta {
    /// The Rust type as written (`Vec<String>`).
    pub rust: &'static str,
    /// The Qt type name used in signatures (`QStringList`).
    pub qt: &'static str,
    /// Names the type in TypeScript (`Array<string>`), adding the declarations that name
    /// needs (the `typescript` module renders them).
    pub ts: TsType,
}

/// One property: a getter, optionally a setter, and a notify signal, `constant`, or
/// neither (a bindable property, whose changes are announced without a signal).
#[derive(Debug)]
pub struct PropertyMeta {
    /// The published (camelCase) name.
    pub name: &'static str,
    /// Position in [`ObjectMeta::signals`] of the notify signal; `None` for a constant or
    /// a bindable property.
    pub notify: Option<usize>,
    /// Whether the property never changes. A property with neither a notify signal nor
    /// `constant` is bindable: its changes are marked with the generated
    /// `mark_<getter>_changed()` and reach clients with an empty `signals` map.
    pub constant: bool,
    /// Whether clients may write it (`setProperty`).
    pub writable: bool,
    /// The property's type.
    pub ty: TypeMeta,
    /// The doc comment of the getter.
    pub docs: &'static str,
}

/// One signal.
#[derive(Debug)]
pub struct SignalMeta {
    /// The published (camelCase) name.
    pub name: &'static str,
    /// The Qt-style signature (`newMessage(QString,QString,QString)`).
    pub signature: &'static str,
    /// The arguments the signal carries.
    pub params: &'static [ParamMeta],
    /// The doc comment of the signal declaration.
    pub docs: &'static str,
}

/// A fieldless enum published in the `enums` table of an object description.
#[derive(Debug)]
pub struct EnumMeta {
    /// The enum's name as clients see it.
    pub name: &'static str,
    /// Its keys and their numeric values.
    pub values: &'static [(&'static str, i64)],
}

/// What a [`TypeMeta`] says about TypeScript: a function that names the type and adds the
/// declarations the name needs.
pub type TsType = fn(&mut Declarations) -> String;

/// What one TypeScript generation has met so far: the `ts_rs` declarations of the types used
/// in signatures (in the order first met, each once) and the published objects that need an
/// interface. Generated code only passes it along; the `typescript` module (the feature of
/// that name) fills it in and renders it, and without it there is nothing to hold.
#[derive(Debug, Default)]
pub struct Declarations {
    /// The TypeScript names declared so far.
    #[cfg(feature = "typescript")]
    pub(crate) seen: std::collections::HashSet<String>,
    /// `export type ...` declarations, in the order met.
    #[cfg(feature = "typescript")]
    pub(crate) types: Vec<String>,
    /// Objects that need an interface, in the order met.
    #[cfg(feature = "typescript")]
    pub(crate) objects: Vec<&'static ObjectMeta>,
}

/// Wire index of the `destroyed` signal, present on every object.
pub const DESTROYED_SIGNAL: u32 = 0;

impl ObjectMeta {
    /// Wire index of the signal at `position` in [`ObjectMeta::signals`].
    pub fn signal_index(&self, position: usize) -> u32 {
        wire_index(1 + position)
    }

    /// Wire index of the method at `position` in [`ObjectMeta::methods`].
    pub fn method_index(&self, position: usize) -> u32 {
        wire_index(1 + self.signals.len() + position)
    }

    /// Position in [`ObjectMeta::signals`] of the signal with wire index `index`.
    pub fn signal_position(&self, index: u32) -> Option<usize> {
        let position = usize::try_from(index).ok()?.checked_sub(1)?;
        (position < self.signals.len()).then_some(position)
    }

    /// Position in [`ObjectMeta::methods`] of the method with wire index `index`.
    pub fn method_position(&self, index: u32) -> Option<usize> {
        let position = usize::try_from(index)
            .ok()?
            .checked_sub(1 + self.signals.len())?;
        (position < self.methods.len()).then_some(position)
    }

    /// Positions of the methods published under `name`.
    pub fn methods_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.methods
            .iter()
            .enumerate()
            .filter(move |(_, method)| method.name == name)
            .map(|(position, _)| position)
    }

    /// Whether the signal at `position` notifies a property (and so travels in
    /// `propertyUpdate` messages rather than as a `signal` message).
    pub fn is_notify_signal(&self, position: usize) -> bool {
        self.properties
            .iter()
            .any(|property| property.notify == Some(position))
    }
}

fn wire_index(position: usize) -> u32 {
    // No impl block holds four billion items; saturating keeps this total.
    u32::try_from(position).unwrap_or(u32::MAX)
}
