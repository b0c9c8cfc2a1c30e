//! How a Rust type is written in the metadata (`TypeMeta::rust`) and in error messages:
//! its tokens with the spacing a person would use (`Vec<String>`, `&'a mut [u8; 4]`,
//! `Result<(), String>`), not `quote`'s `Vec < String >`.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::ToTokens;

/// The type as written, normalized: `Vec<String>`, `HashMap<String, i64>`, `&str`.
pub(crate) fn type_text(ty: &impl ToTokens) -> String {
    let mut writer = Writer::default();
    writer.tokens(ty.to_token_stream());
    writer.out
}

#[derive(Clone, Copy, PartialEq, Eq, Default)]
enum Last {
    /// Start of the output or of a group.
    #[default]
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

/// The text so far and what the spacing of the next token depends on.
#[derive(Default)]
struct Writer {
    out: String,
    last: Last,
    /// A `'` with joint spacing starts a lifetime; its identifier follows without a space.
    in_lifetime: bool,
    /// A joint `-` starts `->`.
    in_arrow: bool,
}

impl Writer {
    fn tokens(&mut self, tokens: TokenStream) {
        for token in tokens {
            match token {
                TokenTree::Ident(ident) => self.ident(&ident.to_string()),
                TokenTree::Literal(literal) => self.literal(&literal.to_string()),
                TokenTree::Punct(punct) => {
                    self.last = self.punct(punct.as_char(), punct.spacing() == Spacing::Joint);
                }
                TokenTree::Group(group) => self.group(group.delimiter(), group.stream()),
            }
        }
    }

    fn after_word(&self) -> bool {
        matches!(self.last, Last::Word | Last::Keyword | Last::CloseAngle)
    }

    fn ident(&mut self, text: &str) {
        if !self.in_lifetime && self.after_word() {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.last = if self.in_lifetime || matches!(text, "mut" | "dyn" | "impl" | "const") {
            Last::Keyword
        } else {
            Last::Word
        };
        self.in_lifetime = false;
    }

    fn literal(&mut self, text: &str) {
        if self.after_word() {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.last = Last::Word;
    }

    /// Writes one punctuation character; returns what it leaves as the last token.
    fn punct(&mut self, ch: char, joint: bool) -> Last {
        match ch {
            '\'' if joint => {
                if matches!(self.last, Last::Word | Last::Keyword) {
                    self.out.push(' ');
                }
                self.in_lifetime = true;
                self.out.push(ch);
                Last::Other
            }
            '-' if joint => {
                self.in_arrow = true;
                self.spaced(ch)
            }
            '>' if self.in_arrow => {
                self.in_arrow = false;
                self.out.push_str("> ");
                Last::Open
            }
            ',' | ';' => {
                self.out.push(ch);
                self.out.push(' ');
                Last::Open
            }
            '+' | '=' => {
                let last = self.spaced(ch);
                self.out.push(' ');
                last
            }
            '>' => {
                self.out.push(ch);
                Last::CloseAngle
            }
            _ => {
                self.out.push(ch);
                Last::Other
            }
        }
    }

    /// Writes an operator that takes a space before it (`+`, `=`, the `-` of `->`).
    fn spaced(&mut self, ch: char) -> Last {
        if self.last != Last::Open && !self.out.ends_with(' ') {
            self.out.push(' ');
        }
        self.out.push(ch);
        Last::Other
    }

    fn group(&mut self, delimiter: Delimiter, stream: TokenStream) {
        let (open, close) = match delimiter {
            Delimiter::Parenthesis => ("(", ")"),
            Delimiter::Bracket => ("[", "]"),
            Delimiter::Brace => ("{", "}"),
            Delimiter::None => ("", ""),
        };
        let invisible = delimiter == Delimiter::None;
        let after_word = self.last == Last::Word && (invisible || delimiter == Delimiter::Bracket);
        if after_word || matches!(self.last, Last::Keyword | Last::CloseAngle) {
            self.out.push(' ');
        }
        self.out.push_str(open);
        // The group is written as a sequence of its own.
        let outer = (self.in_lifetime, self.in_arrow);
        (self.last, self.in_lifetime, self.in_arrow) = (Last::Open, false, false);
        self.tokens(stream);
        (self.in_lifetime, self.in_arrow) = outer;
        self.out.push_str(close);
        self.last = if invisible { Last::Word } else { Last::Other };
    }
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
