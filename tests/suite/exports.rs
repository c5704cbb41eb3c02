//! What leaves the notebook: FHIR R4 Bundles, CSV tables and a patient's JSON, from the
//! library and from the command line, each written only with the clinician's word that a
//! plain file is wanted, and recorded among the notebook's events.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use serde_json::Value;
use upstream::exports::{self, Scope};
use upstream::model::{Patient, Presence, Side, Visit, VisitKind};
use upstream::store::{NotebookFile, PatientRecord, Store};

fn demo_records() -> Vec<PatientRecord> {
    let mut store = Store::open_in_memory().unwrap();
    store
        .import(
            &crate::by(),
            &upstream::demo::clinic(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).unwrap(),
        )
        .unwrap();
    store.export().unwrap().patients
}

fn resources(bundle: &Value) -> Vec<&Value> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| &entry["resource"])
        .collect()
}

fn of_type<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    resources(bundle)
        .into_iter()
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

#[test]
fn the_demo_clinic_as_fhir_holds_each_resource_type_and_one_per_visit_finding_and_intervention() {
    let records = demo_records();
    let bundle = exports::fhir::bundle(&records, &exports::fhir::no_pdf).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    let types: BTreeSet<&str> = resources(&bundle)
        .iter()
        .map(|r| r["resourceType"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        BTreeSet::from([
            "Condition",
            "DocumentReference",
            "Encounter",
            "Observation",
            "Patient",
            "Procedure",
            "Provenance",
            "QuestionnaireResponse",
        ])
    );
    let visits: Vec<_> = records.iter().flat_map(|r| &r.visits).collect();
    let signed = visits
        .iter()
        .filter(|v| v.visit.signature.is_some())
        .count();
    let addenda: usize = visits.iter().map(|v| v.addenda.len()).sum();
    assert_eq!(of_type(&bundle, "Patient").len(), records.len());
    assert_eq!(of_type(&bundle, "Encounter").len(), visits.len());
    let measures: usize = visits.iter().map(|v| v.measures.len()).sum();
    assert_eq!(
        of_type(&bundle, "Observation").len(),
        visits.iter().map(|v| v.findings.len()).sum::<usize>() + measures,
        "an Observation per finding and one per measure's total"
    );
    assert_eq!(of_type(&bundle, "QuestionnaireResponse").len(), measures);
    assert_eq!(
        of_type(&bundle, "Procedure").len(),
        visits.iter().map(|v| v.interventions.len()).sum::<usize>()
    );
    assert_eq!(of_type(&bundle, "Provenance").len(), signed + addenda);
    assert_eq!(of_type(&bundle, "DocumentReference").len(), signed);

    // Every reference points at a resource in the Bundle.
    let urls: BTreeSet<&str> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls.len(),
        resources(&bundle).len(),
        "every fullUrl differs"
    );
    for resource in resources(&bundle) {
        for field in ["subject", "encounter"] {
            if let Some(target) = resource[field]["reference"].as_str() {
                assert!(urls.contains(target), "{field} {target} is in the Bundle");
            }
        }
    }
}

