//! A patient's course across visits, read together. Each symptom's trajectory: its
//! intensity visit by visit, its trend, and the treatment given along it, aimed at the
//! symptom's own region or at a remote source that can produce it. And what only the
//! visits read together show: local treatment that is not working, the warning signs of
//! a source building up before the structure it supplies gives way, and what came just
//! before a symptom eased. Visits in, trajectories and insights out: no UI, no SQL.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::series::{SymptomKey, symptom_series};
use crate::model::{
    Finding, Intervention, InterventionId, InterventionKind, KindCode, Presence, RegionCode, Side,
    VisitId, VisitRecord, Vocabulary,
};

use super::inference::Producer;
use super::knowledge::{Source, SourceLaterality, WarningSigns};
use super::{Case, Reasoner};

/// A change of this much on the 0-10 scale is a real change; less is noise.
pub const REAL_CHANGE: u8 = 2;
/// Local treatment at this many visits without a real change is not working.
pub const LOCAL_VISITS: usize = 3;
/// A longer gap between visits starts a new episode: a flare a season later is not the
/// course that came before it.
pub const EPISODE_GAP_DAYS: i64 = 90;
/// How many untreated remote sources an insight names.
const NAMED_SOURCES: usize = 3;

/// A visit an insight points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VisitMark {
    pub visit: VisitId,
    pub date: NaiveDate,
}

/// Where a symptom went from its first rating to its last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// Down by a real change or more.
    Better,
    /// Up by a real change or more.
    Worse,
    /// Within a real change of where it started.
    Unchanged,
    /// Rated at one visit only: no trend yet.
    SeenOnce,
}

impl Trend {
    pub fn label(self) -> &'static str {
        match self {
            Trend::Better => "better",
            Trend::Worse => "worse",
            Trend::Unchanged => "unchanged",
            Trend::SeenOnce => "seen once",
        }
    }
}

/// One intervention as it bears on one symptom.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Treatment {
    pub intervention: InterventionId,
    /// As charted, without the dose: "Spinal manipulation: L SI joint".
    pub text: String,
    /// For treatment of a remote source: the sources treated that can produce the symptom.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

/// A symptom at one visit, with the treatment aimed at it there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrajectoryPoint {
    pub visit: VisitId,
    pub date: NaiveDate,
    pub intensity: u8,
    /// Treatment at the symptom's own region (or within, around, or beside it in the same
    /// area).
    pub local: Vec<Treatment>,
    /// Treatment of a remote source that can produce the symptom.
    pub remote: Vec<Treatment>,
}

/// One symptom (kind, region, side) across the visits that rated it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trajectory {
    pub symptom: SymptomKey,
    /// "L sacroiliac region pain".
    pub label: String,
    pub trend: Trend,
    pub points: Vec<TrajectoryPoint>,
}

/// A remote source that could produce a symptom and has not been treated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemoteSource {
    pub id: String,
    pub name: String,
    pub side: Side,
    /// How to examine for it.
    pub check: String,
}

/// A sign of a source's irritation and the visit where it first appeared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignSeen {
    pub name: String,
    pub first: VisitMark,
}

/// A treatment and the visits it was given at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Given {
    pub text: String,
    pub visits: Vec<VisitMark>,
}

/// What an insight says, with its particulars.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InsightKind {
    /// A symptom treated locally at several visits without a real improvement.
    LocalTreatmentNotWorking {
        symptom: SymptomKey,
        label: String,
        treated_visits: usize,
        /// The intensity when local treatment began, and at the last visit it held.
        from: u8,
        now: u8,
        local: Vec<String>,
        /// The leading sources for it, at the last visit it held, not yet treated.
        untreated_sources: Vec<RemoteSource>,
    },
    /// Enough signs of one source's irritation within a window of days.
    WarningSigns {
        source: String,
        source_name: String,
        side: Side,
        signs: Vec<SignSeen>,
        min_signs: usize,
        window_days: u32,
        at_risk: String,
    },
    /// A symptom that eased, with what came just before and what came without a change.
    WhatHelped {
        symptom: SymptomKey,
        label: String,
        from: u8,
        to: u8,
        now: u8,
        helped: Vec<Given>,
        without_change: Vec<Given>,
    },
}

