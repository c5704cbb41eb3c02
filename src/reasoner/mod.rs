//! The referral reasoner: given one visit's findings and a little patient context, which
//! remote sources could produce them, how well each explains them, what each leaves
//! unexplained, which single exam would best separate the leaders, and which red flags
//! mean "refer out now". Findings in, ranked explanations out: no UI, no SQL. Across
//! visits (`course`), it reads a patient's timeline together: each symptom's trajectory,
//! local treatment that is not working, warning signs that build up, and what helped.

pub mod course;
mod inference;
pub mod input;
pub mod knowledge;
mod red_flags;
pub mod wording;

use serde::Serialize;

use crate::model::{Finding, Patient, Sex, Side, VisitRecord};

pub use course::{Course, Insight, InsightKind, Trajectory, Trend};
pub use inference::{Producer, Reasoner, Zone, words};
pub use knowledge::{KnowledgeBase, KnowledgeError, KnowledgeFiles, SourceKind, Urgency, Weight};

/// What a hypothesis's score means, in the one line the panel and the command line show.
pub const SCORE_MEANING: &str = "Score: how likely each source is at work, from its base rate \
     and these findings, each scored on its own (they need not add up to 1). Not a diagnosis.";

/// What the reasoner reads: the findings of one visit, present and examined-absent, with
/// the patient context that changes what they mean.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Case {
    pub age: Option<u32>,
    pub sex: Sex,
    /// History-flag codes: `cancer_history`, `recent_surgery`, ...
    pub history: Vec<String>,
    /// History entries that name no condition the knowledge base knows, kept as written
    /// so that the clinician sees them; they change no score.
    pub history_kept: Vec<String>,
    pub findings: Vec<Finding>,
}

impl Case {
    /// The case one charted visit makes: its findings, with the patient's age on the day.
    pub fn for_visit(patient: &Patient, record: &VisitRecord) -> Case {
        // The history as written: codes, names, or free text with them in it.
        let history = crate::model::reader::read_history(
            &patient.history,
            crate::model::Vocabulary::builtin(),
        );
        Case {
            age: patient.age_on(record.visit.started_at.date()),
            sex: patient.sex,
            history: history.codes,
            history_kept: history.kept,
            findings: record.findings.clone(),
        }
    }

    /// The same case with left and right swapped in every finding.
    pub fn mirrored(&self) -> Case {
        let mut mirrored = self.clone();
        for finding in &mut mirrored.findings {
            finding.side = finding.side.mirrored();
        }
        mirrored
    }
}

/// What the reasoner says about a case. Red flags come first, whatever the scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub red_flags: Vec<RaisedFlag>,
    /// Red flags not raised but worth settling, with what would settle them.
    pub to_screen: Vec<FlagToScreen>,
    pub hypotheses: Vec<Hypothesis>,
    /// The smallest sets of sources that together explain every finding any source can.
    pub covers: Vec<Vec<String>>,
    pub next_check: Option<NextCheck>,
}

impl Assessment {
    /// The red flags that call for action today (emergency or same day): what must not be
    /// signed past unnoticed.
    pub fn flags_for_today(&self) -> impl Iterator<Item = &RaisedFlag> {
        self.red_flags
            .iter()
            .filter(|f| matches!(f.urgency, Urgency::Emergency | Urgency::SameDay))
    }

    /// The flags to screen that would call for action today if confirmed: what the sign
    /// dialog names as unscreened.
    pub fn unscreened_for_today(&self) -> impl Iterator<Item = &FlagToScreen> {
        self.to_screen
            .iter()
            .filter(|f| matches!(f.urgency, Urgency::Emergency | Urgency::SameDay))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RaisedFlag {
    pub id: String,
    pub title: String,
    pub urgency: Urgency,
    pub refer_to: String,
    pub avoid: Vec<String>,
    pub why: String,
    /// Indices of the case's findings that raised it.
    pub findings: Vec<usize>,
    /// Indices of the findings that argue against it: examined and absent, or contrary
    /// evidence its citations name.
    pub against: Vec<usize>,
    pub citations: Vec<String>,
}

/// A red flag not raised but to screen: some of its features are present, or contrary
/// evidence or an unknown age held it back. The questions and exams would settle it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlagToScreen {
    pub id: String,
    pub title: String,
    /// The urgency it carries if the screen confirms it.
    pub urgency: Urgency,
    pub refer_to: String,
    pub avoid: Vec<String>,
    /// Indices of the findings that call for the screen.
    pub findings: Vec<usize>,
    /// Indices of the findings that argue against it.
    pub against: Vec<usize>,
    /// What to ask and examine, in the clinic's words.
    pub ask: Vec<String>,
    /// Findings the flag looks for that this visit has not charted either way, as
    /// examined-and-absent findings ready to chart with one click (those without a region).
    pub answers: Vec<Finding>,
    pub citations: Vec<String>,
}

/// One finding a hypothesis explains, how typical it is of the source, and how much it
/// raised the source's odds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Explained {
    pub finding: usize,
    pub weight: Weight,
    /// Its likelihood ratio: the source's odds were multiplied by this. Low when many
    /// other sources could produce the finding as well.
    pub ratio: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hypothesis {
    pub id: String,
    pub name: String,
    pub kind: SourceKind,
    /// The side of the source; `none` when the findings do not tell left from right.
    pub side: Side,
    /// The chance it is at work, given the findings and its base rate (a posterior, 0 to
    /// 1): each source alone against the rest as background, so they need not add up to 1.
    pub score: f64,
    /// Its base rate for this patient, before the findings: what breaks ties.
    pub prior: f64,
    pub explains: Vec<Explained>,
    /// Present findings it does not explain.
    pub unexplained: Vec<usize>,
    /// Of those, each one another reported source explains, with the best-ranked such
    /// source: where the clinician would look for the rest.
    pub unexplained_by: Vec<Elsewhere>,
    /// Examined-and-absent findings it predicts, which count against it, each with its
    /// weight of evidence.
    pub against: Vec<Against>,
    pub check: String,
    pub citations: Vec<String>,
}

/// An examined-and-absent finding a source predicts: the clinician reads how much its
/// absence counts, not only that it does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Against {
    pub finding: usize,
    /// How typical the source said the finding would be.
    pub weight: Weight,
    /// The source's odds were multiplied by this (below 1): the lower, the more it counts.
    pub ratio: f64,
}

/// A finding one hypothesis leaves unexplained, and the reported source that explains it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Elsewhere {
    pub finding: usize,
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextCheck {
    pub exam: String,
    pub why: String,
    pub separates: Vec<String>,
}

/// Reasons over a case with the built-in knowledge base.
pub fn assess(case: &Case) -> Assessment {
    Reasoner::builtin().assess(case)
}