#[test]
fn pain_score_laterality_body_site_test_result_absence_and_cpt_come_through() {
    let records = demo_records();
    let bundle = exports::fhir::bundle(&records, &exports::fhir::no_pdf).unwrap();
    let findings: Vec<_> = records
        .iter()
        .flat_map(|r| &r.visits)
        .flat_map(|v| &v.findings)
        .collect();
    let observation = |id: i64| {
        of_type(&bundle, "Observation")
            .into_iter()
            .find(|o| o["id"] == format!("finding-{id}"))
            .unwrap()
    };

    // A left-sided pain with its 0-10 score.
    let pain = findings
        .iter()
        .find(|f| f.kind.as_str() == "pain" && f.side == Side::Left && f.intensity.is_some())
        .unwrap();
    let o = observation(pain.id.0);
    assert_eq!(o["code"]["coding"][0]["system"], "http://loinc.org");
    assert_eq!(o["code"]["coding"][0]["code"], "72514-3");
    assert_eq!(
        o["valueInteger"],
        i64::from(pain.intensity.unwrap().value())
    );
    let site = &o["bodySite"];
    let region = pain.region.as_ref().unwrap();
    assert_eq!(
        site["text"],
        upstream::model::Vocabulary::builtin().region_name(region)
    );
    let side = &site["extension"][0]["valueCodeableConcept"]["coding"][0];
    assert_eq!(side["system"], "http://snomed.info/sct");
    assert_eq!(side["code"], "7771000", "Left (qualifier value)");

    // A right-sided finding says right.
    let right = findings
        .iter()
        .find(|f| f.side == Side::Right && f.region.is_some())
        .unwrap();
    assert_eq!(
        observation(right.id.0)["bodySite"]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"],
        "24028007"
    );

    // Examined and absent: said so, not left without a value.
    let absent = findings
        .iter()
        .find(|f| f.presence == Presence::Absent)
        .unwrap();
    let o = observation(absent.id.0);
    assert_eq!(o["valueCodeableConcept"]["text"], "absent");
    assert!(o.get("valueInteger").is_none());

    // A named test carries its result as an interpretation.
    let test = findings.iter().find(|f| !f.test_name.is_empty()).unwrap();
    let expected = match test.presence {
        Presence::Present => "POS",
        Presence::Absent => "NEG",
    };
    assert_eq!(
        observation(test.id.0)["interpretation"][0]["coding"][0]["code"],
        expected
    );

    // Every charted CPT code is on its Procedure, under the CPT system.
    let charted: Vec<_> = records
        .iter()
        .flat_map(|r| &r.visits)
        .flat_map(|v| &v.interventions)
        .filter(|i| !i.cpt_code.is_empty())
        .collect();
    assert!(!charted.is_empty());
    for intervention in charted {
        let procedure = of_type(&bundle, "Procedure")
            .into_iter()
            .find(|p| p["id"] == format!("intervention-{}", intervention.id.0))
            .unwrap();
        assert_eq!(
            procedure["code"]["coding"][0]["system"],
            "http://www.ama-assn.org/go/cpt"
        );
        assert_eq!(
            procedure["code"]["coding"][0]["code"],
            intervention.cpt_code
        );
    }
    // A finding kind without a standard code is text only: no coding is invented.
    let uncoded = findings
        .iter()
        .find(|f| f.kind.as_str() == "tightness")
        .unwrap();
    assert!(observation(uncoded.id.0)["code"].get("coding").is_none());
}

