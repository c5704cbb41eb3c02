//! The record's integrity (issue 5), as a user and as an attacker with a database shell
//! would meet it: signed visits and their findings and interventions locked against raw
//! SQL, addenda in the timeline and the export, the audit trail catching rows edited,
//! deleted or inserted by hand and data changed around it, a visit's history, encryption
//! at rest, wrong and missing passphrases, restore refusing every kind of bad file,
//! backups and their daily rotation, a second instance, a full disk, a missing folder,
//! files that must never be overwritten, and changing the passphrase.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use upstream::model::{
    Finding, Intervention, InterventionKind, Patient, PatientId, Side, Visit, VisitId, VisitKind,
    VisitStatus,
};
use upstream::store::{self, NotebookLock, Passphrase, Store, StoreError};

// ----- helpers -----

/// Runs the binary on `db`, with `passphrase` (if any) as `UPSTREAM_PASSPHRASE` and
/// nothing inherited from the environment that would choose another notebook or key.
fn upstream(db: &Path, passphrase: Option<&str>, args: &[&str]) -> Output {
    upstream_with(db, passphrase, args, &[], None)
}

fn upstream_with(
    db: &Path,
    passphrase: Option<&str>,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&str>,
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_upstream"));
    command.env("UPSTREAM_CLINICIAN", "Test Clinician");
    command
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("UPSTREAM_DB")
        .env_remove("UPSTREAM_PASSPHRASE")
        .env_remove("UPSTREAM_NEW_PASSPHRASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(passphrase) = passphrase {
        command.env("UPSTREAM_PASSPHRASE", passphrase);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("run upstream");
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            // A command that refuses at once (a lock held, a missing folder) may be gone
            // before it reads its input; what it says is checked from its output.
            if let Err(error) = input.write_all(text.as_bytes()) {
                assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe, "{error}");
            }
        }
    }
    child.wait_with_output().unwrap()
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[track_caller]
pub(crate) fn succeeds(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        stdout(output),
        stderr(output)
    );
    stdout(output)
}

/// The exit is a failure and stderr says `expected`; returns stderr.
#[track_caller]
pub(crate) fn fails_saying(output: &Output, expected: &str) -> String {
    let message = stderr(output);
    assert!(
        !output.status.success(),
        "expected a failure saying `{expected}`, it succeeded: {}",
        stdout(output)
    );
    assert!(
        message.contains(expected),
        "expected `{expected}` in: {message}"
    );
    message
}

pub(crate) fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

/// `path` with `suffix` appended to its file name ("-wal", ".lock").
pub(crate) fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Every file in `folder` with its bytes.
fn folder_bytes(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read(entry.path()).unwrap_or_default(),
            )
        })
        .collect()
}

/// A connection such as anyone with the file and a SQLite library has: no Upstream
/// functions, but the key if they know it.
fn raw(path: &Path, passphrase: Option<&str>) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))
        .unwrap();
    if let Some(key) = passphrase {
        conn.pragma_update(None, "key", key).unwrap();
    }
    conn
}

/// An attacker who went further than a shell: stand-ins for the two functions the audit
/// triggers call are registered, so every trigger of the schema runs as it does in
/// Upstream and only the schema's own rules stand in the way.
fn attacker(path: &Path) -> Connection {
    let conn = raw(path, None);
    conn.create_scalar_function("upstream_actor", 0, FunctionFlags::SQLITE_UTF8, |_| {
        Ok("mallory".to_owned())
    })
    .unwrap();
    conn.create_scalar_function(
        "upstream_audit_hash",
        10,
        FunctionFlags::SQLITE_UTF8,
        |_| Ok("forged".to_owned()),
    )
    .unwrap();
    conn
}

/// The statement fails and changes nothing; returns SQLite's message.
#[track_caller]
fn refused(conn: &Connection, sql: &str) -> String {
    match conn.execute(sql, []) {
        Ok(changed) => panic!("`{sql}` was allowed and changed {changed} rows"),
        Err(error) => error.to_string(),
    }
}

fn finding(visit: VisitId, kind: &str, region: &str, side: Side, intensity: u8) -> Finding {
    let mut finding = Finding::new(kind, Some(region), side)
        .with_intensity(intensity)
        .unwrap();
    finding.visit_id = visit;
    finding
}

fn intervention(visit: VisitId, target: &str) -> Intervention {
    let mut intervention = Intervention::new(InterventionKind::SoftTissue, target, Side::Right);
    intervention.visit_id = visit;
    intervention.dose = "8 min".into();
    intervention
}

/// A patient with a signed visit (one finding, one intervention) and a draft visit (one
/// finding), as a clinician would leave them after a morning.
struct Clinic {
    patient: PatientId,
    signed: VisitId,
    draft: VisitId,
}

fn small_clinic(store: &mut Store) -> Clinic {
    small_clinic_by(store, &crate::by())
}

fn small_clinic_by(store: &mut Store, who: &upstream::store::Actor) -> Clinic {
    let patient = store
        .create_patient(who, &Patient::new("Ada Quill"))
        .unwrap();
    let signed = store
        .create_visit(
            who,
            &Visit::new(patient, at("2026-03-02 09:30"), VisitKind::InitialExam),
        )
        .unwrap();
    store
        .add_finding(who, &finding(signed, "pain", "si_joint", Side::Left, 6))
        .unwrap();
    store
        .add_intervention(who, &intervention(signed, "soleus"))
        .unwrap();
    store
        .sign_visit(&crate::named("Dr. Sam Reyes"), signed)
        .unwrap();
    let draft = store
        .create_visit(
            who,
            &Visit::new(patient, at("2026-03-09 09:30"), VisitKind::FollowUp),
        )
        .unwrap();
    store
        .add_finding(who, &finding(draft, "tightness", "calf", Side::Right, 4))
        .unwrap();
    Clinic {
        patient,
        signed,
        draft,
    }
}

/// A notebook made by `upstream demo` (with `passphrase`, if any).
fn demo_notebook(directory: &Path, name: &str, passphrase: Option<&str>) -> PathBuf {
    let db = directory.join(name);
    let out = succeeds(&upstream(&db, passphrase, &["demo"]));
    assert!(out.contains("8 patients"), "{out}");
    db
}

fn patient_names(store: &Store) -> Vec<String> {
    let mut names: Vec<String> = store
        .search_patients("", 1000)
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    names.sort();
    names
}

// ----- signed visits -----

