//! Interventions read from the clinic's words: each `;` or line is read by the charting
//! shorthand ("STM soleus R 8 min", "HVLA L SI"), then what the line says of technique,
//! segments, mobilisation grade, sets and reps, minutes, load, home frequency and CPT code
//! with its units is taken into the intervention's detail, so that "97140 x2" is a billing
//! code and its units, never part of the dose.

use serde::Serialize;

use super::super::detail::{InterventionDetail, MobilisationGrade};
use super::super::shorthand::{self, ShorthandProblem};
use super::super::{Intervention, SpinalLevel, Vocabulary};
use super::{Lexicon, Span, Unread};

/// An intervention read, with where it was read from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadIntervention {
    #[serde(flatten)]
    pub intervention: Intervention,
    pub span: Span,
}

/// What the reader made of a line of interventions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterventionReading {
    pub text: String,
    pub items: Vec<ReadIntervention>,
    pub unread: Vec<Unread>,
}

impl InterventionReading {
    /// The parts not read, in the order written, joined by "; ": quick entry leaves them
    /// in the field for the clinician to finish.
    pub fn leftover(&self) -> String {
        self.unread
            .iter()
            .map(|u| u.text.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Reads each `;`- or line-separated part of `text` as an intervention; a part that cannot
/// be read is kept with the reason, and the rest are read.
pub fn read_interventions(
    text: &str,
    vocabulary: &Vocabulary,
    lexicon: &Lexicon,
) -> InterventionReading {
    let mut reading = InterventionReading {
        text: text.to_owned(),
        items: Vec::new(),
        unread: Vec::new(),
    };
    let mut start = 0;
    for part in text.split([';', '\n']) {
        let end = start + part.len();
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let offset = start + (part.len() - part.trim_start().len());
            let span = [offset, offset + trimmed.len()];
            // "STM not tolerated", "HVLA deferred", "consider referral": charting these
            // as done would be a wrong record; they are kept for the clinician to reword.
            let read = match lexicon.not_done_cue(trimmed) {
                Some(cue) => Err(Unreadable::NotDone(cue)),
                None => read_one(trimmed, vocabulary),
            };
            match read {
                Ok(mut intervention) => {
                    enrich(&mut intervention, trimmed, lexicon);
                    reading.items.push(ReadIntervention { intervention, span });
                }
                Err(problem) => {
                    // "97140 x2" on its own: the billing of the intervention before it.
                    let previous = reading.items.last_mut();
                    let code_only = trimmed.split_whitespace().all(is_code_or_units);
                    match previous {
                        Some(item) if code_only && item.intervention.cpt_code.is_empty() => {
                            let mut billed = item.intervention.clone();
                            enrich(&mut billed, trimmed, lexicon);
                            item.intervention.cpt_code = billed.cpt_code;
                            item.intervention.detail.cpt_units = billed.detail.cpt_units;
                            item.span[1] = span[1];
                        }
                        _ => reading.unread.push(Unread {
                            span,
                            text: trimmed.to_owned(),
                            why: problem.to_string(),
                        }),
                    }
                }
            }
        }
        start = end + 1;
    }
    reading
}

/// One part, as written or in the two other orders clinicians chart it: the billing code
/// first ("97140 x2 STM soleus"), or an exercise named by what it is with its sets and
/// reps ("bridges 3x10 daily"), which is an exercise whatever its name.
fn read_one(part: &str, vocabulary: &Vocabulary) -> Result<Intervention, Unreadable> {
    let words: Vec<&str> = part.split_whitespace().collect();
    let lower: Vec<String> = words
        .iter()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    let mut named_at = Vec::new();
    let mut at = 0;
    while at < lower.len() {
        match shorthand::intervention_word_at(&lower[at..]) {
            Some((kind, length)) => {
                named_at.push((at, length, kind));
                at += length;
            }
            None => at += 1,
        }
    }
    // "STM and taping R knee" read as one soft-tissue treatment would lose the taping.
    if named_at.iter().any(|&(_, _, kind)| kind != named_at[0].2) {
        let named: Vec<String> = named_at
            .iter()
            .map(|&(at, length, _)| words[at..at + length].join(" "))
            .collect();
        return Err(Unreadable::SeveralDone(named.join(", ")));
    }
    let problem = match shorthand::parse_intervention(part, vocabulary) {
        Ok(intervention) => return Ok(intervention),
        Err(problem) => Unreadable::Shorthand(problem),
    };
    let billing = words.iter().take_while(|w| is_code_or_units(w)).count();
    if billing > 0
        && billing < words.len()
        && let Ok(intervention) =
            shorthand::parse_intervention(&words[billing..].join(" "), vocabulary)
    {
        return Ok(intervention);
    }
    let prescribed = words.iter().any(|w| {
        w.split_once(['x', 'X', '×'])
            .is_some_and(|(sets, reps)| sets.parse::<u16>().is_ok() && reps.parse::<u16>().is_ok())
    });
    let named = words
        .first()
        .is_some_and(|w| w.chars().all(char::is_alphabetic));
    if prescribed && named {
        return shorthand::parse_intervention(&format!("exercise {part}"), vocabulary)
            .map_err(Unreadable::Shorthand);
    }
    // What was done named after its place ("patellar taping", "R SI adjustment"): read
    // as if written first, when the part is a short chart line (a sentence is the note's
    // to hold).
    match named_at[..] {
        [(at, length, _), ..] if words.len() <= SHORT_LINE_WORDS => {
            let reordered: Vec<&str> = words[at..at + length]
                .iter()
                .chain(&words[..at])
                .chain(&words[at + length..])
                .copied()
                .collect();
            shorthand::parse_intervention(&reordered.join(" "), vocabulary)
                .map_err(Unreadable::Shorthand)
        }
        _ => Err(problem),
    }
}

/// Why a part of an intervention entry is not charted.
#[derive(Debug, thiserror::Error)]
enum Unreadable {
    #[error(
        "\"{0}\" says this was not done or is only planned; chart what was done, and write plans in the note"
    )]
    NotDone(String),
    #[error("names more than one thing done ({0}); write each as its own part, separated by ;")]
    SeveralDone(String),
    #[error(transparent)]
    Shorthand(ShorthandProblem),
}

