//! How the window saves what is typed (issue 10): a note is saved after a pause in typing
//! or when its field loses the focus, so one stretch of typing is one audit row and a
//! crash loses at most the pause; and a notebook that has gone missing beside its backups
//! is offered back rather than silently made anew.

use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use upstream::model::{Patient, Visit, VisitId};
use upstream::store::Store;
use upstream::ui::{AppState, NotebookGate, UpstreamApp};

/// Ada Quill with one draft visit, the window open on it. Time is driven by the test.
fn open_on_a_draft(path: &std::path::Path) -> (Harness<'static, UpstreamApp>, VisitId) {
    crate::window_on_a_draft(path)
}

/// The note's sections are multi-line fields; the rest single lines.
fn role_of(label: &str) -> Role {
    match label {
        "Subjective" | "Objective" | "Assessment" | "Plan" => Role::MultilineTextInput,
        _ => Role::TextInput,
    }
}

/// One frame at input time `seconds`.
fn at_time(harness: &mut Harness<'static, UpstreamApp>, seconds: f64) {
    harness.input_mut().time = Some(seconds);
    harness.step();
}

fn focus(harness: &mut Harness<'static, UpstreamApp>, label: &str, seconds: f64) {
    harness
        .get_by_role_and_label(role_of(label), label)
        .scroll_to_me();
    at_time(harness, seconds);
    harness.get_by_role_and_label(role_of(label), label).focus();
    at_time(harness, seconds);
}

fn type_at(harness: &mut Harness<'static, UpstreamApp>, label: &str, text: &str, seconds: f64) {
    harness
        .get_by_role_and_label(role_of(label), label)
        .type_text(text);
    at_time(harness, seconds);
}

/// The visit as another connection reads it from the file: what a crash would leave.
fn on_disk(path: &std::path::Path, visit: VisitId) -> Visit {
    Store::open(path).unwrap().visit(visit).unwrap()
}

/// The audit rows of the visit's own row: (action, bytes of before and after).
fn visit_rows(path: &std::path::Path, visit: VisitId) -> Vec<(String, usize)> {
    Store::open(path)
        .unwrap()
        .visit_history(visit)
        .unwrap()
        .into_iter()
        .filter(|entry| entry.table_name == "visit")
        .map(|entry| {
            let bytes = entry.before.map_or(0, |t| t.len()) + entry.after.map_or(0, |t| t.len());
            (entry.action, bytes)
        })
        .collect()
}

/// 3,000 characters of a clinician's note, as a text expander and fast typing give it.
fn long_note() -> String {
    let sentence = "Pt reports L SI pain 6/10 worse after standing, eases sitting; calf tight. ";
    sentence.repeat(3000 / sentence.len() + 1)[..3000].to_owned()
}

#[test]
fn a_3000_character_note_typed_in_two_stretches_writes_two_audit_rows() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let (mut harness, visit) = open_on_a_draft(&path);
    focus(&mut harness, "Subjective", 0.05);
    let note = long_note();
    // Ten characters every 0.1 s (a fast typist), with one 1.5 s pause halfway.
    let mut now = 0.1;
    let chunks: Vec<String> = note
        .chars()
        .collect::<Vec<_>>()
        .chunks(10)
        .map(|c| c.iter().collect())
        .collect();
    for (n, chunk) in chunks.iter().enumerate() {
        type_at(&mut harness, "Subjective", chunk, now);
        now += 0.1;
        if n + 1 == chunks.len() / 2 {
            now += 1.5;
            at_time(&mut harness, now);
        }
    }
    now += 1.2;
    at_time(&mut harness, now);
    assert_eq!(on_disk(&path, visit).subjective, note);

    // One row for the visit's creation, then one for each stretch of typing. Before, every
    // keystroke wrote the whole visit twice (3,000 rows, about 14 MiB for this note).
    let rows = visit_rows(&path, visit);
    let actions: Vec<&str> = rows.iter().map(|(action, _)| action.as_str()).collect();
    assert_eq!(actions, ["insert", "update", "update"]);
    let bytes: usize = rows.iter().map(|(_, bytes)| bytes).sum();
    eprintln!(
        "a {}-character note typed in two stretches: {} audit rows for the visit, {bytes} bytes",
        note.len(),
        rows.len()
    );
    assert!(bytes < 4 * note.len() + 4096, "{bytes} bytes of audit");
}

