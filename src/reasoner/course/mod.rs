//! A patient's course across visits, read together. Each symptom's trajectory: its
//! intensity visit by visit, its trend, and the treatment given along it, aimed at the
//! symptom's own region or at a remote source that can produce it. And what only the
//! visits read together show: local treatment that is not working, the warning signs of
//! a source building up before the structure it supplies gives way, and what came just
//! before a symptom eased. Visits in, trajectories and insights out: no UI, no SQL.
//! This module reads the trajectories; each kind of insight has a module of its own.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::series::{SymptomKey, symptom_series};
use crate::model::{
    Finding, Intervention, InterventionId, InterventionKind, KindCode, RegionCode, Side, VisitId,
    VisitRecord, Vocabulary,
};

use super::Reasoner;
use super::inference::Producer;
use super::knowledge::Source;

mod not_working;
mod warning_signs;
mod what_helped;

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
