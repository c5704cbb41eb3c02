//! A patient's course across visits, read together. Each symptom's trajectory: its
//! intensity visit by visit, its trend, and the treatment given along it, aimed at the
//! symptom's own region or at a remote source that can produce it. And what only the
//! visits read together show: local treatment that is not working, the warning signs of
//! a source building up before the structure it supplies gives way, and what came just
//! before a symptom eased. Visits in, trajectories and insights out: no UI, no SQL.
//! This module reads the trajectories; each kind of insight has a module of its own.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::series::{SymptomKey, symptom_series};
use crate::model::{
    Finding, Intervention, InterventionId, InterventionKind, KindCode, Patient, RegionCode, Side,
    VisitId, VisitRecord, Vocabulary,
};

use super::inference::Producer;
use super::knowledge::Source;
use super::{Case, Reasoner};
use crate::model::vocabulary::Region;

mod deficit;
mod flags_across;
mod measures;
mod no_better;
mod not_working;
pub mod rules;
mod warning_signs;
mod what_helped;

/// A change of this much on the 0-10 scale is a real change; less is noise
/// (`assets/knowledge/course.json`, with its source).
fn real_change() -> u8 {
    rules::CourseRules::builtin().real_change_points.value
}
/// Local treatment at this many visits without a real change is not working.
fn local_visits() -> usize {
    rules::CourseRules::builtin().local_visits.value
}
/// A longer gap between visits starts a new episode: a flare a season later is not the
/// course that came before it.
fn episode_gap_days() -> i64 {
    rules::CourseRules::builtin().episode_gap_days.value
}
/// How many untreated remote sources an insight names.
fn named_sources() -> usize {
    rules::CourseRules::builtin().named_sources.value
}

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
    /// A strength or reflex grade that dropped between visits: a new or progressive
    /// neurological deficit, a red flag across visits.
    DeficitWorsening {
        /// "R EHL strength", "L Achilles reflex".
        label: String,
        /// The grades, oldest first, each with its visit.
        grades: Vec<(String, VisitMark)>,
        urgency: super::Urgency,
        refer_to: String,
        avoid: Vec<String>,
    },
    /// A rated symptom no better after about four weeks of care: reassess for serious
    /// pathology and refer if it persists.
    NoBetterWithCare {
        symptom: SymptomKey,
        label: String,
        from: u8,
        now: u8,
        days: i64,
        visits: usize,
        urgency: super::Urgency,
    },
    /// A red flag only the visits read together raise: numbness spreading, a new bladder
    /// or bowel symptom, a flag left to screen and never answered.
    FlagAcrossVisits {
        /// The red flag's id in the knowledge base.
        flag: String,
        title: String,
        /// The visit the course began to show it.
        since: VisitMark,
        urgency: super::Urgency,
        refer_to: String,
        /// What would settle it, for a flag left to screen.
        ask: Vec<String>,
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
    /// An outcome measure changed from its first score by the instrument's minimal
    /// clinically important difference: better (what helped) or worse.
    MeasureCrossed {
        /// The instrument's code: "odi", "lefs".
        instrument: String,
        name: String,
        trend: Trend,
        /// The first score, the score that crossed, and the last while it still held.
        from: f64,
        to: f64,
        now: f64,
        /// The change that is clinically important, from the first score.
        mcid: f64,
        /// What was given between the score before the one that crossed and it.
        given: Vec<Given>,
    },
    /// No outcome measure for the days or visits of `course.json`.
    MeasureDue {
        /// The instruments filled in last time.
        instruments: Vec<String>,
        last: VisitMark,
        days: i64,
        visits: usize,
    },
}

