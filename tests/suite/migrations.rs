//! Upgrading notebooks left by every earlier version of Upstream. `tests/fixtures/` holds
//! one real database file per earlier schema version (`schema-v1.sqlite3`, ...), each with
//! a small record as that version wrote it: a patient with history and a patient not yet
//! seen, a signed and a draft visit, findings with intensities (one examined and absent),
//! interventions, and from version 2 a finding carried over from the previous visit.
//! The test opens a copy of each with the current store and checks the schema is the
//! latest, every record came through intact, the audit trail begins with a baseline that
//! verifies, and the old signed visit is now locked.
//!
//! The fixtures are made by `regenerate_fixtures` below, which applies the migrations of
//! `schema.sql` up to each version with a bare connection and inserts the rows:
//!
//! ```text
//! cargo test --test suite -- --ignored regenerate_fixtures
//! ```
//!
//! Run it once when a migration is added (to make the fixture of the version before it)
//! and commit the new file; never regenerate the fixture of a version that has shipped.

use std::path::PathBuf;

use chrono::{NaiveDate, NaiveDateTime};
use upstream::model::{InterventionKind, Presence, Sex, Side, VisitId, VisitKind, VisitStatus};
use upstream::store::{
    MIGRATIONS, NoteField, SIGNATURE_NOT_RECORDED, Store, StoreError, latest_version,
};

fn fixture(version: i64) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(format!("schema-v{version}.sqlite3"))
}

/// The record, as every version from 1 could store it.
const RECORD_V1: &str = "
INSERT INTO patient (id, name, date_of_birth, sex, contact, occupation, history, notes, created_at, updated_at)
VALUES (1, 'Ada Quill', '1980-01-02', 'female', '555-0100', 'runner, standing desk', '[\"smoker\"]',
        'prefers early appointments', '2025-10-20T08:00:00', '2025-10-20T08:00:00');
INSERT INTO patient (id, name, date_of_birth, sex, created_at, updated_at)
VALUES (2, 'Ben Roe', '1975-06-30', 'male', '2025-10-01T08:00:00', '2025-10-01T08:00:00');
INSERT INTO visit (id, patient_id, started_at, kind, chief_complaint, subjective, objective, assessment, plan, status, created_at, updated_at)
VALUES (1, 1, '2025-11-03T09:30:00', 'initial_exam', 'L SI pain, 6 weeks', 'worse at end of workday',
        'FABER + L', 'L SI joint dysfunction', 'CMT L SI 1x/wk', 'signed', '2025-11-03T09:30:00', '2025-11-03T10:10:00');
INSERT INTO visit (id, patient_id, started_at, kind, chief_complaint, status, created_at, updated_at)
VALUES (2, 1, '2025-11-10T09:30:00', 'follow_up', 'L SI pain, better', 'draft', '2025-11-10T09:30:00', '2025-11-10T09:45:00');
INSERT INTO finding (id, visit_id, kind, region, side, intensity, presence, test_name, note)
VALUES (1, 1, 'pain', 'si_joint', 'left', 6, 'present', '', 'worse after long days standing'),
       (2, 1, 'tightness', 'calf', 'bilateral', 5, 'present', '', ''),
       (3, 1, 'reflex_decreased', 'achilles', 'right', NULL, 'absent', '', ''),
       (4, 2, 'pain', 'si_joint', 'left', 3, 'present', '', '');
INSERT INTO intervention (id, visit_id, kind, target, region, side, dose, notes, cpt_code)
VALUES (1, 1, 'spinal_manipulation', 'L SI', 'si_joint', 'left', 'HVLA side posture', '', '98940'),
       (2, 2, 'soft_tissue', 'soleus', 'calf', 'bilateral', '8 min', 'home stretch given', '');
";

/// From version 2: the calf tightness carried over to the draft, not yet confirmed.
const RECORD_V2: &str = "
INSERT INTO finding (id, visit_id, kind, region, side, intensity, presence, carried_over)
VALUES (5, 2, 'tightness', 'calf', 'bilateral', 5, 'present', 1);
";

