//! What the record holds beyond kind, place and intensity (issue 11, point 1): measured
//! values, grades, test results, provocation, onset and course on a finding; technique,
//! segments, modality and dose on an intervention. They are stored, audited, locked by the
//! signature, exported and imported, and undone like the rest of the visit.

use upstream::model::{
    Activity, Course, Finding, FindingDetail, Intervention, InterventionDetail, InterventionKind,
    Measurement, MobilisationGrade, Modality, MrcGrade, Onset, Patient, ReflexGrade, Side,
    SpinalLevel, Technique, Unit, Visit, VisitKind,
};
use upstream::store::{Store, StoreError};

fn at(text: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

/// "L4/L5 disc: lumbar flexion 40° (normal 60°), worse sitting and with cough, sudden onset
/// after lifting, progressive; EHL 4/5 R (L5 myotome); Achilles reflex 1+ R."
fn measured_findings(visit: upstream::model::VisitId) -> Vec<Finding> {
    let mut rom = Finding::new("limited_rom", Some("low_back"), Side::Midline);
    rom.visit_id = visit;
    rom.detail = FindingDetail {
        level: SpinalLevel::parse("L4/L5"),
        measurement: Some(Measurement {
            quantity: 40.0,
            unit: Unit::Degrees,
            of: Some("lumbar flexion".into()),
            normal: Some(60.0),
        }),
        provoked_by: vec![Activity::Sitting, Activity::CoughSneeze],
        eased_by: vec![Activity::Walking],
        onset: Some(Onset::Sudden),
        since: Some("3 weeks".into()),
        course: Some(Course::Progressive),
        ..FindingDetail::default()
    };
    let mut ehl = Finding::new("weakness", Some("big_toe"), Side::Right);
    ehl.visit_id = visit;
    ehl.detail = FindingDetail {
        structure: Some("extensor hallucis longus".into()),
        strength: MrcGrade::parse("4/5"),
        myotome: SpinalLevel::parse("L5"),
        ..FindingDetail::default()
    };
    let mut reflex = Finding::new("reflex_decreased", Some("achilles"), Side::Right);
    reflex.visit_id = visit;
    reflex.detail.reflex = ReflexGrade::parse("1+");
    vec![rom, ehl, reflex]
}

fn adjustment(visit: upstream::model::VisitId) -> Vec<Intervention> {
    let mut cmt = Intervention::new(InterventionKind::SpinalManipulation, "L5, SI", Side::Right);
    cmt.visit_id = visit;
    cmt.cpt_code = "98941".into();
    cmt.detail = InterventionDetail {
        technique: Some(Technique::Diversified),
        segments: vec!["L5".into(), "SI".into()],
        cpt_units: Some(1),
        ..InterventionDetail::default()
    };
    let mut mob = Intervention::new(InterventionKind::Mobilization, "L4", Side::Midline);
    mob.visit_id = visit;
    mob.detail = InterventionDetail {
        grade: Some(MobilisationGrade::III),
        ..InterventionDetail::default()
    };
    let mut ifc = Intervention::new(InterventionKind::Advice, "low back", Side::None);
    ifc.visit_id = visit;
    ifc.detail = InterventionDetail {
        modality: Some(Modality::Interferential),
        minutes: Some(10),
        ..InterventionDetail::default()
    };
    let mut bridges = Intervention::new(InterventionKind::Exercise, "bridges", Side::Bilateral);
    bridges.visit_id = visit;
    bridges.cpt_code = "97110".into();
    bridges.detail = InterventionDetail {
        sets: Some(3),
        reps: Some(10),
        load: Some("red band".into()),
        frequency: Some("daily".into()),
        cpt_units: Some(2),
        ..InterventionDetail::default()
    };
    vec![cmt, mob, ifc, bridges]
}

#[test]
fn values_grades_provocation_and_dose_are_kept_shown_and_audited() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let patient = store
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let visit = store
        .create_visit(
            &crate::by(),
            &Visit::new(patient, at("2026-03-02 09:30"), VisitKind::InitialExam),
        )
        .unwrap();
    store
        .add_findings(&crate::by(), &measured_findings(visit))
        .unwrap();
    store
        .add_interventions(&crate::by(), &adjustment(visit))
        .unwrap();

    let record = store.timeline(patient).unwrap().remove(0);
    assert_eq!(
        record
            .findings
            .iter()
            .map(|f| f.detail.clone())
            .collect::<Vec<_>>(),
        measured_findings(visit)
            .into_iter()
            .map(|f| f.detail)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        record
            .interventions
            .iter()
            .map(|i| i.detail.clone())
            .collect::<Vec<_>>(),
        adjustment(visit)
            .into_iter()
            .map(|i| i.detail)
            .collect::<Vec<_>>()
    );

    // The timeline says what was measured, as a note would.
    let vocabulary = upstream::model::Vocabulary::builtin();
    let said: Vec<String> = record
        .findings
        .iter()
        .map(|f| f.describe(vocabulary))
        .collect();
    assert!(
        said[0].contains("L4-L5")
            && said[0].contains("lumbar flexion 40° (normal 60°)")
            && said[0].contains("worse with sitting, cough or sneeze")
            && said[0].contains("eased by walking")
            && said[0].contains("sudden onset")
            && said[0].contains("progressive"),
        "{}",
        said[0]
    );
    assert!(
        said[1].contains("4/5") && said[1].contains("L5 myotome"),
        "{}",
        said[1]
    );
    assert!(said[2].contains("reflex 1+"), "{}", said[2]);
    let done: Vec<String> = record.interventions.iter().map(|i| i.describe()).collect();
    assert!(
        // Segments already named in the target are said once, not twice.
        done[0].contains("R L5, SI, Diversified")
            && done[0].matches("L5").count() == 1
            && done[0].contains("[CPT 98941 x1]"),
        "{}",
        done[0]
    );
    assert!(done[1].contains("grade III"), "{}", done[1]);
    assert!(done[2].contains("IFC, 10 min"), "{}", done[2]);
    assert!(
        done[3].contains("3 x 10, red band, daily") && done[3].contains("x2]"),
        "{}",
        done[3]
    );

    // The trail holds the detail, and checks it against the rows.
    let history = store.visit_history(visit).unwrap();
    assert!(
        history
            .iter()
            .filter(|e| e.table_name == "finding")
            .all(|e| e.after.as_deref().is_some_and(|a| a.contains("\"detail\""))),
        "{history:?}"
    );
    assert!(store.verify_audit().unwrap().is_intact());

    // An edit of the detail is an edit like any other: audited, and undone whole.
    let before = record.clone();
    let mut changed = record.findings[1].clone();
    changed.detail.strength = MrcGrade::parse("3/5");
    store.update_finding(&crate::by(), &changed).unwrap();
    assert_eq!(
        store.timeline(patient).unwrap()[0].findings[1]
            .detail
            .strength,
        MrcGrade::parse("3/5")
    );
    store.restore_visit(&crate::by(), &before).unwrap();
    assert_eq!(store.timeline(patient).unwrap()[0], before);
    assert!(store.verify_audit().unwrap().is_intact());

    // Signed, it is locked with the rest of the visit.
    store.sign_visit(&crate::named("Dr. Lee"), visit).unwrap();
    let mut late = before.findings[0].clone();
    late.detail.course = Some(Course::Improving);
    let error = store.update_finding(&crate::by(), &late).unwrap_err();
    assert!(matches!(error, StoreError::Refused(_)), "{error}");
    assert!(store.verify_audit().unwrap().is_intact());
}

