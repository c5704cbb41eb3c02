//! Red flags that only the visits read together raise: numbness or tingling that spreads
//! to a new place or side between visits (a progressive deficit), a bladder, bowel or
//! saddle symptom new since the back or leg symptoms of earlier visits (cauda equina), and
//! a flag left to screen at an earlier visit and still unanswered. The criteria, whom to
//! refer to and the citations are the knowledge base's (`course` of
//! `rf_progressive_neuro_deficit` and `rf_cauda_equina`); what to ask is each flag's own.

use crate::model::{Finding, Presence, Side};
use crate::reasoner::knowledge::RedFlag;
use crate::reasoner::red_flags::Standing;
use crate::reasoner::{Case, Urgency};

use super::{Insight, InsightKind, Reading, day_text};

const DEFICIT: &str = "rf_progressive_neuro_deficit";
const CAUDA_EQUINA: &str = "rf_cauda_equina";

/// Kinds whose spread is a sensory deficit spreading.
const SENSORY: [&str; 2] = ["numbness", "paresthesia"];

fn urgency_text(urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Emergency => "emergency",
        Urgency::SameDay => "refer the same day",
        Urgency::Soon => "refer soon",
        Urgency::Routine => "refer within weeks",
    }
}

fn referral(flag: &RedFlag) -> Vec<String> {
    let mut details = vec![format!("Refer to: {}", flag.refer_to)];
    if !flag.avoid.is_empty() {
        details.push(format!("Meanwhile avoid: {}", flag.avoid.join("; ")));
    }
    details
}

impl Reading<'_, '_> {
    /// The visits of the last episode: from the last long gap to the latest visit.
    fn episode(&self) -> std::ops::Range<usize> {
        let end = self.timeline.len();
        let start = (0..end).rev().find(|&v| self.gap_before(v)).unwrap_or(0);
        start..end
    }

    fn flag(&self, id: &str) -> Option<&RedFlag> {
        self.reasoner
            .knowledge()
            .red_flags
            .iter()
            .find(|f| f.id == id)
    }

    fn present(&self, visit: usize) -> impl Iterator<Item = &Finding> {
        self.timeline[visit]
            .findings
            .iter()
            .filter(|f| f.presence == Presence::Present)
    }

    /// Whether a charted place covers another: the same region, one within the other,
    /// on a side that reaches it.
    fn covers(&self, earlier: &Finding, now: &Finding) -> bool {
        let side_reaches = earlier.side == now.side
            || matches!(earlier.side, Side::Bilateral | Side::None | Side::Midline)
                && !matches!(now.side, Side::Bilateral);
        let region_reaches = match (&earlier.region, &now.region) {
            (Some(a), Some(b)) => {
                self.vocabulary.region_within(b, a) || self.vocabulary.region_within(a, b)
            }
            (None, _) => true,
            (Some(_), None) => false,
        };
        side_reaches && region_reaches
    }

    pub(super) fn flags_across_visits(&self) -> Vec<Insight> {
        let mut insights = Vec::new();
        if self.timeline.len() < 2 {
            return insights;
        }
        insights.extend(self.numbness_spreading());
        insights.extend(self.new_bladder_or_bowel());
        insights.extend(self.screens_unanswered());
        insights
    }

    /// Numbness at the latest visit that charts it, reaching a place or side no earlier
    /// numbness of the episode reached.
    fn numbness_spreading(&self) -> Option<Insight> {
        let flag = self.flag(DEFICIT)?;
        if !flag.course.as_ref().is_some_and(|c| c.sensory_spread) {
            return None;
        }
        let sensory = |f: &&Finding| SENSORY.contains(&f.kind.as_str()) && f.region.is_some();
        let episode = self.episode();
        let latest = episode
            .clone()
            .rev()
            .find(|&v| self.present(v).any(|f| sensory(&f)))?;
        let earlier: Vec<(usize, &Finding)> = (episode.start..latest)
            .flat_map(|v| self.present(v).filter(sensory).map(move |f| (v, f)))
            .collect();
        let first = earlier.first()?.0;
        let now: Vec<&Finding> = self.present(latest).filter(sensory).collect();
        let new: Vec<&Finding> = now
            .iter()
            .copied()
            .filter(|f| !earlier.iter().any(|(_, e)| self.covers(e, f)))
            .collect();
        if new.is_empty() {
            return None;
        }
        let describe = |f: &Finding| f.describe(self.vocabulary);
        let before: Vec<String> = earlier.iter().map(|(_, f)| describe(f)).collect();
        let spread: Vec<String> = new.iter().map(|f| describe(f)).collect();
        let headline = format!(
            "Numbness spreading to {}; red flag, {}",
            spread.join(", "),
            urgency_text(flag.urgency)
        );
        Some(self.new_since(
            flag,
            (first, &before),
            (latest, &spread),
            headline,
            "Numbness spreading between visits",
        ))
    }

