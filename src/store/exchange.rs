//! The notebook as one JSON file: export, and an import that checks everything before
//! it writes anything, naming the file, position and field of the first problem.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::model::{
    AddendumId, ClinicProfile, FindingId, InterventionId, Letter, LetterId, MeasureId, Patient,
    PatientId, Signature, VisitId, VisitRecord, VisitStatus, Vocabulary,
};

use super::{Result, StoreError, letters, rows};

/// The `format` field every notebook file carries.
pub const NOTEBOOK_FORMAT: &str = "upstream-notebook";
/// The version of the file layout (not of the database schema). Version 2 added visit
/// signatures and addenda, version 3 the audit chain's head and the detail of findings
/// and interventions (values, grades, provocation, technique, dose), version 4 the clinic
/// profile and the signed referral letters; older files are still read.
pub const NOTEBOOK_VERSION: u32 = 4;
const OLDEST_READABLE_VERSION: u32 = 1;

/// A whole notebook, or part of one, as a JSON file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotebookFile {
    pub format: String,
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exported_at: Option<NaiveDateTime>,
    /// The notebook's audit chain head when it was exported: kept outside the notebook,
    /// it anchors the chain (`upstream audit verify --against FILE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_head: Option<super::ChainHead>,
    /// The clinic profile that heads the documents; absent when Settings were never saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinic_profile: Option<ClinicProfile>,
    pub patients: Vec<PatientRecord>,
}

/// A patient with their whole record, oldest visit first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct PatientRecord {
    pub patient: Patient,
    pub visits: Vec<VisitRecord>,
    /// The patient's signed referral letters, oldest first, each with its signer and
    /// signing time.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub letters: Vec<Letter>,
}

/// Why a notebook file cannot be imported. Nothing has been written when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: line {line}, column {column}{}: {message}", field_text(.field))]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        field: String,
        message: String,
    },
    #[error("{file}: {message}")]
    Read { file: String, message: String },
    #[error("{file}: {field}: {message}")]
    Invalid {
        file: String,
        field: String,
        message: String,
    },
}

fn field_text(field: &str) -> String {
    if field.is_empty() || field == "." {
        String::new()
    } else {
        format!(", field `{field}`")
    }
}

/// How many records an import added.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ImportSummary {
    pub patients: usize,
    pub visits: usize,
    pub findings: usize,
    pub interventions: usize,
    pub addenda: usize,
    pub letters: usize,
    /// Whether the file's ids were kept (the notebook was empty).
    pub kept_ids: bool,
    pub clinic_profile: ProfileImport,
}

/// What an import did with the file's clinic profile. A notebook's own profile is never
/// replaced by a file's: it is the letterhead of the clinician who keeps the notebook, and
/// records brought in from a colleague or an old laptop should not change who signs the
/// next letter. A notebook with no profile yet takes the file's.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum ProfileImport {
    /// The file carried none.
    #[default]
    NoneInFile,
    /// The notebook had none, and now has the file's.
    Taken,
    /// The notebook's profile is the same as the file's.
    AlreadySame,
    /// The notebook kept its own profile; the file's (whose practice and clinician are
    /// named here) was not used.
    KeptNotebooks {
        file_practice: String,
        file_clinician: String,
    },
}

