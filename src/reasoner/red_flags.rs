//! Red flags: patterns of findings, age and history that mean "stop, refer out". They are
//! matched before and apart from any scoring, so no score can hide them.

use std::collections::BTreeSet;

use crate::model::{Finding, Presence, Side};

use super::knowledge::{Condition, KnowledgeBase, Pattern, RedFlag, Urgency};
use super::{Case, RaisedFlag};

/// Every red flag the case raises, most urgent first.
pub fn raised(kb: &KnowledgeBase, case: &Case) -> Vec<RaisedFlag> {
    let mut raised: Vec<RaisedFlag> = kb
        .red_flags
        .iter()
        .filter_map(|flag| {
            let (findings, urgency) = matched_findings(kb, flag, case)?;
            Some(RaisedFlag {
                id: flag.id.clone(),
                title: flag.title.clone(),
                urgency,
                refer_to: flag.refer_to.clone(),
                avoid: flag.avoid.clone(),
                why: flag.why.clone(),
                findings,
                citations: flag.citations.clone(),
            })
        })
        .collect();
    // A pattern's own urgency can move a flag ahead of its place in the knowledge base.
    raised.sort_by_key(|flag| flag.urgency);
    raised
}

/// The findings behind every one of the flag's patterns that matches, and the most
/// urgent of those patterns' urgencies (a pattern without its own takes the flag's).
fn matched_findings(
    kb: &KnowledgeBase,
    flag: &RedFlag,
    case: &Case,
) -> Option<(Vec<usize>, Urgency)> {
    let mut all = BTreeSet::new();
    let mut urgency: Option<Urgency> = None;
    for pattern in &flag.patterns {
        if let Some(found) = match_pattern(kb, pattern, case) {
            all.extend(found);
            let this = pattern.urgency.unwrap_or(flag.urgency);
            urgency = Some(urgency.map_or(this, |u| u.min(this)));
        }
    }
    let urgency = urgency?;
    (!all.is_empty()).then(|| (all.into_iter().collect(), urgency))
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
    if !detail_fits(condition, finding) {
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

/// The finding's charted detail fits the condition's onset, course, provocation and
/// easing, where the condition names any: a finding without that detail charted does not.
fn detail_fits(condition: &Condition, finding: &Finding) -> bool {
    fn one_of<T: PartialEq>(wanted: &[T], got: Option<T>) -> bool {
        wanted.is_empty() || got.is_some_and(|got| wanted.contains(&got))
    }
    let detail = &finding.detail;
    let any_of = |wanted: &[crate::model::Activity], got: &[crate::model::Activity]| {
        wanted.is_empty() || got.iter().any(|activity| wanted.contains(activity))
    };
    one_of(&condition.onset, detail.onset)
        && one_of(&condition.course, detail.course)
        && any_of(&condition.provoked_by, &detail.provoked_by)
        && any_of(&condition.eased_by, &detail.eased_by)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activity, Onset, Sex, Vocabulary};
    use crate::reasoner::knowledge::KnowledgeFiles;

    const FLAGS: &str = r#"{"red_flags": [{
        "id": "rf_test", "title": "Test", "urgency": "same_day", "refer_to": "GP",
        "avoid": [], "why": "test", "citations": ["test"],
        "patterns": [
          {"all": [{"kinds": ["pain"], "regions": ["jaw_tmj"],
                    "provoked_by": ["exertion", "walking"], "eased_by": ["rest"]}]},
          {"all": [{"kinds": ["weakness"], "regions": ["upper_limb"], "onset": ["sudden"]}],
           "urgency": "emergency"}
        ]}]}"#;

    fn kb() -> KnowledgeBase {
        let mut files = KnowledgeFiles::builtin();
        files.red_flags = ("test_flags.json", FLAGS);
        KnowledgeBase::load(Vocabulary::builtin().clone(), &files)
            .unwrap_or_else(|error| panic!("the test flags do not load: {error}"))
    }

    fn case(findings: Vec<Finding>) -> Case {
        Case {
            age: Some(60),
            sex: Sex::Male,
            history: vec![],
            history_kept: vec![],
            findings,
        }
    }

    #[test]
    fn a_condition_tests_the_findings_onset_provocation_and_easing_and_a_pattern_its_urgency() {
        let kb = kb();
        // Jaw pain with nothing charted of what brings it on raises nothing.
        let jaw = Finding::new("pain", Some("jaw_tmj"), Side::Left);
        assert!(raised(&kb, &case(vec![jaw.clone()])).is_empty());
        // On exertion but not charted as eased by rest: still nothing.
        let mut exertional = jaw.clone();
        exertional.detail.provoked_by = vec![Activity::Exertion];
        assert!(raised(&kb, &case(vec![exertional.clone()])).is_empty());
        // On exertion and eased by rest: the flag at its own urgency.
        exertional.detail.eased_by = vec![Activity::Rest, Activity::Sitting];
        let flags = raised(&kb, &case(vec![exertional.clone()]));
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].urgency, Urgency::SameDay);
        // Weakness of gradual onset does not fit the sudden-onset pattern.
        let mut weak = Finding::new("weakness", Some("hand"), Side::Right);
        weak.detail.onset = Some(Onset::Gradual);
        assert!(raised(&kb, &case(vec![weak.clone()])).is_empty());
        // Sudden weakness raises the flag at that pattern's urgency, the most urgent of
        // the patterns that match, with the findings of both.
        weak.detail.onset = Some(Onset::Sudden);
        let flags = raised(&kb, &case(vec![exertional, weak]));
        assert_eq!(flags[0].urgency, Urgency::Emergency);
        assert_eq!(flags[0].findings, vec![0, 1]);
    }

    #[test]
    fn a_detail_the_format_does_not_know_is_refused() {
        let bad = FLAGS.replace("\"exertion\", \"walking\"", "\"exertion\", \"jogging\"");
        let mut files = KnowledgeFiles::builtin();
        files.red_flags = ("test_flags.json", &bad);
        assert!(KnowledgeBase::load(Vocabulary::builtin().clone(), &files).is_err());
    }
}
