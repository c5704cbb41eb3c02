//! The record as a FHIR R4 Bundle (type `collection`): a Patient, an Encounter per
//! visit, an Observation per finding, a Procedure per intervention, a Condition for the
//! assessment, a Provenance for each signature and addendum, a DocumentReference for
//! each signed note, and for each outcome measure a QuestionnaireResponse of its answers
//! with an Observation of its total derived from it. Built with the `fhir-model` feature, the Bundle is read through the
//! `fhir` crate's R4 model and written by it, so a resource the model does not accept is
//! never written; without it (the default, as that crate's 200,000 generated lines take
//! several minutes and gigabytes of memory to compile) the Bundle is written as made.
//!
//! Codes come from `assets/fhir/codes.json`, each with where it was looked up; a finding,
//! region or intervention without a standard code there goes out as text. An outcome
//! measure's LOINC code is the instrument's own (`assets/instruments/`), where one was read.

use std::path::Path;

use chrono::{Local, NaiveDateTime, TimeZone};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{ExportError, Result, Scope, records, write_recorded};
use crate::model::measure::Rule;
use crate::model::{
    Finding, Instrument, Intervention, Measure, Presence, Side, VisitRecord, Vocabulary,
};
use crate::store::{Actor, PatientRecord, Store};

const CODES_JSON: &str = include_str!("../../assets/fhir/codes.json");

/// The codes of `assets/fhir/codes.json`.
#[derive(Debug, Deserialize)]
struct Codes {
    laterality: Laterality,
    pain_score: PainScore,
    interpretation: Interpretation,
    cpt: System,
    encounter_class: Coded,
    body_sites: BodySites,
}

/// SNOMED CT body structures for the regions that have one in the list cited beside them.
#[derive(Debug, Deserialize)]
struct BodySites {
    system: String,
    codes: std::collections::BTreeMap<String, Display>,
}

#[derive(Debug, Deserialize)]
struct Laterality {
    system: String,
    extension: String,
    codes: std::collections::BTreeMap<String, Display>,
}

#[derive(Debug, Deserialize)]
struct PainScore {
    system: String,
    code: String,
    display: String,
    kinds: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Interpretation {
    system: String,
    positive: Display,
    negative: Display,
}

#[derive(Debug, Deserialize)]
struct System {
    system: String,
}

#[derive(Debug, Deserialize)]
struct Coded {
    system: String,
    code: String,
    display: String,
}

#[derive(Debug, Deserialize)]
struct Display {
    code: String,
    display: String,
}

fn codes() -> Result<Codes> {
    serde_json::from_str(CODES_JSON).map_err(|error| ExportError::Fhir {
        resource: "code map (assets/fhir/codes.json)".into(),
        message: error.to_string(),
    })
}

/// Where the signed note's PDF comes from, when there is one: given a signed visit, its
/// PDF's bytes (`notebook::write_fhir` gives `documents::visit_note`). Each
/// DocumentReference carries the note as text as well.
pub type NotePdf<'a> = &'a dyn Fn(&PatientRecord, &VisitRecord) -> Option<Vec<u8>>;

/// No PDF: the DocumentReference carries the note as text only.
pub fn no_pdf(_: &PatientRecord, _: &VisitRecord) -> Option<Vec<u8>> {
    None
}

/// The records as one FHIR R4 Bundle, read back through the R4 model, as JSON.
pub fn bundle(records: &[PatientRecord], note_pdf: NotePdf<'_>) -> Result<Value> {
    let codes = codes()?;
    let vocabulary = Vocabulary::builtin();
    let mut entries = Vec::new();
    for record in records {
        for resource in patient_resources(record, &codes, vocabulary, note_pdf) {
            entries.push(json!({
                "fullUrl": resource.0,
                "resource": resource.1,
            }));
        }
    }
    let bundle = json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        "entry": entries,
    });
    #[cfg(feature = "fhir-model")]
    let bundle = through_the_model(bundle)?;
    Ok(bundle)
}

/// `bundle` as the FHIR model reads and writes it. Anything the model does not know is
/// refused rather than silently dropped.
#[cfg(feature = "fhir-model")]
pub fn through_the_model(bundle: Value) -> Result<Value> {
    let refused = |message: String| ExportError::Fhir {
        resource: "Bundle".into(),
        message,
    };
    // Read as any resource, so that its resourceType is kept when it is written again.
    let typed: fhir::r4::resources::Resource =
        serde_json::from_value(bundle.clone()).map_err(|e| refused(e.to_string()))?;
    if !matches!(typed, fhir::r4::resources::Resource::Bundle(_)) {
        return Err(refused("it is not a Bundle".into()));
    }
    let written = serde_json::to_value(&typed).map_err(|e| refused(e.to_string()))?;
    if let Some(lost) = first_difference(&bundle, &written, "Bundle") {
        return Err(refused(format!("{lost} did not survive the model")));
    }
    Ok(written)
}

