//! No input makes the macros panic: random token streams built from the words the macros
//! look for, and valid objects with tokens deleted, repeated or replaced. Whatever the
//! input, the answer is an expansion or errors.

use std::str::FromStr;

use proc_macro2::{TokenStream, TokenTree};
use proptest::prelude::*;

/// Words and punctuation the parser and the checks react to.
const VOCABULARY: &[&str] = &[
    "impl",
    "T",
    "Self",
    "self",
    "fn",
    "pub",
    "async",
    "const",
    "unsafe",
    "where",
    "for",
    "Clone",
    "webchannel",
    "signal",
    "property",
    "notify",
    "constant",
    "skip",
    "name",
    "on_disconnect",
    "crate",
    "enums",
    "Context",
    "Handle",
    "Result",
    "Option",
    "Vec",
    "String",
    "impl Trait",
    "i64",
    "str",
    "mut",
    "&",
    "&mut self",
    "&self",
    "'a",
    "'static",
    "=",
    "->",
    ";",
    ",",
    ":",
    "::",
    "<",
    ">",
    "#",
    "!",
    "*",
    "..",
    "_",
    "\"x\"",
    "\"value\"",
    "1",
    "-1",
    "r#type",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "()",
    "{}",
    "[]",
    "enum",
    "struct",
    "union",
    "E",
];

/// A valid object and a valid enum, the starting points of the mutations.
const VALID_OBJECT: &str = r#"
impl Counter {
    #[webchannel(property, notify = value_changed)]
    pub fn value(&self) -> i64 { self.value }
    pub fn set_value(&mut self, value: i64, cx: &Context<Self>) {}
    #[webchannel(property, constant, name = "label")]
    pub fn name(&self) -> &str { "x" }
    #[webchannel(name = "add")]
    pub async fn add_one(&mut self, by: Option<i64>) -> Result<i64, String> { Ok(1) }
    #[cfg(test)]
    #[webchannel(name = "add")]
    pub fn add_two(&self, a: Vec<String>, b: Handle<Counter>) {}
    #[webchannel(on_disconnect)]
    fn left(&self, cx: &Context<Self>) {}
    #[webchannel(signal)]
    fn value_changed(value: i64);
}
"#;

const VALID_ENUM: &str = "#[webchannel(crate = \"x\")] enum Mode { Off, On = 3, Below = -1 }";

/// Runs every entry point on `args` and `item`; a panic fails the property.
fn run_all(args: &TokenStream, item: &TokenStream) {
    match crate::expand(args.clone(), item.clone()) {
        Ok(_) => {}
        Err(rejected) => {
            let _ = rejected.into_tokens();
        }
    }
    let _ = crate::enum_derive::derive(item.clone());
}

fn tokens(text: &str) -> Option<TokenStream> {
    TokenStream::from_str(text).ok()
}

/// The top-level tokens of `text`, flattened one level into groups, as strings.
fn pieces(text: &str) -> Vec<String> {
    fn walk(stream: TokenStream, out: &mut Vec<String>) {
        for tree in stream {
            match tree {
                TokenTree::Group(group) => {
                    let (open, close) = match group.delimiter() {
                        proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                        proc_macro2::Delimiter::Brace => ("{", "}"),
                        proc_macro2::Delimiter::Bracket => ("[", "]"),
                        proc_macro2::Delimiter::None => ("", ""),
                    };
                    out.push(open.to_owned());
                    walk(group.stream(), out);
                    out.push(close.to_owned());
                }
                other => out.push(other.to_string()),
            }
        }
    }
    let mut out = Vec::new();
    walk(tokens(text).unwrap_or_default(), &mut out);
    out
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Repeat(usize),
    Replace(usize, usize),
    Insert(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let word = 0..VOCABULARY.len();
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        any::<usize>().prop_map(Edit::Repeat),
        (any::<usize>(), word.clone()).prop_map(|(at, word)| Edit::Replace(at, word)),
        (any::<usize>(), word).prop_map(|(at, word)| Edit::Insert(at, word)),
    ]
}

/// `valid` with `edits` applied, as text (delimiters may no longer balance).
fn mutated(valid: &str, edits: &[Edit]) -> String {
    let mut pieces = pieces(valid);
    for edit in edits {
        if pieces.is_empty() {
            break;
        }
        let len = pieces.len();
        match *edit {
            Edit::Delete(at) => {
                pieces.remove(at % len);
            }
            Edit::Repeat(at) => {
                let piece = pieces[at % len].clone();
                pieces.insert(at % len, piece);
            }
            Edit::Replace(at, word) => pieces[at % len] = VOCABULARY[word].to_owned(),
            Edit::Insert(at, word) => pieces.insert(at % (len + 1), VOCABULARY[word].to_owned()),
        }
    }
    pieces.join(" ")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_words_never_panic(
        words in prop::collection::vec(0..VOCABULARY.len(), 0..60),
        arg_words in prop::collection::vec(0..VOCABULARY.len(), 0..6),
    ) {
        let text = words.iter().map(|word| VOCABULARY[*word]).collect::<Vec<_>>().join(" ");
        let args = arg_words.iter().map(|word| VOCABULARY[*word]).collect::<Vec<_>>().join(" ");
        if let (Some(item), Some(args)) = (tokens(&text), tokens(&args)) {
            run_all(&args, &item);
            run_all(&TokenStream::new(), &item);
        }
    }

    #[test]
    fn mutated_objects_never_panic(edits in prop::collection::vec(edit(), 1..8)) {
        if let Some(item) = tokens(&mutated(VALID_OBJECT, &edits)) {
            run_all(&TokenStream::new(), &item);
        }
        if let Some(args) = tokens(&mutated("crate = \"x\", enums(Mode, a::Speed)", &edits)) {
            run_all(&args, &tokens(VALID_OBJECT).unwrap_or_default());
        }
    }

    #[test]
    fn mutated_enums_never_panic(edits in prop::collection::vec(edit(), 1..6)) {
        if let Some(item) = tokens(&mutated(VALID_ENUM, &edits)) {
            run_all(&TokenStream::new(), &item);
        }
    }
}

#[test]
fn the_valid_inputs_are_valid() {
    let object = tokens(VALID_OBJECT).expect("tokens");
    assert!(crate::expand(TokenStream::new(), object).is_ok());
    let item = tokens(VALID_ENUM).expect("tokens");
    assert!(crate::enum_derive::derive(item).is_ok());
    assert_eq!(mutated(VALID_ENUM, &[]).matches("Mode").count(), 1);
}
