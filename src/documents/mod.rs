//! What leaves the notebook on paper: the visit note, the progress report, the referral
//! letter and the patient handout, typeset as PDF by Typst embedded as a library, from the
//! templates in `assets/templates/` (data, which a clinic can change without code).
//!
//! Every document is made from the record alone, with its dates from the record, so the
//! same record makes the same bytes. Patient text reaches the templates as JSON strings,
//! never as markup, so nothing a clinician writes is read as Typst.

mod drawing;
mod typeset;

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

use crate::model::series::symptom_series;
use crate::model::{
    ClinicProfile, Finding, Instrument, InterventionKind, Letter, LetterDraft, LetterId,
    LetterUrgency, Patient, PatientId, Presence, VisitId, VisitRecord, Vocabulary,
};
use crate::reasoner::{Hypothesis, InsightKind, RaisedFlag, Reasoner, Urgency};
use crate::store::{Store, StoreError};

pub use drawing::{SERIES_COLOURS, body_chart_svg, timeline_svg};
pub use typeset::Templates;

/// What can keep a document from being made.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("the template {template} could not be typeset: {message}")]
    Template { template: String, message: String },
    #[error("the PDF could not be written: {message}")]
    Typesetting { message: String },
    #[error("the body chart could not be drawn: {message}")]
    Drawing { message: String },
    #[error("the report's end ({to}) is before its start ({from}); nothing was written")]
    BackwardsRange { from: NaiveDate, to: NaiveDate },
    #[error("{patient} has no visits from {from} to {to}; nothing was written")]
    NoVisits {
        patient: String,
        from: NaiveDate,
        to: NaiveDate,
    },
    #[error("{patient} has no visits yet; nothing was written")]
    NoVisitsYet { patient: String },
    #[error("visit {visit} is not in patient {patient}'s record")]
    NotThisPatient { visit: VisitId, patient: PatientId },
    #[error("cannot write {path}: {source}; nothing was written there")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The paper a document is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Paper {
    #[default]
    A4,
    UsLetter,
}

impl Paper {
    pub const ALL: [Paper; 2] = [Paper::A4, Paper::UsLetter];

    /// Typst's name for it.
    pub fn code(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::UsLetter => "us-letter",
        }
    }

    pub fn from_code(code: &str) -> Option<Paper> {
        Paper::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::UsLetter => "US Letter",
        }
    }
}

/// How a document is made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentOptions {
    pub paper: Paper,
    pub templates: Templates,
}

/// What a PDF is, for its file name and the window's messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentKind {
    VisitNote(VisitId),
    ProgressReport {
        patient: PatientId,
        from: NaiveDate,
        to: NaiveDate,
    },
    Letter(LetterId),
    Handout {
        patient: PatientId,
        hypothesis: Option<String>,
    },
}

impl DocumentKind {
    pub fn label(&self) -> &'static str {
        match self {
            DocumentKind::VisitNote(_) => "visit note",
            DocumentKind::ProgressReport { .. } => "progress report",
            DocumentKind::Letter(_) => "referral letter",
            DocumentKind::Handout { .. } => "patient handout",
        }
    }

    /// Makes the document from the record.
    pub fn make(&self, store: &Store, options: &DocumentOptions) -> Result<Vec<u8>, DocumentError> {
        match self {
            DocumentKind::VisitNote(visit) => visit_note(store, *visit, options),
            DocumentKind::ProgressReport { patient, from, to } => {
                progress_report(store, *patient, *from, *to, options)
            }
            DocumentKind::Letter(letter) => referral_letter(store, *letter, options),
            DocumentKind::Handout {
                patient,
                hypothesis,
            } => handout(store, *patient, hypothesis.as_deref(), options),
        }
    }
}

/// The warning said wherever a document is written to a file.
pub const UNENCRYPTED_WARNING: &str = "A PDF is not encrypted: anyone who gets the file can read this patient's record. Keep it on an encrypted drive and send it only by a secure channel.";

