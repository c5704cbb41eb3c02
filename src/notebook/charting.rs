//! Charting a quick-entry line: the reader reads it, what it read is charted at the visit,
//! and what it left (unread words, questions, findings already charted) is said back.
//! The window's quick entries and `upstream apply` chart through these two.

use crate::model::reader::{self, Lexicon, Unread};
use crate::model::{Finding, FindingId, Intervention, RegionCode, Side, VisitId, Vocabulary};
use crate::store::{Actor, Store};

use super::NotebookError;

/// What a charted line wrote and what it left.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Charted {
    /// The ids of the findings or interventions written.
    pub ids: Vec<i64>,
    /// Words that were not read, with why; nothing was charted from them.
    pub unread: Vec<Unread>,
    /// Readings held back to be asked about: "which side of the calf? (calf pain)".
    pub asked: Vec<String>,
    /// Findings the visit already has, named and not charted twice.
    pub repeated: Vec<String>,
}

/// Charts the findings read in `entry` at `visit`. A line in which nothing was read is
/// refused, saying why; a finding the visit already has is not charted again.
pub fn chart_findings(
    store: &mut Store,
    by: &Actor,
    visit: VisitId,
    entry: &str,
) -> Result<Charted, NotebookError> {
    let vocabulary = Vocabulary::builtin();
    let reading = reader::read_findings(entry, None, vocabulary, Lexicon::builtin());
    let asked = refuse_unread(entry, "a finding", &reading)?;
    let charted_before = findings_at(store, visit)?;
    let (repeated, findings): (Vec<Finding>, Vec<Finding>) = reading
        .items
        .iter()
        .map(|item| Finding {
            visit_id: visit,
            ..item.finding.clone()
        })
        .partition(|finding| charted_before.iter().any(|f| f.repeats(finding)));
    let ids = if findings.is_empty() {
        Vec::new()
    } else {
        store.add_findings(by, &findings)?
    };
    Ok(Charted {
        ids: ids.into_iter().map(|id| id.0).collect(),
        unread: reading.unread,
        asked,
        repeated: repeated.iter().map(|f| f.describe(vocabulary)).collect(),
    })
}

/// Charts the interventions read in `entry` at `visit`; a line in which nothing was read
/// is refused, saying why.
pub fn chart_interventions(
    store: &mut Store,
    by: &Actor,
    visit: VisitId,
    entry: &str,
) -> Result<Charted, NotebookError> {
    let reading = reader::read_interventions(entry, Vocabulary::builtin(), Lexicon::builtin());
    let asked = refuse_unread(entry, "an intervention", &reading)?;
    let interventions: Vec<Intervention> = reading
        .items
        .iter()
        .map(|item| Intervention {
            visit_id: visit,
            ..item.intervention.clone()
        })
        .collect();
    let ids = store.add_interventions(by, &interventions)?;
    Ok(Charted {
        ids: ids.into_iter().map(|id| id.0).collect(),
        unread: reading.unread,
        asked,
        repeated: Vec::new(),
    })
}

/// What the charting needs of a reading of either kind.
trait LineReading {
    fn read_count(&self) -> usize;
    fn unread(&self) -> &[Unread];
    /// Each question: the words it is about, and what it asks.
    fn asked(&self) -> Vec<(&str, &str)>;
}

/// The two readings have the same parts under the same names.
macro_rules! line_reading {
    ($reading:ty) => {
        impl LineReading for $reading {
            fn read_count(&self) -> usize {
                self.items.len()
            }
            fn unread(&self) -> &[Unread] {
                &self.unread
            }
            fn asked(&self) -> Vec<(&str, &str)> {
                let questions = self.questions.iter();
                questions
                    .map(|q| (q.text.as_str(), q.ask.as_str()))
                    .collect()
            }
        }
    };
}

line_reading!(reader::Reading);
line_reading!(reader::InterventionReading);

/// Refuses a line in which nothing was read, quoting each part left and why; otherwise
/// gives its questions as they are said back: "which side of the calf? (calf pain)".
fn refuse_unread(
    entry: &str,
    what: &'static str,
    reading: &impl LineReading,
) -> Result<Vec<String>, NotebookError> {
    let asked = reading.asked();
    if reading.read_count() > 0 {
        return Ok(asked
            .iter()
            .map(|(text, ask)| format!("{ask} ({text})"))
            .collect());
    }
    let why = reading
        .unread()
        .iter()
        .map(|u| format!("`{}`: {}", u.text, u.why))
        .chain(asked.iter().map(|(text, ask)| format!("`{text}`: {ask}")))
        .collect();
    Err(NotebookError::NothingRead {
        entry: entry.to_owned(),
        what,
        why,
    })
}

/// Charts `kind` at a region and side picked on the body chart.
pub fn chart_at(
    store: &mut Store,
    by: &Actor,
    visit: VisitId,
    place: (&RegionCode, Side),
    kind: &str,
) -> Result<FindingId, NotebookError> {
    let (region, side) = place;
    let finding = Finding {
        visit_id: visit,
        ..Finding::new(kind, Some(region.as_str()), side)
    };
    Ok(store.add_finding(by, &finding)?)
}

/// Carries the last visit's open findings into a new one, each marked until the clinician
/// confirms it is still there today.
pub fn carry_over(
    store: &mut Store,
    by: &Actor,
    visit: VisitId,
    open: Vec<Finding>,
) -> Result<Vec<FindingId>, NotebookError> {
    let carried: Vec<Finding> = open
        .into_iter()
        .map(|finding| Finding {
            id: FindingId::default(),
            visit_id: visit,
            carried_over: true,
            ..finding
        })
        .collect();
    Ok(store.add_findings(by, &carried)?)
}

/// Every carried-over finding of the visit is still present today: the marks go.
pub fn confirm_carried_over(
    store: &mut Store,
    by: &Actor,
    visit: VisitId,
) -> Result<(), NotebookError> {
    let carried = findings_at(store, visit)?
        .into_iter()
        .filter(|finding| finding.carried_over);
    for finding in carried {
        let confirmed = Finding {
            carried_over: false,
            ..finding
        };
        store.update_finding(by, &confirmed)?;
    }
    Ok(())
}

/// What is charted at a visit now.
fn findings_at(store: &Store, visit: VisitId) -> Result<Vec<Finding>, NotebookError> {
    let patient = store.visit(visit)?.patient_id;
    Ok(store
        .timeline(patient)?
        .into_iter()
        .filter(|record| record.visit.id == visit)
        .flat_map(|record| record.findings)
        .collect())
}
