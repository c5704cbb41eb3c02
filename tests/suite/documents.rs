//! The PDFs that leave the notebook, read back through a PDF text extractor as the
//! person they are sent to would read them.

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use upstream::documents::{self, DocumentError, DocumentOptions, Paper};
use upstream::model::{
    ClinicProfile, LetterDraft, LetterUrgency, Patient, Visit, VisitId, VisitKind, VisitRecord,
    Vocabulary,
};
use upstream::store::Store;

fn demo() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store
        .import(
            &crate::by(),
            &upstream::demo::clinic(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).unwrap(),
        )
        .unwrap();
    store
}

fn profile() -> ClinicProfile {
    ClinicProfile {
        clinician: "Dana Whitfield".into(),
        credentials: "DC".into(),
        registration: "CHI-20417".into(),
        practice: "Harbour Spine & Sport".into(),
        address: "12 Quay Street\nPortside".into(),
        phone: "555-0142".into(),
        logo: None,
    }
}

/// The PDF's text, page by page, with every run of white space made one space, so that
/// where a line wrapped does not matter.
fn pages(pdf: &[u8]) -> Vec<String> {
    pdf_extract::extract_text_from_mem_by_pages(pdf)
        .unwrap()
        .iter()
        .map(|page| flat(page))
        .collect()
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn text(pdf: &[u8]) -> String {
    pages(pdf).join(" ")
}

fn patients(store: &Store) -> Vec<Patient> {
    store.search_patients("", 100).unwrap()
}

fn last_signed(timeline: &[VisitRecord]) -> &VisitRecord {
    timeline.iter().rev().find(|r| r.visit.is_signed()).unwrap()
}

#[test]
fn each_demo_patients_signed_note_holds_the_patient_findings_treatment_signature_and_every_addendum()
 {
    let mut store = demo();
    store.set_clinic_profile(&crate::by(), &profile()).unwrap();
    let vocabulary = Vocabulary::builtin();
    for patient in patients(&store) {
        let visit = last_signed(&store.timeline(patient.id).unwrap()).visit.id;
        for (reason, body) in [
            ("late entry", "Patient phoned: walked 3 km without pain."),
            ("correction", "Home stretch is 3 x 30 s, not 3 x 60 s."),
        ] {
            store
                .add_addendum(&crate::named("Dana Whitfield"), visit, reason, body)
                .unwrap();
        }
        let record = store
            .timeline(patient.id)
            .unwrap()
            .into_iter()
            .find(|r| r.visit.id == visit)
            .unwrap();
        let pdf = documents::visit_note(&store, visit, &DocumentOptions::default()).unwrap();
        assert!(pdf.starts_with(b"%PDF-"), "{}", patient.name);
        let text = text(&pdf);
        let who = &patient.name;
        assert!(text.contains(&flat(who)), "{who}: {text}");
        assert!(text.contains("Harbour Spine & Sport"), "{who}");
        assert!(text.contains("Dana Whitfield, DC"), "{who}");
        assert!(text.contains("Registration CHI-20417"), "{who}");
        assert!(!record.findings.is_empty(), "{who}");
        for finding in &record.findings {
            let said = flat(&finding.describe(vocabulary));
            assert!(
                text.contains(&said),
                "{who}: finding `{said}` missing: {text}"
            );
        }
        for intervention in &record.interventions {
            let said = flat(&intervention.describe());
            assert!(text.contains(&said), "{who}: `{said}` missing");
        }
        let signature = record.visit.signature.as_ref().unwrap();
        assert!(
            text.contains(&format!("Signed by {}", flat(&signature.by))),
            "{who}: {text}"
        );
        assert!(
            text.contains(&signature.at.format("%H:%M").to_string()),
            "{who}"
        );
        for addendum in &record.addenda {
            assert!(
                text.contains(&flat(&addendum.text)),
                "{who}: addendum missing"
            );
            assert!(
                text.contains(&format!("Reason: {}", addendum.reason)),
                "{who}"
            );
        }
        assert!(!text.contains("DRAFT"), "{who}: a signed note is no draft");
        let page_count = pages(&pdf).len();
        let last_page = pages(&pdf).pop().unwrap();
        assert!(
            last_page.contains(&format!("Page {page_count} of {page_count}")),
            "{who}: {last_page}"
        );
        assert!(
            last_page.contains(&flat(who)),
            "{who}: the footer names the patient"
        );
    }
}

#[test]
fn a_signed_visits_note_is_byte_identical_when_made_twice() {
    let store = demo();
    let patient = &patients(&store)[0];
    let visit = last_signed(&store.timeline(patient.id).unwrap()).visit.id;
    let options = DocumentOptions::default();
    let first = documents::visit_note(&store, visit, &options).unwrap();
    let second = documents::visit_note(&store, visit, &options).unwrap();
    assert!(first == second, "the two PDFs differ");
    let letter = documents::visit_note(
        &store,
        visit,
        &DocumentOptions {
            paper: Paper::UsLetter,
            ..DocumentOptions::default()
        },
    )
    .unwrap();
    assert!(letter != first, "US Letter is laid out as A4");
}

fn patient_with_draft(store: &mut Store, subjective: &str) -> VisitId {
    let patient = store
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let at = NaiveDate::from_ymd_opt(2026, 3, 2)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let mut visit = Visit::new(patient, at, VisitKind::InitialExam);
    visit.subjective = subjective.to_owned();
    store.create_visit(&crate::by(), &visit).unwrap()
}

#[test]
fn a_long_note_flows_onto_more_pages_and_loses_no_line() {
    let mut store = Store::open_in_memory().unwrap();
    let lines: Vec<String> = (1..=220)
        .map(|n| format!("Line {n}: pain eased after walking, worse on stairs again today."))
        .collect();
    let visit = patient_with_draft(&mut store, &lines.join("\n"));
    let pdf = documents::visit_note(&store, visit, &DocumentOptions::default()).unwrap();
    let pages = pages(&pdf);
    assert!(pages.len() >= 4, "{} pages", pages.len());
    let text = pages.join(" ");
    for line in &lines {
        assert!(text.contains(line.as_str()), "`{line}` was clipped");
    }
    let count = pages.len();
    for (number, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!("Page {} of {count}", number + 1)),
            "page {}: {page}",
            number + 1
        );
        assert!(
            page.contains("Ada Quill"),
            "page {} names no patient",
            number + 1
        );
    }
    assert_eq!(
        documents::visit_note_pages(&store, visit, &DocumentOptions::default()).unwrap(),
        count
    );
}

