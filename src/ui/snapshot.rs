//! What the screen shows, derived from the notebook and the reasoner: the patient list,
//! the open patient's timeline, the reasoner's reading of the open visit, the course's
//! insights, the plot's data. It is read again when the data changes (after an action,
//! when background work ends), never per frame; the views draw from it.

use super::context::ViewContext;
use super::{AppState, TimelineData};
use crate::model::measure::Offered;
use crate::model::{ClinicProfile, Letter, Patient, Visit, VisitId, VisitRecord};
use crate::reasoner::{Assessment, Case, FlagToScreen, Insight, RaisedFlag, Zone};
use crate::store::{AuditEntry, NoteMatch, Store, StoreError};

/// How many patients the list shows; the search narrows it.
const PATIENT_LIST_LIMIT: usize = 300;
/// Patients listed under "Found in notes": the newest matches, enough to scroll.
const NOTE_MATCH_LIMIT: usize = 50;

/// The data the views draw, as last read.
#[derive(Default)]
pub struct Snapshot {
    pub patients: Vec<Patient>,
    /// Patients found by the words of their notes, for the search typed.
    pub found_in_notes: Vec<NoteMatch>,
    pub patient: Option<Patient>,
    pub timeline: Vec<VisitRecord>,
    /// The reasoner's reading of the open visit.
    pub assessment: Option<Assessment>,
    /// What the visits up to the open one show read together (`Reasoner::insights_at`).
    pub insights: Vec<Insight>,
    /// What the timeline plot draws.
    pub timeline_data: TimelineData,
    /// The selected hypothesis's referral zones, which the body chart draws.
    pub overlay: Vec<Zone>,
    /// The open visit's history from the audit trail.
    pub history: Vec<AuditEntry>,
    /// Unsigned visits older than the settings allow, with their patient's name.
    pub drafts: Vec<(String, Visit)>,
    /// The clinic profile that heads the documents, and the open patient's letters.
    pub clinic_profile: ClinicProfile,
    pub letters: Vec<Letter>,
    /// The emergency and same-day red flags of the open visit, raised and left to screen,
    /// which the sign dialog names.
    pub urgent_flags: Vec<RaisedFlag>,
    pub unscreened_flags: Vec<FlagToScreen>,
    /// The emergency and same-day red flags the visits up to the open one raise read
    /// together (a deficit getting worse, a new bladder symptom), which the sign dialog
    /// names too: the open visit's findings alone may not raise them.
    pub urgent_across: Vec<Insight>,
    /// The patient's PSFS activities before the open visit, and the instruments offered.
    pub activities: Vec<String>,
    pub offered: Vec<Offered>,
}

impl Snapshot {
    /// The open visit's record.
    pub fn record(&self, visit: Option<VisitId>) -> Option<&VisitRecord> {
        self.timeline
            .iter()
            .find(|record| Some(record.visit.id) == visit)
    }

    /// Reads what the views show back from the store, for the patient and visit `state`
    /// selects; a selection the notebook no longer has is forgotten. What could not be
    /// read stays as it was, and the last failure is returned.
    pub fn reload(
        &mut self,
        store: &Store,
        state: &mut AppState,
        context: &ViewContext<'_>,
    ) -> Option<StoreError> {
        let loaded = (|| -> Result<(), StoreError> {
            self.patients = store.search_patients(&state.search, PATIENT_LIST_LIMIT)?;
            self.found_in_notes = store.search_notes(&state.search, NOTE_MATCH_LIMIT)?;
            self.patient = match state.selected_patient {
                Some(id) => match store.patient(id) {
                    Ok(patient) => Some(patient),
                    // A remembered patient from another notebook: forget it.
                    Err(StoreError::NotFound { .. }) => None,
                    Err(error) => return Err(error),
                },
                None => None,
            };
            self.timeline = match &self.patient {
                Some(patient) => store.timeline(patient.id)?,
                None => Vec::new(),
            };
            Ok(())
        })();
        if self.patient.is_none() {
            state.selected_patient = None;
        }
        let visit_known = self
            .timeline
            .iter()
            .any(|record| Some(record.visit.id) == state.selected_visit);
        if !visit_known {
            state.selected_visit = None;
        }
        let visit = state.selected_visit;
        let days = state.settings.draft_warning_days;
        let now = chrono::Local::now().naive_local();
        let read = (|| -> Result<(), StoreError> {
            self.history = match visit {
                Some(visit) => store.visit_history(visit)?,
                None => Vec::new(),
            };
            self.drafts = store.unsigned_drafts(days, now)?;
            self.clinic_profile = store.clinic_profile()?;
            self.letters = match &self.patient {
                Some(patient) => store.letters(patient.id)?,
                None => Vec::new(),
            };
            Ok(())
        })();
        self.derive(state, context);
        read.err().or(loaded.err())
    }

