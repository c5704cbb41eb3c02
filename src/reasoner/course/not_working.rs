//! Local treatment that is not working: a symptom treated at its own region at
//! `LOCAL_VISITS` visits or more without a real improvement, and the leading sources for
//! it that nothing has treated yet.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Presence;
use crate::model::series::SymptomKey;
use crate::reasoner::Case;

use super::{
    Insight, InsightKind, LOCAL_VISITS, NAMED_SOURCES, REAL_CHANGE, Reading, RemoteSource, Span,
    day_text, side_text, sides_meet,
};

impl Reading<'_, '_> {
    /// Local treatment at `LOCAL_VISITS` visits or more and the symptom no better, by a real
    /// change, than when it began: it holds at each rating after that until a real
    /// improvement, a long gap, or the end. Once the symptom has eased by a real change it
    /// has answered to treatment, and a slower tail of recovery is not a failure: a new
    /// run starts only after it flares up again by a real change, or after a long gap.
    pub(super) fn not_working(&self, span: &Span) -> Vec<Insight> {
        let mut insights = Vec::new();
        let mut run: Option<Run> = None;
        let mut last_reading: Option<u8> = None;
        // The lowest rating since the symptom last eased by a real change.
        let mut eased_to: Option<u8> = None;
        let readings: BTreeMap<usize, u8> = span.points.iter().copied().collect();
        let end = span.start + span.aimed.len();
        for visit in span.start..end {
            if self.gap_before(visit) && visit > span.start {
                insights.extend(run.take().and_then(|r| self.not_working_insight(span, r)));
                last_reading = None;
                eased_to = None;
            }
            let reading = readings.get(&visit).copied();
            if let Some(r) = reading {
                eased_to = match eased_to {
                    Some(low) if r >= low + REAL_CHANGE => None,
                    Some(low) => Some(low.min(r)),
                    None => None,
                };
            }
            if let (Some(r), Some(current)) = (reading, run.as_mut()) {
                if r + REAL_CHANGE <= current.baseline {
                    insights.extend(run.take().and_then(|r| self.not_working_insight(span, r)));
                    eased_to = Some(r);
                } else if current.treated >= LOCAL_VISITS {
                    let first = current.held.as_ref().map_or(visit, |h| h.first);
                    current.held = Some(Held {
                        first,
                        last: visit,
                        now: r,
                        treated: current.treated,
                        local: current.local.iter().cloned().collect(),
                    });
                }
            }
            last_reading = reading.or(last_reading);
            if span.locally_treated(visit) {
                if run.is_none()
                    && eased_to.is_none()
                    && let Some(baseline) = last_reading
                {
                    run = Some(Run {
                        baseline,
                        treated: 0,
                        local: BTreeSet::new(),
                        held: None,
                    });
                }
                if let Some(current) = run.as_mut() {
                    current.treated += 1;
                    let (local, _) = &span.aimed[visit - span.start];
                    current.local.extend(local.iter().map(|t| t.text.clone()));
                }
            }
        }
        insights.extend(run.and_then(|r| self.not_working_insight(span, r)));
        insights
    }

    fn not_working_insight(&self, span: &Span, run: Run) -> Option<Insight> {
        let held = run.held?;
        let untreated = self.untreated_sources(&span.key, held.last);
        let names: Vec<String> = untreated
            .iter()
            .map(|source| format!("{}{}", source.name, side_text(source.side)))
            .collect();
        let details = vec![if names.is_empty() {
            "No untreated source in the knowledge base explains it; reconsider the picture."
                .to_owned()
        } else {
            format!("Not yet treated: {}", names.join("; "))
        }];
        let mut more = vec![format!("Local treatment: {}", held.local.join("; "))];
        for source in &untreated {
            more.push(format!("Check {}: {}", source.name, source.check));
        }
        // The first citation of each: the hypotheses list every one.
        let citations = untreated
            .iter()
            .filter_map(|s| self.reasoner.knowledge().source(&s.id))
            .filter_map(|s| s.citations.first().cloned())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        Some(Insight {
            first_held: self.marks[held.first],
            last_held: self.marks[held.last],
            headline: format!(
                "{}: treated locally at {} visits without a real change ({}/10 when it began, {}/10 on {})",
                span.label,
                held.treated,
                run.baseline,
                held.now,
                day_text(self.marks[held.last].date)
            ),
            details,
            more,
            kind: InsightKind::LocalTreatmentNotWorking {
                symptom: span.key.clone(),
                label: span.label.clone(),
                treated_visits: held.treated,
                from: run.baseline,
                now: held.now,
                local: held.local,
                untreated_sources: untreated,
            },
            citations,
        })
    }

    /// The leading sources of a symptom at a visit, by the reasoner's reading of that
    /// visit, that no treatment before it reached on the symptom's side.
    fn untreated_sources(&self, symptom: &SymptomKey, visit: usize) -> Vec<RemoteSource> {
        let record = &self.timeline[visit];
        let Some(index) = record
            .findings
            .iter()
            .position(|f| f.presence == Presence::Present && &SymptomKey::of(f) == symptom)
        else {
            return Vec::new();
        };
        let treated: BTreeSet<&str> = (0..visit)
            .flat_map(|v| self.timeline[v].interventions.iter().zip(&self.given[v]))
            .filter(|(intervention, _)| sides_meet(intervention.side, symptom.side))
            .flat_map(|(_, (_, sources))| sources.iter().map(|s| s.id.as_str()))
            .collect();
        let case = Case {
            findings: record.findings.clone(),
            ..Case::default()
        };
        self.reasoner
            .rank(&case)
            .into_iter()
            .filter(|h| h.explains.iter().any(|e| e.finding == index))
            .filter(|h| !treated.contains(h.id.as_str()))
            .take(NAMED_SOURCES)
            .map(|h| RemoteSource {
                id: h.id,
                name: h.name,
                side: h.side,
                check: h.check,
            })
            .collect()
    }
}

/// Local treatment of a symptom since it began, while no real improvement came.
struct Run {
    /// The intensity when local treatment began.
    baseline: u8,
    /// Visits with local treatment so far.
    treated: usize,
    local: BTreeSet<String>,
    held: Option<Held>,
}

/// Where a not-working insight held, and what it said at the last visit it did.
struct Held {
    first: usize,
    last: usize,
    now: u8,
    treated: usize,
    local: Vec<String>,
}