#[test]
fn note_text_that_looks_like_markup_prints_as_written() {
    let mut store = Store::open_in_memory().unwrap();
    let written =
        "#set page(width: 2cm) *not bold* _not italic_ $x^2$ [a] <b> @c \\ `d` // e /* f */ = g";
    let visit = patient_with_draft(&mut store, written);
    let pdf = documents::visit_note(&store, visit, &DocumentOptions::default()).unwrap();
    let text = text(&pdf);
    assert!(text.contains(written), "{text}");
}

#[test]
fn a_draft_prints_with_a_draft_mark_and_no_signature() {
    let mut store = Store::open_in_memory().unwrap();
    let visit = patient_with_draft(&mut store, "first visit");
    let pdf = documents::visit_note(&store, visit, &DocumentOptions::default()).unwrap();
    let text = text(&pdf);
    assert!(text.contains("DRAFT"), "{text}");
    assert!(text.contains("Not signed"), "{text}");
    assert!(!text.contains("Signed by"), "{text}");
}

#[test]
fn a_progress_report_holds_each_symptoms_change_the_visits_and_the_plan() {
    let store = demo();
    let vocabulary = Vocabulary::builtin();
    for patient in patients(&store) {
        let timeline = store.timeline(patient.id).unwrap();
        let from = timeline.first().unwrap().visit.started_at.date();
        let to = timeline.last().unwrap().visit.started_at.date();
        let pdf =
            documents::progress_report(&store, patient.id, from, to, &DocumentOptions::default())
                .unwrap();
        let text = text(&pdf);
        let who = &patient.name;
        assert!(text.contains(&flat(who)), "{who}");
        assert!(
            text.contains(&format!("Visits attended: {}", timeline.len())),
            "{who}: {text}"
        );
        let series = upstream::model::series::symptom_series(&timeline, vocabulary);
        for one in &series {
            let first = one.points.first().unwrap().intensity;
            let now = one.points.last().unwrap().intensity;
            assert!(
                text.contains(&flat(&one.label)),
                "{who}: `{}` missing",
                one.label
            );
            assert!(
                text.contains(&format!("{first}/10")) && text.contains(&format!("{now}/10")),
                "{who}: {}",
                one.label
            );
        }
        let plan = timeline
            .iter()
            .rev()
            .map(|r| r.visit.plan.as_str())
            .find(|p| !p.trim().is_empty())
            .unwrap_or_default();
        assert!(
            text.contains(&flat(plan)),
            "{who}: the plan `{plan}` is missing"
        );
    }
}