#[test]
fn the_signed_notes_pdf_goes_into_its_document_reference_when_the_pdf_maker_gives_one() {
    let records = demo_records();
    let pdf = |_: &PatientRecord, _: &upstream::model::VisitRecord| Some(b"%PDF-1.7".to_vec());
    let bundle = exports::fhir::bundle(&records, &pdf).unwrap();
    let document = of_type(&bundle, "DocumentReference")[0];
    let kinds: Vec<&str> = document["content"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["attachment"]["contentType"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["text/plain; charset=utf-8", "application/pdf"]);
    assert_eq!(document["content"][1]["attachment"]["data"], "JVBERi0xLjc=");
    let without = exports::fhir::bundle(&records, &exports::fhir::no_pdf).unwrap();
    assert_eq!(
        of_type(&without, "DocumentReference")[0]["content"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// Each outcome measure goes out as a QuestionnaireResponse of its answers by item number
/// and an Observation of its total, derived from the response, coded in LOINC only where
/// the instrument's data holds a code that was read at its source.
#[test]
fn each_outcome_measure_goes_out_as_its_answers_and_an_observation_of_its_total() {
    use upstream::model::Instrument;
    let records = demo_records();
    let bundle = exports::fhir::bundle(&records, &exports::fhir::no_pdf).unwrap();
    let by_url: std::collections::BTreeMap<&str, &Value> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["fullUrl"].as_str().unwrap(), &e["resource"]))
        .collect();
    let measures: Vec<_> = records
        .iter()
        .flat_map(|r| &r.visits)
        .flat_map(|v| v.measures.iter().map(move |m| (v, m)))
        .collect();
    assert!(measures.len() >= 10, "the demo clinic has outcome measures");
    let mut coded = BTreeSet::new();
    let mut uncoded = BTreeSet::new();
    for (visit, measure) in measures {
        let instrument = Instrument::find(&measure.instrument).unwrap();
        let response = of_type(&bundle, "QuestionnaireResponse")
            .into_iter()
            .find(|r| r["id"] == format!("measure-{}", measure.id.0))
            .unwrap_or_else(|| panic!("a QuestionnaireResponse for {}", measure.describe()));
        assert_eq!(response["status"], "completed");
        let authored = response["authored"].as_str().unwrap();
        assert!(
            authored.starts_with(&visit.visit.started_at.format("%Y-%m-%d").to_string()),
            "authored on the visit's day: {authored}"
        );
        assert!(by_url.contains_key(response["subject"]["reference"].as_str().unwrap()));
        assert!(by_url.contains_key(response["encounter"]["reference"].as_str().unwrap()));
        // Every answer given is there, by its item number.
        let items = response["item"].as_array().unwrap();
        for (index, answer) in measure.answers.iter().enumerate() {
            let link_id = (index + 1).to_string();
            let item = items
                .iter()
                .find(|i| i["linkId"].as_str() == Some(link_id.as_str()));
            match answer {
                Some(value) => assert_eq!(
                    item.unwrap()["answer"][0]["valueInteger"],
                    *value,
                    "{} item {}",
                    instrument.short,
                    index + 1
                ),
                None => assert!(item.is_none()),
            }
            // Item wording leaves only where the licence allows it (or the words are
            // the patient's own, as the PSFS's activities).
            if let Some(item) = item
                && !instrument.licence.items_reproduced
            {
                assert!(
                    item.get("text").is_none(),
                    "{} item wording",
                    instrument.short
                );
            }
        }
        let response_url = by_url
            .iter()
            .find(|(_, r)| r["id"] == response["id"])
            .map(|(url, _)| *url)
            .unwrap();
        let total = of_type(&bundle, "Observation")
            .into_iter()
            .find(|o| o["derivedFrom"][0]["reference"] == response_url)
            .unwrap_or_else(|| panic!("an Observation of {}'s total", measure.describe()));
        let score = measure.score.unwrap();
        let value = total["valueInteger"]
            .as_f64()
            .or_else(|| total["valueQuantity"]["value"].as_f64())
            .unwrap();
        assert!(
            (value - score).abs() < 0.01,
            "{}: {value}",
            measure.describe()
        );
        assert_eq!(total["effectiveDateTime"], response["authored"]);
        assert!(
            total["code"]["text"]
                .as_str()
                .unwrap()
                .contains(&instrument.name)
        );
        match &instrument.loinc {
            Some(loinc) => {
                assert_eq!(total["code"]["coding"][0]["system"], "http://loinc.org");
                assert_eq!(total["code"]["coding"][0]["code"], loinc.code.as_str());
                coded.insert(instrument.code.clone());
            }
            None => {
                assert!(total["code"].get("coding").is_none(), "no invented code");
                uncoded.insert(instrument.code.clone());
            }
        }
    }
    assert!(
        coded.contains("odi"),
        "the ODI's total carries its LOINC code"
    );
    assert!(
        !uncoded.is_empty(),
        "an instrument without a verified code is text only"
    );
}

/// Every resource of the demo clinic's export parses back through the FHIR R4 model and
/// comes out of it unchanged.
#[cfg(feature = "fhir-model")]
#[test]
fn every_resource_of_the_demo_clinic_round_trips_through_the_fhir_model() {
    let records = demo_records();
    let bundle = exports::fhir::bundle(&records, &exports::fhir::no_pdf).unwrap();
    for resource in resources(&bundle) {
        let typed: fhir::r4::resources::Resource =
            serde_json::from_value(resource.clone()).unwrap();
        let back = serde_json::to_value(&typed).unwrap();
        assert_eq!(
            exports::fhir::first_difference(resource, &back, "resource"),
            None,
            "{resource}"
        );
    }
}

/// A minimal CSV reader (RFC 4180), to read back what the export wrote.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn csv_tables_have_a_row_per_visit_finding_and_intervention_and_keep_commas_quotes_and_lines() {
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
    visit.subjective = "Pain \"like a knife\", worse AM.\nBetter by noon.".into();
    visit.id = store.create_visit(&by, &visit).unwrap();
    let mut finding = upstream::model::Finding::new("pain", Some("calf"), Side::Left);
    finding.visit_id = visit.id;
    finding.note = " leading space, and a comma".into();
    store.add_finding(&by, &finding).unwrap();

    let records = exports::records(&store, Scope::Patient(ada)).unwrap();
    let [visits, findings, interventions] = exports::csv::tables(&records);
    let visits = read_csv(&visits.1);
    assert_eq!(visits.len(), 2, "a header and one visit");
    let column = |name: &str| visits[0].iter().position(|c| c == name).unwrap();
    assert_eq!(visits[1][column("subjective")], visit.subjective);
    assert_eq!(visits[1][column("patient_id")], ada.0.to_string());
    assert_eq!(visits[1][column("date")], "2026-03-02T09:00:00");
    let findings = read_csv(&findings.1);
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[1][10], " leading space, and a comma");
    assert_eq!(findings[1][0], ada.0.to_string());
    assert_eq!(findings[1][1], "2026-03-02T09:00:00");
    // Every row has as many fields as its header.
    for table in [&visits, &findings] {
        assert!(table.iter().all(|row| row.len() == table[0].len()));
    }
    assert_eq!(read_csv(&interventions.1).len(), 1, "the header alone");
}

