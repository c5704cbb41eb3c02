//! The notebook database: migrations, records, search, timeline order, and the files
//! it must refuse without touching them.

use chrono::{NaiveDate, NaiveDateTime};
use upstream::model::{
    ClinicProfile, Finding, Intervention, InterventionKind, Letter, LetterDraft, LetterUrgency,
    Patient, Sex, Side, Visit, VisitKind,
};
use upstream::store::{NotebookFile, ProfileImport, Store, StoreError, latest_version};

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

fn patient(name: &str, born: &str) -> Patient {
    Patient {
        date_of_birth: NaiveDate::parse_from_str(born, "%Y-%m-%d").ok(),
        ..Patient::new(name)
    }
}

#[test]
fn an_empty_file_is_migrated_to_the_latest_schema_and_keeps_what_is_written() {
    let directory = tempfile::tempdir().unwrap();
    // A folder that is not there may be a drive not connected: no notebook is made.
    let missing = directory.path().join("new").join("notebook.sqlite3");
    assert!(matches!(
        Store::open(&missing),
        Err(StoreError::MissingFolder { .. })
    ));
    assert!(!directory.path().join("new").exists());
    let path = directory.path().join("notebook.sqlite3");
    {
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), latest_version());
        store
            .create_patient(&crate::by(), &patient("Ada Quill", "1980-01-02"))
            .unwrap();
    }
    // A zero-byte file is an empty database too.
    let empty = directory.path().join("empty.sqlite3");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(
        Store::open(&empty).unwrap().schema_version().unwrap(),
        latest_version()
    );

    // Reopening migrates nothing twice and finds the patient.
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest_version());
    assert_eq!(store.search_patients("", 10).unwrap()[0].name, "Ada Quill");
}

#[test]
fn records_are_created_edited_and_come_back_in_timeline_order() {
    let mut store = Store::open_in_memory().unwrap();
    let mut ada = patient("Ada Quill", "1980-01-02");
    ada.sex = Sex::Female;
    ada.history = vec!["anticoagulants".into()];
    ada.id = store.create_patient(&crate::by(), &ada).unwrap();
    ada.occupation = "runner, standing desk".into();
    ada.history.push("smoker".into());
    store.update_patient(&crate::by(), &ada).unwrap();
    assert_eq!(store.patient(ada.id).unwrap(), ada);

    // Charted out of order: the timeline is by date, oldest first.
    let later = store
        .create_visit(
            &crate::by(),
            &Visit::new(ada.id, at("2026-03-10 09:00"), VisitKind::FollowUp),
        )
        .unwrap();
    let first = store
        .create_visit(
            &crate::by(),
            &Visit::new(ada.id, at("2026-02-01 10:30"), VisitKind::InitialExam),
        )
        .unwrap();
    let mut edited = store.visit(later).unwrap();
    edited.chief_complaint = "L SI pain".into();
    edited.plan = "soleus release".into();
    store.update_visit(&crate::by(), &edited).unwrap();

    let mut calf = Finding::new("tightness", Some("calf"), Side::Bilateral)
        .with_intensity(5)
        .unwrap();
    calf.visit_id = first;
    let mut si = Finding::new("pain", Some("si_joint"), Side::Left)
        .with_intensity(6)
        .unwrap();
    si.visit_id = first;
    let calf_id = store.add_finding(&crate::by(), &calf).unwrap();
    store.add_finding(&crate::by(), &si).unwrap();
    let mut reflex = Finding::new("reflex_decreased", Some("achilles"), Side::Right).absent();
    reflex.visit_id = later;
    store.add_finding(&crate::by(), &reflex).unwrap();
    let mut release = Intervention::new(InterventionKind::SoftTissue, "soleus", Side::Bilateral);
    release.visit_id = later;
    store.add_intervention(&crate::by(), &release).unwrap();

    calf.id = calf_id;
    calf.intensity = upstream::model::Intensity::new(3).ok();
    store.update_finding(&crate::by(), &calf).unwrap();

    let timeline = store.timeline(ada.id).unwrap();
    assert_eq!(
        timeline.iter().map(|r| r.visit.id).collect::<Vec<_>>(),
        [first, later]
    );
    assert_eq!(timeline[1].visit.chief_complaint, "L SI pain");
    assert_eq!(timeline[1].visit.plan, "soleus release");
    let kinds: Vec<&str> = timeline[0]
        .findings
        .iter()
        .map(|f| f.kind.as_str())
        .collect();
    assert_eq!(kinds, ["tightness", "pain"], "findings in charting order");
    assert_eq!(
        timeline[0].findings[0].intensity.map(|i| i.value()),
        Some(3)
    );
    assert_eq!(
        timeline[1].findings[0].presence,
        upstream::model::Presence::Absent
    );
    assert_eq!(timeline[1].interventions[0].target, "soleus");

    store.delete_finding(&crate::by(), calf_id).unwrap();
    assert_eq!(store.timeline(ada.id).unwrap()[0].findings.len(), 1);
    assert!(matches!(
        store.delete_finding(&crate::by(), calf_id),
        Err(StoreError::NotFound {
            what: "finding",
            ..
        })
    ));
}

