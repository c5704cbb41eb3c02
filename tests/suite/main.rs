//! Every integration test, as modules of one test binary: each binary links the whole
//! app (eframe included), so one link instead of twelve keeps the test command fast.
//! `cargo test --test suite crash::` runs one module's tests.

mod cli;
mod corpus;
mod course;
mod crash;
mod crash_files;
mod demo;
mod fuzz;
mod integrity;
mod migrations;
mod reader;
mod reader_corpus;
mod reasoner;
mod record_detail;
mod record_safety;
mod store;
mod ui;
mod ui_reader;
mod ui_records;
mod ui_saving;
mod vocabulary;

/// The clinician the tests' changes are recorded under.
pub fn by() -> upstream::store::Actor {
    named("Test Clinician")
}

/// An actor of this name.
pub fn named(name: &str) -> upstream::store::Actor {
    upstream::store::Actor::new(name).expect("a name with letters")
}
