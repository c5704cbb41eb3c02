//! The notebook's operations: the window and the command line write through the same
//! functions, so a line charted in one is charted the same way in the other, and what one
//! refuses the other refuses.

use std::io::Write;
use std::process::{Command, Stdio};

use eframe::egui;
use eframe::egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use upstream::model::{Patient, Visit, VisitId, VisitKind};
use upstream::notebook::{self, DemoInto, NotebookError};
use upstream::store::Store;

/// Runs `upstream apply` on `db` with `lines`, returning its stdout and stderr.
fn apply(db: &std::path::Path, lines: &str) -> (String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_upstream"))
        .env("UPSTREAM_CLINICIAN", "Test Clinician")
        .env_remove("UPSTREAM_DB")
        .env_remove("UPSTREAM_PASSPHRASE")
        .arg("--db")
        .arg(db)
        .arg("apply")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn findings_at(db: &std::path::Path, visit: VisitId) -> usize {
    let store = Store::open(db).unwrap();
    let patient = store.visit(visit).unwrap().patient_id;
    store
        .timeline(patient)
        .unwrap()
        .into_iter()
        .find(|record| record.visit.id == visit)
        .unwrap()
        .findings
        .len()
}

#[test]
fn a_line_charted_in_the_window_is_not_charted_again_by_apply_and_apply_says_so() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let (mut harness, visit) = crate::window_on_a_draft(&db);
    let line = "R calf tightness 4/10; SLR neg bilat";
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
        .type_text(line);
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert_eq!(harness.state().problem(), None);
    assert_eq!(harness.state().timeline()[0].findings.len(), 2);
    drop(harness);

    // The same line from a script: nothing is charted twice, and the line says which.
    let (out, err) = apply(
        &db,
        &format!(
            "{}\n",
            serde_json::json!({ "op": "findings", "visit": visit.0, "text": line })
        ),
    );
    assert_eq!(err, "", "the line is applied, not refused");
    let committed: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(committed["ids"], serde_json::json!([]));
    let repeated: Vec<String> = serde_json::from_value(committed["repeated"].clone()).unwrap();
    assert_eq!(repeated.len(), 2, "{repeated:?}");
    assert!(repeated.iter().any(|r| r.contains("calf")), "{repeated:?}");
    assert_eq!(findings_at(&db, visit), 2);

    // A new finding on the same line is charted; the one already there is not.
    let (out, _) = apply(
        &db,
        &format!(
            "{}\n",
            serde_json::json!({ "op": "findings", "visit": visit.0, "text": "R calf tightness 4/10; L SI pain 6" })
        ),
    );
    let committed: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(committed["ids"].as_array().unwrap().len(), 1);
    assert_eq!(findings_at(&db, visit), 3);
}

fn a_draft(store: &mut Store) -> VisitId {
    let patient = store
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
        .unwrap()
        .and_hms_opt(9, 30, 0)
        .unwrap();
    store
        .create_visit(&crate::by(), &Visit::new(patient, at, VisitKind::FollowUp))
        .unwrap()
}

#[test]
fn a_line_with_nothing_read_is_refused_saying_why_and_charts_nothing() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let mut store = Store::open(&db).unwrap();
    let visit = a_draft(&mut store);
    let refused = notebook::chart_findings(&mut store, &crate::by(), visit, "qwxz blorp");
    match refused {
        Err(NotebookError::NothingRead { entry, what, why }) => {
            assert_eq!(entry, "qwxz blorp");
            assert_eq!(what, "a finding");
            assert!(!why.is_empty());
        }
        other => panic!("not refused as unread: {other:?}"),
    }
    let refused = notebook::chart_interventions(&mut store, &crate::by(), visit, "qwxz blorp");
    assert!(matches!(refused, Err(NotebookError::NothingRead { .. })));
    drop(store);
    assert_eq!(findings_at(&db, visit), 0);
}

#[test]
fn the_demo_clinic_goes_into_a_notebook_with_patients_only_when_asked() {
    let mut store = Store::open_in_memory().unwrap();
    a_draft(&mut store);
    let refused = notebook::add_demo_clinic(&mut store, &crate::by(), DemoInto::EmptyNotebook);
    assert!(matches!(
        refused,
        Err(NotebookError::NotEmpty { patients: 1 })
    ));
    assert_eq!(store.patient_count().unwrap(), 1, "nothing was added");
    let added = notebook::add_demo_clinic(&mut store, &crate::by(), DemoInto::AnyNotebook).unwrap();
    assert_eq!(store.patient_count().unwrap(), 1 + added.patients as i64);
}

#[test]
fn a_visit_dated_ahead_is_signed_as_dated_and_said_so() {
    let mut store = Store::open_in_memory().unwrap();
    let patient = store
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let ahead = (chrono::Local::now().date_naive() + chrono::TimeDelta::days(2))
        .and_hms_opt(9, 30, 0)
        .unwrap();
    let visit = store
        .create_visit(
            &crate::by(),
            &Visit::new(patient, ahead, VisitKind::FollowUp),
        )
        .unwrap();
    let signed = notebook::sign(&mut store, &crate::by(), visit).unwrap();
    assert_eq!(signed.dated_ahead, Some(ahead));
    assert_eq!(signed.signature.by, "Test Clinician");
    assert!(!signed.chain.is_empty());
    assert!(store.visit(visit).unwrap().is_signed());
    let again = notebook::sign(&mut store, &crate::by(), visit);
    assert!(again.is_err(), "a signed visit is not signed twice");
}

#[test]
fn a_name_with_no_letters_stands_on_no_record() {
    assert!(matches!(
        notebook::actor_named("  \u{200b} "),
        Err(NotebookError::Nameless(_))
    ));
    assert_eq!(notebook::actor_named("Dr. Lee").unwrap().name(), "Dr. Lee");
}

#[test]
fn a_backup_is_put_back_opened_and_recorded_in_one_call() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let backup = directory.path().join("backup.sqlite3");
    let rows_in_backup = {
        let mut store = Store::open(&db).unwrap();
        notebook::create_patient(&mut store, &crate::by(), &Patient::new("Ada Quill")).unwrap();
        notebook::back_up_to(&store, &crate::by(), &backup).unwrap();
        let rows = Store::open(&backup).unwrap().verify_audit().unwrap().rows;
        notebook::create_patient(&mut store, &crate::by(), &Patient::new("Later Patient")).unwrap();
        rows
    };
    let restored = notebook::restore_backup(
        &db,
        &backup,
        &upstream::store::Passphrase::none(),
        Some(crate::named("Dr Restorer")),
    )
    .unwrap();
    let names: Vec<String> = restored
        .store
        .search_patients("", 10)
        .unwrap()
        .into_iter()
        .map(|patient| patient.name)
        .collect();
    assert_eq!(names, ["Ada Quill"], "the notebook is the backup's");
    assert!(
        restored
            .report
            .set_aside
            .as_ref()
            .is_some_and(|p| p.exists()),
        "the notebook that was there is kept aside"
    );
    let audit = restored.store.verify_audit().unwrap();
    assert!(audit.is_intact());
    assert!(
        audit.rows > rows_in_backup,
        "the restore is recorded in the restored notebook"
    );
}