#[test]
fn a_signed_visit_and_what_was_charted_at_it_refuse_raw_sql() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let clinic = {
        let mut store = Store::open(&path).unwrap();
        small_clinic(&mut store)
    };
    let before = Store::open(&path)
        .unwrap()
        .timeline(clinic.patient)
        .unwrap();
    let signed = clinic.signed.0;
    let signed_finding = before[0].findings[0].id.0;
    let signed_intervention = before[0].interventions[0].id.0;
    let attacks = [
        format!("UPDATE visit SET chief_complaint = 'rewritten' WHERE id = {signed}"),
        format!(
            "UPDATE visit SET status = 'draft', signed_by = NULL, signed_at = NULL WHERE id = {signed}"
        ),
        format!("UPDATE visit SET signed_by = 'someone else' WHERE id = {signed}"),
        format!("DELETE FROM visit WHERE id = {signed}"),
        format!(
            "INSERT INTO finding (visit_id, kind, region, side, intensity) VALUES ({signed}, 'pain', 'calf', 'left', 9)"
        ),
        format!("UPDATE finding SET intensity = 1 WHERE id = {signed_finding}"),
        format!(
            "UPDATE finding SET visit_id = {} WHERE id = {signed_finding}",
            clinic.draft.0
        ),
        format!("DELETE FROM finding WHERE id = {signed_finding}"),
        format!(
            "INSERT INTO intervention (visit_id, kind, target) VALUES ({signed}, 'stretch', 'calf')"
        ),
        format!("UPDATE intervention SET dose = '80 min' WHERE id = {signed_intervention}"),
        format!("DELETE FROM intervention WHERE id = {signed_intervention}"),
    ];

    // A bare connection (a sqlite3 shell) cannot change clinical data at all.
    let shell = raw(&path, None);
    for sql in &attacks {
        refused(&shell, sql);
    }
    drop(shell);

    // With the audit functions stood in for, it is the signature that refuses.
    let conn = attacker(&path);
    for sql in &attacks {
        let message = refused(&conn, sql);
        assert!(message.contains("signed"), "`{sql}`: {message}");
    }
    // The same connection can change the draft: the lock is the signature, nothing else.
    let draft_finding = before[1].findings[0].id.0;
    assert_eq!(
        conn.execute(
            &format!("UPDATE finding SET intensity = 2 WHERE id = {draft_finding}"),
            []
        )
        .unwrap(),
        1
    );
    drop(conn);

    let store = Store::open(&path).unwrap();
    let after = store.timeline(clinic.patient).unwrap();
    assert_eq!(after[0], before[0], "the signed visit is as it was signed");
    assert_eq!(after[1].findings[0].intensity.map(|i| i.value()), Some(2));
}

#[test]
fn the_store_edits_drafts_refuses_signed_visits_and_signs_once_with_a_name() {
    let mut store = Store::open_in_memory().unwrap();
    let clinic = small_clinic(&mut store);

    // A draft is edited freely.
    let mut draft = store.visit(clinic.draft).unwrap();
    draft.subjective = "calf better after stretching".into();
    store.update_visit(&crate::by(), &draft).unwrap();
    let added = store
        .add_finding(
            &crate::by(),
            &finding(clinic.draft, "pain", "ankle_lateral", Side::Right, 3),
        )
        .unwrap();
    let mut changed = store.timeline(clinic.patient).unwrap()[1].findings[0].clone();
    changed.intensity = upstream::model::Intensity::new(1).ok();
    store.update_finding(&crate::by(), &changed).unwrap();
    store.delete_finding(&crate::by(), added).unwrap();
    store
        .add_intervention(&crate::by(), &intervention(clinic.draft, "gastrocnemius"))
        .unwrap();
    let record = &store.timeline(clinic.patient).unwrap()[1];
    assert_eq!(record.visit.subjective, "calf better after stretching");
    assert_eq!(record.findings.len(), 1);
    assert_eq!(record.findings[0].intensity.map(|i| i.value()), Some(1));
    assert_eq!(record.interventions[0].target, "gastrocnemius");

    // The signed one is not, through any door of the store.
    let signed_before = store.timeline(clinic.patient).unwrap()[0].clone();
    let mut visit = signed_before.visit.clone();
    visit.plan = "changed after signing".into();
    let errors = [
        store.update_visit(&crate::by(), &visit).unwrap_err(),
        store
            .add_finding(
                &crate::by(),
                &finding(clinic.signed, "pain", "calf", Side::Left, 2),
            )
            .unwrap_err(),
        store
            .delete_finding(&crate::by(), signed_before.findings[0].id)
            .unwrap_err(),
        store
            .update_finding(&crate::by(), &signed_before.findings[0].clone())
            .unwrap_err(),
        store
            .delete_intervention(&crate::by(), signed_before.interventions[0].id)
            .unwrap_err(),
        store
            .delete_draft_visit(&crate::by(), clinic.signed)
            .unwrap_err(),
        store
            .restore_visit(
                &crate::by(),
                &upstream::model::VisitRecord {
                    findings: Vec::new(),
                    ..signed_before.clone()
                },
            )
            .unwrap_err(),
    ];
    for error in errors {
        assert!(matches!(error, StoreError::Refused(_)), "{error}");
        assert!(error.to_string().contains("signed"), "{error}");
    }
    assert_eq!(store.timeline(clinic.patient).unwrap()[0], signed_before);

    // Signing needs a name, and happens once.
    // A name with nothing visible in it cannot stand on the record.
    assert!(upstream::store::Actor::new("   ").is_none());
    assert!(upstream::store::Actor::new("\u{200B}\u{2060}\u{1b}").is_none());
    assert_eq!(
        store.visit(clinic.draft).unwrap().status,
        VisitStatus::Draft
    );
    let signature = store
        .sign_visit(&crate::named("  Dr. Lee "), clinic.draft)
        .unwrap();
    assert_eq!(signature.by, "Dr. Lee");
    let error = store
        .sign_visit(&crate::named("Dr. Other"), clinic.draft)
        .unwrap_err();
    assert!(matches!(error, StoreError::Refused(_)), "{error}");
    assert!(
        error.to_string().contains("already signed by Dr. Lee"),
        "{error}"
    );
    let visit = store.visit(clinic.draft).unwrap();
    assert_eq!(visit.status, VisitStatus::Signed);
    assert_eq!(visit.signature, Some(signature));
}

#[test]
fn signing_from_the_command_line_needs_a_name_and_happens_once() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let clinic = small_clinic(&mut Store::open(&db).unwrap());
    let draft = clinic.draft.0.to_string();
    fails_saying(&upstream(&db, None, &["sign", &draft, "--as", " "]), "name");
    let out = succeeds(&upstream(&db, None, &["sign", &draft, "--as", "Dr. Lee"]));
    assert!(
        out.contains(&format!("visit {draft} signed by Dr. Lee")),
        "{out}"
    );
    fails_saying(
        &upstream(&db, None, &["sign", &draft, "--as", "Dr. Other"]),
        "already signed by Dr. Lee",
    );
    let visit = Store::open(&db).unwrap().visit(clinic.draft).unwrap();
    assert_eq!(visit.signature.unwrap().by, "Dr. Lee");
}

