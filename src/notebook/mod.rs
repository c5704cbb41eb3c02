//! The notebook's operations: every write the window or the command line makes (signing,
//! addenda, charting a quick-entry line or a body-chart click, carrying findings over,
//! export, import, the demo clinic, backups...) is written once here, against the `Store`,
//! under an `Actor`, with a typed error that the caller shows in its own way. One function
//! is one operation; a new write joins with a function here and a call from each side that
//! offers it.

mod charting;
mod records;
mod whole;

use crate::store::{Actor, ImportError, StoreError};

pub use charting::{
    Charted, carry_over, chart_at, chart_findings, chart_interventions, confirm_carried_over,
};
pub use records::{
    Signed, add_addendum, add_findings, add_intervention, add_measure, create_patient,
    create_visit, delete_draft_visit, delete_finding, delete_intervention, delete_measure,
    restore_visit, sign, sign_letter, update_finding, update_patient, update_visit,
    write_subjective,
};
pub use whole::{
    BackedUp, DailyBackup, DemoInto, Exported, Imported, Restored, add_demo_clinic, back_up_to,
    change_passphrase, daily_backup, export, import, restore_backup, set_clinic_profile,
    set_clinician, write_fhir,
};

/// Why an operation did not write.
#[derive(Debug, thiserror::Error)]
pub enum NotebookError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Export(#[from] crate::exports::ExportError),
    #[error(transparent)]
    Document(#[from] crate::documents::DocumentError),
    /// A quick-entry line in which nothing could be charted; `why` quotes each part left.
    #[error("nothing in `{entry}` was read as {what} ({})", why.join("; "))]
    NothingRead {
        entry: String,
        what: &'static str,
        why: Vec<String>,
    },
    #[error("`{0}` has no visible letters: it cannot stand as a name on the record")]
    Nameless(String),
    #[error("the notebook already has {patients} patients; the demo clinic goes into an empty one")]
    NotEmpty { patients: i64 },
    #[error("this notebook lives only in memory; there is no file to {0}")]
    InMemory(&'static str),
}

/// The name a signature, an addendum or a command is recorded under.
pub fn actor_named(name: &str) -> Result<Actor, NotebookError> {
    Actor::new(name).ok_or_else(|| NotebookError::Nameless(name.escape_debug().to_string()))
}
