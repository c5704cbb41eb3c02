//! A rated symptom no better after about four weeks of care: failure to improve with a
//! month of conservative care is among the features that raise the likelihood of a
//! serious cause of back pain (Deyo and Diehl 1988), and the IFOMPT framework (Finucane
//! et al. 2020) asks for reassessment then. The insight asks for a fresh examination for
//! red flags and a referral if the picture does not change; it diagnoses nothing.

use super::{Insight, InsightKind, REAL_CHANGE, Reading, Trajectory, day_text};

/// About four weeks of care.
const WEEKS_OF_CARE_DAYS: i64 = 28;
/// Rated at this many visits or more.
const RATED_VISITS: usize = 3;
/// Still rated this or more at the last visit.
const STILL_HURTS: u8 = 3;

const CITATIONS: [&str; 2] = [
    "Deyo RA, Diehl AK. Cancer as a cause of back pain: frequency, clinical presentation, and diagnostic strategies. J Gen Intern Med 1988;3(3):230-238 (failure to improve with a month of conservative therapy)",
    "Finucane LM, Downie A, Mercer C, Greenhalgh SM, Boissonnault WG, Pool-Goudzwaard AL, Beneciuk JM, Leech RL, Selfe J. International Framework for Red Flags for Potential Serious Spinal Pathologies. J Orthop Sports Phys Ther 2020;50(7):350-372",
];

impl Reading<'_, '_> {
    pub(super) fn no_better(&self, trajectory: &Trajectory) -> Option<Insight> {
        // Only the last episode: a long gap between visits starts afresh.
        let index =
            |point: &super::TrajectoryPoint| self.marks.iter().position(|m| m.visit == point.visit);
        let start = trajectory
            .points
            .iter()
            .rposition(|point| index(point).is_some_and(|at| self.gap_before(at)))
            .unwrap_or(0);
        let points = &trajectory.points[start..];
        let first = points.first()?;
        let last = points.last()?;
        let days = (last.date - first.date).num_days();
        let better = last.intensity + REAL_CHANGE <= first.intensity;
        // Pain that has settled to a niggle (2/10 or less) is not a failure to improve.
        let settled = last.intensity < STILL_HURTS;
        if days < WEEKS_OF_CARE_DAYS || points.len() < RATED_VISITS || better || settled {
            return None;
        }
        // The visit where four weeks had passed with no real change.
        let held = points
            .iter()
            .find(|p| (p.date - first.date).num_days() >= WEEKS_OF_CARE_DAYS)?;
        let mark = |point: &super::TrajectoryPoint| {
            self.marks.iter().copied().find(|m| m.visit == point.visit)
        };
        Some(Insight {
            first_held: mark(held)?,
            last_held: mark(last)?,
            headline: format!(
                "{}: {}/10 on {}, {}/10 on {}, after {} weeks and {} visits",
                trajectory.label,
                first.intensity,
                day_text(first.date),
                last.intensity,
                day_text(last.date),
                days / 7,
                points.len()
            ),
            details: vec![
                "Re-examine for red flags (night pain, weight loss, fever, a deficit, age 50 or over, a history of cancer) and reconsider the picture.".to_owned(),
                "If it does not change, refer to the GP (soon) for investigation.".to_owned(),
            ],
            more: vec![
                "Why: failure to improve with about a month of conservative care is one of the few findings that makes a serious cause of back pain more likely; alone it is weak evidence, and together with the others it matters.".to_owned(),
            ],
            kind: InsightKind::NoBetterWithCare {
                symptom: trajectory.symptom.clone(),
                label: trajectory.label.clone(),
                from: first.intensity,
                now: last.intensity,
                days,
                visits: points.len(),
            },
            citations: CITATIONS.iter().map(|c| (*c).to_owned()).collect(),
        })
    }
}