/// The runner's progress report shows each outcome measure over the period: the
/// instrument, its first and last score, the change and whether it reached the MCID.
#[test]
fn a_progress_report_shows_each_outcome_measures_first_and_last_score_and_its_mcid() {
    use upstream::model::Instrument;
    let store = demo();
    let mut reported = 0;
    for patient in patients(&store) {
        let timeline = store.timeline(patient.id).unwrap();
        let from = timeline.first().unwrap().visit.started_at.date();
        let to = timeline.last().unwrap().visit.started_at.date();
        let measures: Vec<_> = timeline.iter().flat_map(|r| &r.measures).collect();
        if measures.is_empty() {
            continue;
        }
        let pdf =
            documents::progress_report(&store, patient.id, from, to, &DocumentOptions::default())
                .unwrap();
        let text = text(&pdf);
        let who = &patient.name;
        assert!(text.contains("Outcome measures"), "{who}: {text}");
        for instrument in Instrument::all() {
            let scores: Vec<f64> = measures
                .iter()
                .filter(|m| m.instrument == instrument.code)
                .filter_map(|m| m.score)
                .collect();
            let (Some(first), Some(last)) = (scores.first(), scores.last()) else {
                continue;
            };
            assert!(
                text.contains(&flat(&format!(
                    "{} {}",
                    instrument.short, instrument.version
                ))),
                "{who}: {} is named",
                instrument.short
            );
            for score in [first, last] {
                assert!(
                    text.contains(&flat(&instrument.score_text(*score))),
                    "{who}: {} score {score}",
                    instrument.short
                );
            }
            if scores.len() > 1 && instrument.mcid.is_some() {
                let better = instrument.improvement(*first, *last);
                let important = instrument.important_change(*first).unwrap();
                if better >= important {
                    assert!(text.contains("crossed: better"), "{who}: {text}");
                }
            }
            reported += 1;
        }
    }
    assert!(
        reported >= 3,
        "the demo patients' reports show their measures"
    );
}

#[test]
fn a_progress_report_over_no_visits_or_backwards_says_so_and_writes_nothing() {
    let store = demo();
    let patient = &patients(&store)[0];
    let day = |d| NaiveDate::from_ymd_opt(2001, 1, d).unwrap();
    let options = DocumentOptions::default();
    let error =
        documents::progress_report(&store, patient.id, day(20), day(10), &options).unwrap_err();
    assert!(
        matches!(error, DocumentError::BackwardsRange { .. }),
        "{error}"
    );
    let error =
        documents::progress_report(&store, patient.id, day(1), day(10), &options).unwrap_err();
    assert!(error.to_string().contains("has no visits"), "{error}");
}

