//! Reading the chat object's description out of the init response.
//!
//! Signal indices are the server's choice (Qt's ChatServer uses 5 for `newMessage`
//! and 6 for `keepAlive`; another server may number them differently), so every
//! client looks them up in the `data` of its init response, which it parses fully:
//! that happens once per client. So does the index of the `userList` property, which
//! JavaScript-like clients read to notice that the server dropped their user.

use serde_json::Value;

use crate::scan::SignalIndices;
use crate::verify::CHAT_OBJECT;

/// Methods the generator calls, by name.
const REQUIRED_METHODS: [&str; 3] = ["login", "sendMessage", "keepAliveResponse"];

/// Finds the signal indices of the chat object in the `data` of an init response.
pub(crate) fn signal_indices(data: &Value) -> Result<SignalIndices, String> {
    let object = data
        .get(CHAT_OBJECT)
        .ok_or_else(|| format!("the init response publishes no {CHAT_OBJECT:?} object"))?;
    for method in REQUIRED_METHODS {
        if !named_entries(object, "methods").any(|(name, _)| name == method) {
            return Err(format!("{CHAT_OBJECT:?} has no method {method:?}"));
        }
    }
    Ok(SignalIndices {
        new_message: signal_index(object, "newMessage")?,
        keep_alive: signal_index(object, "keepAlive")?,
    })
}

/// The index of the chat object's `userList` property in the `data` of an init
/// response: the key under which `propertyUpdate`s carry the list. `None` when the
/// server does not describe one.
pub(crate) fn user_list_property(data: &Value) -> Option<u64> {
    data.get(CHAT_OBJECT)?
        .get("properties")?
        .as_array()?
        .iter()
        .find(|property| property.get(1).and_then(Value::as_str) == Some("userList"))?
        .get(0)?
        .as_u64()
}

fn signal_index(object: &Value, signal: &str) -> Result<u64, String> {
    named_entries(object, "signals")
        .find(|(name, _)| *name == signal)
        .and_then(|(_, index)| index.as_u64())
        .ok_or_else(|| format!("{CHAT_OBJECT:?} has no signal {signal:?}"))
}

/// The `[name, index]` pairs of `methods` or `signals`.
fn named_entries<'a>(object: &'a Value, list: &str) -> impl Iterator<Item = (&'a str, &'a Value)> {
    object
        .get(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| Some((entry.get(0)?.as_str()?, entry.get(1)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The description Qt 5.15's ChatServer sends (trimmed to what matters).
    const QT_DATA: &str = r#"{"chatserver":{
        "methods":[["deleteLater",3],["deleteLater()",3],["login",11],["login(QString)",11],
                   ["logout",12],["sendMessage",13],["sendMessage(QString,QString)",13],
                   ["keepAliveResponse",14],["keepAliveResponse(QString)",14]],
        "properties":[[0,"objectName",[1,2],""],[1,"userList",[1,7],[]]],
        "signals":[["destroyed",0],["destroyed(QObject*)",0],["destroyed()",1],
                   ["newMessage",5],["newMessage(QString,QString,QString)",5],
                   ["keepAlive",6],["keepAlive()",6],["userCountChanged",8]]}}"#;

    fn data(text: &str) -> Value {
        serde_json::from_str(text).expect("test JSON")
    }

    #[test]
    fn finds_qt_indices() {
        assert_eq!(
            signal_indices(&data(QT_DATA)),
            Ok(SignalIndices {
                new_message: 5,
                keep_alive: 6
            })
        );
    }

    #[test]
    fn finds_the_user_list_property() {
        assert_eq!(user_list_property(&data(QT_DATA)), Some(1));
        let text = r#"{"chatserver":{"properties":[[4,"userList",[1,2],["a"]]]}}"#;
        assert_eq!(user_list_property(&data(text)), Some(4));
        assert_eq!(user_list_property(&data(r#"{"chatserver":{}}"#)), None);
    }

    #[test]
    fn follows_other_numbering() {
        let text = r#"{"chatserver":{"methods":[["login",0],["sendMessage",1],["keepAliveResponse",2]],
            "signals":[["keepAlive",0],["newMessage",9]]}}"#;
        assert_eq!(
            signal_indices(&data(text)),
            Ok(SignalIndices {
                new_message: 9,
                keep_alive: 0
            })
        );
    }

    #[test]
    fn says_what_is_missing() {
        assert_eq!(
            signal_indices(&data(r#"{"other":{}}"#)),
            Err(r#"the init response publishes no "chatserver" object"#.to_owned())
        );
        let text = r#"{"chatserver":{"methods":[["login",0],["sendMessage",1],["keepAliveResponse",2]],
            "signals":[["newMessage",9]]}}"#;
        assert_eq!(
            signal_indices(&data(text)),
            Err(r#""chatserver" has no signal "keepAlive""#.to_owned())
        );
        let text = r#"{"chatserver":{"methods":[["login",0]],"signals":[]}}"#;
        assert_eq!(
            signal_indices(&data(text)),
            Err(r#""chatserver" has no method "sendMessage""#.to_owned())
        );
    }
}
