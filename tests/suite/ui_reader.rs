//! Quick entry through the reader (issue 11): what each part of the line became is shown
//! as it is typed; Enter charts what was read and leaves what was not in the field, with
//! its reason, the cursor still there.

use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use upstream::store::Store;
use upstream::ui::UpstreamApp;

fn open_on_a_draft(path: &std::path::Path) -> Harness<'static, UpstreamApp> {
    crate::window_on_a_draft(path).0
}

#[test]
fn a_line_with_an_unknown_word_charts_the_rest_and_keeps_the_word_and_the_cursor() {
    let directory = tempfile::tempdir().unwrap();
    let mut harness = open_on_a_draft(&directory.path().join("notebook.sqlite3"));
    harness
        .get_by_role_and_label(Role::TextInput, "Quick entry")
        .scroll_to_me();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Quick entry")
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Quick entry")
        .type_text("R calf tightness 4/10; bruxism; SLR neg bilat; calf cramp");
    harness.run();
    // As it is typed: what each part became, what is not read and why, what is asked.
    assert!(
        harness
            .query_by_label_contains("Enter charts: R calf tightness 4/10")
            .is_some()
    );
    assert!(
        harness
            .query_by_label_contains("Enter charts: SLR negative")
            .is_some()
    );
    assert!(
        harness
            .query_by_label_contains("Not read: \"bruxism\"")
            .is_some()
    );
    assert!(
        harness
            .query_by_label_contains("which side of the calf")
            .is_some()
    );

    harness.key_press(eframe::egui::Key::Enter);
    harness.run();
    let findings = &harness.state().timeline()[0].findings;
    let vocabulary = upstream::model::Vocabulary::builtin();
    let charted: Vec<String> = findings.iter().map(|f| f.describe(vocabulary)).collect();
    assert_eq!(
        charted,
        [
            "R calf tightness 4/10",
            "SLR negative, bilat back of the thigh"
        ]
    );
    // The word not read and the finding asked about stay, and so does the cursor.
    let field = harness.get_by_role_and_label(Role::TextInput, "Quick entry");
    assert_eq!(field.value().as_deref(), Some("bruxism; calf cramp"));
    assert!(field.is_focused());
}

#[test]
fn a_history_in_words_is_kept_and_the_conditions_in_it_are_read() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let mut harness = open_on_a_draft(&path);
    harness.get_by_label("Patient details").click();
    harness.run();
    let label = "History in your words (; between entries)";
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .type_text("runner; bruxism; hx of cancer (breast, 2019)");
    harness.run();
    // Saved when the field is left.
    harness
        .get_by_role_and_label(Role::TextInput, "Contact")
        .focus();
    harness.run();
    let patient = harness.state().selected_patient().unwrap();
    assert_eq!(
        patient.history,
        ["runner", "bruxism", "hx of cancer (breast, 2019)"]
    );
    assert!(
        harness
            .query_by_label_contains("Read from the words as: History of cancer")
            .is_some()
    );
    // The reasoner takes the condition; the rest is kept, not refused.
    let case = upstream::reasoner::Case::for_visit(patient, &harness.state().timeline()[0]);
    assert_eq!(case.history, ["cancer_history"]);
    assert_eq!(case.history_kept, ["runner", "bruxism"]);
    // And it is in the file.
    drop(harness);
    let store = Store::open(&path).unwrap();
    let saved = store.search_patients("quill", 1).unwrap().remove(0);
    assert_eq!(saved.history.len(), 3);
}

#[test]
fn a_note_typed_in_words_offers_its_findings_and_one_click_charts_them() {
    let directory = tempfile::tempdir().unwrap();
    let mut harness = open_on_a_draft(&directory.path().join("notebook.sqlite3"));
    let objective = || Role::MultilineTextInput;
    harness
        .get_by_role_and_label(objective(), "Objective")
        .focus();
    harness.run();
    // An Objective as written in a real note (tests/corpus: "SLR neg bilat", "FABER + L").
    harness
        .get_by_role_and_label(objective(), "Objective")
        .type_text("Lumbar ROM full. FABER + L (SI pain). SLR neg bilat. R calf tightness 4/10.");
    harness.run();
    // Offered once the note is saved (after the pause), not while it is typed.
    harness
        .get_by_role_and_label(Role::TextInput, "Quick entry")
        .focus();
    harness.run();
    assert!(harness.query_by_label("The note says").is_some());
    assert!(
        harness
            .query_by_label_contains("FABER positive, L sacroiliac region")
            .is_some()
    );

    harness
        .get_by_label("Chart all from the note")
        .scroll_to_me();
    harness.run();
    harness.get_by_label("Chart all from the note").click();
    harness.run();
    let record = &harness.state().timeline()[0];
    let vocabulary = upstream::model::Vocabulary::builtin();
    let charted: Vec<String> = record
        .findings
        .iter()
        .map(|f| format!("{} / {}", f.describe(vocabulary), f.note))
        .collect();
    assert!(
        charted
            .iter()
            .any(|c| c.starts_with("FABER positive, L sacroiliac region")
                && c.contains("from the note: \"FABER + L (SI pain)\"")),
        "{charted:?}"
    );
    assert!(
        charted.iter().any(|c| c.starts_with("SLR negative, bilat")),
        "{charted:?}"
    );
    assert!(
        charted
            .iter()
            .any(|c| c.starts_with("R calf tightness 4/10")),
        "{charted:?}"
    );
    // Charted, they are no longer offered.
    assert!(harness.query_by_label("The note says").is_none());
}
