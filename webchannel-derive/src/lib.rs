//! The `#[webchannel::object]` attribute macro and the `#[derive(webchannel::Enum)]`
//! derive. Use them through the `webchannel` crate, which re-exports them; their full
//! reference is on each macro.
//!
//! The pipeline: `parse` reads the tokens into the `model`, `check` classifies and
//! validates every fn (collecting all errors), and `expand` generates the code
//! (`enum_derive` does the same for the derive). Everything runs on `proc_macro2`, so it
//! is unit-tested without a compiler run.

mod attr;
mod check;
mod display;
mod enum_derive;
mod errors;
mod expand;
mod model;
mod naming;
mod parse;
mod qt_types;
mod types;

#[cfg(test)]
mod tests;

use proc_macro2::{Span, TokenStream};

use crate::errors::Rejected;

/// Publishes the fns of an inherent impl block to QWebChannel clients.
///
/// # Example
///
/// ```
/// use webchannel::{Channel, Context, Object};
///
/// #[derive(Default)]
/// pub struct Counter {
///     value: i64,
/// }
///
/// #[webchannel::object]
/// impl Counter {
///     /// The current value.
///     #[webchannel(property, notify = value_changed)]
///     pub fn value(&self) -> i64 {
///         self.value
///     }
///
///     /// Makes `value` writable from clients (`setProperty`); not a method of its own.
///     pub fn set_value(&mut self, value: i64, cx: &Context<Self>) {
///         self.value = value;
///         cx.value_changed(value);
///     }
///
///     /// Never changes, so it needs no signal.
///     #[webchannel(property, constant)]
///     pub fn name(&self) -> String {
///         "counter".into()
///     }
///
///     /// Published as `increment(qlonglong)`; the context is injected, not sent.
///     pub fn increment(&mut self, by: i64, cx: &Context<Self>) -> i64 {
///         self.value += by;
///         cx.value_changed(self.value);
///         self.value
///     }
///
///     /// Published as `reset()`.
///     #[webchannel(name = "reset")]
///     pub fn reset_to_zero(&mut self) {
///         self.value = 0;
///     }
///
///     /// `Err` rejects the client's call with the error's text.
///     pub fn divide(&self, by: i64) -> Result<i64, String> {
///         self.value.checked_div(by).ok_or_else(|| "division by zero".into())
///     }
///
///     /// Runs concurrently with later calls, holding a read lock on the object.
///     pub async fn slow_double(&self, delay_ms: u64) -> i64 {
///         tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
///         self.value * 2
///     }
///
///     /// `pub`, but not published.
///     #[webchannel(skip)]
///     pub fn internal_helper(&self) {}
///
///     /// Emitted when the value changes (it notifies the `value` property).
///     #[webchannel(signal)]
///     fn value_changed(value: i64);
///
///     /// Emitted when the value grew too large.
///     #[webchannel(signal)]
///     fn overflowed(at: i64, message: String);
/// }
///
/// // What the macro generated:
/// let meta = Counter::META;
/// assert_eq!(meta.methods[0].signature, "increment(qlonglong)");
/// assert_eq!(meta.properties[0].notify, Some(0));
/// assert!(meta.properties[0].writable);
///
/// let channel = Channel::new();
/// let counter = channel.register("counter", Counter::default())?;
/// // `CounterSignals`, reached through the handle by auto-deref:
/// counter.overflowed(i64::MAX, "too big".to_owned());
/// let _: &CounterSignals = &counter;
/// # Ok::<(), webchannel::RegisterError>(())
/// ```
///
/// # What is published
///
/// - **Methods**: every `pub fn` taking `&self` or `&mut self`, unless it is marked
///   `#[webchannel(skip)]`, is a property getter, or is a setter. It may be `async`.
///   Parameters are owned types that implement `serde::de::DeserializeOwned`; a missing
///   trailing argument reads as JSON `null`, so `Option` parameters may be left out. The
///   return type is `()` (the client receives `null`), any `serde::Serialize` type, or a
///   type whose last path segment is `Result` (an `Err` rejects the call with the error's
///   `Display` text).
/// - **The context**: one parameter of type `&Context<Self>` (any path whose last segment
///   is `Context`, behind a shared reference) is injected by the runtime: it tells who
///   called and emits signals (`cx.value_changed(1)`). It is not part of the published
///   signature.
/// - **Properties**: `#[webchannel(property, notify = <signal fn>)]` or
///   `#[webchannel(property, constant)]` on a `pub fn name(&self) -> T` with no other
///   parameters. A `pub fn set_<name>(&mut self, value: T)` in the same impl (optionally
///   taking the context too, returning `()` or `Result<(), E>`) is its setter: the
///   property becomes writable from clients and the setter is not published as a method.
///   `T` must be written the same way in the getter and the setter. The notify signal
///   carries nothing or the new value: `fn value_changed();` or
///   `fn value_changed(value: T);` (also as `&T`, or `&str` for a `String`).
/// - **Signals**: bodiless declarations `#[webchannel(signal)] fn name(arg: Type, ...);`,
///   without `self`. They are removed from the impl; each becomes an emitter method on the
///   generated `<Type>Signals` struct, taking the declared arguments. Argument types
///   implement `serde::Serialize` and may be borrowed (`&str`).
/// - **Cluster signals**: `#[webchannel(signal, cluster)]` declares a signal emitted on
///   every instance of a cluster (several processes serving one application through a
///   broker, see `webchannel::cluster`). Its emitter serializes the message once, hands
///   it to the broker before returning (so one caller's signals keep their order), and
///   returns a `webchannel::cluster::Sent`: a future that resolves `Ok` once the broker
///   took the signal and this instance's clients were handed it — so in a method that
///   awaits it the signal reaches them before the call's response — or `Err` (the link to
///   the broker is down, it did not answer in time, or the arguments refer to published
///   objects, which cannot leave the process). The signal is sent whether or not the
///   future is awaited. On a channel without a cluster it is a plain signal, and the
///   future is ready. A notify signal cannot be a cluster signal.
/// - **The disconnect hook**: at most one fn marked `#[webchannel(on_disconnect)]`, taking
///   `&self` or `&mut self` and optionally a `&Context<Self>`, returning `()`, perhaps
///   `async`, `pub` or not. It is not published; the runtime calls it on every registered
///   object after a session ends, with the context of the session that ended
///   (`cx.session()`), so an object can forget what it kept for that client.
/// - **Left alone**: fns that are not `pub` (`pub(crate)` included), and `pub` associated
///   fns without `self` (constructors and the like) are neither published nor changed.
///
/// Published names are the camelCase of the Rust names (`send_message` → `sendMessage`,
/// `r#type` → `type`); parameter names are converted too. Methods, properties and signals
/// share one namespace on the client's object, so two items with the same published name
/// are an error, and so are names the JavaScript client uses itself (`destroyed`,
/// `propertyUpdate`, `signalEmitted`, `unwrapQObject`, ...).
///
/// **Overloads**: several methods may share a name when each of them says so with
/// `#[webchannel(name = "...")]` and their parameters differ in number or in Qt types.
/// Each is listed with its own signature (`set(double)`, `set(Mode,double)`); a call by
/// index reaches exactly one, a call by name picks the one whose parameters fit the
/// arguments best.
///
/// # `#[webchannel(...)]` options
///
/// | option | on | meaning |
/// |---|---|---|
/// | `property` | a getter | the fn is a property getter |
/// | `notify = signal_fn` | a getter | the property's change signal: the Rust name of a signal declared in the same impl |
/// | `constant` | a getter | the property never changes (instead of `notify`) |
/// | `signal` | a bodiless fn | the declaration is a signal |
/// | `cluster` | a signal | the signal is emitted on every instance of the channel's cluster |
/// | `name = "..."` | a method, getter or signal | the published name, instead of the camelCase one |
/// | `skip` | a `pub fn` | leave the fn unpublished |
/// | `on_disconnect` | a fn with `&self` or `&mut self` | call it when a session ends (see below) |
///
/// # Macro arguments
///
/// - `crate = "path::to::webchannel"` names the runtime crate when it is reached through
///   a re-export; the default is `::webchannel`.
/// - `enums(Mode, fan::Speed)` publishes enums that derive [`Enum`](macro@crate::Enum)
///   in the object's `enums` table (clients read `object.Mode.Auto`); in signatures a
///   parameter or result of one of these types is named after the enum (`setMode(Mode)`).
///
/// # What is generated
///
/// - The impl block itself, without the `#[webchannel(...)]` attributes and the signal
///   declarations.
/// - `pub struct <Type>Signals` (`CounterSignals`), with one `pub fn` per signal. A
///   `Handle<Type>` and a `Context<Type>` dereference to it, so signals are emitted with
///   `handle.overflowed(...)` or `cx.overflowed(...)`; a cluster signal's returns a
///   `webchannel::cluster::Sent`.
/// - `impl webchannel::Object for <Type>`: the metadata table (`Object::META`: names, Qt
///   signatures such as `increment(qlonglong)`, parameter and return types, doc
///   comments, the `enums` table, and for every type a function that names it in
///   TypeScript, see `webchannel::typescript`), the method invoker, the property reader
///   and writer, and, with an `on_disconnect` fn, `Object::disconnected` calling it.
///
/// Generated items are `#[automatically_derived]` where they implement traits, start with
/// `__webchannel_` where they are private, reach the runtime only through
/// `<crate>::__private`, and cause no warnings in the user's crate. Doc comments and
/// `#[cfg]` attributes of an item are carried to everything generated from it; an item
/// compiled out by `#[cfg]` takes no place in the tables.
///
/// # After a mistake
///
/// One mistake is one error. Every mistake is a compile error at the offending token that
/// says what is accepted instead, and all of them are reported at once. With the errors
/// the macro emits what keeps the rest of the crate compiling, so the errors are the only
/// ones you read:
///
/// - the impl block, without the `#[webchannel(...)]` attributes; a bodiless fn that takes
///   `self` keeps a stub, so calls to it still resolve;
/// - `<Type>Signals` with an emitter for every signal the code may emit: each declared
///   signal, with its parameters as declared (a cluster signal's returning a
///   `webchannel::cluster::Sent`), and each `notify` name even when no signal of that
///   name is declared (taking as many arguments as the impl passes it);
/// - `impl webchannel::Object` for the type, with nothing published, so that
///   `Handle<Type>`, `Context<Self>` and tasks holding them compile as before.
///
/// None of it runs: the crate builds again once the errors are fixed.
///
/// # A fuller example
///
/// Enums, overloads, other objects as values, a disconnect hook, and the TypeScript
/// declarations generated from the same metadata:
///
/// ```
/// use std::collections::BTreeSet;
///
/// use webchannel::{Channel, Context, Handle, Object, SessionId};
///
/// /// How loud a player is.
/// #[derive(Clone, Copy, webchannel::Enum)]
/// pub enum Volume {
///     Mute,
///     Low,
///     High = 10,
/// }
///
/// /// One player, published as a value.
/// pub struct Player {
///     name: String,
/// }
///
/// #[webchannel::object]
/// impl Player {
///     /// The player's name.
///     #[webchannel(property, constant)]
///     pub fn name(&self) -> String {
///         self.name.clone()
///     }
/// }
///
/// #[derive(Default)]
/// pub struct Lobby {
///     players: Vec<Handle<Player>>,
///     present: BTreeSet<SessionId>,
/// }
///
/// #[webchannel::object(enums(Volume))]
/// impl Lobby {
///     /// `join(QString)`: returns the new player, an object of its own.
///     #[webchannel(name = "join")]
///     pub fn join_named(&mut self, name: String, cx: &Context<Self>) -> Handle<Player> {
///         self.present.insert(cx.session());
///         let player = Handle::new(Player { name });
///         self.players.push(player.clone());
///         player
///     }
///
///     /// `join(QString,Volume)`: an overload, told apart by its parameters.
///     #[webchannel(name = "join")]
///     pub fn join_with_volume(
///         &mut self,
///         name: String,
///         volume: Volume,
///         cx: &Context<Self>,
///     ) -> Handle<Player> {
///         let _ = volume;
///         self.join_named(name, cx)
///     }
///
///     /// Called, unpublished, when a client's session ends.
///     #[webchannel(on_disconnect)]
///     fn left(&mut self, cx: &Context<Self>) {
///         self.present.remove(&cx.session());
///     }
/// }
///
/// let meta = Lobby::META;
/// assert_eq!(meta.methods[0].signature, "join(QString)");
/// assert_eq!(meta.methods[1].signature, "join(QString,Volume)");
/// assert_eq!(meta.methods[1].returns.qt, "QObject*");
/// assert_eq!(meta.enums[0].values, [("Mute", 0), ("Low", 1), ("High", 10)]);
///
/// let channel = Channel::new();
/// channel.register("lobby", Lobby::default())?;
/// let typescript = channel.typescript();
/// assert!(typescript.contains("export type Volume = 0 | 1 | 10;"));
/// assert!(typescript.contains("join(name: string, volume: Volume): Promise<Player>;"));
/// assert!(typescript.contains("export interface Player {"));
/// # Ok::<(), webchannel::RegisterError>(())
/// ```
///
/// # Qt type names in signatures
///
/// | Rust | Qt |
/// |---|---|
/// | `String`, `str`, `&str`, `Cow<str>` | `QString` |
/// | `bool` | `bool` |
/// | `i8`, `i16`, `i32` / `u8`, `u16`, `u32` | `int` / `uint` |
/// | `i64`, `isize` / `u64`, `usize` | `qlonglong` / `qulonglong` |
/// | `f32` / `f64` | `float` / `double` |
/// | `char` | `QChar` |
/// | `Vec<String>`, `[String]`, `&[String]` | `QStringList` |
/// | other `Vec`, `VecDeque`, slices, arrays, sets, tuples | `QVariantList` |
/// | `HashMap`, `BTreeMap` | `QVariantMap` |
/// | `serde_json::Value` | `QJsonValue` |
/// | an enum listed in `enums(...)` | its name |
/// | `Handle<T>` (another published object) | `QObject*` |
/// | `Option<T>`, `Box<T>`, `Arc<T>`, `Rc<T>`, `Result<T, E>` | as `T` |
/// | anything else | `QVariant` |
///
/// # Limits
///
/// The impl block must be inherent (`impl Type { ... }`, not a trait impl) and not
/// generic, for a plain type name; an alias of a concrete instance of a generic type
/// works (`type IntStore = Store<i32>;` then `impl IntStore { ... }`). One impl block per
/// type carries the attribute; other impl blocks of the type stay plain Rust. Published fns
/// cannot be generic or `unsafe`, nor take `impl Trait` or borrowed parameters.
///
/// Every mistake is a compile error at the offending token that says what is accepted
/// instead; all of them are reported at once (see "After a mistake").
#[proc_macro_attribute]
pub fn object(
    args: proc_macro::TokenStream,
    item: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    expand(args.into(), item.into())
        .unwrap_or_else(Rejected::into_tokens)
        .into()
}

