//! The patient search also finds patients by the words of their notes, findings,
//! interventions and addenda, shows the visit and the line, and follows every change to
//! the record.

use chrono::NaiveDate;
use upstream::model::{
    Finding, Intervention, InterventionKind, Patient, Side, Visit, VisitKind, VisitRecord,
};
use upstream::store::{NoteField, Store};

fn demo_clinic() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store
        .import(
            &crate::by(),
            &upstream::demo::clinic(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).unwrap(),
        )
        .unwrap();
    store
}

#[test]
fn soleus_finds_the_demo_runner_with_the_visit_and_line_that_say_it() {
    let store = demo_clinic();
    let found = store.search_notes("soleus", 50).unwrap();
    let maya = found
        .iter()
        .find(|m| m.patient.name == "Maya Lindqvist")
        .expect("the runner's notes speak of her soleus");
    assert!(maya.line.to_lowercase().contains("soleus"), "{}", maya.line);
    // The newest of her visits that says it, and that visit is hers.
    let timeline = store.timeline(maya.patient.id).unwrap();
    let mentions: Vec<_> = timeline
        .iter()
        .filter(|r| {
            let v = &r.visit;
            [
                &v.chief_complaint,
                &v.subjective,
                &v.objective,
                &v.assessment,
                &v.plan,
            ]
            .iter()
            .any(|t| t.to_lowercase().contains("soleus"))
                || r.findings
                    .iter()
                    .any(|f| f.note.to_lowercase().contains("soleus"))
                || r.addenda
                    .iter()
                    .any(|a| a.text.to_lowercase().contains("soleus"))
                || says_in_an_intervention(r, "soleus")
        })
        .map(|r| r.visit.id)
        .collect();
    assert_eq!(maya.visit, *mentions.last().unwrap());
    // A name search for the word finds nobody: these patients come from their notes.
    assert!(store.search_patients("soleus", 50).unwrap().is_empty());
}

/// Whether one of the visit's interventions, as charted, holds `word`.
fn says_in_an_intervention(record: &VisitRecord, word: &str) -> bool {
    record.interventions.iter().any(|i| {
        [&i.target, &i.dose, &i.notes]
            .iter()
            .any(|t| t.to_lowercase().contains(word))
    })
}

/// Whether the visit's note, findings or addenda hold `word`.
fn says_in_the_note(record: &VisitRecord, word: &str) -> bool {
    let v = &record.visit;
    [
        &v.chief_complaint,
        &v.subjective,
        &v.objective,
        &v.assessment,
        &v.plan,
    ]
    .iter()
    .any(|t| t.to_lowercase().contains(word))
        || record.findings.iter().any(|f| {
            format!("{} {}", f.test_name, f.note)
                .to_lowercase()
                .contains(word)
        })
        || record.addenda.iter().any(|a| {
            format!("{} {}", a.reason, a.text)
                .to_lowercase()
                .contains(word)
        })
}

#[test]
fn a_word_charted_only_in_an_intervention_finds_the_patient_with_that_visit_and_line() {
    let store = demo_clinic();
    // The jaw rest position taught to the runner is written in her intervention's dose
    // and nowhere in any note.
    let word = "tongue";
    let everyone = store.search_patients("", 100).unwrap();
    let mut charted = Vec::new();
    for patient in &everyone {
        for record in store.timeline(patient.id).unwrap() {
            assert!(!says_in_the_note(&record, word), "{}", patient.name);
            if says_in_an_intervention(&record, word) {
                charted.push((patient.id, record.visit.id));
            }
        }
    }
    assert!(!charted.is_empty(), "no demo intervention says `{word}`");
    let found = store.search_notes(word, 50).unwrap();
    assert_eq!(found.len(), 1);
    let (patient, newest) = *charted.last().unwrap();
    assert_eq!(found[0].patient.id, patient);
    assert_eq!(found[0].visit, newest);
    assert_eq!(found[0].field, NoteField::Intervention);
    assert!(
        found[0].line.to_lowercase().contains(word),
        "{}",
        found[0].line
    );
}

#[test]
fn every_word_typed_must_be_there_and_a_word_nowhere_finds_nobody() {
    let store = demo_clinic();
    let both = store.search_notes("soleus jaw", 50).unwrap();
    assert!(both.iter().any(|m| m.patient.name == "Maya Lindqvist"));
    for found in &both {
        let words = found.line.to_lowercase();
        assert!(
            words.contains("jaw") || words.contains("soleus"),
            "{}",
            found.line
        );
    }
    assert!(store.search_notes("zzyzx", 50).unwrap().is_empty());
    assert!(store.search_notes("  \"* ", 50).unwrap().is_empty());
}

