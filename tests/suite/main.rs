//! Every integration test, as modules of one test binary: each binary links the whole
//! app (eframe included), so one link instead of twelve keeps the test command fast.
//! `cargo test --test suite crash::` runs one module's tests.

mod cli;
mod course;
mod crash;
mod demo;
mod fuzz;
mod integrity;
mod migrations;
mod reasoner;
mod store;
mod ui;
mod ui_records;
mod vocabulary;
