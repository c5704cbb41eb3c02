//! The knowledge base: sources of referred symptoms and red flags, loaded from the data
//! files in `assets/knowledge/` and checked against the shared vocabulary.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::vocabulary::{RegionPresence, normalize_term};
use crate::model::{KindCode, RegionCode, Side, Vocabulary};

/// The knowledge files by name, as embedded in the binary.
pub const SOURCE_FILES: [(&str, &str); 5] = [
    (
        "assets/knowledge/trigger_points.json",
        include_str!("../../assets/knowledge/trigger_points.json"),
    ),
    (
        "assets/knowledge/nerve_roots.json",
        include_str!("../../assets/knowledge/nerve_roots.json"),
    ),
    (
        "assets/knowledge/peripheral_nerves.json",
        include_str!("../../assets/knowledge/peripheral_nerves.json"),
    ),
    (
        "assets/knowledge/joints.json",
        include_str!("../../assets/knowledge/joints.json"),
    ),
    (
        "assets/knowledge/visceral.json",
        include_str!("../../assets/knowledge/visceral.json"),
    ),
];
pub const RED_FLAGS_FILE: (&str, &str) = (
    "assets/knowledge/red_flags.json",
    include_str!("../../assets/knowledge/red_flags.json"),
);
pub const WARNING_SIGNS_FILE: (&str, &str) = (
    "assets/knowledge/warning_signs.json",
    include_str!("../../assets/knowledge/warning_signs.json"),
);
pub const PRIORS_FILE: (&str, &str) = (
    "assets/knowledge/priors.json",
    include_str!("../../assets/knowledge/priors.json"),
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    TriggerPoint,
    NerveRoot,
    PeripheralNerve,
    Joint,
    Visceral,
}

impl SourceKind {
    pub fn code(self) -> &'static str {
        match self {
            SourceKind::TriggerPoint => "trigger_point",
            SourceKind::NerveRoot => "nerve_root",
            SourceKind::PeripheralNerve => "peripheral_nerve",
            SourceKind::Joint => "joint",
            SourceKind::Visceral => "visceral",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SourceKind::TriggerPoint => "trigger point",
            SourceKind::NerveRoot => "nerve root",
            SourceKind::PeripheralNerve => "peripheral nerve",
            SourceKind::Joint => "joint",
            SourceKind::Visceral => "visceral",
        }
    }

    /// Nerve roots and peripheral nerves explain numbness, weakness and reflex change.
    pub fn is_neural(self) -> bool {
        matches!(self, SourceKind::NerveRoot | SourceKind::PeripheralNerve)
    }

    fn id_prefix(self) -> &'static str {
        match self {
            SourceKind::TriggerPoint => "tp_",
            SourceKind::NerveRoot => "root_",
            SourceKind::PeripheralNerve => "nerve_",
            SourceKind::Joint => "joint_",
            SourceKind::Visceral => "viscera_",
        }
    }
}

/// How a source's zones relate to its side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceLaterality {
    /// Zones on the source's own side; a hypothesis is made per side.
    Ipsilateral,
    /// One source for both sides (the pancreas, the aorta).
    Midline,
    /// Zones carry their own side (the heart's left arm).
    Fixed,
}

/// How typical a manifestation is of its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    Rare,
    Spillover,
    Essential,
}