// ----- addenda -----

#[test]
fn an_addendum_shows_in_the_timeline_and_the_export_and_cannot_be_changed() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let clinic = {
        let mut store = Store::open(&db).unwrap();
        let clinic = small_clinic(&mut store);
        let addendum = store
            .add_addendum(
                &crate::named("Dr. Sam Reyes"),
                clinic.signed,
                "correction of side",
                "SI pain was on the right, not the left",
            )
            .unwrap();
        let timeline = store.timeline(clinic.patient).unwrap();
        assert_eq!(timeline[0].addenda, [addendum]);
        assert!(timeline[1].addenda.is_empty());
        clinic
    };
    let signed = clinic.signed.0.to_string();
    let out = succeeds(&upstream(
        &db,
        None,
        &[
            "addendum",
            &signed,
            "--author",
            "Dr. Lee",
            "--reason",
            "late entry",
            "--text",
            "pt phoned: pain 2/10 next day",
        ],
    ));
    assert!(
        out.contains(&format!("to visit {signed} by Dr. Lee")),
        "{out}"
    );

    // In the timeline, as the user reads it.
    let timeline = succeeds(&upstream(
        &db,
        None,
        &["timeline", &clinic.patient.0.to_string()],
    ));
    for part in [
        "signed by Dr. Sam Reyes",
        "Dr. Sam Reyes (correction of side): SI pain was on the right, not the left",
        "Dr. Lee (late entry): pt phoned: pain 2/10 next day",
    ] {
        assert!(
            timeline.contains(part),
            "`{part}` missing from:\n{timeline}"
        );
    }

    // In the export, and back from it into a fresh notebook with signature and addenda.
    let export = directory.path().join("export.json");
    succeeds(&upstream(
        &db,
        None,
        &[
            "export",
            "--unencrypted",
            "--json",
            export.to_str().unwrap(),
        ],
    ));
    let text = std::fs::read_to_string(&export).unwrap();
    for part in [
        "SI pain was on the right, not the left",
        "pt phoned: pain 2/10 next day",
        "Dr. Sam Reyes",
    ] {
        assert!(text.contains(part), "`{part}` missing from the export");
    }
    let copy = directory.path().join("copy.sqlite3");
    succeeds(&upstream(
        &copy,
        None,
        &["import", "--json", export.to_str().unwrap()],
    ));
    let original = Store::open(&db).unwrap().timeline(clinic.patient).unwrap();
    let imported = Store::open(&copy).unwrap();
    let imported_timeline = imported.timeline(clinic.patient).unwrap();
    assert_eq!(imported_timeline, original);
    assert_eq!(imported_timeline[0].addenda.len(), 2);
    assert_eq!(
        imported_timeline[0].visit.signature.as_ref().unwrap().by,
        "Dr. Sam Reyes"
    );
    assert!(imported.verify_audit().unwrap().is_intact());
    drop(imported);

    // Written once: not changed, not deleted, not even by an attacker with the functions.
    let conn = attacker(&db);
    let message = refused(&conn, "UPDATE addendum SET body = 'nothing happened'");
    assert!(message.contains("cannot be changed"), "{message}");
    let message = refused(&conn, "DELETE FROM addendum");
    assert!(message.contains("cannot be deleted"), "{message}");
    drop(conn);
    let shell = raw(&db, None);
    refused(&shell, "UPDATE addendum SET body = 'nothing happened'");
    refused(&shell, "DELETE FROM addendum");
    drop(shell);
    assert_eq!(
        Store::open(&db).unwrap().timeline(clinic.patient).unwrap(),
        original
    );

    // A draft is corrected by editing it, not with an addendum.
    let mut store = Store::open(&db).unwrap();
    let error = store
        .add_addendum(&crate::named("Dr. Lee"), clinic.draft, "late entry", "text")
        .unwrap_err();
    assert!(matches!(error, StoreError::Refused(_)), "{error}");
    assert!(error.to_string().contains("draft"), "{error}");
    let error = store
        .add_addendum(&crate::named("Dr. Lee"), clinic.signed, " ", "text")
        .unwrap_err();
    assert!(error.to_string().contains("reason"), "{error}");
    drop(store);
    fails_saying(
        &upstream(
            &db,
            None,
            &[
                "addendum",
                &clinic.draft.0.to_string(),
                "--author",
                "Dr. Lee",
                "--reason",
                "late entry",
                "--text",
                "text",
            ],
        ),
        "draft",
    );
    assert_eq!(
        Store::open(&db).unwrap().timeline(clinic.patient).unwrap(),
        original
    );
}

// ----- the audit trail -----

/// The demo clinic plus a morning's edits, made through the store under two names.
fn audited_notebook(directory: &Path) -> PathBuf {
    let db = demo_notebook(directory, "audited.sqlite3", None);
    let mut store = Store::open(&db).unwrap();
    let clinic = small_clinic_by(&mut store, &crate::named("Dr. Lee"));
    let mut patient = store.patient(clinic.patient).unwrap();
    patient.contact = "555-0100".into();
    store
        .update_patient(&crate::named("Front Desk"), &patient)
        .unwrap();
    store
        .add_addendum(
            &crate::named("Dr. Lee"),
            clinic.signed,
            "late entry",
            "phoned next day",
        )
        .unwrap();
    db
}

fn audit_rows(path: &Path) -> i64 {
    raw(path, None)
        .query_row("SELECT count(*) FROM audit", [], |row| row.get(0))
        .unwrap()
}

/// A copy of `original` changed by `attack` through a raw connection.
fn tampered(original: &Path, name: &str, attack: &str) -> PathBuf {
    let copy = original.with_file_name(format!("{name}.sqlite3"));
    std::fs::copy(original, &copy).unwrap();
    raw(&copy, None).execute_batch(attack).unwrap();
    copy
}

