//! A visit: one encounter, with its SOAP note and status.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{Finding, Intervention, Measure, PatientId};

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
    /// Who signed the visit and when; set exactly when `status` is `Signed`. From then on
    /// the visit and what was charted at it cannot change: corrections are addenda.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

/// A clinician's signature on a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub by: String,
    pub at: NaiveDateTime,
}

impl Visit {
    pub fn is_signed(&self) -> bool {
        self.status == VisitStatus::Signed
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct AddendumId(pub i64);

/// A dated correction or addition to a signed visit. Addenda are written once and never
/// changed: the record shows what was signed and, beneath it, what was said later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Addendum {
    pub id: AddendumId,
    pub visit_id: VisitId,
    pub author: String,
    pub written_at: NaiveDateTime,
    /// Why the addendum was needed ("late entry", "correction of side").
    pub reason: String,
    pub text: String,
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
    /// Addenda to a signed visit, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addenda: Vec<Addendum>,
    /// Outcome measures filled in at the visit, in the order entered, each with its score.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub measures: Vec<Measure>,
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
