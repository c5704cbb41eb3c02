//! The record's integrity in the window, driven as a clinician would: signing a draft,
//! adding an addendum, a visit's history, the old-drafts warning, the first start that asks
//! for a passphrase, the unlock screen, the idle lock, and the offer of a backup when the
//! notebook cannot be opened.

use std::time::Duration;

use eframe::egui;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use upstream::model::{Patient, Visit, VisitKind, VisitStatus};
use upstream::store::{FileKind, Passphrase, Store};
use upstream::ui::{Action, AppState, NotebookGate, UpstreamApp};

fn app_harness(path: &std::path::Path) -> Harness<'static, UpstreamApp> {
    let app = UpstreamApp::new(Store::open(path).unwrap(), AppState::default());
    Harness::builder()
        .with_size([1366.0, 768.0])
        .build_ui_state(|ui, app: &mut UpstreamApp| app.ui(ui), app)
}

fn gate_harness(path: &std::path::Path) -> Harness<'static, NotebookGate> {
    let gate = NotebookGate::new(path, AppState::default());
    Harness::builder()
        .with_size([1366.0, 768.0])
        .build_ui_state(|ui, gate: &mut NotebookGate| gate.ui(ui), gate)
}

fn type_into<S>(harness: &mut Harness<'_, S>, label: &str, text: &str) {
    type_into_role(harness, Role::TextInput, label, text);
}

fn type_secret<S>(harness: &mut Harness<'_, S>, label: &str, text: &str) {
    type_into_role(harness, Role::PasswordInput, label, text);
}

fn type_into_role<S>(harness: &mut Harness<'_, S>, role: Role, label: &str, text: &str) {
    harness.get_by_role_and_label(role, label).focus();
    harness.run();
    harness.get_by_role_and_label(role, label).type_text(text);
    harness.run();
}

fn click<S>(harness: &mut Harness<'_, S>, label: &str) {
    harness.get_by_label(label).scroll_to_me();
    harness.run();
    harness.get_by_label(label).click();
    harness.run();
}

fn contains(bytes: &[u8], needle: &str) -> bool {
    bytes
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// A notebook with one patient and one draft visit, open on that visit.
fn ada_with_a_draft(path: &std::path::Path) -> Harness<'static, UpstreamApp> {
    let mut harness = app_harness(path);
    harness.run();
    click(&mut harness, "New patient");
    type_into(&mut harness, "New patient's name", "Ada Quill");
    click(&mut harness, "Create patient");
    click(&mut harness, "New visit");
    type_into(&mut harness, "Chief complaint", "R calf tightness");
    harness
}

#[test]
fn signing_a_draft_locks_it_and_an_addendum_then_appears_under_it_and_in_its_history() {
    let directory = tempfile::tempdir().unwrap();
    let mut harness = ada_with_a_draft(&directory.path().join("notebook.sqlite3"));

    click(&mut harness, "Sign visit");
    type_into(&mut harness, "Sign as", "Dr Ines Moreau");
    click(&mut harness, "Sign and lock");

    let record = harness.state().timeline()[0].clone();
    assert_eq!(record.visit.status, VisitStatus::Signed);
    assert_eq!(
        record.visit.signature.as_ref().map(|s| s.by.as_str()),
        Some("Dr Ines Moreau")
    );
    assert!(
        harness
            .query_by_label_contains("Signed by Dr Ines Moreau")
            .is_some()
    );
    // The note can no longer be typed into...
    assert!(
        harness
            .query_by_role_and_label(Role::TextInput, "Chief complaint")
            .is_none()
    );
    // ...and a change that reaches the store anyway is refused, plainly.
    let mut changed = record.visit.clone();
    changed.chief_complaint = "L calf".into();
    harness.state_mut().apply(Action::UpdateVisit(changed));
    harness.run();
    assert!(
        harness
            .state()
            .problem()
            .is_some_and(|p| p.contains("signed and cannot be changed"))
    );
    assert_eq!(
        harness.state().timeline()[0].visit.chief_complaint,
        "R calf tightness"
    );

    click(&mut harness, "Add an addendum");
    type_into(&mut harness, "Reason", "late entry");
    type_into_role(
        &mut harness,
        Role::MultilineTextInput,
        "Addendum",
        "Calf girth equal on both sides.",
    );
    click(&mut harness, "Add addendum");

    let addenda = &harness.state().timeline()[0].addenda;
    assert_eq!(addenda.len(), 1);
    assert_eq!(addenda[0].author, "Dr Ines Moreau");
    assert_eq!(addenda[0].text, "Calf girth equal on both sides.");
    // Shown in the visit list (the timeline) and under the visit.
    assert_eq!(
        harness
            .query_all_by_label_contains("by Dr Ines Moreau: late entry")
            .count(),
        2
    );
    assert!(
        harness
            .query_by_label_contains("Calf girth equal on both sides.")
            .is_some()
    );

    // The history names who did what: the visit added, changed as typed, signed, the
    // addendum.
    let history = harness.state().history().to_vec();
    assert!(history.iter().any(|e| e.summary().ends_with("added")));
    assert!(
        history
            .iter()
            .any(|e| e.actor == "Dr Ines Moreau" && e.table_name == "addendum")
    );
    assert!(history.iter().any(|e| {
        e.changes()
            .iter()
            .any(|c| c.starts_with("status: \"draft\" -> \"signed\""))
    }));
    click(
        &mut harness,
        &format!("History ({} changes)", history.len()),
    );
    assert!(
        harness
            .query_by_label_contains("addendum 1 added")
            .is_some()
    );
    assert!(harness.state().store().verify_audit().unwrap().is_intact());
}