#[track_caller]
fn verify_names(db: &Path, first_broken: &str) {
    let output = upstream(db, None, &["audit", "verify"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let message = stderr(&output);
    assert!(
        message.contains(&format!("first broken link: {first_broken}")),
        "expected the first broken link to be `{first_broken}`: {message}"
    );
    assert!(
        stdout(&output).contains(first_broken),
        "{}",
        stdout(&output)
    );
}

#[test]
fn an_untouched_notebook_verifies_intact() {
    let directory = tempfile::tempdir().unwrap();
    let db = audited_notebook(directory.path());
    let rows = audit_rows(&db);
    let out = succeeds(&upstream(&db, None, &["audit", "verify"]));
    assert!(
        out.contains(&format!("audit trail intact: {rows} rows")),
        "{out}"
    );
    let out = succeeds(&upstream(&db, None, &["audit", "verify", "--json"]));
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["rows"], rows);
    assert_eq!(report["problems"], serde_json::json!([]));
    let report = Store::open(&db).unwrap().verify_audit().unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    assert_eq!(report.rows, rows as u64);
}

#[test]
fn an_audit_row_edited_deleted_or_inserted_by_hand_is_named_as_the_first_broken_link() {
    let directory = tempfile::tempdir().unwrap();
    let db = audited_notebook(directory.path());
    let rows = audit_rows(&db);
    let middle = rows / 2;
    assert!(middle > 1);

    let edited = tampered(
        &db,
        "edited",
        &format!(
            "DROP TRIGGER audit_no_update;
             UPDATE audit SET actor = 'someone else' WHERE id = {middle};"
        ),
    );
    verify_names(&edited, &format!("audit row {middle}"));

    // Editing a row and its hash moves the break to the next row, which no longer links.
    let rehashed = tampered(
        &db,
        "rehashed",
        &format!(
            "DROP TRIGGER audit_no_update;
             UPDATE audit SET after = replace(after, 'Ada', 'Eve'), hash = 'forged' WHERE id = {middle};"
        ),
    );
    verify_names(&rehashed, &format!("audit row {middle}"));
    let json = stdout(&upstream(&rehashed, None, &["audit", "verify", "--json"]));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows_named: Vec<i64> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["audit_row"].as_i64())
        .collect();
    assert!(rows_named.contains(&(middle + 1)), "{json}");

    let deleted = tampered(
        &db,
        "deleted",
        &format!("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = {middle};"),
    );
    verify_names(&deleted, &format!("audit row {}", middle + 1));
    let output = upstream(&deleted, None, &["audit", "verify"]);
    assert!(
        stdout(&output).contains(&format!("from {middle}")),
        "{}",
        stdout(&output)
    );

    // The last row, deleted: the chain is whole, but the data no longer matches it.
    let last_deleted = tampered(
        &db,
        "last_deleted",
        &format!("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = {rows};"),
    );
    let output = upstream(&last_deleted, None, &["audit", "verify"]);
    fails_saying(&output, "first broken link: addendum");

    // A row added at the end, copied from one in the middle (a replay).
    let inserted = tampered(
        &db,
        "inserted",
        &format!(
            "INSERT INTO audit (id, at, actor, table_name, row_id, visit_id, action, before, after, prev_hash, hash)
             SELECT {rows} + 1, at, actor, table_name, row_id, visit_id, action, before, after, prev_hash, hash
             FROM audit WHERE id = {middle};"
        ),
    );
    verify_names(&inserted, &format!("audit row {}", rows + 1));

    // The untouched original still verifies: the copies were what changed.
    succeeds(&upstream(&db, None, &["audit", "verify"]));
}

#[test]
fn clinical_data_changed_with_the_audit_triggers_dropped_is_found() {
    let directory = tempfile::tempdir().unwrap();
    let db = audited_notebook(directory.path());
    let store = Store::open(&db).unwrap();
    let ada = store.search_patients("ada quill", 1).unwrap().remove(0);
    let timeline = store.timeline(ada.id).unwrap();
    let draft = &timeline[1];
    let draft_finding = draft.findings[0].id.0;
    drop(store);
    let drop_audit_triggers = upstream::store::AUDITED_TABLES
        .iter()
        .flat_map(|table| {
            ["insert", "update", "delete"]
                .map(|action| format!("DROP TRIGGER IF EXISTS {table}_audit_{action};"))
        })
        .collect::<String>();

    let renamed = tampered(
        &db,
        "renamed",
        &format!(
            "{drop_audit_triggers} UPDATE patient SET name = 'Eve Quill' WHERE id = {};",
            ada.id
        ),
    );
    verify_names(&renamed, &format!("patient {} differs", ada.id));

    let removed = tampered(
        &db,
        "removed",
        &format!("{drop_audit_triggers} DELETE FROM finding WHERE id = {draft_finding};"),
    );
    verify_names(&removed, &format!("finding {draft_finding} is gone"));

    let added = tampered(
        &db,
        "added",
        &format!(
            "{drop_audit_triggers}
             INSERT INTO finding (id, visit_id, kind, region, side, intensity)
             VALUES (99999, {}, 'pain', 'calf', 'left', 9);",
            draft.visit.id
        ),
    );
    verify_names(&added, "finding 99999 is not in the trail");
}

#[test]
fn a_visit_s_history_lists_its_changes_with_who_made_them() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let (visit, finding_id) = {
        let mut store = Store::open(&db).unwrap();
        let who = crate::named("Front Desk");
        let patient = store
            .create_patient(&who, &Patient::new("Ada Quill"))
            .unwrap();
        let visit = store
            .create_visit(
                &who,
                &Visit::new(patient, at("2026-03-02 09:30"), VisitKind::FollowUp),
            )
            .unwrap();
        let who = crate::named("Dr. Lee");
        let mut record = store.visit(visit).unwrap();
        record.subjective = "calf tight after long run".into();
        store.update_visit(&who, &record).unwrap();
        let finding_id = store
            .add_finding(&who, &finding(visit, "tightness", "calf", Side::Right, 5))
            .unwrap();
        (visit, finding_id)
    };
    let id = visit.0.to_string();
    succeeds(&upstream(&db, None, &["sign", &id, "--as", "Dr. Lee"]));
    succeeds(&upstream(
        &db,
        None,
        &[
            "addendum",
            &id,
            "--author",
            "Dr. Roe",
            "--reason",
            "late entry",
            "--text",
            "phoned",
        ],
    ));

    let history = Store::open(&db).unwrap().visit_history(visit).unwrap();
    let summary: Vec<(String, String, String)> = history
        .iter()
        .map(|e| (e.actor.clone(), e.table_name.clone(), e.action.clone()))
        .collect();
    let expected = [
        ("Front Desk", "visit", "insert"),
        ("Dr. Lee", "visit", "update"),
        ("Dr. Lee", "finding", "insert"),
        ("Dr. Lee", "visit", "update"),
        ("Dr. Roe", "addendum", "insert"),
    ]
    .map(|(a, t, c)| (a.to_owned(), t.to_owned(), c.to_owned()));
    assert_eq!(summary, expected);
    assert!(
        history[1]
            .changes()
            .contains(&"subjective: \"\" -> \"calf tight after long run\"".to_owned()),
        "{:?}",
        history[1].changes()
    );
    assert!(
        history[3]
            .changes()
            .contains(&"status: \"draft\" -> \"signed\"".to_owned()),
        "{:?}",
        history[3].changes()
    );

    let text = succeeds(&upstream(&db, None, &["history", &id]));
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[0].contains("Front Desk") && lines[0].contains(&format!("visit {id} added")));
    assert!(
        lines[2].contains("Dr. Lee")
            && lines[2].contains(&format!("finding {} added", finding_id.0))
    );
    assert!(lines[4].contains("Dr. Roe") && lines[4].contains("addendum"));
    assert!(
        text.contains("subjective: \"\" -> \"calf tight after long run\""),
        "{text}"
    );
    let json = succeeds(&upstream(&db, None, &["history", &id, "--json"]));
    let entries: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(entries.as_array().unwrap().len(), 5);
    assert_eq!(entries[3]["actor"], "Dr. Lee");
}

