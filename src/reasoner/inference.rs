//! Scoring sources against a case.
//!
//! Like QMR-DT, evidence adds up in a noisy-OR model: each source starts from its prior
//! odds (its base rate, raised by history that makes it likelier) and each finding adds
//! its log-likelihood ratio. A present finding the source explains with strength s adds
//! log([1 - (1 - leak)(1 - s)] / leak), where the leak is the chance of the finding
//! without this source: the background, and every other source that could produce it at
//! its own prior. A finding many sources share says little about any one of them. A
//! predicted finding examined and absent adds log(1 - s). A present finding this source
//! does not explain counts neither way: another source may explain it. The score is the
//! posterior: the chance the source is at work given the findings. Sides are part of the
//! match: a left soleus does not explain right heel pain. Parsimonious covers then name
//! the smallest sets of sources that explain together what no single one does.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::vocabulary::Laterality;
use crate::model::{Finding, KindCode, Presence, RegionCode, Side};

use super::knowledge::{
    KnowledgeBase, Manifestation, Source, SourceKind, SourceLaterality, Weight, normalize_test,
};
use super::{Against, Assessment, Case, Elsewhere, Explained, Hypothesis, NextCheck};

/// A unilateral source explains a bilateral finding only in part.
const HALF_OF_BILATERAL: f64 = 0.75;
/// The chance of a finding when no source in the knowledge base is at work: something
/// the knowledge base does not hold. A modelling choice, not a measured rate.
const BACKGROUND_LEAK: f64 = 0.01;
/// The chance that a source at work on one side is at work on the other as well: the
/// price of proposing it on both sides. A modelling choice, not a measured rate.
const BOTH_SIDES: f64 = 0.5;
/// How many hypotheses an assessment reports first, best first.
const REPORTED: usize = 15;
/// How many of each kind of source the report keeps after those, so that trigger points
/// sharing every zone cannot push every root level, nerve or viscus off the list.
const KEPT_PER_KIND: usize = 3;

/// The knowledge base with the indices inference needs.
#[derive(Debug)]
pub struct Reasoner<'kb> {
    kb: &'kb KnowledgeBase,
    /// For each finding kind, every (source, manifestation) that produces it, and the
    /// same sorted out by region in advance: matching is most of what an assessment does.
    by_kind: HashMap<&'kb str, KindMatches>,
    /// For each manifestation (`offsets[source] + manifestation`), its zones' places in
    /// the vocabulary: the next check asks each zone's laterality without a lookup.
    zone_places: Vec<Vec<Option<usize>>>,
    /// Normalized test names of each manifestation, by its place in `zone_fit` order
    /// (`offsets[source] + manifestation`); empty for one that names no test. A vector, not
    /// a map: every candidate match asks.
    tests: Vec<Vec<String>>,
    /// Region code to its index in the vocabulary.
    region_index: HashMap<&'kb str, usize>,
    /// Where each source's manifestations start in `zone_fit`.
    offsets: Vec<usize>,
    /// For each manifestation, each region's fit to its zones: 2 inside a zone, 1 when the
    /// region is coarser than a zone (a vague "leg" for a "calf" zone), 0 elsewhere.
    zone_fit: Vec<u8>,
    /// Each source's structure terms as words, by their first word: how treatment of a
    /// source is recognised in what was charted ("soleus", "L5-S1", "left SI").
    structures: HashMap<String, Vec<(Vec<String>, usize)>>,
    /// Each source's breadth: how many zones (a kind at a region) it predicts, systemic
    /// signs once each. Ties are settled by it, the narrower first; counted once here, as
    /// ties among muscles are common.
    breadth: Vec<usize>,
}

/// The (source, manifestation) pairs of one finding kind.
#[derive(Debug, Default)]
struct KindMatches {
    /// All of them, in source and manifestation order.
    all: Vec<(usize, usize)>,
    /// By region (its place in the vocabulary), those that could explain a finding there,
    /// still in that order, with their fit: `None` for a test manifestation, which the
    /// test's name decides wherever it is charted.
    by_region: Vec<Vec<(usize, usize, Option<f64>)>>,
}

/// A source that can produce a finding, and from which side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Producer<'kb> {
    pub source: &'kb Source,
    /// `Left` or `Right` for a source with zones on its own side; `None` for the others.
    pub side: Side,
    /// How typical the finding is of the source.
    pub weight: Weight,
}

/// The words of a text, lower case, split at anything that is not a letter or digit:
/// "Gastrocnemius / soleus" and "L5-S1" become ["gastrocnemius", "soleus"], ["l5", "s1"].
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A finding with what matching needs worked out once.
#[derive(Clone)]
struct Prepared<'a> {
    finding: &'a Finding,
    region: Option<usize>,
    laterality: Option<Laterality>,
    test: String,
    /// The chance of the finding with no source in the knowledge base at work: the
    /// background, or what priors.json's `backgrounds` cite for a common finding.
    background: f64,
}

/// One possible explanation of one finding: (finding, manifestation, fit).
type Entry = (usize, usize, f64);

/// An exam the next check may propose, as references into the knowledge base.
#[derive(Debug, Clone, Copy)]
struct Candidate<'a> {
    kind: &'a KindCode,
    region: Option<&'a RegionCode>,
    /// The test's name as the knowledge base words it, and normalized; empty for none.
    test: &'a str,
    normalized: &'a str,
    side: Side,
}

/// What each leader predicts of a candidate exam: how it would produce it, if at all.
type Predictions = Vec<(usize, Option<Match>)>;

/// One finding matched to one source.
#[derive(Debug, Clone, Copy)]
struct Match {
    weight: Weight,
    /// 1 for a finding inside a zone; less when the finding is vaguer than the zone or only
    /// half on the source's side.
    fit: f64,
}

/// A source scored on one side.
#[derive(Debug, Clone)]
struct Scored {
    source: usize,
    side: Side,
    /// The posterior: the chance the source is at work, 0 to 1.
    score: f64,
    /// The same as log odds, which is what adds up and what ranks.
    log_odds: f64,
    /// Its prior for this case, which breaks ties: the likelier source first.
    prior: f64,
    explains: Vec<Explained>,
    unexplained: Vec<usize>,
    against: Vec<Against>,
}

