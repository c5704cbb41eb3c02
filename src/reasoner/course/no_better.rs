//! A rated symptom no better after about four weeks of care: failure to improve with a
//! month of conservative care raises the likelihood of a serious cause of back pain. The
//! weeks, visits and rating, whom to refer to and the citations are the knowledge base's
//! (`rf_no_better_with_care` in red_flags.json). The insight asks for a fresh examination
//! for red flags and a referral if the picture does not change; it diagnoses nothing.

use super::{Insight, InsightKind, Reading, Trajectory, day_text, real_change};

/// The red flag whose criteria, referral and citations the insight carries.
const FLAG: &str = "rf_no_better_with_care";

impl Reading<'_, '_> {
    pub(super) fn no_better(&self, trajectory: &Trajectory) -> Option<Insight> {
        let flag = self
            .reasoner
            .knowledge()
            .red_flags
            .iter()
            .find(|f| f.id == FLAG)?;
        let course = flag.course.as_ref()?;
        let (weeks_days, rated_visits, still_hurts) = (
            course.no_better_days?,
            course.rated_visits?,
            course.still_rated_at_least?,
        );
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
        let better = last.intensity + real_change() <= first.intensity;
        // Pain that has settled to a niggle is not a failure to improve.
        let settled = last.intensity < still_hurts;
        if days < weeks_days || points.len() < rated_visits || better || settled {
            return None;
        }
        // The visit where the weeks of care had passed with no real change.
        let held = points
            .iter()
            .find(|p| (p.date - first.date).num_days() >= weeks_days)?;
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
                format!("If it does not change, refer to: {}", flag.refer_to),
            ],
            more: vec![format!("Why: {}", flag.why)],
            kind: InsightKind::NoBetterWithCare {
                symptom: trajectory.symptom.clone(),
                label: trajectory.label.clone(),
                from: first.intensity,
                now: last.intensity,
                days,
                visits: points.len(),
                urgency: flag.urgency,
            },
            citations: flag.citations.clone(),
        })
    }
}
