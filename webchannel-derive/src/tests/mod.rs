//! Tests of the whole pipeline: error messages of `check`, what is emitted with them,
//! golden expansions, where errors point, and that no input makes the macros panic.

mod errors;
mod fallback;
mod golden;
mod never_panics;
mod spans;