/// The most words of a line read with what was done named after its place.
const SHORT_LINE_WORDS: usize = 6;

/// "97140", "x2", "2": the words of a billing code and its units.
fn is_code_or_units(word: &str) -> bool {
    let digits = word.trim_start_matches(['x', 'X']);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

/// Takes what the line says into the intervention's detail and CPT code, and out of its
/// dose where it was only there as words.
fn enrich(intervention: &mut Intervention, line: &str, lexicon: &Lexicon) {
    let words: Vec<String> = line
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut detail = InterventionDetail::default();
    let mut used: Vec<usize> = Vec::new();
    for (at, word) in words.iter().enumerate() {
        let next = words.get(at + 1).map(String::as_str);
        // A CPT code: five digits, 97xxx or 98xxx, with its units after it ("x2", "2 units").
        if word.len() == 5 && word.chars().all(|c| c.is_ascii_digit()) && word.starts_with('9') {
            if intervention.cpt_code.is_empty() {
                intervention.cpt_code = word.clone();
            }
            used.push(at);
            let units = match next {
                Some(n) if n.starts_with('x') => n[1..].parse::<u8>().ok().map(|u| (u, 1)),
                Some("x") => words
                    .get(at + 2)
                    .and_then(|n| n.parse().ok())
                    .map(|u| (u, 2)),
                _ => None,
            };
            if let Some((units, taken)) = units {
                detail.cpt_units = Some(units);
                used.extend(at + 1..=at + taken);
            }
            continue;
        }
        // Sets and reps: "3x10", "3 x 10".
        if let Some((sets, reps)) = word.split_once(['x', '×'])
            && let (Ok(sets), Ok(reps)) = (sets.parse::<u16>(), reps.parse::<u16>())
            && sets <= 20
        {
            detail.sets = Some(sets);
            detail.reps = Some(reps);
            used.push(at);
            continue;
        }
        if let Ok(number) = word.parse::<u16>() {
            match next {
                Some("min" | "mins" | "minutes" | "minute") => {
                    detail.minutes = Some(number);
                    used.extend([at, at + 1]);
                }
                Some("sets") => {
                    detail.sets = Some(number);
                    used.extend([at, at + 1]);
                }
                Some("reps" | "repetitions") => {
                    detail.reps = Some(number);
                    used.extend([at, at + 1]);
                }
                _ => {}
            }
            continue;
        }
        if let Some(minutes) = word.strip_suffix("min").and_then(|n| n.parse::<u16>().ok()) {
            detail.minutes = Some(minutes);
            used.push(at);
            continue;
        }
        if word == "grade"
            && let Some(grade) = next.and_then(mobilisation_grade)
        {
            detail.grade = Some(grade);
            used.extend([at, at + 1]);
            continue;
        }
        if let Some(level) =
            SpinalLevel::parse(word).filter(|_| word.chars().any(|c| c.is_ascii_digit()))
        {
            detail.segments.push(level.to_string());
            continue;
        }
        if let Some(technique) = lexicon.technique(word) {
            detail.technique.get_or_insert(technique);
            used.push(at);
        }
        if let Some(modality) = lexicon.modality(word) {
            detail.modality.get_or_insert(modality);
            used.push(at);
        }
        if lexicon.is_dose_frequency(word) {
            detail.frequency = Some(word.clone());
            used.push(at);
        }
        if (word == "band" || word == "theraband")
            && let Some(colour) = at.checked_sub(1).and_then(|i| words.get(i))
        {
            detail.load = Some(format!("{colour} {word}"));
            used.extend([at - 1, at]);
        }
    }
    // What became a code, a count or a named part of the detail leaves the free words.
    let consumed: Vec<&String> = used.iter().filter_map(|&i| words.get(i)).collect();
    let keep = |text: &str| -> String {
        text.split_whitespace()
            .filter(|w| {
                let w = w.to_lowercase();
                let w = w.trim_matches([',', '(', ')']);
                !consumed.iter().any(|u| u.as_str() == w)
            })
            .collect::<Vec<_>>()
            .join(" ")
            .trim_matches([',', ' '])
            .to_owned()
    };
    intervention.dose = keep(&intervention.dose);
    intervention.target = keep(&intervention.target);
    intervention.detail = detail;
}

fn mobilisation_grade(word: &str) -> Option<MobilisationGrade> {
    match word.to_uppercase().trim_end_matches(['+', '-']) {
        "I" | "1" => Some(MobilisationGrade::I),
        "II" | "2" => Some(MobilisationGrade::II),
        "III" | "3" => Some(MobilisationGrade::III),
        "IV" | "4" => Some(MobilisationGrade::IV),
        "V" | "5" => Some(MobilisationGrade::V),
        _ => None,
    }
}
