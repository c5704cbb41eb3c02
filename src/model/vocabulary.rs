//! The one vocabulary of body regions, finding kinds and history flags that the store,
//! the reasoner and the body chart share. It is data in `assets/knowledge/`, embedded
//! in the binary and validated when loaded.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::{KindCode, RegionCode, Side};

const REGIONS_JSON: &str = include_str!("../../assets/knowledge/regions.json");
const FINDING_KINDS_JSON: &str = include_str!("../../assets/knowledge/finding_kinds.json");
const HISTORY_FLAGS_JSON: &str = include_str!("../../assets/knowledge/history_flags.json");

/// Which sides a region can be charted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Laterality {
    /// Limbs and face: left, right or bilateral.
    Paired,
    /// Spine and trunk: left, right, bilateral or midline.
    Axial,
    /// One midline structure: midline only.
    Single,
}

impl Laterality {
    pub fn allows(self, side: Side) -> bool {
        match self {
            Laterality::Paired => matches!(side, Side::Left | Side::Right | Side::Bilateral),
            Laterality::Axial => !matches!(side, Side::None),
            Laterality::Single => matches!(side, Side::Midline),
        }
    }

    /// The side to assume when none was given.
    pub fn default_side(self) -> Side {
        match self {
            Laterality::Paired => Side::Bilateral,
            Laterality::Axial | Laterality::Single => Side::Midline,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartView {
    Front,
    Back,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
    #[serde(default)]
    pub synonyms: Vec<String>,
    pub laterality: Laterality,
    pub views: Vec<ChartView>,
    #[serde(default)]
    pub parent: Option<RegionCode>,
    #[serde(default)]
    pub neighbours: Vec<RegionCode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KindCategory {
    Symptom,
    Sign,
    Test,
    Systemic,
}

/// Whether a finding kind is charted at a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionPresence {
    Required,
    Optional,
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingKind {
    pub code: KindCode,
    pub name: String,
    #[serde(default)]
    pub synonyms: Vec<String>,
    pub category: KindCategory,
    pub region: RegionPresence,
    pub intensity: bool,
    /// A sign of a nerve (numbness, weakness, reflex change, fasciculation): it points to
    /// nerve roots and peripheral nerves rather than to muscles or joints.
    #[serde(default)]
    pub neural: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryFlag {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub synonyms: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionsFile {
    #[serde(default)]
    sources: Vec<String>,
    regions: Vec<Region>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindsFile {
    kinds: Vec<FindingKind>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryFile {
    flags: Vec<HistoryFlag>,
}

/// A problem in a vocabulary file, naming the file and the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VocabularyError {
    #[error("{file}: {message}")]
    Malformed { file: String, message: String },
    #[error("{file}: entry `{entry}`: {message}")]
    Entry {
        file: String,
        entry: String,
        message: String,
    },
}

/// The texts of the three vocabulary files, so that a checker can load edited copies.
#[derive(Debug, Clone, Copy)]
pub struct VocabularySources<'a> {
    pub regions: &'a str,
    pub finding_kinds: &'a str,
    pub history_flags: &'a str,
}

impl VocabularySources<'static> {
    pub const BUILTIN: VocabularySources<'static> = VocabularySources {
        regions: REGIONS_JSON,
        finding_kinds: FINDING_KINDS_JSON,
        history_flags: HISTORY_FLAGS_JSON,
    };
}

pub const REGIONS_FILE: &str = "assets/knowledge/regions.json";
pub const FINDING_KINDS_FILE: &str = "assets/knowledge/finding_kinds.json";
pub const HISTORY_FLAGS_FILE: &str = "assets/knowledge/history_flags.json";

/// The loaded, validated vocabulary with its lookup tables.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    pub sources: Vec<String>,
    regions: Vec<Region>,
    kinds: Vec<FindingKind>,
    history_flags: Vec<HistoryFlag>,
    region_index: CodeIndex,
    /// Each region's index, then its parent's, up to the root: containment is asked on
    /// every finding of every visit of a course, so it is answered from here.
    region_lines: Vec<Vec<usize>>,
    kind_index: CodeIndex,
    history_index: CodeIndex,
    region_terms: BTreeMap<String, usize>,
    kind_terms: BTreeMap<String, usize>,
    history_terms: BTreeMap<String, usize>,
}

/// A term the vocabulary does not know, with the closest terms it does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{term}`{}", suggestion_text(.suggestions))]
pub struct UnknownTerm {
    pub what: &'static str,
    pub term: String,
    pub suggestions: Vec<String>,
}

fn suggestion_text(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    }
}

/// How terms are compared: case and surrounding or repeated spaces do not matter,
/// and `-` or `_` count as a space.
pub fn normalize_term(term: &str) -> String {
    term.split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

impl Vocabulary {
    /// The vocabulary built into this binary. Its files are checked by the tests, so a
    /// failure here is a build that should never have shipped.
    pub fn builtin() -> &'static Vocabulary {
        static BUILTIN: std::sync::OnceLock<Vocabulary> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| match Vocabulary::load(VocabularySources::BUILTIN) {
            Ok(vocabulary) => vocabulary,
            Err(error) => panic!("the built-in vocabulary is invalid: {error}"),
        })
    }

    pub fn load(sources: VocabularySources<'_>) -> Result<Vocabulary, VocabularyError> {
        let regions_file: RegionsFile = parse(REGIONS_FILE, sources.regions)?;
        let kinds_file: KindsFile = parse(FINDING_KINDS_FILE, sources.finding_kinds)?;
        let history_file: HistoryFile = parse(HISTORY_FLAGS_FILE, sources.history_flags)?;

        let region_index = index_codes(
            REGIONS_FILE,
            regions_file.regions.iter().map(|r| r.code.as_str()),
        )?;
        let kind_index = index_codes(
            FINDING_KINDS_FILE,
            kinds_file.kinds.iter().map(|k| k.code.as_str()),
        )?;
        let history_index = index_codes(
            HISTORY_FLAGS_FILE,
            history_file.flags.iter().map(|f| f.code.as_str()),
        )?;
        let region_terms = index_terms(
            REGIONS_FILE,
            regions_file
                .regions
                .iter()
                .map(|r| (r.code.as_str(), r.name.as_str(), r.synonyms.as_slice())),
        )?;
        let kind_terms = index_terms(
            FINDING_KINDS_FILE,
            kinds_file
                .kinds
                .iter()
                .map(|k| (k.code.as_str(), k.name.as_str(), k.synonyms.as_slice())),
        )?;
        let history_terms = index_terms(
            HISTORY_FLAGS_FILE,
            history_file
                .flags
                .iter()
                .map(|f| (f.code.as_str(), f.name.as_str(), f.synonyms.as_slice())),
        )?;

        check_regions(&regions_file.regions, &region_index)?;
        // Validation keeps the tree acyclic, so each line ends within the region count.
        let region_lines = (0..regions_file.regions.len())
            .map(|start| {
                let mut line = vec![start];
                let mut current = start;
                while let Some(parent) = regions_file.regions[current]
                    .parent
                    .as_ref()
                    .and_then(|p| region_index.get(p.as_str()))
                    .filter(|_| line.len() <= regions_file.regions.len())
                {
                    line.push(*parent);
                    current = *parent;
                }
                line
            })
            .collect();

        Ok(Vocabulary {
            sources: regions_file.sources,
            regions: regions_file.regions,
            kinds: kinds_file.kinds,
            history_flags: history_file.flags,
            region_index,
            region_lines,
            kind_index,
            history_index,
            region_terms,
            kind_terms,
            history_terms,
        })
    }

    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    pub fn kinds(&self) -> &[FindingKind] {
        &self.kinds
    }

    pub fn history_flags(&self) -> &[HistoryFlag] {
        &self.history_flags
    }

    pub fn region(&self, code: &RegionCode) -> Option<&Region> {
        self.region_index
            .get(code.as_str())
            .map(|&i| &self.regions[i])
    }

    pub fn kind(&self, code: &KindCode) -> Option<&FindingKind> {
        self.kind_index.get(code.as_str()).map(|&i| &self.kinds[i])
    }

    pub fn history_flag(&self, code: &str) -> Option<&HistoryFlag> {
        self.history_index
            .get(code)
            .map(|&i| &self.history_flags[i])
    }

    /// The display name of a region, or its code when the vocabulary lacks it.
    pub fn region_name<'a>(&'a self, code: &'a RegionCode) -> &'a str {
        self.region(code)
            .map_or(code.as_str(), |region| region.name.as_str())
    }

    pub fn kind_name<'a>(&'a self, code: &'a KindCode) -> &'a str {
        self.kind(code)
            .map_or(code.as_str(), |kind| kind.name.as_str())
    }

    pub fn history_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.history_flag(code)
            .map_or(code, |flag| flag.name.as_str())
    }