impl InsightKind {
    pub fn label(&self) -> &'static str {
        match self {
            InsightKind::LocalTreatmentNotWorking { .. } => "Local treatment not working",
            InsightKind::DeficitWorsening { .. } => "Neurological deficit getting worse",
            InsightKind::NoBetterWithCare { .. } => "No better after weeks of care",
            InsightKind::WarningSigns { .. } => "Warning signs building up",
            InsightKind::FlagAcrossVisits { .. } => "Red flag across visits",
            InsightKind::WhatHelped { .. } => "What helped",
            InsightKind::MeasureCrossed {
                trend: Trend::Better,
                ..
            } => "What helped",
            InsightKind::MeasureCrossed { .. } => "Outcome measure worse",
            InsightKind::MeasureDue { .. } => "Outcome measure due",
        }
    }

    /// Warning signs first, then what is not working, then what helped.
    fn rank(&self) -> u8 {
        match self {
            InsightKind::DeficitWorsening { .. }
            | InsightKind::FlagAcrossVisits { .. }
            | InsightKind::WarningSigns { .. } => 0,
            InsightKind::LocalTreatmentNotWorking { .. } | InsightKind::NoBetterWithCare { .. } => {
                1
            }
            InsightKind::MeasureCrossed {
                trend: Trend::Better,
                ..
            } => 2,
            InsightKind::MeasureCrossed { .. } => 1,
            InsightKind::WhatHelped { .. } | InsightKind::MeasureDue { .. } => 2,
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

impl Insight {
    /// A red flag only the visits read together raise (a deficit getting worse, a new
    /// bladder or bowel symptom, numbness spreading, a flag never answered) that calls for
    /// action today: its urgency and whom to refer to, for the sign dialog.
    pub fn flag_for_today(&self) -> Option<(super::Urgency, &str)> {
        match &self.kind {
            InsightKind::DeficitWorsening {
                urgency, refer_to, ..
            }
            | InsightKind::FlagAcrossVisits {
                urgency, refer_to, ..
            } if matches!(urgency, super::Urgency::Emergency | super::Urgency::SameDay) => {
                Some((*urgency, refer_to.as_str()))
            }
            _ => None,
        }
    }
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
        self.course_with(None, timeline)
    }

    /// A patient's course, read with the patient's age, sex and history, as the flags to
    /// screen at each visit are.
    pub fn course_of(&self, patient: &Patient, timeline: &[VisitRecord]) -> Course {
        self.course_with(Some(patient), timeline)
    }

    fn course_with(&self, patient: Option<&Patient>, timeline: &[VisitRecord]) -> Course {
        let sorted;
        let timeline = if timeline.is_sorted_by_key(|r| r.visit.started_at) {
            timeline
        } else {
            let mut copy = timeline.to_vec();
            copy.sort_by_key(|r| r.visit.started_at);
            sorted = copy;
            &sorted
        };
        Reading::new(self, patient, timeline).course()
    }

    /// The insights that hold at `visit`, read from the visits up to it: what the
    /// clinician would have been told that day, nothing from later.
    pub fn insights_at(&self, timeline: &[VisitRecord], visit: VisitId) -> Vec<Insight> {
        self.insights_with(None, timeline, visit)
    }

    /// `insights_at`, read with the patient's age, sex and history.
    pub fn insights_of_at(
        &self,
        patient: &Patient,
        timeline: &[VisitRecord],
        visit: VisitId,
    ) -> Vec<Insight> {
        self.insights_with(Some(patient), timeline, visit)
    }

    fn insights_with(
        &self,
        patient: Option<&Patient>,
        timeline: &[VisitRecord],
        visit: VisitId,
    ) -> Vec<Insight> {
        let Some(position) = timeline.iter().position(|r| r.visit.id == visit) else {
            return Vec::new();
        };
        let mut course = self.course_with(patient, &timeline[..=position]);
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
    /// The patient, when known: age, sex and history for the flags to screen.
    patient: Option<&'a Patient>,
    vocabulary: &'kb Vocabulary,
    timeline: &'a [VisitRecord],
    marks: Vec<VisitMark>,
    /// For each visit, what each intervention was, in the same order.
    done: Vec<Vec<Done<'kb>>>,
    /// For each source ever treated, the visits and sides it was treated at, oldest first.
    treated: HashMap<*const Source, Vec<(usize, Side)>>,
    /// The reasoner's rankings for a visit's finding, kept for the insights that ask again.
    ranked: RefCell<HashMap<(usize, usize), Rc<Ranked<'kb>>>>,
}

/// Sources that explain a finding, each on its side, best first.
type Ranked<'kb> = Vec<(&'kb Source, Side)>;

/// One intervention with what reading it needs, worked out once.
struct Done<'kb> {
    /// As charted, without the dose.
    text: String,
    /// The sources it treats.
    sources: Vec<&'kb Source>,
    /// Its region and each coarser one above it.
    place: Vec<&'kb Region>,
}

/// Which interventions at a visit were aimed at a symptom, as bits by their position at
/// the visit (the first 64; no visit charts more): local ones and remote ones. Bits, so
/// that a symptom followed over hundreds of visits costs no allocation per visit.
#[derive(Debug, Clone, Copy, Default)]
struct Aimed {
    local: u64,
    remote: u64,
}

/// The positions of the bits set in `bits`, lowest first.
fn positions(bits: u64) -> impl Iterator<Item = usize> {
    (0..64).filter(move |i| bits & (1u64 << i) != 0)
}

