//! Local treatment that is not working: a symptom treated at its own region at
//! the visits of `course.json` or more without a real improvement, and the leading sources for
//! it that nothing has treated yet.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Presence;
use crate::model::series::SymptomKey;

use super::{
    Insight, InsightKind, Reading, RemoteSource, Span, day_text, local_visits, named_sources,
    real_change, side_text,
};

impl Reading<'_, '_> {
    /// Local treatment at the visits of `course.json` or more and the symptom no better, by a real
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
                    Some(low) if r >= low + real_change() => None,
                    Some(low) => Some(low.min(r)),
                    None => None,
                };
            }
            if let (Some(r), Some(current)) = (reading, run.as_mut()) {
                if r + real_change() <= current.baseline {
                    insights.extend(run.take().and_then(|r| self.not_working_insight(span, r)));
                    eased_to = Some(r);
                } else if current.treated >= local_visits() {
                    let first = current.held.as_ref().map_or(visit, |h| h.first);
                    current.held = Some(Held {
                        first,
                        last: visit,
                        now: r,
                        treated: current.treated,
                        local: current.local.len(),
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
                        local: Vec::new(),
                        held: None,
                    });
                }
                if let Some(current) = run.as_mut() {
                    current.treated += 1;
                    for position in span.local_at(visit) {
                        let text = self.text(visit, position);
                        if !current.local.iter().any(|known| known == text) {
                            current.local.push(text.to_owned());
                        }
                    }
                }
            }
        }
        insights.extend(run.and_then(|r| self.not_working_insight(span, r)));
        insights
    }

    fn not_working_insight(&self, span: &Span, mut run: Run) -> Option<Insight> {
        let held = run.held?;
        // What had been given locally by the last visit it held, in a stable order.
        run.local.truncate(held.local);
        run.local.sort();
        let local = run.local;
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
        let mut more = vec![format!("Local treatment: {}", local.join("; "))];
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
                local,
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
        self.ranked(visit, index)
            .iter()
            .filter(|(source, _)| !self.treated_before(source, visit, symptom.side))
            .take(named_sources())
            .map(|(source, side)| RemoteSource {
                id: source.id.clone(),
                name: source.name.clone(),
                side: *side,
                check: source.check.clone(),
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
    /// What was given locally, in the order first given.
    local: Vec<String>,
    held: Option<Held>,
}

/// Where a not-working insight held, and what it said at the last visit it did.
struct Held {
    first: usize,
    last: usize,
    now: u8,
    treated: usize,
    /// How many of the run's local treatments had been given by then.
    local: usize,
}