impl Weight {
    /// How likely the source, at work, is to produce a finding of this weight: the
    /// noisy-OR link strength, and so how much the finding's presence supports it and its
    /// absence counts against it. The knowledge base grades typicality in words, not
    /// measured rates: these figures are a modelling choice, below 1 so that no single
    /// absent finding rules a source out.
    pub fn strength(self) -> f64 {
        match self {
            Weight::Essential => 0.7,
            Weight::Spillover => 0.3,
            Weight::Rare => 0.08,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Weight::Essential => "essential",
            Weight::Spillover => "spillover",
            Weight::Rare => "rare",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifestation {
    pub kinds: Vec<KindCode>,
    #[serde(default)]
    pub regions: Vec<RegionCode>,
    #[serde(default)]
    pub tests: Vec<String>,
    pub weight: Weight,
    /// For `fixed` sources: the side these zones are on.
    #[serde(default)]
    pub side: Option<Side>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub name: String,
    pub kind: SourceKind,
    #[serde(default)]
    pub structure: Vec<String>,
    pub laterality: SourceLaterality,
    pub manifestations: Vec<Manifestation>,
    #[serde(default)]
    pub perpetuating: Vec<String>,
    pub check: String,
    pub citations: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    sources: Vec<Source>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Emergency,
    SameDay,
    Soon,
    /// A referral within weeks: what the clinic must not forget, though nothing is urgent
    /// (a rheumatology opinion for inflammatory back pain).
    Routine,
}

impl Urgency {
    pub fn code(self) -> &'static str {
        match self {
            Urgency::Emergency => "emergency",
            Urgency::SameDay => "same_day",
            Urgency::Soon => "soon",
            Urgency::Routine => "routine",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Urgency::Emergency => "EMERGENCY: refer now",
            Urgency::SameDay => "SAME DAY: refer today",
            Urgency::Soon => "SOON: refer within days",
            Urgency::Routine => "ROUTINE: refer within weeks",
        }
    }
}

/// One thing a red-flag pattern looks for in the findings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub kinds: Vec<KindCode>,
    #[serde(default)]
    pub regions: Vec<RegionCode>,
    /// When given, the finding's charted onset must be one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub onset: Vec<crate::model::Onset>,
    /// When given, the finding's charted course must be one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub course: Vec<crate::model::Course>,
    /// When given, the finding must be charted as provoked by one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provoked_by: Vec<crate::model::Activity>,
    /// When given, the finding must be charted as eased by one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eased_by: Vec<crate::model::Activity>,
    /// When given, the finding must be one of these named tests ("Hoffmann"), compared
    /// as `normalize_test` compares them: a test charted without its name does not match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<String>,
    /// When given, the finding must be charted on one of these sides, a bilateral finding
    /// counting as left and as right: referred visceral pain keeps the organ's side (the
    /// gallbladder's to the right shoulder blade).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sides: Vec<crate::model::Side>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    #[serde(default)]
    pub all: Vec<Condition>,
    #[serde(default)]
    pub any: Vec<Condition>,
    #[serde(default)]
    pub min_any: Option<usize>,
    #[serde(default)]
    pub same_side: bool,
    #[serde(default)]
    pub history_any: Vec<String>,
    #[serde(default)]
    pub age_min: Option<u32>,
    #[serde(default)]
    pub age_max: Option<u32>,
    #[serde(default)]
    pub sex: Option<crate::model::Sex>,
    /// This pattern's own urgency, where it differs from the flag's: a flag raised by
    /// several patterns takes the most urgent of theirs.
    #[serde(default)]
    pub urgency: Option<Urgency>,
    /// Contrary evidence its citations name: when any of these is charted present, the
    /// pattern does not raise the flag but leaves it to screen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unless: Vec<Condition>,
}

/// One weighted feature of a flag's score: points (or a likelihood ratio's weight) from
/// the rule its citations give, negative for contrary evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feature {
    pub name: String,
    pub points: f64,
    /// What must hold: findings, history, age or sex, as a pattern says them.
    pub when: Pattern,
}

/// A flag as weighted criteria: raised when its features add up to `raise_at`, to screen
/// below that when a feature with positive points is present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Score {
    pub features: Vec<Feature>,
    pub raise_at: f64,
    pub citations: Vec<String>,
}

/// When a flag is worth settling though it is not raised, and what would settle it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Screen {
    /// Presentations that call for the questions, as patterns.
    #[serde(default)]
    pub when: Vec<Pattern>,
    /// The questions to ask and the exams to do, in the clinic's words.
    pub ask: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedFlag {
    pub id: String,
    pub title: String,
    pub urgency: Urgency,
    pub refer_to: String,
    pub avoid: Vec<String>,
    pub why: String,
    pub patterns: Vec<Pattern>,
    pub citations: Vec<String>,
    /// What raises it across visits rather than at one (`src/reasoner/course/`); a flag
    /// read only across visits has no patterns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course: Option<CourseCriteria>,
    /// Weighted criteria, beside the patterns that raise the flag alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
    /// What to ask or examine when the flag is to screen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen: Option<Screen>,
}

/// The thresholds a flag read across visits is raised at, as its citations give them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseCriteria {
    /// A strength grade (MRC) that drops by this many whole grades or more.
    #[serde(default)]
    pub strength_drop_grades: Option<u8>,
    /// A tendon reflex that falls from this grade or above to below it (2 for 2+).
    #[serde(default)]
    pub reflex_below: Option<u8>,
    /// A rated symptom no better by a real change after this many days of care...
    #[serde(default)]
    pub no_better_days: Option<i64>,
    /// ...rated at this many visits or more...
    #[serde(default)]
    pub rated_visits: Option<usize>,
    /// ...and still rated this or more at the last.
    #[serde(default)]
    pub still_rated_at_least: Option<u8>,
    /// Numbness or tingling that reaches a place, or a side, it did not reach at an
    /// earlier visit of the episode.
    #[serde(default)]
    pub sensory_spread: bool,
    /// A finding new since the earlier visits of the episode, after symptoms charted then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_findings: Option<NewFindings>,
}

/// A symptom new at the latest visit (present there, at no earlier visit of the episode),
/// in a patient an earlier visit charted with `after`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewFindings {
    pub kinds: Vec<KindCode>,
    pub after: Condition,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RedFlagsFile {
    red_flags: Vec<RedFlag>,
}

/// One sign of a source's irritation, as it is charted: any of `kinds` at any of
/// `regions` (or a finer region under one of them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sign {
    pub name: String,
    pub kinds: Vec<KindCode>,
    pub regions: Vec<RegionCode>,
}

/// The signs of a source's irritation that build up over visits before a structure it
/// supplies gives way: for the S1 root, a tight, twitching calf before a calf strain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarningSigns {
    /// The id of the source whose irritation the signs show.
    pub source: String,
    /// What is at risk, in a clinician's words.
    pub at_risk: String,
    pub signs: Vec<Sign>,
    /// How many different signs, seen within `window_days` of a visit, are enough to say so.
    pub min_signs: usize,
    pub window_days: u32,
    pub why: String,
    #[serde(default)]
    pub note: Option<String>,
    pub citations: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WarningSignsFile {
    warning_signs: Vec<WarningSigns>,
}

