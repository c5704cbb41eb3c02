//! Red flags: patterns of findings, age and history that mean "stop, refer out", and
//! weighted criteria (a rule's points, raised at its threshold). They are matched before
//! and apart from the hypotheses' scoring, so no score can hide them. A flag not raised but
//! worth settling (some features present, held back by contrary evidence, or waiting on an
//! unknown age) is "to screen", with the questions and exams that would settle it.

use std::collections::BTreeSet;

use crate::model::{Finding, Presence, Side};

use super::knowledge::{Condition, KnowledgeBase, Pattern, RedFlag, Urgency};
use super::{Case, FlagToScreen, RaisedFlag};

/// What to ask when a flag depends on an age the record does not hold.
pub const ASK_AGE: &str = "Record the patient's age: this flag depends on it";

/// Every red flag the case raises, and the flags it does not raise but should settle (some
/// of their features are present, or contrary evidence or an unknown age held them back):
/// each flag read once, each list most urgent first.
pub fn raised_and_to_screen(
    kb: &KnowledgeBase,
    case: &Case,
) -> (Vec<RaisedFlag>, Vec<FlagToScreen>) {
    let mut raised: Vec<RaisedFlag> = Vec::new();
    let mut screen: Vec<FlagToScreen> = Vec::new();
    for flag in &kb.red_flags {
        match read_flag(kb, flag, case) {
            Reading::Raised {
                findings,
                urgency,
                against,
            } => raised.push(RaisedFlag {
                id: flag.id.clone(),
                title: flag.title.clone(),
                urgency,
                refer_to: flag.refer_to.clone(),
                avoid: flag.avoid.clone(),
                why: flag.why.clone(),
                findings,
                against,
                citations: flag.citations.clone(),
            }),
            Reading::ToScreen {
                findings,
                against,
                urgency,
                age_unknown,
            } => {
                let mut ask: Vec<String> = Vec::new();
                if age_unknown {
                    ask.push(ASK_AGE.to_owned());
                }
                ask.extend(flag.screen.iter().flat_map(|s| s.ask.iter().cloned()));
                screen.push(FlagToScreen {
                    answers: answers(kb, flag, case),
                    id: flag.id.clone(),
                    title: flag.title.clone(),
                    urgency,
                    refer_to: flag.refer_to.clone(),
                    avoid: flag.avoid.clone(),
                    findings,
                    against,
                    ask,
                    citations: flag.citations.clone(),
                });
            }
            Reading::Quiet => {}
        }
    }
    // A pattern's own urgency can move a flag ahead of its place in the knowledge base.
    raised.sort_by_key(|flag| flag.urgency);
    screen.sort_by_key(|flag| flag.urgency);
    (raised, screen)
}

/// Where one flag stands on a case, as the course reads it again at earlier visits: only
/// whether it is raised, to screen with nothing against it, or to screen and answered by
/// contrary evidence. Reading one flag, not every flag, keeps a long record's walk back
/// cheap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    Raised,
    /// To screen, and nothing examined and charted argues against it.
    Open,
    /// To screen, with contrary evidence charted: answered, in part at least.
    Answered,
    Quiet,
}

/// Where `flag` stands on `case`; the same reading `raised_and_to_screen` makes of it.
pub(crate) fn standing(kb: &KnowledgeBase, flag: &RedFlag, case: &Case) -> Standing {
    match read_flag(kb, flag, case) {
        Reading::Raised { .. } => Standing::Raised,
        Reading::ToScreen { against, .. } if against.is_empty() => Standing::Open,
        Reading::ToScreen { .. } => Standing::Answered,
        Reading::Quiet => Standing::Quiet,
    }
}

/// Where one flag stands on a case.
enum Reading {
    Raised {
        findings: Vec<usize>,
        urgency: Urgency,
        against: Vec<usize>,
    },
    ToScreen {
        findings: Vec<usize>,
        against: Vec<usize>,
        /// The urgency it would carry if the screen confirmed it.
        urgency: Urgency,
        age_unknown: bool,
    },
    Quiet,
}

/// How a pattern stands on a case.
enum Match {
    /// It holds, with the findings behind it (none for one of history alone).
    Holds(Vec<usize>),
    /// It would hold, but contrary evidence (these findings) holds it back.
    Countered(Vec<usize>, Vec<usize>),
    /// It would hold if the patient's unknown age fitted.
    AgeUnknown(Vec<usize>),
    No,
}