/// What a case makes of the knowledge base before any source is scored.
#[derive(Debug, Clone)]
struct CaseOdds {
    /// Each source's prior, raised by the patient's history.
    priors: Vec<f64>,
    /// For each finding, the chance it is absent with only the background and every
    /// source that could produce it at its prior.
    absent_without: Vec<f64>,
}

/// Whether scoring a source lists the findings it explains, leaves and predicts, or only
/// weighs them: comparing sides and simulating exams need the odds alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lists {
    Kept,
    Dropped,
}

/// What one source is scored against: its prior, each finding's `absent_without` and
/// its own part in that (see `own_part`), one for each prepared finding.
#[derive(Debug, Clone, Copy)]
struct Background<'a> {
    prior: f64,
    absent_without: &'a [f64],
    own: &'a [f64],
}

impl Reasoner<'static> {
    pub fn builtin() -> &'static Reasoner<'static> {
        static BUILTIN: std::sync::OnceLock<Reasoner<'static>> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| Reasoner::new(KnowledgeBase::builtin()))
    }
}

impl<'kb> Reasoner<'kb> {
    pub fn new(kb: &'kb KnowledgeBase) -> Self {
        let vocabulary = &kb.vocabulary;
        let regions = vocabulary.regions();
        let region_index: HashMap<&'kb str, usize> = regions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.as_str(), i))
            .collect();
        let mut by_kind: HashMap<&'kb str, KindMatches> = HashMap::new();
        let mut zone_places = Vec::new();
        let mut tests: Vec<Vec<String>> = Vec::new();
        let mut offsets = Vec::with_capacity(kb.sources.len());
        let mut zone_fit = Vec::new();
        for (s, source) in kb.sources.iter().enumerate() {
            offsets.push(zone_fit.len() / regions.len().max(1));
            for (m, manifestation) in source.manifestations.iter().enumerate() {
                for kind in &manifestation.kinds {
                    by_kind.entry(kind.as_str()).or_default().all.push((s, m));
                }
                zone_places.push(
                    manifestation
                        .regions
                        .iter()
                        .map(|zone| region_index.get(zone.as_str()).copied())
                        .collect(),
                );
                tests.push(
                    manifestation
                        .tests
                        .iter()
                        .map(|t| normalize_test(t))
                        .collect(),
                );
                for region in regions {
                    let fit = manifestation
                        .regions
                        .iter()
                        .map(|zone| {
                            if vocabulary.region_within(&region.code, zone) {
                                2
                            } else if vocabulary.region_within(zone, &region.code) {
                                1
                            } else {
                                0
                            }
                        })
                        .max()
                        .unwrap_or(0);
                    zone_fit.push(fit);
                }
            }
        }
        for matches in by_kind.values_mut() {
            matches.by_region = (0..regions.len())
                .map(|region| {
                    matches
                        .all
                        .iter()
                        .filter_map(|&(s, m)| {
                            let at = offsets[s] + m;
                            if !tests[at].is_empty() {
                                return Some((s, m, None));
                            }
                            if kb.sources[s].manifestations[m].regions.is_empty() {
                                return Some((s, m, Some(1.0)));
                            }
                            match zone_fit[at * regions.len() + region] {
                                2 => Some((s, m, Some(1.0))),
                                1 => Some((s, m, Some(0.5))),
                                _ => None,
                            }
                        })
                        .collect()
                })
                .collect();
        }
        let mut structures: HashMap<String, Vec<(Vec<String>, usize)>> = HashMap::new();
        for (s, source) in kb.sources.iter().enumerate() {
            for term in &source.structure {
                let mut term = words(term);
                if term.is_empty() {
                    continue;
                }
                let first = term.remove(0);
                structures.entry(first).or_default().push((term, s));
            }
        }
        let breadth = kb
            .sources
            .iter()
            .map(|source| {
                source
                    .manifestations
                    .iter()
                    .map(|m| m.kinds.len() * m.regions.len().max(1))
                    .sum()
            })
            .collect();
        Reasoner {
            kb,
            breadth,
            by_kind,
            zone_places,
            tests,
            region_index,
            offsets,
            zone_fit,
            structures,
        }
    }