#[test]
fn a_finding_on_a_visit_that_does_not_exist_is_refused() {
    let mut store = Store::open_in_memory().unwrap();
    let mut orphan = Finding::new("pain", Some("calf"), Side::Left);
    orphan.visit_id = upstream::model::VisitId(42);
    assert!(store.add_finding(&crate::by(), &orphan).is_err());
}

#[test]
fn search_finds_by_word_prefix_accent_free_and_by_birth_date_prefix() {
    let mut store = Store::open_in_memory().unwrap();
    for (name, born) in [
        ("Daniel Okafor", "1974-02-20"),
        ("Maya Lindqvist", "1988-03-14"),
        ("Chloé Marchetti", "1992-01-17"),
        ("Dana Okonkwo", "1974-11-02"),
    ] {
        store
            .create_patient(&crate::by(), &patient(name, born))
            .unwrap();
    }
    fn names_in(store: &Store, query: &str) -> Vec<String> {
        store
            .search_patients(query, 50)
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect()
    }
    let names = |query: &str| names_in(&store, query);
    assert_eq!(names("oka"), ["Daniel Okafor"]);
    assert_eq!(names("OK"), ["Dana Okonkwo", "Daniel Okafor"]);
    assert_eq!(names("dan ok"), ["Dana Okonkwo", "Daniel Okafor"]);
    assert_eq!(names("daniel ok"), ["Daniel Okafor"]);
    assert_eq!(names("chloe"), ["Chloé Marchetti"], "accents do not matter");
    assert_eq!(names("lindq"), ["Maya Lindqvist"], "any word of the name");
    assert_eq!(names("1974"), ["Dana Okonkwo", "Daniel Okafor"]);
    assert_eq!(names("1974-02"), ["Daniel Okafor"]);
    assert_eq!(names("1974/02/20"), ["Daniel Okafor"]);
    assert!(names("zzz").is_empty());
    assert!(
        names("\"*(").is_empty(),
        "FTS syntax in a query is not an error"
    );
    assert_eq!(names("").len(), 4);

    // A renamed patient is found by the new name, not the old one.
    let mut maya = store.search_patients("maya", 1).unwrap().remove(0);
    maya.name = "Maya Berg".into();
    store.update_patient(&crate::by(), &maya).unwrap();
    assert_eq!(names_in(&store, "lindq"), Vec::<String>::new());
    assert_eq!(names_in(&store, "berg"), ["Maya Berg"]);
}