fn read_flag(kb: &KnowledgeBase, flag: &RedFlag, case: &Case) -> Reading {
    let mut raised = BTreeSet::new();
    let mut urgency: Option<Urgency> = None;
    let mut prompted = BTreeSet::new();
    let mut against: BTreeSet<usize> = examined_absent(flag, case).collect();
    let mut age_unknown = false;
    let mut screen_urgency = flag.urgency;
    for pattern in &flag.patterns {
        let this = pattern.urgency.unwrap_or(flag.urgency);
        match match_pattern(kb, pattern, case) {
            Match::Holds(found) if !found.is_empty() => {
                raised.extend(found);
                urgency = Some(urgency.map_or(this, |u| u.min(this)));
            }
            Match::Countered(found, contrary) => {
                prompted.extend(found);
                against.extend(contrary);
                screen_urgency = screen_urgency.min(this);
            }
            Match::AgeUnknown(found) if !found.is_empty() => {
                prompted.extend(found);
                age_unknown = true;
                screen_urgency = screen_urgency.min(this);
            }
            _ => {}
        }
    }
    if let Some(score) = &flag.score {
        let mut points = 0.0;
        let mut scored = BTreeSet::new();
        for feature in &score.features {
            match match_pattern(kb, &feature.when, case) {
                Match::Holds(found) => {
                    points += feature.points;
                    if feature.points > 0.0 {
                        scored.extend(found);
                    } else {
                        against.extend(found);
                    }
                }
                Match::AgeUnknown(found) if feature.points > 0.0 => {
                    prompted.extend(found);
                    age_unknown = true;
                }
                _ => {}
            }
        }
        if points >= score.raise_at && !scored.is_empty() {
            raised.extend(scored);
            urgency = Some(urgency.map_or(flag.urgency, |u| u.min(flag.urgency)));
        } else {
            prompted.extend(scored);
        }
    }
    if let Some(urgency) = urgency.filter(|_| !raised.is_empty()) {
        return Reading::Raised {
            findings: raised.into_iter().collect(),
            urgency,
            against: against.into_iter().collect(),
        };
    }
    for pattern in flag.screen.iter().flat_map(|s| &s.when) {
        match match_pattern(kb, pattern, case) {
            Match::Holds(found) | Match::Countered(found, _) | Match::AgeUnknown(found) => {
                prompted.extend(found);
            }
            Match::No => {}
        }
    }
    if prompted.is_empty() {
        return Reading::Quiet;
    }
    Reading::ToScreen {
        findings: prompted.into_iter().collect(),
        against: against.into_iter().collect(),
        urgency: screen_urgency,
        age_unknown,
    }
}

/// How many one-click answers a flag to screen offers.
const ANSWERS: usize = 4;