// ----- encryption and passphrases -----

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// The notebook file and the -wal and -shm beside it, while a store holds it open after
/// writing `name`: what a thief copying the folder at that moment would get.
fn bytes_on_disk_after_writing(db: &Path, passphrase: &Passphrase, name: &str) -> Vec<u8> {
    let mut store = Store::open_with(db, passphrase).unwrap();
    store
        .create_patient(&crate::by(), &Patient::new(name))
        .unwrap();
    let wal = beside(db, "-wal");
    assert!(wal.exists(), "a WAL is there while the notebook is open");
    let mut bytes = std::fs::read(db).unwrap();
    bytes.extend(std::fs::read(&wal).unwrap());
    bytes.extend(std::fs::read(beside(db, "-shm")).unwrap_or_default());
    drop(store);
    bytes
}

#[test]
fn an_encrypted_notebook_holds_no_trace_of_a_patient_s_name_and_a_plain_one_does() {
    let directory = tempfile::tempdir().unwrap();
    let encrypted = demo_notebook(directory.path(), "encrypted.sqlite3", Some("correct horse"));
    let plain = demo_notebook(directory.path(), "plain.sqlite3", None);

    let secret = std::fs::read(&encrypted).unwrap();
    assert!(!secret.starts_with(b"SQLite format 3"));
    assert!(!contains(&secret, b"Okafor"));
    let secret = bytes_on_disk_after_writing(
        &encrypted,
        &Passphrase::new("correct horse"),
        "Zebedee Okafor",
    );
    assert!(!contains(&secret, b"Okafor"));
    assert!(!contains(&secret, b"Zebedee"));

    // The control: the same search does find the names in an unencrypted notebook.
    assert!(contains(&std::fs::read(&plain).unwrap(), b"Okafor"));
    let open = bytes_on_disk_after_writing(&plain, &Passphrase::none(), "Zebedee Okafor");
    assert!(contains(&open, b"Zebedee"));

    // And the encrypted one holds what was written, for whoever has the passphrase.
    let out = succeeds(&upstream(
        &encrypted,
        Some("correct horse"),
        &["patients", "--search", "okafor"],
    ));
    assert!(
        out.contains("Daniel Okafor") && out.contains("Zebedee Okafor"),
        "{out}"
    );
}

