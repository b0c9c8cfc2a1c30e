//! The macro's own small model of an annotated impl block, in two stages:
//! [`Input`] is what was written (from `parse`), [`Object`] is what gets published
//! (from `check`, which classifies the fns and validates them). `expand` reads only
//! [`Object`].

use proc_macro2::Span;
use syn::{Attribute, Generics, Ident, ItemImpl, LitStr, Path, Signature, Type, Visibility};

/// The annotated impl block as written.
pub(crate) struct Input {
    /// How generated code names the runtime crate (`::webchannel`).
    pub(crate) krate: Path,
    /// The enums listed in `enums(...)`, as written.
    pub(crate) enums: Vec<Path>,
    /// The impl block to re-emit: `#[webchannel(...)]` attributes and signal
    /// declarations removed.
    pub(crate) item: ItemImpl,
    /// Every fn of the impl, with or without a body, in declaration order.
    pub(crate) fns: Vec<FnInput>,
}

/// One fn of the impl block as written.
pub(crate) struct FnInput {
    /// What its `#[webchannel(...)]` attributes say.
    pub(crate) options: Options,
    /// Its doc comment and `#[cfg]`s.
    pub(crate) copied: CopiedAttrs,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    /// Where its body starts; `None` for a declaration ending in `;`.
    pub(crate) body: Option<Span>,
}

/// The keys of every `#[webchannel(...)]` on one item, each with where it was written.
#[derive(Default)]
pub(crate) struct Options {
    pub(crate) property: Option<Span>,
    pub(crate) signal: Option<Span>,
    pub(crate) cluster: Option<Span>,
    pub(crate) skip: Option<Span>,
    pub(crate) constant: Option<Span>,
    pub(crate) bindable: Option<Span>,
    pub(crate) name: Option<LitStr>,
    pub(crate) notify: Option<Ident>,
    pub(crate) on_disconnect: Option<Span>,
    /// An attribute could not be read to its end (already reported): what is missing
    /// from it must not be reported again.
    pub(crate) malformed: bool,
}

impl Options {
    /// Whether a key says how the fn is published (`property`, `signal`, `cluster`,
    /// `name`, `notify`, `constant`, `bindable`): none of them goes with `skip` or
    /// `on_disconnect`.
    pub(crate) fn says_how_to_publish(&self) -> bool {
        self.property.is_some()
            || self.signal.is_some()
            || self.cluster.is_some()
            || self.name.is_some()
            || self.notify.is_some()
            || self.constant.is_some()
            || self.bindable.is_some()
    }
}

/// The attributes of a user item that everything generated from it carries too.
#[derive(Clone, Default)]
pub(crate) struct CopiedAttrs {
    /// The `#[doc = ...]` attributes, as written.
    pub(crate) docs: Vec<Attribute>,
    /// The doc comment as text: one line per line, a single leading space removed.
    pub(crate) doc_text: String,
    /// The `#[cfg(...)]` attributes, as written.
    pub(crate) cfgs: Vec<Attribute>,
}

/// What the macro publishes for one impl block.
pub(crate) struct Object {
    pub(crate) krate: Path,
    /// The published enums, as written in `enums(...)`.
    pub(crate) enums: Vec<Path>,
    /// Their names (last path segments), which name them in Qt signatures.
    pub(crate) enum_names: Vec<String>,
    /// The user's impl block, to re-emit.
    pub(crate) item: ItemImpl,
    /// The self type (`Counter`).
    pub(crate) self_ty: Type,
    /// The generics of the `Object` impl: none for a checked object; the fallback after a
    /// mistake in a generic impl keeps the impl's (see `expand::fallback`).
    pub(crate) generics: Generics,
    /// The last segment of the self type, which names generated items (`CounterSignals`).
    pub(crate) type_ident: Ident,
    /// The type's name in the metadata (`Counter`).
    pub(crate) type_name: String,
    /// Published methods in declaration order; a method's position is its index here.
    pub(crate) methods: Vec<Method>,
    /// Properties in declaration order.
    pub(crate) properties: Vec<Property>,
    /// Signals in declaration order, notify signals included.
    pub(crate) signals: Vec<Signal>,
    /// The fn told when a session ends, if there is one.
    pub(crate) on_disconnect: Option<DisconnectHook>,
}

/// How a method borrows the object.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Receiver {
    /// `&self`
    Shared,
    /// `&mut self`
    Exclusive,
}

