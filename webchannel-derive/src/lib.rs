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
///   trailing argument reads as JSON `null`, so `Option` parameters may be left out. A
///   client that sends a value of another shape is told which parameter, and what
///   JavaScript value it takes (`a string`, `an integer from 0 to 255`, ...). The
///   return type is `()` (the client receives `null`), any `serde::Serialize` type, or a
///   type whose last path segment is `Result` (an `Err` rejects the call with the error's
///   `Display` text).
/// - **The context**: one parameter of type `&Context<Self>` (any path whose last segment
///   is `Context`, behind a shared reference) is injected by the runtime: it tells who
///   called (`cx.session()`, and `cx.extensions()`: see "Who is calling"), gives the
///   object's own handle (`cx.handle()`) and emits signals (`cx.value_changed(1)`). It is
///   not part of the published signature.
/// - **Properties**: `#[webchannel(property, notify = <signal fn>)]`,
///   `#[webchannel(property, bindable)]` or `#[webchannel(property, constant)]` on a
///   `pub fn name(&self) -> T` with no other parameters (see "Bindable properties" for
///   the second). A `pub fn set_<name>(&mut self, value: T)` in the same impl (optionally
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
/// | `bindable` | a getter | the property has no notify signal, and its changes still reach clients (instead of `notify`; see below) |
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
/// - `pub struct <Type>Signals` (`CounterSignals`), with one `pub fn` per signal (and a
///   `mark_<getter>_changed()` per bindable property). A
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
///   name is declared (taking as many arguments as the impl passes it), and the
///   `mark_<getter>_changed()` of each getter marked `bindable`;
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
/// # Who is calling
///
/// `cx.session()` tells sessions apart; `cx.extensions()` says what the session was opened
/// with. Over a WebSocket those are the extensions of the HTTP upgrade request, where an
/// axum or tower middleware on the router puts what it found out (an authenticated user:
/// `channel.router().layer(axum::middleware::from_fn(authenticate))`, see
/// `webchannel/examples/auth.rs`); an in-memory or direct session gets the ones its creator
/// passes. The disconnect hook's context has them too.
///
/// ```
/// use webchannel::{Channel, Context, Extensions};
///
/// /// Who the session belongs to, as the authenticating middleware found out.
/// #[derive(Clone)]
/// pub struct User {
///     name: String,
///     admin: bool,
/// }
///
/// #[derive(Default)]
/// pub struct Settings;
///
/// #[webchannel::object]
/// impl Settings {
///     /// Refused, with a reason the client reads, to everyone but admins.
///     pub fn reset(&mut self, cx: &Context<Self>) -> Result<(), String> {
///         match cx.extensions().get::<User>() {
///             Some(user) if user.admin => Ok(()),
///             Some(user) => Err(format!("{} may not reset the settings", user.name)),
///             None => Err("sign in first".to_owned()),
///         }
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let channel = Channel::new();
/// channel.register("settings", Settings)?;
/// let mut extensions = Extensions::new();
/// extensions.insert(User { name: "ann".into(), admin: false });
/// let mut ann = channel.connect_in_memory_with(extensions);
/// ann.send(r#"{"type":6,"object":"settings","method":"reset","args":[],"id":1}"#);
/// assert_eq!(
///     ann.recv().await.unwrap().as_str(),
///     r#"{"type":10,"id":1,"error":"ann may not reset the settings"}"#
/// );
/// # Ok(())
/// # }
/// ```
///
/// # Bindable properties
///
/// `#[webchannel(property, bindable)]` publishes a property without a notify signal whose
/// changes still reach clients, as Qt 6 does for a bindable property: its description
/// says `notify` `[]`, and each change goes to every client that knows the object in a
/// `propertyUpdate` with its value and no signal. The macro generates
/// `mark_<getter>_changed()` on `<Type>Signals` (so on the context and on every handle)
/// to announce a change: a verb, so it is not taken for a signal, and a signal may not take
/// its name. A setter makes the property writable from clients; a write the setter keeps
/// (it returns `()` or `Ok`) is announced for you, and every other change needs a mark.
///
/// ```
/// use webchannel::{Channel, Context, Object};
///
/// #[derive(Default)]
/// pub struct Thermostat {
///     target: f64,
/// }
///
/// #[webchannel::object]
/// impl Thermostat {
///     /// The target temperature; no notify signal.
///     #[webchannel(property, bindable)]
///     pub fn target(&self) -> f64 {
///         self.target
///     }
///
///     /// `thermostat.target = 21.5` from JavaScript: announced to every client.
///     pub fn set_target(&mut self, target: f64) -> Result<(), String> {
///         if !(5.0..=30.0).contains(&target) {
///             return Err(format!("{target} is outside 5 to 30"));
///         }
///         self.target = target;
///         Ok(())
///     }
///
///     /// A change of the server's own: marked.
///     pub fn eco(&mut self, cx: &Context<Self>) {
///         self.target = 17.0;
///         cx.mark_target_changed();
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// assert_eq!(Thermostat::META.properties[0].notify, None);
/// let channel = Channel::new();
/// let thermostat = channel.register("thermostat", Thermostat::default())?;
/// // From outside any call too: change the state, then mark it.
/// thermostat.write().await.target = 19.0;
/// thermostat.mark_target_changed();
/// # Ok(())
/// # }
/// ```
///
/// # An object's own handle, and letting it go
///
/// `cx.handle()` is the handle of the object being called (Qt's `this`): return it, carry
/// it in a signal, or drop the last handle to it. A call in progress keeps its object alive
/// until the call is answered, and clients receive the object's `destroyed` after the
/// response (what Qt's `deleteLater` gives), so an object lets itself go by dropping the
/// handles it can reach:
///
/// ```
/// use std::sync::{Arc, Mutex};
///
/// use webchannel::{Channel, Context, Handle};
///
/// /// The open tasks: the only handles to them.
/// type Tasks = Arc<Mutex<Vec<Handle<Task>>>>;
///
/// pub struct Task {
///     title: String,
///     open: Tasks,
/// }
///
/// #[webchannel::object]
/// impl Task {
///     #[webchannel(property, constant)]
///     pub fn title(&self) -> String {
///         self.title.clone()
///     }
///
///     /// Closes the task: its last handle goes, and clients receive its `destroyed` after
///     /// this call's response.
///     pub fn close(&self, cx: &Context<Self>) {
///         self.open.lock().unwrap().retain(|task| task != cx.handle());
///     }
///
///     /// Emits `highlighted` with the task itself.
///     pub fn highlight(&self, cx: &Context<Self>) {
///         cx.highlighted(cx.handle().clone());
///     }
///
///     #[webchannel(signal)]
///     fn highlighted(task: Handle<Task>);
/// }
///
/// #[derive(Default)]
/// pub struct Board {
///     open: Tasks,
/// }
///
/// #[webchannel::object]
/// impl Board {
///     /// A new open task.
///     pub fn add(&self, title: String) -> Handle<Task> {
///         let task = Handle::new(Task { title, open: Arc::clone(&self.open) });
///         self.open.lock().unwrap().push(task.clone());
///         task
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let channel = Channel::new();
/// channel.register("board", Board::default())?;
/// let mut client = channel.connect_in_memory();
/// client.send(r#"{"type":6,"object":"board","method":"add","args":["write docs"],"id":1}"#);
/// let added: serde_json::Value = serde_json::from_str(client.recv().await.unwrap().as_str())?;
/// let task = added["data"]["id"].as_str().unwrap().to_owned();
/// client.send(format!(r#"{{"type":6,"object":"{task}","method":"close","args":[],"id":2}}"#));
/// assert_eq!(client.recv().await.unwrap().as_str(), r#"{"type":10,"id":2,"data":null}"#);
/// let destroyed = format!(r#"{{"type":1,"object":"{task}","signal":0}}"#);
/// assert_eq!(client.recv().await.unwrap().as_str(), destroyed);
/// # Ok(())
/// # }
/// ```
///
/// # Objects of any type, and free-form values with objects inside
///
/// `webchannel::AnyHandle` is Qt's `QObject*`: a parameter of that type takes any object
/// the client may use (registered or created, sent as `{"id": ...}` or
/// `{"__QObject*__": true, "id": ...}`), and a result of that type reaches the client as
/// that object. It tells its name, whether and under which name it is registered, and its
/// type, and becomes a `Handle<T>` with `downcast`. `webchannel::Variant` is JSON whose
/// nodes may be objects (`Variant::Object`): a marked reference is an object at any depth,
/// and a map whose only member is a string `id` is one when the id names an object the
/// client may use (that is how Qt 5.15's client passes an object); any other map stays a
/// map. In TypeScript they are `PublishedObject` and `Variant`.
///
/// ```
/// use webchannel::{AnyHandle, Channel, Handle, Object, Variant};
///
/// pub struct Photo;
///
/// #[webchannel::object]
/// impl Photo {}
///
/// #[derive(Default)]
/// pub struct Album {
///     photos: Vec<Handle<Photo>>,
/// }
///
/// #[webchannel::object]
/// impl Album {
///     /// `describe(QObject*)`: any object a client passes.
///     pub fn describe(&self, object: AnyHandle) -> String {
///         match object.registered_name() {
///             Some(name) => format!("the registered {} {name}", object.type_name()),
///             None => format!("a {} made for a client", object.type_name()),
///         }
///     }
///
///     /// Keeps the object when it is a photo.
///     pub fn keep(&mut self, object: AnyHandle) -> bool {
///         match object.downcast::<Photo>() {
///             Ok(photo) => {
///                 self.photos.push(photo);
///                 true
///             }
///             Err(_) => false,
///         }
///     }
///
///     /// Free-form data with an object inside: `{"title": ..., "cover": <photo>}`.
///     pub fn summary(&mut self, title: String) -> Variant {
///         let cover = Handle::new(Photo);
///         self.photos.push(cover.clone());
///         Variant::from(serde_json::json!({"title": title})).with("cover", cover)
///     }
/// }
///
/// let channel = Channel::new();
/// channel.register("album", Album::default())?;
/// assert_eq!(Album::META.methods[0].signature, "describe(QObject*)");
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
/// | `Handle<T>` (another published object), `AnyHandle` (any published object) | `QObject*` |
/// | `Variant` (free-form JSON with objects inside) | `QVariant` |
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