#[test]
fn a_wrong_or_missing_passphrase_is_refused_and_changes_no_byte() {
    let directory = tempfile::tempdir().unwrap();
    let db = demo_notebook(directory.path(), "notebook.sqlite3", Some("correct horse"));
    let before = std::fs::read(&db).unwrap();
    let unchanged = |what: &str| {
        assert_eq!(
            std::fs::read(&db).unwrap(),
            before,
            "{what}: the file changed"
        );
        assert!(!beside(&db, "-wal").exists(), "{what}: a -wal was left");
        assert!(!beside(&db, "-shm").exists(), "{what}: a -shm was left");
    };

    for args in [
        &["patients"][..],
        &["timeline", "1"],
        &["audit", "verify"],
        &["demo", "--force"],
        &["sign", "1", "--as", "Dr. Lee"],
    ] {
        let output = upstream(&db, Some("wrong horse"), args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let message = fails_saying(&output, "the passphrase does not open");
        assert!(message.contains("nothing was changed"), "{message}");
        unchanged(&format!("{args:?}"));
    }
    let output = upstream_with(
        &db,
        Some("wrong horse"),
        &["apply"],
        &[],
        Some("{\"op\":\"patient\",\"name\":\"Eve\"}\n"),
    );
    fails_saying(&output, "the passphrase does not open");
    assert!(stdout(&output).is_empty());
    unchanged("apply");

    // An empty passphrase: the notebook says it needs one.
    fails_saying(&upstream(&db, Some(""), &["patients"]), "is encrypted");
    unchanged("empty passphrase on the command line");

    let error = Store::open_with(&db, &Passphrase::new("wrong horse")).unwrap_err();
    assert!(
        matches!(error, StoreError::WrongPassphrase { .. }),
        "{error}"
    );
    unchanged("Store::open_with, wrong passphrase");
    let error = Store::open(&db).unwrap_err();
    assert!(
        matches!(error, StoreError::PassphraseNeeded { .. }),
        "{error}"
    );
    let error = Store::open_with(&db, &Passphrase::new("")).unwrap_err();
    assert!(
        matches!(error, StoreError::PassphraseNeeded { .. }),
        "{error}"
    );
    unchanged("Store::open, no passphrase");

    // The right one opens it.
    let store = Store::open_with(&db, &Passphrase::new("correct horse")).unwrap();
    assert_eq!(store.patient_count().unwrap(), 8);
}

// ----- restore -----

/// A notebook with the demo clinic, a checked backup of it, and one patient added after
/// the backup, so that a restore shows.
struct RestoreScene {
    _directory: tempfile::TempDir,
    folder: PathBuf,
    db: PathBuf,
    backup: PathBuf,
}

fn restore_scene() -> RestoreScene {
    let directory = tempfile::tempdir().unwrap();
    let folder = directory.path().to_owned();
    let db = demo_notebook(&folder, "notebook.sqlite3", None);
    let backup = folder.join("backup.sqlite3");
    let out = succeeds(&upstream(&db, None, &["backup", backup.to_str().unwrap()]));
    assert!(out.contains("integrity check ok"), "{out}");
    Store::open(&db)
        .unwrap()
        .create_patient(&crate::by(), &Patient::new("Added After Backup"))
        .unwrap();
    RestoreScene {
        _directory: directory,
        folder,
        db,
        backup,
    }
}

/// Overwrites the page in the middle of the plain database at `path` with junk.
fn corrupt_a_middle_page(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let page_size = match u16::from_be_bytes([bytes[16], bytes[17]]) {
        1 => 65536,
        size => usize::from(size),
    };
    let pages = bytes.len() / page_size;
    assert!(pages >= 5, "{pages} pages is too small to have a middle");
    let middle = pages / 2;
    for (i, byte) in bytes[middle * page_size..(middle + 1) * page_size]
        .iter_mut()
        .enumerate()
    {
        *byte = (i * 31 % 251) as u8 ^ 0xA5;
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn restore_refuses_every_kind_of_bad_file_and_leaves_the_notebook_as_it_was() {
    let scene = restore_scene();
    let folder = &scene.folder;
    let good = std::fs::read(&scene.backup).unwrap();
    let bad = |name: &str, bytes: &[u8]| {
        let path = folder.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };

    let missing = folder.join("missing.sqlite3");
    let empty = bad("empty.sqlite3", b"");
    let text = bad(
        "letter.sqlite3",
        b"Dear colleague, please see Mr Okafor about his calf.\n",
    );
    let truncated = bad("truncated.sqlite3", &good[..good.len() / 2]);
    let corrupted = bad("corrupted.sqlite3", &good);
    corrupt_a_middle_page(&corrupted);
    let newer = bad("newer.sqlite3", &good);
    raw(&newer, None)
        .execute_batch("PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;")
        .unwrap();
    let foreign = folder.join("foreign.sqlite3");
    raw(&foreign, None)
        .execute_batch("CREATE TABLE recipe (name TEXT); INSERT INTO recipe VALUES ('soup');")
        .unwrap();
    let encrypted_db = demo_notebook(folder, "encrypted.sqlite3", Some("correct horse"));
    let encrypted = folder.join("encrypted-backup.sqlite3");
    succeeds(&upstream(
        &encrypted_db,
        Some("correct horse"),
        &["backup", encrypted.to_str().unwrap()],
    ));

    // A truncated file may already fail to read its schema, before the integrity check.
    let damaged = &["integrity check", "not an Upstream notebook"][..];
    let cases: [(&Path, Option<&str>, &[&str]); 8] = [
        (&missing, None, &["is empty or missing"]),
        (&empty, None, &["is empty or missing"]),
        (&text, None, &["not an Upstream notebook"]),
        (&truncated, None, damaged),
        (&corrupted, None, &["integrity check"]),
        (&newer, None, &["newer Upstream"]),
        (&foreign, None, &["not an Upstream notebook"]),
        (
            &encrypted,
            Some("wrong horse"),
            &["the passphrase does not open"],
        ),
    ];
    let before = folder_bytes(folder);
    for (file, passphrase, expected) in cases {
        let name = file.file_name().unwrap().to_string_lossy();
        let says = |message: &str| expected.iter().any(|part| message.contains(part));
        // The store's own check says why, without touching the file.
        let passphrase_value = Passphrase::new(passphrase.unwrap_or(""));
        let error = store::check_backup(file, &passphrase_value).unwrap_err();
        assert!(says(&error.to_string()), "{name}: {error}");
        let error = store::restore(&scene.db, file, &passphrase_value).unwrap_err();
        assert!(says(&error.to_string()), "{name}: {error}");
        // And so does the command line.
        let output = upstream(&scene.db, passphrase, &["restore", file.to_str().unwrap()]);
        assert!(!output.status.success(), "{name}: restored");
        assert!(says(&stderr(&output)), "{name}: {}", stderr(&output));
        let mut after = folder_bytes(folder);
        after.remove("notebook.sqlite3.lock");
        let mut expected_files = before.clone();
        expected_files.remove("notebook.sqlite3.lock");
        assert_eq!(
            after.keys().collect::<Vec<_>>(),
            expected_files.keys().collect::<Vec<_>>(),
            "{name}: files were added or removed"
        );
        assert!(after == expected_files, "{name}: a file's bytes changed");
    }
    let store = Store::open(&scene.db).unwrap();
    assert!(patient_names(&store).contains(&"Added After Backup".to_owned()));
    assert_eq!(store.patient_count().unwrap(), 9);
}

#[test]
fn a_good_restore_brings_the_backup_back_and_keeps_the_notebook_that_was_there() {
    let scene = restore_scene();
    let output = upstream(
        &scene.db,
        None,
        &["restore", scene.backup.to_str().unwrap()],
    );
    let out = succeeds(&output);
    assert!(out.contains("restored 8 patients"), "{out}");
    let aside = out
        .lines()
        .find_map(|line| line.strip_prefix("the notebook that was there is kept as "))
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("where the old notebook went is not said: {out}"));
    assert!(aside.exists());
    assert_ne!(aside, scene.db);

    let restored = Store::open(&scene.db).unwrap();
    assert_eq!(restored.patient_count().unwrap(), 8);
    assert!(!patient_names(&restored).contains(&"Added After Backup".to_owned()));
    assert_eq!(restored.integrity_check().unwrap(), "ok");
    assert!(restored.verify_audit().unwrap().is_intact());
    let previous = Store::open(&aside).unwrap();
    assert!(patient_names(&previous).contains(&"Added After Backup".to_owned()));
    assert_eq!(previous.patient_count().unwrap(), 9);
}

// ----- backups -----

#[test]
fn a_backup_never_overwrites_a_file_and_opens_with_the_same_passphrase() {
    let directory = tempfile::tempdir().unwrap();
    let db = demo_notebook(directory.path(), "notebook.sqlite3", Some("correct horse"));
    let backup = directory.path().join("backup.sqlite3");
    let out = succeeds(&upstream(
        &db,
        Some("correct horse"),
        &["backup", backup.to_str().unwrap()],
    ));
    assert!(out.contains("backed up 8 patients"), "{out}");

    // The backup is checked, encrypted with the same key, and holds the notebook.
    let bytes = std::fs::read(&backup).unwrap();
    assert!(!contains(&bytes, b"Okafor"));
    let error = Store::open(&backup).unwrap_err();
    assert!(
        matches!(error, StoreError::PassphraseNeeded { .. }),
        "{error}"
    );
    {
        let copy = Store::open_with(&backup, &Passphrase::new("correct horse")).unwrap();
        assert_eq!(copy.integrity_check().unwrap(), "ok");
        let original = Store::open_with(&db, &Passphrase::new("correct horse")).unwrap();
        assert_eq!(
            copy.export().unwrap().patients,
            original.export().unwrap().patients
        );
        assert!(copy.verify_audit().unwrap().is_intact());
    }

    // A second backup to the same name is refused and the first is left as it was.
    let first = std::fs::read(&backup).unwrap();
    Store::open_with(&db, &Passphrase::new("correct horse"))
        .unwrap()
        .create_patient(&crate::by(), &Patient::new("Later Patient"))
        .unwrap();
    let output = upstream(
        &db,
        Some("correct horse"),
        &["backup", backup.to_str().unwrap()],
    );
    fails_saying(&output, "already exists");
    assert_eq!(std::fs::read(&backup).unwrap(), first);
    let text = directory.path().join("notes.txt");
    std::fs::write(&text, "do not lose").unwrap();
    fails_saying(
        &upstream(
            &db,
            Some("correct horse"),
            &["backup", text.to_str().unwrap()],
        ),
        "already exists",
    );
    assert_eq!(std::fs::read_to_string(&text).unwrap(), "do not lose");
}

#[test]
fn daily_backups_are_one_a_day_and_the_newest_fourteen_are_kept() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let mut store = Store::open(&db).unwrap();
    let folder = store::backup_folder(&db);
    let first = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let days: Vec<NaiveDate> = first.iter_days().take(20).collect();
    for (n, day) in days.iter().enumerate() {
        store
            .create_patient(&crate::by(), &Patient::new(format!("Patient of day {n}")))
            .unwrap();
        let (path, check) = store
            .rotate_backups(&crate::by(), &folder, day.and_hms_opt(9, 0, 0).unwrap())
            .unwrap()
            .unwrap_or_else(|| panic!("no backup made on {day}"));
        assert_eq!(check.patients, n as i64 + 1);
        assert!(path.exists());
        // Once a day: a second call the same day makes none.
        assert_eq!(
            store
                .rotate_backups(&crate::by(), &folder, day.and_hms_opt(9, 0, 0).unwrap())
                .unwrap(),
            None
        );
    }
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".sqlite3"))
        .collect();
    names.sort();
    let expected: Vec<String> = days[days.len() - store::BACKUPS_KEPT..]
        .iter()
        .map(|day| format!("notebook-{day}.sqlite3"))
        .collect();
    assert_eq!(store::BACKUPS_KEPT, 14);
    assert_eq!(names, expected);

    let newest = store::newest_verified_backup(&folder, &Passphrase::none()).unwrap();
    assert!(newest.path.ends_with(&expected[13]));
    assert_eq!(newest.patients, 20);
    // A damaged newest backup is passed over for the one before it.
    std::fs::write(&newest.path, b"not a database").unwrap();
    let fallback = store::newest_verified_backup(&folder, &Passphrase::none()).unwrap();
    assert!(fallback.path.ends_with(&expected[12]));
    assert_eq!(fallback.patients, 19);
}