#[test]
#[ignore = "writes tests/fixtures; run by hand when a migration is added"]
fn regenerate_fixtures() {
    // A fixture is a notebook as that version left it: one already committed stays.
    for version in 1..latest_version() {
        let path = fixture(version);
        if path.exists() {
            continue;
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let conn = rusqlite::Connection::open(&path).unwrap();
        // Small pages keep the committed files small; the schema does not depend on them.
        conn.execute_batch("PRAGMA page_size = 1024").unwrap();
        conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
            .unwrap();
        write_as_version(&conn, version);
        conn.execute_batch("VACUUM").unwrap();
        conn.close().unwrap();
    }
}

/// Writes the record into `conn` as Upstream at schema `version` left it. From version 4
/// the data went in before the audit trail began (migration 4 records it as its baseline),
/// and then a patient was added and deleted, whose id must never come back.
fn write_as_version(conn: &rusqlite::Connection, version: i64) {
    for migration in MIGRATIONS.iter().filter(|m| m.version <= version.min(3)) {
        conn.execute_batch(migration.sql).unwrap();
    }
    conn.execute_batch(RECORD_V1).unwrap();
    if version >= 2 {
        conn.execute_batch(RECORD_V2).unwrap();
    }
    if version >= 4 {
        // As the store runs migrations: foreign keys off, so a rebuilt table deletes nothing.
        conn.pragma_update(None, "foreign_keys", false).unwrap();
        upstream::store::register_audit_functions(conn, "Dr. Lee").unwrap();
        for migration in MIGRATIONS
            .iter()
            .filter(|m| (4..=version).contains(&m.version))
        {
            conn.execute_batch(migration.sql).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO patient (id, name, created_at, updated_at)
             VALUES (3, 'Cal Mistake', '2025-11-11T08:00:00', '2025-11-11T08:00:00');
             DELETE FROM patient WHERE id = 3;",
        )
        .unwrap();
    }
    conn.pragma_update(None, "user_version", version).unwrap();
}

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").unwrap()
}

type FindingRow = (
    i64,
    &'static str,
    &'static str,
    Side,
    Option<u8>,
    Presence,
    bool,
);
/// A finding as read back: id, kind, region, side, intensity, presence, carried over.
type FindingRead = (
    i64,
    String,
    Option<String>,
    Side,
    Option<u8>,
    Presence,
    bool,
);