/// Each source class's base rate, where no figure for the single source is cited.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassPriors {
    trigger_point: f64,
    nerve_root: f64,
    peripheral_nerve: f64,
    joint: f64,
    visceral: f64,
    note: String,
}

impl ClassPriors {
    fn of(&self, kind: SourceKind) -> f64 {
        match kind {
            SourceKind::TriggerPoint => self.trigger_point,
            SourceKind::NerveRoot => self.nerve_root,
            SourceKind::PeripheralNerve => self.peripheral_nerve,
            SourceKind::Joint => self.joint,
            SourceKind::Visceral => self.visceral,
        }
    }
}

/// Sources of one class whose relative frequencies are known (the cervical root levels):
/// each gets the class prior times the number of levels times its share.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelGroup {
    name: String,
    note: String,
    shares: BTreeMap<String, f64>,
    citations: Vec<String>,
}

/// History that makes a source likelier: its prior odds are multiplied by `odds_ratio`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryOdds {
    pub flag: String,
    pub source: String,
    pub odds_ratio: f64,
    pub why: String,
    pub citations: Vec<String>,
}

/// An age band in which a source is likelier (or less likely) than its base rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeBand {
    pub from: u32,
    pub to: u32,
    pub ratio: f64,
}

/// How a patient's sex and age change some sources' base rates: each one's prior odds are
/// multiplied by the ratio for the patient's sex and by that of the age band they are in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatientOdds {
    pub name: String,
    pub sources: Vec<String>,
    /// By sex code (`male`, `female`); a sex not listed keeps the base rate.
    #[serde(default)]
    pub sex: BTreeMap<String, f64>,
    #[serde(default)]
    pub age_bands: Vec<AgeBand>,
    pub why: String,
    pub citations: Vec<String>,
}

impl PatientOdds {
    /// The ratio this patient's prior odds of each of `sources` are multiplied by.
    pub fn ratio(&self, sex: crate::model::Sex, age: Option<u32>) -> f64 {
        let by_sex = self.sex.get(sex.code()).copied().unwrap_or(1.0);
        let by_age = age
            .and_then(|age| {
                self.age_bands
                    .iter()
                    .find(|band| band.from <= age && age <= band.to)
            })
            .map_or(1.0, |band| band.ratio);
        by_sex * by_age
    }
}

/// A single source's own base rate, where one is cited: it replaces the class prior.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaseRate {
    source: String,
    prior: f64,
    why: String,
    citations: Vec<String>,
}

/// How often a finding turns up among the clinic's patients with none of the sources in
/// the knowledge base at work: its leak, in place of the background when it is known to be
/// common (night pain in back pain). A finding of one of `kinds` at one of `regions` (or a
/// finer region under one; any region when none is listed) has this chance of `leak`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingBackground {
    pub kinds: Vec<KindCode>,
    #[serde(default)]
    pub regions: Vec<RegionCode>,
    pub leak: f64,
    pub why: String,
    pub citations: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PriorsFile {
    #[serde(rename = "about")]
    _about: String,
    class_priors: ClassPriors,
    #[serde(default)]
    base_rates: Vec<BaseRate>,
    level_groups: Vec<LevelGroup>,
    #[serde(default)]
    backgrounds: Vec<FindingBackground>,
    #[serde(default)]
    patient: Vec<PatientOdds>,
    history: Vec<HistoryOdds>,
}

/// A problem in a knowledge file, naming the file and the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KnowledgeError {
    #[error("{file}: {message}")]
    Malformed { file: String, message: String },
    #[error("{file}: entry `{entry}`: {message}")]
    Entry {
        file: String,
        entry: String,
        message: String,
    },
}

/// The texts of the knowledge files, so that a checker can load edited copies.
#[derive(Debug, Clone)]
pub struct KnowledgeFiles<'a> {
    pub sources: Vec<(&'a str, &'a str)>,
    pub red_flags: (&'a str, &'a str),
    pub warning_signs: (&'a str, &'a str),
    pub priors: (&'a str, &'a str),
}

impl KnowledgeFiles<'static> {
    pub fn builtin() -> Self {
        KnowledgeFiles {
            sources: SOURCE_FILES.to_vec(),
            red_flags: RED_FLAGS_FILE,
            warning_signs: WARNING_SIGNS_FILE,
            priors: PRIORS_FILE,
        }
    }
}

