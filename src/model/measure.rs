//! Outcome measures: the standard questionnaires (ODI, NDI, LEFS, PSFS, QuickDASH, STarT
//! Back, NPRS, Global Rating of Change) as cited data in `assets/instruments/`, a measure
//! as entered at a visit, and scoring by each instrument's own rule, missing items
//! included. Pure data and pure functions.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::VisitId;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct MeasureId(pub i64);

/// One instrument filled in at a visit: its answers by item number, `None` where an item
/// was left out. For the PSFS, `activities` names the patient's own activities, one per
/// answer. `score` and `band` are worked out from the answers when read; a file's values
/// are not trusted on import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Measure {
    pub id: MeasureId,
    pub visit_id: VisitId,
    pub instrument: String,
    pub answers: Vec<Option<i32>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<String>,
}

impl Measure {
    pub fn new(visit_id: VisitId, instrument: &str, answers: Vec<Option<i32>>) -> Measure {
        Measure {
            visit_id,
            instrument: instrument.to_owned(),
            answers,
            ..Measure::default()
        }
    }

    /// As the record says it: "ODI 2.1a: 32 % (moderate disability)"; for the PSFS, with
    /// the patient's activities and their ratings.
    pub fn describe(&self) -> String {
        let Ok(instrument) = Instrument::find(&self.instrument) else {
            return format!(
                "{} (an instrument this Upstream does not know)",
                self.instrument
            );
        };
        let score = match (self.score, &self.band) {
            (Some(score), Some(band)) => format!("{} ({band})", instrument.score_text(score)),
            (Some(score), None) => instrument.score_text(score),
            (None, _) => "not scored".to_owned(),
        };
        let rated: Vec<String> = self
            .activities
            .iter()
            .zip(&self.answers)
            .map(|(activity, answer)| match answer {
                Some(value) => format!("{activity} {value}"),
                None => format!("{activity} not rated"),
            })
            .collect();
        if rated.is_empty() {
            format!("{} {}: {score}", instrument.short, instrument.version)
        } else {
            format!(
                "{} {}: {score}; {}",
                instrument.short,
                instrument.version,
                rated.join(", ")
            )
        }
    }

    /// The measure with its score and band worked out, or why it cannot be scored.
    pub fn scored(mut self) -> Result<Measure, MeasureError> {
        let instrument = Instrument::find(&self.instrument)?;
        let score = instrument.score_with(&self.answers, &self.activities)?;
        self.score = Some(score.value);
        self.band = score.band;
        Ok(self)
    }
}

/// The patient's own PSFS activities from their last PSFS before `visit`, to be rated
/// again: the PSFS follows the same activities from visit to visit.
pub fn activities_before(timeline: &[super::VisitRecord], visit: VisitId) -> Vec<String> {
    timeline
        .iter()
        .take_while(|record| record.visit.id != visit)
        .flat_map(|record| &record.measures)
        .filter(|measure| measure.instrument == "psfs" && !measure.activities.is_empty())
        .last()
        .map(|measure| measure.activities.clone())
        .unwrap_or_default()
}

/// An instrument offered at a visit, and the patient's charted region it suits, when it
/// suits one.
#[derive(Debug, Clone, PartialEq)]
pub struct Offered {
    pub instrument: &'static Instrument,
    /// The name of the charted region the instrument suits ("Low back"), if any.
    pub suits: Option<String>,
}