impl NotebookFile {
    /// Reads and checks a notebook file.
    pub fn read(path: &std::path::Path) -> Result<NotebookFile, ImportError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| ImportError::Read {
            file: name.clone(),
            message: error.to_string(),
        })?;
        NotebookFile::parse(&text, &name)
    }

    /// Writes the notebook beside `path` and renames it over, so a failed export never
    /// leaves half a file where a good one was.
    pub fn write(&self, path: &std::path::Path) -> std::io::Result<()> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        // Private (0600) from its first byte; a failure removes the partial file.
        super::write_private_file(path, text.as_bytes())
            .map_err(|error| std::io::Error::other(error.to_string()))
    }

    pub fn new(patients: Vec<PatientRecord>) -> Self {
        NotebookFile {
            format: NOTEBOOK_FORMAT.to_owned(),
            version: NOTEBOOK_VERSION,
            exported_at: None,
            audit_head: None,
            clinic_profile: None,
            patients,
        }
    }

    /// Parses and checks a notebook file. `file` names it in error messages.
    pub fn parse(text: &str, file: &str) -> Result<NotebookFile, ImportError> {
        let deserializer = &mut serde_json::Deserializer::from_str(text);
        let notebook: NotebookFile =
            serde_path_to_error::deserialize(deserializer).map_err(|error| {
                let field = error.path().to_string();
                let inner = error.into_inner();
                ImportError::Syntax {
                    file: file.to_owned(),
                    line: inner.line(),
                    column: inner.column(),
                    field,
                    message: strip_position(&inner.to_string()),
                }
            })?;
        notebook.validate(Vocabulary::builtin(), file)?;
        Ok(notebook)
    }

    /// Checks what JSON cannot: codes against the vocabulary, sides against regions,
    /// ids that belong together.
    pub fn validate(&self, vocabulary: &Vocabulary, file: &str) -> Result<(), ImportError> {
        let invalid = |field: String, message: String| ImportError::Invalid {
            file: file.to_owned(),
            field,
            message,
        };
        if self.format != NOTEBOOK_FORMAT {
            return Err(invalid(
                "format".into(),
                format!("expected \"{NOTEBOOK_FORMAT}\", found \"{}\"", self.format),
            ));
        }
        if !(OLDEST_READABLE_VERSION..=NOTEBOOK_VERSION).contains(&self.version) {
            return Err(invalid(
                "version".into(),
                format!(
                    "this Upstream reads versions {OLDEST_READABLE_VERSION} to {NOTEBOOK_VERSION}, the file is version {}",
                    self.version
                ),
            ));
        }
        let mut ids = IdSets::default();
        for (p, record) in self.patients.iter().enumerate() {
            let at = format!("patients[{p}].patient");
            let patient = &record.patient;
            if patient.name.trim().is_empty() {
                return Err(invalid(
                    format!("{at}.name"),
                    "a patient needs a name".into(),
                ));
            }
            if patient.id.0 != 0 && !ids.patients.insert(patient.id.0) {
                return Err(invalid(
                    format!("{at}.id"),
                    format!("patient id {} appears twice", patient.id),
                ));
            }
            // A history is the clinician's words: codes, names, or free text. Only an empty
            // entry is refused, since it says nothing.
            for (h, entry) in patient.history.iter().enumerate() {
                if entry.trim().is_empty() {
                    return Err(invalid(
                        format!("{at}.history[{h}]"),
                        "an empty history entry".to_owned(),
                    ));
                }
            }
            for (v, visit_record) in record.visits.iter().enumerate() {
                let at = format!("patients[{p}].visits[{v}]");
                let visit = &visit_record.visit;
                if visit.patient_id.0 != 0 && visit.patient_id != patient.id {
                    return Err(invalid(
                        format!("{at}.visit.patient_id"),
                        format!(
                            "is {}, but the visit is under patient {}",
                            visit.patient_id, patient.id
                        ),
                    ));
                }
                if visit.id.0 != 0 && !ids.visits.insert(visit.id.0) {
                    return Err(invalid(
                        format!("{at}.visit.id"),
                        format!("visit id {} appears twice", visit.id),
                    ));
                }
                if let Some(signature) = &visit.signature {
                    if !visit.is_signed() {
                        return Err(invalid(
                            format!("{at}.visit.signature"),
                            "a draft visit carries no signature".into(),
                        ));
                    }
                    if signature.by.trim().is_empty() {
                        return Err(invalid(
                            format!("{at}.visit.signature.by"),
                            "a signature needs the clinician's name".into(),
                        ));
                    }
                }
                for (a, addendum) in visit_record.addenda.iter().enumerate() {
                    let at = format!("{at}.addenda[{a}]");
                    if !visit.is_signed() {
                        return Err(invalid(
                            at,
                            "addenda belong to signed visits; this one is a draft".into(),
                        ));
                    }
                    for (field, text) in [
                        ("author", &addendum.author),
                        ("reason", &addendum.reason),
                        ("text", &addendum.text),
                    ] {
                        if text.trim().is_empty() {
                            return Err(invalid(
                                format!("{at}.{field}"),
                                format!("an addendum needs its {field}"),
                            ));
                        }
                    }
                    if addendum.id.0 != 0 && !ids.addenda.insert(addendum.id.0) {
                        return Err(invalid(
                            format!("{at}.id"),
                            format!("addendum id {} appears twice", addendum.id.0),
                        ));
                    }
                }
                for (f, finding) in visit_record.findings.iter().enumerate() {
                    let at = format!("{at}.findings[{f}]");
                    if finding.visit_id.0 != 0 && finding.visit_id != visit.id {
                        return Err(invalid(
                            format!("{at}.visit_id"),
                            format!(
                                "is {}, but the finding is under visit {}",
                                finding.visit_id, visit.id
                            ),
                        ));
                    }
                    if finding.id.0 != 0 && !ids.findings.insert(finding.id.0) {
                        return Err(invalid(
                            format!("{at}.id"),
                            format!("finding id {} appears twice", finding.id.0),
                        ));
                    }
                    vocabulary
                        .check_finding(&finding.kind, finding.region.as_ref(), finding.side)
                        .map_err(|message| invalid(at.clone(), message))?;
                    let takes_intensity = vocabulary
                        .kind(&finding.kind)
                        .is_some_and(|kind| kind.intensity);
                    if finding.intensity.is_some() && !takes_intensity {
                        return Err(invalid(
                            format!("{at}.intensity"),
                            format!(
                                "a {} finding has no intensity",
                                vocabulary.kind_name(&finding.kind)
                            ),
                        ));
                    }
                }
                for (m, measure) in visit_record.measures.iter().enumerate() {
                    let at = format!("{at}.measures[{m}]");
                    if measure.visit_id.0 != 0 && measure.visit_id != visit.id {
                        return Err(invalid(
                            format!("{at}.visit_id"),
                            format!(
                                "is {}, but the measure is under visit {}",
                                measure.visit_id, visit.id
                            ),
                        ));
                    }
                    if measure.id.0 != 0 && !ids.measures.insert(measure.id.0) {
                        return Err(invalid(
                            format!("{at}.id"),
                            format!("measure id {} appears twice", measure.id.0),
                        ));
                    }
                    measure
                        .clone()
                        .scored()
                        .map_err(|error| invalid(format!("{at}.answers"), error.to_string()))?;
                }
                for (i, intervention) in visit_record.interventions.iter().enumerate() {
                    let at = format!("{at}.interventions[{i}]");
                    if intervention.visit_id.0 != 0 && intervention.visit_id != visit.id {
                        return Err(invalid(
                            format!("{at}.visit_id"),
                            format!(
                                "is {}, but the intervention is under visit {}",
                                intervention.visit_id, visit.id
                            ),
                        ));
                    }
                    if intervention.id.0 != 0 && !ids.interventions.insert(intervention.id.0) {
                        return Err(invalid(
                            format!("{at}.id"),
                            format!("intervention id {} appears twice", intervention.id.0),
                        ));
                    }
                    if let Some(region) = &intervention.region
                        && vocabulary.region(region).is_none()
                    {
                        return Err(invalid(
                            format!("{at}.region"),
                            format!("unknown region `{region}`"),
                        ));
                    }
                }
            }
            for (l, letter) in record.letters.iter().enumerate() {
                let at = format!("patients[{p}].letters[{l}]");
                let draft = &letter.draft;
                if draft.patient_id.0 != 0 && draft.patient_id != patient.id {
                    return Err(invalid(
                        format!("{at}.draft.patient_id"),
                        format!(
                            "is {}, but the letter is under patient {}",
                            draft.patient_id, patient.id
                        ),
                    ));
                }
                if let Some(visit) = draft.visit_id
                    && !record.visits.iter().any(|v| v.visit.id == visit)
                {
                    return Err(invalid(
                        format!("{at}.draft.visit_id"),
                        format!("visit {visit} is not one of this patient's visits in the file"),
                    ));
                }
                for (field, text, what) in [
                    ("draft.recipient", &draft.recipient, "whom it is to"),
                    ("draft.reason", &draft.reason, "its reason"),
                    ("signed_by", &letter.signed_by, "who signed it"),
                ] {
                    if text.trim().is_empty() {
                        return Err(invalid(
                            format!("{at}.{field}"),
                            format!("a referral letter needs {what}"),
                        ));
                    }
                }
                if letter.id.0 != 0 && !ids.letters.insert(letter.id.0) {
                    return Err(invalid(
                        format!("{at}.id"),
                        format!("letter id {} appears twice", letter.id),
                    ));
                }
            }
        }
        Ok(())
    }
}