/// The flag's region-less kinds (fever, night sweats, ...) that the case has not charted,
/// present or absent, each as an examined-and-absent finding to chart.
fn answers(kb: &KnowledgeBase, flag: &RedFlag, case: &Case) -> Vec<Finding> {
    let mut kinds: Vec<&crate::model::KindCode> = Vec::new();
    let conditions = flag
        .patterns
        .iter()
        .chain(
            flag.score
                .iter()
                .flat_map(|s| s.features.iter().map(|f| &f.when)),
        )
        .flat_map(|p| p.all.iter().chain(&p.any));
    for kind in conditions.flat_map(|c| &c.kinds) {
        let regionless = kb
            .vocabulary
            .kind(kind)
            .is_some_and(|k| k.region == crate::model::vocabulary::RegionPresence::None);
        let charted = case.findings.iter().any(|f| &f.kind == kind);
        if regionless && !charted && !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds
        .into_iter()
        .take(ANSWERS)
        .map(|kind| Finding::new(kind.as_str(), None, Side::None).absent())
        .collect()
}

/// Findings examined and found absent whose kind the flag looks for: they argue against it.
fn examined_absent<'c>(flag: &'c RedFlag, case: &'c Case) -> impl Iterator<Item = usize> + 'c {
    let conditions = || {
        flag.patterns
            .iter()
            .chain(
                flag.score
                    .iter()
                    .flat_map(|s| s.features.iter().map(|f| &f.when)),
            )
            .flat_map(|p| p.all.iter().chain(&p.any))
    };
    case.findings
        .iter()
        .enumerate()
        .filter(move |(_, f)| {
            f.presence == Presence::Absent && conditions().any(|c| c.kinds.contains(&f.kind))
        })
        .map(|(i, _)| i)
}

/// Whether the patient fits a pattern's age, sex and history: `None` when only an age the
/// record does not hold stands in the way.
fn patient_fits(pattern: &Pattern, case: &Case) -> Option<bool> {
    let sex_fits = pattern.sex.is_none_or(|sex| sex == case.sex);
    let history_fits = pattern.history_any.is_empty()
        || pattern
            .history_any
            .iter()
            .any(|flag| case.history.contains(flag));
    if !(sex_fits && history_fits) {
        return Some(false);
    }
    let bounded = pattern.age_min.is_some() || pattern.age_max.is_some();
    match case.age {
        // An unknown age never rules a flag out; it is asked for.
        None if bounded => None,
        None => Some(true),
        Some(age) => Some(
            pattern.age_min.is_none_or(|min| age >= min)
                && pattern.age_max.is_none_or(|max| age <= max),
        ),
    }
}

fn condition_matches(kb: &KnowledgeBase, condition: &Condition, finding: &Finding) -> bool {
    if finding.presence != Presence::Present || !condition.kinds.contains(&finding.kind) {
        return false;
    }
    if !detail_fits(condition, finding) || !side_fits(condition, finding) {
        return false;
    }
    if condition.regions.is_empty() {
        return true;
    }
    let Some(region) = &finding.region else {
        return false;
    };
    kb.vocabulary.regions_overlap(region, &condition.regions)
}

/// The finding is on one of the condition's sides, where it names any; a bilateral finding
/// is on the left and on the right.
fn side_fits(condition: &Condition, finding: &Finding) -> bool {
    condition.sides.is_empty()
        || condition.sides.contains(&finding.side)
        || (finding.side == Side::Bilateral
            && condition
                .sides
                .iter()
                .any(|side| matches!(side, Side::Left | Side::Right)))
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
    let test_fits = condition.tests.is_empty() || {
        let charted = super::knowledge::normalize_test(&finding.test_name);
        !charted.is_empty()
            && condition
                .tests
                .iter()
                .any(|name| charted.contains(&super::knowledge::normalize_test(name)))
    };
    test_fits
        && one_of(&condition.onset, detail.onset)
        && one_of(&condition.course, detail.course)
        && any_of(&condition.provoked_by, &detail.provoked_by)
        && any_of(&condition.eased_by, &detail.eased_by)
}

fn match_pattern(kb: &KnowledgeBase, pattern: &Pattern, case: &Case) -> Match {
    let Some(fits) = patient_fits_or_unknown(pattern, case) else {
        return Match::No;
    };
    let sides: &[Option<Side>] = if pattern.same_side {
        &[Some(Side::Left), Some(Side::Right), Some(Side::Midline)]
    } else {
        &[None]
    };
    let Some(found) = sides
        .iter()
        .find_map(|side| match_on_side(kb, pattern, case, *side))
    else {
        return Match::No;
    };
    if !fits {
        return Match::AgeUnknown(found);
    }
    let contrary: Vec<usize> = case
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| pattern.unless.iter().any(|c| condition_matches(kb, c, f)))
        .map(|(i, _)| i)
        .collect();
    if contrary.is_empty() {
        Match::Holds(found)
    } else {
        Match::Countered(found, contrary)
    }
}

/// `Some(true)` when the patient fits, `Some(false)` when only the unknown age is in
/// doubt, `None` when the patient does not fit.
fn patient_fits_or_unknown(pattern: &Pattern, case: &Case) -> Option<bool> {
    match patient_fits(pattern, case) {
        Some(true) => Some(true),
        None => Some(false),
        Some(false) => None,
    }
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
    // A pattern of history, age or sex alone (a score's feature) holds with no findings.
    (satisfied >= required).then(|| used.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activity, Onset, Sex, Vocabulary};
    use crate::reasoner::knowledge::KnowledgeFiles;

    fn raised(kb: &KnowledgeBase, case: &Case) -> Vec<RaisedFlag> {
        raised_and_to_screen(kb, case).0
    }

    const FLAGS: &str = r#"{"red_flags": [{
        "id": "rf_test", "title": "Test", "urgency": "same_day", "refer_to": "GP",
        "avoid": ["manipulation"], "why": "test", "citations": ["test"],
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