    /// A region by code, name or synonym, ignoring case.
    pub fn find_region(&self, term: &str) -> Result<&Region, UnknownTerm> {
        find(&self.region_terms, &self.regions, term, "region")
    }

    /// A finding kind by code, name or synonym, ignoring case.
    pub fn find_kind(&self, term: &str) -> Result<&FindingKind, UnknownTerm> {
        find(&self.kind_terms, &self.kinds, term, "finding kind")
    }

    pub fn find_history_flag(&self, term: &str) -> Result<&HistoryFlag, UnknownTerm> {
        find(
            &self.history_terms,
            &self.history_flags,
            term,
            "history flag",
        )
    }

    /// Whether `ancestor` is `region` or one of its coarser regions.
    /// Whether one of two regions lies within the other (either way), for code that asks it
    /// of many zones for one finding: `region`'s place is looked up once.
    pub fn regions_overlap<'a>(
        &self,
        region: &RegionCode,
        zones: impl IntoIterator<Item = &'a RegionCode>,
    ) -> bool {
        let Some(&at) = self.region_index.get(region.as_str()) else {
            return zones.into_iter().any(|zone| zone == region);
        };
        zones.into_iter().any(|zone| {
            self.region_index.get(zone.as_str()).is_some_and(|&other| {
                self.region_lines[at].contains(&other) || self.region_lines[other].contains(&at)
            })
        })
    }

    pub fn region_within(&self, region: &RegionCode, ancestor: &RegionCode) -> bool {
        if region == ancestor {
            return true;
        }
        match (
            self.region_index.get(region.as_str()),
            self.region_index.get(ancestor.as_str()),
        ) {
            (Some(&from), Some(&to)) => self.region_lines[from].contains(&to),
            _ => false,
        }
    }

    /// The finer regions directly under `region`.
    pub fn children<'a>(&'a self, region: &'a RegionCode) -> impl Iterator<Item = &'a Region> + 'a {
        self.regions
            .iter()
            .filter(move |candidate| candidate.parent.as_ref() == Some(region))
    }

    /// Checks a finding's kind, region and side against the vocabulary.
    pub fn check_finding(
        &self,
        kind: &KindCode,
        region: Option<&RegionCode>,
        side: Side,
    ) -> Result<(), String> {
        let Some(finding_kind) = self.kind(kind) else {
            return Err(match self.find_kind(kind.as_str()) {
                Ok(known) => format!(
                    "unknown finding kind `{kind}`; the code for that is `{}`",
                    known.code
                ),
                Err(unknown) => unknown.to_string(),
            });
        };
        match (finding_kind.region, region) {
            (RegionPresence::Required, None) => {
                Err(format!("a {} finding needs a region", finding_kind.name))
            }
            (RegionPresence::None, Some(region)) => Err(format!(
                "a {} finding has no region, but `{region}` was given",
                finding_kind.name
            )),
            (_, Some(region)) => {
                let Some(known) = self.region(region) else {
                    return Err(match self.find_region(region.as_str()) {
                        Ok(known) => format!(
                            "unknown region `{region}`; the code for that is `{}`",
                            known.code
                        ),
                        Err(unknown) => unknown.to_string(),
                    });
                };
                if known.laterality.allows(side) {
                    Ok(())
                } else {
                    Err(format!(
                        "the {} cannot be charted with side `{}`",
                        known.name,
                        side.code()
                    ))
                }
            }
            (_, None) => Ok(()),
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, VocabularyError> {
    serde_json::from_str(text).map_err(|error| VocabularyError::Malformed {
        file: file.to_owned(),
        message: error.to_string(),
    })
}

/// Codes to their position. Every finding of every visit of a course asks it what a code
/// is, so the hash is FNV-1a, quick on short codes, not the default SipHash meant for
/// untrusted keys: the codes come from the notebook's own knowledge files.
type CodeIndex = HashMap<String, usize, std::hash::BuildHasherDefault<Fnv1a>>;

/// FNV-1a, 64-bit (Fowler, Noll and Vo).
#[derive(Debug, Clone, Copy)]
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn index_codes<'a>(
    file: &str,
    codes: impl Iterator<Item = &'a str>,
) -> Result<CodeIndex, VocabularyError> {
    let mut index = CodeIndex::default();
    for (position, code) in codes.enumerate() {
        let well_formed = !code.is_empty()
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            return Err(entry_error(file, code, "a code is lower snake case"));
        }
        if index.insert(code.to_owned(), position).is_some() {
            return Err(entry_error(file, code, "duplicate code"));
        }
    }
    Ok(index)
}