#[test]
fn a_note_a_spreadsheet_would_run_as_a_formula_stays_text_and_numbers_stay_numbers() {
    use upstream::exports::csv::quoted;
    assert_eq!(
        quoted("=HYPERLINK(\"http://x\")"),
        "\"'=HYPERLINK(\"\"http://x\"\")\""
    );
    assert_eq!(quoted("@SUM(A1)"), "\"'@SUM(A1)\"");
    assert_eq!(quoted("- worse sitting"), "\"'- worse sitting\"");
    assert_eq!(quoted("+1 since last visit"), "\"'+1 since last visit\"");
    assert_eq!(quoted("-5"), "-5");
    assert_eq!(quoted("4"), "4");
    assert_eq!(quoted("R calf pain"), "R calf pain");
}

#[test]
fn the_demo_clinic_as_csv_has_one_row_per_record() {
    let records = demo_records();
    let [visits, findings, interventions] = exports::csv::tables(&records);
    let all: Vec<_> = records.iter().flat_map(|r| &r.visits).collect();
    assert_eq!(visits.2, all.len());
    assert_eq!(read_csv(&visits.1).len(), all.len() + 1);
    assert_eq!(
        read_csv(&findings.1).len(),
        all.iter().map(|v| v.findings.len()).sum::<usize>() + 1
    );
    assert_eq!(
        read_csv(&interventions.1).len(),
        all.iter().map(|v| v.interventions.len()).sum::<usize>() + 1
    );
}

