//! A neurological deficit getting worse across visits: a strength grade that drops (5/5,
//! then 4/5, then 3/5), or a tendon reflex that falls below normal, at the same place and
//! side. A new or progressive deficit is a red flag read from the course, not from one
//! visit (IFOMPT 2020; NICE NG59). The thresholds, whom to refer to and what to avoid are the
//! knowledge base's: `rf_progressive_neuro_deficit` and its `course` criteria.

use std::collections::BTreeMap;

use crate::model::{RegionCode, Side};
use crate::reasoner::Urgency;

use super::{Insight, InsightKind, Reading, VisitMark, day_text, side_text};

/// The red flag whose referral the insight carries.
const FLAG: &str = "rf_progressive_neuro_deficit";

/// What is graded, where: strength of a muscle or region, or a reflex.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Graded {
    reflex: bool,
    region: Option<RegionCode>,
    side: Side,
    structure: String,
}

impl Reading<'_, '_> {
    pub(super) fn deficits_worsening(&self) -> Vec<Insight> {
        // Each graded place's grades, visit by visit, oldest first: (visit, comparable,
        // as written). A normal grade charted as a deficit absent ("EHL 5/5") is a grade too.
        let mut graded: BTreeMap<Graded, Vec<(usize, i16, String)>> = BTreeMap::new();
        for (visit, record) in self.timeline.iter().enumerate() {
            for finding in &record.findings {
                let structure = finding.detail.structure.clone().unwrap_or_default();
                let (reflex, value, written) = if let Some(grade) = finding.detail.strength {
                    (false, grade.thirds(), grade.to_string())
                } else if let Some(grade) = finding.detail.reflex {
                    (true, i16::from(grade.grade()), grade.to_string())
                } else {
                    continue;
                };
                graded
                    .entry(Graded {
                        reflex,
                        region: finding.region.clone(),
                        side: finding.side,
                        structure,
                    })
                    .or_default()
                    .push((visit, value, written));
            }
        }
        let kb = self.reasoner.knowledge();
        let Some((flag, course)) = kb
            .red_flags
            .iter()
            .find(|f| f.id == FLAG)
            .and_then(|f| f.course.as_ref().map(|c| (f, c)))
        else {
            return Vec::new();
        };
        let criteria = Drop {
            strength_thirds: course.strength_drop_grades.map(|g| i16::from(g) * 3),
            reflex_below: course.reflex_below.map(i16::from),
        };
        let mut insights = Vec::new();
        for (what, grades) in graded {
            // The last grade of each visit.
            let mut by_visit: Vec<(usize, i16, String)> = Vec::new();
            for grade in grades {
                match by_visit.last_mut() {
                    Some(last) if last.0 == grade.0 => *last = grade,
                    _ => by_visit.push(grade),
                }
            }
            let Some(worse) = worsened(&by_visit, what.reflex, &criteria) else {
                continue;
            };
            let shown = &by_visit[worse.0..=worse.1];
            let marks: Vec<(String, VisitMark)> = shown
                .iter()
                .map(|(visit, _, written)| (written.clone(), self.marks[*visit]))
                .collect();
            let place = match (&what.structure, &what.region) {
                (structure, _) if !structure.is_empty() => structure.clone(),
                (_, Some(region)) => self.vocabulary.region_name(region).to_lowercase(),
                _ => String::from("limb"),
            };
            let label = format!(
                "{place}{} {}",
                side_text(what.side),
                if what.reflex { "reflex" } else { "strength" }
            );
            let path: Vec<String> = marks
                .iter()
                .map(|(grade, mark)| format!("{grade} ({})", day_text(mark.date)))
                .collect();
            let (urgency, refer_to, avoid, why, citations) = (
                flag.urgency,
                flag.refer_to.clone(),
                flag.avoid.clone(),
                flag.why.clone(),
                flag.citations.clone(),
            );
            let mut details = vec![format!("Grades: {}", path.join(", then "))];
            if !refer_to.is_empty() {
                details.push(format!("Refer to: {refer_to}"));
            }
            if !avoid.is_empty() {
                details.push(format!("Meanwhile avoid: {}", avoid.join("; ")));
            }
            insights.push(Insight {
                first_held: self.marks[by_visit[worse.1].0],
                last_held: self.marks[by_visit[worse.1].0],
                headline: format!(
                    "{label} from {} to {}; red flag, {}",
                    marks.first().map_or("", |m| m.0.as_str()),
                    marks.last().map_or("", |m| m.0.as_str()),
                    match urgency {
                        Urgency::Emergency => "emergency",
                        Urgency::SameDay => "refer the same day",
                        Urgency::Soon => "refer soon",
                        Urgency::Routine => "refer within weeks",
                    }
                ),
                details,
                more: if why.is_empty() {
                    Vec::new()
                } else {
                    vec![format!("Why: {why}")]
                },
                kind: InsightKind::DeficitWorsening {
                    label,
                    grades: marks,
                    urgency,
                    refer_to,
                    avoid,
                },
                citations,
            });
        }
        insights
    }
}

/// How far a grade must fall, from the flag's `course` criteria.
struct Drop {
    /// Strength, in thirds of a grade (4-/5, 4/5, 4+/5).
    strength_thirds: Option<i16>,
    reflex_below: Option<i16>,
}

/// Where the grades got worse: from the best grade before the last visit to the last
/// visit, when the last has fallen by the criteria's drop of strength, or a reflex fell
/// from the criteria's grade or more to below it. The first and last index in `grades`.
fn worsened(grades: &[(usize, i16, String)], reflex: bool, drop: &Drop) -> Option<(usize, usize)> {
    let last = grades.len().checked_sub(1)?;
    let (from, best) = grades[..last]
        .iter()
        .enumerate()
        .max_by_key(|(at, g)| (g.1, std::cmp::Reverse(*at)))?;
    let now = grades[last].1;
    let dropped = if reflex {
        drop.reflex_below
            .is_some_and(|below| best.1 >= below && now < below)
    } else {
        drop.strength_thirds
            .is_some_and(|thirds| best.1 - now >= thirds)
    };
    dropped.then_some((from, last))
}