/// Publishes a fieldless enum: it travels as its number, and objects that list it in
/// `#[webchannel::object(enums(...))]` describe its keys to clients.
///
/// ```
/// use webchannel::{Object, PublishedEnum};
///
/// /// How the fan runs.
/// #[derive(Debug, Clone, Copy, PartialEq, Eq, webchannel::Enum)]
/// pub enum Mode {
///     Off,
///     On,
///     Auto = 5,
///     Boost,
/// }
///
/// #[derive(Default)]
/// pub struct Fan {
///     mode: Option<Mode>,
/// }
///
/// #[webchannel::object(enums(Mode))]
/// impl Fan {
///     /// Published as `setMode(Mode)`: clients send `fan.Mode.Auto`, the number 5.
///     pub fn set_mode(&mut self, mode: Mode) -> Mode {
///         self.mode = Some(mode);
///         mode
///     }
/// }
///
/// assert_eq!(Mode::META.values, [("Off", 0), ("On", 1), ("Auto", 5), ("Boost", 6)]);
/// assert_eq!(Fan::META.enums[0].name, "Mode");
/// assert_eq!(Fan::META.methods[0].signature, "setMode(Mode)");
/// assert_eq!(serde_json::to_string(&Mode::Boost)?, "6");
/// assert_eq!(serde_json::from_str::<Mode>("5")?, Mode::Auto);
/// let error = serde_json::from_str::<Mode>("2").unwrap_err();
/// assert!(error.to_string().starts_with(
///     "2 is not a Mode; expected one of: 0 (Off), 1 (On), 5 (Auto), 6 (Boost)"
/// ));
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// # What is generated
///
/// - `serde::Serialize`: the variant's number (`Mode::Auto` → `5`).
/// - `serde::Deserialize`: from a number; any other number is an error that lists the
///   accepted values, so a client's call with an unknown value is rejected with that text.
/// - `webchannel::PublishedEnum`, whose `META` is the enum's name and its
///   `(key, value)` table, as the object description's `enums` table lists it.
///
/// # Rules
///
/// Every variant is a unit variant; a discriminant, where given, is an integer literal
/// (`Auto = 5`, `Below = -1`); a variant without one is the previous value plus one,
/// starting at 0, as in Rust. Values fit in an `i64`. The enum is not generic and its
/// variants do not depend on `#[cfg]`. `#[webchannel(crate = "path::to::webchannel")]`
/// names the runtime crate when it is reached through a re-export.
///
/// A mistake is a compile error at the offending token. With the errors the derive
/// still emits `Serialize`, `Deserialize` and `PublishedEnum` (without values), which
/// never run, so objects that use the enum compile and the derive's errors are the only
/// ones you read.
#[proc_macro_derive(Enum, attributes(webchannel))]
pub fn derive_enum(item: proc_macro::TokenStream) -> proc_macro::TokenStream {
    enum_derive::derive(item.into())
        .unwrap_or_else(Rejected::into_tokens)
        .into()
}

/// `#[webchannel::object(args)] item` → the generated code, or every error found.
fn expand(args: TokenStream, item: TokenStream) -> Result<TokenStream, Rejected> {
    let mut errors = errors::Errors::default();
    let Some(input) = parse::parse(args, item.clone(), &mut errors) else {
        // Not an impl block: it stays as written. `parse` recorded why.
        return Err(Rejected {
            errors: errors.finish().err().unwrap_or_else(|| {
                syn::Error::new(
                    Span::call_site(),
                    "#[webchannel::object] could not read this item",
                )
            }),
            fallback: item,
        });
    };
    let object = check::check(&input, &mut errors);
    match errors.finish() {
        Ok(()) => Ok(expand::expand(&object)),
        Err(errors) => Err(Rejected {
            errors,
            fallback: expand::fallback(&input),
        }),
    }
}
