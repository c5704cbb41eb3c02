//! Charting shorthand: "R calf tight; fasciculations R calf; R lat ankle pain 4/10;
//! no numbness R lat foot; SLR + R". One parser for the command line and the window's
//! quick entry. Every word must be understood: an unknown term is an error that names it
//! and the closest known terms, never silently dropped.

use super::vocabulary::{RegionPresence, UnknownTerm, closest_terms_of};
use super::{Finding, Intensity, KindCode, Presence, Side, Vocabulary};

/// Why a piece of shorthand could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("in `{segment}`: {problem}")]
pub struct ShorthandError {
    pub segment: String,
    pub problem: ShorthandProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShorthandProblem {
    #[error("{0}")]
    Unknown(UnknownTerm),
    #[error("no finding kind (such as pain, tightness, numbness)")]
    MissingKind,
    #[error("two finding kinds, `{0}` and `{1}`: separate findings with `;`")]
    TwoKinds(String, String),
    #[error("two regions, `{0}` and `{1}`: separate findings with `;`")]
    TwoRegions(String, String),
    #[error("{0} needs a region")]
    MissingRegion(String),
    #[error("{0} has no region")]
    UnexpectedRegion(String),
    #[error("which side of the {0}? (R, L or bilat)")]
    MissingSide(String),
    #[error("the {0} cannot be on that side")]
    WrongSide(String),
    #[error("intensity is 0-10")]
    BadIntensity,
}

const NEGATIONS: [&str; 7] = ["no", "denies", "without", "absent", "nil", "not", "non"];
const FILLERS: [&str; 9] = ["at", "in", "on", "of", "the", "over", "to", "with", "a"];
const POSITIVE: [&str; 5] = ["+", "(+)", "pos", "positive", "+ve"];
const NEGATIVE: [&str; 5] = ["-", "(-)", "neg", "negative", "-ve"];
const REFLEX_DOWN: [&str; 6] = [
    "decreased",
    "diminished",
    "reduced",
    "hypoactive",
    "absent",
    "depressed",
];
const REFLEX_UP: [&str; 4] = ["increased", "brisk", "hyperactive", "exaggerated"];

/// Clinicians' abbreviations, expanded before a term is looked up.
fn expand(word: &str) -> &str {
    match word {
        "lat" => "lateral",
        "med" => "medial",
        "ant" => "anterior",
        "post" => "posterior",
        "sup" => "superior",
        "inf" => "inferior",
        "bk" => "back",
        other => other,
    }
}

fn side_word(word: &str) -> Option<Side> {
    match word {
        "r" | "rt" | "right" | "(r)" => Some(Side::Right),
        "l" | "lt" | "left" | "(l)" => Some(Side::Left),
        "bilat" | "bilateral" | "b/l" | "bil" | "both" | "bilaterally" => Some(Side::Bilateral),
        "midline" | "central" | "centrally" => Some(Side::Midline),
        _ => None,
    }
}

fn intensity_word(word: &str) -> Option<Result<Intensity, ShorthandProblem>> {
    let number = word.strip_suffix("/10").unwrap_or(word);
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) || number.len() > 3 {
        return None;
    }
    Some(
        number
            .parse::<u8>()
            .ok()
            .and_then(|v| Intensity::new(v).ok())
            .ok_or(ShorthandProblem::BadIntensity),
    )
}

/// Reads shorthand into findings, one per `;` or line.
pub fn parse(text: &str, vocabulary: &Vocabulary) -> Result<Vec<Finding>, ShorthandError> {
    text.split([';', '\n'])
        .map(str::trim)
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            parse_one(segment, vocabulary).map_err(|problem| ShorthandError {
                segment: segment.to_owned(),
                problem,
            })
        })
        .collect()
}

enum Term {
    Kind(usize),
    Region(usize),
}

