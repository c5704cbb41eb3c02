//! What leaves the notebook for other software: a patient's record or the whole notebook
//! as a FHIR R4 Bundle (`fhir`), as CSV tables for a spreadsheet (`csv`), or as the
//! notebook's own JSON. Every file written is private to the user (0600, never half a
//! file), none is encrypted (the caller warns), and each is recorded in the notebook's
//! events under the clinician who wrote it.

pub mod csv;
pub mod fhir;

use std::path::{Path, PathBuf};

use crate::model::PatientId;
use crate::store::{Actor, NotebookFile, PatientRecord, Store, StoreError};

/// Why an export was not written. Nothing is left half-written when this is returned.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path} could not be written: {message}; nothing was exported")]
    Write { path: PathBuf, message: String },
    #[error(
        "the FHIR model refused the {resource} made from this record ({message}); nothing was exported. Please report this: it is a fault of Upstream, not of the record"
    )]
    Fhir { resource: String, message: String },
}

pub type Result<T, E = ExportError> = std::result::Result<T, E>;

/// Whose record goes out: one patient's, or every patient's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Patient(PatientId),
    Notebook,
}

impl Scope {
    /// How the notebook's event record names it.
    fn describe(self) -> String {
        match self {
            Scope::Patient(id) => format!("patient {}", id.0),
            Scope::Notebook => "whole notebook".to_owned(),
        }
    }
}

/// The sentence shown wherever an export is written: the file is plain text.
pub fn unencrypted_warning(path: &Path) -> String {
    format!(
        "{} is not encrypted: anyone with the file can read every patient's record in it. Keep it somewhere safe.",
        path.display()
    )
}

/// The records in `scope`, oldest visit first.
pub fn records(store: &Store, scope: Scope) -> Result<Vec<PatientRecord>> {
    Ok(match scope {
        Scope::Patient(id) => vec![PatientRecord {
            patient: store.patient(id)?,
            visits: store.timeline(id)?,
            letters: store.letters(id)?,
        }],
        Scope::Notebook => store.export()?.patients,
    })
}

/// Writes `bytes` to `path` privately and records the export in the notebook's events.
fn write_recorded(
    store: &Store,
    by: &Actor,
    what: &str,
    scope: Scope,
    path: &Path,
    bytes: &[u8],
) -> Result<()> {
    crate::store::write_private_file(path, bytes).map_err(|error| ExportError::Write {
        path: path.to_owned(),
        message: error.to_string(),
    })?;
    store.record_event(
        by,
        "export",
        &format!("{what} of {}: {}", scope.describe(), path.display()),
    )?;
    Ok(())
}

/// One patient's record in the notebook's own JSON format (the whole notebook's is
/// `Store::export_to`), importable into another notebook.
pub fn write_json(store: &Store, by: &Actor, patient: PatientId, path: &Path) -> Result<usize> {
    let records = records(store, Scope::Patient(patient))?;
    let visits = records.iter().map(|r| r.visits.len()).sum();
    let mut file = NotebookFile::new(records);
    file.audit_head = store.audit_head()?;
    // The letterhead the patient's letters were signed under goes with them.
    let profile = store.clinic_profile()?;
    file.clinic_profile = (!profile.is_empty()).then_some(profile);
    let mut text = serde_json::to_string_pretty(&file).map_err(|error| ExportError::Write {
        path: path.to_owned(),
        message: error.to_string(),
    })?;
    text.push('\n');
    write_recorded(
        store,
        by,
        "JSON",
        Scope::Patient(patient),
        path,
        text.as_bytes(),
    )?;
    Ok(visits)
}