/// Writes `bytes` to `path` whole or not at all: to a file beside it, then renamed over
/// it, so a full disk or a crash leaves no half PDF and keeps any file that was there.
pub fn write_pdf(path: &Path, bytes: &[u8]) -> Result<(), DocumentError> {
    let failed = |source| DocumentError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, bytes).map_err(failed)?;
    std::fs::rename(&partial, path).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        failed(e)
    })
}

fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

fn date_time(at: NaiveDateTime) -> String {
    at.format("%-d %B %Y, %H:%M").to_string()
}

/// The logo's file name, by its kind, so that Typst reads it as what it is.
fn logo_name(logo: &[u8]) -> &'static str {
    if logo.starts_with(&[0xff, 0xd8, 0xff]) {
        "logo.jpg"
    } else {
        "logo.png"
    }
}

fn clinic_json(profile: &ClinicProfile) -> Value {
    json!({
        "clinician": profile.clinician,
        "credentials": profile.credentials,
        "signing_name": profile.signing_name(),
        "registration": profile.registration,
        "practice": profile.practice,
        "address": profile.address,
        "phone": profile.phone,
        "logo": profile.logo.as_deref().map(logo_name),
    })
}

fn patient_json(patient: &Patient, on: NaiveDate) -> Value {
    json!({
        "name": patient.name,
        "date_of_birth": patient.date_of_birth.map(long_date).unwrap_or_else(|| "not recorded".to_owned()),
        "age": patient.age_on(on),
        "sex": patient.sex.label(),
        "occupation": patient.occupation,
    })
}

fn findings_json(findings: &[Finding], vocabulary: &Vocabulary) -> Vec<Value> {
    findings
        .iter()
        .map(|finding| {
            json!({
                "text": finding.describe(vocabulary),
                "present": finding.presence == Presence::Present,
                "note": finding.note,
                "carried_over": finding.carried_over,
            })
        })
        .collect()
}

fn visit_json(record: &VisitRecord, vocabulary: &Vocabulary) -> Value {
    let visit = &record.visit;
    json!({
        "id": visit.id.0,
        "date": long_date(visit.started_at.date()),
        "time": visit.started_at.format("%H:%M").to_string(),
        "kind": visit.kind.label(),
        "chief_complaint": visit.chief_complaint,
        "subjective": visit.subjective,
        "objective": visit.objective,
        "assessment": visit.assessment,
        "plan": visit.plan,
        "draft": !visit.is_signed(),
        "signature": visit.signature.as_ref().map(|s| json!({"by": s.by, "at": date_time(s.at)})),
        "findings": findings_json(&record.findings, vocabulary),
        "interventions": record.interventions.iter().map(|i| json!({
            "kind": i.kind.label(),
            "text": i.describe(),
            "cpt": i.cpt_code,
            "notes": i.notes,
        })).collect::<Vec<_>>(),
        "addenda": record.addenda.iter().map(|a| json!({
            "author": a.author,
            "written_at": date_time(a.written_at),
            "reason": a.reason,
            "text": a.text,
        })).collect::<Vec<_>>(),
    })
}

/// The JSON, drawings and logo a template reads, in one job.
fn job(
    template: &str,
    options: &DocumentOptions,
    profile: &ClinicProfile,
    mut data: Value,
    drawings: &[(&str, String)],
) -> Result<typeset::Job, DocumentError> {
    let mut job = typeset::Job::new(&options.templates, template)?;
    if let Value::Object(map) = &mut data {
        map.insert("paper".into(), options.paper.code().into());
        map.insert("clinic".into(), clinic_json(profile));
    }
    job.add_file("data.json", data.to_string().into_bytes())?;
    for (name, svg) in drawings {
        job.add_file(name, svg.clone().into_bytes())?;
    }
    if let Some(logo) = &profile.logo {
        job.add_file(logo_name(logo), logo.clone())?;
    }
    Ok(job)
}