#[derive(Default)]
struct IdSets {
    patients: BTreeSet<i64>,
    visits: BTreeSet<i64>,
    findings: BTreeSet<i64>,
    interventions: BTreeSet<i64>,
    measures: BTreeSet<i64>,
    addenda: BTreeSet<i64>,
    letters: BTreeSet<i64>,
}

/// serde_json appends " at line L column C", which our message states on its own.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// Who signed a visit whose file did not say (notebook files before version 2).
pub const SIGNATURE_NOT_RECORDED: &str =
    "not recorded (signed before Upstream recorded signatures)";

pub fn export(conn: &Connection) -> Result<NotebookFile> {
    let mut patients = Vec::new();
    for id in rows::patient_ids(conn)? {
        patients.push(PatientRecord {
            patient: rows::patient(conn, id)?,
            visits: rows::timeline(conn, id)?,
            letters: letters::patient_letters(conn, id)?,
        });
    }
    let mut notebook = NotebookFile::new(patients);
    let profile = letters::read_profile(conn)?;
    notebook.clinic_profile = (!profile.is_empty()).then_some(profile);
    notebook.exported_at = Some(chrono::Local::now().naive_local().with_nanosecond_zero());
    Ok(notebook)
}

trait WithoutNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl WithoutNanos for NaiveDateTime {
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0).unwrap_or(self)
    }
}