/// One published method.
pub(crate) struct Method {
    /// The Rust name, called by generated code.
    pub(crate) ident: Ident,
    /// The published name (`sendMessage`).
    pub(crate) name: String,
    pub(crate) copied: CopiedAttrs,
    pub(crate) receiver: Receiver,
    pub(crate) is_async: bool,
    /// The Rust parameters in order (without the receiver).
    pub(crate) args: Vec<Arg>,
    pub(crate) output: Output,
}

impl Method {
    /// The parameters clients send, in order.
    pub(crate) fn params(&self) -> impl Iterator<Item = &Param> {
        params(&self.args)
    }
}

/// One parameter of a method or setter.
#[expect(
    clippy::large_enum_variant,
    reason = "a handful per macro call; boxing would only add noise"
)]
pub(crate) enum Arg {
    /// `&Context<Self>`, injected by the runtime.
    Context,
    /// A value the client sends.
    Param(Param),
}

/// The parameters clients send, in order: `args` without the injected context.
pub(crate) fn params(args: &[Arg]) -> impl Iterator<Item = &Param> {
    args.iter().filter_map(|arg| match arg {
        Arg::Param(param) => Some(param),
        Arg::Context => None,
    })
}

/// A parameter clients see.
pub(crate) struct Param {
    /// The published (camelCase) name.
    pub(crate) name: String,
    pub(crate) ty: Type,
}

/// What a method returns.
#[expect(
    clippy::large_enum_variant,
    reason = "one per method per macro call; boxing would only add noise"
)]
pub(crate) enum Output {
    /// Nothing: the reply is `null`.
    Unit,
    /// A value to serialize.
    Value(Type),
    /// A `...Result<T, E>`: `Err` rejects the call with its message. `ok` and `err` are
    /// `T` and `E` when written as two type arguments.
    Result {
        ty: Type,
        ok: Option<Type>,
        err: Option<Type>,
    },
}

/// The type `()`.
pub(crate) fn unit_type() -> Type {
    Type::Tuple(syn::TypeTuple {
        paren_token: Default::default(),
        elems: Default::default(),
    })
}

/// One property: a getter, perhaps a setter, and a notify signal, `constant` or
/// `bindable`.
pub(crate) struct Property {
    /// The getter's Rust name.
    pub(crate) getter: Ident,
    /// The published name (`userList`).
    pub(crate) name: String,
    /// The getter's docs and cfgs.
    pub(crate) copied: CopiedAttrs,
    /// The getter's return type.
    pub(crate) ty: Type,
    /// Index in [`Object::signals`] of the notify signal.
    pub(crate) notify: Option<usize>,
    pub(crate) constant: bool,
    /// For a `bindable` property (no notify signal, changes still sent): the generated
    /// method that marks it changed (`mark_level_changed`).
    pub(crate) mark: Option<Ident>,
    pub(crate) setter: Option<Setter>,
}

/// The `set_<getter>` fn that makes a property writable.
pub(crate) struct Setter {
    pub(crate) ident: Ident,
    /// One value parameter and perhaps a context, in order.
    pub(crate) args: Vec<Arg>,
    /// Whether it returns a `Result` whose `Err` rejects the write.
    pub(crate) returns_result: bool,
    /// The setter's own cfgs: the property is writable only where they hold.
    pub(crate) cfgs: Vec<Attribute>,
}

/// One signal declaration.
pub(crate) struct Signal {
    /// The Rust name: the name of the generated emitter method.
    pub(crate) ident: Ident,
    /// The published name (`valueChanged`).
    pub(crate) name: String,
    pub(crate) copied: CopiedAttrs,
    pub(crate) params: Vec<SignalParam>,
    /// Where `cluster` was written, for a signal emitted on every instance of a cluster.
    pub(crate) cluster: Option<Span>,
}

/// One argument of a signal.
pub(crate) struct SignalParam {
    /// The argument of the generated emitter method.
    pub(crate) ident: Ident,
    /// The published (camelCase) name.
    pub(crate) name: String,
    pub(crate) ty: Type,
}

/// The `#[webchannel(on_disconnect)]` fn: called, unpublished, when a session ends.
pub(crate) struct DisconnectHook {
    pub(crate) ident: Ident,
    pub(crate) receiver: Receiver,
    pub(crate) is_async: bool,
    /// Whether it takes the `&Context<Self>` of the session that ended.
    pub(crate) takes_context: bool,
    /// Its `#[cfg]`s: where they do not hold, there is no hook.
    pub(crate) cfgs: Vec<Attribute>,
}
