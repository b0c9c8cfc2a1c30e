//! Golden expansions: every `tests/expand/<name>.rs` is expanded and compared with
//! `tests/expand/<name>.expanded.rs`. `BLESS=1 cargo test -p webchannel-derive` rewrites
//! the expected files instead.
//!
//! An input is an ordinary Rust file. Each impl block in it carrying
//! `#[webchannel::object(...)]` (or `#[object(...)]`) is replaced by the expansion; an
//! enum deriving `webchannel::Enum` (or `Enum`) is followed by the derived impls; other
//! items are kept. A rejected input expands to its `compile_error!`s.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use quote::quote;
use syn::{Item, Meta};

#[test]
fn expansions_match_the_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expand");
    let bless = std::env::var_os("BLESS").is_some_and(|value| value != "0");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/expand exists")
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| {
            path.extension().is_some_and(|ext| ext == "rs")
                && !path.to_string_lossy().ends_with(".expanded.rs")
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {}", dir.display());

    let mut failures = String::new();
    for input in &inputs {
        let expected_path = input.with_extension("expanded.rs");
        let actual = expand_file(input);
        if bless {
            std::fs::write(&expected_path, &actual).expect("the expected file is writable");
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => {
                let _ = writeln!(
                    failures,
                    "{} differs from its expansion (BLESS=1 to accept):\n{}",
                    expected_path.display(),
                    first_difference(&expected, &actual)
                );
            }
            Err(_) => {
                let _ = writeln!(
                    failures,
                    "{} is missing; BLESS=1 creates it",
                    expected_path.display()
                );
            }
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

fn expand_file(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("the input is readable");
    let file: syn::File = syn::parse_str(&text).expect("the input is valid Rust");
    let mut items = Vec::new();
    for item in file.items {
        if let Item::Enum(item) = &item
            && derives_enum(item)
        {
            let derived = crate::enum_derive::derive(quote!(#item))
                .unwrap_or_else(crate::errors::Rejected::into_tokens);
            items.push(quote!(#item #derived));
            continue;
        }
        let Item::Impl(mut item) = item else {
            items.push(quote!(#item));
            continue;
        };
        let Some(at) = item.attrs.iter().position(|attr| {
            attr.path()
                .segments
                .last()
                .is_some_and(|segment| segment.ident == "object")
        }) else {
            items.push(quote!(#item));
            continue;
        };
        let attr = item.attrs.remove(at);
        let args = match attr.meta {
            Meta::List(list) => list.tokens,
            _ => proc_macro2::TokenStream::new(),
        };
        let expanded =
            crate::expand(args, quote!(#item)).unwrap_or_else(crate::errors::Rejected::into_tokens);
        items.push(expanded);
    }
    let output = quote!(#(#items)*);
    let output: syn::File = syn::parse2(output).expect("the expansion parses as a file");
    prettyplease::unparse(&output)
}

/// Whether `#[derive(..., Enum, ...)]` (any path ending in `Enum`) is on the enum.
fn derives_enum(item: &syn::ItemEnum) -> bool {
    item.attrs
        .iter()
        .filter(|attr| attr.path().is_ident("derive"))
        .any(|attr| {
            let mut found = false;
            let _ = attr.parse_nested_meta(|meta| {
                found |= meta
                    .path
                    .segments
                    .last()
                    .is_some_and(|segment| segment.ident == "Enum");
                Ok(())
            });
            found
        })
}

fn first_difference(expected: &str, actual: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    for line in 1.. {
        match (expected_lines.next(), actual_lines.next()) {
            (None, None) => break,
            (expected, actual) if expected == actual => {}
            (expected, actual) => {
                return format!(
                    "  line {line}\n  expected: {}\n  actual:   {}",
                    expected.unwrap_or("<end of file>"),
                    actual.unwrap_or("<end of file>")
                );
            }
        }
    }
    "  (only whitespace at the end differs)".to_owned()
}
