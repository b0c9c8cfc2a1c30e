//! `Factory` (published as `factory`): objects as values. It makes `Widget`s and returns
//! them alone, in lists and in options; holds them in properties (a list, an option, a
//! map) and signals; takes them back as arguments, alone or embedded in lists and
//! structs; and drops them, which sends `destroyed` to the clients that know them. Its
//! `otherObject` property refers to a registered object. It also keeps `Item`s, which can
//! let themselves go, and takes and gives objects of any type (`AnyHandle`) and free-form
//! values with objects inside (`Variant`).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::json;
use webchannel::{AnyHandle, Context, Handle, Variant};

use super::gates::Gates;
use super::gauge::Gauge;
use super::item::{Item, Shelf};
use super::widget::Widget;

/// An object embedded in a struct argument: `{"obj": <widget>, "label": "..."}`.
#[derive(Deserialize)]
pub(crate) struct Holder {
    obj: Handle<Widget>,
    label: String,
}

/// Makes, keeps and drops widgets.
pub(crate) struct Factory {
    kept: Vec<Handle<Widget>>,
    /// Kept, but in no property or signal: only the client that made one knows it.
    private: Vec<Handle<Widget>>,
    current: Option<Handle<Widget>>,
    /// Made with the factory: a map holding an object, as Qt's test's `objectMap`.
    embedded: Handle<Widget>,
    first: Handle<Gauge>,
    second: Handle<Gauge>,
    pointing_at_second: bool,
    items: Arc<Shelf>,
}

impl Factory {
    /// A factory whose `otherObject` switches between `first` and `second`, and whose
    /// items wait at `gates`.
    pub(crate) fn new(first: Handle<Gauge>, second: Handle<Gauge>, gates: Arc<Gates>) -> Self {
        Self {
            kept: Vec::new(),
            private: Vec::new(),
            current: None,
            embedded: Handle::new(Widget::new("embedded".to_owned())),
            first,
            second,
            pointing_at_second: false,
            items: Shelf::new(gates),
        }
    }
}

#[webchannel::object]
impl Factory {
    /// A new widget, kept in `widgets`; emits `made(widget)`.
    pub fn create(&mut self, name: String, cx: &Context<Self>) -> Handle<Widget> {
        let widget = Handle::new(Widget::new(name));
        self.kept.push(widget.clone());
        cx.widgets_changed();
        cx.made(widget.clone());
        widget
    }

    /// Several new widgets, kept.
    pub fn create_many(&mut self, names: Vec<String>, cx: &Context<Self>) -> Vec<Handle<Widget>> {
        let made: Vec<Handle<Widget>> = names
            .into_iter()
            .map(|name| Handle::new(Widget::new(name)))
            .collect();
        self.kept.extend(made.iter().cloned());
        cx.widgets_changed();
        made
    }

    /// A new widget, kept but announced nowhere: only the calling client is sent it.
    pub fn create_private(&mut self, name: String) -> Handle<Widget> {
        let widget = Handle::new(Widget::new(name));
        self.private.push(widget.clone());
        widget
    }

    /// A new widget the factory does not keep: it goes away once the response is sent.
    pub fn create_unkept(&self, name: String) -> Handle<Widget> {
        Handle::new(Widget::new(name))
    }

    /// The kept widget called `name`, private ones included, if any.
    pub async fn find(&self, name: String) -> Option<Handle<Widget>> {
        for widget in self.kept.iter().chain(&self.private) {
            if widget.read().await.name_text() == name {
                return Some(widget.clone());
            }
        }
        None
    }

    /// The name of a widget the client passes back.
    pub async fn name_of(&self, widget: Handle<Widget>) -> String {
        widget.read().await.name_text().to_owned()
    }

    /// The names of a list of widgets.
    pub async fn names_of(&self, widgets: Vec<Handle<Widget>>) -> Vec<String> {
        let mut names = Vec::with_capacity(widgets.len());
        for widget in &widgets {
            names.push(widget.read().await.name_text().to_owned());
        }
        names
    }