    /// Re-reads one visit's note and history after typing in it; the findings, the
    /// course and the reasoning do not change with the note's words.
    pub fn reload_visit(&mut self, store: &Store, id: VisitId) -> Result<(), StoreError> {
        let visit = store.visit(id)?;
        let history = store.visit_history(id)?;
        if let Some(record) = self.timeline.iter_mut().find(|r| r.visit.id == id) {
            record.visit = visit;
        }
        self.history = history;
        Ok(())
    }

    /// What the reasoner and the model make of the timeline as read.
    fn derive(&mut self, state: &AppState, context: &ViewContext<'_>) {
        // The course is read when the timeline is read back, not every frame.
        // Read with the patient's age, sex and history, as each visit's flags are.
        let reasoner = context.reasoner;
        let course = match &self.patient {
            Some(patient) => reasoner.course_of(patient, &self.timeline),
            None => reasoner.course(&self.timeline),
        };
        self.timeline_data = TimelineData::new(&self.timeline, context.vocabulary)
            .with_measures(&self.timeline, context.instruments)
            .with_insights(&course);
        self.insights = match (state.selected_visit, &self.patient) {
            (Some(visit), Some(patient)) => reasoner.insights_of_at(patient, &self.timeline, visit),
            (Some(visit), None) => reasoner.insights_at(&self.timeline, visit),
            (None, _) => Vec::new(),
        };
        self.assessment = match (&self.patient, self.record(state.selected_visit)) {
            (Some(patient), Some(record)) => {
                Some(reasoner.assess(&Case::for_visit(patient, record)))
            }
            _ => None,
        };
        self.overlay = self.overlay_zones(state.selected_hypothesis.as_deref(), context);
        // The sign dialog names what must not be signed past unnoticed.
        self.urgent_flags = self
            .assessment
            .iter()
            .flat_map(|a| a.flags_for_today())
            .cloned()
            .collect();
        self.unscreened_flags = self
            .assessment
            .iter()
            .flat_map(|a| a.unscreened_for_today())
            .cloned()
            .collect();
        // A flag the visit's own findings already raise is named once, as raised.
        let raised_here = |insight: &Insight| match &insight.kind {
            crate::reasoner::InsightKind::FlagAcrossVisits { flag, .. } => {
                self.urgent_flags.iter().any(|f| &f.id == flag)
            }
            _ => false,
        };
        self.urgent_across = self
            .insights
            .iter()
            .filter(|i| i.flag_for_today().is_some() && !raised_here(i))
            .cloned()
            .collect();
        let visit = state.selected_visit.unwrap_or_default();
        self.activities = crate::model::measure::activities_before(&self.timeline, visit);
        self.offered = crate::model::measure::offered_at(&self.timeline, visit, context.vocabulary);
    }

    fn overlay_zones(&self, selected: Option<&str>, context: &ViewContext<'_>) -> Vec<Zone> {
        let hypothesis = self.assessment.as_ref().and_then(|a| {
            a.hypotheses
                .iter()
                .find(|h| Some(h.id.as_str()) == selected)
        });
        match hypothesis {
            Some(h) => context.reasoner.zones(&h.id, h.side),
            None => Vec::new(),
        }
    }
}
