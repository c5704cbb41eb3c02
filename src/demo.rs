//! The demo clinic: eight fictional patients whose records tell the stories our users
//! know. The records are data in `assets/demo/clinic.json`, in the notebook file format,
//! dated around an anchor day and moved so that the newest visit is recent.

use chrono::{Local, NaiveDate, TimeDelta};

use crate::model::Signature;
use crate::store::{ImportError, NotebookFile};

/// Who signed the demo clinic's notes.
pub const DEMO_CLINICIAN: &str = "Dr. Sam Reyes (demo)";

const CLINIC_JSON: &str = include_str!("../assets/demo/clinic.json");
pub const CLINIC_FILE: &str = "assets/demo/clinic.json";

/// The demo clinic with its dates moved by whole weeks (so clinic days stay weekdays)
/// so that its anchor day (the file's `exported_at`) falls in the week before `today`.
pub fn clinic(today: NaiveDate) -> Result<NotebookFile, ImportError> {
    let mut notebook = NotebookFile::parse(CLINIC_JSON, CLINIC_FILE)?;
    let anchor = notebook.exported_at.map_or(today, |at| at.date());
    let weeks = today.signed_duration_since(anchor).num_days().div_euclid(7);
    let shift = TimeDelta::weeks(weeks);
    for record in &mut notebook.patients {
        for visit in &mut record.visits {
            let started_at = visit
                .visit
                .started_at
                .checked_add_signed(shift)
                .unwrap_or(visit.visit.started_at);
            visit.visit.started_at = started_at;
            // Signed at the end of the session, by the demo clinic's clinician.
            if visit.visit.is_signed() && visit.visit.signature.is_none() {
                visit.visit.signature = Some(Signature {
                    by: DEMO_CLINICIAN.to_owned(),
                    at: started_at + TimeDelta::minutes(40),
                });
            }
        }
    }
    notebook.exported_at = None;
    Ok(notebook)
}

/// The demo clinic dated so that its newest visits are from the past week.
pub fn clinic_for_today() -> Result<NotebookFile, ImportError> {
    clinic(Local::now().date_naive())
}
