//! A case as JSON, in the clinic's words: region and kind by code, name or synonym, in
//! any case. Every finding's terms must be known; an unknown one is an error naming it and
//! the closest known terms. The history is read as words: what is not recognised is kept.

use serde::Deserialize;

use crate::model::vocabulary::{Laterality, RegionPresence, UnknownTerm};
use crate::model::{Finding, Intensity, KindCode, Presence, Sex, Side, Vocabulary};

use super::Case;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    #[serde(default)]
    patient: PatientFile,
    #[serde(default)]
    findings: Vec<FindingFile>,
    #[serde(default)]
    absent: Vec<FindingFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatientFile {
    age: Option<u32>,
    sex: Option<String>,
    #[serde(default)]
    history: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FindingFile {
    kind: String,
    region: Option<String>,
    side: Option<String>,
    intensity: Option<u8>,
    #[serde(default)]
    test_name: String,
    #[serde(default)]
    note: String,
    /// Onset, course, what provokes it, values: what the reader reads and the record keeps.
    #[serde(default)]
    detail: crate::model::FindingDetail,
}

/// Why a case file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{field}: {problem}")]
    Term { field: String, problem: String },
    #[error("{field}: {unknown}")]
    Unknown { field: String, unknown: UnknownTerm },
}

impl CaseError {
    /// The unknown term, when that is the problem.
    pub fn unknown_term(&self) -> Option<&UnknownTerm> {
        match self {
            CaseError::Unknown { unknown, .. } => Some(unknown),
            _ => None,
        }
    }
}

/// Reads a case from JSON text.
pub fn parse_case(text: &str, vocabulary: &Vocabulary) -> Result<Case, CaseError> {
    let file: CaseFile = serde_json::from_str(text).map_err(|error| CaseError::Syntax {
        line: error.line(),
        column: error.column(),
        message: {
            let message = error.to_string();
            message
                .rfind(" at line ")
                .map_or(message.clone(), |at| message[..at].to_owned())
        },
    })?;
    let sex = match file
        .patient
        .sex
        .as_deref()
        .map(str::to_lowercase)
        .as_deref()
    {
        None | Some("") => Sex::Unknown,
        Some("f" | "female" | "woman") => Sex::Female,
        Some("m" | "male" | "man") => Sex::Male,
        Some(code) => Sex::from_code(code).ok_or_else(|| CaseError::Term {
            field: "patient.sex".into(),
            problem: format!("unknown sex `{code}`: female, male, other or unknown"),
        })?,
    };
    // History in words: known conditions recognised, the rest kept, never refused.
    let history = crate::model::reader::read_history(&file.patient.history, vocabulary);
    let mut findings = Vec::new();
    for (list, presence, entries) in [
        ("findings", Presence::Present, &file.findings),
        ("absent", Presence::Absent, &file.absent),
    ] {
        for (i, entry) in entries.iter().enumerate() {
            findings.push(finding(
                entry,
                presence,
                vocabulary,
                &format!("{list}[{i}]"),
            )?);
        }
    }
    Ok(Case {
        age: file.patient.age,
        sex,
        history: history.codes,
        history_kept: history.kept,
        findings,
    })
}

fn finding(
    entry: &FindingFile,
    presence: Presence,
    vocabulary: &Vocabulary,
    at: &str,
) -> Result<Finding, CaseError> {
    let term_error = |field: &str, problem: String| CaseError::Term {
        field: format!("{at}.{field}"),
        problem,
    };
    let kind = vocabulary
        .find_kind(&entry.kind)
        .map_err(|unknown| CaseError::Unknown {
            field: format!("{at}.kind"),
            unknown,
        })?;
    let region = match &entry.region {
        Some(term) => Some(
            vocabulary
                .find_region(term)
                .map_err(|unknown| CaseError::Unknown {
                    field: format!("{at}.region"),
                    unknown,
                })?,
        ),
        None => None,
    };
    match (kind.region, region) {
        (RegionPresence::Required, None) => {
            return Err(term_error(
                "region",
                format!("{} needs a region", kind.name),
            ));
        }
        (RegionPresence::None, Some(_)) => {
            return Err(term_error("region", format!("{} has no region", kind.name)));
        }
        _ => {}
    }
    let side = match entry.side.as_deref().map(str::to_lowercase) {
        None => None,
        Some(text) => Some(
            Side::from_code(&text)
                .or(match text.as_str() {
                    "r" | "rt" => Some(Side::Right),
                    "l" | "lt" => Some(Side::Left),
                    "bilat" | "both" | "b/l" => Some(Side::Bilateral),
                    _ => None,
                })
                .ok_or_else(|| {
                    term_error(
                        "side",
                        format!("unknown side `{text}`: left, right, bilateral or midline"),
                    )
                })?,
        ),
    };
    let side = match (region, side) {
        (None, _) => Side::None,
        (Some(region), Some(side)) if region.laterality.allows(side) => side,
        (Some(region), Some(side)) => {
            return Err(term_error(
                "side",
                format!(
                    "the {} cannot be `{}`",
                    region.name.to_lowercase(),
                    side.code()
                ),
            ));
        }
        (Some(region), None) if region.laterality == Laterality::Paired => {
            return Err(term_error(
                "side",
                format!("which side of the {}?", region.name.to_lowercase()),
            ));
        }
        (Some(region), None) => region.laterality.default_side(),
    };
    let intensity = match entry.intensity {
        None => None,
        Some(value) => {
            Some(Intensity::new(value).map_err(|e| term_error("intensity", e.to_string()))?)
        }
    };
    Ok(Finding {
        kind: KindCode::new(kind.code.as_str()),
        region: region.map(|r| r.code.clone()),
        side,
        intensity,
        presence,
        test_name: entry.test_name.trim().to_owned(),
        note: entry.note.clone(),
        detail: entry.detail.clone(),
        ..Finding::default()
    })
}
