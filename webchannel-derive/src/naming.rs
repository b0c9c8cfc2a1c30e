//! Published names: Rust's snake_case becomes the camelCase that JavaScript and Qt use,
//! and a `name = "..."` override must be a name a client can call. And, for messages
//! about a misspelled name, the name that was probably meant.

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

/// The one of `candidates` that `name` is most likely a misspelling of: the nearest by
/// edits of one character, within a third of the name's length (at least one edit).
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let allowed = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|candidate| (edits(name, candidate), candidate))
        .filter(|(edits, _)| *edits <= allowed)
        .min_by_key(|(edits, _)| *edits)
        .map(|(_, candidate)| candidate)
}

/// How many characters must be inserted, removed or replaced, or pairs of neighbours
/// swapped, to turn `a` into `b` (the optimal string alignment distance).
fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // `rows[i][j]`: the edits from the first `i` characters of `a` to the first `j` of `b`.
    let mut rows: Vec<Vec<usize>> = (0..=a.len())
        .map(|i| (0..=b.len()).map(|j| if i == 0 { j } else { i }).collect())
        .collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let replace = rows[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = replace.min(rows[i - 1][j] + 1).min(rows[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
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
    fn the_closest_name_is_the_likely_misspelling() {
        let signals = ["level_changed", "drained", "value_changed"];
        assert_eq!(closest("level_changd", signals), Some("level_changed"));
        assert_eq!(closest("drainde", signals), Some("drained"));
        assert_eq!(closest("valeu_changed", signals), Some("value_changed"));
        assert_eq!(closest("filled", signals), None);
        assert_eq!(closest("x", ["y"]), Some("y"));
        assert_eq!(closest("x", ["yz"]), None);
        assert_eq!(closest("propery", ["property", "signal"]), Some("property"));
        assert_eq!(closest("nmae", ["name", "notify"]), Some("name"));
        assert_eq!(edits("kitten", "sitting"), 3);
        assert_eq!(edits("ab", "ba"), 1);
        assert_eq!(edits("", "abc"), 3);
        assert_eq!(closest("anything", []), None);
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
