//! Tests of the whole pipeline: error messages of `check` and golden expansions.

mod errors;
mod golden;
mod spans;