#[test]
fn a_draft_opened_by_mistake_is_deleted_after_confirmation() {
    let directory = tempfile::tempdir().unwrap();
    let mut harness = ada_with_a_draft(&directory.path().join("notebook.sqlite3"));
    click(&mut harness, "Delete this draft");
    assert_eq!(harness.state().timeline().len(), 1, "asks first");
    click(&mut harness, "Delete draft");
    assert!(harness.state().timeline().is_empty());
    assert!(harness.state().store().verify_audit().unwrap().is_intact());
}

#[test]
fn unsigned_visits_older_than_the_set_days_are_listed_and_open_when_clicked() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    {
        let mut store = Store::open(&path).unwrap();
        let patient = store
            .create_patient(&crate::by(), &Patient::new("Ada Quill"))
            .unwrap();
        let now = chrono::Local::now().naive_local();
        for days_ago in [30, 3] {
            store
                .create_visit(
                    &crate::by(),
                    &Visit::new(
                        patient,
                        now - chrono::TimeDelta::days(days_ago),
                        VisitKind::FollowUp,
                    ),
                )
                .unwrap();
        }
    }
    let mut harness = app_harness(&path);
    harness.run();
    // Seven days by default: only the month-old draft.
    assert_eq!(harness.state().old_drafts().len(), 1);
    click(&mut harness, "1 unsigned visit older than 7 days");
    let old = harness.state().old_drafts()[0].1.clone();
    let label = format!("{}  Ada Quill", old.started_at.format("%Y-%m-%d"));
    click(&mut harness, &label);
    assert_eq!(harness.state().state.selected_visit, Some(old.id));

    let mut settings = harness.state().state.settings.clone();
    settings.draft_warning_days = 2;
    harness.state_mut().apply(Action::UpdateSettings(settings));
    harness.run();
    assert_eq!(harness.state().old_drafts().len(), 2);
}

#[test]
fn the_first_start_asks_for_a_passphrase_and_the_notebook_is_encrypted_on_disk() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let mut harness = gate_harness(&path);
    harness.run();
    assert!(harness.query_by_label("A new notebook").is_some());
    type_secret(&mut harness, "Passphrase", "correct horse");
    type_secret(&mut harness, "Passphrase again", "correct horse");
    click(&mut harness, "Create encrypted notebook");

    let app = harness.state().app().expect("the notebook opened");
    // The first start brings the demo clinic.
    assert!(app.patients().iter().any(|p| p.name == "Daniel Okafor"));
    assert!(app.store().is_encrypted());
    assert!(
        harness
            .query_by_label_contains("This notebook is not encrypted")
            .is_none()
    );
    // Nothing of the patients is readable in the files beside it.
    for entry in std::fs::read_dir(directory.path()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(!contains(&bytes, "Okafor"), "{:?}", entry.path());
        }
    }
    assert_eq!(upstream::store::probe(&path).unwrap(), FileKind::Encrypted);
}

#[test]
fn without_a_passphrase_the_notebook_opens_with_a_standing_warning() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let mut harness = gate_harness(&path);
    harness.run();
    click(&mut harness, "Continue without encryption");
    assert!(harness.state().app().is_some());
    assert!(
        harness
            .query_by_label_contains("This notebook is not encrypted")
            .is_some()
    );
}