    /// The insight that `flag` is raised by what is new at visit `now` beside what visit
    /// `since` charted, each with the findings' words.
    fn new_since(
        &self,
        flag: &RedFlag,
        (since, before): (usize, &[String]),
        (now, new): (usize, &[String]),
        headline: String,
        title: &str,
    ) -> Insight {
        let (since, mark) = (self.marks[since], self.marks[now]);
        let mut details = vec![
            format!("Since {}: {}", day_text(since.date), before.join("; ")),
            format!("New on {}: {}", day_text(mark.date), new.join("; ")),
        ];
        details.extend(referral(flag));
        Insight {
            first_held: mark,
            last_held: mark,
            headline,
            details,
            more: vec![format!("Why: {}", flag.why)],
            kind: InsightKind::FlagAcrossVisits {
                flag: flag.id.clone(),
                title: title.to_owned(),
                since,
                urgency: flag.urgency,
                refer_to: flag.refer_to.clone(),
                ask: Vec::new(),
            },
            citations: flag.citations.clone(),
        }
    }

    /// A bladder, bowel or saddle symptom at the latest visit that no earlier visit of the
    /// episode charted, in a patient whose earlier visits charted back or leg symptoms.
    fn new_bladder_or_bowel(&self) -> Option<Insight> {
        let flag = self.flag(CAUDA_EQUINA)?;
        let new = flag.course.as_ref()?.new_findings.as_ref()?;
        let episode = self.episode();
        let latest = episode.end.checked_sub(1)?;
        let earlier = episode.start..latest;
        let is_new = |f: &&Finding| new.kinds.contains(&f.kind);
        let now: Vec<&Finding> = self
            .present(latest)
            .filter(is_new)
            .filter(|f| {
                !earlier
                    .clone()
                    .any(|v| self.present(v).any(|e| e.kind == f.kind))
            })
            .collect();
        if now.is_empty() {
            return None;
        }
        let kb = self.reasoner.knowledge();
        let after = |f: &Finding| {
            new.after.kinds.contains(&f.kind)
                && (new.after.regions.is_empty()
                    || f.region.as_ref().is_some_and(|r| {
                        new.after
                            .regions
                            .iter()
                            .any(|zone| kb.vocabulary.region_within(r, zone))
                    }))
        };
        let first = earlier.clone().find(|&v| self.present(v).any(after))?;
        let back: Vec<String> = self
            .present(first)
            .filter(|f| after(f))
            .map(|f| f.describe(self.vocabulary))
            .collect();
        let what: Vec<String> = now.iter().map(|f| f.describe(self.vocabulary)).collect();
        let headline = format!(
            "New {} after back or leg symptoms; red flag, {}",
            what.join(", ").to_lowercase(),
            urgency_text(flag.urgency)
        );
        Some(self.new_since(
            flag,
            (first, &back),
            (latest, &what),
            headline,
            "New bladder, bowel or saddle symptom",
        ))
    }

