//! Every integration test, as modules of one test binary: each binary links the whole
//! app (eframe included), so one link instead of twelve keeps the test command fast.
//! `cargo test --test suite crash::` runs one module's tests.

// A panic is how a test or benchmark reports a failure: unwrap and expect are fine here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod corpus;
mod course;
mod crash;
mod crash_files;
mod demo;
mod documents;
mod exports;
mod fuzz;
mod integrity;
mod measures;
mod migrations;
mod note_search;
mod notebook;
mod reader;
mod reader_corpus;
mod reader_interventions;
mod reasoner;
mod record_detail;
mod record_safety;
mod red_flags_published;
mod red_flags_screen;
mod red_flags_world;
mod store;
mod ui;
mod ui_documents;
mod ui_lock;
mod ui_measures;
mod ui_reader;
mod ui_records;
mod ui_saving;
mod ui_timeline;
mod ui_typing;
mod vocabulary;

/// The clinician the tests' changes are recorded under.
pub fn by() -> upstream::store::Actor {
    named("Test Clinician")
}

/// An actor of this name.
pub fn named(name: &str) -> upstream::store::Actor {
    upstream::store::Actor::new(name).expect("a name with letters")
}

/// Ada Quill with one draft visit, the window open on it: the start of the window tests
/// that chart into a visit.
pub fn window_on_a_draft(
    path: &std::path::Path,
) -> (
    egui_kittest::Harness<'static, upstream::ui::UpstreamApp>,
    upstream::model::VisitId,
) {
    use upstream::model::{Patient, Visit, VisitKind};
    let mut store = upstream::store::Store::open(path).unwrap();
    let patient = store
        .create_patient(&by(), &Patient::new("Ada Quill"))
        .unwrap();
    let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
        .unwrap()
        .and_hms_opt(9, 30, 0)
        .unwrap();
    let visit = store
        .create_visit(&by(), &Visit::new(patient, at, VisitKind::FollowUp))
        .unwrap();
    let state = upstream::ui::AppState {
        selected_patient: Some(patient),
        selected_visit: Some(visit),
        ..upstream::ui::AppState::default()
    };
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1366.0, 768.0])
        .build_ui_state(
            |ui, app: &mut upstream::ui::UpstreamApp| app.ui(ui),
            upstream::ui::UpstreamApp::new(store, state),
        );
    harness.run();
    (harness, visit)
}

/// Steps frames until the window's background task ends; each step is a frame, the
/// thread runs meanwhile. Bounded, so a hang fails the test instead of stalling it.
pub fn until_task_done(harness: &mut egui_kittest::Harness<'_, upstream::ui::UpstreamApp>) {
    for _ in 0..100_000 {
        harness.step();
        if !harness.state().task_running() {
            return;
        }
        std::thread::yield_now();
    }
    panic!("the background task did not finish");
}