#[test]
fn a_wrong_passphrase_is_said_plainly_changes_nothing_and_the_right_one_unlocks() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    {
        let mut store = Store::open_with(&path, &Passphrase::new("right one")).unwrap();
        store
            .create_patient(&crate::by(), &Patient::new("Ada Quill"))
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let mut harness = gate_harness(&path);
    harness.run();
    assert!(harness.state().is_locked());
    type_secret(&mut harness, "Passphrase", "wrong one");
    click(&mut harness, "Unlock");
    assert!(harness.state().is_locked());
    assert!(
        harness
            .query_by_label_contains("passphrase does not open")
            .is_some()
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);

    harness
        .get_by_role_and_label(Role::PasswordInput, "Passphrase")
        .focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.key_press(egui::Key::Backspace);
    harness.run();
    type_secret(&mut harness, "Passphrase", "right one");
    click(&mut harness, "Unlock");
    let app = harness.state().app().expect("unlocked");
    assert_eq!(app.patients()[0].name, "Ada Quill");
}

#[test]
fn the_window_locks_itself_when_idle_and_hides_every_patient_until_unlocked() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let mut harness = gate_harness(&path);
    harness.run();
    click(&mut harness, "Continue without encryption");
    click(&mut harness, "Daniel Okafor");
    assert!(harness.query_by_label("Daniel Okafor").is_some());
    harness.state_mut().set_idle_limit(Duration::from_secs(2));

    // Input keeps it open...
    for _ in 0..6 {
        harness.get_by_label("Maya Lindqvist").hover();
        harness.step();
        harness.get_by_label("Daniel Okafor").hover();
        harness.step();
    }
    assert!(harness.state().app().is_some());
    // ...and two quiet seconds (eight steps of a quarter second) lock it.
    harness.run_steps(10);
    assert!(harness.state().is_locked());
    assert!(harness.query_by_label_contains("Okafor").is_none());
    assert!(harness.query_by_label_contains("Lindqvist").is_none());
    assert!(harness.query_by_label("Upstream is locked").is_some());

    click(&mut harness, "Unlock");
    let app = harness.state().app().expect("unlocked");
    // Where the clinician was is kept; the patient's data is read again.
    assert_eq!(
        app.selected_patient().map(|p| p.name.as_str()),
        Some("Daniel Okafor")
    );
}

#[test]
fn a_notebook_that_cannot_be_opened_offers_the_newest_verified_backup() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    {
        let mut store = Store::open(&path).unwrap();
        store
            .create_patient(&crate::by(), &Patient::new("Ada Quill"))
            .unwrap();
        let folder = upstream::store::backup_folder(&path);
        let today = chrono::Local::now().date_naive();
        store
            .rotate_backups(&crate::by(), &folder, today.and_hms_opt(9, 0, 0).unwrap())
            .unwrap();
    }
    // The notebook is damaged past opening: its schema page overwritten behind the header.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[100..4096].fill(0x5a);
    let damaged = bytes.clone();
    std::fs::write(&path, &bytes).unwrap();

    let mut harness = gate_harness(&path);
    harness.run();
    assert!(
        harness
            .query_by_label("The notebook could not be opened")
            .is_some()
    );
    assert_eq!(std::fs::read(&path).unwrap(), damaged, "left untouched");
    click(&mut harness, "Look for a backup");
    assert!(
        harness
            .query_by_label_contains("(1 patients, 0 visits")
            .is_some()
    );
    harness.get_by_label_contains("Restore notebook-").click();
    harness.run();

    let app = harness.state().app().expect("opened from the backup");
    assert_eq!(app.patients()[0].name, "Ada Quill");
    // The damaged file was kept aside, not deleted.
    let kept = std::fs::read_dir(directory.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().contains("before-restore"));
    assert!(kept);
}

#[test]
fn a_passphrase_set_under_settings_encrypts_the_notebook_in_place() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let mut harness = gate_harness(&path);
    harness.run();
    click(&mut harness, "Continue without encryption");
    assert_eq!(upstream::store::probe(&path).unwrap(), FileKind::Plain);

    // Today's backup runs on its own connection first; a passphrase change waits for it.
    while harness.state().checking_pages()
        || harness.state().app().is_some_and(|app| app.task_running())
    {
        harness.step();
    }
    click(&mut harness, "Settings");
    type_secret(&mut harness, "New passphrase", "tall fence");
    type_secret(&mut harness, "New passphrase again", "tall fence");
    click(&mut harness, "Set passphrase");

    let app = harness.state().app().expect("still open");
    assert!(app.store().is_encrypted());
    assert!(app.patients().iter().any(|p| p.name == "Daniel Okafor"));
    assert!(
        harness
            .query_by_label_contains("This notebook is not encrypted")
            .is_none()
    );
    assert_eq!(upstream::store::probe(&path).unwrap(), FileKind::Encrypted);
    assert!(!contains(&std::fs::read(&path).unwrap(), "Okafor"));
}

