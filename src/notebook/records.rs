//! Writes to one patient's record: a patient, a visit, its note, a finding taken back,
//! an outcome measure, a signature, an addendum and a referral letter.

use chrono::NaiveDateTime;

use crate::model::{
    Addendum, Finding, FindingId, Intervention, InterventionId, Measure, MeasureId, Patient,
    PatientId, Signature, Visit, VisitId, VisitRecord,
};
use crate::store::{Actor, Store};

use super::NotebookError;

/// How far ahead of now a visit may be dated before signing it is worth a word: a clock
/// a little off is not.
const DATED_AHEAD_SAID: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// A signed visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Signed {
    pub signature: Signature,
    /// The audit chain's head at signing, which later copies must still hold.
    pub chain: String,
    /// The visit's date, when it lies ahead of the signing: it is signed as dated, and a
    /// wrong date now needs an addendum.
    pub dated_ahead: Option<NaiveDateTime>,
}

/// Signs a draft visit: it cannot change afterwards (the database's triggers hold it).
pub fn sign(store: &mut Store, signer: &Actor, visit: VisitId) -> Result<Signed, NotebookError> {
    let draft = store.visit(visit)?;
    let now = chrono::Local::now().naive_local();
    let dated_ahead = (draft.started_at > now + DATED_AHEAD_SAID).then_some(draft.started_at);
    let signature = store.sign_visit(signer, visit)?;
    let chain = store.signed_chain(visit)?.unwrap_or_default();
    Ok(Signed {
        signature,
        chain,
        dated_ahead,
    })
}

/// Adds an addendum to a signed visit, under its author's name.
pub fn add_addendum(
    store: &mut Store,
    author: &Actor,
    visit: VisitId,
    reason: &str,
    text: &str,
) -> Result<Addendum, NotebookError> {
    Ok(store.add_addendum(author, visit, reason, text)?)
}

/// Adds an outcome measure to a draft visit, scored by its instrument's own rule; one that
/// cannot be scored (too many items left out) is refused and nothing is written.
pub fn add_measure(
    store: &mut Store,
    by: &Actor,
    measure: &Measure,
) -> Result<MeasureId, NotebookError> {
    Ok(store.add_measure(by, measure)?)
}

/// Takes an outcome measure back from a draft visit.
pub fn delete_measure(store: &mut Store, by: &Actor, id: MeasureId) -> Result<(), NotebookError> {
    Ok(store.delete_measure(by, id)?)
}

/// Signs a referral letter and keeps it in the patient's record; it cannot change
/// afterwards. A letter with no recipient or reason is refused and nothing is kept.
pub fn sign_letter(
    store: &mut Store,
    by: &Actor,
    draft: &crate::model::LetterDraft,
) -> Result<crate::model::Letter, NotebookError> {
    Ok(store.sign_letter(by, draft)?)
}

/// Adds a patient to the notebook.
pub fn create_patient(
    store: &mut Store,
    by: &Actor,
    patient: &Patient,
) -> Result<PatientId, NotebookError> {
    Ok(store.create_patient(by, patient)?)
}

/// Opens a visit for a patient.
pub fn create_visit(
    store: &mut Store,
    by: &Actor,
    visit: &Visit,
) -> Result<VisitId, NotebookError> {
    Ok(store.create_visit(by, visit)?)
}

/// Writes a draft visit's Subjective, keeping the rest of its note.
pub fn write_subjective(
    store: &mut Store,
    by: &Actor,
    visit: VisitId,
    text: &str,
) -> Result<(), NotebookError> {
    let mut record = store.visit(visit)?;
    record.subjective = text.to_owned();
    Ok(store.update_visit(by, &record)?)
}

/// Takes a finding back off a draft visit.
pub fn delete_finding(store: &mut Store, by: &Actor, id: FindingId) -> Result<(), NotebookError> {
    Ok(store.delete_finding(by, id)?)
}

/// Changes a patient's details.
pub fn update_patient(
    store: &mut Store,
    by: &Actor,
    patient: &Patient,
) -> Result<(), NotebookError> {
    Ok(store.update_patient(by, patient)?)
}

/// Saves a draft visit's note and details as typed.
pub fn update_visit(store: &mut Store, by: &Actor, visit: &Visit) -> Result<(), NotebookError> {
    Ok(store.update_visit(by, visit)?)
}

/// Puts a draft visit back as it was (undo and redo), findings, interventions and outcome
/// measures with it.
pub fn restore_visit(
    store: &mut Store,
    by: &Actor,
    record: &VisitRecord,
) -> Result<(), NotebookError> {
    Ok(store.restore_visit(by, record)?)
}

/// Deletes a draft visit opened by mistake; a signed one stays.
pub fn delete_draft_visit(
    store: &mut Store,
    by: &Actor,
    visit: VisitId,
) -> Result<(), NotebookError> {
    Ok(store.delete_draft_visit(by, visit)?)
}

/// Charts findings as they are given (from the findings form or the note's suggestions).
pub fn add_findings(
    store: &mut Store,
    by: &Actor,
    findings: &[Finding],
) -> Result<Vec<FindingId>, NotebookError> {
    Ok(store.add_findings(by, findings)?)
}

/// Changes a charted finding on a draft visit.
pub fn update_finding(
    store: &mut Store,
    by: &Actor,
    finding: &Finding,
) -> Result<(), NotebookError> {
    Ok(store.update_finding(by, finding)?)
}

/// Charts an intervention as it is given (from the interventions form).
pub fn add_intervention(
    store: &mut Store,
    by: &Actor,
    intervention: &Intervention,
) -> Result<InterventionId, NotebookError> {
    Ok(store.add_intervention(by, intervention)?)
}

/// Takes an intervention back off a draft visit.
pub fn delete_intervention(
    store: &mut Store,
    by: &Actor,
    id: InterventionId,
) -> Result<(), NotebookError> {
    Ok(store.delete_intervention(by, id)?)
}