fn record_of(
    store: &Store,
    visit: VisitId,
) -> Result<(Patient, Vec<VisitRecord>, usize), DocumentError> {
    let patient_id = store.visit(visit)?.patient_id;
    let patient = store.patient(patient_id)?;
    let timeline = store.timeline(patient_id)?;
    let index =
        timeline
            .iter()
            .position(|r| r.visit.id == visit)
            .ok_or(DocumentError::NotThisPatient {
                visit,
                patient: patient_id,
            })?;
    Ok((patient, timeline, index))
}

/// The visit's SOAP note, findings, interventions, body chart, signature and addenda; a
/// draft carries a DRAFT mark across each page.
pub fn visit_note(
    store: &Store,
    visit: VisitId,
    options: &DocumentOptions,
) -> Result<Vec<u8>, DocumentError> {
    let (job, dated) = visit_note_job(store, visit, options)?;
    job.pdf(&format!("upstream visit note {visit}"), dated)
}

fn visit_note_job(
    store: &Store,
    visit: VisitId,
    options: &DocumentOptions,
) -> Result<(typeset::Job, NaiveDateTime), DocumentError> {
    let vocabulary = Vocabulary::builtin();
    let (patient, timeline, index) = record_of(store, visit)?;
    let record = &timeline[index];
    let chart = body_chart_svg(vocabulary, &record.findings, &[])?;
    let data = json!({
        "patient": patient_json(&patient, record.visit.started_at.date()),
        "visit": visit_json(record, vocabulary),
    });
    let profile = store.clinic_profile()?;
    let dated = record
        .visit
        .signature
        .as_ref()
        .map_or(record.visit.started_at, |s| s.at);
    Ok((
        job(
            "visit_note.typ",
            options,
            &profile,
            data,
            &[("body_chart.svg", chart)],
        )?,
        dated,
    ))
}

/// How many pages the visit note takes, for checking that a long note flows on.
pub fn visit_note_pages(
    store: &Store,
    visit: VisitId,
    options: &DocumentOptions,
) -> Result<usize, DocumentError> {
    Ok(visit_note_job(store, visit, options)?
        .0
        .typeset()?
        .pages()
        .len())
}

