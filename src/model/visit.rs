//! A visit: one encounter, with its SOAP note and status.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{Finding, Intervention, PatientId};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct VisitId(pub i64);

impl std::fmt::Display for VisitId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    InitialExam,
    #[default]
    FollowUp,
    ReExam,
    Discharge,
}

impl VisitKind {
    pub const ALL: [VisitKind; 4] = [
        VisitKind::InitialExam,
        VisitKind::FollowUp,
        VisitKind::ReExam,
        VisitKind::Discharge,
    ];

    pub fn code(self) -> &'static str {
        match self {
            VisitKind::InitialExam => "initial_exam",
            VisitKind::FollowUp => "follow_up",
            VisitKind::ReExam => "re_exam",
            VisitKind::Discharge => "discharge",
        }
    }

    pub fn from_code(code: &str) -> Option<VisitKind> {
        VisitKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            VisitKind::InitialExam => "Initial exam",
            VisitKind::FollowUp => "Follow-up",
            VisitKind::ReExam => "Re-exam",
            VisitKind::Discharge => "Discharge",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    #[default]
    Draft,
    Signed,
}

impl VisitStatus {
    pub fn code(self) -> &'static str {
        match self {
            VisitStatus::Draft => "draft",
            VisitStatus::Signed => "signed",
        }
    }

    pub fn from_code(code: &str) -> Option<VisitStatus> {
        [VisitStatus::Draft, VisitStatus::Signed]
            .into_iter()
            .find(|status| status.code() == code)
    }
}

/// One encounter. `started_at` is the clinic's local wall-clock time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Visit {
    pub id: VisitId,
    pub patient_id: PatientId,
    pub started_at: NaiveDateTime,
    pub kind: VisitKind,
    pub chief_complaint: String,
    pub subjective: String,
    pub objective: String,
    pub assessment: String,
    pub plan: String,
    pub status: VisitStatus,
}

impl Visit {
    pub fn new(patient_id: PatientId, started_at: NaiveDateTime, kind: VisitKind) -> Self {
        Visit {
            patient_id,
            started_at,
            kind,
            ..Visit::default()
        }
    }
}

/// A visit with everything charted at it: one row of a patient's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct VisitRecord {
    pub visit: Visit,
    pub findings: Vec<Finding>,
    pub interventions: Vec<Intervention>,
}

impl VisitRecord {
    /// The findings present at this visit (not those examined and found absent): the ones
    /// a next visit starts from.
    pub fn open_findings(&self) -> Vec<Finding> {
        self.findings
            .iter()
            .filter(|f| f.presence == super::Presence::Present)
            .cloned()
            .collect()
    }
}
