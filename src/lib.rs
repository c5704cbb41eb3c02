//! Upstream: an offline-first clinical notebook for a solo chiropractor or physical
//! therapist, with a referral reasoner that looks for the remote source of a complaint.
//!
//! Data flows one way: `store` -> `model` -> `ui`; the UI's actions come back through
//! `ui::UpstreamApp::apply`, and the command line in `cli` drives the same core.

pub mod bench;
pub mod cli;
pub mod demo;
pub mod model;
pub mod reasoner;
pub mod store;
pub mod ui;