#[test]
fn export_then_import_into_a_fresh_notebook_is_lossless() {
    let mut original = Store::open_in_memory().unwrap();
    original
        .import(&crate::by(), &upstream::demo::clinic_for_today().unwrap())
        .unwrap();
    let exported = original.export().unwrap();
    assert_eq!(exported.patients.len(), 8);

    let text = serde_json::to_string_pretty(&exported).unwrap();
    let parsed = upstream::store::NotebookFile::parse(&text, "export.json").unwrap();
    let mut copy = Store::open_in_memory().unwrap();
    let summary = copy.import(&crate::by(), &parsed).unwrap();
    assert!(summary.kept_ids);
    let again = copy.export().unwrap();
    assert_eq!(again.patients, exported.patients);

    // Into a notebook that has patients, the same file adds copies with new ids.
    let summary = copy.import(&crate::by(), &parsed).unwrap();
    assert!(!summary.kept_ids);
    assert_eq!(copy.patient_count().unwrap(), 16);
}

/// Dana's letterhead, with a logo, and two letters signed by her: one written from the
/// runner's last signed visit, one blank.
fn notebook_with_profile_and_letters() -> (Store, ClinicProfile) {
    let mut store = Store::open_in_memory().unwrap();
    store
        .import(&crate::by(), &upstream::demo::clinic_for_today().unwrap())
        .unwrap();
    let profile = ClinicProfile {
        clinician: "Dana Whitfield".into(),
        credentials: "DC".into(),
        registration: "CHI-20417".into(),
        practice: "Harbour Spine & Sport".into(),
        address: "12 Quay Street\nPortside".into(),
        phone: "555-0142".into(),
        logo: Some(vec![0x89, b'P', b'N', b'G', 0, 255, 16]),
    };
    store.set_clinic_profile(&crate::by(), &profile).unwrap();
    let patient = store.search_patients("", 1).unwrap().remove(0);
    let visit = store
        .timeline(patient.id)
        .unwrap()
        .iter()
        .rev()
        .find(|r| r.visit.is_signed())
        .unwrap()
        .visit
        .id;
    let dana = crate::named("Dana Whitfield");
    for (from, recipient) in [
        (Some(visit), "Orthopaedic surgeon (foot and ankle)"),
        (None, "the patient's GP"),
    ] {
        let draft = LetterDraft {
            patient_id: patient.id,
            visit_id: from,
            recipient: recipient.into(),
            urgency: LetterUrgency::Soon,
            reason: "Calf pain not settling after six weeks of care.".into(),
            ..LetterDraft::default()
        };
        store.sign_letter(&dana, &draft).unwrap();
    }
    (store, profile)
}

fn all_letters(store: &Store) -> Vec<Letter> {
    store
        .search_patients("", 100)
        .unwrap()
        .iter()
        .flat_map(|p| store.letters(p.id).unwrap())
        .collect()
}

#[test]
fn the_clinic_profile_and_signed_letters_go_out_and_come_back_as_they_were_signed() {
    let (original, profile) = notebook_with_profile_and_letters();
    let letters = all_letters(&original);
    assert_eq!(letters.len(), 2);
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("notebook.json");
    upstream::notebook::export(&original, &crate::by(), &file).unwrap();

    // Into a fresh notebook, by someone else: the letterhead comes with the records, and
    // each letter is still Dana's, signed when she signed it, from the same visit.
    let read = NotebookFile::read(&file).unwrap();
    let mut copy = Store::open_in_memory().unwrap();
    let imported =
        upstream::notebook::import(&mut copy, &crate::named("Sam Other"), &read, &file).unwrap();
    assert_eq!(imported.summary.letters, 2);
    assert_eq!(imported.summary.clinic_profile, ProfileImport::Taken);
    assert_eq!(copy.clinic_profile().unwrap(), profile);
    assert_eq!(all_letters(&copy), letters);
    assert!(
        all_letters(&copy)
            .iter()
            .all(|l| l.signed_by == "Dana Whitfield")
    );
    assert_eq!(copy.export().unwrap().patients, read.patients);
    assert!(copy.verify_audit().unwrap().is_intact());

    // Into a notebook with a letterhead of its own, the file's does not replace it; the
    // letters come in under the new copies of the patients and their visits.
    let mut theirs = Store::open_in_memory().unwrap();
    let own = ClinicProfile {
        clinician: "Lee Park".into(),
        credentials: "PT, DPT".into(),
        practice: "Northside Physio".into(),
        ..ClinicProfile::default()
    };
    theirs.set_clinic_profile(&crate::by(), &own).unwrap();
    theirs
        .create_patient(&crate::by(), &Patient::new("Already Here"))
        .unwrap();
    let summary = theirs.import(&crate::by(), &read).unwrap();
    assert!(!summary.kept_ids);
    assert_eq!(theirs.clinic_profile().unwrap(), own);
    match summary.clinic_profile {
        ProfileImport::KeptNotebooks {
            file_practice,
            file_clinician,
        } => {
            assert_eq!(file_practice, "Harbour Spine & Sport");
            assert_eq!(file_clinician, "Dana Whitfield, DC");
        }
        other => panic!("the notebook's own profile was not kept: {other:?}"),
    }
    let moved = all_letters(&theirs);
    assert_eq!(moved.len(), 2);
    for (letter, before) in moved.iter().zip(&letters) {
        assert_eq!(letter.signed_at, before.signed_at);
        assert_eq!(letter.signed_by, before.signed_by);
        assert_eq!(letter.draft.recipient, before.draft.recipient);
        let visit_day = |store: &Store, letter: &Letter| {
            letter
                .draft
                .visit_id
                .map(|visit| store.visit(visit).unwrap().started_at)
        };
        assert_eq!(visit_day(&theirs, letter), visit_day(&original, before));
        assert_eq!(
            theirs.patient(letter.draft.patient_id).unwrap().name,
            original.patient(before.draft.patient_id).unwrap().name
        );
    }
}

