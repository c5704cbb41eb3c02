//! Red flags: patterns of findings, age and history that mean "stop, refer out". They are
//! matched before and apart from any scoring, so no score can hide them.

use std::collections::BTreeSet;

use crate::model::{Finding, Presence, Side};

use super::knowledge::{Condition, KnowledgeBase, Pattern, RedFlag};
use super::{Case, RaisedFlag};

/// Every red flag the case raises, most urgent first.
pub fn raised(kb: &KnowledgeBase, case: &Case) -> Vec<RaisedFlag> {
    kb.red_flags
        .iter()
        .filter_map(|flag| {
            let findings = matched_findings(kb, flag, case)?;
            Some(RaisedFlag {
                id: flag.id.clone(),
                title: flag.title.clone(),
                urgency: flag.urgency,
                refer_to: flag.refer_to.clone(),
                avoid: flag.avoid.clone(),
                why: flag.why.clone(),
                findings,
                citations: flag.citations.clone(),
            })
        })
        .collect()
}

/// The findings behind the first of the flag's patterns that matches.
fn matched_findings(kb: &KnowledgeBase, flag: &RedFlag, case: &Case) -> Option<Vec<usize>> {
    let mut all = BTreeSet::new();
    for pattern in &flag.patterns {
        if let Some(found) = match_pattern(kb, pattern, case) {
            all.extend(found);
        }
    }
    (!all.is_empty()).then(|| all.into_iter().collect())
}

fn patient_fits(pattern: &Pattern, case: &Case) -> bool {
    // An unknown age does not rule a flag out: missing a red flag costs more.
    let age_fits = case.age.is_none_or(|age| {
        pattern.age_min.is_none_or(|min| age >= min) && pattern.age_max.is_none_or(|max| age <= max)
    });
    let sex_fits = pattern.sex.is_none_or(|sex| sex == case.sex);
    let history_fits = pattern.history_any.is_empty()
        || pattern
            .history_any
            .iter()
            .any(|flag| case.history.contains(flag));
    age_fits && sex_fits && history_fits
}

fn condition_matches(kb: &KnowledgeBase, condition: &Condition, finding: &Finding) -> bool {
    if finding.presence != Presence::Present || !condition.kinds.contains(&finding.kind) {
        return false;
    }
    if condition.regions.is_empty() {
        return true;
    }
    let Some(region) = &finding.region else {
        return false;
    };
    let vocabulary = &kb.vocabulary;
    condition.regions.iter().any(|zone| {
        vocabulary.region_within(region, zone) || vocabulary.region_within(zone, region)
    })
}

fn match_pattern(kb: &KnowledgeBase, pattern: &Pattern, case: &Case) -> Option<Vec<usize>> {
    if !patient_fits(pattern, case) {
        return None;
    }
    let sides: &[Option<Side>] = if pattern.same_side {
        &[Some(Side::Left), Some(Side::Right), Some(Side::Midline)]
    } else {
        &[None]
    };
    sides
        .iter()
        .find_map(|side| match_on_side(kb, pattern, case, *side))
}

fn match_on_side(
    kb: &KnowledgeBase,
    pattern: &Pattern,
    case: &Case,
    side: Option<Side>,
) -> Option<Vec<usize>> {
    let on_side = |finding: &Finding| match side {
        None => true,
        Some(side) => {
            finding.side == side
                || matches!(finding.side, Side::Bilateral | Side::None)
                || (finding.side == Side::Midline && side == Side::Midline)
        }
    };
    let matching = |condition: &Condition| -> Vec<usize> {
        case.findings
            .iter()
            .enumerate()
            .filter(|(_, f)| on_side(f) && condition_matches(kb, condition, f))
            .map(|(i, _)| i)
            .collect()
    };
    let mut used = BTreeSet::new();
    for condition in &pattern.all {
        let found = matching(condition);
        if found.is_empty() {
            return None;
        }
        used.extend(found);
    }
    let required = pattern
        .min_any
        .unwrap_or(if pattern.any.is_empty() { 0 } else { 1 });
    let mut satisfied = 0;
    for condition in &pattern.any {
        let found = matching(condition);
        if !found.is_empty() {
            satisfied += 1;
            used.extend(found);
        }
    }
    (satisfied >= required && !used.is_empty()).then(|| used.into_iter().collect())
}
