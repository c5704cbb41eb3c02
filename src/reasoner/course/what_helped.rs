//! What helped: for a symptom that eased by a real change from its peak, the treatment
//! given just before, and the treatment given before that without a real change.

use std::collections::BTreeSet;

use super::{Given, Insight, InsightKind, Reading, Span, day_text, episode_gap_days, real_change};

impl Reading<'_, '_> {
    /// Each real improvement of a symptom from its peak, with the treatment aimed at it
    /// just before (from the last visit it was still at its peak) and the treatment given
    /// before that without a real change.
    pub(super) fn what_helped(&self, span: &Span) -> Vec<Insight> {
        enum State {
            /// Still at or near its peak since `start`; last near it at `plateau`.
            Tracking {
                peak: u8,
                start: usize,
                plateau: usize,
            },
            /// Eased at `at`, to `low` at best since.
            Eased { insight: Option<usize>, low: u8 },
        }
        let mut insights: Vec<Insight> = Vec::new();
        let mut state: Option<State> = None;
        let mut previous: Option<usize> = None;
        for &(visit, r) in &span.points {
            let gap = previous.is_some_and(|p| {
                (self.marks[visit].date - self.marks[p].date).num_days() > episode_gap_days()
            });
            previous = Some(visit);
            let tracking = State::Tracking {
                peak: r,
                start: visit,
                plateau: visit,
            };
            state = Some(match state.take() {
                None => tracking,
                Some(_) if gap => tracking,
                Some(State::Tracking {
                    peak,
                    start,
                    plateau,
                }) => {
                    if r + real_change() <= peak {
                        let insight = self.helped_insight(span, (start, plateau, visit), peak, r);
                        let at = insight.map(|i| {
                            insights.push(i);
                            insights.len() - 1
                        });
                        State::Eased {
                            insight: at,
                            low: r,
                        }
                    } else {
                        let peak = peak.max(r);
                        let plateau = if r + 1 >= peak { visit } else { plateau };
                        State::Tracking {
                            peak,
                            start,
                            plateau,
                        }
                    }
                }
                Some(State::Eased { insight, low }) => {
                    if r >= low + real_change() {
                        tracking
                    } else {
                        if let Some(i) = insight.and_then(|i| insights.get_mut(i)) {
                            i.last_held = self.marks[visit];
                            if let InsightKind::WhatHelped { now, .. } = &mut i.kind {
                                *now = r;
                            }
                        }
                        State::Eased {
                            insight,
                            low: low.min(r),
                        }
                    }
                }
            });
        }
        // Where each stands at the last visit it held, said once at the end.
        for insight in &mut insights {
            if let InsightKind::WhatHelped { now, .. } = insight.kind {
                let status = if now == 0 {
                    "Now gone".to_owned()
                } else {
                    format!("Now {now}/10")
                };
                insight
                    .details
                    .push(format!("{status} ({}).", day_text(insight.last_held.date)));
            }
        }
        insights
    }

    fn helped_insight(
        &self,
        span: &Span,
        (start, plateau, eased): (usize, usize, usize),
        peak: u8,
        to: u8,
    ) -> Option<Insight> {
        let group = |visits: std::ops::Range<usize>| -> Vec<Given> {
            let mut given: Vec<Given> = Vec::new();
            for visit in visits {
                let mark = self.marks[visit];
                for position in span.aimed_at(visit) {
                    let text = self.text(visit, position);
                    match given.iter_mut().find(|g| g.text == text) {
                        Some(g) if g.visits.last() != Some(&mark) => g.visits.push(mark),
                        Some(_) => {}
                        None => given.push(Given {
                            text: text.to_owned(),
                            visits: vec![mark],
                        }),
                    }
                }
            }
            given
        };
        let helped = group(plateau..eased);
        if helped.is_empty() {
            return None;
        }
        let mut without_change = group(start..plateau);
        without_change.retain(|w| !helped.iter().any(|h| h.text == w.text));
        let dates = |g: &Given| {
            g.visits
                .iter()
                .map(|m| day_text(m.date))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let more: Vec<String> = helped
            .iter()
            .map(|g| format!("Given just before: {} ({})", g.text, dates(g)))
            .collect();
        let mut details = Vec::new();
        if !without_change.is_empty() {
            let list: Vec<String> = without_change
                .iter()
                .map(|g| {
                    let count = g.visits.len();
                    format!(
                        "{} ({count} visit{})",
                        g.text,
                        if count == 1 { "" } else { "s" }
                    )
                })
                .collect();
            details.push(format!("Not after: {}", list.join("; ")));
        }
        let names: BTreeSet<&str> = helped.iter().map(|g| g.text.as_str()).collect();
        Some(Insight {
            first_held: self.marks[eased],
            last_held: self.marks[eased],
            headline: format!(
                "{} eased from {peak}/10 to {to}/10 by {} after: {}",
                span.label,
                day_text(self.marks[eased].date),
                names.into_iter().collect::<Vec<_>>().join("; ")
            ),
            details,
            more,
            kind: InsightKind::WhatHelped {
                symptom: span.key.clone(),
                label: span.label.clone(),
                from: peak,
                to,
                now: to,
                helped,
                without_change,
            },
            citations: Vec::new(),
        })
    }
}
