//! Macro UI tests: every `ui/pass/*.rs` compiles, every `ui/fail/*.rs` fails with exactly
//! the `.stderr` beside it. `TRYBUILD=overwrite cargo test -p webchannel-tests --test ui`
//! re-blesses the expected output after a deliberate change.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}