impl InsightKind {
    pub fn label(&self) -> &'static str {
        match self {
            InsightKind::LocalTreatmentNotWorking { .. } => "Local treatment not working",
            InsightKind::WarningSigns { .. } => "Warning signs building up",
            InsightKind::WhatHelped { .. } => "What helped",
        }
    }

    /// Warning signs first, then what is not working, then what helped.
    fn rank(&self) -> u8 {
        match self {
            InsightKind::WarningSigns { .. } => 0,
            InsightKind::LocalTreatmentNotWorking { .. } => 1,
            InsightKind::WhatHelped { .. } => 2,
        }
    }
}

/// Something the visits show only when read together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Insight {
    /// The visit where it first held, and the last one where it still did.
    pub first_held: VisitMark,
    pub last_held: VisitMark,
    /// One line for the clinician.
    pub headline: String,
    /// The particulars, one short line each.
    pub details: Vec<String>,
    /// Longer reading behind them: how to check, and why.
    pub more: Vec<String>,
    #[serde(flatten)]
    pub kind: InsightKind,
    pub citations: Vec<String>,
}

/// A patient's course: a trajectory per rated symptom, in order of first appearance, and
/// the insights, in order of the visit where they first held.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Course {
    pub trajectories: Vec<Trajectory>,
    pub insights: Vec<Insight>,
}

impl<'kb> Reasoner<'kb> {
    /// Reads a patient's visits (oldest first, as the store gives them) together.
    pub fn course(&self, timeline: &[VisitRecord]) -> Course {
        let sorted;
        let timeline = if timeline.is_sorted_by_key(|r| r.visit.started_at) {
            timeline
        } else {
            let mut copy = timeline.to_vec();
            copy.sort_by_key(|r| r.visit.started_at);
            sorted = copy;
            &sorted
        };
        Reading::new(self, timeline).course()
    }

    /// The insights that hold at `visit`, read from the visits up to it: what the
    /// clinician would have been told that day, nothing from later.
    pub fn insights_at(&self, timeline: &[VisitRecord], visit: VisitId) -> Vec<Insight> {
        let Some(position) = timeline.iter().position(|r| r.visit.id == visit) else {
            return Vec::new();
        };
        let mut course = self.course(&timeline[..=position]);
        course.insights.retain(|i| i.last_held.visit == visit);
        course.insights
    }
}

/// Whether treatment on one side reaches a symptom on another: the same side, or either of
/// them bilateral, midline or sideless.
fn sides_meet(a: Side, b: Side) -> bool {
    let both = |s: Side| matches!(s, Side::Bilateral | Side::Midline | Side::None);
    both(a) || both(b) || a == b
}

/// Kinds of treatment that work on a muscle where it lies, so that "STM calf" treats the
/// calf's trigger points even when no muscle is named.
fn hands_on(kind: InterventionKind) -> bool {
    matches!(
        kind,
        InterventionKind::SoftTissue | InterventionKind::DryNeedling | InterventionKind::Stretch
    )
}

/// An intervention as charted, without its dose.
fn short_text(intervention: &Intervention) -> String {
    let what = [intervention.side.label(), intervention.target.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    format!("{}: {what}", intervention.kind.label())
}

fn day_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn side_text(side: Side) -> &'static str {
    match side {
        Side::Left => " (left)",
        Side::Right => " (right)",
        Side::Bilateral => " (both sides)",
        Side::Midline | Side::None => "",
    }
}

/// The timeline with what every analysis needs worked out once.
struct Reading<'a, 'kb> {
    reasoner: &'a Reasoner<'kb>,
    vocabulary: &'kb Vocabulary,
    timeline: &'a [VisitRecord],
    marks: Vec<VisitMark>,
    /// For each visit, each intervention's text and the sources it treats.
    given: Vec<Vec<(String, Vec<&'kb Source>)>>,
}

/// A symptom's trajectory with the treatment aimed at it at every visit of its span.
struct Span {
    key: SymptomKey,
    label: String,
    /// Visit index and intensity of each rated point.
    points: Vec<(usize, u8)>,
    /// For each visit from the first point to the last: local and remote treatment.
    aimed: Vec<(Vec<Treatment>, Vec<Treatment>)>,
    start: usize,
}

impl Span {
    fn aimed_at(&self, visit: usize) -> impl Iterator<Item = &Treatment> {
        let (local, remote) = &self.aimed[visit - self.start];
        local.iter().chain(remote)
    }