#[test]
fn a_notebook_found_damaged_after_unlocking_is_closed_and_its_backup_offered() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    {
        let mut store = Store::open(&path).unwrap();
        let today = chrono::Local::now().date_naive();
        store
            .import(&crate::by(), &upstream::demo::clinic(today).unwrap())
            .unwrap();
        store
            .rotate_backups(
                &crate::by(),
                &upstream::store::backup_folder(&path),
                today.and_hms_opt(9, 0, 0).unwrap(),
            )
            .unwrap();
    }
    // A page in the middle damaged: opening reads only the first pages and succeeds.
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    let middle = bytes.len() / page / 2 * page;
    bytes[middle..middle + page].fill(0xa5);
    std::fs::write(&path, &bytes).unwrap();

    let mut harness = gate_harness(&path);
    harness.run();
    // The pages are read on a thread of their own; the window goes on meanwhile.
    while harness.state().checking_pages() {
        harness.step();
    }
    harness.run();
    assert!(harness.state().app().is_none(), "closed");
    assert!(harness.query_by_label_contains("is damaged").is_some());
    click(&mut harness, "Look for a backup");
    harness.get_by_label_contains("Restore notebook-").click();
    harness.run();
    let app = harness.state().app().expect("opened from the backup");
    assert!(app.patients().iter().any(|p| p.name == "Daniel Okafor"));
}

#[test]
fn the_sign_dialog_names_an_emergency_flag_of_the_visit_before_it_is_signed() {
    let directory = tempfile::tempdir().unwrap();
    let mut harness = ada_with_a_draft(&directory.path().join("notebook.sqlite3"));
    // No flag: the dialog says nothing of one.
    click(&mut harness, "Sign visit");
    assert!(
        harness
            .query_by_label_contains("Red flag at this visit")
            .is_none()
    );
    click(&mut harness, "Cancel");
    // Saddle numbness raises the cauda equina flag, an emergency.
    type_into(&mut harness, "Quick entry", "saddle numbness");
    harness.key_press(eframe::egui::Key::Enter);
    harness.run();
    click(&mut harness, "Sign visit");
    assert!(
        harness
            .query_by_label_contains(
                "Red flag at this visit: Possible cauda equina syndrome (Emergency)"
            )
            .is_some()
    );
    // It warns; it does not stop a clinician who has acted on it from signing.
    type_into(&mut harness, "Sign as", "Dr Ines Moreau");
    click(&mut harness, "Sign and lock");
    assert_eq!(
        harness.state().timeline()[0].visit.status,
        VisitStatus::Signed
    );
}

#[test]
fn a_flag_left_to_screen_is_listed_with_its_questions_and_named_in_the_sign_dialog() {
    let directory = tempfile::tempdir().unwrap();
    let mut harness = ada_with_a_draft(&directory.path().join("notebook.sqlite3"));
    // Hip pain in a patient whose age the record does not hold: the child hip flags are
    // not raised on it, but left to screen, asking for the age first.
    type_into(&mut harness, "Quick entry", "R hip pain");
    harness.key_press(eframe::egui::Key::Enter);
    harness.run();
    harness
        .get_by_label_contains("not raised, worth settling")
        .click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("Record the patient's age")
            .is_some()
    );
    assert!(
        harness
            .query_by_label_contains("Red flag at this visit")
            .is_none()
    );
    click(&mut harness, "Sign visit");
    assert!(
        harness
            .query_by_label_contains(
                "Not yet screened at this visit: Possible slipped capital femoral epiphysis"
            )
            .is_some()
    );
}