#[test]
fn the_index_follows_notes_findings_and_addenda_as_they_are_written_changed_and_removed() {
    let mut store = Store::open_in_memory().unwrap();
    let by = crate::by();
    let ada = store
        .create_patient(&by, &Patient::new("Ada Quill"))
        .unwrap();
    let at = NaiveDate::from_ymd_opt(2026, 3, 2)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let mut visit = Visit::new(ada, at, VisitKind::InitialExam);
    visit.objective = "Calf tight bilat.\nTrP gastrocnemius L.".into();
    visit.id = store.create_visit(&by, &visit).unwrap();

    let found = store.search_notes("gastroc", 10).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].field, NoteField::Objective);
    assert_eq!(found[0].line, "TrP gastrocnemius L.");
    assert_eq!(found[0].visit, visit.id);

    // The note changed: the old words are gone from the search, the new ones found.
    visit.objective = "TrP soleus L.".into();
    store.update_visit(&by, &visit).unwrap();
    assert!(store.search_notes("gastroc", 10).unwrap().is_empty());
    assert_eq!(store.search_notes("soleus", 10).unwrap().len(), 1);

    // A finding's note, then the finding removed.
    let mut finding = Finding::new("pain", Some("calf"), Side::Left);
    finding.visit_id = visit.id;
    finding.note = "worse on stairs".into();
    let finding_id = store.add_finding(&by, &finding).unwrap();
    let found = store.search_notes("stairs", 10).unwrap();
    assert_eq!(found[0].field, NoteField::Finding);
    assert_eq!(found[0].line, "worse on stairs");
    store.delete_finding(&by, finding_id).unwrap();
    assert!(store.search_notes("stairs", 10).unwrap().is_empty());

    // An intervention's target and dose on one line, its notes on the next; changed, then
    // removed.
    let mut intervention = Intervention::new(InterventionKind::Taping, "peroneals", Side::Left);
    intervention.visit_id = visit.id;
    intervention.dose = "kinesio tape, 3 days".into();
    intervention.notes = "skin checked, no redness".into();
    intervention.id = store.add_intervention(&by, &intervention).unwrap();
    let found = store.search_notes("kinesio", 10).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].field, NoteField::Intervention);
    assert_eq!(found[0].line, "peroneals, kinesio tape, 3 days");
    assert_eq!(found[0].visit, visit.id);
    assert_eq!(
        store.search_notes("redness", 10).unwrap()[0].line,
        "skin checked, no redness"
    );
    intervention.dose = "rigid tape, 2 days".into();
    store.update_intervention(&by, &intervention).unwrap();
    assert!(store.search_notes("kinesio", 10).unwrap().is_empty());
    assert_eq!(store.search_notes("rigid tape", 10).unwrap().len(), 1);
    store.delete_intervention(&by, intervention.id).unwrap();
    assert!(store.search_notes("rigid", 10).unwrap().is_empty());

    // Signed, then corrected by an addendum, which is found.
    store.sign_visit(&by, visit.id).unwrap();
    store
        .add_addendum(&by, visit.id, "late entry", "Pt also reports night cramps.")
        .unwrap();
    let found = store.search_notes("cramps", 10).unwrap();
    assert_eq!(found[0].field, NoteField::Addendum);
    assert_eq!(found[0].line, "Pt also reports night cramps.");

    // The audit trail still verifies with the index beside it.
    assert!(store.verify_audit().unwrap().is_intact());
}

#[test]
fn a_deleted_draft_takes_its_words_out_of_the_search() {
    let mut store = Store::open_in_memory().unwrap();
    let by = crate::by();
    let ben = store.create_patient(&by, &Patient::new("Ben Roe")).unwrap();
    let at = NaiveDate::from_ymd_opt(2026, 3, 2)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let mut visit = Visit::new(ben, at, VisitKind::InitialExam);
    visit.plan = "Orthotic review in 2 weeks".into();
    let id = store.create_visit(&by, &visit).unwrap();
    let mut advice = Intervention::new(InterventionKind::Advice, "footwear", Side::None);
    advice.visit_id = id;
    store.add_intervention(&by, &advice).unwrap();
    assert_eq!(store.search_notes("orthotic", 10).unwrap().len(), 1);
    assert_eq!(store.search_notes("footwear", 10).unwrap().len(), 1);
    store.delete_draft_visit(&by, id).unwrap();
    assert!(store.search_notes("orthotic", 10).unwrap().is_empty());
    assert!(store.search_notes("footwear", 10).unwrap().is_empty());
}

#[test]
fn typing_a_word_of_a_note_lists_the_patient_with_the_line_and_a_click_opens_that_visit() {
    use eframe::egui::accesskit::Role;
    use egui_kittest::kittest::Queryable;

    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    {
        let mut store = Store::open(&path).unwrap();
        store
            .import(&crate::by(), &upstream::demo::clinic_for_today().unwrap())
            .unwrap();
    }
    let app = upstream::ui::UpstreamApp::new(
        Store::open(&path).unwrap(),
        upstream::ui::AppState::default(),
    );
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1366.0, 768.0])
        .build_ui_state(|ui, app: &mut upstream::ui::UpstreamApp| app.ui(ui), app);
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Search patients")
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Search patients")
        .type_text("soleus");
    harness.run();

    assert!(harness.query_by_label("Found in notes").is_some());
    // Her row names her, then the visit and the line that speaks of the soleus.
    let row = harness
        .query_all_by_label_contains("Maya Lindqvist\n")
        .next()
        .expect("a row with the runner found by her notes");
    assert!(harness.query_all_by_label_contains("soleus").count() >= 1);
    row.click();
    harness.run();
    let state = harness.state();
    assert_eq!(
        state.selected_patient().map(|p| p.name.as_str()),
        Some("Maya Lindqvist")
    );
    let visit = state.state.selected_visit.expect("the visit is opened");
    let record = state
        .timeline()
        .iter()
        .find(|r| r.visit.id == visit)
        .unwrap();
    assert!(
        record.visit.objective.to_lowercase().contains("soleus")
            || record.visit.plan.to_lowercase().contains("soleus")
            || record.visit.assessment.to_lowercase().contains("soleus")
            || record.findings.iter().any(|f| f.note.contains("soleus"))
    );
}