/// Every instrument, those that suit a region charted in `timeline` up to and including
/// `visit` first (by the instruments' `regions` data), each with the region it suits; then
/// the rest, in their usual order. An instrument for "any" region is never put first: it
/// suits every patient alike.
pub fn offered_at(
    timeline: &[super::VisitRecord],
    visit: VisitId,
    vocabulary: &super::Vocabulary,
) -> Vec<Offered> {
    let mut charted: Vec<&super::RegionCode> = Vec::new();
    let upto = timeline
        .iter()
        .position(|record| record.visit.id == visit)
        .map_or(timeline.len(), |at| at + 1);
    // The latest visits first, so the region named is the one charted most recently.
    for record in timeline[..upto].iter().rev() {
        for finding in &record.findings {
            if finding.presence == super::Presence::Present
                && let Some(region) = &finding.region
                && !charted.contains(&region)
            {
                charted.push(region);
            }
        }
    }
    let suits = |instrument: &Instrument| {
        let suited: Vec<&super::RegionCode> = instrument
            .regions
            .iter()
            .filter_map(|name| vocabulary.find_region(name).ok())
            .map(|region| &region.code)
            .collect();
        charted
            .iter()
            .find(|region| {
                suited
                    .iter()
                    .any(|suited| vocabulary.region_within(region, suited))
            })
            .map(|region| vocabulary.region_name(region).to_owned())
    };
    let (mut first, rest): (Vec<Offered>, Vec<Offered>) = Instrument::all()
        .iter()
        .map(|instrument| Offered {
            instrument,
            suits: suits(instrument),
        })
        .partition(|offered| offered.suits.is_some());
    first.extend(rest);
    first
}

/// Whether a higher score means more trouble (ODI) or better function (LEFS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsWorse,
    HigherIsBetter,
}

/// How an instrument's answers become its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Sum over the items answered, as a percentage of their possible total (ODI).
    PercentOfAnswered,
    /// Sum, each item left out given the average of those answered (NDI).
    ProratedSum,
    /// Plain sum (LEFS).
    Sum,
    /// Average of the answers (PSFS).
    Mean,
    /// (sum / n - 1) x 25 over the n answered (QuickDASH).
    Dash,
    /// Overall score and distress subscale, read as a risk group (Keele STarT Back).
    StartBack,
    /// One rating (NPRS, Global Rating of Change).
    Single,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub label: String,
    pub min: i32,
    pub max: i32,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    pub rule: Rule,
    /// The most items that may be left out with a score still given.
    pub max_missing: usize,
    pub explained: String,
    pub missing_rule_source: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub up_to: f64,
    pub label: String,
}

/// The minimal clinically important difference: a change of `points`, or of `percent` of
/// the first score where the source gives one.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Mcid {
    pub points: f64,
    pub percent: Option<f64>,
    pub citation: String,
}

/// What the instrument's licence allows Upstream to show.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Licence {
    /// Whether the item wording may be shown; otherwise only item numbers and topics, and
    /// the window says the licensed form is to be used.
    pub items_reproduced: bool,
    pub holder: String,
    pub terms: String,
    pub source: String,
}

/// For an instrument of the patient's own activities (PSFS): how many.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityCount {
    pub min: usize,
    pub max: usize,
}

/// A standard questionnaire, from `assets/instruments/`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    pub code: String,
    pub name: String,
    pub short: String,
    pub version: String,
    pub regions: Vec<String>,
    pub direction: Direction,
    /// For the PSFS, the one item every activity is rated on.
    pub items: Vec<Item>,
    #[serde(default)]
    pub activities: Option<ActivityCount>,
    pub scoring: Scoring,
    pub range: [f64; 2],
    pub unit: String,
    pub bands: Vec<Band>,
    pub mcid: Option<Mcid>,
    pub licence: Licence,
    pub citations: Vec<String>,
    /// The LOINC code of the total, for the FHIR export, where one has been read at its
    /// source; `None` where none could be verified (the total then goes out as text).
    pub loinc: Option<Loinc>,
}

/// A LOINC code as read, with where it was read, so that a reader can check it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Loinc {
    pub code: String,
    pub display: String,
    pub source: String,
}

/// A score with its band, and how many items it was worked out from.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub value: f64,
    pub band: Option<String>,
    pub answered: usize,
}

