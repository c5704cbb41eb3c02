//! Charting shorthand: "R calf tight; fasciculations R calf; R lat ankle pain 4/10;
//! no numbness R lat foot; SLR + R". One parser for the command line and the window's
//! quick entry. Every word must be understood: an unknown term is an error that names it
//! and the closest known terms, never silently dropped.

use super::vocabulary::{RegionPresence, UnknownTerm, closest_terms_of};
use super::{
    Finding, Intensity, Intervention, InterventionKind, KindCode, Presence, Side, Vocabulary,
};

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
    #[error(
        "start with what was done: HVLA, mob, STM, DN, stretch, exercise, tape, advice or refer"
    )]
    MissingIntervention,
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
///
/// ```
/// use upstream::model::{Presence, Side, Vocabulary, shorthand};
///
/// let findings = shorthand::parse("R lat ankle pain 4/10; no numbness R lat foot", Vocabulary::builtin()).unwrap();
/// assert_eq!(findings[0].region.as_ref().map(|r| r.as_str()), Some("ankle_lateral"));
/// assert_eq!((findings[0].side, findings[0].intensity.map(|i| i.value())), (Side::Right, Some(4)));
/// assert_eq!(findings[1].presence, Presence::Absent);
/// ```
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

/// What a clinician writes first for each kind of intervention.
const INTERVENTION_WORDS: [(&str, InterventionKind); 43] = [
    ("spinal manipulation", InterventionKind::SpinalManipulation),
    ("manipulation", InterventionKind::SpinalManipulation),
    ("hvla", InterventionKind::SpinalManipulation),
    ("cmt", InterventionKind::SpinalManipulation),
    ("adjustment", InterventionKind::SpinalManipulation),
    ("adjust", InterventionKind::SpinalManipulation),
    ("manip", InterventionKind::SpinalManipulation),
    ("mobilization", InterventionKind::Mobilization),
    ("mobilisation", InterventionKind::Mobilization),
    ("mob", InterventionKind::Mobilization),
    ("soft tissue", InterventionKind::SoftTissue),
    ("stm", InterventionKind::SoftTissue),
    ("mfr", InterventionKind::SoftTissue),
    ("myofascial release", InterventionKind::SoftTissue),
    ("release", InterventionKind::SoftTissue),
    ("massage", InterventionKind::SoftTissue),
    ("dry needling", InterventionKind::DryNeedling),
    ("dn", InterventionKind::DryNeedling),
    ("needling", InterventionKind::DryNeedling),
    ("stretch", InterventionKind::Stretch),
    ("exercise", InterventionKind::Exercise),
    ("hep", InterventionKind::Exercise),
    ("taping", InterventionKind::Taping),
    ("tape", InterventionKind::Taping),
    ("advice", InterventionKind::Advice),
    ("ergonomics", InterventionKind::Advice),
    ("education", InterventionKind::Advice),
    ("referral", InterventionKind::Referral),
    ("refer", InterventionKind::Referral),
    ("referred", InterventionKind::Referral),
    ("modality", InterventionKind::Modality),
    ("modalities", InterventionKind::Modality),
    ("e-stim", InterventionKind::Modality),
    ("estim", InterventionKind::Modality),
    ("tens", InterventionKind::Modality),
    ("ifc", InterventionKind::Modality),
    ("orthotic", InterventionKind::Orthotic),
    ("orthotics", InterventionKind::Orthotic),
    ("brace", InterventionKind::Brace),
    ("manual therapy", InterventionKind::ManualTherapy),
    ("nmr", InterventionKind::NeuromuscularReeducation),
    (
        "neuromuscular re-education",
        InterventionKind::NeuromuscularReeducation,
    ),
    (
        "extremity manipulation",
        InterventionKind::ExtraspinalManipulation,
    ),
];

/// The kind of intervention `words` (lower case) begin by naming, with how many words
/// name it: ("hvla", 1), ("dry needling", 2).
pub fn intervention_word_at(words: &[String]) -> Option<(InterventionKind, usize)> {
    INTERVENTION_WORDS.iter().find_map(|(phrase, kind)| {
        let phrase: Vec<&str> = phrase.split(' ').collect();
        (words.len() >= phrase.len() && words[..phrase.len()] == phrase[..])
            .then_some((*kind, phrase.len()))
    })
}

/// Reads interventions, one per `;` or line: "HVLA L SI", "STM soleus bilat 8 min",
/// "advice foot block at standing desk", "refer GP same day".
pub fn parse_interventions(
    text: &str,
    vocabulary: &Vocabulary,
) -> Result<Vec<Intervention>, ShorthandError> {
    text.split([';', '\n'])
        .map(str::trim)
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            parse_intervention(segment, vocabulary).map_err(|problem| ShorthandError {
                segment: segment.to_owned(),
                problem,
            })
        })
        .collect()
}

