//! Documents from the window, driven as a clinician would: the clinic profile saved in
//! Settings, and a visit's note written as PDF on a thread of its own, with the warning
//! that it is not encrypted.

use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use upstream::store::Store;
use upstream::ui::{AppState, UpstreamApp};

fn app_harness(path: &std::path::Path) -> Harness<'static, UpstreamApp> {
    let app = UpstreamApp::new(Store::open(path).unwrap(), AppState::default());
    Harness::builder()
        .with_size([1366.0, 900.0])
        .build_ui_state(|ui, app: &mut UpstreamApp| app.ui(ui), app)
}

fn click(harness: &mut Harness<'_, UpstreamApp>, label: &str) {
    harness.get_by_label(label).scroll_to_me();
    harness.run();
    harness.get_by_label(label).click();
    harness.run();
}

fn type_into(harness: &mut Harness<'_, UpstreamApp>, label: &str, text: &str) {
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .scroll_to_me();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    harness.run();
}

fn until_task_done(harness: &mut Harness<'_, UpstreamApp>) {
    for _ in 0..100_000 {
        harness.step();
        if !harness.state().task_running() {
            return;
        }
        std::thread::yield_now();
    }
    panic!("the background task did not finish");
}

#[test]
fn the_clinic_profile_saved_in_settings_heads_the_visit_note_written_from_the_window() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let mut harness = app_harness(&path);
    harness.run();

    click(&mut harness, "Clinic profile (heads every PDF)");
    type_into(&mut harness, "Practice", "Harbour Spine & Sport");
    type_into(&mut harness, "Name on documents", "Dana Whitfield");
    type_into(&mut harness, "Credentials", "DC");
    click(&mut harness, "Save clinic profile");
    assert_eq!(harness.state().problem(), None);
    let profile = harness.state().store().clinic_profile().unwrap();
    assert_eq!(profile.practice, "Harbour Spine & Sport");
    assert_eq!(profile.signing_name(), "Dana Whitfield, DC");

    click(&mut harness, "New patient");
    type_into(&mut harness, "New patient's name", "Ada Quill");
    click(&mut harness, "Create patient");
    click(&mut harness, "New visit");
    type_into(&mut harness, "Chief complaint", "R calf tightness");

    click(&mut harness, "Documents (PDF)");
    harness.get_by_label_contains("A PDF is not encrypted");
    let folder = directory.path().join("out");
    std::fs::create_dir(&folder).unwrap();
    let field = harness.get_by_role_and_label(Role::TextInput, "Save PDFs in folder");
    field.focus();
    harness.run();
    harness.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::A);
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Save PDFs in folder")
        .type_text(folder.to_str().unwrap());
    harness.run();
    click(&mut harness, "Visit note PDF (marked DRAFT)");
    until_task_done(&mut harness);
    let said = match harness.state().task_outcome() {
        Some(Ok(done)) => done.to_string(),
        other => panic!("the PDF was not written: {other:?}"),
    };
    assert!(said.contains("not encrypted"), "{said}");
    let written: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    let text = pdf_extract::extract_text(&written[0]).unwrap();
    assert!(text.contains("Harbour Spine & Sport"), "{text}");
    assert!(text.contains("R calf tightness"), "{text}");
    assert!(text.contains("DRAFT"), "{text}");
}