/// Reads one finding.
pub fn parse_one(segment: &str, vocabulary: &Vocabulary) -> Result<Finding, ShorthandProblem> {
    let words: Vec<String> = segment
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| c == ',' || c == '.')
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut presence = Presence::Present;
    let mut side = None;
    let mut intensity = None;
    let mut test_result = None;
    let mut reflex = None;
    let mut rest: Vec<(usize, String)> = Vec::new();
    for (position, word) in words.iter().enumerate() {
        if position == 0 && NEGATIONS.contains(&word.as_str()) {
            presence = Presence::Absent;
        } else if let Some(found) = side_word(word) {
            side = Some(found);
        } else if let Some(value) = intensity_word(word) {
            intensity = Some(value?);
        } else if POSITIVE.contains(&word.as_str()) {
            test_result = Some(Presence::Present);
        } else if NEGATIVE.contains(&word.as_str()) {
            test_result = Some(Presence::Absent);
        } else if REFLEX_DOWN.contains(&word.as_str()) {
            reflex = Some("reflex_decreased");
        } else if REFLEX_UP.contains(&word.as_str()) {
            reflex = Some("reflex_increased");
        } else {
            rest.push((position, expand(word).to_owned()));
        }
    }

    // The longest runs of words that name a kind or a region, left to right.
    let mut terms: Vec<(Term, String)> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let mut matched = None;
        for j in (i + 1..=rest.len()).rev() {
            let phrase: Vec<&str> = rest[i..j].iter().map(|(_, w)| w.as_str()).collect();
            if let Some(term) = lookup(&phrase.join(" "), vocabulary) {
                matched = Some((j, term, phrase.join(" ")));
                break;
            }
        }
        match matched {
            Some((j, term, phrase)) => {
                terms.push((term, phrase));
                i = j;
            }
            None => {
                let word = &rest[i].1;
                if !FILLERS.contains(&word.as_str()) {
                    unknown.push(word.clone());
                }
                i += 1;
            }
        }
    }

    let mut kind = None;
    let mut region = None;
    for (term, phrase) in &terms {
        match term {
            Term::Kind(k) => match kind.replace((*k, phrase.clone())) {
                Some((_, first)) if reflex.is_none() => {
                    return Err(ShorthandProblem::TwoKinds(first, phrase.clone()));
                }
                _ => {}
            },
            Term::Region(r) => {
                if let Some((_, first)) = region.replace((*r, phrase.clone())) {
                    return Err(ShorthandProblem::TwoRegions(first, phrase.clone()));
                }
            }
        }
    }

    // Leftover words with a + or - are a named test: "SLR +", "Thompson neg".
    let mut test_name = String::new();
    if let Some(result) = test_result
        && (kind.is_none() || !unknown.is_empty())
    {
        let original: Vec<&str> = segment
            .split_whitespace()
            .filter(|w| {
                let lower = w
                    .trim_matches(|c: char| c == ',' || c == '.')
                    .to_lowercase();
                unknown.contains(&expand(&lower).to_owned()) || lower == "test"
            })
            .collect();
        test_name = original.join(" ");
        unknown.clear();
        kind = vocabulary
            .kinds()
            .iter()
            .position(|k| k.code.as_str() == "positive_test")
            .map(|k| (k, "positive test".to_owned()));
        presence = if presence == Presence::Absent {
            Presence::Absent
        } else {
            result
        };
    }
    if let Some(word) = unknown.first() {
        return Err(ShorthandProblem::Unknown(UnknownTerm {
            what: "term",
            term: word.clone(),
            suggestions: closest_terms_of(vocabulary, word, 3),
        }));
    }
    if let Some(code) = reflex {
        kind = vocabulary
            .kinds()
            .iter()
            .position(|k| k.code.as_str() == code)
            .map(|k| (k, code.to_owned()));
    }
    let Some((kind_index, _)) = kind else {
        return Err(ShorthandProblem::MissingKind);
    };
    let finding_kind = &vocabulary.kinds()[kind_index];
    let region = region.map(|(r, _)| &vocabulary.regions()[r]);
    match (finding_kind.region, region) {
        (RegionPresence::Required, None) => {
            return Err(ShorthandProblem::MissingRegion(finding_kind.name.clone()));
        }
        (RegionPresence::None, Some(_)) => {
            return Err(ShorthandProblem::UnexpectedRegion(
                finding_kind.name.clone(),
            ));
        }
        _ => {}
    }
    let side = match (region, side) {
        (None, _) => Side::None,
        (Some(region), None) => match region.laterality {
            super::Laterality::Paired => {
                return Err(ShorthandProblem::MissingSide(region.name.to_lowercase()));
            }
            other => other.default_side(),
        },
        (Some(region), Some(side)) if region.laterality.allows(side) => side,
        (Some(region), Some(_)) => {
            return Err(ShorthandProblem::WrongSide(region.name.to_lowercase()));
        }
    };
    if intensity.is_some() && !finding_kind.intensity {
        // "4" after a reflex or test is not an intensity; refuse rather than guess.
        return Err(ShorthandProblem::BadIntensity);
    }
    Ok(Finding {
        kind: KindCode::new(finding_kind.code.as_str()),
        region: region.map(|r| r.code.clone()),
        side,
        intensity,
        presence,
        test_name,
        ..Finding::default()
    })
}

fn lookup(phrase: &str, vocabulary: &Vocabulary) -> Option<Term> {
    let position = |found: &str, kinds: bool| -> Option<Term> {
        if kinds {
            let kind = vocabulary.find_kind(found).ok()?;
            vocabulary
                .kinds()
                .iter()
                .position(|k| k.code == kind.code)
                .map(Term::Kind)
        } else {
            let region = vocabulary.find_region(found).ok()?;
            vocabulary
                .regions()
                .iter()
                .position(|r| r.code == region.code)
                .map(Term::Region)
        }
    };
    let singular = phrase
        .strip_suffix("es")
        .filter(|s| s.ends_with("ch") || s.ends_with("sh"))
        .or_else(|| phrase.strip_suffix('s'));
    [Some(phrase), singular]
        .into_iter()
        .flatten()
        .find_map(|p| position(p, true).or_else(|| position(p, false)))
}
