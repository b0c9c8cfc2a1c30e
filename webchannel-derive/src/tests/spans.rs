//! Errors point at the user's offending token: each case marks the token an error must
//! cover, and the test compares it with the source text under the error's span.

use std::str::FromStr;

use proc_macro2::{LineColumn, TokenStream};

/// (message prefix, source text the error covers) for every error of `source`, an impl
/// block with the `#[webchannel::object]` attribute already removed.
///
/// The arguments and the item are tokenized separately, each with its own lines, so the
/// text is read from the arguments when `in_args`.
fn spanned_errors(args: &str, source: &str, in_args: bool) -> Vec<(String, String)> {
    let lines: Vec<&str> = if in_args { args } else { source }.lines().collect();
    let args = TokenStream::from_str(args).expect("the arguments tokenize");
    let item = TokenStream::from_str(source).expect("the source tokenizes");
    let Err(rejected) = crate::expand(args, item) else {
        panic!("expected errors for:\n{source}");
    };
    rejected
        .errors
        .into_iter()
        .map(|error| {
            let tokens = error.to_compile_error();
            // `compile_error!` carries the error's span on its first and last tokens.
            let mut trees = tokens.into_iter();
            let start = trees.next().map(|tree| tree.span().start());
            let end = trees.last().map(|tree| tree.span().end());
            let text = match (start, end) {
                (Some(start), Some(end)) => slice(&lines, start, end),
                _ => String::new(),
            };
            (error.to_string(), text)
        })
        .collect()
}

fn slice(lines: &[&str], start: LineColumn, end: LineColumn) -> String {
    let mut text = String::new();
    for line in start.line..=end.line {
        let Some(content) = lines.get(line - 1) else {
            break;
        };
        let from = if line == start.line { start.column } else { 0 };
        let to = if line == end.line {
            end.column
        } else {
            content.chars().count()
        };
        if line != start.line {
            text.push('\n');
        }
        text.extend(content.chars().skip(from).take(to.saturating_sub(from)));
    }
    text
}

#[track_caller]
fn assert_points_at(source: &str, expected: &[(&str, &str)]) {
    check(spanned_errors("", source, false), expected);
}

#[track_caller]
fn check(actual: Vec<(String, String)>, expected: &[(&str, &str)]) {
    assert_eq!(actual.len(), expected.len(), "{actual:#?}");
    for ((message, text), (prefix, token)) in actual.iter().zip(expected) {
        assert!(
            message.starts_with(prefix),
            "expected a message starting {prefix:?}, got {message:?}"
        );
        assert_eq!(text, token, "the error `{message}` covers the wrong tokens");
    }
}

#[test]
fn method_mistakes_point_at_the_offending_token() {
    assert_points_at(
        "impl T {
            pub fn consume(self) {}
            pub fn generic<X>(&self, x: X) {}
            pub fn opaque(&self, x: impl Clone) {}
            pub fn borrowed(&self, x: &str) {}
            pub fn two(&self, a: &Context<Self>, b: &Context<Self>) {}
        }",
        &[
            ("published methods take", "self"),
            ("a published method cannot be generic", "<X>"),
            ("`impl Trait` parameters", "impl Clone"),
            ("parameters are deserialized", "&str"),
            ("a method takes at most one", "&Context<Self>"),
        ],
    );
}

#[test]
fn option_mistakes_point_at_the_option() {
    assert_points_at(
        r#"impl T {
            #[webchannel(propery)]
            pub fn a(&self) {}
            #[webchannel(notify = changed)]
            pub fn b(&self) {}
            #[webchannel(name = "not valid")]
            pub fn c(&self) {}
            #[webchannel(property)]
            pub fn d(&self) -> i64 { 1 }
            #[webchannel(property, notify = nowhere)]
            pub fn e(&self) -> i64 { 1 }
        }"#,
        &[
            ("unknown webchannel option", "propery"),
            ("`notify` applies to properties only", "changed"),
            ("`name` must be a JavaScript identifier", r#""not valid""#),
            ("a property needs a change signal", "property"),
            ("no signal `nowhere`", "nowhere"),
        ],
    );
}

#[test]
fn duplicates_point_at_the_second_item() {
    assert_points_at(
        r#"impl T {
            pub fn send_message(&self) {}
            #[webchannel(name = "sendMessage")]
            pub fn other(&self) {}
            #[allow(non_snake_case)]
            pub fn sendMessage(&self) {}
        }"#,
        &[
            ("the published name `sendMessage`", r#""sendMessage""#),
            ("the published name `sendMessage`", "sendMessage"),
        ],
    );
}

#[test]
fn signal_and_setter_mistakes() {
    assert_points_at(
        "impl T {
            #[webchannel(property, notify = changed)]
            pub fn value(&self) -> i64 { 1 }
            pub fn set_value(&mut self, value: Option<i64>) {}
            #[webchannel(signal)]
            fn changed(&self) -> bool;
        }",
        &[
            ("setter `set_value` takes `Option<i64>`", "Option<i64>"),
            ("a signal declaration takes no `self`", "&self"),
            ("a signal returns nothing", "bool"),
        ],
    );
}

#[test]
fn impl_and_argument_mistakes() {
    assert_points_at(
        "impl Clone for T {}",
        &[("#[webchannel::object] goes on an", "Clone")],
    );
    assert_points_at(
        "struct T;",
        &[("#[webchannel::object] goes on an", "struct")],
    );
    assert_points_at("impl<X> T<X> {}", &[("generic impl blocks", "<X>")]);
    assert_points_at(
        "impl T<u8> {}",
        &[("#[webchannel::object] needs a plain type", "T<u8>")],
    );
    check(
        spanned_errors(r#"krate = "x""#, "impl T {}", true),
        &[("unknown argument `krate`", "krate")],
    );
    check(
        spanned_errors(r#"crate = "not a path""#, "impl T {}", true),
        &[("`crate` takes the path", r#""not a path""#)],
    );
}