fn index_terms<'a>(
    file: &str,
    entries: impl Iterator<Item = (&'a str, &'a str, &'a [String])>,
) -> Result<BTreeMap<String, usize>, VocabularyError> {
    let mut terms: BTreeMap<String, usize> = BTreeMap::new();
    let mut owners: Vec<&str> = Vec::new();
    for (position, (code, name, synonyms)) in entries.enumerate() {
        owners.push(code);
        let all = std::iter::once(code)
            .chain(std::iter::once(name))
            .chain(synonyms.iter().map(String::as_str));
        let mut own = BTreeSet::new();
        for term in all {
            let normalized = normalize_term(term);
            if normalized.is_empty() {
                return Err(entry_error(file, code, "empty name or synonym"));
            }
            if !own.insert(normalized.clone()) {
                continue;
            }
            if let Some(&other) = terms.get(&normalized) {
                return Err(entry_error(
                    file,
                    code,
                    &format!(
                        "`{term}` is already a name or synonym of `{}`",
                        owners[other]
                    ),
                ));
            }
            terms.insert(normalized, position);
        }
    }
    Ok(terms)
}

fn check_regions(regions: &[Region], index: &CodeIndex) -> Result<(), VocabularyError> {
    for region in regions {
        let code = region.code.as_str();
        if region.views.is_empty() {
            return Err(entry_error(REGIONS_FILE, code, "no body-chart view"));
        }
        if let Some(parent) = &region.parent
            && !index.contains_key(parent.as_str())
        {
            return Err(entry_error(
                REGIONS_FILE,
                code,
                &format!("unknown parent `{parent}`"),
            ));
        }
        for neighbour in &region.neighbours {
            let Some(&other) = index.get(neighbour.as_str()) else {
                return Err(entry_error(
                    REGIONS_FILE,
                    code,
                    &format!("unknown neighbour `{neighbour}`"),
                ));
            };
            if !regions[other].neighbours.contains(&region.code) {
                return Err(entry_error(
                    REGIONS_FILE,
                    code,
                    &format!("neighbour `{neighbour}` does not list it back"),
                ));
            }
        }
        // Walk up the parents: a cycle would make "within" questions loop.
        let mut seen = BTreeSet::new();
        let mut current = region.parent.as_ref();
        while let Some(parent) = current {
            if !seen.insert(parent.as_str()) || parent == &region.code {
                return Err(entry_error(REGIONS_FILE, code, "its parents form a cycle"));
            }
            current = index
                .get(parent.as_str())
                .and_then(|&i| regions[i].parent.as_ref());
        }
    }
    Ok(())
}