pub fn import(conn: &Connection, notebook: &NotebookFile) -> Result<ImportSummary> {
    notebook.validate(Vocabulary::builtin(), "import")?;
    let empty: i64 = conn.query_row("SELECT count(*) FROM patient", [], |row| row.get(0))?;
    let keep_ids = empty == 0;
    insert_records(conn, &notebook.patients, keep_ids)?;
    let mut summary = ImportSummary {
        kept_ids: keep_ids,
        clinic_profile: import_profile(conn, notebook.clinic_profile.as_ref())?,
        ..ImportSummary::default()
    };
    for record in &notebook.patients {
        summary.patients += 1;
        summary.visits += record.visits.len();
        summary.letters += record.letters.len();
        for visit in &record.visits {
            summary.findings += visit.findings.len();
            summary.interventions += visit.interventions.len();
            summary.addenda += visit.addenda.len();
        }
    }
    Ok(summary)
}

/// Takes the file's clinic profile only into a notebook that has none (see `ProfileImport`).
fn import_profile(conn: &Connection, file: Option<&ClinicProfile>) -> Result<ProfileImport> {
    let Some(file) = file.filter(|profile| !profile.is_empty()) else {
        return Ok(ProfileImport::NoneInFile);
    };
    let ours = letters::read_profile(conn)?;
    Ok(if ours.is_empty() {
        letters::write_profile(conn, file)?;
        ProfileImport::Taken
    } else if ours == *file {
        ProfileImport::AlreadySame
    } else {
        ProfileImport::KeptNotebooks {
            file_practice: file.practice.clone(),
            file_clinician: file.signing_name(),
        }
    })
}

/// Inserts the records; with `keep_ids`, every non-zero id in them is kept.
pub fn insert_records(
    conn: &Connection,
    records: &[PatientRecord],
    keep_ids: bool,
) -> Result<Vec<PatientId>> {
    let keep = |id: i64| (keep_ids && id != 0).then_some(id);
    let mut patient_ids = Vec::with_capacity(records.len());
    for record in records {
        let patient_id = rows::insert_patient(
            conn,
            &record.patient,
            keep(record.patient.id.0).map(PatientId),
        )?;
        patient_ids.push(patient_id);
        // The file's visit ids to the notebook's, for the letters written from a visit.
        let mut visit_ids = BTreeMap::new();
        for visit_record in &record.visits {
            // A visit is written as a draft, filled, and only then signed: the schema
            // refuses anything charted into a signed visit.
            let mut visit = visit_record.visit.clone();
            visit.patient_id = patient_id;
            visit.status = VisitStatus::Draft;
            visit.signature = None;
            let visit_id = rows::insert_visit(conn, &visit, keep(visit.id.0).map(VisitId))?;
            visit_ids.insert(visit_record.visit.id, visit_id);
            for finding in &visit_record.findings {
                let mut finding = finding.clone();
                finding.visit_id = visit_id;
                rows::insert_finding(conn, &finding, keep(finding.id.0).map(FindingId))?;
            }
            for intervention in &visit_record.interventions {
                let mut intervention = intervention.clone();
                intervention.visit_id = visit_id;
                rows::insert_intervention(
                    conn,
                    &intervention,
                    keep(intervention.id.0).map(InterventionId),
                )?;
            }
            for measure in &visit_record.measures {
                // Scored again from its answers: a file's score is not trusted.
                let mut measure = measure.clone().scored()?;
                measure.visit_id = visit_id;
                rows::insert_measure(conn, &measure, keep(measure.id.0).map(MeasureId))?;
            }
            if visit_record.visit.is_signed() {
                let signature = visit_record.visit.signature.clone().unwrap_or_else(|| {
                    // Version 1 files knew signed visits but not who signed them.
                    Signature {
                        by: SIGNATURE_NOT_RECORDED.to_owned(),
                        at: visit.started_at,
                    }
                });
                rows::sign_visit(conn, visit_id, &signature, None)?;
            }
            for addendum in &visit_record.addenda {
                let mut addendum = addendum.clone();
                addendum.visit_id = visit_id;
                rows::insert_addendum(conn, &addendum, keep(addendum.id.0).map(AddendumId))?;
            }
        }
        // Kept as they were signed: the same signer and signing time, never re-signed by
        // whoever imports them.
        for letter in &record.letters {
            let mut letter = letter.clone();
            letter.draft.patient_id = patient_id;
            letter.draft.visit_id = match letter.draft.visit_id {
                Some(visit) => Some(visit_ids.get(&visit).copied().ok_or_else(|| {
                    StoreError::Invalid(format!(
                        "letter {} was written from visit {visit}, which is not in the file",
                        letter.id
                    ))
                })?),
                None => None,
            };
            letters::insert_letter(conn, &letter, keep(letter.id.0).map(LetterId))?;
        }
    }
    Ok(patient_ids)
}