#[test]
fn typing_reaches_the_file_after_a_one_second_pause_or_when_the_field_is_left() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let (mut harness, visit) = open_on_a_draft(&path);
    focus(&mut harness, "Subjective", 0.1);
    type_at(&mut harness, "Subjective", "calf tight after long run", 0.2);
    // Shown at once, kept in memory while the typing may go on...
    assert!(
        harness
            .query_by_label_contains("calf tight after long run")
            .is_some()
            || harness
                .get_by_role_and_label(Role::MultilineTextInput, "Subjective")
                .value()
                .is_some_and(|v| v.contains("calf tight"))
    );
    at_time(&mut harness, 0.9);
    assert_eq!(
        on_disk(&path, visit).subjective,
        "",
        "saved before the pause ended"
    );
    // ...and on disk once a second has passed without a keystroke: a crash from here on
    // loses nothing of it.
    at_time(&mut harness, 1.3);
    assert_eq!(
        on_disk(&path, visit).subjective,
        "calf tight after long run"
    );

    // Leaving the field saves at once, without waiting for the pause.
    type_at(&mut harness, "Subjective", "; R lat ankle pain", 1.4);
    focus(&mut harness, "Plan", 1.5);
    assert_eq!(
        on_disk(&path, visit).subjective,
        "calf tight after long run; R lat ankle pain"
    );
}

#[test]
fn signing_straight_after_typing_signs_what_was_typed() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let (mut harness, visit) = open_on_a_draft(&path);
    harness.state_mut().state.settings.clinician = "Dr Ines Moreau".into();
    focus(&mut harness, "Plan", 0.1);
    type_at(&mut harness, "Plan", "HEP calf stretches 3x30s", 0.2);
    // Straight from the keyboard to the Sign button: no pause to save the typing.
    for label in ["Sign visit", "Sign as", "Sign and lock"] {
        harness.get_by_label(label).scroll_to_me();
        harness.run();
        if label == "Sign as" {
            harness
                .get_by_role_and_label(Role::TextInput, label)
                .focus();
            harness.run();
            harness
                .get_by_role_and_label(Role::TextInput, label)
                .type_text("Dr Ines Moreau");
        } else {
            harness.get_by_label(label).click();
        }
        harness.run();
    }
    let signed = on_disk(&path, visit);
    assert!(
        signed.is_signed(),
        "{:?} {:?}",
        harness.state().problem(),
        signed
    );
    assert_eq!(signed.plan, "HEP calf stretches 3x30s");
    // The typing was recorded under the clinician of Settings, not the computer's login.
    let history = Store::open(&path).unwrap().visit_history(visit).unwrap();
    assert!(
        history
            .iter()
            .skip(1)
            .all(|entry| entry.actor == "Dr Ines Moreau"),
        "{:?}",
        history.iter().map(|e| &e.actor).collect::<Vec<_>>()
    );
}

#[test]
fn a_missing_notebook_beside_its_backups_is_offered_back_not_made_anew() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    {
        let mut store = Store::open(&path).unwrap();
        store
            .create_patient(&crate::by(), &Patient::new("Ada Quill"))
            .unwrap();
        let now = chrono::Local::now().naive_local();
        store
            .rotate_backups(&crate::by(), &upstream::store::backup_folder(&path), now)
            .unwrap()
            .expect("today's backup");
    }
    // The notebook is gone (a sync client, a careless clean-up): only its backups are left.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let gate = NotebookGate::new(&path, AppState::default());
    let mut harness = Harness::builder()
        .with_size([1366.0, 768.0])
        .build_ui_state(|ui, gate: &mut NotebookGate| gate.ui(ui), gate);
    harness.run();
    // Not the first-start screen, and no empty notebook made behind the clinician's back.
    assert!(harness.query_by_label("A new notebook").is_none());
    assert!(
        harness
            .query_by_label("The notebook could not be opened")
            .is_some()
    );
    assert!(
        harness
            .query_by_label_contains("is missing or empty")
            .is_some()
    );
    assert!(!path.exists());

    harness.get_by_label("Look for a backup").click();
    harness.run();
    harness.get_by_label_contains("Restore notebook-").click();
    harness.run();
    let app = harness.state().app().expect("opened from the backup");
    assert_eq!(app.patients()[0].name, "Ada Quill");
}