/// The loaded knowledge base. Sources are kept in id order, so everything computed from
/// them is deterministic.
#[derive(Debug, Clone)]
pub struct KnowledgeBase {
    pub vocabulary: Vocabulary,
    pub sources: Vec<Source>,
    pub red_flags: Vec<RedFlag>,
    /// Signs that build up before an injury, by source id.
    pub warning_signs: Vec<WarningSigns>,
    /// Which file each source came from, by index.
    pub source_files: Vec<String>,
    /// Each source's base rate, by index: how likely it is at work before any finding.
    pub priors: Vec<f64>,
    /// History that raises a source's prior odds.
    pub history_odds: Vec<HistoryOdds>,
    /// How sex and age change some sources' prior odds.
    pub patient_odds: Vec<PatientOdds>,
    /// Findings known to be common without any source at work, and how common.
    pub backgrounds: Vec<FindingBackground>,
    /// What the cited base rates (the root levels' shares, single sources' rates) come from.
    pub prior_citations: Vec<String>,
}

impl KnowledgeBase {
    /// The knowledge base built into this binary; its files are checked by the tests.
    pub fn builtin() -> &'static KnowledgeBase {
        static BUILTIN: std::sync::OnceLock<KnowledgeBase> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| {
            match KnowledgeBase::load(Vocabulary::builtin().clone(), &KnowledgeFiles::builtin()) {
                Ok(knowledge) => knowledge,
                Err(error) => panic!("the built-in knowledge base is invalid: {error}"),
            }
        })
    }

    pub fn load(
        vocabulary: Vocabulary,
        files: &KnowledgeFiles<'_>,
    ) -> Result<KnowledgeBase, KnowledgeError> {
        let mut sources: Vec<(String, Source)> = Vec::new();
        for (file, text) in &files.sources {
            let parsed: SourcesFile = parse(file, text)?;
            for source in parsed.sources {
                check_source(&vocabulary, file, &source)?;
                sources.push(((*file).to_owned(), source));
            }
        }
        let mut ids = BTreeSet::new();
        for (file, source) in &sources {
            if !ids.insert(source.id.clone()) {
                return Err(entry_error(file, &source.id, "duplicate id"));
            }
        }
        sources.sort_by(|a, b| a.1.id.cmp(&b.1.id));

        let (flags_file, flags_text) = files.red_flags;
        let parsed: RedFlagsFile = parse(flags_file, flags_text)?;
        let mut flag_ids = BTreeSet::new();
        for flag in &parsed.red_flags {
            if !flag_ids.insert(flag.id.clone()) {
                return Err(entry_error(flags_file, &flag.id, "duplicate id"));
            }
            check_red_flag(&vocabulary, flags_file, flag)?;
        }
        let mut red_flags = parsed.red_flags;
        red_flags.sort_by(|a, b| a.urgency.cmp(&b.urgency).then_with(|| a.id.cmp(&b.id)));

        let (source_files, sources): (Vec<String>, Vec<Source>) = sources.into_iter().unzip();

        let (signs_file, signs_text) = files.warning_signs;
        let parsed: WarningSignsFile = parse(signs_file, signs_text)?;
        let mut signs_ids = BTreeSet::new();
        for entry in &parsed.warning_signs {
            if !signs_ids.insert(entry.source.clone()) {
                return Err(entry_error(signs_file, &entry.source, "duplicate source"));
            }
            let source = sources
                .binary_search_by(|s| s.id.as_str().cmp(&entry.source))
                .ok()
                .map(|i| &sources[i]);
            check_warning_signs(&vocabulary, signs_file, entry, source)?;
        }
        let mut warning_signs = parsed.warning_signs;
        warning_signs.sort_by(|a, b| a.source.cmp(&b.source));

        let (priors_file, priors_text) = files.priors;
        let parsed: PriorsFile = parse(priors_file, priors_text)?;
        let prior_citations = parsed
            .level_groups
            .iter()
            .flat_map(|g| g.citations.iter().cloned())
            .chain(
                parsed
                    .base_rates
                    .iter()
                    .flat_map(|b| b.citations.iter().cloned()),
            )
            .collect();
        let (priors, history_odds, patient_odds, backgrounds) =
            check_priors(&vocabulary, priors_file, parsed, &sources)?;

        Ok(KnowledgeBase {
            vocabulary,
            sources,
            red_flags,
            warning_signs,
            source_files,
            priors,
            history_odds,
            patient_odds,
            backgrounds,
            prior_citations,
        })
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources
            .binary_search_by(|source| source.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.sources[i])
    }

    /// Every citation in the knowledge base with how many entries cite it.
    pub fn citations(&self) -> BTreeMap<&str, usize> {
        let mut citations = BTreeMap::new();
        let all = self
            .sources
            .iter()
            .flat_map(|s| &s.citations)
            .chain(self.red_flags.iter().flat_map(|f| &f.citations))
            .chain(self.warning_signs.iter().flat_map(|w| &w.citations))
            .chain(self.history_odds.iter().flat_map(|h| &h.citations))
            .chain(self.patient_odds.iter().flat_map(|p| &p.citations))
            .chain(self.backgrounds.iter().flat_map(|b| &b.citations))
            .chain(&self.prior_citations);
        for citation in all {
            *citations.entry(citation.as_str()).or_insert(0) += 1;
        }
        citations
    }
}

fn parse<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, KnowledgeError> {
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        KnowledgeError::Malformed {
            file: file.to_owned(),
            message: format!("at `{path}`: {inner}"),
        }
    })
}