#[test]
fn a_notebook_of_every_earlier_version_opens_upgraded_with_its_record_intact_and_audited() {
    assert!(latest_version() >= 4);
    for version in 1..latest_version() {
        let source = fixture(version);
        assert!(
            source.exists(),
            "no fixture for schema version {version}: run `cargo test --test suite -- --ignored regenerate_fixtures`"
        );
        let written: i64 = rusqlite::Connection::open_with_flags(
            &source,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap()
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
        assert_eq!(
            written,
            version,
            "{} is of another version",
            source.display()
        );

        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("notebook.sqlite3");
        std::fs::copy(&source, &path).unwrap();
        let mut store = Store::open(&path).unwrap();
        let from = format!("from version {version}");
        assert_eq!(store.schema_version().unwrap(), latest_version(), "{from}");

        // The patients, the one seen most recently first.
        let patients = store.search_patients("", 10).unwrap();
        let names: Vec<&str> = patients.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Ada Quill", "Ben Roe"], "{from}");
        let ada = &patients[0];
        assert_eq!(
            ada.date_of_birth,
            NaiveDate::from_ymd_opt(1980, 1, 2),
            "{from}"
        );
        assert_eq!(ada.sex, Sex::Female, "{from}");
        assert_eq!(ada.contact, "555-0100", "{from}");
        assert_eq!(ada.occupation, "runner, standing desk", "{from}");
        assert_eq!(ada.history, ["smoker"], "{from}");
        assert_eq!(ada.notes, "prefers early appointments", "{from}");
        assert_eq!(patients[1].sex, Sex::Male, "{from}");
        assert!(store.timeline(patients[1].id).unwrap().is_empty(), "{from}");

        // The visits, oldest first; the signed one says its signer was not recorded.
        let timeline = store.timeline(ada.id).unwrap();
        assert_eq!(timeline.len(), 2, "{from}");
        let (signed, draft) = (&timeline[0], &timeline[1]);
        assert_eq!(signed.visit.id, VisitId(1), "{from}");
        assert_eq!(signed.visit.started_at, at("2025-11-03T09:30:00"), "{from}");
        assert_eq!(signed.visit.kind, VisitKind::InitialExam, "{from}");
        assert_eq!(signed.visit.chief_complaint, "L SI pain, 6 weeks", "{from}");
        assert_eq!(signed.visit.subjective, "worse at end of workday", "{from}");
        assert_eq!(signed.visit.objective, "FABER + L", "{from}");
        assert_eq!(signed.visit.assessment, "L SI joint dysfunction", "{from}");
        assert_eq!(signed.visit.plan, "CMT L SI 1x/wk", "{from}");
        assert_eq!(signed.visit.status, VisitStatus::Signed, "{from}");
        let signature = signed.visit.signature.clone().unwrap();
        assert_eq!(signature.by, SIGNATURE_NOT_RECORDED, "{from}");
        assert!(signature.by.starts_with("not recorded"), "{from}");
        assert_eq!(signature.at, at("2025-11-03T10:10:00"), "{from}");
        assert_eq!(draft.visit.id, VisitId(2), "{from}");
        assert_eq!(draft.visit.kind, VisitKind::FollowUp, "{from}");
        assert_eq!(draft.visit.status, VisitStatus::Draft, "{from}");
        assert_eq!(draft.visit.signature, None, "{from}");

        // The findings with their intensities, presence and carried-over mark.
        let rows = |record: &upstream::model::VisitRecord| -> Vec<FindingRead> {
            record
                .findings
                .iter()
                .map(|f| {
                    (
                        f.id.0,
                        f.kind.as_str().to_owned(),
                        f.region.as_ref().map(|r| r.as_str().to_owned()),
                        f.side,
                        f.intensity.map(|i| i.value()),
                        f.presence,
                        f.carried_over,
                    )
                })
                .collect()
        };
        let expected = |rows: &[FindingRow]| -> Vec<FindingRead> {
            rows.iter()
                .map(|&(id, kind, region, side, intensity, presence, carried)| {
                    (
                        id,
                        kind.to_owned(),
                        Some(region.to_owned()),
                        side,
                        intensity,
                        presence,
                        carried,
                    )
                })
                .collect()
        };
        assert_eq!(
            rows(signed),
            expected(&[
                (
                    1,
                    "pain",
                    "si_joint",
                    Side::Left,
                    Some(6),
                    Presence::Present,
                    false
                ),
                (
                    2,
                    "tightness",
                    "calf",
                    Side::Bilateral,
                    Some(5),
                    Presence::Present,
                    false
                ),
                (
                    3,
                    "reflex_decreased",
                    "achilles",
                    Side::Right,
                    None,
                    Presence::Absent,
                    false
                ),
            ]),
            "{from}"
        );
        assert_eq!(
            signed.findings[0].note, "worse after long days standing",
            "{from}"
        );
        let mut draft_findings = vec![(
            4,
            "pain",
            "si_joint",
            Side::Left,
            Some(3),
            Presence::Present,
            false,
        )];
        if version >= 2 {
            draft_findings.push((
                5,
                "tightness",
                "calf",
                Side::Bilateral,
                Some(5),
                Presence::Present,
                true,
            ));
        }
        assert_eq!(rows(draft), expected(&draft_findings), "{from}");

        // The words written before the note index began are found by it: a note's field
        // and a finding's note, each with its visit.
        let found = store.search_notes("faber", 10).unwrap();
        assert_eq!(found.len(), 1, "{from}");
        assert_eq!(found[0].patient.name, "Ada Quill", "{from}");
        assert_eq!(found[0].visit, VisitId(1), "{from}");
        assert_eq!(found[0].line, "FABER + L", "{from}");
        let found = store.search_notes("long days", 10).unwrap();
        assert_eq!(found.len(), 1, "{from}");
        assert_eq!(found[0].line, "worse after long days standing", "{from}");
        assert!(
            store.search_notes("okafor", 10).unwrap().is_empty(),
            "{from}"
        );
        // And an intervention charted before interventions were indexed.
        let found = store.search_notes("home stretch", 10).unwrap();
        assert_eq!(found.len(), 1, "{from}");
        assert_eq!(found[0].visit, VisitId(2), "{from}");
        assert_eq!(found[0].field, NoteField::Intervention, "{from}");
        assert_eq!(found[0].line, "home stretch given", "{from}");

        let interventions: Vec<(i64, InterventionKind, &str, Side, &str, &str, &str)> = timeline
            .iter()
            .flat_map(|r| &r.interventions)
            .map(|i| {
                (
                    i.id.0,
                    i.kind,
                    i.target.as_str(),
                    i.side,
                    i.dose.as_str(),
                    i.notes.as_str(),
                    i.cpt_code.as_str(),
                )
            })
            .collect();
        assert_eq!(
            interventions,
            [
                (
                    1,
                    InterventionKind::SpinalManipulation,
                    "L SI",
                    Side::Left,
                    "HVLA side posture",
                    "",
                    "98940"
                ),
                (
                    2,
                    InterventionKind::SoftTissue,
                    "soleus",
                    Side::Bilateral,
                    "8 min",
                    "home stretch given",
                    ""
                ),
            ],
            "{from}"
        );
        assert_eq!(store.integrity_check().unwrap(), "ok", "{from}");

        // The trail begins with a baseline of every row there was, and verifies.
        let findings = 4 + i64::from(version >= 2);
        let report = store.verify_audit().unwrap();
        assert!(report.is_intact(), "{from}: {:?}", report.problems);
        // Version 4 also recorded a patient added and deleted after the baseline.
        let later = if version >= 4 { 2 } else { 0 };
        assert_eq!(report.rows, (2 + 2 + findings + 2 + later) as u64, "{from}");
        let history = store.visit_history(signed.visit.id).unwrap();
        assert_eq!(
            history.len(),
            1 + 3 + 1,
            "{from}: the visit, its findings and intervention"
        );
        assert!(history.iter().all(|e| e.action == "baseline"), "{from}");
        assert!(
            history[0]
                .summary()
                .ends_with("present when the trail began"),
            "{from}"
        );

        // The old signed visit is locked now, and takes addenda.
        let mut changed = signed.visit.clone();
        changed.plan = "rewritten years later".into();
        let refusals = [
            store.update_visit(&crate::by(), &changed).unwrap_err(),
            store
                .delete_finding(&crate::by(), signed.findings[0].id)
                .unwrap_err(),
            store
                .delete_intervention(&crate::by(), signed.interventions[0].id)
                .unwrap_err(),
            store
                .delete_draft_visit(&crate::by(), signed.visit.id)
                .unwrap_err(),
            store
                .sign_visit(&crate::named("Dr. Lee"), signed.visit.id)
                .unwrap_err(),
            // Outcome measures (migration 8) are locked with the visits signed before them.
            store
                .add_measure(
                    &crate::by(),
                    &upstream::model::Measure::new(signed.visit.id, "nprs", vec![Some(6)]),
                )
                .unwrap_err(),
        ];
        for error in refusals {
            assert!(matches!(error, StoreError::Refused(_)), "{from}: {error}");
        }
        store
            .add_addendum(
                &crate::named("Dr. Lee"),
                signed.visit.id,
                "late entry",
                "upgraded and reviewed",
            )
            .unwrap();

        // The old draft is still a draft: edited, then signed with a name.
        let mut note = draft.visit.clone();
        note.subjective = "much better".into();
        store.update_visit(&crate::by(), &note).unwrap();
        let odi = vec![Some(1); 10];
        store
            .add_measure(
                &crate::by(),
                &upstream::model::Measure::new(draft.visit.id, "odi", odi),
            )
            .unwrap();
        store
            .sign_visit(&crate::named("Dr. Lee"), draft.visit.id)
            .unwrap();
        drop(store);

        let store = Store::open(&path).unwrap();
        let timeline = store.timeline(ada.id).unwrap();
        assert_eq!(timeline[0].visit, signed.visit, "{from}");
        assert_eq!(timeline[0].findings, signed.findings, "{from}");
        assert_eq!(timeline[0].addenda.len(), 1, "{from}");
        assert_eq!(timeline[1].visit.subjective, "much better", "{from}");
        assert_eq!(timeline[1].measures[0].score, Some(20.0), "{from}");
        assert_eq!(
            timeline[1].visit.signature.as_ref().unwrap().by,
            "Dr. Lee",
            "{from}"
        );
        let report = store.verify_audit().unwrap();
        assert!(report.is_intact(), "{from}: {:?}", report.problems);

        // No id is given twice, also one deleted before the upgrade (version 4's patient 3).
        let mut store = store;
        let next = store
            .create_patient(&crate::by(), &upstream::model::Patient::new("New Patient"))
            .unwrap();
        assert!(
            next.0 > if version >= 4 { 3 } else { 2 },
            "{from}: {next:?}"
        );

        // The clinic profile and referral letters came with the documents: an upgraded
        // notebook has an empty profile, takes one, and keeps a signed letter locked,
        // all in a trail that still verifies.
        assert_eq!(
            store.clinic_profile().unwrap(),
            upstream::model::ClinicProfile::default(),
            "{from}"
        );
        let profile = upstream::model::ClinicProfile {
            clinician: "Dr. Lee".into(),
            practice: "Harbour Spine & Sport".into(),
            ..Default::default()
        };
        store.set_clinic_profile(&crate::by(), &profile).unwrap();
        assert_eq!(store.clinic_profile().unwrap(), profile, "{from}");
        let letter = store
            .sign_letter(
                &crate::named("Dr. Lee"),
                &upstream::model::LetterDraft {
                    patient_id: ada.id,
                    visit_id: Some(signed.visit.id),
                    recipient: "Orthopaedic surgeon".into(),
                    reason: "SI pain not settling".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(store.letters(ada.id).unwrap(), [letter], "{from}");
        let report = store.verify_audit().unwrap();
        assert!(report.is_intact(), "{from}: {:?}", report.problems);
    }
}

/// Migration 7 rebuilds the intervention table to chart modalities, orthotics, braces and
/// more: the rows keep their ids and an id used before the upgrade (and deleted since) is
/// never given again.
#[test]
fn the_intervention_table_rebuilt_for_new_kinds_keeps_every_row_and_never_reuses_an_id() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    std::fs::copy(fixture(6), &path).unwrap();
    // Interventions 3 to 9 were charted and deleted before the upgrade.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE sqlite_sequence SET seq = 9 WHERE name = 'intervention'",
            [],
        )
        .unwrap();
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest_version());
    let ada = store.search_patients("Ada", 1).unwrap().remove(0);
    let timeline = store.timeline(ada.id).unwrap();
    let before: Vec<(i64, InterventionKind)> = timeline
        .iter()
        .flat_map(|v| v.interventions.iter().map(|i| (i.id.0, i.kind)))
        .collect();
    assert_eq!(
        before,
        [
            (1, InterventionKind::SpinalManipulation),
            (2, InterventionKind::SoftTissue)
        ]
    );
    let draft = timeline.last().unwrap().visit.id;
    let mut heat =
        upstream::model::Intervention::new(InterventionKind::Modality, "moist heat", Side::Left);
    heat.visit_id = draft;
    let id = store.add_intervention(&crate::by(), &heat).unwrap();
    assert_eq!(id.0, 10, "an id deleted before the upgrade came back");
    let charted = store.timeline(ada.id).unwrap();
    assert!(
        charted
            .last()
            .unwrap()
            .interventions
            .iter()
            .any(|i| i.kind == InterventionKind::Modality && i.target == "moist heat")
    );
    let report = store.verify_audit().unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
}
