//! Documents from the window, driven as a clinician would: the clinic profile saved in
//! Settings, a visit's note written as PDF on a thread of its own, with the warning
//! that it is not encrypted, and referral letters started from the side panel's red flag
//! or selected source, edited, signed and found again in the record.

use crate::until_task_done;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use upstream::model::LetterUrgency;
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
    let role = role_of(label);
    harness.get_by_role_and_label(role, label).scroll_to_me();
    harness.run();
    harness.get_by_role_and_label(role, label).focus();
    harness.run();
    harness.get_by_role_and_label(role, label).type_text(text);
    harness.run();
}

/// Clicks a button that starts a task on its own thread and steps until the task is
/// done: the window repaints while it runs, so it cannot be run to a settled state until
/// then, however long the thread takes on a busy machine.
fn click_and_wait_for_the_task(harness: &mut Harness<'_, UpstreamApp>, label: &str) {
    harness.get_by_label(label).scroll_to_me();
    harness.run();
    harness.get_by_label(label).click();
    until_task_done(harness);
    harness.run();
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
    click_and_wait_for_the_task(&mut harness, "Visit note PDF (marked DRAFT)");
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

/// Points the documents' folder at `folder`, replacing the one it starts with.
fn save_pdfs_in(harness: &mut Harness<'_, UpstreamApp>, folder: &std::path::Path) {
    replace_text(harness, "Save PDFs in folder", folder.to_str().unwrap());
}

/// Selects all of a text field and types over it.
fn replace_text(harness: &mut Harness<'_, UpstreamApp>, label: &str, text: &str) {
    let role = role_of(label);
    harness.get_by_role_and_label(role, label).scroll_to_me();
    harness.run();
    harness.get_by_role_and_label(role, label).focus();
    harness.run();
    harness.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::A);
    harness.run();
    harness.get_by_role_and_label(role, label).type_text(text);
    harness.run();
}

fn field_text(harness: &Harness<'_, UpstreamApp>, label: &str) -> String {
    harness
        .get_by_role_and_label(role_of(label), label)
        .value()
        .unwrap_or_default()
}

/// The letter's paragraphs are multi-line fields; the rest are single lines.
fn role_of(label: &str) -> Role {
    match label {
        "Reason for referral"
        | "Findings that raised it"
        | "What has been done"
        | "What was avoided" => Role::MultilineTextInput,
        _ => Role::TextInput,
    }
}

/// Ada Quill's draft visit charted with a swollen, warm, painful calf (a red flag), and
/// the documents' folder pointed at `folder`.
fn calf_visit_with_a_red_flag(
    path: &std::path::Path,
    folder: &std::path::Path,
) -> (Harness<'static, UpstreamApp>, upstream::model::VisitId) {
    let (mut harness, visit) = crate::window_on_a_draft(path);
    type_into(
        &mut harness,
        "Quick entry",
        "R calf swelling 5; R calf warmth; R calf pain 6",
    );
    harness.key_press(eframe::egui::Key::Enter);
    harness.run();
    click(&mut harness, "Documents (PDF)");
    std::fs::create_dir_all(folder).unwrap();
    save_pdfs_in(&mut harness, folder);
    (harness, visit)
}

fn pdfs_in(folder: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect()
}

