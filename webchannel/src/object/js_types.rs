//! Types in JavaScript's words, for the errors clients read: what a parameter takes
//! (`an integer from 0 to 255`, `a Widget object`, `a string or null`) and what a client
//! sent instead (`"w1"`, `an object`). Derived from the metadata — the Qt name says the
//! kind, the Rust text the range of an integer or the type of an object, the TypeScript
//! name what a user type is called — so no Rust type name or serde message reaches a
//! client.

use serde_json::value::RawValue;

use super::meta::{Declarations, ParamMeta, TypeMeta};

/// How a parameter of type `ty` is described: `(name, phrase)`, as in `integer` and
/// `an integer from 0 to 255`; `None` when its JavaScript type is unknown (a Rust type
/// without a TypeScript declaration).
fn describe(ty: &TypeMeta) -> Option<(String, String)> {
    let (rust, nullable) = match ty.rust.strip_prefix("Option<") {
        Some(inner) => (inner.strip_suffix('>').unwrap_or(inner), true),
        None => (ty.rust, false),
    };
    let (name, phrase) = match ty.qt {
        "QString" => ("string".to_owned(), "a string".to_owned()),
        "QChar" => ("string".to_owned(), "a string of one character".to_owned()),
        "bool" => ("boolean".to_owned(), "true or false".to_owned()),
        "int" | "uint" | "qlonglong" | "qulonglong" => ("integer".to_owned(), integer(rust)),
        "double" | "float" => ("number".to_owned(), "a number".to_owned()),
        "QStringList" => ("string[]".to_owned(), "an array of strings".to_owned()),
        "QVariantList" => ("array".to_owned(), list(rust)),
        "QVariantMap" => ("object".to_owned(), map(rust)),
        "QJsonValue" => ("any".to_owned(), "any JSON value".to_owned()),
        "QObject*" => match handle_target(rust) {
            Some(target) => (target.to_owned(), format!("a {target} object")),
            None => ("object".to_owned(), "a published object".to_owned()),
        },
        "QVariant" if matches!(last_segment(rust), "Timestamp" | "Zoned") => (
            "string".to_owned(),
            "a date in ISO 8601 (\"2024-02-29T12:34:56Z\")".to_owned(),
        ),
        "QVariant" => {
            let ts = (ty.ts)(&mut Declarations::default());
            let ts = ts.strip_suffix(" | null").unwrap_or(&ts);
            match ts {
                "unknown" => return None,
                "any" => ("any".to_owned(), "any value".to_owned()),
                "string" => ("string".to_owned(), "a string".to_owned()),
                "number" => ("number".to_owned(), "a number".to_owned()),
                "boolean" => ("boolean".to_owned(), "true or false".to_owned()),
                named => (named.to_owned(), format!("a {named}")),
            }
        }
        // A published enum, named after itself.
        published => (published.to_owned(), format!("a {published} (a number)")),
    };
    Some(if nullable {
        (format!("{name} | null"), format!("{phrase} or null"))
    } else {
        (name, phrase)
    })
}

/// What a parameter of type `ty` takes, as a phrase (`an integer from 0 to 255`); `None`
/// when that is not known.
pub(crate) fn expected(ty: &TypeMeta) -> Option<String> {
    describe(ty).map(|(_, phrase)| phrase)
}

/// A method's parameters as a client reads them: `(text: string, count: integer)`.
pub(crate) fn parameters(params: &[ParamMeta]) -> String {
    let params: Vec<String> = params
        .iter()
        .map(|param| {
            let name = describe(&param.ty).map_or_else(|| "value".to_owned(), |(name, _)| name);
            format!("{}: {name}", param.name)
        })
        .collect();
    format!("({})", params.join(", "))
}

/// An integer of the Rust type `rust`, with its range where JavaScript could exceed it.
fn integer(rust: &str) -> String {
    let range = match rust {
        "i8" => Some(("-128", "127")),
        "u8" => Some(("0", "255")),
        "i16" => Some(("-32768", "32767")),
        "u16" => Some(("0", "65535")),
        "i32" => Some(("-2147483648", "2147483647")),
        "u32" => Some(("0", "4294967295")),
        "i64" | "isize" => Some(("-2^63", "2^63-1")),
        "u64" | "usize" => Some(("0", "2^64-1")),
        _ => None,
    };
    match range {
        Some((low, high)) => format!("an integer from {low} to {high}"),
        None => "an integer".to_owned(),
    }
}

/// `Widget` for `Handle<Widget>` (or `webchannel::Handle<app::Widget>`).
fn handle_target(rust: &str) -> Option<&str> {
    let (path, args) = generic(rust)?;
    let target = args.first().filter(|_| last_segment(path) == "Handle")?;
    Some(last_segment(target))
}

/// A sequence or a tuple (Qt's `QVariantList`): `an array of Widget objects`,
/// `an array of 2 values`.
fn list(rust: &str) -> String {
    if let Some(tuple) = rust
        .strip_prefix('(')
        .and_then(|rest| rest.strip_suffix(')'))
    {
        let count = split_top_level(tuple).len();
        return format!(
            "an array of {count} value{}",
            if count == 1 { "" } else { "s" }
        );
    }
    let element = match rust.strip_prefix('[') {
        Some(slice) => slice.split(';').next().map(str::trim),
        None => generic(rust).and_then(|(_, args)| args.first().copied()),
    };
    match element.and_then(plural) {
        Some(elements) => format!("an array of {elements}"),
        None => "an array".to_owned(),
    }
}