/// A symptom's trajectory with the treatment aimed at it at every visit of its span.
struct Span {
    key: SymptomKey,
    label: String,
    /// Visit index and intensity of each rated point.
    points: Vec<(usize, u8)>,
    /// For each visit from the first point to the last.
    aimed: Vec<Aimed>,
    start: usize,
}

impl Span {
    /// The positions of the interventions aimed at the symptom at a visit, local first.
    fn aimed_at(&self, visit: usize) -> impl Iterator<Item = usize> {
        let aimed = self.aimed[visit - self.start];
        positions(aimed.local).chain(positions(aimed.remote))
    }

    /// The positions of the local treatment at a visit.
    fn local_at(&self, visit: usize) -> impl Iterator<Item = usize> {
        positions(self.aimed[visit - self.start].local)
    }

    fn locally_treated(&self, visit: usize) -> bool {
        self.aimed[visit - self.start].local != 0
    }
}

/// A region and each coarser one above it.
fn place_of<'kb>(vocabulary: &'kb Vocabulary, region: Option<&RegionCode>) -> Vec<&'kb Region> {
    let mut place = Vec::new();
    let mut current = region.and_then(|code| vocabulary.region(code));
    // Bounded by the depth of the tree, which validation keeps acyclic.
    while let Some(region) = current {
        if place.len() > vocabulary.regions().len() {
            break;
        }
        place.push(region);
        current = region
            .parent
            .as_ref()
            .and_then(|code| vocabulary.region(code));
    }
    place
}

impl<'a, 'kb> Reading<'a, 'kb> {
    fn new(
        reasoner: &'a Reasoner<'kb>,
        patient: Option<&'a Patient>,
        timeline: &'a [VisitRecord],
    ) -> Self {
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
        let mut places: HashMap<Option<&str>, Vec<&'kb Region>> = HashMap::new();
        let done: Vec<Vec<Done<'kb>>> = timeline
            .iter()
            .map(|record| {
                record
                    .interventions
                    .iter()
                    .map(|intervention| {
                        let region = intervention.region.as_ref();
                        let key = (
                            intervention.target.as_str(),
                            region.map(RegionCode::as_str),
                            hands_on(intervention.kind),
                        );
                        let sources = known
                            .entry(key)
                            .or_insert_with(|| treated_sources(reasoner, intervention))
                            .clone();
                        let place = places
                            .entry(region.map(RegionCode::as_str))
                            .or_insert_with(|| place_of(vocabulary, region))
                            .clone();
                        Done {
                            text: short_text(intervention),
                            sources,
                            place,
                        }
                    })
                    .collect()
            })
            .collect();
        let mut treated: HashMap<*const Source, Vec<(usize, Side)>> = HashMap::new();
        for (visit, (record, done)) in timeline.iter().zip(&done).enumerate() {
            for (intervention, done) in record.interventions.iter().zip(done) {
                for source in &done.sources {
                    treated
                        .entry(std::ptr::from_ref(*source))
                        .or_default()
                        .push((visit, intervention.side));
                }
            }
        }
        Reading {
            reasoner,
            patient,
            vocabulary,
            timeline,
            marks,
            done,
            treated,
            ranked: RefCell::default(),
        }
    }

    /// Whether a source was treated before a visit on a side that reaches `side`.
    fn treated_before(&self, source: &Source, visit: usize, side: Side) -> bool {
        self.treated
            .get(&std::ptr::from_ref(source))
            .is_some_and(|given| {
                given
                    .iter()
                    .take_while(|(v, _)| *v < visit)
                    .any(|(_, treated)| sides_meet(*treated, side))
            })
    }

    /// What an intervention was, by its visit and its position there.
    fn text(&self, visit: usize, position: usize) -> &str {
        &self.done[visit][position].text
    }

