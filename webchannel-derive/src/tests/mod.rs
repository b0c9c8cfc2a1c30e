//! Tests of the whole pipeline: error messages of `check`, golden expansions, where
//! errors point, and that no input makes the macros panic.

mod errors;
mod golden;
mod never_panics;
mod spans;