#[test]
fn a_referral_letter_is_kept_signed_and_prints_whom_how_soon_and_why() {
    let mut store = demo();
    store.set_clinic_profile(&crate::by(), &profile()).unwrap();
    let patient = &patients(&store)[0];
    let visit = last_signed(&store.timeline(patient.id).unwrap()).visit.id;
    let mut draft = documents::blank_letter(&store, patient.id).unwrap();
    draft.visit_id = Some(visit);
    draft.recipient = "Orthopaedic surgeon (foot and ankle)".into();
    draft.urgency = LetterUrgency::Soon;
    draft.reason =
        "Calf pain not settling after six weeks of care; please assess *the* Achilles.".into();
    draft.findings = "Thompson negative, R calf".into();
    draft.avoided = "No manipulation of the ankle.".into();
    let letter = store
        .sign_letter(&crate::named("Dana Whitfield"), &draft)
        .unwrap();
    assert_eq!(
        store.letters(patient.id).unwrap(),
        std::slice::from_ref(&letter)
    );
    // It is in the visit's history and the trail verifies.
    let history = store.visit_history(visit).unwrap();
    assert!(history.iter().any(|e| e.table_name == "letter"));
    assert!(store.verify_audit().unwrap().is_intact());
    let pdf = documents::referral_letter(&store, letter.id, &DocumentOptions::default()).unwrap();
    let text = text(&pdf);
    for expected in [
        "Orthopaedic surgeon (foot and ankle)",
        LetterUrgency::Soon.plainly(),
        draft.reason.as_str(),
        "Thompson negative, R calf",
        "No manipulation of the ankle.",
        "Signed by Dana Whitfield",
        "Dana Whitfield, DC",
        "Tel. 555-0142",
        patient.name.as_str(),
    ] {
        assert!(
            text.contains(&flat(expected)),
            "`{expected}` missing: {text}"
        );
    }
    assert!(!draft.done.is_empty());
    assert!(text.contains(&flat(&draft.done)), "{text}");
    // The same letter prints the same bytes.
    let again = documents::referral_letter(&store, letter.id, &DocumentOptions::default()).unwrap();
    assert!(pdf == again);
}

#[test]
fn a_letter_without_whom_or_why_is_refused_and_nothing_is_kept() {
    let mut store = demo();
    let patient = &patients(&store)[0];
    let draft = LetterDraft {
        patient_id: patient.id,
        reason: "sore".into(),
        ..LetterDraft::default()
    };
    let error = store.sign_letter(&crate::by(), &draft).unwrap_err();
    assert!(error.to_string().contains("whom"), "{error}");
    assert!(store.letters(patient.id).unwrap().is_empty());
}

#[test]
fn a_handout_shows_the_source_and_the_home_exercises() {
    let store = demo();
    let patient = patients(&store)
        .into_iter()
        .find(|p| {
            store
                .timeline(p.id)
                .unwrap()
                .last()
                .unwrap()
                .interventions
                .iter()
                .any(|i| i.kind == upstream::model::InterventionKind::Exercise)
        })
        .unwrap();
    let last = store.timeline(patient.id).unwrap().pop().unwrap();
    let pdf = documents::handout(&store, patient.id, None, &DocumentOptions::default()).unwrap();
    let text = text(&pdf);
    assert!(
        text.contains("Why we treat where it doesn't hurt"),
        "{text}"
    );
    for exercise in last
        .interventions
        .iter()
        .filter(|i| i.kind == upstream::model::InterventionKind::Exercise)
    {
        assert!(
            text.contains(&flat(&exercise.target)),
            "`{}` missing",
            exercise.target
        );
    }
}

fn upstream_cli(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_upstream"))
        .env("UPSTREAM_CLINICIAN", "Test Clinician")
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("UPSTREAM_DB")
        .output()
        .unwrap()
}