    fn locally_treated(&self, visit: usize) -> bool {
        !self.aimed[visit - self.start].0.is_empty()
    }
}

impl<'a, 'kb> Reading<'a, 'kb> {
    fn new(reasoner: &'a Reasoner<'kb>, timeline: &'a [VisitRecord]) -> Self {
        let vocabulary = &reasoner.knowledge().vocabulary;
        let marks = timeline
            .iter()
            .map(|r| VisitMark {
                visit: r.visit.id,
                date: r.visit.started_at.date(),
            })
            .collect();
        // The same target is charted visit after visit: recognise it once.
        let mut known: HashMap<(&str, Option<&str>, bool), Vec<&'kb Source>> = HashMap::new();
        let given = timeline
            .iter()
            .map(|record| {
                record
                    .interventions
                    .iter()
                    .map(|intervention| {
                        let key = (
                            intervention.target.as_str(),
                            intervention.region.as_ref().map(RegionCode::as_str),
                            hands_on(intervention.kind),
                        );
                        let sources = known
                            .entry(key)
                            .or_insert_with(|| treated_sources(reasoner, intervention))
                            .clone();
                        (short_text(intervention), sources)
                    })
                    .collect()
            })
            .collect();
        Reading {
            reasoner,
            vocabulary,
            timeline,
            marks,
            given,
        }
    }

    fn course(&self) -> Course {
        let series = symptom_series(self.timeline, self.vocabulary);
        let mut trajectories = Vec::with_capacity(series.len());
        let mut insights = Vec::new();
        for series in series {
            // Series points come in timeline order: walk the timeline alongside.
            let mut at = 0;
            let mut points = Vec::with_capacity(series.points.len());
            for point in &series.points {
                while at < self.timeline.len() && self.timeline[at].visit.id != point.visit {
                    at += 1;
                }
                if at == self.timeline.len() {
                    break;
                }
                points.push((at, point.intensity));
            }
            let (Some(&(start, _)), Some(&(end, _))) = (points.first(), points.last()) else {
                continue;
            };
            let symptom = Finding {
                kind: series.key.kind.clone(),
                region: series.key.region.clone(),
                side: series.key.side,
                ..Finding::default()
            };
            let producers = self.reasoner.producers(&symptom);
            let aimed = (start..=end)
                .map(|visit| self.aimed(visit, &series.key, &producers))
                .collect();
            let span = Span {
                key: series.key,
                label: series.label,
                points,
                aimed,
                start,
            };
            insights.extend(self.not_working(&span));
            insights.extend(self.what_helped(&span));
            trajectories.push(self.trajectory(span));
        }
        insights.extend(self.warning_signs());
        insights.sort_by(|a, b| {
            (a.first_held.date, a.kind.rank(), &a.headline).cmp(&(
                b.first_held.date,
                b.kind.rank(),
                &b.headline,
            ))
        });
        Course {
            trajectories,
            insights,
        }
    }

    fn trajectory(&self, span: Span) -> Trajectory {
        let trend = match (span.points.first(), span.points.last()) {
            (Some(first), Some(last)) if span.points.len() > 1 => {
                let (first, last) = (i16::from(first.1), i16::from(last.1));
                let real = i16::from(REAL_CHANGE);
                if last <= first - real {
                    Trend::Better
                } else if last >= first + real {
                    Trend::Worse
                } else {
                    Trend::Unchanged
                }
            }
            _ => Trend::SeenOnce,
        };
        let points = span
            .points
            .iter()
            .map(|&(visit, intensity)| {
                let (local, remote) = span.aimed[visit - span.start].clone();
                TrajectoryPoint {
                    visit: self.marks[visit].visit,
                    date: self.marks[visit].date,
                    intensity,
                    local,
                    remote,
                }
            })
            .collect();
        Trajectory {
            symptom: span.key,
            label: span.label,
            trend,
            points,
        }
    }