// ----- failures -----

#[test]
fn a_second_instance_is_told_the_notebook_is_open_and_changes_nothing() {
    let directory = tempfile::tempdir().unwrap();
    let db = demo_notebook(directory.path(), "notebook.sqlite3", None);
    let export = directory.path().join("export.json");
    succeeds(&upstream(
        &db,
        None,
        &[
            "export",
            "--unencrypted",
            "--json",
            export.to_str().unwrap(),
        ],
    ));
    let before = std::fs::read(&db).unwrap();
    let edit = "{\"op\":\"patient\",\"name\":\"Eve Second\"}\n";

    let lock = NotebookLock::acquire(&db).unwrap();
    let error = NotebookLock::acquire(&db).unwrap_err();
    assert!(matches!(error, StoreError::InUse { .. }), "{error}");
    for (args, input) in [
        (&["import", "--json", export.to_str().unwrap()][..], None),
        (&["apply"], Some(edit)),
        (&["demo", "--force"], None),
        (&["sign", "1", "--as", "Dr. Lee"], None),
        (&["restore", export.to_str().unwrap()], None),
    ] {
        let output = upstream_with(&db, None, args, &[], input);
        fails_saying(&output, "already open");
        assert_eq!(std::fs::read(&db).unwrap(), before, "{args:?}");
        assert!(!beside(&db, "-wal").exists(), "{args:?}");
    }
    drop(lock);

    // Once the other one is closed, the same edit goes through.
    let output = upstream_with(&db, None, &["apply"], &[], Some(edit));
    let out = succeeds(&output);
    assert!(out.starts_with("{\"line\":1,\"ids\":["), "{out}");
    assert_eq!(Store::open(&db).unwrap().patient_count().unwrap(), 9);
}