    /// Each flag to screen at an earlier visit of the episode and still to screen at the
    /// latest, never raised between and never answered: nothing examined and charted
    /// absent argues against it at any of those visits, and no age was recorded if it asked.
    fn screens_unanswered(&self) -> Vec<Insight> {
        let kb = self.reasoner.knowledge();
        let episode = self.episode();
        let Some(latest) = episode.end.checked_sub(1) else {
            return Vec::new();
        };
        // The patient's history is read once; each visit gives its own age and findings.
        let patient_case = self
            .patient
            .map(|patient| Case::for_visit(patient, &self.timeline[latest]))
            .unwrap_or_default();
        let age_at = |visit: usize| {
            self.patient
                .and_then(|p| p.age_on(self.timeline[visit].visit.started_at.date()))
        };
        let case = |visit: usize| Case {
            age: age_at(visit),
            findings: self.timeline[visit].findings.clone(),
            sex: patient_case.sex,
            history: patient_case.history.clone(),
            history_kept: patient_case.history_kept.clone(),
        };
        // The latest visit first, every flag: with nothing unanswered to screen there, the
        // earlier visits need not be read at all (a course is read on every change).
        let latest_case = case(latest);
        let (_, at_latest) = crate::reasoner::red_flags::raised_and_to_screen(kb, &latest_case);
        let open: Vec<(&crate::reasoner::FlagToScreen, &RedFlag)> = at_latest
            .iter()
            .filter(|s| s.against.is_empty())
            .filter_map(|s| self.flag(&s.id).map(|flag| (s, flag)))
            .collect();
        if open.is_empty() {
            return Vec::new();
        }
        // Earlier visits read only the flags open at the latest: where each stands.
        let stand = |case: &Case| -> Vec<Standing> {
            open.iter()
                .map(|(_, flag)| crate::reasoner::red_flags::standing(kb, flag, case))
                .collect()
        };
        // Back from the latest, each screen's earliest visit from which it has been to
        // screen at every visit that read it, unanswered and not raised; the walk stops
        // once every screen is settled.
        struct Walk {
            since: Option<usize>,
            visits: usize,
            settled: bool,
        }
        let mut walks: Vec<Walk> = open
            .iter()
            .map(|_| Walk {
                since: None,
                visits: 1,
                settled: false,
            })
            .collect();
        // At the latest visit each of them is open.
        let mut standings = vec![Standing::Open; open.len()];
        let mut previous = latest;
        for visit in (episode.start..latest).rev() {
            if walks.iter().all(|w| w.settled) {
                break;
            }
            // A visit charted as the one after it (the same findings and age) stands as it
            // did: its flags are not read again.
            if age_at(visit) != age_at(previous)
                || !findings_alike(
                    &self.timeline[visit].findings,
                    &self.timeline[previous].findings,
                )
            {
                standings = stand(&case(visit));
                previous = visit;
            }
            for (standing, walk) in standings.iter().zip(walks.iter_mut()) {
                if walk.settled {
                    continue;
                }
                match standing {
                    Standing::Raised | Standing::Answered => walk.settled = true,
                    Standing::Open => {
                        walk.since = Some(visit);
                        walk.visits += 1;
                    }
                    Standing::Quiet => {}
                }
            }
        }
        let mut insights = Vec::new();
        for ((screen, _), walk) in open.into_iter().zip(walks) {
            let Some(since) = walk.since else {
                continue;
            };
            let visits = walk.visits;
            let (since, mark) = (self.marks[since], self.marks[latest]);
            let mut details = vec![format!(
                "To screen since {}, at {visits} visits; nothing charted has settled it.",
                day_text(since.date)
            )];
            details.extend(screen.ask.iter().map(|a| format!("Ask: {a}")));
            details.push(format!("If confirmed, refer to: {}", screen.refer_to));
            insights.push(Insight {
                first_held: mark,
                last_held: mark,
                headline: format!(
                    "{}: to screen since {}, never answered",
                    screen.title,
                    day_text(since.date)
                ),
                details,
                more: Vec::new(),
                kind: InsightKind::FlagAcrossVisits {
                    flag: screen.id.clone(),
                    title: format!("{} never screened", screen.title),
                    since,
                    urgency: screen.urgency,
                    refer_to: screen.refer_to.clone(),
                    ask: screen.ask.clone(),
                },
                citations: screen.citations.clone(),
            });
        }
        insights
    }
}

/// Whether two visits' findings read the same to the red flags, whatever the findings' ids,
/// notes, carrying over or intensity (no flag reads an intensity: `red_flags.rs` never
/// looks at one).
fn findings_alike(a: &[Finding], b: &[Finding]) -> bool {
    let same = |x: &Finding, y: &Finding| {
        x.kind == y.kind
            && x.region == y.region
            && x.side == y.side
            && x.presence == y.presence
            && x.test_name == y.test_name
            && x.detail == y.detail
    };
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
}