fn events(db: &Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut statement = conn
        .prepare("SELECT what, detail FROM notebook_event ORDER BY id")
        .unwrap();
    statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn upstream(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_upstream"))
        .env("UPSTREAM_CLINICIAN", "Test Clinician")
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("UPSTREAM_DB")
        .output()
        .expect("run upstream")
}

#[test]
fn the_commands_write_fhir_csv_and_a_patients_json_only_when_told_they_are_unencrypted() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("clinic.sqlite3");
    assert!(upstream(&db, &["demo"]).status.success());
    let fhir_file = directory.path().join("maya.fhir.json");

    let refused = upstream(&db, &["fhir", "1", "-o", fhir_file.to_str().unwrap()]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("not encrypted"), "{said}");
    assert!(said.contains("--unencrypted"), "{said}");
    assert!(!fhir_file.exists(), "nothing written");

    let written = upstream(
        &db,
        &[
            "fhir",
            "1",
            "-o",
            fhir_file.to_str().unwrap(),
            "--unencrypted",
        ],
    );
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    assert!(String::from_utf8_lossy(&written.stdout).contains("not encrypted"));
    let bundle: Value = serde_json::from_slice(&std::fs::read(&fhir_file).unwrap()).unwrap();
    assert_eq!(of_type(&bundle, "Patient").len(), 1, "one patient's record");
    // Each signed note goes with its visit-note PDF, made by the documents' own maker.
    let documents = of_type(&bundle, "DocumentReference");
    assert!(!documents.is_empty());
    for document in documents {
        let pdf = document["content"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["attachment"]["contentType"] == "application/pdf")
            .unwrap_or_else(|| panic!("no PDF in {document}"));
        // "%PDF-" in base64.
        assert!(
            pdf["attachment"]["data"]
                .as_str()
                .unwrap()
                .starts_with("JVBERi0"),
            "{document}"
        );
    }

    let folder = directory.path().join("tables");
    let written = upstream(
        &db,
        &[
            "csv",
            "--all",
            "-o",
            folder.to_str().unwrap(),
            "--unencrypted",
        ],
    );
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    for name in ["visits.csv", "findings.csv", "interventions.csv"] {
        assert!(folder.join(name).exists(), "{name}");
    }

    let json_file = directory.path().join("patient-1.json");
    let written = upstream(
        &db,
        &[
            "export",
            "--json",
            json_file.to_str().unwrap(),
            "--patient",
            "1",
            "--unencrypted",
        ],
    );
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    let file = NotebookFile::read(&json_file).unwrap();
    assert_eq!(file.patients.len(), 1);
    assert_eq!(file.patients[0].patient.id.0, 1);

    // Each export is recorded, with what was written and where.
    let recorded = events(&db);
    let exports: Vec<&String> = recorded
        .iter()
        .filter(|(what, _)| what == "export")
        .map(|(_, detail)| detail)
        .collect();
    assert_eq!(exports.len(), 1 + 3 + 1, "{recorded:?}");
    assert!(
        exports[0].starts_with("FHIR of patient 1"),
        "{}",
        exports[0]
    );
    assert!(exports[1].starts_with("CSV of whole notebook"));
    assert!(exports[4].starts_with("JSON of patient 1"));
}

#[test]
fn an_unknown_patient_is_said_plainly_and_nothing_is_written() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("clinic.sqlite3");
    assert!(upstream(&db, &["demo"]).status.success());
    let file = directory.path().join("nobody.fhir.json");
    let output = upstream(
        &db,
        &["fhir", "999", "-o", file.to_str().unwrap(), "--unencrypted"],
    );
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no patient with id 999"));
    assert!(!file.exists());
}