#[test]
fn the_command_line_writes_a_note_and_a_progress_report_and_warns_they_are_not_encrypted() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("clinic.sqlite3");
    assert!(upstream_cli(&db, &["demo"]).status.success());
    let output = upstream_cli(
        &db,
        &[
            "clinic",
            "--practice",
            "Harbour Spine & Sport",
            "--clinician",
            "Dana Whitfield",
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let note = directory.path().join("note.pdf");
    let output = upstream_cli(&db, &["pdf", "note", "1", "-o", note.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("not encrypted"));
    let text = text(&std::fs::read(&note).unwrap());
    assert!(text.contains("Harbour Spine & Sport"), "{text}");

    let report = directory.path().join("report.pdf");
    let output = upstream_cli(
        &db,
        &[
            "pdf",
            "progress",
            "1",
            "--from",
            "2000-01-01",
            "--to",
            "2100-01-01",
            "-o",
            report.to_str().unwrap(),
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text_of(&report).contains("Progress report"));

    // A backwards range is refused in words, and no file is left.
    let refused = directory.path().join("refused.pdf");
    let output = upstream_cli(
        &db,
        &[
            "pdf",
            "progress",
            "1",
            "--from",
            "2026-05-01",
            "--to",
            "2026-04-01",
            "-o",
            refused.to_str().unwrap(),
        ],
    );
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("before its start"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!refused.exists());
}

fn text_of(path: &Path) -> String {
    text(&std::fs::read(path).unwrap())
}

/// Each page's size in points (width, height), from its MediaBox, or the one it inherits
/// from the page tree.
fn page_sizes(pdf: &[u8]) -> Vec<(f32, f32)> {
    let document = pdf_extract::Document::load_mem(pdf).unwrap();
    document
        .get_pages()
        .values()
        .map(|&page| {
            let mut node = document.get_dictionary(page).unwrap();
            let media_box = loop {
                if let Ok(media_box) = node.get(b"MediaBox") {
                    break document
                        .dereference(media_box)
                        .unwrap()
                        .1
                        .as_array()
                        .unwrap();
                }
                let parent = node.get(b"Parent").unwrap().as_reference().unwrap();
                node = document.get_dictionary(parent).unwrap();
            };
            let corner: Vec<f32> = media_box
                .iter()
                .map(|number| number.as_float().unwrap())
                .collect();
            (corner[2] - corner[0], corner[3] - corner[1])
        })
        .collect()
}

#[test]
fn every_document_is_on_the_paper_chosen_us_letter_or_a4() {
    let mut store = demo();
    let patient = &patients(&store)[0];
    let timeline = store.timeline(patient.id).unwrap();
    let visit = last_signed(&timeline).visit.id;
    let mut draft = documents::blank_letter(&store, patient.id).unwrap();
    draft.recipient = "the patient's GP".into();
    draft.reason = "Calf pain not settling.".into();
    let letter = store.sign_letter(&crate::by(), &draft).unwrap();
    let (from, to) = (
        timeline.first().unwrap().visit.started_at.date(),
        timeline.last().unwrap().visit.started_at.date(),
    );
    // ISO 216 A4 is 210 x 297 mm, US Letter 8.5 x 11 in, in PostScript points (1/72 in);
    // within a point for rounding.
    for (paper, (width, height)) in [
        (Paper::A4, (595.3, 841.9)),
        (Paper::UsLetter, (612.0, 792.0)),
    ] {
        let options = DocumentOptions {
            paper,
            ..DocumentOptions::default()
        };
        for (what, pdf) in [
            ("visit note", documents::visit_note(&store, visit, &options)),
            (
                "progress report",
                documents::progress_report(&store, patient.id, from, to, &options),
            ),
            (
                "referral letter",
                documents::referral_letter(&store, letter.id, &options),
            ),
            (
                "handout",
                documents::handout(&store, patient.id, None, &options),
            ),
        ] {
            let sizes = page_sizes(&pdf.unwrap());
            assert!(!sizes.is_empty(), "{what} has no pages");
            for (page, (w, h)) in sizes.iter().enumerate() {
                assert!(
                    (w - width).abs() < 1.0 && (h - height).abs() < 1.0,
                    "{what} on {} is {w} x {h} pt on page {}",
                    paper.label(),
                    page + 1
                );
            }
        }
    }
}