fn entry_error(file: &str, entry: &str, message: &str) -> KnowledgeError {
    KnowledgeError::Entry {
        file: file.to_owned(),
        entry: entry.to_owned(),
        message: message.to_owned(),
    }
}

fn check_kind(
    vocabulary: &Vocabulary,
    file: &str,
    entry: &str,
    kind: &KindCode,
) -> Result<(), KnowledgeError> {
    if vocabulary.kind(kind).is_none() {
        let hint = vocabulary
            .find_kind(kind.as_str())
            .map(|k| format!("; the code for that is `{}`", k.code))
            .unwrap_or_default();
        return Err(entry_error(
            file,
            entry,
            &format!("unknown finding kind `{kind}`{hint}"),
        ));
    }
    Ok(())
}

fn check_region(
    vocabulary: &Vocabulary,
    file: &str,
    entry: &str,
    region: &RegionCode,
) -> Result<(), KnowledgeError> {
    if vocabulary.region(region).is_none() {
        let hint = match vocabulary.find_region(region.as_str()) {
            Ok(known) => format!("; the code for that is `{}`", known.code),
            Err(unknown) => unknown
                .suggestions
                .first()
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default(),
        };
        return Err(entry_error(
            file,
            entry,
            &format!("unknown region `{region}`{hint}"),
        ));
    }
    Ok(())
}