/// Where `written` lacks or changes something of `made`, by its path.
pub fn first_difference(made: &Value, written: &Value, at: &str) -> Option<String> {
    match (made, written) {
        (Value::Object(a), Value::Object(b)) => {
            a.iter().find_map(|(key, value)| match b.get(key) {
                Some(other) => first_difference(value, other, &format!("{at}.{key}")),
                None => Some(format!("{at}.{key}")),
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, &format!("{at}[{i}]"))),
        // Numbers compare by value (the model may write 5 as 5.0 for a decimal).
        (Value::Number(a), Value::Number(b)) => (a.as_f64() != b.as_f64()).then(|| at.to_owned()),
        (a, b) => (a != b).then(|| at.to_owned()),
    }
}

/// Writes the Bundle of `scope` to `path` and records the export.
pub fn write_fhir(
    store: &Store,
    by: &Actor,
    scope: Scope,
    path: &Path,
    note_pdf: NotePdf<'_>,
) -> Result<usize> {
    let records = records(store, scope)?;
    let bundle = bundle(&records, note_pdf)?;
    let count = bundle
        .get("entry")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let mut text = serde_json::to_string_pretty(&bundle).map_err(|error| ExportError::Write {
        path: path.to_owned(),
        message: error.to_string(),
    })?;
    text.push('\n');
    write_recorded(store, by, "FHIR", scope, path, text.as_bytes())?;
    Ok(count)
}

/// A stable `urn:uuid:` for a row of the notebook, so that references inside the Bundle
/// resolve and a second export names the same resource the same way.
fn urn(kind: &str, id: i64) -> String {
    let digest = Sha256::digest(format!("upstream:{kind}:{id}").as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    // Version 8 (custom) and the RFC 4122 variant, so the text is a well-formed UUID.
    format!(
        "urn:uuid:{}-{}-8{}-{}{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        ["8", "9", "a", "b"][usize::from(digest[8] & 3)],
        &hex[17..20],
        &hex[20..32]
    )
}

/// The local wall-clock time the notebook records, with this computer's offset, as FHIR
/// wants a time with its zone.
fn instant(at: NaiveDateTime) -> String {
    Local.from_local_datetime(&at).earliest().map_or_else(
        || at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        |local| local.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    )
}

fn reference(url: &str) -> Value {
    json!({ "reference": url })
}

/// A body site: the region's name as text, and its side as a SNOMED CT laterality
/// qualifier (no SNOMED CT body structure code has been looked up for the regions).
fn body_site(
    region: Option<&crate::model::RegionCode>,
    side: Side,
    codes: &Codes,
    vocabulary: &Vocabulary,
) -> Option<Value> {
    let region = region?;
    let mut site = json!({ "text": vocabulary.region_name(region) });
    // Only a region with a looked-up code is coded; the rest stay text.
    if let Some(structure) = codes.body_sites.codes.get(region.as_str()) {
        site["coding"] = json!([{
            "system": codes.body_sites.system,
            "code": structure.code,
            "display": structure.display,
        }]);
    }
    if let Some(qualifier) = codes.laterality.codes.get(side.code()) {
        site["extension"] = json!([{
            "url": codes.laterality.extension,
            "valueCodeableConcept": {
                "coding": [{
                    "system": codes.laterality.system,
                    "code": qualifier.code,
                    "display": qualifier.display,
                }],
                "text": side.code(),
            },
        }]);
    }
    Some(site)
}

fn patient_resources(
    record: &PatientRecord,
    codes: &Codes,
    vocabulary: &Vocabulary,
    note_pdf: NotePdf<'_>,
) -> Vec<(String, Value)> {
    let patient = &record.patient;
    let patient_url = urn("patient", patient.id.0);
    let mut person = json!({
        "resourceType": "Patient",
        "id": format!("patient-{}", patient.id.0),
        "name": [{ "text": patient.name }],
        "gender": patient.sex.code(),
    });
    if let Some(born) = patient.date_of_birth {
        person["birthDate"] = json!(born.format("%Y-%m-%d").to_string());
    }
    let mut resources = vec![(patient_url.clone(), person)];
    for visit in &record.visits {
        resources.extend(visit_resources(
            record,
            visit,
            &patient_url,
            codes,
            vocabulary,
            note_pdf,
        ));
    }
    resources
}

fn visit_resources(
    record: &PatientRecord,
    visit: &VisitRecord,
    patient_url: &str,
    codes: &Codes,
    vocabulary: &Vocabulary,
    note_pdf: NotePdf<'_>,
) -> Vec<(String, Value)> {
    let v = &visit.visit;
    let encounter_url = urn("visit", v.id.0);
    let when = instant(v.started_at);
    let signed = v.signature.is_some();
    let mut encounter = json!({
        "resourceType": "Encounter",
        "id": format!("visit-{}", v.id.0),
        "status": if signed { "finished" } else { "in-progress" },
        "class": {
            "system": codes.encounter_class.system,
            "code": codes.encounter_class.code,
            "display": codes.encounter_class.display,
        },
        "type": [{ "text": v.kind.label() }],
        "subject": reference(patient_url),
        "period": { "start": when },
    });
    if !v.chief_complaint.trim().is_empty() {
        encounter["reasonCode"] = json!([{ "text": v.chief_complaint }]);
    }
    let mut resources = vec![(encounter_url.clone(), encounter)];
    let status = if signed { "final" } else { "preliminary" };
    for finding in &visit.findings {
        resources.push((
            urn("finding", finding.id.0),
            observation(
                finding,
                status,
                &when,
                patient_url,
                &encounter_url,
                codes,
                vocabulary,
            ),
        ));
    }
    for measure in &visit.measures {
        resources.extend(measure_resources(
            measure,
            status,
            &when,
            patient_url,
            &encounter_url,
        ));
    }
    for intervention in &visit.interventions {
        resources.push((
            urn("intervention", intervention.id.0),
            procedure(
                intervention,
                &when,
                patient_url,
                &encounter_url,
                codes,
                vocabulary,
            ),
        ));
    }
    if !v.assessment.trim().is_empty() {
        let mut condition = json!({
            "resourceType": "Condition",
            "id": format!("assessment-{}", v.id.0),
            "code": { "text": v.assessment },
            "subject": reference(patient_url),
            "encounter": reference(&encounter_url),
            "recordedDate": when,
        });
        let notes: Vec<Value> = visit
            .addenda
            .iter()
            .map(|a| {
                json!({
                    "authorString": a.author,
                    "time": instant(a.written_at),
                    "text": format!("Addendum ({}): {}", a.reason, a.text),
                })
            })
            .collect();
        if !notes.is_empty() {
            condition["note"] = Value::Array(notes);
        }
        resources.push((urn("assessment", v.id.0), condition));
    }
    if let Some(signature) = &v.signature {
        resources.push((
            urn("signature", v.id.0),
            json!({
                "resourceType": "Provenance",
                "id": format!("signature-{}", v.id.0),
                "target": [reference(&encounter_url)],
                "recorded": instant(signature.at),
                "activity": { "text": "signed the visit note" },
                "agent": [{ "who": { "display": signature.by } }],
            }),
        ));
        for addendum in &visit.addenda {
            resources.push((
                urn("addendum", addendum.id.0),
                json!({
                    "resourceType": "Provenance",
                    "id": format!("addendum-{}", addendum.id.0),
                    "target": [reference(&encounter_url)],
                    "recorded": instant(addendum.written_at),
                    "activity": { "text": format!("addendum: {}", addendum.reason) },
                    "agent": [{ "who": { "display": addendum.author } }],
                }),
            ));
        }
        resources.push((
            urn("note", v.id.0),
            document(record, visit, patient_url, &encounter_url, note_pdf),
        ));
    }
    resources
}

fn observation(
    finding: &Finding,
    status: &str,
    when: &str,
    patient_url: &str,
    encounter_url: &str,
    codes: &Codes,
    vocabulary: &Vocabulary,
) -> Value {
    let kind = vocabulary.kind_name(&finding.kind);
    let name = if finding.test_name.trim().is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {}", finding.test_name)
    };
    let pain_score = finding.intensity.is_some()
        && codes
            .pain_score
            .kinds
            .iter()
            .any(|k| k == finding.kind.as_str());
    let mut code = json!({ "text": name });
    if pain_score {
        code["coding"] = json!([{
            "system": codes.pain_score.system,
            "code": codes.pain_score.code,
            "display": codes.pain_score.display,
        }]);
    }
    let mut resource = json!({
        "resourceType": "Observation",
        "id": format!("finding-{}", finding.id.0),
        "status": status,
        "code": code,
        "subject": reference(patient_url),
        "encounter": reference(encounter_url),
        "effectiveDateTime": when,
    });
    match (finding.presence, finding.intensity) {
        // Examined and not there: said as a value, not as a value missing.
        (Presence::Absent, _) => resource["valueCodeableConcept"] = json!({ "text": "absent" }),
        (Presence::Present, Some(intensity)) => {
            resource["valueInteger"] = json!(intensity.value());
        }
        (Presence::Present, None) => {
            resource["valueCodeableConcept"] = json!({ "text": "present" });
        }
    }
    // A test's result is its interpretation: positive when found, negative when not.
    if finding.kind.as_str() == "positive_test" || !finding.test_name.trim().is_empty() {
        let result = match finding.presence {
            Presence::Present => &codes.interpretation.positive,
            Presence::Absent => &codes.interpretation.negative,
        };
        resource["interpretation"] = json!([{
            "coding": [{
                "system": codes.interpretation.system,
                "code": result.code,
                "display": result.display,
            }],
        }]);
    }
    if let Some(site) = body_site(finding.region.as_ref(), finding.side, codes, vocabulary) {
        resource["bodySite"] = site;
    }
    if !finding.note.trim().is_empty() {
        resource["note"] = json!([{ "text": finding.note }]);
    }
    resource
}

/// An outcome measure as a QuestionnaireResponse (each answer by its item number, the
/// item's words only where the instrument's licence allows them) and an Observation of its
/// total derived from it. A measure of an instrument this Upstream does not know, or one
/// without a score, goes out as its answers only.
fn measure_resources(
    measure: &Measure,
    status: &str,
    when: &str,
    patient_url: &str,
    encounter_url: &str,
) -> Vec<(String, Value)> {
    let instrument = Instrument::find(&measure.instrument).ok();
    let title = instrument.map_or_else(
        || measure.instrument.clone(),
        |i| format!("{} {}", i.name, i.version),
    );
    let wording_allowed = instrument.is_some_and(|i| i.licence.items_reproduced);
    let items: Vec<Value> = measure
        .answers
        .iter()
        .enumerate()
        // An item left out is not answered: FHIR leaves it out of the response.
        .filter_map(|(index, answer)| answer.map(|value| (index, value)))
        .map(|(index, value)| {
            let mut item = json!({
                "linkId": (index + 1).to_string(),
                "answer": [{ "valueInteger": value }],
            });
            // The PSFS's items are the patient's own activities, in the patient's words.
            let text = measure.activities.get(index).cloned().or_else(|| {
                instrument
                    .filter(|_| wording_allowed)
                    .and_then(|i| i.items.get(index))
                    .map(|item| item.label.clone())
            });
            if let Some(text) = text {
                item["text"] = json!(text);
            }
            item
        })
        .collect();
    let response_url = urn("measure", measure.id.0);
    let mut response = json!({
        "resourceType": "QuestionnaireResponse",
        "id": format!("measure-{}", measure.id.0),
        "status": "completed",
        "subject": reference(patient_url),
        "encounter": reference(encounter_url),
        "authored": when,
    });
    if !items.is_empty() {
        response["item"] = Value::Array(items);
    }
    let mut resources = vec![(response_url.clone(), response)];
    let (Some(instrument), Some(score)) = (instrument, measure.score) else {
        return resources;
    };
    let mut code = json!({ "text": format!("{title} total score") });
    if let Some(loinc) = &instrument.loinc {
        code["coding"] = json!([{
            "system": "http://loinc.org",
            "code": loinc.code,
            "display": loinc.display,
        }]);
    }
    let mut observation = json!({
        "resourceType": "Observation",
        "id": format!("measure-score-{}", measure.id.0),
        "status": status,
        "code": code,
        "subject": reference(patient_url),
        "encounter": reference(encounter_url),
        "effectiveDateTime": when,
        "derivedFrom": [reference(&response_url)],
    });
    match instrument.scoring.rule {
        // A count of points (LEFS, STarT Back, NPRS, Global Rating of Change) is an integer.
        Rule::Sum | Rule::Single | Rule::StartBack => {
            observation["valueInteger"] = json!(score.round() as i64);
        }
        // A percentage, a mean or a prorated sum (ODI, PSFS, NDI, QuickDASH) may be
        // fractional.
        _ if instrument.unit == "%" => {
            observation["valueQuantity"] = json!({ "value": rounded(score), "unit": "%" });
        }
        _ => observation["valueQuantity"] = json!({ "value": rounded(score) }),
    }
    if let Some(band) = &measure.band {
        observation["interpretation"] = json!([{ "text": band }]);
    }
    resources.push((urn("measure-score", measure.id.0), observation));
    resources
}

/// A score to two decimals, as no instrument is finer than that.
fn rounded(score: f64) -> f64 {
    (score * 100.0).round() / 100.0
}

fn procedure(
    intervention: &Intervention,
    when: &str,
    patient_url: &str,
    encounter_url: &str,
    codes: &Codes,
    vocabulary: &Vocabulary,
) -> Value {
    let mut code = json!({ "text": intervention.describe() });
    let cpt = intervention.cpt_code.trim();
    if !cpt.is_empty() {
        code["coding"] = json!([{ "system": codes.cpt.system, "code": cpt }]);
    }
    let mut resource = json!({
        "resourceType": "Procedure",
        "id": format!("intervention-{}", intervention.id.0),
        "status": "completed",
        "code": code,
        "subject": reference(patient_url),
        "encounter": reference(encounter_url),
        "performedDateTime": when,
    });
    if let Some(site) = body_site(
        intervention.region.as_ref(),
        intervention.side,
        codes,
        vocabulary,
    ) {
        resource["bodySite"] = json!([site]);
    }
    let notes: Vec<Value> = [&intervention.dose, &intervention.notes]
        .into_iter()
        .filter(|text| !text.trim().is_empty())
        .map(|text| json!({ "text": text }))
        .collect();
    if !notes.is_empty() {
        resource["note"] = Value::Array(notes);
    }
    resource
}

/// The signed note as a document: its words as text, and its PDF when the PDF maker
/// gives one.
fn document(
    record: &PatientRecord,
    visit: &VisitRecord,
    patient_url: &str,
    encounter_url: &str,
    note_pdf: NotePdf<'_>,
) -> Value {
    use base64_text::encode;
    let v = &visit.visit;
    let mut note = String::new();
    for (label, text) in [
        ("Chief complaint", &v.chief_complaint),
        ("Subjective", &v.subjective),
        ("Objective", &v.objective),
        ("Assessment", &v.assessment),
        ("Plan", &v.plan),
    ] {
        if !text.trim().is_empty() {
            note.push_str(&format!("{label}: {text}\n"));
        }
    }
    if let Some(signature) = &v.signature {
        note.push_str(&format!(
            "Signed by {} at {}\n",
            signature.by,
            signature.at.format("%Y-%m-%d %H:%M")
        ));
    }
    for a in &visit.addenda {
        note.push_str(&format!(
            "Addendum {} by {} ({}): {}\n",
            a.written_at.format("%Y-%m-%d %H:%M"),
            a.author,
            a.reason,
            a.text
        ));
    }
    let title = format!("Visit note {}", v.started_at.format("%Y-%m-%d"));
    let mut content = vec![json!({
        "attachment": {
            "contentType": "text/plain; charset=utf-8",
            "data": encode(note.as_bytes()),
            "title": title,
        },
    })];
    if let Some(pdf) = note_pdf(record, visit) {
        content.push(json!({
            "attachment": {
                "contentType": "application/pdf",
                "data": encode(&pdf),
                "title": title,
            },
        }));
    }
    json!({
        "resourceType": "DocumentReference",
        "id": format!("note-{}", v.id.0),
        "status": "current",
        "docStatus": "final",
        "type": { "text": "Visit note" },
        "subject": reference(patient_url),
        "date": instant(v.signature.as_ref().map_or(v.started_at, |s| s.at)),
        "description": title,
        "content": content,
        "context": { "encounter": [reference(encounter_url)] },
    })
}

/// Base64 (RFC 4648, with padding), as FHIR's `base64Binary` holds an attachment.
mod base64_text {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(bytes: &[u8]) -> String {
        let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk.first().copied().unwrap_or(0),
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    let index = usize::try_from((n >> (18 - 6 * i)) & 63).unwrap_or(0);
                    text.push(char::from(ALPHABET[index]));
                } else {
                    text.push('=');
                }
            }
        }
        text
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn encodes_as_rfc_4648_says() {
            assert_eq!(super::encode(b""), "");
            assert_eq!(super::encode(b"f"), "Zg==");
            assert_eq!(super::encode(b"fo"), "Zm8=");
            assert_eq!(super::encode(b"foobar"), "Zm9vYmFy");
        }
    }
}
