//! Work on the whole notebook: export, import, the demo clinic and backups. The window
//! runs these on a thread with a connection of its own; the command line runs them in turn.

use std::path::{Path, PathBuf};

use crate::store::{
    self, Actor, BackupCheck, ChainHead, ImportSummary, NotebookFile, Passphrase, Store,
};

use super::NotebookError;

/// A backup put in place of the notebook, and the notebook as restored, open.
#[derive(Debug)]
pub struct Restored {
    pub store: Store,
    pub report: store::RestoreReport,
}

/// Puts `backup` in place of the notebook at `database` (the file that was there is kept
/// aside), opens it with `passphrase`, and records the restore in it: under `by`, or,
/// when no one is named, the clinician the restored notebook names (else the computer's
/// login). The window's lock screen and `upstream restore` both restore with this call.
pub fn restore_backup(
    database: &Path,
    backup: &Path,
    passphrase: &Passphrase,
    by: Option<Actor>,
) -> Result<Restored, NotebookError> {
    let report = store::restore(database, backup, passphrase)?;
    let store = Store::open_with(database, passphrase)?;
    let by = match by {
        Some(actor) => actor,
        None => store.clinician()?.unwrap_or_else(Actor::login),
    };
    store.record_restore(&by, backup, &report)?;
    Ok(Restored { store, report })
}

/// A notebook written out to a plain JSON file.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    pub path: PathBuf,
    pub patients: usize,
    pub visits: usize,
}

/// Writes every patient's record to `destination` as JSON, unencrypted: the caller has
/// told the clinician so.
pub fn export(store: &Store, by: &Actor, destination: &Path) -> Result<Exported, NotebookError> {
    let notebook = store.export_to(by, destination)?;
    Ok(Exported {
        path: destination.to_owned(),
        patients: notebook.patients.len(),
        visits: notebook.patients.iter().map(|p| p.visits.len()).sum(),
    })
}

/// What an import added, and from where.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub path: PathBuf,
    pub summary: ImportSummary,
}

/// Adds the records of an exported file, read and checked whole (`NotebookFile::read`)
/// before the notebook is opened, so a bad file touches nothing.
pub fn import(
    store: &mut Store,
    by: &Actor,
    file: &NotebookFile,
    source: &Path,
) -> Result<Imported, NotebookError> {
    let summary = store.import(by, file)?;
    Ok(Imported {
        path: source.to_owned(),
        summary,
    })
}

/// Which notebook the demo clinic may go into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoInto {
    /// Only one with no patients yet: the demo's fictional patients are not mixed with
    /// real ones by accident.
    EmptyNotebook,
    /// Any, as the clinician asked for it.
    AnyNotebook,
}

/// Adds the demo clinic: fictional patients with months of visits, dated up to today.
pub fn add_demo_clinic(
    store: &mut Store,
    by: &Actor,
    into: DemoInto,
) -> Result<ImportSummary, NotebookError> {
    if into == DemoInto::EmptyNotebook {
        let patients = store.patient_count()?;
        if patients > 0 {
            return Err(NotebookError::NotEmpty { patients });
        }
    }
    let demo = crate::demo::clinic_for_today()?;
    Ok(store.import(by, &demo)?)
}

/// Today's rotating backup beside the notebook.
#[derive(Debug, Clone, PartialEq)]
pub enum DailyBackup {
    /// Made now, and read back.
    Made { path: PathBuf, check: BackupCheck },
    /// Made earlier today, in this folder.
    MadeAlready { folder: PathBuf },
}

/// Makes today's backup beside the notebook, unless it is made already, keeping the last
/// few.
pub fn daily_backup(store: &Store, by: &Actor) -> Result<DailyBackup, NotebookError> {
    let database = store.path().ok_or(NotebookError::InMemory("back up"))?;
    let folder = store::backup_folder(database);
    let now = chrono::Local::now().naive_local();
    Ok(match store.rotate_backups(by, &folder, now)? {
        Some((path, check)) => DailyBackup::Made { path, check },
        None => DailyBackup::MadeAlready { folder },
    })
}

/// A backup to a file the clinician named.
#[derive(Debug, Clone, PartialEq)]
pub struct BackedUp {
    pub check: BackupCheck,
    /// The audit chain's head in the backup, also kept in a side file beside it, so that
    /// the notebook can later be checked against it.
    pub head: Option<ChainHead>,
}

/// Backs the notebook up to `destination` (never over a file there), checks the copy, and
/// keeps its audit chain head beside it.
pub fn back_up_to(
    store: &Store,
    by: &Actor,
    destination: &Path,
) -> Result<BackedUp, NotebookError> {
    let check = store.backup_to(by, destination)?;
    let head = store::backup_head(destination, store.passphrase())?;
    if let Some(head) = &head {
        store::write_private_file(
            &store::side_path(destination),
            serde_json::json!({ "head": head, "made_at": chrono::Local::now().naive_local() })
                .to_string()
                .as_bytes(),
        )?;
    }
    Ok(BackedUp { check, head })
}

/// Names the clinician the notebook's changes are recorded under (none: the computer's
/// login, marked as such).
pub fn set_clinician(store: &Store, clinician: Option<&Actor>) -> Result<(), NotebookError> {
    Ok(store.set_clinician(clinician)?)
}

/// Encrypts the notebook under a new passphrase; an empty one decrypts it.
pub fn change_passphrase(
    store: &mut Store,
    by: &Actor,
    new: &Passphrase,
) -> Result<(), NotebookError> {
    Ok(store.rekey(by, new)?)
}

/// Saves the clinic profile that heads every document.
pub fn set_clinic_profile(
    store: &mut Store,
    by: &Actor,
    profile: &crate::model::ClinicProfile,
) -> Result<(), NotebookError> {
    Ok(store.set_clinic_profile(by, profile)?)
}

/// Writes a FHIR R4 Bundle of a patient or of the notebook, each signed visit's
/// DocumentReference carrying its note as text and as the visit-note PDF. Returns how many
/// resources were written.
pub fn write_fhir(
    store: &Store,
    by: &Actor,
    scope: crate::exports::Scope,
    path: &std::path::Path,
) -> Result<usize, NotebookError> {
    let options = crate::documents::DocumentOptions::default();
    // A note whose PDF cannot be made still goes with its text, which the DocumentReference
    // always carries; the Bundle is not refused for it.
    let note_pdf = |_: &crate::store::PatientRecord, visit: &crate::model::VisitRecord| {
        crate::documents::visit_note(store, visit.visit.id, &options).ok()
    };
    Ok(crate::exports::fhir::write_fhir(
        store, by, scope, path, &note_pdf,
    )?)
}