#[test]
fn a_full_disk_saves_nothing_of_the_change_and_keeps_what_was_there() {
    let directory = tempfile::tempdir().unwrap();
    let db = demo_notebook(directory.path(), "notebook.sqlite3", None);
    let mut store = Store::open(&db).unwrap();
    let patient = store
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let visit = store
        .create_visit(
            &crate::by(),
            &Visit::new(patient, at("2026-03-02 09:30"), VisitKind::FollowUp),
        )
        .unwrap();
    let before = store.export().unwrap();
    // The file may not grow beyond its current size.
    store.limit_size_for_tests(1).unwrap();

    let mut saved = Vec::new();
    let error = loop {
        assert!(saved.len() < 10_000, "the disk never filled");
        let mut batch: Vec<Finding> = (0..20)
            .map(|_| finding(visit, "tightness", "calf", Side::Right, 3))
            .collect();
        for (i, f) in batch.iter_mut().enumerate() {
            f.note = format!("{i:>3} {}", "palpable taut band, ".repeat(20));
        }
        match store.add_findings(&crate::by(), &batch) {
            Ok(ids) => saved.extend(ids),
            Err(error) => break error,
        }
    };
    assert!(matches!(error, StoreError::DiskFull), "{error}");
    assert!(error.to_string().contains("not saved"), "{error}");
    // The batch that did not fit left nothing behind; the earlier ones are all there.
    let charted = store.timeline(patient).unwrap()[0].findings.len();
    assert_eq!(charted, saved.len());
    drop(store);

    let store = Store::open(&db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert!(store.verify_audit().unwrap().is_intact());
    let findings = &store.timeline(patient).unwrap()[0].findings;
    assert_eq!(findings.iter().map(|f| f.id).collect::<Vec<_>>(), saved);
    let after = store.export().unwrap();
    let others = |notebook: &store::NotebookFile| {
        notebook
            .patients
            .iter()
            .filter(|p| p.patient.id != patient)
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(others(&after), others(&before));
    assert_eq!(after.patients.len(), before.patients.len());
}

#[test]
fn a_missing_folder_is_reported_and_nothing_is_created() {
    let directory = tempfile::tempdir().unwrap();
    let missing = directory.path().join("usb-stick");
    let db = missing.join("notebook.sqlite3");
    for (args, input) in [
        (&["patients"][..], None),
        (&["demo"], None),
        (&["apply"], Some("{\"op\":\"patient\",\"name\":\"Eve\"}\n")),
        (&["audit", "verify"], None),
    ] {
        let output = upstream_with(&db, None, args, &[], input);
        let message = fails_saying(&output, "does not exist");
        assert!(message.contains("usb-stick"), "{message}");
        assert!(!missing.exists(), "{args:?} created the folder");
    }
    let output = upstream(Path::new("/nonexistent-dir/x.sqlite3"), None, &["demo"]);
    fails_saying(&output, "/nonexistent-dir");
    assert!(!Path::new("/nonexistent-dir").exists());
}

#[test]
fn a_file_that_is_not_a_notebook_or_is_damaged_is_never_written_to() {
    let directory = tempfile::tempdir().unwrap();
    let letter = directory.path().join("letter.sqlite3");
    std::fs::write(
        &letter,
        "Dear colleague, please see Ms Quill.\n".repeat(100),
    )
    .unwrap();
    let garbage = directory.path().join("garbage.sqlite3");
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend((0..8192u32).map(|i| (i * 7 % 251) as u8));
    std::fs::write(&garbage, &bytes).unwrap();
    // Random bytes the size of whole pages look like an encrypted notebook.
    let noise = directory.path().join("noise.sqlite3");
    std::fs::write(
        &noise,
        (0..8192u32)
            .map(|i| (i * 13 % 253) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let export = directory.path().join("export.json");
    let demo = demo_notebook(directory.path(), "demo.sqlite3", None);
    succeeds(&upstream(
        &demo,
        None,
        &[
            "export",
            "--unencrypted",
            "--json",
            export.to_str().unwrap(),
        ],
    ));

    for (file, passphrase) in [
        (&letter, None),
        (&garbage, None),
        (&noise, Some("any passphrase")),
    ] {
        let before = std::fs::read(file).unwrap();
        for (args, input) in [
            (&["demo", "--force"][..], None),
            (&["import", "--json", export.to_str().unwrap()], None),
            (&["apply"], Some("{\"op\":\"patient\",\"name\":\"Eve\"}\n")),
            (&["sign", "1", "--as", "Dr. Lee"], None),
            (&["rekey"], None),
            (&["patients"], None),
        ] {
            let output = upstream_with(
                file,
                passphrase,
                args,
                &[("UPSTREAM_NEW_PASSPHRASE", "new")],
                input,
            );
            assert!(!output.status.success(), "{file:?} {args:?}");
            assert_eq!(std::fs::read(file).unwrap(), before, "{file:?} {args:?}");
            assert!(!beside(file, "-wal").exists(), "{file:?} {args:?}");
        }
    }
}

#[test]
fn a_notebook_with_a_damaged_page_is_not_made_worse_by_reading_it() {
    let directory = tempfile::tempdir().unwrap();
    let db = demo_notebook(directory.path(), "notebook.sqlite3", None);
    corrupt_a_middle_page(&db);
    let before = std::fs::read(&db).unwrap();
    for args in [&["patients"][..], &["audit", "verify"], &["timeline", "2"]] {
        upstream(&db, None, args);
        assert_eq!(std::fs::read(&db).unwrap(), before, "{args:?}");
    }
    let backup = directory.path().join("backup.sqlite3");
    let output = upstream(&db, None, &["backup", backup.to_str().unwrap()]);
    fails_saying(&output, "integrity check");
    assert!(!backup.exists());
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_notebook_with_a_damaged_page_is_not_written_to() {
    let directory = tempfile::tempdir().unwrap();
    let db = demo_notebook(directory.path(), "notebook.sqlite3", None);
    corrupt_a_middle_page(&db);
    // The pages were last read yesterday: today's first writing command reads them all.
    std::fs::write(
        directory.path().join("notebook.sqlite3.lock"),
        "state=closed\nchecked=2000-01-01\n",
    )
    .unwrap();
    let before = std::fs::read(&db).unwrap();
    for (args, input) in [
        (&["demo", "--force"][..], None),
        (&["apply"], Some("{\"op\":\"patient\",\"name\":\"Eve\"}\n")),
    ] {
        let output = upstream_with(&db, None, args, &[], input);
        assert!(
            !output.status.success(),
            "{args:?} wrote to a damaged notebook"
        );
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(said.contains("is damaged"), "{args:?}: {said}");
        assert!(said.contains("Restore a backup"), "{args:?}: {said}");
        assert_eq!(std::fs::read(&db).unwrap(), before, "{args:?}");
    }
}

// ----- the passphrase -----

#[test]
fn a_notebook_is_encrypted_rekeyed_and_decrypted_with_its_data_intact() {
    let directory = tempfile::tempdir().unwrap();
    let db = demo_notebook(directory.path(), "notebook.sqlite3", None);
    let original = Store::open(&db).unwrap().export().unwrap().patients;
    let intact = |store: &Store, step: &str| {
        assert_eq!(store.export().unwrap().patients, original, "{step}");
        assert_eq!(store.integrity_check().unwrap(), "ok", "{step}");
        let report = store.verify_audit().unwrap();
        assert!(report.is_intact(), "{step}: {:?}", report.problems);
    };

    // Plain to encrypted.
    let mut store = Store::open(&db).unwrap();
    store
        .rekey(&crate::by(), &Passphrase::new("first"))
        .unwrap();
    assert!(store.is_encrypted());
    intact(&store, "encrypted, still open");
    drop(store);
    assert!(!contains(&std::fs::read(&db).unwrap(), b"Okafor"));
    assert!(matches!(
        Store::open(&db).unwrap_err(),
        StoreError::PassphraseNeeded { .. }
    ));
    intact(
        &Store::open_with(&db, &Passphrase::new("first")).unwrap(),
        "encrypted, reopened",
    );

    // A new passphrase, from the command line; the old one no longer opens it.
    let output = upstream_with(
        &db,
        Some("first"),
        &["rekey"],
        &[("UPSTREAM_NEW_PASSPHRASE", "second")],
        None,
    );
    assert!(succeeds(&output).contains("encrypted under the new passphrase"));
    assert!(matches!(
        Store::open_with(&db, &Passphrase::new("first")).unwrap_err(),
        StoreError::WrongPassphrase { .. }
    ));
    fails_saying(
        &upstream(&db, Some("first"), &["patients"]),
        "passphrase does not open",
    );
    intact(
        &Store::open_with(&db, &Passphrase::new("second")).unwrap(),
        "second passphrase",
    );

    // An empty passphrase decrypts it.
    let mut store = Store::open_with(&db, &Passphrase::new("second")).unwrap();
    store.rekey(&crate::by(), &Passphrase::none()).unwrap();
    assert!(!store.is_encrypted());
    drop(store);
    assert!(
        std::fs::read(&db)
            .unwrap()
            .starts_with(b"SQLite format 3\0")
    );
    assert!(contains(&std::fs::read(&db).unwrap(), b"Okafor"));
    intact(&Store::open(&db).unwrap(), "decrypted");
    // A passphrase still set in the environment does not stop the plain notebook opening.
    let out = succeeds(&upstream(&db, Some("second"), &["patients", "--json"]));
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 8);
}
