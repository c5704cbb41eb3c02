//! Outcome measures read across visits: a measure that has changed from its first score
//! by the instrument's minimal clinically important difference (what helped, or worse),
//! and a measure that is due (none in the last the days or visits of `course.json`).
//! A measure that has improved past its MCID also says that local treatment is working,
//! whatever the 0-10 rating does (`course()` asks `measured_better`).

use crate::model::Instrument;

use super::{Given, Insight, InsightKind, Reading, Trend, VisitMark, day_text, episode_gap_days};

/// A measure is due when none was filled in for this many days...
fn due_days() -> i64 {
    super::rules::CourseRules::builtin().measure_due_days.value
}
/// ...or at this many visits.
fn due_visits() -> usize {
    super::rules::CourseRules::builtin()
        .measure_due_visits
        .value
}

/// An instrument's scores over one episode, and where it crossed its MCID.
pub(super) struct Crossing {
    pub instrument: &'static Instrument,
    /// Visit index and score, oldest first.
    pub points: Vec<(usize, f64)>,
    pub trend: Trend,
    /// Visit indices: the first score, the visit it crossed, the last it still held.
    pub first: usize,
    pub crossed: usize,
    pub held_until: usize,
}

impl Reading<'_, '_> {
    /// Each instrument's scores, by visit index, split into episodes at long gaps.
    fn measure_episodes(&self) -> Vec<(&'static Instrument, Vec<(usize, f64)>)> {
        let mut episodes: Vec<(&'static Instrument, Vec<(usize, f64)>)> = Vec::new();
        for instrument in Instrument::all() {
            let mut current: Vec<(usize, f64)> = Vec::new();
            for (visit, record) in self.timeline.iter().enumerate() {
                // The last score of the instrument at a visit stands for it.
                let Some(score) = record
                    .measures
                    .iter()
                    .rev()
                    .filter(|m| m.instrument == instrument.code)
                    .find_map(|m| m.score)
                else {
                    continue;
                };
                if let Some(&(last, _)) = current.last()
                    && (self.marks[visit].date - self.marks[last].date).num_days()
                        > episode_gap_days()
                {
                    episodes.push((instrument, std::mem::take(&mut current)));
                }
                current.push((visit, score));
            }
            if !current.is_empty() {
                episodes.push((instrument, current));
            }
        }
        episodes
    }

    /// Where each instrument first changed by its MCID from the first score of its
    /// episode, and how long the change held.
    pub(super) fn measure_crossings(&self) -> Vec<Crossing> {
        let mut crossings = Vec::new();
        for (instrument, points) in self.measure_episodes() {
            let Some(&(first, baseline)) = points.first() else {
                continue;
            };
            let Some(important) = instrument.important_change(baseline) else {
                continue;
            };
            let mut crossing: Option<Crossing> = None;
            for &(visit, score) in &points[1..] {
                let change = instrument.improvement(baseline, score);
                let trend = if change >= important - 1e-9 {
                    Trend::Better
                } else if -change >= important - 1e-9 {
                    Trend::Worse
                } else {
                    Trend::Unchanged
                };
                match crossing.as_mut() {
                    Some(c) if c.trend == trend => c.held_until = visit,
                    Some(_) => break,
                    None if trend != Trend::Unchanged => {
                        crossing = Some(Crossing {
                            instrument,
                            points: Vec::new(),
                            trend,
                            first,
                            crossed: visit,
                            held_until: visit,
                        });
                    }
                    None => {}
                }
            }
            if let Some(mut c) = crossing {
                c.points = points;
                crossings.push(c);
            }
        }
        crossings
    }

    /// Whether a measure had improved past its MCID by `visit` and still held there: the
    /// patient is better by a validated measure, so the care is not failing.
    pub(super) fn measured_better(crossings: &[Crossing], visit: usize) -> bool {
        crossings.iter().any(|c| {
            // Crossed by then, and no later score before it took the change back.
            c.trend == Trend::Better
                && c.crossed <= visit
                && !c
                    .points
                    .iter()
                    .any(|(v, _)| *v > c.held_until && *v <= visit)
        })
    }

    pub(super) fn measure_insights(&self, crossings: &[Crossing]) -> Vec<Insight> {
        let mut insights: Vec<Insight> =
            crossings.iter().map(|c| self.crossed_insight(c)).collect();
        insights.extend(self.measures_due());
        insights
    }

    fn crossed_insight(&self, c: &Crossing) -> Insight {
        let (instrument, points) = (c.instrument, &c.points);
        let score_at = |visit: usize| {
            points
                .iter()
                .find(|(v, _)| *v == visit)
                .map_or(0.0, |(_, s)| *s)
        };
        let (from, to, now) = (
            score_at(c.first),
            score_at(c.crossed),
            score_at(c.held_until),
        );
        let mcid = instrument.important_change(from).unwrap_or_default();
        // What was given since the score before the one that crossed: what changed.
        let before = points
            .iter()
            .map(|(v, _)| *v)
            .take_while(|v| *v < c.crossed)
            .last()
            .unwrap_or(c.first);
        let mut given: Vec<Given> = Vec::new();
        for visit in before..c.crossed {
            let mark = self.marks[visit];
            for done in &self.done[visit] {
                match given.iter_mut().find(|g| g.text == done.text) {
                    Some(g) if g.visits.last() != Some(&mark) => g.visits.push(mark),
                    Some(_) => {}
                    None => given.push(Given {
                        text: done.text.clone(),
                        visits: vec![mark],
                    }),
                }
            }
        }
        let names: Vec<&str> = given.iter().map(|g| g.text.as_str()).collect();
        let change = instrument.improvement(from, to).abs();
        let word = if c.trend == Trend::Better {
            "better"
        } else {
            "worse"
        };
        let headline = format!(
            "{} {word} by {} since {}: {} to {} on {}, past its MCID of {}{}",
            instrument.short,
            points_text(change),
            day_text(self.marks[c.first].date),
            instrument.score_text(from),
            instrument.score_text(to),
            day_text(self.marks[c.crossed].date),
            points_text(mcid),
            if c.trend == Trend::Better && !names.is_empty() {
                format!(", after: {}", names.join("; "))
            } else {
                String::new()
            }
        );
        let mut details = vec![format!(
            "Now {} ({}).",
            instrument.score_text(now),
            day_text(self.marks[c.held_until].date)
        )];
        if c.trend == Trend::Worse {
            details.push("Reconsider the plan; rule out a new or progressing problem.".to_owned());
        }
        let more = given
            .iter()
            .map(|g| {
                let dates: Vec<String> = g.visits.iter().map(|m| day_text(m.date)).collect();
                format!(
                    "Given since the score before: {} ({})",
                    g.text,
                    dates.join(", ")
                )
            })
            .collect();
        Insight {
            first_held: self.marks[c.crossed],
            last_held: self.marks[c.held_until],
            headline,
            details,
            more,
            kind: InsightKind::MeasureCrossed {
                instrument: instrument.code.clone(),
                name: instrument.name.clone(),
                trend: c.trend,
                from,
                to,
                now,
                mcid,
                given,
            },
            citations: instrument
                .mcid
                .as_ref()
                .map(|m| vec![m.citation.clone()])
                .unwrap_or_default(),
        }
    }

    /// A run of visits at which no measure had been filled in for the days or
    /// visits `course.json` gives, for a patient measured before: one insight per run, ending
    /// when a measure is entered.
    fn measures_due(&self) -> Vec<Insight> {
        let mut insights = Vec::new();
        let mut last: Option<usize> = None;
        let mut run: Option<(usize, usize)> = None;
        let close =
            |run: Option<(usize, usize)>, last: Option<usize>, insights: &mut Vec<Insight>| {
                if let (Some((first, end)), Some(measured)) = (run, last) {
                    insights.push(self.due_insight(first, end, measured));
                }
            };
        for (visit, record) in self.timeline.iter().enumerate() {
            if record.measures.iter().any(|m| m.score.is_some()) {
                close(run.take(), last, &mut insights);
                last = Some(visit);
                continue;
            }
            let Some(measured) = last else { continue };
            let days = (self.marks[visit].date - self.marks[measured].date).num_days();
            if days >= due_days() || visit - measured >= due_visits() {
                run = Some(run.map_or((visit, visit), |(first, _)| (first, visit)));
            } else {
                close(run.take(), last, &mut insights);
            }
        }
        close(run, last, &mut insights);
        insights
    }

    fn due_insight(&self, first: usize, end: usize, measured: usize) -> Insight {
        let record = &self.timeline[measured];
        let instruments: Vec<String> = record
            .measures
            .iter()
            .filter_map(|m| Instrument::find(&m.instrument).ok())
            .map(|i| i.short.clone())
            .fold(Vec::new(), |mut list, short| {
                if !list.contains(&short) {
                    list.push(short);
                }
                list
            });
        let days = (self.marks[end].date - self.marks[measured].date).num_days();
        let visits = end - measured;
        Insight {
            first_held: self.marks[first],
            last_held: self.marks[end],
            headline: format!(
                "Outcome measure due: {} last filled in on {}, {days} days and {visits} visit{} ago",
                instruments.join(", "),
                day_text(self.marks[measured].date),
                if visits == 1 { "" } else { "s" }
            ),
            details: vec![format!(
                "Measure again at least every {} days or {} visits to see whether care is working.",
                due_days(),
                due_visits()
            )],
            more: Vec::new(),
            kind: InsightKind::MeasureDue {
                instruments,
                last: VisitMark {
                    visit: record.visit.id,
                    date: self.marks[measured].date,
                },
                days,
                visits,
            },
            citations: Vec::new(),
        }
    }
}

/// A change in points as the clinic says it: "12 points", "7.5 points".
fn points_text(points: f64) -> String {
    if (points - points.round()).abs() < 0.05 {
        format!("{points:.0} points")
    } else {
        format!("{points:.1} points")
    }
}