/// Why a measure cannot be scored. Said to the clinician as is; nothing is saved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MeasureError {
    #[error("there is no instrument `{0}` (known: {known})", known = known_codes())]
    UnknownInstrument(String),
    #[error("the {instrument} has {expected} items, but {given} answers were given")]
    WrongCount {
        instrument: String,
        expected: usize,
        given: usize,
    },
    #[error(
        "the {instrument} takes {min} to {max} of the patient's activities, but {given} were given"
    )]
    WrongActivities {
        instrument: String,
        min: usize,
        max: usize,
        given: usize,
    },
    #[error("the {instrument}'s item {item} is scored {min} to {max}; {value} is not a score")]
    OutOfRange {
        instrument: String,
        item: usize,
        value: i32,
        min: i32,
        max: i32,
    },
    #[error(
        "the {instrument} cannot be scored with {missing} item(s) left out (at most {allowed}); the answers were not saved: fill in the rest"
    )]
    TooManyMissing {
        instrument: String,
        missing: usize,
        allowed: usize,
    },
}

fn known_codes() -> String {
    Instrument::all()
        .iter()
        .map(|i| i.code.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

const SOURCES: [(&str, &str); 8] = [
    (
        "odi.json",
        include_str!("../../assets/instruments/odi.json"),
    ),
    (
        "ndi.json",
        include_str!("../../assets/instruments/ndi.json"),
    ),
    (
        "lefs.json",
        include_str!("../../assets/instruments/lefs.json"),
    ),
    (
        "psfs.json",
        include_str!("../../assets/instruments/psfs.json"),
    ),
    (
        "quickdash.json",
        include_str!("../../assets/instruments/quickdash.json"),
    ),
    (
        "start_back.json",
        include_str!("../../assets/instruments/start_back.json"),
    ),
    (
        "nprs.json",
        include_str!("../../assets/instruments/nprs.json"),
    ),
    (
        "groc.json",
        include_str!("../../assets/instruments/groc.json"),
    ),
];

impl Instrument {
    /// Every built-in instrument, in the order the visit offers them.
    pub fn all() -> &'static [Instrument] {
        static ALL: OnceLock<Vec<Instrument>> = OnceLock::new();
        ALL.get_or_init(|| {
            SOURCES
                .iter()
                .map(
                    |(file, text)| match serde_json::from_str::<Instrument>(text) {
                        Ok(instrument) => instrument,
                        Err(error) => panic!("assets/instruments/{file} is invalid: {error}"),
                    },
                )
                .collect()
        })
    }

    pub fn find(code: &str) -> Result<&'static Instrument, MeasureError> {
        Instrument::all()
            .iter()
            .find(|i| i.code == code)
            .ok_or_else(|| MeasureError::UnknownInstrument(code.to_owned()))
    }

    /// The score of a fixed-item instrument.
    pub fn score(&self, answers: &[Option<i32>]) -> Result<Score, MeasureError> {
        self.score_with(answers, &[])
    }

    /// The score, by the instrument's own rule; for the PSFS, one answer per activity.
    pub fn score_with(
        &self,
        answers: &[Option<i32>],
        activities: &[String],
    ) -> Result<Score, MeasureError> {
        let items: Vec<&Item> = match self.activities {
            Some(count) => {
                let given = answers.len().max(activities.len());
                if given < count.min || given > count.max || answers.len() != activities.len() {
                    return Err(MeasureError::WrongActivities {
                        instrument: self.short.clone(),
                        min: count.min,
                        max: count.max,
                        given: activities.len(),
                    });
                }
                self.items.iter().cycle().take(answers.len()).collect()
            }
            None => self.items.iter().collect(),
        };
        if answers.len() != items.len() {
            return Err(MeasureError::WrongCount {
                instrument: self.short.clone(),
                expected: items.len(),
                given: answers.len(),
            });
        }
        for (number, (answer, item)) in answers.iter().zip(&items).enumerate() {
            if let Some(value) = *answer
                && (value < item.min || value > item.max)
            {
                return Err(MeasureError::OutOfRange {
                    instrument: self.short.clone(),
                    item: number + 1,
                    value,
                    min: item.min,
                    max: item.max,
                });
            }
        }
        let answered: Vec<(i32, &Item)> = answers
            .iter()
            .zip(&items)
            .filter_map(|(answer, item)| answer.map(|value| (value, *item)))
            .collect();
        let missing = answers.len() - answered.len();
        if missing > self.scoring.max_missing || answered.is_empty() {
            return Err(MeasureError::TooManyMissing {
                instrument: self.short.clone(),
                missing,
                allowed: self.scoring.max_missing,
            });
        }
        let n = answered.len() as f64;
        let sum: f64 = answered.iter().map(|(value, _)| f64::from(*value)).sum();
        let value = match self.scoring.rule {
            Rule::PercentOfAnswered => {
                let possible: f64 = answered.iter().map(|(_, item)| f64::from(item.max)).sum();
                sum / possible * 100.0
            }
            Rule::ProratedSum => sum / n * items.len() as f64,
            Rule::Sum | Rule::Single => sum,
            Rule::Mean => sum / n,
            Rule::Dash => (sum / n - 1.0) * 25.0,
            Rule::StartBack => {
                let (overall, _) = start_back(answers);
                f64::from(overall)
            }
        };
        let band = match self.scoring.rule {
            Rule::StartBack => {
                let (overall, distress) = start_back(answers);
                Some(
                    if distress >= 4 {
                        "high risk"
                    } else if overall <= 3 {
                        "low risk"
                    } else {
                        "medium risk"
                    }
                    .to_owned(),
                )
            }
            _ => self
                .bands
                .iter()
                .find(|band| value <= band.up_to + 1e-9)
                .map(|band| band.label.clone()),
        };
        Ok(Score {
            // To a ten-thousandth, no finer than any instrument means, so that 14 of 50
            // is written 28, not 28.000000000000004, in the exports.
            value: (value * 10_000.0).round() / 10_000.0,
            band,
            answered: answered.len(),
        })
    }

    /// How much better `now` is than `first`, in the instrument's points (negative when
    /// worse).
    pub fn improvement(&self, first: f64, now: f64) -> f64 {
        match self.direction {
            Direction::HigherIsWorse => first - now,
            Direction::HigherIsBetter => now - first,
        }
    }

    /// The change from `first` that is clinically important: the MCID in points, or its
    /// percentage of the first score where that is smaller.
    pub fn important_change(&self, first: f64) -> Option<f64> {
        let mcid = self.mcid.as_ref()?;
        let by_percent = mcid.percent.map(|percent| {
            // A percentage of the room there was to improve.
            let room = match self.direction {
                Direction::HigherIsWorse => first - self.range[0],
                Direction::HigherIsBetter => self.range[1] - first,
            };
            room * percent / 100.0
        });
        Some(match by_percent {
            Some(p) if p > 0.0 => mcid.points.min(p),
            _ => mcid.points,
        })
    }

    /// A score as the clinic writes it: "32 %", "18/50", "medium risk (5/9)".
    pub fn score_text(&self, value: f64) -> String {
        let number = if (value - value.round()).abs() < 0.05 {
            format!("{value:.0}")
        } else {
            format!("{value:.1}")
        };
        match self.unit.as_str() {
            "%" => format!("{number} %"),
            "" => number,
            unit => format!("{number}{unit}"),
        }
    }
}

/// The STarT Back overall score (0-9) and distress subscale (items 5-9, 0-5): items 1-8
/// count when agreed, item 9 when 'very much' or 'extremely' bothersome.
fn start_back(answers: &[Option<i32>]) -> (u8, u8) {
    let positive = |(number, answer): (usize, &Option<i32>)| match (number, *answer) {
        (8, Some(value)) => value >= 3,
        (_, Some(value)) => value == 1,
        (_, None) => false,
    };
    let flags: Vec<bool> = answers.iter().enumerate().map(positive).collect();
    let overall = flags.iter().filter(|&&f| f).count() as u8;
    let distress = flags.iter().skip(4).filter(|&&f| f).count() as u8;
    (overall, distress)
}