#[test]
fn a_letter_that_names_a_visit_not_in_the_file_is_refused_before_anything_is_written() {
    let (original, _) = notebook_with_profile_and_letters();
    let mut file = original.export().unwrap();
    let record = file
        .patients
        .iter_mut()
        .find(|p| !p.letters.is_empty())
        .unwrap();
    record.letters[0].draft.visit_id = Some(upstream::model::VisitId(999_999));
    let text = serde_json::to_string(&file).unwrap();
    let error = NotebookFile::parse(&text, "notebook.json").unwrap_err();
    assert!(
        error.to_string().contains("letters[0].draft.visit_id"),
        "{error}"
    );
    let mut copy = Store::open_in_memory().unwrap();
    assert!(copy.import(&crate::by(), &file).is_err());
    assert_eq!(copy.patient_count().unwrap(), 0);
}

fn file_bytes(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_file_that_is_not_a_database_is_refused_untouched() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notes.txt");
    let text = b"Patient list, do not lose\nAda Quill 1980-01-02\n".repeat(200);
    std::fs::write(&path, &text).unwrap();
    let error = Store::open(&path).unwrap_err();
    assert!(matches!(error, StoreError::NotADatabase { .. }), "{error}");
    assert!(error.to_string().contains("not an Upstream notebook"));
    assert_eq!(file_bytes(&path), text);
    assert!(!directory.path().join("notes.txt-wal").exists());

    // A file that starts like SQLite but is garbage after the header.
    let corrupt = directory.path().join("corrupt.sqlite3");
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend((0..8192u32).map(|i| (i * 7 % 251) as u8));
    std::fs::write(&corrupt, &bytes).unwrap();
    let error = Store::open(&corrupt).unwrap_err();
    assert!(matches!(error, StoreError::NotADatabase { .. }), "{error}");
    assert_eq!(file_bytes(&corrupt), bytes);
}

#[test]
fn a_notebook_from_a_newer_schema_is_refused_untouched() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("future.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE patient (id INTEGER PRIMARY KEY, name TEXT); PRAGMA user_version = 99;",
        )
        .unwrap();
    }
    let before = file_bytes(&path);
    let error = Store::open(&path).unwrap_err();
    match &error {
        StoreError::NewerSchema {
            found, supported, ..
        } => {
            assert_eq!(*found, 99);
            assert_eq!(*supported, latest_version());
        }
        other => panic!("expected NewerSchema, got {other}"),
    }
    assert!(error.to_string().contains("newer Upstream"));
    assert_eq!(file_bytes(&path), before);
    assert!(!directory.path().join("future.sqlite3-wal").exists());
}