#[test]
fn a_letter_started_from_a_red_flag_is_addressed_to_its_referral_edited_signed_and_kept() {
    let directory = tempfile::tempdir().unwrap();
    let folder = directory.path().join("letters");
    let (mut harness, visit) =
        calf_visit_with_a_red_flag(&directory.path().join("notebook.sqlite3"), &folder);
    let flag = harness.state().assessment().unwrap().red_flags[0].clone();

    // The side panel's button opens the editor with the flag's referral target and what
    // to avoid already written.
    click(&mut harness, "Referral letter…");
    assert_eq!(harness.state().problem(), None);
    assert_eq!(field_text(&harness, "Letter to"), flag.refer_to);
    assert!(field_text(&harness, "Reason for referral").contains(&flag.title));
    assert!(field_text(&harness, "What was avoided").contains(&flag.avoid[0]));
    assert!(field_text(&harness, "Findings that raised it").contains("calf"));

    // The clinician names the GP and says what was done, then makes it.
    replace_text(
        &mut harness,
        "Letter to",
        "Dr Amara Okafor, Quay Street Surgery",
    );
    replace_text(
        &mut harness,
        "What has been done",
        "Examined today; no treatment given to the calf.",
    );
    click_and_wait_for_the_task(&mut harness, "Sign, keep in the record and write PDF");
    assert_eq!(harness.state().problem(), None);

    // Kept in the record, signed by the clinician, from this visit, as edited.
    let store = harness.state().store();
    let patient = harness.state().selected_patient().unwrap().id;
    let letters = store.letters(patient).unwrap();
    assert_eq!(letters.len(), 1);
    let letter = &letters[0];
    assert_eq!(
        letter.draft.recipient,
        "Dr Amara Okafor, Quay Street Surgery"
    );
    assert_eq!(
        letter.draft.done,
        "Examined today; no treatment given to the calf."
    );
    assert_eq!(letter.draft.visit_id, Some(visit));
    assert_eq!(letter.signed_by, harness.state().actor().name());
    assert_ne!(letter.draft.urgency, LetterUrgency::Routine);
    // The editor is closed and the letter is listed among the patient's documents.
    assert!(
        harness
            .query_by_role_and_label(Role::TextInput, "Letter to")
            .is_none()
    );
    assert!(
        harness
            .query_by_label_contains("Letter to Dr Amara Okafor, Quay Street Surgery of")
            .is_some()
    );
    // And its PDF says to whom, how soon and why.
    let written = pdfs_in(&folder);
    assert_eq!(written.len(), 1, "{written:?}");
    let text = pdf_extract::extract_text(&written[0]).unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Dr Amara Okafor"), "{text}");
    assert!(text.contains(letter.draft.urgency.plainly()), "{text}");
}

#[test]
fn a_letter_about_the_selected_source_asks_whom_it_is_to_before_it_can_be_signed() {
    let directory = tempfile::tempdir().unwrap();
    let folder = directory.path().join("letters");
    let (mut harness, _) =
        calf_visit_with_a_red_flag(&directory.path().join("notebook.sqlite3"), &folder);
    let source = harness.state().assessment().unwrap().hypotheses[0].clone();

    // The first of the sources ranked in the side panel.
    let row = format!("1. {}", source.name);
    harness.get_by_label_contains(&row).scroll_to_me();
    harness.run();
    harness.get_by_label_contains(&row).click();
    harness.run();
    click(&mut harness, "Referral letter about the selected source…");
    assert!(field_text(&harness, "Reason for referral").contains(&source.name));
    // A source names no one to send the patient to: the clinician must.
    assert_eq!(field_text(&harness, "Letter to"), "");
    assert!(
        harness
            .get_by_label("Sign, keep in the record and write PDF")
            .accesskit_node()
            .is_disabled()
    );
    type_into(
        &mut harness,
        "Letter to",
        "Sports physician, Harbour Clinic",
    );
    assert!(
        !harness
            .get_by_label("Sign, keep in the record and write PDF")
            .accesskit_node()
            .is_disabled()
    );
    click_and_wait_for_the_task(&mut harness, "Sign, keep in the record and write PDF");
    let patient = harness.state().selected_patient().unwrap().id;
    let letters = harness.state().store().letters(patient).unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(
        letters[0].draft.recipient,
        "Sports physician, Harbour Clinic"
    );
    assert!(letters[0].draft.reason.contains(&source.name));
    assert!(
        harness
            .query_by_label_contains("Letter to Sports physician, Harbour Clinic of")
            .is_some()
    );
    assert_eq!(pdfs_in(&folder).len(), 1);
}

#[test]
fn a_discarded_letter_leaves_nothing_in_the_record() {
    let directory = tempfile::tempdir().unwrap();
    let folder = directory.path().join("letters");
    let (mut harness, _) =
        calf_visit_with_a_red_flag(&directory.path().join("notebook.sqlite3"), &folder);
    click(&mut harness, "New referral letter…");
    type_into(&mut harness, "Letter to", "Podiatrist");
    type_into(&mut harness, "Reason for referral", "Orthotics review.");
    click(&mut harness, "Discard letter");
    let patient = harness.state().selected_patient().unwrap().id;
    assert!(harness.state().store().letters(patient).unwrap().is_empty());
    assert!(
        harness
            .query_by_role_and_label(Role::TextInput, "Letter to")
            .is_none()
    );
    assert!(pdfs_in(&folder).is_empty());
}