    /// The treatment at a visit aimed at a symptom: local when at its region (or within,
    /// around, or beside it in the same area), remote when it treats a source that can
    /// produce it. Local wins: soleus work is local to calf tightness, remote to SI pain.
    fn aimed(
        &self,
        visit: usize,
        symptom: &SymptomKey,
        producers: &[Producer<'_>],
    ) -> (Vec<Treatment>, Vec<Treatment>) {
        let (mut local, mut remote) = (Vec::new(), Vec::new());
        let interventions = &self.timeline[visit].interventions;
        for (intervention, (text, treats)) in interventions.iter().zip(&self.given[visit]) {
            // A referral hands the symptom to someone else; it is not treatment of it.
            if intervention.kind == InterventionKind::Referral {
                continue;
            }
            let treatment = |sources| Treatment {
                intervention: intervention.id,
                text: text.clone(),
                sources,
            };
            if self.is_local(intervention, symptom) {
                local.push(treatment(Vec::new()));
                continue;
            }
            // Advice counts where it is given, not for the sources it mentions: advice on
            // cardiac warning signs does not treat the heart.
            if intervention.kind == InterventionKind::Advice {
                continue;
            }
            let sources: Vec<String> = treats
                .iter()
                .filter(|source| {
                    producers.iter().any(|p| {
                        std::ptr::eq(p.source, **source) && sides_meet(intervention.side, p.side)
                    })
                })
                .map(|source| source.name.clone())
                .collect();
            if !sources.is_empty() {
                remote.push(treatment(sources));
            }
        }
        (local, remote)
    }

    fn is_local(&self, intervention: &Intervention, symptom: &SymptomKey) -> bool {
        let (Some(treated), Some(region)) = (&intervention.region, &symptom.region) else {
            return false;
        };
        if !sides_meet(intervention.side, symptom.side) {
            return false;
        }
        let parent =
            |code: &RegionCode| self.vocabulary.region(code).and_then(|r| r.parent.as_ref());
        self.vocabulary.region_within(treated, region)
            || self.vocabulary.region_within(region, treated)
            || parent(treated).is_some_and(|p| Some(p) == parent(region))
    }

    /// Whether a long gap separates a visit from the one before it.
    fn gap_before(&self, visit: usize) -> bool {
        visit > 0
            && (self.marks[visit].date - self.marks[visit - 1].date).num_days() > EPISODE_GAP_DAYS
    }

    /// Local treatment at `LOCAL_VISITS` visits or more and the symptom no better, by a real
    /// change, than when it began: it holds at each rating after that until a real
    /// improvement, a long gap, or the end. Once the symptom has eased by a real change it
    /// has answered to treatment, and a slower tail of recovery is not a failure: a new
    /// run starts only after it flares up again by a real change, or after a long gap.
    fn not_working(&self, span: &Span) -> Vec<Insight> {
        let mut insights = Vec::new();
        let mut run: Option<Run> = None;
        let mut last_reading: Option<u8> = None;
        // The lowest rating since the symptom last eased by a real change.
        let mut eased_to: Option<u8> = None;
        let readings: BTreeMap<usize, u8> = span.points.iter().copied().collect();
        let end = span.start + span.aimed.len();
        for visit in span.start..end {
            if self.gap_before(visit) && visit > span.start {
                insights.extend(run.take().and_then(|r| self.not_working_insight(span, r)));
                last_reading = None;
                eased_to = None;
            }
            let reading = readings.get(&visit).copied();
            if let Some(r) = reading {
                eased_to = match eased_to {
                    Some(low) if r >= low + REAL_CHANGE => None,
                    Some(low) => Some(low.min(r)),
                    None => None,
                };
            }
            if let (Some(r), Some(current)) = (reading, run.as_mut()) {
                if r + REAL_CHANGE <= current.baseline {
                    insights.extend(run.take().and_then(|r| self.not_working_insight(span, r)));
                    eased_to = Some(r);
                } else if current.treated >= LOCAL_VISITS {
                    let first = current.held.as_ref().map_or(visit, |h| h.first);
                    current.held = Some(Held {
                        first,
                        last: visit,
                        now: r,
                        treated: current.treated,
                        local: current.local.iter().cloned().collect(),
                    });
                }
            }
            last_reading = reading.or(last_reading);
            if span.locally_treated(visit) {
                if run.is_none()
                    && eased_to.is_none()
                    && let Some(baseline) = last_reading
                {
                    run = Some(Run {
                        baseline,
                        treated: 0,
                        local: BTreeSet::new(),
                        held: None,
                    });
                }
                if let Some(current) = run.as_mut() {
                    current.treated += 1;
                    let (local, _) = &span.aimed[visit - span.start];
                    current.local.extend(local.iter().map(|t| t.text.clone()));
                }
            }
        }
        insights.extend(run.and_then(|r| self.not_working_insight(span, r)));
        insights
    }

    fn not_working_insight(&self, span: &Span, run: Run) -> Option<Insight> {
        let held = run.held?;
        let untreated = self.untreated_sources(&span.key, held.last);
        let names: Vec<String> = untreated
            .iter()
            .map(|source| format!("{}{}", source.name, side_text(source.side)))
            .collect();
        let details = vec![if names.is_empty() {
            "No untreated source in the knowledge base explains it; reconsider the picture."
                .to_owned()
        } else {
            format!("Not yet treated: {}", names.join("; "))
        }];
        let mut more = vec![format!("Local treatment: {}", held.local.join("; "))];
        for source in &untreated {
            more.push(format!("Check {}: {}", source.name, source.check));
        }
        // The first citation of each: the hypotheses list every one.
        let citations = untreated
            .iter()
            .filter_map(|s| self.reasoner.knowledge().source(&s.id))
            .filter_map(|s| s.citations.first().cloned())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        Some(Insight {
            first_held: self.marks[held.first],
            last_held: self.marks[held.last],
            headline: format!(
                "{}: treated locally at {} visits without a real change ({}/10 when it began, {}/10 on {})",
                span.label,
                held.treated,
                run.baseline,
                held.now,
                day_text(self.marks[held.last].date)
            ),
            details,
            more,
            kind: InsightKind::LocalTreatmentNotWorking {
                symptom: span.key.clone(),
                label: span.label.clone(),
                treated_visits: held.treated,
                from: run.baseline,
                now: held.now,
                local: held.local,
                untreated_sources: untreated,
            },
            citations,
        })
    }

    /// The leading sources of a symptom at a visit, by the reasoner's reading of that
    /// visit, that no treatment before it reached on the symptom's side.
    fn untreated_sources(&self, symptom: &SymptomKey, visit: usize) -> Vec<RemoteSource> {
        let record = &self.timeline[visit];
        let Some(index) = record
            .findings
            .iter()
            .position(|f| f.presence == Presence::Present && &SymptomKey::of(f) == symptom)
        else {
            return Vec::new();
        };
        let treated: BTreeSet<&str> = (0..visit)
            .flat_map(|v| self.timeline[v].interventions.iter().zip(&self.given[v]))
            .filter(|(intervention, _)| sides_meet(intervention.side, symptom.side))
            .flat_map(|(_, (_, sources))| sources.iter().map(|s| s.id.as_str()))
            .collect();
        let case = Case {
            findings: record.findings.clone(),
            ..Case::default()
        };
        self.reasoner
            .rank(&case)
            .into_iter()
            .filter(|h| h.explains.iter().any(|e| e.finding == index))
            .filter(|h| !treated.contains(h.id.as_str()))
            .take(NAMED_SOURCES)
            .map(|h| RemoteSource {
                id: h.id,
                name: h.name,
                side: h.side,
                check: h.check,
            })
            .collect()
    }

    /// Each real improvement of a symptom from its peak, with the treatment aimed at it
    /// just before (from the last visit it was still at its peak) and the treatment given
    /// before that without a real change.
    fn what_helped(&self, span: &Span) -> Vec<Insight> {
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
                (self.marks[visit].date - self.marks[p].date).num_days() > EPISODE_GAP_DAYS
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
                    if r + REAL_CHANGE <= peak {
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
                    if r >= low + REAL_CHANGE {
                        tracking
                    } else {
                        if let Some(i) = insight.and_then(|i| insights.get_mut(i)) {
                            self.still_eased(i, visit, r);
                        }
                        State::Eased {
                            insight,
                            low: low.min(r),
                        }
                    }
                }
            });
        }
        insights
    }

    fn still_eased(&self, insight: &mut Insight, visit: usize, r: u8) {
        insight.last_held = self.marks[visit];
        if let InsightKind::WhatHelped { now, .. } = &mut insight.kind {
            *now = r;
        }
        let status = if r == 0 {
            "Now gone".to_owned()
        } else {
            format!("Now {r}/10")
        };
        if let Some(last) = insight.details.last_mut() {
            *last = format!("{status} ({}).", day_text(self.marks[visit].date));
        }
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
                for treatment in span.aimed_at(visit) {
                    let mark = self.marks[visit];
                    match given.iter_mut().find(|g| g.text == treatment.text) {
                        Some(g) if g.visits.last() != Some(&mark) => g.visits.push(mark),
                        Some(_) => {}
                        None => given.push(Given {
                            text: treatment.text.clone(),
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
        let status = if to == 0 {
            "Now gone".to_owned()
        } else {
            format!("Now {to}/10")
        };
        details.push(format!("{status} ({}).", day_text(self.marks[eased].date)));
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

    /// For each source with warning signs in the knowledge base, on each side: the visits
    /// where at least `min_signs` of its signs were seen within `window_days`.
    fn warning_signs(&self) -> Vec<Insight> {
        let kb = self.reasoner.knowledge();
        // Which (warning set, sign) each charted kind and region is, worked out once.
        let mut signs_of: HashMap<Charted<'_>, Vec<(usize, usize)>> = HashMap::new();
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
                for (visit, record) in self.timeline.iter().enumerate() {
                    for finding in &record.findings {
                        if finding.presence != Presence::Present
                            || !(side == Side::None || sides_meet(finding.side, side))
                        {
                            continue;
                        }
                        let key = (&finding.kind, finding.region.as_ref());
                        let matched = signs_of
                            .entry(key)
                            .or_insert_with(|| self.signs_matching(key.0, key.1));
                        for &(_, sign) in matched.iter().filter(|(set, _)| *set == w) {
                            if seen[sign].last() != Some(&visit) {
                                seen[sign].push(visit);
                            }
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

/// What a charted treatment treats: the sources it names by structure, or, for hands-on
/// work that names none, the trigger points of the muscles where it was given.
fn treated_sources<'kb>(reasoner: &Reasoner<'kb>, intervention: &Intervention) -> Vec<&'kb Source> {
    let named = reasoner.sources_named_in(&intervention.target);
    if !named.is_empty() || !hands_on(intervention.kind) {
        return named;
    }
    let Some(region) = &intervention.region else {
        return named;
    };
    let kb = reasoner.knowledge();
    let trigger_point = KindCode::new("trigger_point");
    kb.sources
        .iter()
        .filter(|source| {
            source.manifestations.iter().any(|m| {
                m.kinds.contains(&trigger_point)
                    && m.regions
                        .iter()
                        .any(|zone| kb.vocabulary.region_within(region, zone))
            })
        })
        .collect()
}

/// A charted kind at a region.
type Charted<'a> = (&'a KindCode, Option<&'a RegionCode>);

struct Run {
    /// The intensity when local treatment began.
    baseline: u8,
    /// Visits with local treatment so far.
    treated: usize,
    local: BTreeSet<String>,
    held: Option<Held>,
}

/// Where a not-working insight held, and what it said at the last visit it did.
struct Held {
    first: usize,
    last: usize,
    now: u8,
    treated: usize,
    local: Vec<String>,
}
