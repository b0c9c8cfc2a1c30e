//! Objects of any type as values: `AnyHandle` (Qt's `QObject*`) takes any object a client
//! passes, registered or created, in either form, and goes back as that object; `Variant`
//! carries free-form JSON with objects inside, by the documented rule for `{"id": ...}`.

mod support;

use serde_json::{Value, json};
use support::next;
use webchannel::{AnyHandle, Channel, Handle, MemoryClient, Variant};

/// An object made on demand.
pub struct Widget {
    name: String,
}

#[webchannel::object]
impl Widget {
    /// Given at creation.
    #[webchannel(property, constant)]
    pub fn name(&self) -> String {
        self.name.clone()
    }
}

/// A registered object of another type.
pub struct Gauge;

#[webchannel::object]
impl Gauge {}

/// Takes and gives objects of any type.
pub struct Desk {
    kept: Vec<Handle<Widget>>,
}

#[webchannel::object]
impl Desk {
    /// A new widget, kept.
    pub fn make(&mut self, name: String) -> Handle<Widget> {
        let widget = Handle::new(Widget { name });
        self.kept.push(widget.clone());
        widget
    }

    /// What the server knows of any object.
    pub fn describe(&self, object: AnyHandle) -> String {
        format!(
            "{} {:?} {}",
            object.name(),
            object.registered_name(),
            object.type_name()
        )
    }

    /// The widget's name, when the object is a widget.
    pub async fn widget_name(&self, object: AnyHandle) -> Option<String> {
        let widget = object.downcast::<Widget>().ok()?;
        Some(widget.read().await.name.clone())
    }

    /// The object itself, back.
    pub fn same(&self, object: Option<AnyHandle>) -> Option<AnyHandle> {
        object
    }

    /// The value, back, with every object in it resolved.
    pub fn echo(&self, value: Variant) -> Variant {
        value
    }

    /// The names of the objects found in the value, depth first.
    pub fn objects_in(&self, value: Variant) -> Vec<String> {
        fn collect(value: &Variant, names: &mut Vec<String>) {
            match value {
                Variant::Object(object) => names.push(object.name().to_owned()),
                Variant::Array(elements) => elements.iter().for_each(|e| collect(e, names)),
                Variant::Map(members) => members.values().for_each(|v| collect(v, names)),
                _ => {}
            }
        }
        let mut names = Vec::new();
        collect(&value, &mut names);
        names
    }

    /// Free-form data holding a new object and a registered one.
    pub fn bundle(&mut self, gauge: AnyHandle) -> Variant {
        let widget = self.make("bundled".to_owned());
        Variant::from(json!({"count": 2, "note": "made"}))
            .with("widget", widget)
            .with("objects", vec![Variant::from(gauge), Variant::Null])
    }
}

fn desk() -> Channel {
    let channel = Channel::new();
    channel
        .register("desk", Desk { kept: Vec::new() })
        .expect("fresh channel");
    channel.register("gauge", Gauge).expect("fresh channel");
    channel
}

/// Calls `desk.<method>(args)` and returns the response.
async fn call(client: &mut MemoryClient, method: &str, args: Value) -> Value {
    client.send(
        json!({"type": 6, "object": "desk", "method": method, "args": args, "id": 1}).to_string(),
    );
    next(client).await
}

/// A client with a widget it was sent: the client and the widget's id.
async fn with_widget() -> (MemoryClient, String) {
    let mut client = desk().connect_in_memory();
    let made = call(&mut client, "make", json!(["w"])).await;
    let id = made["data"]["id"].as_str().expect("an id").to_owned();
    (client, id)
}

#[tokio::test]
async fn any_object_is_taken_in_either_form_and_knows_its_name() {
    let (mut client, id) = with_widget().await;
    for reference in [json!({"id": id}), json!({"__QObject*__": true, "id": id})] {
        let described = call(&mut client, "describe", json!([reference])).await;
        assert_eq!(described["data"], format!("{id} None Widget"));
    }
    let gauge = call(&mut client, "describe", json!([{"id": "gauge"}])).await;
    assert_eq!(gauge["data"], "gauge Some(\"gauge\") Gauge");
}

#[tokio::test]
async fn any_object_becomes_a_typed_handle_when_the_type_matches() {
    let (mut client, id) = with_widget().await;
    let widget = call(&mut client, "widgetName", json!([{"id": id}])).await;
    assert_eq!(widget["data"], "w");
    let gauge = call(&mut client, "widgetName", json!([{"id": "gauge"}])).await;
    assert_eq!(gauge["data"], Value::Null);
}

#[tokio::test]
async fn any_object_goes_back_as_that_object() {
    let (mut client, id) = with_widget().await;
    let same = call(&mut client, "same", json!([{"id": id}])).await;
    assert_eq!(same["data"], json!({"__QObject*__": true, "id": id}));
    let nothing = call(&mut client, "same", json!([null])).await;
    assert_eq!(nothing["data"], Value::Null);
}

#[tokio::test]
async fn an_unknown_object_is_refused_with_a_reason() {
    let mut client = desk().connect_in_memory();
    let refused = call(&mut client, "describe", json!([{"id": "{webchannel:0}"}])).await;
    assert_eq!(
        refused["error"],
        "desk.describe: argument 1 (object): no object with id \"{webchannel:0}\" is known to this client"
    );
    let not_an_object = call(&mut client, "describe", json!(["gauge"])).await;
    assert_eq!(
        not_an_object["error"],
        "desk.describe: argument 1 (object) must be a published object; got \"gauge\""
    );
}

#[tokio::test]
async fn a_variant_resolves_references_by_the_rule() {
    let (mut client, id) = with_widget().await;
    let value = json!({
        "marked": {"__QObject*__": true, "id": id},
        "bare": {"id": "gauge"},
        "list": [{"id": id}, 1, "text", null, true],
        "plain": {"id": "nothing by that name"},
        "more": {"id": "gauge", "label": "not a reference"},
        "number id": {"id": 7},
    });
    let found = call(&mut client, "objectsIn", json!([value])).await;
    assert_eq!(found["data"], json!(["gauge", id, id]));
    let echoed = call(&mut client, "echo", json!([value])).await;
    assert_eq!(
        echoed["data"],
        json!({
            "bare": {"__QObject*__": true, "id": "gauge"},
            "list": [{"__QObject*__": true, "id": id}, 1, "text", null, true],
            "marked": {"__QObject*__": true, "id": id},
            "more": {"id": "gauge", "label": "not a reference"},
            "number id": {"id": 7},
            "plain": {"id": "nothing by that name"},
        })
    );
}

#[tokio::test]
async fn a_marked_reference_to_no_object_is_refused() {
    let mut client = desk().connect_in_memory();
    let refused = call(
        &mut client,
        "echo",
        json!([{"deep": [{"__QObject*__": true, "id": "{webchannel:0}"}]}]),
    )
    .await;
    assert_eq!(
        refused["error"],
        "desk.echo: argument 1 (value): no object with id \"{webchannel:0}\" is known to this client"
    );
}

#[tokio::test]
async fn a_variant_result_describes_a_new_object_once() {
    let mut client = desk().connect_in_memory();
    let bundle = call(&mut client, "bundle", json!([{"id": "gauge"}])).await;
    let data = &bundle["data"];
    assert_eq!(data["count"], 2);
    assert_eq!(
        data["objects"],
        json!([{"__QObject*__": true, "id": "gauge"}, null])
    );
    let widget = &data["widget"];
    assert_eq!(widget["__QObject*__"], true);
    assert_eq!(
        widget["data"]["properties"][0][3], "bundled",
        "described: {widget}"
    );
}