/// The course over `from..=to`: the symptoms' plot and each one's change, the measures,
/// what helped, the current assessment and plan, and the visits attended.
pub fn progress_report(
    store: &Store,
    patient_id: PatientId,
    from: NaiveDate,
    to: NaiveDate,
    options: &DocumentOptions,
) -> Result<Vec<u8>, DocumentError> {
    if to < from {
        return Err(DocumentError::BackwardsRange { from, to });
    }
    let vocabulary = Vocabulary::builtin();
    let patient = store.patient(patient_id)?;
    let timeline: Vec<VisitRecord> = store
        .timeline(patient_id)?
        .into_iter()
        .filter(|r| (from..=to).contains(&r.visit.started_at.date()))
        .collect();
    let last = timeline.last().ok_or_else(|| DocumentError::NoVisits {
        patient: patient.name.clone(),
        from,
        to,
    })?;
    let series = symptom_series(&timeline, vocabulary);
    let symptoms: Vec<Value> = series
        .iter()
        .enumerate()
        .filter_map(|(index, one)| {
            let first = one.points.first()?;
            let now = one.points.last()?;
            let change = i16::from(now.intensity) - i16::from(first.intensity);
            let said = match change {
                0 => "no change".to_owned(),
                c if c < 0 => format!("{} better", -c),
                c => format!("{c} worse"),
            };
            Some(json!({
                "label": one.label,
                "colour": SERIES_COLOURS[index % SERIES_COLOURS.len()],
                "first": format!("{}/10", first.intensity),
                "first_date": long_date(first.date),
                "now": format!("{}/10", now.intensity),
                "now_date": long_date(now.date),
                "change": said,
                "rated": one.points.len(),
            }))
        })
        .collect();
    let measures: Vec<Value> = timeline
        .iter()
        .flat_map(|record| {
            record
                .findings
                .iter()
                .filter(|f| f.detail.measurement.is_some() || f.detail.strength.is_some())
                .map(|f| {
                    json!({
                        "date": long_date(record.visit.started_at.date()),
                        "text": f.describe(vocabulary),
                    })
                })
        })
        .collect();
    let outcomes = outcome_measures(&timeline);
    let reasoner = Reasoner::builtin();
    let course = reasoner.course_of(&patient, &timeline);
    let helped: Vec<Value> = course
        .insights
        .iter()
        .filter(|i| matches!(i.kind, InsightKind::WhatHelped { .. }))
        .map(|i| json!({"headline": i.headline, "details": i.details}))
        .collect();
    let concerns: Vec<Value> = course
        .insights
        .iter()
        .filter(|i| !matches!(i.kind, InsightKind::WhatHelped { .. }))
        .map(|i| json!({"label": i.kind.label(), "headline": i.headline}))
        .collect();
    let latest = |field: fn(&VisitRecord) -> &str| {
        timeline
            .iter()
            .rev()
            .map(field)
            .find(|text| !text.trim().is_empty())
            .unwrap_or_default()
            .to_owned()
    };
    let data = json!({
        "patient": patient_json(&patient, last.visit.started_at.date()),
        "from": long_date(from),
        "to": long_date(to),
        "visits": timeline.iter().map(|r| json!({
            "date": long_date(r.visit.started_at.date()),
            "kind": r.visit.kind.label(),
            "signed": r.visit.is_signed(),
            "complaint": r.visit.chief_complaint,
        })).collect::<Vec<_>>(),
        "symptoms": symptoms,
        "measures": measures,
        "outcomes": outcomes,
        "helped": helped,
        "concerns": concerns,
        "assessment": latest(|r| &r.visit.assessment),
        "plan": latest(|r| &r.visit.plan),
    });
    let profile = store.clinic_profile()?;
    let job = job(
        "progress_report.typ",
        options,
        &profile,
        data,
        &[("timeline.svg", timeline_svg(&series))],
    )?;
    let dated = last
        .visit
        .signature
        .as_ref()
        .map_or(last.visit.started_at, |s| s.at);
    job.pdf(
        &format!("upstream progress report {patient_id} {from} {to}"),
        dated,
    )
}

/// Each outcome measure over the report's visits: its first and last score, the change
/// in the instrument's points, whether that change reached the instrument's minimal
/// clinically important difference (MCID) from the first score, and the last band.
fn outcome_measures(timeline: &[VisitRecord]) -> Vec<Value> {
    let points = |value: f64| {
        if (value - value.round()).abs() < 0.05 {
            format!("{value:.0}")
        } else {
            format!("{value:.1}")
        }
    };
    Instrument::all()
        .iter()
        .filter_map(|instrument| {
            let scores: Vec<(NaiveDate, f64, Option<&String>)> = timeline
                .iter()
                .flat_map(|record| {
                    record
                        .measures
                        .iter()
                        .filter(|m| m.instrument == instrument.code)
                        .filter_map(|m| {
                            Some((record.visit.started_at.date(), m.score?, m.band.as_ref()))
                        })
                })
                .collect();
            let &(first_date, first, _) = scores.first()?;
            let &(last_date, last, band) = scores.last()?;
            let improvement = instrument.improvement(first, last);
            let change = if scores.len() < 2 {
                "one score only".to_owned()
            } else if improvement.abs() < 0.05 {
                "no change".to_owned()
            } else if improvement > 0.0 {
                format!("{} points better", points(improvement))
            } else {
                format!("{} points worse", points(-improvement))
            };
            let mcid = match instrument.important_change(first) {
                None => "none published".to_owned(),
                Some(important) => {
                    let threshold = format!("MCID {} points", points(important));
                    if scores.len() < 2 {
                        format!("not yet measured again ({threshold})")
                    } else if improvement >= important - 1e-9 {
                        format!("crossed: better ({threshold})")
                    } else if -improvement >= important - 1e-9 {
                        format!("crossed: worse ({threshold})")
                    } else {
                        format!("not crossed ({threshold})")
                    }
                }
            };
            Some(json!({
                "name": format!("{} {}", instrument.short, instrument.version),
                "first": instrument.score_text(first),
                "first_date": long_date(first_date),
                "last": instrument.score_text(last),
                "last_date": long_date(last_date),
                "change": change,
                "mcid": mcid,
                "band": band.cloned().unwrap_or_default(),
                "scored": scores.len(),
            }))
        })
        .collect()
}

