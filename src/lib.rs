//! Upstream: an offline-first clinical notebook for a solo chiropractor or physical
//! therapist, with a referral reasoner that looks for the remote source of a complaint.
//!
//! `model` is pure data and the reader of the clinic's words; `reasoner` reads findings
//! against the cited knowledge base; `store` keeps the notebook; `notebook` holds the
//! operations that write to it. The window (`ui`) and the command line (`cli`) both stand
//! on those four: the window's views emit actions that `ui::UpstreamApp::apply` carries out
//! through `notebook` before reading back what the views and the reasoner show, and the
//! command line calls the same operations. ARCHITECTURE.md has the whole picture.

pub mod bench;
pub mod cli;
pub mod demo;
pub mod documents;
pub mod exports;
pub mod model;
pub mod notebook;
pub mod reasoner;
pub mod store;
pub mod ui;
