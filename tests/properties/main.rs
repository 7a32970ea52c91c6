//! Property tests of every parser promvault runs on text it did not write, and of its round
//! trips. Each parser must, on any input, return (an error is fine) without panicking, within
//! [`harness::HANG`] and within [`harness::memory_bound`] bytes; each round trip must give back
//! what went in.
//!
//! The case count is small by default (CI); `PROMVAULT_PROPTEST_CASES` raises it and
//! `scripts/fuzz-long` runs every property for a given time (see `harness`). Failures found
//! by these properties are kept below each as plain regression tests.

#[path = "../integration/forms.rs"]
mod forms;
mod harness;
mod parsers;
mod regressions;
mod round_trips;
mod strategies;

#[global_allocator]
static ALLOCATOR: harness::Counting = harness::Counting;