fn check_source(
    vocabulary: &Vocabulary,
    file: &str,
    source: &Source,
) -> Result<(), KnowledgeError> {
    let id = source.id.as_str();
    if !source.id.starts_with(source.kind.id_prefix()) {
        return Err(entry_error(
            file,
            id,
            &format!(
                "a {} id starts with `{}`",
                source.kind.label(),
                source.kind.id_prefix()
            ),
        ));
    }
    if source.citations.iter().all(|c| c.trim().is_empty()) {
        return Err(entry_error(file, id, "no citation"));
    }
    if source.check.trim().is_empty() {
        return Err(entry_error(
            file,
            id,
            "no `check`: say how to examine for it",
        ));
    }
    if !source
        .manifestations
        .iter()
        .any(|m| m.weight == Weight::Essential)
    {
        return Err(entry_error(file, id, "no essential manifestation"));
    }
    if source.kind == SourceKind::NerveRoot {
        check_root_maps(file, source)?;
    }
    for (position, manifestation) in source.manifestations.iter().enumerate() {
        let at = format!("{id}` manifestation {position} `");
        if manifestation.kinds.is_empty() {
            return Err(entry_error(file, &at, "no kinds"));
        }
        for kind in &manifestation.kinds {
            check_kind(vocabulary, file, &at, kind)?;
        }
        for region in &manifestation.regions {
            check_region(vocabulary, file, &at, region)?;
        }
        match (source.laterality, manifestation.side) {
            (SourceLaterality::Fixed, None) if !manifestation.regions.is_empty() => {
                return Err(entry_error(
                    file,
                    &at,
                    "a fixed-side source gives each zone a side",
                ));
            }
            (SourceLaterality::Fixed, Some(side)) => {
                // A zone on a side the region does not have.
                for region in &manifestation.regions {
                    let laterality = vocabulary.region(region).map(|r| r.laterality);
                    if laterality.is_some_and(|l| !l.allows(side)) {
                        return Err(entry_error(
                            file,
                            &at,
                            &format!("zone `{region}` has no {} side", side.code()),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The finding kinds a root's dermatome explains: what a sensory examination finds.
pub const DERMATOME_KINDS: [&str; 2] = ["numbness", "paresthesia"];
/// The finding kinds a root's radicular pain map explains: pain is often broader than the
/// dermatome and non-dermatomal (Murphy et al. 2009; Taylor et al. 2013).
pub const PAIN_KINDS: [&str; 4] = ["pain", "ache", "burning", "headache"];

/// A root keeps its dermatome and its radicular pain map apart: no manifestation explains
/// both numbness and pain, and a root with a dermatome has a pain map too, so that pain is
/// never read against the dermatome.
fn check_root_maps(file: &str, source: &Source) -> Result<(), KnowledgeError> {
    let has =
        |m: &Manifestation, kinds: &[&str]| m.kinds.iter().any(|k| kinds.contains(&k.as_str()));
    for (position, manifestation) in source.manifestations.iter().enumerate() {
        if has(manifestation, &DERMATOME_KINDS) && has(manifestation, &PAIN_KINDS) {
            return Err(entry_error(
                file,
                &format!("{}` manifestation {position} `", source.id),
                "a root's dermatome (numbness, paresthesia) and its radicular pain map (pain, ache, burning) are separate manifestations",
            ));
        }
    }
    let dermatome = source
        .manifestations
        .iter()
        .any(|m| has(m, &DERMATOME_KINDS) && !m.regions.is_empty());
    let pain_map = source
        .manifestations
        .iter()
        .any(|m| has(m, &PAIN_KINDS) && !m.regions.is_empty());
    if dermatome && !pain_map {
        return Err(entry_error(
            file,
            &source.id,
            "a dermatome without a radicular pain map: say where this root's pain goes",
        ));
    }
    Ok(())
}

fn check_red_flag(
    vocabulary: &Vocabulary,
    file: &str,
    flag: &RedFlag,
) -> Result<(), KnowledgeError> {
    let id = flag.id.as_str();
    if flag.citations.iter().all(|c| c.trim().is_empty()) {
        return Err(entry_error(file, id, "no citation"));
    }
    if flag.refer_to.trim().is_empty() {
        return Err(entry_error(file, id, "no `refer_to`: say whom to refer to"));
    }
    // The clinic acts on a flag before the patient is seen elsewhere: it must say what not
    // to do meanwhile (no neck manipulation, no deep calf massage).
    if flag.avoid.iter().all(|a| a.trim().is_empty()) {
        return Err(entry_error(
            file,
            id,
            "no `avoid`: say what not to do meanwhile",
        ));
    }
    match &flag.course {
        None if flag.patterns.is_empty() => {
            return Err(entry_error(file, id, "no patterns"));
        }
        Some(course) => {
            let deficit = course.strength_drop_grades.is_some()
                || course.reflex_below.is_some()
                || course.sensory_spread;
            if let Some(new) = &course.new_findings {
                let at = format!("{id}` course `new_findings");
                if new.kinds.is_empty() {
                    return Err(entry_error(file, &at, "names no finding kind"));
                }
                for kind in new.kinds.iter().chain(&new.after.kinds) {
                    check_kind(vocabulary, file, &at, kind)?;
                }
                for region in &new.after.regions {
                    check_region(vocabulary, file, &at, region)?;
                }
            }
            let deficit = deficit || course.new_findings.is_some();
            let no_better = [
                course.no_better_days.is_some(),
                course.rated_visits.is_some(),
                course.still_rated_at_least.is_some(),
            ];
            if !deficit && !no_better.contains(&true) {
                return Err(entry_error(file, id, "a `course` with no criterion"));
            }
            if no_better.contains(&true) && no_better.contains(&false) {
                return Err(entry_error(
                    file,
                    id,
                    "`no_better_days`, `rated_visits` and `still_rated_at_least` go together",
                ));
            }
        }
        None => {}
    }
    for (position, pattern) in flag.patterns.iter().enumerate() {
        let at = format!("{id}` pattern {position} `");
        if pattern.all.is_empty() && pattern.any.is_empty() {
            return Err(entry_error(
                file,
                &at,
                "a pattern needs findings in `all` or `any`",
            ));
        }
        check_pattern(vocabulary, file, &at, pattern)?;
    }
    if let Some(score) = &flag.score {
        if score.citations.iter().all(|c| c.trim().is_empty()) {
            return Err(entry_error(file, id, "a `score` without its citation"));
        }
        if score.raise_at <= 0.0 || !score.raise_at.is_finite() {
            return Err(entry_error(file, id, "a `score` needs `raise_at` above 0"));
        }
        let most: f64 = score
            .features
            .iter()
            .map(|f| f.points)
            .filter(|p| *p > 0.0)
            .sum();
        if most < score.raise_at {
            return Err(entry_error(
                file,
                id,
                "a `score` whose features can never reach `raise_at`",
            ));
        }
        for feature in &score.features {
            let at = format!("{id}` feature `{}", feature.name);
            let when = &feature.when;
            let says_something = !when.all.is_empty()
                || !when.any.is_empty()
                || !when.history_any.is_empty()
                || when.age_min.is_some()
                || when.age_max.is_some()
                || when.sex.is_some();
            if !says_something || feature.points == 0.0 || !feature.points.is_finite() {
                return Err(entry_error(
                    file,
                    &at,
                    "a feature needs a criterion and points other than 0",
                ));
            }
            check_pattern(vocabulary, file, &at, when)?;
        }
    }
    if let Some(screen) = &flag.screen {
        if screen.ask.iter().all(|a| a.trim().is_empty()) {
            return Err(entry_error(file, id, "a `screen` that asks nothing"));
        }
        for (position, pattern) in screen.when.iter().enumerate() {
            let at = format!("{id}` screen pattern {position} `");
            if pattern.all.is_empty() && pattern.any.is_empty() {
                return Err(entry_error(
                    file,
                    &at,
                    "a pattern needs findings in `all` or `any`",
                ));
            }
            check_pattern(vocabulary, file, &at, pattern)?;
        }
    }
    Ok(())
}

/// A pattern's counts, history and every condition's terms are ones the record can hold.
fn check_pattern(
    vocabulary: &Vocabulary,
    file: &str,
    at: &str,
    pattern: &Pattern,
) -> Result<(), KnowledgeError> {
    if pattern.min_any.unwrap_or(0) > pattern.any.len() {
        return Err(entry_error(
            file,
            at,
            "`min_any` is more than the conditions in `any`",
        ));
    }
    for history in &pattern.history_any {
        if vocabulary.history_flag(history).is_none() {
            return Err(entry_error(
                file,
                at,
                &format!("unknown history flag `{history}`"),
            ));
        }
    }
    if pattern
        .age_min
        .zip(pattern.age_max)
        .is_some_and(|(min, max)| min > max)
    {
        return Err(entry_error(file, at, "`age_min` is above `age_max`"));
    }
    for condition in pattern
        .all
        .iter()
        .chain(&pattern.any)
        .chain(&pattern.unless)
    {
        if condition.kinds.is_empty() {
            return Err(entry_error(file, at, "a condition names no finding kind"));
        }
        if condition.tests.iter().any(|t| normalize_test(t).is_empty()) {
            return Err(entry_error(file, at, "an empty test name"));
        }
        for kind in &condition.kinds {
            check_kind(vocabulary, file, at, kind)?;
        }
        for region in &condition.regions {
            check_region(vocabulary, file, at, region)?;
        }
        let takes_region = condition.kinds.iter().any(|k| {
            vocabulary
                .kind(k)
                .is_some_and(|k| k.region != RegionPresence::None)
        });
        if !condition.regions.is_empty() && !takes_region {
            return Err(entry_error(
                file,
                at,
                "regions given for kinds that have none",
            ));
        }
        // A side no finding of these kinds at these regions can be charted on would never
        // match: the criterion could not be evaluated.
        let side_chartable = |side: &Side| {
            takes_region
                && (condition.regions.is_empty()
                    || condition.regions.iter().any(|code| {
                        vocabulary
                            .region(code)
                            .is_some_and(|region| region.laterality.allows(*side))
                    }))
        };
        if !condition.sides.is_empty() && !condition.sides.iter().any(side_chartable) {
            return Err(entry_error(
                file,
                at,
                "`sides` no finding of these kinds and regions can be charted on",
            ));
        }
    }
    Ok(())
}

fn check_warning_signs(
    vocabulary: &Vocabulary,
    file: &str,
    entry: &WarningSigns,
    source: Option<&Source>,
) -> Result<(), KnowledgeError> {
    let id = entry.source.as_str();
    let Some(source) = source else {
        return Err(entry_error(file, id, &format!("unknown source `{id}`")));
    };
    if entry.citations.iter().all(|c| c.trim().is_empty()) {
        return Err(entry_error(file, id, "no citation"));
    }
    if entry.at_risk.trim().is_empty() {
        return Err(entry_error(file, id, "no `at_risk`: say what is at risk"));
    }
    if entry.signs.is_empty() {
        return Err(entry_error(file, id, "no signs"));
    }
    if entry.min_signs == 0 || entry.min_signs > entry.signs.len() {
        return Err(entry_error(
            file,
            id,
            "`min_signs` must be between 1 and the number of signs",
        ));
    }
    if entry.window_days == 0 {
        return Err(entry_error(file, id, "`window_days` must be at least 1"));
    }
    for sign in &entry.signs {
        let at = format!("{id}` sign `{}", sign.name);
        if sign.name.trim().is_empty() {
            return Err(entry_error(file, id, "a sign without a name"));
        }
        if sign.kinds.is_empty() || sign.regions.is_empty() {
            return Err(entry_error(file, &at, "a sign names kinds and regions"));
        }
        for kind in &sign.kinds {
            check_kind(vocabulary, file, &at, kind)?;
        }
        for region in &sign.regions {
            check_region(vocabulary, file, &at, region)?;
        }
        // A sign the source is not known to produce would be a sign of something else.
        for kind in &sign.kinds {
            for region in &sign.regions {
                let produced = source.manifestations.iter().any(|m| {
                    m.kinds.contains(kind)
                        && m.regions
                            .iter()
                            .any(|zone| vocabulary.region_within(region, zone))
                });
                if !produced {
                    return Err(entry_error(
                        file,
                        &at,
                        &format!("`{id}` has no manifestation of {kind} at {region}"),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// What the priors file gives once checked: each source's base rate, the history that
/// raises it, how sex and age change it, and the findings common without any source.
type CheckedPriors = (
    Vec<f64>,
    Vec<HistoryOdds>,
    Vec<PatientOdds>,
    Vec<FindingBackground>,
);

/// Each source's prior from the priors file, checked: every level names a known source
/// of one class, shares and priors are proportions, every history names a known flag.
fn check_priors(
    vocabulary: &Vocabulary,
    file: &str,
    parsed: PriorsFile,
    sources: &[Source],
) -> Result<CheckedPriors, KnowledgeError> {
    let class = &parsed.class_priors;
    let proportion = |p: f64| p > 0.0 && p < 1.0;
    for kind in [
        SourceKind::TriggerPoint,
        SourceKind::NerveRoot,
        SourceKind::PeripheralNerve,
        SourceKind::Joint,
        SourceKind::Visceral,
    ] {
        if !proportion(class.of(kind)) {
            return Err(entry_error(
                file,
                kind.code(),
                "a class prior is a proportion between 0 and 1",
            ));
        }
    }
    if class.note.trim().is_empty() {
        return Err(entry_error(
            file,
            "class_priors",
            "say where the figures come from",
        ));
    }
    let index = |id: &str| sources.binary_search_by(|s| s.id.as_str().cmp(id)).ok();
    let mut priors: Vec<f64> = sources.iter().map(|s| class.of(s.kind)).collect();
    let mut assigned = BTreeSet::new();
    for rate in &parsed.base_rates {
        let Some(i) = index(&rate.source) else {
            return Err(entry_error(
                file,
                &rate.source,
                &format!("unknown source `{}`", rate.source),
            ));
        };
        if rate.citations.iter().all(|c| c.trim().is_empty()) || rate.why.trim().is_empty() {
            return Err(entry_error(file, &rate.source, "no citation or `why`"));
        }
        if !proportion(rate.prior) {
            return Err(entry_error(
                file,
                &rate.source,
                "a base rate is a proportion between 0 and 1",
            ));
        }
        if !assigned.insert(i) {
            return Err(entry_error(
                file,
                &rate.source,
                "given more than one base rate",
            ));
        }
        priors[i] = rate.prior;
    }
    for group in &parsed.level_groups {
        if group.citations.iter().all(|c| c.trim().is_empty()) || group.note.trim().is_empty() {
            return Err(entry_error(file, &group.name, "no citation or note"));
        }
        let total: f64 = group.shares.values().sum();
        if (total - 1.0).abs() > 0.01 || group.shares.values().any(|&s| !proportion(s)) {
            return Err(entry_error(
                file,
                &group.name,
                &format!("shares are proportions that add up to 1 (they add up to {total})"),
            ));
        }
        let levels = group.shares.len() as f64;
        let mut kinds = BTreeSet::new();
        for (id, share) in &group.shares {
            let Some(i) = index(id) else {
                return Err(entry_error(
                    file,
                    &group.name,
                    &format!("unknown source `{id}`"),
                ));
            };
            if !assigned.insert(i) {
                return Err(entry_error(
                    file,
                    id,
                    "in more than one group, or in a group and given a base rate",
                ));
            }
            kinds.insert(sources[i].kind);
            priors[i] = class.of(sources[i].kind) * levels * share;
            if !proportion(priors[i]) {
                return Err(entry_error(file, id, "its prior is not a proportion"));
            }
        }
        if kinds.len() > 1 {
            return Err(entry_error(file, &group.name, "levels of one class only"));
        }
    }
    for history in &parsed.history {
        let at = format!("{} for {}", history.flag, history.source);
        if vocabulary.history_flag(&history.flag).is_none() {
            return Err(entry_error(
                file,
                &at,
                &format!("unknown history flag `{}`", history.flag),
            ));
        }
        if index(&history.source).is_none() {
            return Err(entry_error(
                file,
                &at,
                &format!("unknown source `{}`", history.source),
            ));
        }
        if !(history.odds_ratio.is_finite() && history.odds_ratio > 0.0) {
            return Err(entry_error(file, &at, "an odds ratio is a positive number"));
        }
        if history.citations.iter().all(|c| c.trim().is_empty()) {
            return Err(entry_error(file, &at, "no citation"));
        }
    }
    for patient in &parsed.patient {
        let at = patient.name.as_str();
        if patient.citations.iter().all(|c| c.trim().is_empty()) || patient.why.trim().is_empty() {
            return Err(entry_error(file, at, "no citation or `why`"));
        }
        if let Some(unknown) = patient.sources.iter().find(|id| index(id).is_none()) {
            return Err(entry_error(
                file,
                at,
                &format!("unknown source `{unknown}`"),
            ));
        }
        let known_sex = |code: &str| crate::model::Sex::ALL.iter().any(|s| s.code() == code);
        if let Some(unknown) = patient.sex.keys().find(|code| !known_sex(code)) {
            return Err(entry_error(file, at, &format!("unknown sex `{unknown}`")));
        }
        let ratios = patient
            .sex
            .values()
            .chain(patient.age_bands.iter().map(|b| &b.ratio));
        if ratios.clone().any(|r| !(r.is_finite() && *r > 0.0)) {
            return Err(entry_error(file, at, "a ratio is a positive number"));
        }
        if patient.age_bands.iter().any(|b| b.from > b.to) {
            return Err(entry_error(file, at, "an age band runs from its lower age"));
        }
    }
    for background in &parsed.backgrounds {
        let at = background
            .kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        if background.citations.iter().all(|c| c.trim().is_empty())
            || background.why.trim().is_empty()
        {
            return Err(entry_error(file, &at, "no citation or `why`"));
        }
        if background.kinds.is_empty() {
            return Err(entry_error(file, "backgrounds", "names no finding kind"));
        }
        if let Some(kind) = background
            .kinds
            .iter()
            .find(|k| vocabulary.kind(k).is_none())
        {
            return Err(entry_error(
                file,
                &at,
                &format!("unknown finding kind `{kind}`"),
            ));
        }
        if let Some(region) = background
            .regions
            .iter()
            .find(|r| vocabulary.region(r).is_none())
        {
            return Err(entry_error(
                file,
                &at,
                &format!("unknown region `{region}`"),
            ));
        }
        if !proportion(background.leak) {
            return Err(entry_error(
                file,
                &at,
                "a leak is a proportion between 0 and 1",
            ));
        }
    }
    Ok((priors, parsed.history, parsed.patient, parsed.backgrounds))
}

/// Test names compare without case, spaces or punctuation: "SLR" = "slr", "Straight-leg raise".
pub fn normalize_test(name: &str) -> String {
    normalize_term(name)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}