/// A map (Qt's `QVariantMap`): `an object whose values are integers`.
fn map(rust: &str) -> String {
    let values = generic(rust).and_then(|(_, args)| args.get(1).copied());
    match values.and_then(plural) {
        Some(values) => format!("an object whose values are {values}"),
        None => "an object".to_owned(),
    }
}

/// Several values of the Rust type `rust`, when JavaScript has a word for them.
fn plural(rust: &str) -> Option<String> {
    let rust = rust.trim().trim_start_matches('&');
    let words = match last_segment(rust) {
        "String" | "str" => "strings",
        "bool" => "booleans",
        "f32" | "f64" => "numbers",
        "i8" | "i16" | "i32" | "i64" | "isize" | "u8" | "u16" | "u32" | "u64" | "usize" => {
            "integers"
        }
        "Handle" => return handle_target(rust).map(|target| format!("{target} objects")),
        _ => return None,
    };
    Some(words.to_owned())
}

/// `("Vec", ["Handle<Widget>"])` for `Vec<Handle<Widget>>`.
fn generic(rust: &str) -> Option<(&str, Vec<&str>)> {
    let (path, rest) = rust.split_once('<')?;
    Some((path.trim(), split_top_level(rest.strip_suffix('>')?)))
}

/// `a, B<c, d>, e` as `["a", "B<c, d>", "e"]`.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0_usize;
    let mut start = 0;
    for (at, character) in text.char_indices() {
        match character {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(text[start..at].trim());
                start = at + 1;
            }
            _ => {}
        }
    }
    let last = text[start..].trim();
    if !last.is_empty() {
        parts.push(last);
    }
    parts
}

/// `Widget` for `app::Widget`, `Vec` for `std::vec::Vec<T>`.
fn last_segment(rust: &str) -> &str {
    let path = rust.split('<').next().unwrap_or(rust).trim();
    path.rsplit("::").next().unwrap_or(path)
}

/// What a client sent, as an error names it: short values as written (`"w1"`, `300`,
/// `{}`), longer ones by their kind (`a string`, `an object`).
pub(crate) fn sent(value: &RawValue) -> String {
    /// Longer values are named by their kind rather than quoted.
    const QUOTED: usize = 32;
    let json = value.get();
    if json.len() <= QUOTED && !json.contains(['\n', '\r', '\t']) {
        return json.to_owned();
    }
    format!("{} {}", article(kind(value)), kind(value))
}

/// The JavaScript type of a value a client sent: `string`, `number`, `boolean`, `null`,
/// `array` or `object`.
pub(crate) fn kind(value: &RawValue) -> &'static str {
    match value.get().as_bytes().first() {
        Some(b'"') => "string",
        Some(b't' | b'f') => "boolean",
        Some(b'n') => "null",
        Some(b'[') => "array",
        Some(b'{') => "object",
        _ => "number",
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::ts_probe::ts_unknown;

    fn ty(rust: &'static str, qt: &'static str) -> TypeMeta {
        TypeMeta {
            rust,
            qt,
            ts: ts_unknown,
        }
    }

    #[test]
    fn parameters_are_described_in_javascript_terms() {
        let cases = [
            (ty("String", "QString"), "a string"),
            (ty("u8", "int"), "an integer from 0 to 255"),
            (ty("i64", "qlonglong"), "an integer from -2^63 to 2^63-1"),
            (ty("usize", "qulonglong"), "an integer from 0 to 2^64-1"),
            (ty("f64", "double"), "a number"),
            (ty("bool", "bool"), "true or false"),
            (ty("Option<String>", "QString"), "a string or null"),
            (ty("Handle<Widget>", "QObject*"), "a Widget object"),
            (
                ty("Option<webchannel::Handle<ui::Widget>>", "QObject*"),
                "a Widget object or null",
            ),
            (ty("AnyHandle", "QObject*"), "a published object"),
            (ty("Vec<String>", "QStringList"), "an array of strings"),
            (
                ty("Vec<Handle<Widget>>", "QVariantList"),
                "an array of Widget objects",
            ),
            (ty("[u8; 4]", "QVariantList"), "an array of integers"),
            (
                ty("(Handle<Widget>, Holder)", "QVariantList"),
                "an array of 2 values",
            ),
            (ty("Vec<Holder>", "QVariantList"), "an array"),
            (
                ty("BTreeMap<String, i64>", "QVariantMap"),
                "an object whose values are integers",
            ),
            (
                ty("jiff::Timestamp", "QVariant"),
                "a date in ISO 8601 (\"2024-02-29T12:34:56Z\")",
            ),
            (ty("Mode", "Mode"), "a Mode (a number)"),
        ];
        for (ty, phrase) in cases {
            assert_eq!(expected(&ty).as_deref(), Some(phrase), "{}", ty.rust);
        }
        assert_eq!(expected(&ty("Person", "QVariant")), None);
    }

    #[test]
    fn what_was_sent_is_quoted_when_short() {
        let raw = |json: &str| serde_json::from_str::<Box<RawValue>>(json).expect("JSON");
        assert_eq!(sent(&raw(r#""w1""#)), r#""w1""#);
        assert_eq!(sent(&raw("{}")), "{}");
        assert_eq!(sent(&raw(&format!("\"{}\"", "x".repeat(40)))), "a string");
        assert_eq!(sent(&raw(&format!("[{}1]", "1,".repeat(20)))), "an array");
        assert_eq!(kind(&raw("-1.5")), "number");
    }
}