#[test]
fn the_detail_survives_export_and_import_and_older_files_still_import() {
    let directory = tempfile::tempdir().unwrap();
    let mut store = Store::open(&directory.path().join("a.sqlite3")).unwrap();
    let patient = store
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let visit = store
        .create_visit(
            &crate::by(),
            &Visit::new(patient, at("2026-03-02 09:30"), VisitKind::InitialExam),
        )
        .unwrap();
    store
        .add_findings(&crate::by(), &measured_findings(visit))
        .unwrap();
    store
        .add_interventions(&crate::by(), &adjustment(visit))
        .unwrap();
    let file = directory.path().join("export.json");
    let exported = store.export_to(&crate::by(), &file).unwrap();
    assert_eq!(exported.version, upstream::store::NOTEBOOK_VERSION);

    let read = upstream::store::NotebookFile::read(&file).unwrap();
    let mut copy = Store::open(&directory.path().join("b.sqlite3")).unwrap();
    copy.import(&crate::by(), &read).unwrap();
    assert_eq!(
        copy.timeline(patient).unwrap(),
        store.timeline(patient).unwrap()
    );

    // A finding without detail writes none, so a version 2 file reads as it always did.
    let text = std::fs::read_to_string(&file).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["version"] = 2.into();
    value.as_object_mut().unwrap().remove("audit_head");
    let visits = &mut value["patients"][0]["visits"][0];
    for finding in visits["findings"].as_array_mut().unwrap() {
        finding.as_object_mut().unwrap().remove("detail");
    }
    for intervention in visits["interventions"].as_array_mut().unwrap() {
        intervention.as_object_mut().unwrap().remove("detail");
    }
    let older = upstream::store::NotebookFile::parse(&value.to_string(), "v2.json").unwrap();
    assert!(older.patients[0].visits[0].findings[0].detail.is_empty());

    // A detail the model cannot hold is refused with where it is, nothing imported.
    let mut wrong: serde_json::Value = serde_json::from_str(&text).unwrap();
    wrong["patients"][0]["visits"][0]["findings"][0]["detail"]["level"] = "L9".into();
    let error = upstream::store::NotebookFile::parse(&wrong.to_string(), "wrong.json").unwrap_err();
    assert!(error.to_string().contains("detail.level"), "{error}");
}