fn letter_urgency(urgency: Urgency) -> LetterUrgency {
    match urgency {
        Urgency::Emergency => LetterUrgency::Emergency,
        Urgency::SameDay => LetterUrgency::SameDay,
        Urgency::Soon => LetterUrgency::Soon,
        Urgency::Routine => LetterUrgency::Routine,
    }
}

/// What was done at the visits so far, one line per kind of care, for a letter.
fn care_given(timeline: &[VisitRecord]) -> String {
    let mut kinds: Vec<InterventionKind> = Vec::new();
    for intervention in timeline.iter().flat_map(|r| &r.interventions) {
        if !kinds.contains(&intervention.kind) {
            kinds.push(intervention.kind);
        }
    }
    let visits = timeline.len();
    let care = kinds
        .iter()
        .map(|k| k.label().to_lowercase())
        .collect::<Vec<_>>()
        .join(", ");
    match (visits, care.is_empty()) {
        (0, _) => String::new(),
        (_, true) => format!("Seen {visits} times; no treatment charted."),
        (1, false) => format!("Seen once: {care}."),
        (_, false) => format!("Seen {visits} times: {care}."),
    }
}

/// A letter started from a red flag raised at `visit`: its referral target, urgency and
/// reason, the findings that raised it and what to avoid, for the clinician to edit.
pub fn letter_from_flag(
    store: &Store,
    visit: VisitId,
    flag: &RaisedFlag,
) -> Result<LetterDraft, DocumentError> {
    let (_, timeline, index) = record_of(store, visit)?;
    let record = &timeline[index];
    let vocabulary = Vocabulary::builtin();
    let findings = flag
        .findings
        .iter()
        .filter_map(|&i| record.findings.get(i))
        .map(|f| f.describe(vocabulary))
        .collect::<Vec<_>>()
        .join("; ");
    Ok(LetterDraft {
        patient_id: record.visit.patient_id,
        visit_id: Some(visit),
        recipient: flag.refer_to.clone(),
        urgency: letter_urgency(flag.urgency),
        reason: format!("{}. {}", flag.title, flag.why),
        findings,
        done: care_given(&timeline[..=index]),
        avoided: flag.avoid.join("; "),
    })
}

/// A letter started from a hypothesis: whom to send it to is the clinician's to say.
pub fn letter_from_hypothesis(
    store: &Store,
    visit: VisitId,
    hypothesis: &Hypothesis,
) -> Result<LetterDraft, DocumentError> {
    let (_, timeline, index) = record_of(store, visit)?;
    let record = &timeline[index];
    let vocabulary = Vocabulary::builtin();
    let findings = hypothesis
        .explains
        .iter()
        .filter_map(|e| record.findings.get(e.finding))
        .map(|f| f.describe(vocabulary))
        .collect::<Vec<_>>()
        .join("; ");
    Ok(LetterDraft {
        patient_id: record.visit.patient_id,
        visit_id: Some(visit),
        recipient: String::new(),
        urgency: LetterUrgency::Routine,
        reason: format!(
            "The findings point to {} as the source of this patient's symptoms; I would value your assessment.",
            hypothesis.name
        ),
        findings,
        done: care_given(&timeline[..=index]),
        avoided: String::new(),
    })
}

/// A blank letter for a patient, with what was done filled in.
pub fn blank_letter(store: &Store, patient: PatientId) -> Result<LetterDraft, DocumentError> {
    let timeline = store.timeline(patient)?;
    Ok(LetterDraft {
        patient_id: patient,
        visit_id: timeline.last().map(|r| r.visit.id),
        done: care_given(&timeline),
        ..LetterDraft::default()
    })
}

