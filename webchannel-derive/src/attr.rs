//! The names the macro reads: its helper attribute, the keys inside it, and its own
//! arguments. Every other module refers to these constants, never to string literals.

/// The helper attribute on items of the impl: `#[webchannel(...)]`.
pub(crate) const WEBCHANNEL: &str = "webchannel";

/// `#[webchannel(property, ...)]`: the fn is a property getter.
pub(crate) const PROPERTY: &str = "property";
/// `#[webchannel(signal)]`: the bodiless fn declares a signal.
pub(crate) const SIGNAL: &str = "signal";
/// `#[webchannel(signal, cluster)]`: the signal is emitted on every instance of a cluster.
pub(crate) const CLUSTER: &str = "cluster";
/// `#[webchannel(skip)]`: a `pub` fn that is not published.
pub(crate) const SKIP: &str = "skip";
/// `#[webchannel(name = "...")]`: the published name, instead of the camelCase one.
pub(crate) const NAME: &str = "name";
/// `#[webchannel(property, notify = signal_fn)]`: the property's change signal.
pub(crate) const NOTIFY: &str = "notify";
/// `#[webchannel(property, constant)]`: the property never changes.
pub(crate) const CONSTANT: &str = "constant";
/// `#[webchannel(property, bindable)]`: the property has no notify signal; its changes are
/// announced with the generated `mark_<getter>_changed()`.
pub(crate) const BINDABLE: &str = "bindable";
/// `#[webchannel(on_disconnect)]`: the fn is called when a session (a client) ends.
pub(crate) const ON_DISCONNECT: &str = "on_disconnect";

/// Every key accepted inside `#[webchannel(...)]`.
pub(crate) const KEYS: [&str; 9] = [
    PROPERTY,
    SIGNAL,
    CLUSTER,
    SKIP,
    NAME,
    NOTIFY,
    CONSTANT,
    BINDABLE,
    ON_DISCONNECT,
];

/// Every key accepted inside `#[webchannel(...)]`, as error messages list them.
pub(crate) const ACCEPTED_KEYS: &str = "`property`, `signal`, `cluster`, `skip`, \
     `name = \"...\"`, `notify = <signal fn>`, `constant`, `bindable`, `on_disconnect`";

/// The macro argument `#[webchannel::object(crate = "path::to::webchannel")]`.
pub(crate) const CRATE: &str = "crate";

/// How `crate = "..."` is written, for its error messages.
pub(crate) const CRATE_USAGE: &str = "`crate` takes the path to the webchannel crate as a \
     string: `crate = \"my_crate::webchannel\"`";

/// The macro argument `#[webchannel::object(enums(Mode, Speed))]`: the published enums.
pub(crate) const ENUMS: &str = "enums";

/// The path generated code uses to reach the runtime when no `crate` argument is given.
pub(crate) const DEFAULT_CRATE: &str = "::webchannel";

/// The attribute copied from a method onto everything generated from it.
pub(crate) const CFG: &str = "cfg";
/// Doc comments (`///`) arrive as `#[doc = "..."]`.
pub(crate) const DOC: &str = "doc";

/// The last path segment that marks an injected context parameter (`&Context<Self>`).
pub(crate) const CONTEXT: &str = "Context";

/// The prefix of a setter's name: `set_value` writes the property of getter `value`.
pub(crate) const SETTER_PREFIX: &str = "set_";

/// The method generated for a bindable property: `mark_<getter>_changed`.
pub(crate) fn mark_method(getter: &str) -> String {
    format!("mark_{getter}_changed")
}

/// Names the JavaScript client's object proxy uses itself; publishing one would break it.
pub(crate) const RESERVED_NAMES: &[&str] = &[
    "destroyed",
    "__id__",
    "__objectSignals__",
    "__propertyCache__",
    "webChannel",
    "unwrapQObject",
    "unwrapProperties",
    "propertyUpdate",
    "signalEmitted",
];