/// A mobilisation grade is stored as clinicians write it ("III"). A visit charted before
/// then holds the grade as "i_i_i": it is still read as grade III, and once signed its
/// trail still verifies, since the stored row is never rewritten.
#[test]
fn a_grade_stored_in_the_old_spelling_still_reads_and_its_signed_visit_still_verifies() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let (patient, visit) = {
        let mut store = Store::open(&path).unwrap();
        let patient = store
            .create_patient(&crate::by(), &Patient::new("Ada Quill"))
            .unwrap();
        let visit = store
            .create_visit(
                &crate::by(),
                &Visit::new(patient, at("2026-03-02 09:30"), VisitKind::FollowUp),
            )
            .unwrap();
        (patient, visit)
    };
    // As an earlier Upstream wrote it: through the audited table, the old spelling.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        upstream::store::register_audit_functions(&conn, "Dr. Lee").unwrap();
        conn.execute(
            "INSERT INTO intervention (visit_id, kind, target, side, detail)
             VALUES (?1, 'mobilization', 'L4', 'midline', '{\"grade\":\"i_i_i\"}')",
            [visit.0],
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    let record = store.timeline(patient).unwrap().remove(0);
    assert_eq!(
        record.interventions[0].detail.grade,
        Some(MobilisationGrade::III)
    );
    assert!(record.interventions[0].describe().contains("grade III"));
    store.sign_visit(&crate::named("Dr. Lee"), visit).unwrap();
    let report = store.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");

    // A new row is written in the clinic's spelling.
    let later = store
        .create_visit(
            &crate::by(),
            &Visit::new(patient, at("2026-03-09 09:30"), VisitKind::FollowUp),
        )
        .unwrap();
    let mut mob = Intervention::new(InterventionKind::Mobilization, "L4", Side::Midline);
    mob.visit_id = later;
    mob.detail.grade = Some(MobilisationGrade::IV);
    store.add_interventions(&crate::by(), &[mob]).unwrap();
    let written = store
        .visit_history(later)
        .unwrap()
        .into_iter()
        .filter(|e| e.table_name == "intervention")
        .filter_map(|e| e.after)
        .collect::<Vec<_>>()
        .join(" ")
        // The row's image holds the detail as a JSON text inside it.
        .replace("\\\"", "\"");
    assert!(written.contains("\"grade\":\"IV\""), "{written}");
    assert!(!written.contains("i_v"), "{written}");
    assert!(store.verify_audit().unwrap().is_intact());
}
