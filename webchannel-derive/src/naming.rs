//! Published names: Rust's snake_case becomes the camelCase that JavaScript and Qt use,
//! and a `name = "..."` override must be a name a client can call.

/// `send_message` → `sendMessage`; `r#type` → `type`; `p0_changed` → `p0Changed`.
///
/// Leading underscores are kept, every later `_` is dropped and the letter after it is
/// upper-cased; the rest of each word is left as written.
pub(crate) fn camel_case(rust_name: &str) -> String {
    let name = rust_name.strip_prefix("r#").unwrap_or(rust_name);
    let body = name.trim_start_matches('_');
    let mut out = String::with_capacity(name.len());
    out.push_str(&name[..name.len() - body.len()]);
    let mut upper_next = false;
    for ch in body.chars() {
        if ch == '_' {
            upper_next = true;
            continue;
        }
        if upper_next {
            out.extend(ch.to_uppercase());
            upper_next = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// Whether `name` can be published: a JavaScript identifier (ASCII letters, digits, `_`
/// and `$`, not starting with a digit), so that `object.name(...)` works in a client.
pub(crate) fn is_valid_published_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let word = |ch: char| ch.is_ascii_alphanumeric() || ch == '_' || ch == '$';
    !first.is_ascii_digit() && word(first) && chars.all(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_becomes_camel_case() {
        let cases = [
            ("send_message", "sendMessage"),
            ("keep_alive_response", "keepAliveResponse"),
            ("p0_changed", "p0Changed"),
            ("r#type", "type"),
            ("login", "login"),
            ("user_list_changed", "userListChanged"),
            ("type_", "type"),
            ("a__b", "aB"),
            ("_private_thing", "_privateThing"),
            ("__id", "__id"),
            ("value_2", "value2"),
            ("already_camelCase", "alreadyCamelCase"),
            ("HTTP_get", "HTTPGet"),
            ("x", "x"),
            ("_", "_"),
            ("über_größe", "überGröße"),
        ];
        for (rust, published) in cases {
            assert_eq!(camel_case(rust), published, "camel_case({rust:?})");
        }
    }

    #[test]
    fn published_names_are_javascript_identifiers() {
        for good in ["reset", "sendMessage", "_x", "$", "a1", "set_value"] {
            assert!(is_valid_published_name(good), "{good:?}");
        }
        for bad in ["", "1a", "a b", "f()", "a-b", "ä"] {
            assert!(!is_valid_published_name(bad), "{bad:?}");
        }
    }
}
