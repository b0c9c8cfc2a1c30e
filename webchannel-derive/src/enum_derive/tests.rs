//! `#[derive(webchannel::Enum)]`: the values it computes and every mistake it reports.

use proc_macro2::TokenStream;
use quote::quote;

use super::parse::parse;
use crate::errors::Errors;
use crate::parse::default_crate;

/// The (key, value) table of an accepted enum.
#[track_caller]
fn values(item: TokenStream) -> Vec<(String, i64)> {
    let input: syn::DeriveInput = syn::parse2(item).expect("a derive input");
    let mut errors = Errors::default();
    let published = parse(&input, &default_crate(), &mut errors);
    if let Err(error) = errors.finish() {
        panic!("expected no error, got {error}");
    }
    published
        .expect("an enum")
        .variants
        .into_iter()
        .map(|variant| (variant.name, variant.value))
        .collect()
}

/// The messages of every error of a rejected input.
#[track_caller]
fn errors(item: TokenStream) -> Vec<String> {
    match super::derive(item) {
        Ok(tokens) => panic!("expected errors, got {tokens}"),
        Err(rejected) => rejected
            .errors
            .into_iter()
            .map(|error| error.to_string())
            .collect(),
    }
}

fn table(entries: &[(&str, i64)]) -> Vec<(String, i64)> {
    entries
        .iter()
        .map(|(key, value)| ((*key).to_owned(), *value))
        .collect()
}

#[test]
fn values_follow_rust_rules() {
    assert_eq!(
        values(quote!(
            enum Mode {
                Off,
                On,
                Auto = 5,
                Boost,
            }
        )),
        table(&[("Off", 0), ("On", 1), ("Auto", 5), ("Boost", 6)])
    );
    assert_eq!(
        values(quote!(
            #[repr(i8)]
            enum Level {
                Below = -2,
                Around,
                Hex = 0x10,
                Suffixed = 7u8,
                r#Type,
            }
        )),
        table(&[
            ("Below", -2),
            ("Around", -1),
            ("Hex", 16),
            ("Suffixed", 7),
            ("Type", 8),
        ])
    );
    assert_eq!(
        values(quote!(
            enum Edge {
                Min = -9223372036854775808,
                Max = 9223372036854775807,
            }
        )),
        table(&[("Min", i64::MIN), ("Max", i64::MAX)])
    );
    assert!(
        values(quote!(
            enum Never {}
        ))
        .is_empty()
    );
}

#[test]
fn only_fieldless_enums() {
    let not_an_enum = "#[derive(webchannel::Enum)] goes on a fieldless enum: \
                       `enum Mode { Off, On, Auto = 5 }`";
    assert_eq!(
        errors(quote!(
            struct Mode;
        )),
        [not_an_enum]
    );
    assert_eq!(errors(quote!(union Mode { a: u8 })), [not_an_enum]);
    assert_eq!(
        errors(quote!(
            enum Shape {
                Point,
                Circle(f64),
                Rect { w: f64, h: f64 },
            }
        )),
        [
            "a published enum's variants carry no data: `Circle` or `Circle = 3`",
            "a published enum's variants carry no data: `Rect` or `Rect = 3`",
        ]
    );
    assert_eq!(
        errors(quote!(
            enum Wrapper<T> {
                A,
            }
        )),
        ["a published enum cannot be generic: its variants are plain numbers"]
    );
}

#[test]
fn discriminants_are_integer_literals() {
    let not_a_literal = "a published enum's discriminant is an integer literal (`On = 1`, \
                         `Below = -1`), so that the macro knows the value clients see";
    assert_eq!(
        errors(quote!(
            enum Mode {
                A = 1 + 1,
                B = SOME_CONST,
                C = -X,
                D = 1.5,
            }
        )),
        [not_a_literal, not_a_literal, not_a_literal, not_a_literal]
    );
    assert_eq!(
        errors(quote!(
            enum Huge {
                A = 9223372036854775808,
            }
        )),
        ["the values of a published enum fit in an i64 (clients read them as numbers)"]
    );
    assert_eq!(
        errors(quote!(
            enum Overflow {
                A = 9223372036854775807,
                B,
            }
        )),
        ["the value of `B` would not fit in an i64; give it one: `B = 0`"]
    );
    assert_eq!(
        errors(quote!(
            enum Conditional {
                A,
                #[cfg(test)]
                B,
            }
        )),
        [
            "the variants of a published enum cannot be `#[cfg]`-dependent: clients see one \
             fixed table of values"
        ]
    );
}

#[test]
fn the_crate_option() {
    assert!(
        super::derive(quote!(
            #[webchannel(crate = "my::webchannel")]
            enum A {
                X,
            }
        ))
        .is_ok()
    );
    assert_eq!(
        errors(quote!(
            #[webchannel(krate = "x")]
            enum A {
                X,
            }
        )),
        ["the only option of #[derive(webchannel::Enum)] is \
             `#[webchannel(crate = \"path::to::webchannel\")]`"]
    );
    assert_eq!(
        errors(quote!(
            #[webchannel(crate = "not a path")]
            enum A {
                X,
            }
        )),
        [
            "`crate` takes the path to the webchannel crate as a string: \
          `crate = \"my_crate::webchannel\"`"
        ]
    );
    assert_eq!(
        errors(quote!(
            #[webchannel(crate = "a", crate = "b")]
            enum A {
                X,
            }
        )),
        ["`crate` is given twice"]
    );
}

/// The impls emitted with the errors of a rejected input, as text.
fn fallback(item: TokenStream) -> String {
    match super::derive(item) {
        Ok(tokens) => panic!("expected errors, got {tokens}"),
        Err(rejected) => rejected.fallback.to_string(),
    }
}

#[test]
fn after_a_mistake_uses_of_the_type_still_compile() {
    let impls = fallback(quote!(
        enum Shape {
            Point,
            Circle(f64),
        }
    ));
    for expected in [
        "impl :: webchannel :: __private :: serde :: Serialize for Shape",
        "impl < 'de > :: webchannel :: __private :: serde :: Deserialize < 'de > for Shape",
        "impl :: webchannel :: __private :: PublishedEnum for Shape",
        "name : \"Shape\" , values : & []",
    ] {
        assert!(impls.contains(expected), "{expected} in {impls}");
    }
    let generic = fallback(quote!(
        #[webchannel(crate = "my::wc")]
        enum Wrapped<T> {
            A(T),
        }
    ));
    for expected in [
        "impl < T > my :: wc :: __private :: serde :: Serialize for Wrapped < T >",
        "impl < 'de , T > my :: wc :: __private :: serde :: Deserialize < 'de > for Wrapped < T >",
        "impl < T > my :: wc :: __private :: PublishedEnum for Wrapped < T > where Wrapped < T > : 'static",
    ] {
        assert!(generic.contains(expected), "{expected} in {generic}");
    }
}
