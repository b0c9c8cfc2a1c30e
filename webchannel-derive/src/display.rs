//! How a Rust type is written in the metadata (`TypeMeta::rust`) and in error messages:
//! its tokens with the spacing a person would use (`Vec<String>`, `&'a mut [u8; 4]`,
//! `Result<(), String>`), not `quote`'s `Vec < String >`.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::ToTokens;

/// The type as written, normalized: `Vec<String>`, `HashMap<String, i64>`, `&str`.
pub(crate) fn type_text(ty: &impl ToTokens) -> String {
    let mut out = String::new();
    write_tokens(&mut out, ty.to_token_stream());
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    /// Start of the output or of a group.
    Open,
    /// An identifier or literal: another one after it needs a space.
    Word,
    /// A keyword such as `mut` or a lifetime: a group after it needs a space too.
    Keyword,
    /// `>` closing generics: a word after it (`for<'a> fn`) needs a space.
    CloseAngle,
    /// Any other punctuation or a closed group.
    Other,
}

fn write_tokens(out: &mut String, tokens: TokenStream) {
    let mut last = Last::Open;
    // A `'` with joint spacing starts a lifetime; its identifier follows without a space.
    let mut in_lifetime = false;
    // A joint `-` starts `->`.
    let mut in_arrow = false;
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => {
                if !in_lifetime && matches!(last, Last::Word | Last::Keyword | Last::CloseAngle) {
                    out.push(' ');
                }
                let text = ident.to_string();
                out.push_str(&text);
                last = if in_lifetime || matches!(text.as_str(), "mut" | "dyn" | "impl" | "const") {
                    Last::Keyword
                } else {
                    Last::Word
                };
                in_lifetime = false;
            }
            TokenTree::Literal(literal) => {
                if matches!(last, Last::Word | Last::Keyword | Last::CloseAngle) {
                    out.push(' ');
                }
                out.push_str(&literal.to_string());
                last = Last::Word;
            }
            TokenTree::Punct(punct) => {
                let ch = punct.as_char();
                let joint = punct.spacing() == Spacing::Joint;
                last = match ch {
                    '\'' if joint => {
                        if matches!(last, Last::Word | Last::Keyword) {
                            out.push(' ');
                        }
                        in_lifetime = true;
                        out.push(ch);
                        Last::Other
                    }
                    '-' if joint => {
                        in_arrow = true;
                        spaced(out, last, ch)
                    }
                    '>' if in_arrow => {
                        in_arrow = false;
                        out.push_str("> ");
                        Last::Open
                    }
                    ',' | ';' => {
                        out.push(ch);
                        out.push(' ');
                        Last::Open
                    }
                    '+' | '=' => {
                        let last = spaced(out, last, ch);
                        out.push(' ');
                        last
                    }
                    '>' => {
                        out.push(ch);
                        Last::CloseAngle
                    }
                    _ => {
                        out.push(ch);
                        Last::Other
                    }
                };
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                let invisible = group.delimiter() == Delimiter::None;
                let after_word =
                    last == Last::Word && (invisible || group.delimiter() == Delimiter::Bracket);
                if after_word || matches!(last, Last::Keyword | Last::CloseAngle) {
                    out.push(' ');
                }
                out.push_str(open);
                write_tokens(out, group.stream());
                out.push_str(close);
                last = if invisible { Last::Word } else { Last::Other };
            }
        }
    }
}

/// Writes an operator that takes a space before it (`+`, `=`, the `-` of `->`).
fn spaced(out: &mut String, last: Last, ch: char) -> Last {
    if last != Last::Open && !out.ends_with(' ') {
        out.push(' ');
    }
    out.push(ch);
    Last::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(ty: syn::Type, expected: &str) {
        assert_eq!(type_text(&ty), expected);
    }

    #[test]
    fn types_are_written_as_a_person_would() {
        check(syn::parse_quote!(i64), "i64");
        check(syn::parse_quote!(Vec<String>), "Vec<String>");
        check(syn::parse_quote!(Vec<Vec<u8>>), "Vec<Vec<u8>>");
        check(
            syn::parse_quote!(std::collections::HashMap<String, i64>),
            "std::collections::HashMap<String, i64>",
        );
        check(syn::parse_quote!(&str), "&str");
        check(syn::parse_quote!(&'a mut [u8; 4]), "&'a mut [u8; 4]");
        check(syn::parse_quote!(&'static str), "&'static str");
        check(syn::parse_quote!(()), "()");
        check(syn::parse_quote!(Result<(), String>), "Result<(), String>");
        check(syn::parse_quote!((i32, bool)), "(i32, bool)");
        check(syn::parse_quote!(Cow<'_, str>), "Cow<'_, str>");
        check(
            syn::parse_quote!(::serde_json::Value),
            "::serde_json::Value",
        );
        check(
            syn::parse_quote!(Box<dyn Fn(i32) -> bool + Send>),
            "Box<dyn Fn(i32) -> bool + Send>",
        );
        check(
            syn::parse_quote!(impl Iterator<Item = u8>),
            "impl Iterator<Item = u8>",
        );
        check(
            syn::parse_quote!(for<'a> fn(&'a str)),
            "for<'a> fn(&'a str)",
        );
        check(syn::parse_quote!(*const u8), "*const u8");
        check(syn::parse_quote!(<T as Trait>::Out), "<T as Trait>::Out");
        check(syn::parse_quote!(r#type), "r#type");
        check(syn::parse_quote!(&mut (i32, i32)), "&mut (i32, i32)");
        check(syn::parse_quote!(&'a [u8]), "&'a [u8]");
        check(
            syn::parse_quote!(Box<dyn Error + Send + 'static>),
            "Box<dyn Error + Send + 'static>",
        );
    }
}