#[test]
fn patients_seen_most_recently_are_listed_first() {
    let mut store = Store::open_in_memory().unwrap();
    let mut ids = Vec::new();
    for name in ["Ada Quill", "Ben Roe", "Cleo Park"] {
        ids.push(
            store
                .create_patient(&crate::by(), &patient(name, "1980-01-01"))
                .unwrap(),
        );
    }
    store
        .create_visit(
            &crate::by(),
            &Visit::new(ids[0], at("2026-03-01 09:00"), VisitKind::InitialExam),
        )
        .unwrap();
    store
        .create_visit(
            &crate::by(),
            &Visit::new(ids[2], at("2026-05-01 09:00"), VisitKind::InitialExam),
        )
        .unwrap();
    store
        .create_visit(
            &crate::by(),
            &Visit::new(ids[1], at("2026-04-01 09:00"), VisitKind::InitialExam),
        )
        .unwrap();
    let names: Vec<String> = store
        .search_patients("", 10)
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["Cleo Park", "Ben Roe", "Ada Quill"]);

    // Moving Ada's visit later moves her up.
    let mut visit = store.timeline(ids[0]).unwrap().remove(0).visit;
    visit.started_at = at("2026-06-01 09:00");
    store.update_visit(&crate::by(), &visit).unwrap();
    let names: Vec<String> = store
        .search_patients("", 10)
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["Ada Quill", "Cleo Park", "Ben Roe"]);
}

#[test]
fn a_notebook_of_every_earlier_schema_version_is_upgraded_with_its_data_intact() {
    use upstream::store::MIGRATIONS;
    for version in 1..latest_version() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join(format!("v{version}.sqlite3"));
        {
            // A notebook as that version of Upstream left it.
            let conn = rusqlite::Connection::open(&path).unwrap();
            // From version 4 the data below stands for what was there when the trail
            // began: written first, then the trail's migrations.
            for migration in MIGRATIONS.iter().filter(|m| m.version <= version.min(3)) {
                conn.execute_batch(migration.sql).unwrap();
            }
            conn.execute_batch(
                "INSERT INTO patient (id, name, date_of_birth, sex, history) VALUES (7, 'Ada Quill', '1980-01-02', 'female', '[\"smoker\"]');
                 INSERT INTO visit (id, patient_id, started_at, kind, chief_complaint, status)
                     VALUES (3, 7, '2026-02-01T10:30:00', 'initial_exam', 'L SI pain', 'signed');
                 INSERT INTO finding (id, visit_id, kind, region, side, intensity, presence)
                     VALUES (11, 3, 'pain', 'si_joint', 'left', 6, 'present');
                 INSERT INTO intervention (id, visit_id, kind, target, side) VALUES (5, 3, 'soft_tissue', 'soleus', 'bilateral');",
            )
            .unwrap();
            if version >= 4 {
                // As the store runs migrations: foreign keys off while tables are rebuilt.
                conn.pragma_update(None, "foreign_keys", false).unwrap();
                upstream::store::register_audit_functions(&conn, "Dr. Lee").unwrap();
                for migration in MIGRATIONS
                    .iter()
                    .filter(|m| (4..=version).contains(&m.version))
                {
                    conn.execute_batch(migration.sql).unwrap();
                }
            }
            conn.pragma_update(None, "user_version", version).unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            latest_version(),
            "from version {version}"
        );
        let ada = store.search_patients("quill", 1).unwrap().remove(0);
        assert_eq!(ada.history, ["smoker"]);
        let timeline = store.timeline(ada.id).unwrap();
        assert_eq!(timeline[0].visit.chief_complaint, "L SI pain");
        assert_eq!(
            timeline[0].findings[0].intensity.map(|i| i.value()),
            Some(6)
        );
        assert!(!timeline[0].findings[0].carried_over);
        assert_eq!(timeline[0].interventions[0].target, "soleus");
    }
}