/// A signed letter from the record, as PDF.
pub fn referral_letter(
    store: &Store,
    id: LetterId,
    options: &DocumentOptions,
) -> Result<Vec<u8>, DocumentError> {
    let letter: Letter = store.letter(id)?;
    let patient = store.patient(letter.draft.patient_id)?;
    let draft = &letter.draft;
    let data = json!({
        "patient": patient_json(&patient, letter.signed_at.date()),
        "letter": {
            "date": long_date(letter.signed_at.date()),
            "recipient": draft.recipient,
            "urgency": draft.urgency.plainly(),
            "urgent": matches!(draft.urgency, LetterUrgency::Emergency | LetterUrgency::SameDay),
            "reason": draft.reason,
            "findings": draft.findings,
            "done": draft.done,
            "avoided": draft.avoided,
            "signed_by": letter.signed_by,
            "signed_at": date_time(letter.signed_at),
        },
    });
    let profile = store.clinic_profile()?;
    job("letter.typ", options, &profile, data, &[])?
        .pdf(&format!("upstream letter {id}"), letter.signed_at)
}

/// For the patient: the selected hypothesis's referral zones on the body chart beside
/// their own pain, why we treat there, and the home exercises charted at the last visit.
pub fn handout(
    store: &Store,
    patient_id: PatientId,
    hypothesis: Option<&str>,
    options: &DocumentOptions,
) -> Result<Vec<u8>, DocumentError> {
    let vocabulary = Vocabulary::builtin();
    let patient = store.patient(patient_id)?;
    let timeline = store.timeline(patient_id)?;
    let last = timeline.last().ok_or_else(|| DocumentError::NoVisitsYet {
        patient: patient.name.clone(),
    })?;
    let reasoner = Reasoner::builtin();
    let case = crate::reasoner::Case::for_visit(&patient, last);
    let assessment = reasoner.assess(&case);
    let chosen = match hypothesis {
        Some(id) => assessment.hypotheses.iter().find(|h| h.id == id),
        None => assessment.hypotheses.first(),
    };
    let zones = chosen
        .map(|h| reasoner.zones(&h.id, h.side))
        .unwrap_or_default();
    let pain: Vec<Finding> = last
        .findings
        .iter()
        .filter(|f| f.presence == Presence::Present)
        .cloned()
        .collect();
    let chart = body_chart_svg(vocabulary, &pain, &zones)?;
    let exercises: Vec<Value> = last
        .interventions
        .iter()
        .filter(|i| {
            matches!(
                i.kind,
                InterventionKind::Exercise | InterventionKind::Stretch | InterventionKind::Advice
            )
        })
        .map(|i| {
            json!({
                "kind": i.kind.label(),
                "what": i.target,
                "dose": i.dose,
                "notes": i.notes,
            })
        })
        .collect();
    let data = json!({
        "patient": patient_json(&patient, last.visit.started_at.date()),
        "date": long_date(last.visit.started_at.date()),
        "source": chosen.map(|h| h.name.clone()),
        "pain": pain.iter().map(|f| f.describe(vocabulary)).collect::<Vec<_>>(),
        "exercises": exercises,
    });
    let profile = store.clinic_profile()?;
    let dated = last
        .visit
        .signature
        .as_ref()
        .map_or(last.visit.started_at, |s| s.at);
    job(
        "handout.typ",
        options,
        &profile,
        data,
        &[("body_chart.svg", chart)],
    )?
    .pdf(&format!("upstream handout {patient_id}"), dated)
}

/// A logo is a PNG or JPEG of at most 2 MB: it is kept in the notebook and in its trail.
pub fn check_logo(bytes: &[u8]) -> Result<(), String> {
    let png = bytes.starts_with(b"\x89PNG\r\n\x1a\n");
    let jpeg = bytes.starts_with(&[0xff, 0xd8, 0xff]);
    if !(png || jpeg) {
        return Err("a logo is a PNG or JPEG image".to_owned());
    }
    if bytes.len() > 2_000_000 {
        return Err("a logo is at most 2 MB".to_owned());
    }
    Ok(())
}
