//! The description of an object in an init response (and inside `__QObject*__` values):
//! `{"methods":[...],"signals":[...],"enums":{...},"properties":[[index,name,notify,value],...]}`.
//!
//! Everything but the property values is fixed per type, so it is rendered once into a
//! [`DescriptionTemplate`] and each description only appends the current values.

use crate::protocol::json::JsonBuf;

use super::meta::ObjectMeta;

/// The unchanging text of one type's description, with holes for the property values.
#[derive(Debug)]
pub(crate) struct DescriptionTemplate {
    /// From `{` up to and including `"properties":[`.
    head: String,
    /// Per property, the text that precedes its value (`[0,"userList",[1,7],`).
    property_heads: Vec<String>,
}

impl DescriptionTemplate {
    pub(crate) fn new(meta: &ObjectMeta) -> Self {
        let mut head = JsonBuf::with_capacity(256);
        head.raw("{\"methods\":[");
        for (position, method) in meta.methods.iter().enumerate() {
            let index = u64::from(meta.method_index(position));
            if position > 0 {
                head.raw(",");
            }
            // The bare name is called by name (so the server picks among overloads), the
            // full signature by index, exactly as the JS client decides.
            pair(&mut head, method.name, index);
            head.raw(",");
            pair(&mut head, method.signature, index);
        }
        head.raw("],\"signals\":[");
        pair(&mut head, "destroyed", 0);
        head.raw(",");
        pair(&mut head, "destroyed()", 0);
        for (position, signal) in meta.signals.iter().enumerate() {
            // Notify signals are announced through the property table instead.
            if meta.is_notify_signal(position) {
                continue;
            }
            let index = u64::from(meta.signal_index(position));
            head.raw(",");
            pair(&mut head, signal.name, index);
            head.raw(",");
            pair(&mut head, signal.signature, index);
        }
        head.raw("]");
        if !meta.enums.is_empty() {
            head.raw(",\"enums\":{");
            for (position, published) in meta.enums.iter().enumerate() {
                if position > 0 {
                    head.raw(",");
                }
                head.string(published.name).raw(":{");
                for (key_position, (key, value)) in published.values.iter().enumerate() {
                    if key_position > 0 {
                        head.raw(",");
                    }
                    head.string(key).raw(":");
                    // Enum values are small integers; serializing one cannot fail.
                    let _ = head.value(value);
                }
                head.raw("}");
            }
            head.raw("}");
        }
        head.raw(",\"properties\":[");

        let property_heads = meta
            .properties
            .iter()
            .enumerate()
            .map(|(position, property)| {
                let mut text = JsonBuf::with_capacity(48);
                if position > 0 {
                    text.raw(",");
                }
                text.raw("[")
                    .number(position as u64)
                    .raw(",")
                    .string(property.name)
                    .raw(",");
                match property
                    .notify
                    .and_then(|signal| Some((signal, meta.signals.get(signal)?)))
                {
                    None => {
                        text.raw("[]");
                    }
                    Some((signal, notify)) => {
                        let name = notify.name;
                        text.raw("[");
                        // The JS client rebuilds `<property>Changed` from a plain 1.
                        if name.strip_prefix(property.name) == Some("Changed") {
                            text.raw("1");
                        } else {
                            text.string(name);
                        }
                        text.raw(",")
                            .number(u64::from(meta.signal_index(signal)))
                            .raw("]");
                    }
                }
                text.raw(",");
                text.into_string()
            })
            .collect();

        Self {
            head: head.into_string(),
            property_heads,
        }
    }

    /// Appends the description, asking `value` to append each property's current value.
    pub(crate) fn write<E>(
        &self,
        out: &mut JsonBuf,
        mut value: impl FnMut(usize, &mut JsonBuf) -> Result<(), E>,
    ) -> Result<(), E> {
        out.raw(&self.head);
        for (position, head) in self.property_heads.iter().enumerate() {
            out.raw(head);
            value(position, out)?;
            out.raw("]");
        }
        out.raw("]}");
        Ok(())
    }
}

fn pair(out: &mut JsonBuf, name: &str, index: u64) {
    out.raw("[").string(name).raw(",").number(index).raw("]");
}