#[test]
fn the_window_writes_the_open_patients_fhir_and_the_notebooks_csv_after_the_plain_file_warning() {
    use eframe::egui::accesskit::Role;
    use egui_kittest::kittest::Queryable;
    use upstream::ui::{AppState, UpstreamApp};

    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    {
        let mut store = Store::open(&db).unwrap();
        store
            .import(&crate::by(), &upstream::demo::clinic_for_today().unwrap())
            .unwrap();
    }
    let app = UpstreamApp::new(Store::open(&db).unwrap(), AppState::default());
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1366.0, 768.0])
        .build_ui_state(|ui, app: &mut UpstreamApp| app.ui(ui), app);
    harness.run();

    harness
        .get_by_role_and_label(Role::Button, "Daniel Okafor")
        .click();
    harness.run();
    let okafor = harness.state().selected_patient().unwrap().id;
    harness.get_by_label("Notebook").click();
    harness.run();
    let file = directory.path().join("clinic.json");
    harness
        .get_by_role_and_label(Role::TextInput, "File")
        .focus();
    harness.run();
    harness.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::A);
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "File")
        .type_text(file.to_str().unwrap());
    harness.run();

    harness.get_by_label("Patient as FHIR").click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("will not be encrypted")
            .is_some()
    );
    assert!(
        !harness.state().task_running(),
        "nothing written before the word"
    );
    harness.get_by_label("Export unencrypted").click();
    harness.step();
    crate::until_task_done(&mut harness);
    harness.run();
    let written = directory
        .path()
        .join(format!("clinic-{}.fhir.json", okafor.0));
    let outcome = match harness.state().task_outcome() {
        Some(Ok(done)) => done.to_string(),
        other => panic!("the export did not finish: {other:?}"),
    };
    assert!(outcome.contains("not encrypted"), "{outcome}");
    let bundle: Value = serde_json::from_slice(&std::fs::read(&written).unwrap()).unwrap();
    let patients = of_type(&bundle, "Patient");
    assert_eq!(patients.len(), 1);
    assert_eq!(patients[0]["name"][0]["text"], "Daniel Okafor");

    harness.get_by_label("Notebook as CSV").click();
    harness.run();
    harness.get_by_label("Export unencrypted").click();
    harness.step();
    crate::until_task_done(&mut harness);
    harness.run();
    let folder = directory.path().join("clinic");
    let visits = std::fs::read_to_string(folder.join("visits.csv")).unwrap();
    assert!(visits.contains("Daniel Okafor"));
    assert!(visits.contains("Maya Lindqvist"));
}

#[test]
fn a_region_with_a_looked_up_snomed_code_carries_it_and_any_other_goes_as_text_only() {
    let codes: Value = serde_json::from_str(include_str!("../../assets/fhir/codes.json")).unwrap();
    let structures = &codes["body_sites"]["codes"];
    assert!(
        !codes["body_sites"]["sources"][0]
            .as_str()
            .unwrap()
            .is_empty()
    );
    let records = demo_records();
    let bundle = exports::fhir::bundle(&records, &exports::fhir::no_pdf).unwrap();
    let vocabulary = upstream::model::Vocabulary::builtin();
    let (mut coded, mut text_only) = (BTreeSet::new(), BTreeSet::new());
    for record in records.iter().flat_map(|r| &r.visits) {
        for (id, region, side) in record
            .findings
            .iter()
            .map(|f| (format!("finding-{}", f.id.0), &f.region, f.side))
            .chain(
                record
                    .interventions
                    .iter()
                    .map(|i| (format!("intervention-{}", i.id.0), &i.region, i.side)),
            )
        {
            let Some(region) = region else { continue };
            let resource = resources(&bundle)
                .into_iter()
                .find(|r| r["id"] == id.as_str())
                .unwrap();
            // An Observation has one body site, a Procedure a list of them.
            let site = match &resource["bodySite"] {
                Value::Array(sites) => &sites[0],
                site => site,
            };
            assert_eq!(site["text"], vocabulary.region_name(region), "{id}");
            let structure = &structures[region.as_str()];
            if structure.is_null() {
                assert!(site.get("coding").is_none(), "{id}: {site}");
                text_only.insert(region.as_str().to_owned());
            } else {
                let coding = &site["coding"][0];
                assert_eq!(coding["system"], "http://snomed.info/sct", "{id}");
                assert_eq!(coding["code"], structure["code"], "{id}");
                assert_eq!(coding["display"], structure["display"], "{id}");
                assert_eq!(site["coding"].as_array().unwrap().len(), 1, "{id}");
                coded.insert(region.as_str().to_owned());
            }
            // The side stays its own qualifier, coded or not.
            if side != Side::None {
                assert_eq!(
                    site["extension"][0]["valueCodeableConcept"]["coding"][0]["system"],
                    "http://snomed.info/sct",
                    "{id}"
                );
            }
        }
    }
    // The runner's calf is coded; her temple, which has no code looked up, is text only.
    assert!(coded.contains("calf"), "{coded:?}");
    assert!(
        !text_only.is_empty(),
        "every demo region is coded: {coded:?}"
    );
}