fn entry_error(file: &str, entry: &str, message: &str) -> VocabularyError {
    VocabularyError::Entry {
        file: file.to_owned(),
        entry: entry.to_owned(),
        message: message.to_owned(),
    }
}

fn find<'a, T>(
    terms: &BTreeMap<String, usize>,
    entries: &'a [T],
    term: &str,
    what: &'static str,
) -> Result<&'a T, UnknownTerm> {
    let normalized = normalize_term(term);
    terms
        .get(&normalized)
        .map(|&i| &entries[i])
        .ok_or_else(|| UnknownTerm {
            what,
            term: term.to_owned(),
            suggestions: closest_terms(terms, &normalized, 3),
        })
}

/// The kind and region terms closest to `term`, for an unknown word in shorthand.
pub fn closest_terms_of(vocabulary: &Vocabulary, term: &str, count: usize) -> Vec<String> {
    let normalized = normalize_term(term);
    let mut all: Vec<String> = closest_terms(&vocabulary.kind_terms, &normalized, count);
    all.extend(closest_terms(&vocabulary.region_terms, &normalized, count));
    all.sort_by(|a, b| {
        strsim::normalized_damerau_levenshtein(&normalized, b)
            .total_cmp(&strsim::normalized_damerau_levenshtein(&normalized, a))
            .then_with(|| a.cmp(b))
    });
    all.truncate(count);
    all
}

/// The known terms closest to `term`, best first: the ones it starts or is contained
/// in, then by edit distance relative to length.
pub fn closest_terms(terms: &BTreeMap<String, usize>, term: &str, count: usize) -> Vec<String> {
    let mut scored: Vec<(f64, &String)> = terms
        .keys()
        .map(|known| {
            let distance = strsim::normalized_damerau_levenshtein(term, known);
            let contains =
                !term.is_empty() && (known.contains(term) || term.contains(known.as_str()));
            let score = if contains { distance + 0.5 } else { distance };
            (score, known)
        })
        .filter(|(score, _)| *score > 0.4)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut seen_entries = BTreeSet::new();
    scored
        .into_iter()
        .filter(|(_, known)| seen_entries.insert(terms[*known]))
        .take(count)
        .map(|(_, known)| known.clone())
        .collect()
}