    /// Objects embedded in other values, as Qt's `testEmbeddedObjects`: a list holding a
    /// widget and a struct holding one.
    pub async fn embedded_names(&self, pair: (Handle<Widget>, Holder)) -> Vec<String> {
        let (widget, holder) = pair;
        vec![
            widget.read().await.name_text().to_owned(),
            holder.obj.read().await.name_text().to_owned(),
            holder.label,
        ]
    }

    /// Forgets a widget; once no handle is left, its clients receive `destroyed`.
    pub fn drop_widget(&mut self, widget: Handle<Widget>, cx: &Context<Self>) -> bool {
        let before = self.kept.len() + self.private.len();
        self.kept.retain(|kept| *kept != widget);
        self.private.retain(|kept| *kept != widget);
        if self.current.as_ref() == Some(&widget) {
            self.current = None;
            cx.current_changed();
        }
        cx.widgets_changed();
        before != self.kept.len() + self.private.len()
    }

    /// A new item, kept until it lets itself go.
    pub fn create_item(&self, name: String) -> Handle<Item> {
        self.items.put(name)
    }

    /// The kept item called `name`, if any: how other clients get to know an item.
    pub async fn find_item(&self, name: String) -> Option<Handle<Item>> {
        self.items.find(&name).await
    }

    /// What the server knows of any object: `"<name> registered|created <type>"`.
    pub fn describe(&self, object: AnyHandle) -> String {
        let how = match object.registered_name() {
            Some(_) => "registered",
            None => "created",
        };
        format!("{} {how} {}", object.name(), object.type_name())
    }

    /// The name of a widget; `null` for an object of another type.
    pub async fn widget_name(&self, object: AnyHandle) -> Option<String> {
        let widget = object.downcast::<Widget>().ok()?;
        Some(widget.read().await.name_text().to_owned())
    }

    /// The value, back, with every object in it resolved and sent back as that object.
    pub fn echo(&self, value: Variant) -> Variant {
        value
    }

    /// Free-form data holding a new widget (kept) and the first gauge.
    pub fn bundle(&mut self, name: String, cx: &Context<Self>) -> Variant {
        let widget = Handle::new(Widget::new(name));
        self.kept.push(widget.clone());
        cx.widgets_changed();
        Variant::from(json!({"count": self.kept.len()}))
            .with("widget", widget)
            .with("gauge", self.first.clone())
    }

    /// Every kept widget.
    #[webchannel(property, notify = widgets_changed)]
    pub fn widgets(&self) -> Vec<Handle<Widget>> {
        self.kept.clone()
    }

    /// One widget or none; writable with an object from the client.
    #[webchannel(property, notify = current_changed)]
    pub fn current(&self) -> Option<Handle<Widget>> {
        self.current.clone()
    }

    /// Sets (or clears, with `null`) the current widget.
    pub fn set_current(&mut self, current: Option<Handle<Widget>>, cx: &Context<Self>) {
        self.current = current;
        cx.current_changed();
    }

    /// A map holding an object.
    #[webchannel(property, constant)]
    pub fn object_map(&self) -> BTreeMap<String, Handle<Widget>> {
        BTreeMap::from([("subObject".to_owned(), self.embedded.clone())])
    }

    /// A registered object: `props`, or `otherProps` after `switchObject`.
    #[webchannel(property, notify = other_object_changed)]
    pub fn other_object(&self) -> Handle<Gauge> {
        if self.pointing_at_second {
            self.second.clone()
        } else {
            self.first.clone()
        }
    }

    /// Points `otherObject` at the other gauge.
    pub fn switch_object(&mut self, cx: &Context<Self>) {
        self.pointing_at_second = !self.pointing_at_second;
        cx.other_object_changed();
    }

    /// The `unit` of the gauge passed (a registered object as an argument).
    pub async fn gauge_unit(&self, gauge: Handle<Gauge>) -> String {
        gauge.read().await.unit()
    }

    #[webchannel(signal)]
    fn widgets_changed();

    #[webchannel(signal)]
    fn current_changed();

    #[webchannel(signal)]
    fn other_object_changed();

    #[webchannel(signal)]
    fn made(widget: Handle<Widget>);
}