#[test]
fn the_sign_dialog_names_a_red_flag_only_the_visits_read_together_raise() {
    let directory = tempfile::tempdir().unwrap();
    let mut harness = ada_with_a_draft(&directory.path().join("notebook.sqlite3"));
    // A first visit for low back pain into the left thigh, signed.
    for line in ["low back pain 6/10", "L posterior thigh pain 5/10"] {
        type_into(&mut harness, "Quick entry", line);
        harness.key_press(eframe::egui::Key::Enter);
        harness.run();
    }
    click(&mut harness, "Sign visit");
    type_into(&mut harness, "Sign as", "Dr Ines Moreau");
    click(&mut harness, "Sign and lock");
    // The next visit charts a bladder symptom and nothing of the back: only the two
    // visits read together make it a cauda equina emergency.
    click(&mut harness, "New visit");
    type_into(&mut harness, "Chief complaint", "follow-up");
    type_into(&mut harness, "Quick entry", "urinary retention");
    harness.key_press(eframe::egui::Key::Enter);
    harness.run();
    click(&mut harness, "Sign visit");
    assert!(
        harness
            .query_by_label_contains(
                "Red flag across visits: New urinary retention after back or leg symptoms; \
                 red flag, emergency. Refer to: Emergency department"
            )
            .is_some()
    );
    // This visit's findings alone raise no cauda equina flag: without the course the
    // dialog would have been silent.
    assert!(
        harness
            .query_by_label_contains("Red flag at this visit: Possible cauda equina")
            .is_none()
    );
    // Once the visit's own findings raise it (saddle numbness), it is named once, as raised.
    click(&mut harness, "Cancel");
    type_into(&mut harness, "Quick entry", "saddle numbness");
    harness.key_press(eframe::egui::Key::Enter);
    harness.run();
    click(&mut harness, "Sign visit");
    assert!(
        harness
            .query_by_label_contains("Red flag at this visit: Possible cauda equina")
            .is_some()
    );
    assert!(
        harness
            .query_by_label_contains("Red flag across visits")
            .is_none()
    );
}

#[test]
fn a_raised_flag_shows_whom_to_refer_to_what_to_avoid_what_raised_it_and_what_argues_against_it() {
    let directory = tempfile::tempdir().unwrap();
    let mut harness = ada_with_a_draft(&directory.path().join("notebook.sqlite3"));
    for line in ["saddle numbness", "no urinary retention"] {
        type_into(&mut harness, "Quick entry", line);
        harness.key_press(eframe::egui::Key::Enter);
        harness.run();
    }
    for shown in [
        "RED FLAG  EMERGENCY: refer now",
        "Refer to: Emergency department",
        "Meanwhile avoid: ",
        "Raised by: saddle numbness",
        "Against it: no urinary retention",
    ] {
        assert!(
            harness.query_by_label_contains(shown).is_some(),
            "the panel does not show {shown:?}"
        );
    }
    // Denied symptoms argue against it; they never hide an emergency the saddle raises.
    assert!(
        harness
            .query_by_label_contains("No red flags raised")
            .is_none()
    );
}

#[test]
fn an_answer_to_a_flag_to_screen_is_charted_with_one_click_as_examined_and_not_present() {
    let directory = tempfile::tempdir().unwrap();
    let mut harness = ada_with_a_draft(&directory.path().join("notebook.sqlite3"));
    // Mid-back pain: cancer is to screen (thoracic pain), asking about weight loss.
    type_into(&mut harness, "Quick entry", "mid back pain");
    harness.key_press(eframe::egui::Key::Enter);
    harness.run();
    // The list sits under the hypotheses: scroll to it, as a user would.
    harness
        .get_by_label_contains("not raised, worth settling")
        .scroll_to_me();
    harness.run();
    harness
        .get_by_label_contains("not raised, worth settling")
        .click();
    harness.run();
    harness
        .get_by_label_contains("If confirmed, refer")
        .scroll_to_me();
    harness.run();
    harness
        .get_all_by_label("Unexplained weight loss")
        .next()
        .expect("a one-click answer")
        .click();
    harness.run();
    let findings = &harness.state().timeline()[0].findings;
    assert!(
        findings
            .iter()
            .any(|f| f.kind.as_str() == "unexplained_weight_loss"
                && f.presence == upstream::model::Presence::Absent),
        "{findings:?}"
    );
}

#[test]
fn editing_a_finding_in_the_table_keeps_what_the_table_does_not_show() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = ada_with_a_draft(&dir.path().join("notebook.sqlite3"));
    type_into(&mut harness, "Quick entry", "R EHL 4/5");
    harness.key_press(eframe::egui::Key::Enter);
    harness.run();
    let charted = harness.state().timeline()[0].findings[0].clone();
    assert!(charted.detail.strength.is_some(), "{charted:?}");
    // A note typed into the table's row: the grade, muscle and myotome stay.
    click(&mut harness, "Edit findings as a table");
    harness
        .get_by_role_and_label(Role::TextInput, "Note")
        .scroll_to_me();
    harness.run();
    type_into(&mut harness, "Note", "weaker than last week");
    let edited = &harness.state().timeline()[0].findings[0];
    assert_eq!(edited.note, "weaker than last week");
    assert_eq!(edited.detail, charted.detail, "{edited:?}");
}