/// Reads one intervention: what was done first, then the side, the target (a segment,
/// a muscle or a region) and, from the first word with a number on, the dose.
pub fn parse_intervention(
    segment: &str,
    vocabulary: &Vocabulary,
) -> Result<Intervention, ShorthandProblem> {
    let words: Vec<&str> = segment.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let (kind, used) = intervention_word_at(&lower).ok_or(ShorthandProblem::MissingIntervention)?;
    let mut side = Side::None;
    let mut target: Vec<&str> = Vec::new();
    let mut dose: Vec<&str> = Vec::new();
    for (word, low) in words.iter().zip(&lower).skip(used) {
        if !dose.is_empty() || low.chars().any(|c| c.is_ascii_digit()) && !target.is_empty() {
            dose.push(word);
        } else if let Some(found) = side_word(low) {
            side = found;
        } else {
            target.push(word);
        }
    }
    // The target's longest run of words that names a region, for telling treatment at the
    // painful region from treatment of a remote source.
    let expanded: Vec<String> = target
        .iter()
        .map(|w| expand(&w.to_lowercase()).to_owned())
        .collect();
    let region = (0..expanded.len())
        .flat_map(|i| (i + 1..=expanded.len()).rev().map(move |j| (i, j)))
        .find_map(|(i, j)| vocabulary.find_region(&expanded[i..j].join(" ")).ok())
        .map(|region| region.code.clone());
    Ok(Intervention {
        kind,
        target: target.join(" "),
        region,
        side,
        dose: dose.join(" "),
        ..Intervention::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Finding {
        parse_one(text, Vocabulary::builtin()).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn chart_lines_become_findings() {
        let f = one("R lat ankle pain 4/10");
        assert_eq!(
            (
                f.kind.as_str(),
                f.region.as_ref().map(|r| r.as_str()),
                f.side
            ),
            ("pain", Some("ankle_lateral"), Side::Right)
        );
        assert_eq!(f.intensity.map(|i| i.value()), Some(4));
        let f = one("fasciculations R calf");
        assert_eq!((f.kind.as_str(), f.side), ("fasciculation", Side::Right));
        let f = one("no numbness R lat foot");
        assert_eq!(
            (f.kind.as_str(), f.presence),
            ("numbness", Presence::Absent)
        );
        let f = one("SLR + R");
        assert_eq!(
            (f.kind.as_str(), f.test_name.as_str(), f.presence),
            ("positive_test", "SLR", Presence::Present)
        );
        let f = one("Thompson neg R calf");
        assert_eq!(
            (f.test_name.as_str(), f.presence),
            ("Thompson", Presence::Absent)
        );
        let f = one("decreased achilles reflex R");
        assert_eq!(
            (f.kind.as_str(), f.region.as_ref().map(|r| r.as_str())),
            ("reflex_decreased", Some("achilles"))
        );
        let f = one("fever");
        assert_eq!(
            (f.kind.as_str(), f.region.is_none(), f.side),
            ("fever", true, Side::None)
        );
        let f = one("low back pain 2");
        assert_eq!(
            f.side,
            Side::Midline,
            "an axial region without a side is midline"
        );
    }

    #[test]
    fn what_cannot_be_read_says_why() {
        let vocabulary = Vocabulary::builtin();
        let problem = |text: &str| parse_one(text, vocabulary).unwrap_err();
        assert!(matches!(problem("R calf tite"), ShorthandProblem::Unknown(u) if u.term == "tite"));
        assert_eq!(
            problem("calf pain"),
            ShorthandProblem::MissingSide("calf".into())
        );
        assert_eq!(problem("R calf"), ShorthandProblem::MissingKind);
        assert_eq!(problem("R calf pain 14"), ShorthandProblem::BadIntensity);
        assert!(matches!(
            problem("R calf pain ankle"),
            ShorthandProblem::TwoRegions(..)
        ));
        let error = parse("R calf pain 3; R calf tite", vocabulary).unwrap_err();
        assert_eq!(
            error.segment, "R calf tite",
            "the error names the piece it could not read"
        );
    }

    #[test]
    fn intervention_lines_become_interventions() {
        let vocabulary = Vocabulary::builtin();
        let all = parse_interventions("HVLA L SI; STM soleus bilat 8 min; stretch calf bilat 3x30s; advice foot block at standing desk", vocabulary).unwrap();
        assert_eq!(all[0].kind, InterventionKind::SpinalManipulation);
        assert_eq!((all[0].side, all[0].target.as_str()), (Side::Left, "SI"));
        assert_eq!(all[0].region.as_ref().map(|r| r.as_str()), Some("si_joint"));
        assert_eq!(
            (
                all[1].kind,
                all[1].target.as_str(),
                all[1].side,
                all[1].dose.as_str()
            ),
            (
                InterventionKind::SoftTissue,
                "soleus",
                Side::Bilateral,
                "8 min"
            )
        );
        assert_eq!(
            all[1].region.as_ref().map(|r| r.as_str()),
            Some("calf"),
            "the soleus is treated at the calf"
        );
        assert_eq!(
            (
                all[2].kind,
                all[2].region.as_ref().map(|r| r.as_str()),
                all[2].dose.as_str()
            ),
            (InterventionKind::Stretch, Some("calf"), "3x30s")
        );
        assert_eq!(
            (all[3].kind, all[3].target.as_str()),
            (InterventionKind::Advice, "foot block at standing desk")
        );
        let error = parse_interventions("soleus bilat", vocabulary).unwrap_err();
        assert_eq!(error.problem, ShorthandProblem::MissingIntervention);
    }
}