    /// The sources a treatment names by one of their structures ("STM gastrocnemius /
    /// soleus", "HVLA L5-S1"), in id order.
    pub fn sources_named_in(&self, target: &str) -> Vec<&'kb Source> {
        let words = words(target);
        let mut found: BTreeSet<usize> = BTreeSet::new();
        for (at, word) in words.iter().enumerate() {
            let Some(terms) = self.structures.get(word) else {
                continue;
            };
            for (rest, s) in terms {
                if words[at + 1..].starts_with(rest) {
                    found.insert(*s);
                }
            }
        }
        found.into_iter().map(|s| &self.kb.sources[s]).collect()
    }

    /// Every source that can produce `finding` (taken as present), on each side it could
    /// be on, in id order.
    pub fn producers(&self, finding: &Finding) -> Vec<Producer<'kb>> {
        let present = Finding {
            presence: Presence::Present,
            ..finding.clone()
        };
        let prepared = self.prepare(std::slice::from_ref(&present));
        let matches = self.matches(&prepared);
        let mut producers = Vec::new();
        for (s, entries) in Self::by_source(&matches) {
            let source = &self.kb.sources[s];
            let sides: &[Side] = if source.laterality == SourceLaterality::Ipsilateral {
                &[Side::Left, Side::Right]
            } else {
                &[Side::None]
            };
            for &side in sides {
                if let Some(best) = self.best_matches(s, &prepared, &entries, side)[0] {
                    producers.push(Producer {
                        source,
                        side,
                        weight: best.weight,
                    });
                }
            }
        }
        producers
    }

    pub fn knowledge(&self) -> &'kb KnowledgeBase {
        self.kb
    }

    fn prepare<'a>(&self, findings: &'a [Finding]) -> Vec<Prepared<'a>> {
        findings
            .iter()
            .map(|finding| {
                let region = finding
                    .region
                    .as_ref()
                    .and_then(|r| self.region_index.get(r.as_str()).copied());
                Prepared {
                    finding,
                    region,
                    laterality: region.map(|i| self.kb.vocabulary.regions()[i].laterality),
                    test: normalize_test(&finding.test_name),
                    background: self.background_of(finding),
                }
            })
            .collect()
    }

    /// The chance of a finding with none of the sources at work: the most any of the
    /// cited `backgrounds` gives it, never less than the background leak.
    fn background_of(&self, finding: &Finding) -> f64 {
        let vocabulary = &self.kb.vocabulary;
        self.kb
            .backgrounds
            .iter()
            .filter(|b| b.kinds.contains(&finding.kind))
            .filter(|b| {
                b.regions.is_empty()
                    || finding
                        .region
                        .as_ref()
                        .is_some_and(|r| b.regions.iter().any(|z| vocabulary.region_within(r, z)))
            })
            .map(|b| b.leak)
            .fold(BACKGROUND_LEAK, f64::max)
    }

    /// Every (source, manifestation) that could produce each finding on some side.
    fn matches(&self, prepared: &[Prepared<'_>]) -> Vec<Vec<(usize, usize, f64)>> {
        prepared.iter().map(|p| self.matches_of(p)).collect()
    }

    /// Every (source, manifestation) that could produce one finding on some side, as
    /// `fit` has it: from the index by region when the finding has a place.
    fn matches_of(&self, p: &Prepared<'_>) -> Vec<(usize, usize, f64)> {
        let Some(kind) = self.by_kind.get(p.finding.kind.as_str()) else {
            return Vec::new();
        };
        match p.region.and_then(|r| kind.by_region.get(r)) {
            Some(near) => near
                .iter()
                .filter_map(|&(s, m, fit)| match fit {
                    Some(fit) => Some((s, m, fit)),
                    None => self.fit(p, s, m).map(|fit| (s, m, fit)),
                })
                .collect(),
            None => kind
                .all
                .iter()
                .filter_map(|&(s, m)| self.fit(p, s, m).map(|fit| (s, m, fit)))
                .collect(),
        }
    }

    /// Each source's prior for this case: its base rate, its odds multiplied by the ratio
    /// for the patient's sex and age band and by each history that makes it likelier.
    fn priors(&self, case: &Case) -> Vec<f64> {
        let mut priors = self.kb.priors.clone();
        let index = |id: &str| {
            self.kb
                .sources
                .binary_search_by(|source| source.id.as_str().cmp(id))
                .ok()
        };
        for patient in &self.kb.patient_odds {
            let ratio = patient.ratio(case.sex, case.age);
            if (ratio - 1.0).abs() < f64::EPSILON {
                continue;
            }
            for s in patient.sources.iter().filter_map(|id| index(id)) {
                let odds = priors[s] / (1.0 - priors[s]) * ratio;
                priors[s] = odds / (1.0 + odds);
            }
        }
        for history in &self.kb.history_odds {
            if !case.history.contains(&history.flag) {
                continue;
            }
            let Some(s) = self
                .kb
                .sources
                .binary_search_by(|source| source.id.as_str().cmp(&history.source))
                .ok()
            else {
                continue;
            };
            let odds = priors[s] / (1.0 - priors[s]) * history.odds_ratio;
            priors[s] = odds / (1.0 + odds);
        }
        priors
    }

    /// For each finding, the chance it is absent with only the background and every
    /// source that could produce it at its prior (on whichever side): what a source takes
    /// its own part out of to find its leak. A product, not a sum of logs: logarithms were
    /// most of the time an assessment took.
    fn absent_without(
        &self,
        prepared: &[Prepared<'_>],
        matches: &[Vec<Entry>],
        priors: &[f64],
    ) -> Vec<f64> {
        matches
            .iter()
            .zip(prepared)
            .map(|(found, p)| {
                let mut total = 1.0 - p.background;
                // A source's manifestations of a kind are listed together: its strongest
                // one is its part.
                let mut current: Option<(usize, f64)> = None;
                for &(s, m, fit) in found {
                    let strength = self.strength(s, m, fit);
                    current = match current {
                        Some((c, best)) if c == s => Some((c, best.max(strength))),
                        Some((c, best)) => {
                            total *= 1.0 - priors[c] * best;
                            Some((s, strength))
                        }
                        None => Some((s, strength)),
                    };
                }
                if let Some((c, best)) = current {
                    total *= 1.0 - priors[c] * best;
                }
                total
            })
            .collect()
    }

    /// How likely a source at work is to produce a finding through one manifestation
    /// that fits it by `fit`: the noisy-OR link strength.
    fn strength(&self, s: usize, m: usize, fit: f64) -> f64 {
        self.kb.sources[s].manifestations[m].weight.strength() * fit
    }

    /// Each source's possible explanations of the findings, by source.
    fn by_source(matches: &[Vec<(usize, usize, f64)>]) -> BTreeMap<usize, Vec<Entry>> {
        let mut by_source: BTreeMap<usize, Vec<Entry>> = BTreeMap::new();
        for (i, found) in matches.iter().enumerate() {
            for &(s, m, fit) in found {
                by_source.entry(s).or_default().push((i, m, fit));
            }
        }
        by_source
    }

    /// Reasons over one case: red flags, ranked hypotheses, covers and the next check.
    pub fn assess(&self, case: &Case) -> Assessment {
        let (red_flags, to_screen) = super::red_flags::raised_and_to_screen(self.kb, case);
        let prepared = self.prepare(&case.findings);
        let (scored, odds, by_source) = self.scored(case, &prepared);
        // Covers are sought among the ranked first few, as many as before the per-kind extras:
        // the search grows with the cube of their number.
        let ranked = &scored[..scored.len().min(REPORTED)];
        let covers = self.covers(ranked, &prepared, &odds, &by_source);
        let next_check = self.next_check(&scored, case, &odds, &by_source);
        let hypotheses = scored.iter().map(|s| self.hypothesis(s, &scored)).collect();
        Assessment {
            red_flags,
            to_screen,
            hypotheses,
            covers,
            next_check,
        }
    }

    /// The sources that explain one of a case's findings, each on its best side, best
    /// first, scored on the whole case as `assess` scores them; only the sources that can
    /// produce that finding are scored, which is what reading many visits can afford.
    pub fn rank_for(&self, case: &Case, finding: usize) -> Vec<(&'kb Source, Side)> {
        let prepared = self.prepare(&case.findings);
        let matches = self.matches(&prepared);
        let odds = self.case_odds(case, &prepared, &matches);
        // Only the sources that can produce the finding: their entries alone are gathered.
        let mut wanted: Vec<usize> = matches
            .get(finding)
            .map(|found| found.iter().map(|&(s, _, _)| s).collect())
            .unwrap_or_default();
        wanted.sort_unstable();
        wanted.dedup();
        let mut by_source: BTreeMap<usize, Vec<Entry>> = BTreeMap::new();
        for (i, found) in matches.iter().enumerate() {
            for &(s, m, fit) in found {
                if wanted.binary_search(&s).is_ok() {
                    by_source.entry(s).or_default().push((i, m, fit));
                }
            }
        }
        let mut scored: Vec<Scored> = by_source
            .iter()
            .filter_map(|(&s, entries)| self.best_side(s, &prepared, &odds, entries))
            .filter(|s| s.explains.iter().any(|e| e.finding == finding))
            .collect();
        self.sort_scored(&mut scored);
        scored
            .iter()
            .map(|s| (&self.kb.sources[s.source], s.side))
            .collect()
    }

    /// Best first; of two alike, the likelier before the findings were read (C7 before
    /// C5), then the one that explains more, then the one fewer examined findings argue
    /// against, then the one that explains more by its core (essential) zones, then the
    /// narrower source: a source that predicts fewer zones puts more of its weight on the
    /// ones charted. Only sources alike in all of these fall back to id order, so that every
    /// run agrees.
    fn sort_scored(&self, scored: &mut [Scored]) {
        let essential = |s: &Scored| {
            s.explains
                .iter()
                .filter(|e| e.weight == Weight::Essential)
                .count()
        };
        scored.sort_by(|a, b| {
            b.log_odds
                .total_cmp(&a.log_odds)
                .then_with(|| b.prior.total_cmp(&a.prior))
                .then_with(|| b.explains.len().cmp(&a.explains.len()))
                .then_with(|| a.against.len().cmp(&b.against.len()))
                .then_with(|| essential(b).cmp(&essential(a)))
                .then_with(|| self.breadth[a.source].cmp(&self.breadth[b.source]))
                .then_with(|| {
                    self.kb.sources[a.source]
                        .id
                        .cmp(&self.kb.sources[b.source].id)
                })
        });
    }

    /// The priors and each finding's background for one case.
    fn case_odds(
        &self,
        case: &Case,
        prepared: &[Prepared<'_>],
        matches: &[Vec<Entry>],
    ) -> CaseOdds {
        let priors = self.priors(case);
        let absent_without = self.absent_without(prepared, matches, &priors);
        CaseOdds {
            priors,
            absent_without,
        }
    }

    /// Each source that explains a present finding, on its best side, best first: the
    /// reported few, with the case's odds and each source's possible explanations.
    fn scored(
        &self,
        case: &Case,
        prepared: &[Prepared<'_>],
    ) -> (Vec<Scored>, CaseOdds, BTreeMap<usize, Vec<Entry>>) {
        let matches = self.matches(prepared);
        let odds = self.case_odds(case, prepared, &matches);
        let by_source = Self::by_source(&matches);
        let mut scored: Vec<Scored> = by_source
            .iter()
            .filter(|(_, entries)| {
                entries
                    .iter()
                    .any(|&(i, _, _)| case.findings[i].presence == Presence::Present)
            })
            .filter_map(|(&s, entries)| self.best_side(s, prepared, &odds, entries))
            .collect();
        self.sort_scored(&mut scored);
        (self.reported(scored), odds, by_source)
    }

    /// The first `REPORTED`, then the best of each kind of source not yet among them, up to
    /// `KEPT_PER_KIND` of a kind, still best first: the report never loses the leading root
    /// level because muscles crowd the top.
    fn reported(&self, scored: Vec<Scored>) -> Vec<Scored> {
        let mut per_kind: HashMap<SourceKind, usize> = HashMap::new();
        let mut reported = Vec::with_capacity(REPORTED + KEPT_PER_KIND);
        for (rank, s) in scored.into_iter().enumerate() {
            let kept = per_kind.entry(self.kb.sources[s.source].kind).or_insert(0);
            if rank < REPORTED || *kept < KEPT_PER_KIND {
                *kept += 1;
                reported.push(s);
            }
        }
        reported
    }

    /// One reported source as the clinician reads it; `reported` are all of them, best
    /// first, which name the source that explains what this one leaves.
    fn hypothesis(&self, scored: &Scored, reported: &[Scored]) -> Hypothesis {
        let source = &self.kb.sources[scored.source];
        let unexplained_by = scored
            .unexplained
            .iter()
            .filter_map(|&finding| {
                let by = reported.iter().find(|other| {
                    other.source != scored.source
                        && other.explains.iter().any(|e| e.finding == finding)
                })?;
                let by_source = &self.kb.sources[by.source];
                Some(Elsewhere {
                    finding,
                    id: by_source.id.clone(),
                    name: by_source.name.clone(),
                })
            })
            .collect();
        Hypothesis {
            id: source.id.clone(),
            name: source.name.clone(),
            kind: source.kind,
            side: scored.side,
            score: (scored.score * 1e6).round() / 1e6,
            prior: (scored.prior * 1e6).round() / 1e6,
            explains: scored.explains.clone(),
            unexplained: scored.unexplained.clone(),
            unexplained_by,
            against: scored.against.clone(),
            check: source.check.clone(),
            citations: source.citations.clone(),
        }
    }

    /// How well a finding's region and test fit a manifestation of its kind, ignoring
    /// sides.
    fn fit(&self, prepared: &Prepared<'_>, s: usize, m: usize) -> Option<f64> {
        let tests = &self.tests[self.offsets[s] + m];
        if !tests.is_empty() {
            // A test manifestation is matched by the test's name, wherever it is charted.
            return (!prepared.test.is_empty() && tests.contains(&prepared.test)).then_some(1.0);
        }
        if self.kb.sources[s].manifestations[m].regions.is_empty() {
            return Some(1.0);
        }
        let Some(region) = prepared.region else {
            // "Headache" with no place, against a zone: half a match.
            return Some(0.5);
        };
        let regions = self.kb.vocabulary.regions().len();
        match self.zone_fit[(self.offsets[s] + m) * regions + region] {
            2 => Some(1.0),
            1 => Some(0.5),
            _ => None,
        }
    }

    /// How much of a finding a source on `source_side` accounts for, by sides alone.
    fn side_fit(
        prepared: &Prepared<'_>,
        source: &Source,
        manifestation: &Manifestation,
        source_side: Side,
    ) -> f64 {
        let laterality = prepared.laterality;
        let side = prepared.finding.side;
        match source.laterality {
            SourceLaterality::Midline => 1.0,
            SourceLaterality::Fixed => match manifestation.side {
                None | Some(Side::Midline | Side::None | Side::Bilateral) => 1.0,
                Some(zone_side) => match side {
                    s if s == zone_side => 1.0,
                    Side::Bilateral => HALF_OF_BILATERAL,
                    Side::Midline | Side::None => 1.0,
                    _ => 0.0,
                },
            },
            SourceLaterality::Ipsilateral => {
                if laterality.is_none() || matches!(side, Side::Midline | Side::None) {
                    // Systemic findings and midline structures belong to either side.
                    return 1.0;
                }
                match (source_side, side) {
                    (Side::Bilateral, _) => 1.0,
                    (_, Side::Bilateral) => HALF_OF_BILATERAL,
                    (a, b) if a == b => 1.0,
                    _ if laterality == Some(Laterality::Single) => 1.0,
                    _ => 0.0,
                }
            }
        }
    }

    /// Whether one way a source accounts for a finding beats another: the stronger, then
    /// the more typical.
    fn beats(candidate: Match, current: Option<Match>) -> bool {
        current.is_none_or(|current| {
            (candidate.weight.strength() * candidate.fit)
                .total_cmp(&(current.weight.strength() * current.fit))
                .then_with(|| candidate.weight.cmp(&current.weight))
                .is_gt()
        })
    }

    /// The best way a source on `side` accounts for one finding, from its (manifestation,
    /// fit) pairs for it: `best_matches` for a single finding, without the vector.
    fn best_match(
        &self,
        s: usize,
        prepared: &Prepared<'_>,
        fits: impl Iterator<Item = (usize, f64)>,
        side: Side,
    ) -> Option<Match> {
        let source = &self.kb.sources[s];
        let mut best = None;
        for (m, fit) in fits {
            let manifestation = &source.manifestations[m];
            let fit = fit * Self::side_fit(prepared, source, manifestation, side);
            if fit <= 0.0 {
                continue;
            }
            let candidate = Match {
                weight: manifestation.weight,
                fit,
            };
            if Self::beats(candidate, best) {
                best = Some(candidate);
            }
        }
        best
    }

    /// The best way a source on `side` accounts for each finding, from its entries.
    fn best_matches(
        &self,
        s: usize,
        prepared: &[Prepared<'_>],
        entries: &[Entry],
        side: Side,
    ) -> Vec<Option<Match>> {
        let source = &self.kb.sources[s];
        let mut best: Vec<Option<Match>> = vec![None; prepared.len()];
        for &(i, m, fit) in entries {
            let manifestation = &source.manifestations[m];
            let fit = fit * Self::side_fit(&prepared[i], source, manifestation, side);
            if fit <= 0.0 {
                continue;
            }
            let candidate = Match {
                weight: manifestation.weight,
                fit,
            };
            if Self::beats(candidate, best[i]) {
                best[i] = Some(candidate);
            }
        }
        best
    }

    /// A source on one side scored against the case: its prior odds plus the weight of
    /// evidence of each finding it predicts, present or examined and absent.
    fn score_side(
        &self,
        s: usize,
        prepared: &[Prepared<'_>],
        background: Background<'_>,
        entries: &[Entry],
        side: Side,
        lists: Lists,
    ) -> Scored {
        let listed = lists == Lists::Kept;
        let best = self.best_matches(s, prepared, entries, side);
        let mut scored = Scored {
            source: s,
            side,
            score: 0.0,
            log_odds: 0.0,
            prior: background.prior,
            explains: Vec::new(),
            unexplained: Vec::new(),
            against: Vec::new(),
        };
        let odds = self.odds_with(
            prepared,
            background,
            side,
            &best,
            |i, presence, m, ratio| {
                if !listed {
                    return;
                }
                match (presence, m) {
                    (Presence::Present, Some(m)) => scored.explains.push(Explained {
                        finding: i,
                        weight: m.weight,
                        // Rounded, as the score is: the same whatever the order.
                        ratio: (ratio * 1e6).round() / 1e6,
                    }),
                    // Neither for nor against: another source may explain it.
                    (Presence::Present, None) => scored.unexplained.push(i),
                    // A rare manifestation's absence is barely evidence: not listed.
                    (Presence::Absent, Some(m)) if m.weight > Weight::Rare => {
                        scored.against.push(Against {
                            finding: i,
                            weight: m.weight,
                            ratio: (ratio * 1e6).round() / 1e6,
                        })
                    }
                    (Presence::Absent, _) => {}
                }
            },
        );
        scored.log_odds = rounded_log(odds);
        scored.score = 1.0 / (1.0 + (-scored.log_odds).exp());
        scored
    }

    /// A source's odds on one side, before the one logarithm at the end: what `score_side`
    /// ranks by, without the lists.
    fn odds_on(
        &self,
        s: usize,
        prepared: &[Prepared<'_>],
        background: Background<'_>,
        entries: &[Entry],
        side: Side,
    ) -> f64 {
        let best = self.best_matches(s, prepared, entries, side);
        self.odds_with(prepared, background, side, &best, |_, _, _, _| {})
    }

    /// The prior odds multiplied by each finding's likelihood ratio, in the order of the
    /// findings; `each` hears of every finding with its match and ratio (1 when it counts
    /// neither way). The odds multiply (the log odds add up): one logarithm at the end is
    /// cheaper.
    fn odds_with(
        &self,
        prepared: &[Prepared<'_>],
        background: Background<'_>,
        side: Side,
        best: &[Option<Match>],
        mut each: impl FnMut(usize, Presence, Option<Match>, f64),
    ) -> f64 {
        let Background {
            prior,
            absent_without,
            own,
        } = background;
        let mut odds = prior / (1.0 - prior);
        if side == Side::Bilateral {
            odds *= BOTH_SIDES;
        }
        for (i, p) in prepared.iter().enumerate() {
            let presence = p.finding.presence;
            let ratio = match best[i] {
                Some(m) => evidence(presence, m, prior, absent_without[i], own[i]),
                None => 1.0,
            };
            if best[i].is_some() {
                odds *= ratio;
            }
            each(i, presence, best[i], ratio);
        }
        odds
    }

    /// A source's own part in each finding's background, on whichever side, as
    /// `absent_without` counted it: taken out again to leave the leak of the others.
    fn own_part(&self, s: usize, findings: usize, entries: &[Entry]) -> Vec<f64> {
        let mut own = vec![0.0f64; findings];
        for &(i, m, fit) in entries {
            own[i] = own[i].max(self.strength(s, m, fit));
        }
        own
    }

    /// The source on its best side, or `None` when it explains nothing present. When the
    /// findings cannot tell left from right, the side is `none`.
    fn best_side(
        &self,
        s: usize,
        prepared: &[Prepared<'_>],
        odds: &CaseOdds,
        entries: &[Entry],
    ) -> Option<Scored> {
        let source = &self.kb.sources[s];
        let own = self.own_part(s, prepared.len(), entries);
        let prior = odds.priors[s];
        let background = Background {
            prior,
            absent_without: &odds.absent_without,
            own: &own,
        };
        // The sides are compared by their odds alone; only the one kept lists its findings.
        let score = |side| self.score_side(s, prepared, background, entries, side, Lists::Dropped);
        // The side scored, and the side reported: `none` when the findings cannot tell.
        let (scored_on, reported) = if source.laterality == SourceLaterality::Ipsilateral {
            let left = score(Side::Left).log_odds;
            let right = score(Side::Right).log_odds;
            let both = score(Side::Bilateral).log_odds;
            if (left - right).abs() < 1e-12 && left >= both {
                (Side::Left, Side::None)
            } else if both > left && both > right {
                (Side::Bilateral, Side::Bilateral)
            } else if left > right {
                (Side::Left, Side::Left)
            } else {
                (Side::Right, Side::Right)
            }
        } else {
            (Side::None, Side::None)
        };
        let best = Scored {
            side: reported,
            ..self.score_side(s, prepared, background, entries, scored_on, Lists::Kept)
        };
        (!best.explains.is_empty()).then_some(best)
    }

    /// The smallest sets (up to three) of reported sources that together explain every
    /// present finding that any of them explains (those common without any source may be
    /// left to the background), the likeliest set first: by the joint
    /// posterior of the set at work (its members' prior odds, each finding as the set
    /// together produces it or not, noisy-OR with the background leak).
    fn covers(
        &self,
        scored: &[Scored],
        prepared: &[Prepared<'_>],
        odds: &CaseOdds,
        by_source: &BTreeMap<usize, Vec<Entry>>,
    ) -> Vec<Vec<String>> {
        let findings: Vec<&Finding> = prepared.iter().map(|p| p.finding).collect();
        let present: Vec<usize> = (0..findings.len().min(64))
            .filter(|&i| findings[i].presence == Presence::Present)
            .collect();
        let mask = |s: &Scored| -> u64 {
            s.explains
                .iter()
                .filter(|e| e.finding < 64)
                .fold(0u64, |m, e| m | (1u64 << e.finding))
        };
        let masks: Vec<u64> = scored.iter().map(mask).collect();
        let explained = masks.iter().fold(0u64, |m, x| m | x);
        let bit = |m: u64, &i: &usize| m | (1u64 << i);
        // A finding common without any source (a cited background: night pain in back
        // pain) needs no source to explain it: a set may leave it to the background, and
        // the joint posterior still weighs it. Only when nothing else is left to explain
        // is it the goal.
        let uncommon = present
            .iter()
            .filter(|&&i| prepared[i].background <= BACKGROUND_LEAK)
            .fold(0u64, bit);
        let goal = match explained & uncommon {
            0 => explained & present.iter().fold(0u64, bit),
            goal => goal,
        };
        if goal == 0 {
            return Vec::new();
        }
        let ids = |set: &[usize]| -> Vec<String> {
            set.iter()
                .map(|&i| self.kb.sources[scored[i].source].id.clone())
                .collect()
        };
        // How strongly each reported source, on its side, produces each finding.
        let strengths: Vec<Vec<f64>> = scored
            .iter()
            .map(|s| {
                let entries = by_source.get(&s.source).map_or(&[][..], |e| e.as_slice());
                // A source reported without a side was scored on the left (see `best_side`).
                let side = if s.side == Side::None {
                    Side::Left
                } else {
                    s.side
                };
                self.best_matches(s.source, prepared, entries, side)
                    .iter()
                    .map(|m| m.map_or(0.0, |m| m.weight.strength() * m.fit))
                    .collect()
            })
            .collect();
        let joint = |set: &[usize]| -> f64 {
            let mut log = 0.0;
            for &i in set {
                let prior = odds.priors[scored[i].source];
                log += (prior / (1.0 - prior)).ln();
            }
            for (f, finding) in findings.iter().enumerate() {
                let absent: f64 = (1.0 - prepared[f].background)
                    * set.iter().map(|&i| 1.0 - strengths[i][f]).product::<f64>();
                log += match finding.presence {
                    Presence::Present => (1.0 - absent).max(f64::MIN_POSITIVE).ln(),
                    Presence::Absent => absent.ln(),
                };
            }
            log
        };
        for size in 1..=3usize {
            let mut found: Vec<Vec<usize>> = Vec::new();
            let n = scored.len();
            let mut combo: Vec<usize> = (0..size).collect();
            if size > n {
                break;
            }
            loop {
                let union = combo.iter().fold(0u64, |m, &i| m | masks[i]);
                if union & goal == goal {
                    found.push(combo.clone());
                }
                // Next combination in lexicographic order.
                let mut k = size;
                while k > 0 && combo[k - 1] == n - size + k - 1 {
                    k -= 1;
                }
                if k == 0 {
                    break;
                }
                combo[k - 1] += 1;
                for j in k..size {
                    combo[j] = combo[j - 1] + 1;
                }
            }
            if !found.is_empty() {
                // Each set's joint posterior once, not at every comparison.
                let mut ranked: Vec<(f64, Vec<usize>)> =
                    found.into_iter().map(|set| (joint(&set), set)).collect();
                ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
                return ranked.iter().take(3).map(|(_, set)| ids(set)).collect();
            }
        }
        // Nothing small covers it all: a greedy cover says what does.
        let mut covered = 0u64;
        let mut chosen = Vec::new();
        while covered & goal != goal {
            let Some(best) = (0..scored.len())
                .filter(|i| !chosen.contains(i))
                .max_by(|&a, &b| {
                    let gain = |i: usize| (masks[i] & goal & !covered).count_ones();
                    gain(a).cmp(&gain(b)).then_with(|| b.cmp(&a))
                })
            else {
                break;
            };
            if masks[best] & goal & !covered == 0 {
                break;
            }
            covered |= masks[best];
            chosen.push(best);
        }
        vec![ids(&chosen)]
    }

    /// The one exam whose expected result most reduces the uncertainty among the leaders:
    /// each exam a leader predicts is tried as present and as absent, each result weighed
    /// by its chance under the leaders' posteriors.
    fn next_check(
        &self,
        scored: &[Scored],
        case: &Case,
        odds: &CaseOdds,
        by_source: &BTreeMap<usize, Vec<Entry>>,
    ) -> Option<NextCheck> {
        let top = scored.first()?.score;
        let leaders: Vec<&Scored> = scored
            .iter()
            .take(3)
            .filter(|s| s.score >= top * 0.5)
            .collect();
        if leaders.len() < 2 {
            return None;
        }
        // Each exam a leader predicts, as references into the knowledge base: only the
        // ones left once the charted and the repeated are gone become findings.
        let mut candidates: Vec<Candidate<'_>> = Vec::new();
        let regions = self.kb.vocabulary.regions();
        for leader in &leaders {
            let source = &self.kb.sources[leader.source];
            for (m, manifestation) in source
                .manifestations
                .iter()
                .enumerate()
                .filter(|(_, m)| m.weight > Weight::Rare)
            {
                let Some(kind) = manifestation.kinds.first() else {
                    continue;
                };
                let side = match (manifestation.side, leader.side) {
                    (Some(side), _) => side,
                    (None, Side::None) => Side::Midline,
                    (None, side) => side,
                };
                let at = self.offsets[leader.source] + m;
                if let Some(test) = manifestation.tests.first() {
                    candidates.push(Candidate {
                        kind,
                        region: None,
                        test,
                        normalized: self.tests[at].first().map_or("", String::as_str),
                        side: Side::None,
                    });
                    continue;
                }
                for (region, place) in manifestation.regions.iter().zip(&self.zone_places[at]) {
                    let laterality = place.map(|i| regions[i].laterality);
                    let side = match laterality {
                        Some(l) if l.allows(side) => side,
                        Some(l) => l.default_side(),
                        None => Side::None,
                    };
                    candidates.push(Candidate {
                        kind,
                        region: Some(region),
                        test: "",
                        normalized: "",
                        side,
                    });
                }
            }
        }
        let base = self.prepare(&case.findings);
        // A test is examined wherever it was charted ("Phalen + R" at the wrist).
        let examined = |candidate: &Candidate<'_>| {
            base.iter().any(|p| {
                let f = p.finding;
                &f.kind == candidate.kind
                    && (f.region.as_ref() == candidate.region || !candidate.test.is_empty())
                    && p.test == candidate.normalized
            })
        };
        candidates.retain(|c| !examined(c));
        candidates.sort_by(|a, b| {
            (a.kind, a.region, a.test, a.side).cmp(&(b.kind, b.region, b.test, b.side))
        });
        candidates.dedup_by(|a, b| {
            a.kind == b.kind && a.region == b.region && a.test == b.test && a.side == b.side
        });

        let mut best: Option<(f64, Finding, Predictions)> = None;
        let n = case.findings.len();
        // The leaders as rival explanations (each one's share of their odds) and how
        // uncertain the choice among them is now.
        let shares_now = shares(leaders.iter().map(|l| l.log_odds));
        let uncertainty_now = entropy(&shares_now);
        // Each leader's odds on the charted findings alone, as `score_side` multiplies them
        // up before it reaches a finding `n`: the same for every candidate, so taken once.
        let charted: Vec<f64> = leaders
            .iter()
            .map(|l| {
                let entries = by_source.get(&l.source).map_or(&[][..], |e| e.as_slice());
                let own = self.own_part(l.source, n, entries);
                let background = Background {
                    prior: odds.priors[l.source],
                    absent_without: &odds.absent_without,
                    own: &own,
                };
                self.odds_on(l.source, &base, background, entries, l.side)
            })
            .collect();
        for candidate in candidates {
            let mut finding = Finding::new(
                candidate.kind.as_str(),
                candidate.region.map(RegionCode::as_str),
                candidate.side,
            );
            finding.test_name = candidate.test.to_string();
            let Some(prepared) = self.prepare(std::slice::from_ref(&finding)).pop() else {
                continue;
            };
            let candidate_matches = self.matches_of(&prepared);
            // What each leader predicts of it. An exam they all predict alike cannot tell
            // them apart: skip it before simulating anything.
            let predictions: Predictions = leaders
                .iter()
                .map(|l| {
                    let own = candidate_matches
                        .iter()
                        .filter(|&&(s, _, _)| s == l.source)
                        .map(|&(_, m, fit)| (m, fit));
                    (l.source, self.best_match(l.source, &prepared, own, l.side))
                })
                .collect();
            let distinct: BTreeSet<Option<Weight>> =
                predictions.iter().map(|p| p.1.map(|m| m.weight)).collect();
            if distinct.len() < 2 {
                continue;
            }
            let absent_without = self
                .absent_without(
                    std::slice::from_ref(&prepared),
                    std::slice::from_ref(&candidate_matches),
                    &odds.priors,
                )
                .first()
                .copied()
                .unwrap_or(1.0 - prepared.background);
            // Each leader's own part in it, as `own_part` takes it.
            let owns: Vec<f64> = leaders
                .iter()
                .map(|l| {
                    candidate_matches
                        .iter()
                        .filter(|&&(s, _, _)| s == l.source)
                        .map(|&(s, m, fit)| self.strength(s, m, fit))
                        .fold(0.0, f64::max)
                })
                .collect();
            // How much the result is expected to settle which leader is at work: the
            // uncertainty after each result, weighed by its chance under the leaders.
            let leak = (1.0 - absent_without).max(BACKGROUND_LEAK);
            let positive: f64 = shares_now
                .iter()
                .zip(&predictions)
                .map(|(q, (_, m))| {
                    let strength = m.map_or(0.0, |m| m.weight.strength() * m.fit);
                    q * (1.0 - (1.0 - leak) * (1.0 - strength))
                })
                .sum();
            let mut expected = 0.0;
            for (presence, chance) in [
                (Presence::Present, positive),
                (Presence::Absent, 1.0 - positive),
            ] {
                let again = leaders.iter().enumerate().map(|(j, l)| {
                    let mut odds_now = charted[j];
                    if let Some(m) = predictions[j].1 {
                        let prior = odds.priors[l.source];
                        odds_now *= evidence(presence, m, prior, absent_without, owns[j]);
                    }
                    rounded_log(odds_now)
                });
                expected += chance * entropy(&shares(again));
            }
            let shift = uncertainty_now - expected;
            // Of two exams that settle as much, the one the leading source predicts more
            // strongly: it tests the likeliest explanation directly.
            let leading = |p: &Predictions| {
                p.first()
                    .and_then(|(_, m)| *m)
                    .map_or(0.0, |m| m.weight.strength() * m.fit)
            };
            let better = best.as_ref().is_none_or(|(s, _, p)| {
                shift > *s + 1e-12
                    || (shift > *s - 1e-12 && leading(&predictions) > leading(p) + 1e-12)
            });
            if better {
                best = Some((shift, finding, predictions));
            }
        }
        let (_, finding, predictions) = best?;
        let vocabulary = &self.kb.vocabulary;
        let exam = if finding.test_name.is_empty() {
            format!("Check for {}", finding.describe(vocabulary))
        } else {
            format!("Test: {}", finding.test_name)
        };
        let name = |s: usize| self.kb.sources[s].name.clone();
        let predicted: Vec<String> = predictions
            .iter()
            .filter_map(|(s, m)| m.map(|m| format!("{} ({})", name(*s), m.weight.code())))
            .collect();
        let silent: Vec<String> = predictions
            .iter()
            .filter(|(_, m)| m.is_none())
            .map(|(s, _)| name(*s))
            .collect();
        let why = if silent.is_empty() {
            format!(
                "The leaders predict it with different weight: {}",
                predicted.join(", ")
            )
        } else {
            format!(
                "Predicted by {}; not by {}. Either result moves the ranking.",
                predicted.join(", "),
                silent.join(", ")
            )
        };
        Some(NextCheck {
            exam,
            why,
            separates: predictions
                .iter()
                .map(|(s, _)| self.kb.sources[*s].id.clone())
                .collect(),
        })
    }
}

/// How much one finding a source accounts for (by `m`) multiplies its odds: present,
/// [1 - (1 - leak)(1 - s)] / leak, with the leak the chance of the finding from the
/// background and the other sources (`absent_without` with the source's `own` part taken
/// out); examined and absent, 1 - s.
fn evidence(presence: Presence, m: Match, prior: f64, absent_without: f64, own: f64) -> f64 {
    let strength = m.weight.strength() * m.fit;
    match presence {
        Presence::Present => {
            let others = absent_without / (1.0 - prior * own);
            let leak = (1.0 - others).max(BACKGROUND_LEAK);
            (1.0 - (1.0 - leak) * (1.0 - strength)) / leak
        }
        Presence::Absent => 1.0 - strength,
    }
}

/// The log odds of odds, rounded, so that sums taken in another order of findings rank
/// the same.
fn rounded_log(odds: f64) -> f64 {
    (odds.ln() * 1e9).round() / 1e9
}

/// Each rival's share of their odds, from their log odds: the chance that each is the one
/// at work, if one of them is.
fn shares(log_odds: impl Iterator<Item = f64>) -> Vec<f64> {
    let log_odds: Vec<f64> = log_odds.collect();
    let top = log_odds.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let weights: Vec<f64> = log_odds.iter().map(|l| (l - top).exp()).collect();
    let total: f64 = weights.iter().sum();
    weights.iter().map(|w| w / total).collect()
}

/// How uncertain a choice among rivals with these shares is (nats).
fn entropy(shares: &[f64]) -> f64 {
    shares
        .iter()
        .filter(|&&q| q > 0.0)
        .map(|q| -q * q.ln())
        .sum()
}

/// One referral zone of a source, as the body chart draws it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Zone {
    pub region: crate::model::RegionCode,
    /// `Bilateral` when the zone lies on both sides.
    pub side: Side,
    pub weight: Weight,
}

impl Reasoner<'_> {
    /// The zones where a source on `side` produces symptoms, strongest first for each
    /// region: what the body chart overlays when a hypothesis is selected.
    pub fn zones(&self, id: &str, side: Side) -> Vec<Zone> {
        let Some(source) = self.kb.source(id) else {
            return Vec::new();
        };
        let mut zones: Vec<Zone> = Vec::new();
        for manifestation in &source.manifestations {
            let zone_side = match source.laterality {
                SourceLaterality::Ipsilateral => match side {
                    Side::Left | Side::Right => side,
                    _ => Side::Bilateral,
                },
                SourceLaterality::Midline => Side::Bilateral,
                SourceLaterality::Fixed => match manifestation.side {
                    Some(Side::Left) => Side::Left,
                    Some(Side::Right) => Side::Right,
                    _ => Side::Bilateral,
                },
            };
            for region in &manifestation.regions {
                match zones
                    .iter_mut()
                    .find(|z| &z.region == region && z.side == zone_side)
                {
                    Some(zone) => zone.weight = zone.weight.max(manifestation.weight),
                    None => zones.push(Zone {
                        region: region.clone(),
                        side: zone_side,
                        weight: manifestation.weight,
                    }),
                }
            }
        }
        zones.sort_by(|a, b| {
            b.weight
                .cmp(&a.weight)
                .then_with(|| a.region.cmp(&b.region))
        });
        zones
    }
}
