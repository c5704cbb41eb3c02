//! Warning signs that build up: for each source with signs in warning_signs.json, on each
//! side, the visits where enough of its signs were seen within its window of days, each
//! sign with the visit where it first appeared, and what is at risk.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::model::{KindCode, Presence, RegionCode, Side};
use crate::reasoner::knowledge::{Source, SourceLaterality, WarningSigns};

use super::{Insight, InsightKind, Reading, SignSeen, day_text, side_text, sides_meet};

/// A charted kind at a region.
type Charted<'a> = (&'a KindCode, Option<&'a RegionCode>);

impl Reading<'_, '_> {
    /// For each source with warning signs in the knowledge base, on each side: the visits
    /// where at least `min_signs` of its signs were seen within `window_days`.
    pub(super) fn warning_signs(&self) -> Vec<Insight> {
        let kb = self.reasoner.knowledge();
        // Which (warning set, sign) each present finding is, with its side, visit by
        // visit; the same kind at the same region is worked out once.
        let mut signs_of: HashMap<Charted<'_>, Vec<(usize, usize)>> = HashMap::new();
        let mut at_visit: Vec<Vec<(Side, usize, usize)>> = Vec::with_capacity(self.timeline.len());
        for record in self.timeline {
            let mut signs = Vec::new();
            for finding in &record.findings {
                if finding.presence != Presence::Present {
                    continue;
                }
                let key = (&finding.kind, finding.region.as_ref());
                let matched = signs_of
                    .entry(key)
                    .or_insert_with(|| self.signs_matching(key.0, key.1));
                signs.extend(matched.iter().map(|&(set, sign)| (finding.side, set, sign)));
            }
            at_visit.push(signs);
        }
        let mut insights = Vec::new();
        for (w, entry) in kb.warning_signs.iter().enumerate() {
            let Some(source) = kb.source(&entry.source) else {
                continue;
            };
            let sides: &[Side] = if source.laterality == SourceLaterality::Ipsilateral {
                &[Side::Left, Side::Right]
            } else {
                &[Side::None]
            };
            let mut found = Vec::new();
            for &side in sides {
                // The visits where each sign was seen on this side.
                let mut seen: Vec<Vec<usize>> = vec![Vec::new(); entry.signs.len()];
                let mut held: Option<(usize, usize, NaiveDate)> = None;
                for (visit, signs) in at_visit.iter().enumerate() {
                    for &(finding_side, set, sign) in signs {
                        if set != w || !(side == Side::None || sides_meet(finding_side, side)) {
                            continue;
                        }
                        if seen[sign].last() != Some(&visit) {
                            seen[sign].push(visit);
                        }
                    }
                    let from = self.marks[visit].date
                        - chrono::TimeDelta::days(i64::from(entry.window_days));
                    let count = seen
                        .iter()
                        .filter(|s| s.last().is_some_and(|&v| self.marks[v].date >= from))
                        .count();
                    if count >= entry.min_signs {
                        let first = held.map_or((visit, from), |h| (h.0, h.2));
                        held = Some((first.0, visit, first.1));
                    } else if let Some(h) = held.take() {
                        found.push(self.warning_insight(entry, source, side, &seen, h));
                    }
                }
                if let Some(h) = held {
                    found.push(self.warning_insight(entry, source, side, &seen, h));
                }
            }
            insights.extend(merge_sides(found));
        }
        insights
    }

    fn signs_matching(&self, kind: &KindCode, region: Option<&RegionCode>) -> Vec<(usize, usize)> {
        let Some(region) = region else {
            return Vec::new();
        };
        let kb = self.reasoner.knowledge();
        let mut matched = Vec::new();
        for (w, entry) in kb.warning_signs.iter().enumerate() {
            for (s, sign) in entry.signs.iter().enumerate() {
                if sign.kinds.contains(kind)
                    && sign
                        .regions
                        .iter()
                        .any(|zone| self.vocabulary.region_within(region, zone))
                {
                    matched.push((w, s));
                }
            }
        }
        matched
    }

    fn warning_insight(
        &self,
        entry: &WarningSigns,
        source: &Source,
        side: Side,
        seen: &[Vec<usize>],
        (first, last, from): (usize, usize, NaiveDate),
    ) -> Insight {
        let signs: Vec<SignSeen> = entry
            .signs
            .iter()
            .zip(seen)
            .filter_map(|(sign, visits)| {
                let visit = visits
                    .iter()
                    .find(|&&v| v <= last && self.marks[v].date >= from)?;
                Some(SignSeen {
                    name: sign.name.clone(),
                    first: self.marks[*visit],
                })
            })
            .collect();
        let details: Vec<String> = signs
            .iter()
            .map(|s| format!("{}: first seen {}", s.name, day_text(s.first.date)))
            .collect();
        let more = vec![
            format!("Why: {}", entry.why),
            format!("Check {}: {}", source.name, source.check),
        ];
        Insight {
            first_held: self.marks[first],
            last_held: self.marks[last],
            headline: warning_headline(entry, source, side, &signs),
            details,
            more,
            kind: InsightKind::WarningSigns {
                source: source.id.clone(),
                source_name: source.name.clone(),
                side,
                signs,
                min_signs: entry.min_signs,
                window_days: entry.window_days,
                at_risk: entry.at_risk.clone(),
            },
            citations: entry.citations.clone(),
        }
    }
}

fn warning_headline(
    entry: &WarningSigns,
    source: &Source,
    side: Side,
    signs: &[SignSeen],
) -> String {
    let since = signs
        .iter()
        .map(|s| s.first.date)
        .min()
        .map(|d| format!(" since {}", day_text(d)))
        .unwrap_or_default();
    format!(
        "{}{}: {} of its {} warning signs seen{since}; at risk: {}",
        source.name,
        side_text(side),
        signs.len(),
        entry.signs.len(),
        entry.at_risk
    )
}

/// The same signs on both sides, from bilateral or midline findings, are one insight about
/// both sides, not two.
fn merge_sides(found: Vec<Insight>) -> Vec<Insight> {
    let mut merged: Vec<Insight> = Vec::new();
    for insight in found {
        let twin = merged.iter_mut().find(|m| {
            m.first_held == insight.first_held
                && m.last_held == insight.last_held
                && match (&m.kind, &insight.kind) {
                    (
                        InsightKind::WarningSigns { signs: a, .. },
                        InsightKind::WarningSigns { signs: b, .. },
                    ) => a == b,
                    _ => false,
                }
        });
        match twin {
            Some(twin) => {
                if let InsightKind::WarningSigns { side, .. } = &mut twin.kind {
                    *side = Side::Bilateral;
                }
                twin.headline =
                    twin.headline
                        .replacen(side_text(Side::Left), side_text(Side::Bilateral), 1);
            }
            None => merged.push(insight),
        }
    }
    merged
}