    /// The reasoner's ranking, on a visit's findings, of the sources that explain one of
    /// them.
    fn ranked(&self, visit: usize, finding: usize) -> Rc<Ranked<'kb>> {
        let mut ranked = self.ranked.borrow_mut();
        let hypotheses = ranked.entry((visit, finding)).or_insert_with(|| {
            let case = Case {
                findings: self.timeline[visit].findings.clone(),
                ..Case::default()
            };
            Rc::new(self.reasoner.rank_for(&case, finding))
        });
        Rc::clone(hypotheses)
    }

    fn course(&self) -> Course {
        let series = symptom_series(self.timeline, self.vocabulary);
        let mut trajectories = Vec::with_capacity(series.len());
        let mut insights = Vec::new();
        let crossings = self.measure_crossings();
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
            let place = place_of(self.vocabulary, series.key.region.as_ref());
            let aimed = (start..=end)
                .map(|visit| self.aimed(visit, &series.key, &place, &producers))
                .collect();
            let span = Span {
                key: series.key,
                label: series.label,
                points,
                aimed,
                start,
            };
            let mut not_working = self.not_working(&span);
            // A validated measure past its MCID says the care is working, whatever the
            // 0-10 rating does.
            not_working.retain(|insight| {
                let last = self.marks.iter().position(|m| *m == insight.last_held);
                !last.is_some_and(|visit| Self::measured_better(&crossings, visit))
            });
            let not_working_said = !not_working.is_empty();
            insights.extend(not_working);
            insights.extend(self.what_helped(&span));
            let trajectory = self.trajectory(span, &producers);
            // Local treatment not working already asks to reconsider the picture.
            if !not_working_said {
                insights.extend(self.no_better(&trajectory));
            }
            trajectories.push(trajectory);
        }
        insights.extend(self.measure_insights(&crossings));
        insights.extend(self.warning_signs());
        insights.extend(self.deficits_worsening());
        insights.extend(self.flags_across_visits());
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

    fn trajectory(&self, span: Span, producers: &[Producer<'kb>]) -> Trajectory {
        let trend = match (span.points.first(), span.points.last()) {
            (Some(first), Some(last)) if span.points.len() > 1 => {
                let (first, last) = (i16::from(first.1), i16::from(last.1));
                let real = i16::from(real_change());
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
        let treatment = |visit: usize, position: usize, sources: Vec<String>| Treatment {
            intervention: self.timeline[visit].interventions[position].id,
            text: self.text(visit, position).to_owned(),
            sources,
        };
        let points = span
            .points
            .iter()
            .map(|&(visit, intensity)| {
                let aimed = span.aimed[visit - span.start];
                TrajectoryPoint {
                    visit: self.marks[visit].visit,
                    date: self.marks[visit].date,
                    intensity,
                    local: positions(aimed.local)
                        .map(|i| treatment(visit, i, Vec::new()))
                        .collect(),
                    remote: positions(aimed.remote)
                        .map(|i| {
                            let names = self
                                .remote_sources(visit, i, producers)
                                .map(|s| s.name.clone())
                                .collect();
                            treatment(visit, i, names)
                        })
                        .collect(),
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
        place: &[&Region],
        producers: &[Producer<'kb>],
    ) -> Aimed {
        let mut aimed = Aimed::default();
        let interventions = &self.timeline[visit].interventions;
        for (position, (intervention, done)) in interventions
            .iter()
            .zip(&self.done[visit])
            .enumerate()
            .take(64)
        {
            // A referral hands the symptom to someone else; it is not treatment of it.
            if intervention.kind == InterventionKind::Referral {
                continue;
            }
            if sides_meet(intervention.side, symptom.side) && is_local(&done.place, place) {
                aimed.local |= 1 << position;
                continue;
            }
            // Advice counts where it is given, not for the sources it mentions: advice on
            // cardiac warning signs does not treat the heart.
            if intervention.kind == InterventionKind::Advice {
                continue;
            }
            if self
                .remote_sources(visit, position, producers)
                .next()
                .is_some()
            {
                aimed.remote |= 1 << position;
            }
        }
        aimed
    }

    /// The sources an intervention treats that can produce the symptom, on a side it
    /// reaches.
    fn remote_sources<'p>(
        &'p self,
        visit: usize,
        position: usize,
        producers: &'p [Producer<'kb>],
    ) -> impl Iterator<Item = &'kb Source> + 'p {
        let side = self.timeline[visit].interventions[position].side;
        self.done[visit][position]
            .sources
            .iter()
            .copied()
            .filter(move |source| {
                producers
                    .iter()
                    .any(|p| std::ptr::eq(p.source, *source) && sides_meet(side, p.side))
            })
    }

    /// Whether a long gap separates a visit from the one before it.
    fn gap_before(&self, visit: usize) -> bool {
        visit > 0
            && (self.marks[visit].date - self.marks[visit - 1].date).num_days() > episode_gap_days()
    }
}

/// Whether treatment at one place is local to a symptom at another: at it, within it,
/// around it, or beside it under the same coarser region (both given from the region up).
fn is_local(treated: &[&Region], symptom: &[&Region]) -> bool {
    let (Some(t), Some(s)) = (treated.first(), symptom.first()) else {
        return false;
    };
    treated.iter().any(|r| std::ptr::eq(*r, *s))
        || symptom.iter().any(|r| std::ptr::eq(*r, *t))
        || matches!((treated.get(1), symptom.get(1)), (Some(a), Some(b)) if std::ptr::eq(*a, *b))
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
