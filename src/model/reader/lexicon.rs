//! The reader's lexicon: how clinicians write findings, from `assets/lexicon/findings.json`
//! and the vocabulary's kinds, regions and their synonyms, compiled into one table of
//! phrases, each a list of words, so that the longest phrase at a place wins.

use std::collections::HashMap;

use serde::Deserialize;

use super::super::detail::{Activity, Course, Frequency, Onset, ReflexGrade, Severity, Unit};
use super::super::{KindCode, RegionCode, Side, SpinalLevel, Vocabulary};

pub const LEXICON_FILE: &str = "assets/lexicon/findings.json";
const LEXICON_JSON: &str = include_str!("../../../assets/lexicon/findings.json");
/// Everyday English (SCOWL size 35, lower case): prose, unless guarded.
const EVERYDAY_ENGLISH: &str = include_str!("../../../assets/lexicon/everyday-english.txt");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    #[allow(dead_code)]
    about: String,
    sources: Vec<String>,
    expansions: HashMap<String, String>,
    fillers: Vec<String>,
    /// Benign diagnoses a note may name: an assessment, read as charting nothing.
    #[serde(default)]
    diagnoses: DiagnosesFile,
    negation: NegationFile,
    /// What each word of an examination names as examined: one function, or several
    /// ("bowel and bladder").
    normal_words: HashMap<String, OneOrMore>,
    positive: Vec<String>,
    negative: Vec<String>,
    tests: Vec<TestFile>,
    structures: Vec<StructureFile>,
    reflex_regions: HashMap<String, String>,
    severity: HashMap<String, String>,
    frequency: HashMap<String, String>,
    activities: HashMap<String, String>,
    provoke_cues: Vec<String>,
    /// "with", "on", "during": what provokes, unless a word of easing came first ("improves
    /// slightly with walking").
    weak_provoke_cues: Vec<String>,
    ease_cues: Vec<String>,
    onset: HashMap<String, String>,
    course: HashMap<String, String>,
    qualities: Vec<String>,
    changes: HashMap<String, String>,
    boundaries: Vec<String>,
    /// "compared to the left": what follows is the reference, not a finding.
    comparison_cues: Vec<String>,
    /// "since this morning", "yesterday": since when, as written.
    since_phrases: Vec<String>,
    /// "back of the", "front of the": a part of the region named after it ("back of the
    /// right knee" is the back of the knee), to the ending of that part's code.
    aspect_phrases: HashMap<String, String>,
    /// "no reproduction of", "did not reproduce": what follows is what an examination did
    /// not reproduce, which says nothing of whether the patient has it.
    not_reproduced: Vec<String>,
    /// "refers to": the places after it are where a trigger point sends its pain, not
    /// where it is.
    refers_cues: Vec<String>,
    /// Words around a second intensity for one finding that say how the two relate.
    #[serde(default)]
    intensity_cues: IntensityCuesFile,
    /// Everyday words that are never passed over as prose.
    #[serde(default)]
    prose_guard: ProseGuardFile,
    /// "particularly", "mainly": what follows is where within the place it is most.
    #[serde(default)]
    emphasis_cues: Vec<String>,
    /// "history of", "if", "mother", "possible": what follows is not today's finding of
    /// the patient (ConText: historical, hypothetical, experiencer, uncertain).
    #[serde(default)]
    context_cues: ContextCuesFile,
    /// "deficit", "changes", "loss": after "no" and a function examined ("no sensory
    /// deficit"), what is denied is the deficit, not the function.
    #[serde(default)]
    deficit_words: Vec<String>,
    /// "tested", "performed": after "no" and a function ("no reflex testing performed"),
    /// the examination was not done.
    #[serde(default)]
    not_examined_words: Vec<String>,
    /// "no", "absent", "without": before a function examined ("no sensation"), the
    /// function is gone; "normal" or "intact" there are not among them.
    #[serde(default)]
    absence_words: Vec<String>,
    /// Ways of naming a region the vocabulary's synonyms do not have.
    regions: HashMap<String, String>,
    /// Places named in the plural ("legs", "calves"): both sides unless a side is written.
    plural_regions: Vec<String>,
    /// Ways of naming a finding kind the vocabulary's synonyms do not have.
    kinds: HashMap<String, String>,
    /// Words saying which part of a region ("medial", "distal"), to the ending of the
    /// region's code that part has in the vocabulary ("knee" + "medial" is `knee_medial`).
    aspects: HashMap<String, String>,
    /// Abbreviations written with a point that does not end the sentence ("pt.", "ant.").
    abbreviations_with_point: Vec<String>,
    /// Words naming an intervention's technique or modality, to their codes.
    techniques: HashMap<String, String>,
    modalities: HashMap<String, String>,
    /// Words that say an intervention was not done, or only planned ("deferred",
    /// "consider"): a line holding one is asked about, never charted as done.
    not_done: Vec<String>,
    /// How often a home programme is done: words ("daily", "bid") and the endings of a
    /// count per period ("2x/day", "3x/wk").
    dose_frequencies: Vec<String>,
    dose_frequency_endings: Vec<String>,
    /// How what was done is named in sentences and lists: kept apart from the finding
    /// parts, read by `interventions.rs`.
    interventions: super::interventions::InterventionWordsFile,
    /// The units a measured value is written in, and the words of time and count after a
    /// number.
    units: UnitsFile,
    /// How each grade of a tendon reflex (0-4+) stands to normal.
    reflex_grades: GradesFile,
    /// How each grade of a peripheral pulse (0-4+) stands to normal.
    pulse_grades: GradesFile,
    /// The normal range of each movement at each joint, in degrees, with its source.
    rom_normals: RomNormalsFile,
}

/// The normal ranges of motion (`rom_normals` in the file).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RomNormalsFile {
    #[allow(dead_code)]
    about: String,
    sources: Vec<String>,
    normals: Vec<RomNormalFile>,
}

/// One movement's normal at one place: "shoulder", "flexion", 180.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RomNormalFile {
    /// A region code of the vocabulary.
    region: String,
    /// A movement's code, as the record writes it ("internal_rotation").
    movement: String,
    degrees: f64,
    /// Where the value was read.
    source: String,
    /// Whether the value was checked against a primary or authoritative table; kept in
    /// the file for whoever maintains it, the reader uses both alike.
    #[allow(dead_code)]
    verified: bool,
}

/// The normal ranges of the file, checked: each at a region the vocabulary has, of a
/// movement the reader knows, above 0 and at most 360 degrees, with a source, and each
/// place and movement once.
fn rom_normals_of(
    file: &RomNormalsFile,
    vocabulary: &Vocabulary,
) -> Result<Vec<(RegionCode, Activity, f64)>, LexiconError> {
    sources_of("rom_normals.sources", &file.sources)?;
    if file.normals.is_empty() {
        return Err(LexiconError::Malformed {
            field: "rom_normals.normals".into(),
            why: "is empty: list at least one normal".into(),
        });
    }
    let mut normals: Vec<(RegionCode, Activity, f64)> = Vec::new();
    for entry in &file.normals {
        let named = format!("rom_normals.normals ({} {})", entry.region, entry.movement);
        let region = RegionCode::new(entry.region.as_str());
        if vocabulary.region(&region).is_none() {
            return Err(LexiconError::UnknownCode {
                field: "rom_normals.normals (region)".into(),
                value: entry.region.clone(),
            });
        }
        let movement = Activity::from_code(&entry.movement)
            .filter(|a| a.is_movement())
            .ok_or_else(|| LexiconError::UnknownCode {
                field: "rom_normals.normals (movement)".into(),
                value: entry.movement.clone(),
            })?;
        if !(entry.degrees > 0.0 && entry.degrees <= 360.0) {
            return Err(LexiconError::Malformed {
                field: named,
                why: format!(
                    "gives {} degrees: a normal is above 0 and at most 360",
                    entry.degrees
                ),
            });
        }
        if entry.source.trim().is_empty() {
            return Err(LexiconError::Malformed {
                field: named,
                why: "has no source: say where the normal was read".into(),
            });
        }
        if normals
            .iter()
            .any(|(place, moving, _)| *place == region && *moving == movement)
        {
            return Err(LexiconError::Malformed {
                field: named,
                why: "is given twice: keep one normal for each place and movement".into(),
            });
        }
        normals.push((region, movement, entry.degrees));
    }
    Ok(normals)
}

/// The units a value is written in (`units` in the file).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitsFile {
    #[allow(dead_code)]
    about: String,
    sources: Vec<String>,
    /// Each unit's code (as the record writes it: "degrees") to how it is written.
    measures: HashMap<String, UnitWordsFile>,
    /// "30 minutes", "2 hrs": how long.
    durations: Vec<String>,
    /// "6 weeks", "2 yrs": since when.
    periods: Vec<String>,
    /// "2-3 times", "3 sets": how many, never a score.
    counts: Vec<String>,
    /// "10 lbs", "2 miles": an amount that says nothing of a finding.
    amounts: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitWordsFile {
    /// Written as a word after the number: "45 degrees".
    words: Vec<String>,
    /// Written joined to the number: "45°", "6cm".
    joined: Vec<String>,
}

/// A scale graded 0 to 4+ (`reflex_grades`, `pulse_grades` in the file).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GradesFile {
    #[allow(dead_code)]
    about: String,
    sources: Vec<String>,
    /// Each grade ("0", "1+" ... "4+") to `less`, `normal` or `more`.
    grades: HashMap<String, String>,
}

/// The grades of a 0-4+ scale, each as it stands to normal, from the file, checked: every
/// grade once, and a normal among them.
fn scale_of(field: &str, file: &GradesFile) -> Result<[std::cmp::Ordering; 5], LexiconError> {
    use std::cmp::Ordering;
    sources_of(&format!("{field}.sources"), &file.sources)?;
    let mut scale: [Option<Ordering>; 5] = [None; 5];
    // In order, so that the first fault named is the same on every run.
    let mut grades: Vec<(&String, &String)> = file.grades.iter().collect();
    grades.sort();
    for (grade, standing) in grades {
        let number = ReflexGrade::parse(grade)
            .map(ReflexGrade::grade)
            .ok_or_else(|| LexiconError::Malformed {
                field: format!("{field}.grades"),
                why: format!("has `{grade}`, which is not a grade of 0 to 4+"),
            })?;
        let ordering = match standing.as_str() {
            "less" => Ordering::Less,
            "normal" => Ordering::Equal,
            "more" => Ordering::Greater,
            other => {
                return Err(LexiconError::Malformed {
                    field: format!("{field}.grades.{grade}"),
                    why: format!("is `{other}`: say `less`, `normal` or `more`"),
                });
            }
        };
        let slot = &mut scale[usize::from(number)];
        if slot.is_some() {
            return Err(LexiconError::Malformed {
                field: format!("{field}.grades"),
                why: format!("gives grade {number} twice"),
            });
        }
        *slot = Some(ordering);
    }
    let mut checked = [Ordering::Equal; 5];
    for (number, (slot, standing)) in checked.iter_mut().zip(scale).enumerate() {
        *slot = standing.ok_or_else(|| LexiconError::Malformed {
            field: format!("{field}.grades"),
            why: format!("has no grade {number}: list every grade from 0 to 4+"),
        })?;
    }
    if !checked.contains(&Ordering::Equal) {
        return Err(LexiconError::Malformed {
            field: format!("{field}.grades"),
            why: "has no `normal` grade".into(),
        });
    }
    Ok(checked)
}

/// A section's sources, checked: at least one, none blank.
fn sources_of(field: &str, sources: &[String]) -> Result<(), LexiconError> {
    if sources.is_empty() || sources.iter().any(|s| s.trim().is_empty()) {
        return Err(LexiconError::Malformed {
            field: field.to_owned(),
            why: "needs at least one source, none blank".into(),
        });
    }
    Ok(())
}

/// A list of words, checked (at least one, none blank) and lower-cased.
fn word_list(field: &str, words: &[String]) -> Result<Vec<String>, LexiconError> {
    if words.is_empty() {
        return Err(LexiconError::Malformed {
            field: field.to_owned(),
            why: "is empty: list at least one word".into(),
        });
    }
    words
        .iter()
        .map(|word| {
            let word = word.trim().to_lowercase();
            if word.is_empty() || word.contains(char::is_whitespace) {
                Err(LexiconError::Malformed {
                    field: field.to_owned(),
                    why: "has a blank entry, or one of several words: give one word each".into(),
                })
            } else {
                Ok(word)
            }
        })
        .collect()
}

/// The units of the file, checked: each a unit the record has, written in at least one
/// word, no word naming two units.
fn units_of(file: &UnitsFile) -> Result<Units, LexiconError> {
    sources_of("units.sources", &file.sources)?;
    if file.measures.is_empty() {
        return Err(LexiconError::Malformed {
            field: "units.measures".into(),
            why: "is empty: list at least one unit".into(),
        });
    }
    let mut units = Units::default();
    let mut measures: Vec<(&String, &UnitWordsFile)> = file.measures.iter().collect();
    measures.sort_by(|a, b| a.0.cmp(b.0));
    for (code, written) in measures {
        let unit: Unit =
            serde_json::from_value(serde_json::Value::String(code.clone())).map_err(|_| {
                LexiconError::UnknownCode {
                    field: "units.measures".into(),
                    value: code.clone(),
                }
            })?;
        for word in word_list(&format!("units.measures.{code}.words"), &written.words)? {
            if units
                .after
                .insert(word.clone(), unit)
                .is_some_and(|u| u != unit)
            {
                return Err(LexiconError::Malformed {
                    field: "units.measures".into(),
                    why: format!("gives `{word}` to two units"),
                });
            }
        }
        // A unit only ever written apart ("45 seconds") may have no joined form.
        if !written.joined.is_empty() {
            for ending in word_list(&format!("units.measures.{code}.joined"), &written.joined)? {
                units.joined.push((ending, unit));
            }
        }
    }
    // The longest ending first, so that no shorter one takes part of it.
    units
        .joined
        .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    units.durations = word_list("units.durations", &file.durations)?;
    units.periods = word_list("units.periods", &file.periods)?;
    units.counts = word_list("units.counts", &file.counts)?;
    units.amounts = word_list("units.amounts", &file.amounts)?;
    Ok(units)
}

/// The units a value is written in, compiled.
#[derive(Debug, Default)]
struct Units {
    after: HashMap<String, Unit>,
    joined: Vec<(String, Unit)>,
    durations: Vec<String>,
    periods: Vec<String>,
    counts: Vec<String>,
    amounts: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NegationFile {
    /// "denies": a negation that reaches every finding of its sentence, through its
    /// commas, up to a terminator ("denies fever, weight loss, leg weakness or numbness").
    sentence: Vec<String>,
    before: Vec<String>,
    after: Vec<String>,
    terminators: Vec<String>,
}

/// One code, or several for a phrase that names more than one ("bowel and bladder").
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMore {
    One(String),
    More(Vec<String>),
}

impl OneOrMore {
    fn all(&self) -> &[String] {
        match self {
            OneOrMore::One(code) => std::slice::from_ref(code),
            OneOrMore::More(codes) => codes,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    names: Vec<String>,
    region: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StructureFile {
    names: Vec<String>,
    /// None for a structure along the whole spine (paraspinals, spinous processes): the
    /// text must say which part.
    region: Option<String>,
    #[serde(default)]
    myotome: Option<String>,
}

/// What a phrase of a note is.
#[derive(Debug, Clone, PartialEq)]
pub enum Word {
    Kind(KindCode),
    Region(RegionCode),
    Side(Side),
    /// "no", "without": negates what follows in its clause.
    NegateAfter,
    /// "denies", "negative for": negates every finding after it in its sentence, up to a
    /// terminator.
    NegateSentence,
    /// "absent", "intact", "WNL": negates what came before in its clause.
    NegateBefore,
    /// "but", "except": ends a negation's reach.
    Terminator,
    /// A word that names what is examined, so that a normal word makes it absent:
    /// "sensation" (numbness), "strength" (weakness).
    Examined(KindCode),
    Positive,
    Negative,
    Test {
        name: String,
        region: Option<RegionCode>,
    },
    Structure {
        name: String,
        region: Option<RegionCode>,
        myotome: Option<SpinalLevel>,
    },
    /// "achilles" or "patellar" before "reflex": where the reflex is.
    ReflexPlace(RegionCode),
    Severity(Severity),
    Frequency(Frequency),
    Activity(Activity),
    ProvokeCue,
    /// "with", "on": provokes, unless the clause already said what eases.
    WeakProvokeCue,
    EaseCue,
    Onset(Onset),
    Course(Course),
    Quality(String),
    /// "and has", "which": a new clause begins, as after a comma.
    Boundary,
    /// "decreased", "increased", "full": how what was examined was found.
    Change(Change),
    /// "since this morning": since when, as written.
    Since,
    /// "compared to the left": the side and places after it, to the clause's end, are the
    /// reference the finding was compared with.
    ComparedTo,
    /// "no reproduction of": the finding after it was not reproduced, which is asked.
    NotReproduced,
    /// "refers to": the places after it are where the trigger point before refers pain.
    RefersCue,
    /// "particularly", "mainly": the parts of the place just named where it is most, not
    /// places of their own ("pain in his right hand, particularly the thumb").
    Emphasis,
    /// "history of", "if", "mother", "possible": the findings after it are not today's
    /// findings of the patient.
    Context(Context),
    /// "medial", "distal": which part of the region named with it; the ending its code
    /// has in the vocabulary ("medial" for `knee_medial`).
    Aspect(String),
    Filler,
}

/// What a finding named after a context cue is, when it is not today's finding of the
/// patient (after ConText: Harkema et al. 2009, J Biomed Inform 42:839).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// "history of", "used to have": the past, not today.
    Historical,
    /// "if", "return if": what may happen, not what was found.
    Hypothetical,
    /// "mother", "family history": another person's.
    OtherPerson,
    /// "possible", "r/o", "suspected": a possibility, not a finding.
    Uncertain,
}

impl Context {
    pub const ALL: [Context; 4] = [
        Context::Historical,
        Context::Hypothetical,
        Context::OtherPerson,
        Context::Uncertain,
    ];

    /// Why a finding in this context is left in the note rather than charted.
    pub fn why(self) -> &'static str {
        match self {
            Context::Historical => "history, not today's finding: kept in the note",
            Context::Hypothetical => "said with 'if': not found today; kept in the note",
            Context::OtherPerson => "of another person, not the patient: kept in the note",
            Context::Uncertain => "a possibility, not a finding: kept in the note",
        }
    }

    /// Whether its reach ends at a comma: "if" and "possible" govern their clause;
    /// "history of" and "mother" the rest of the sentence.
    pub fn ends_at_comma(self) -> bool {
        matches!(self, Context::Hypothetical | Context::Uncertain)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextCuesFile {
    #[serde(default)]
    historical: Vec<String>,
    #[serde(default)]
    hypothetical: Vec<String>,
    #[serde(default)]
    other_person: Vec<String>,
    #[serde(default)]
    uncertain: Vec<String>,
    /// "now", "currently": the past or another person's ends here.
    #[serde(default)]
    ends: Vec<String>,
    /// Words just before "history of" that make it how long today's complaint has
    /// lasted ("a 3-month history of neck pain"), not the past.
    #[serde(default)]
    durations: Vec<String>,
    /// Words opening a history cue that make it the time before this complaint
    /// ("no previous history of LBP" says nothing of the LBP the patient has now).
    #[serde(default)]
    before_this_complaint: Vec<String>,
}

/// How an examined function was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Decreased, diminished, limited, lost.
    Less,
    /// Increased, brisk.
    More,
    /// Full, normal, symmetric.
    Full,
}

/// Words around a second intensity for one finding ("from 7/10 to 3/10", "3/10 at best and
/// 7/10 at worst", "4/10 (was 7/10)").
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct IntensityCuesFile {
    /// The pain varies between the two: "at worst", "up to", "increases to".
    range: Vec<String>,
    /// The value after it is an earlier one: "was", "initially", "from".
    earlier: Vec<String>,
    /// The value after it is today's: "to", "now".
    now: Vec<String>,
}

/// Benign musculoskeletal diagnoses ("plantar fasciitis", "radiculopathy"): what the
/// clinician concluded, not what was found.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DiagnosesFile {
    #[allow(dead_code)]
    about: String,
    names: Vec<String>,
}

/// Everyday words that may carry a finding, a place, a side, a negation or a change, and
/// so are never passed over as prose.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ProseGuardFile {
    #[allow(dead_code)]
    about: String,
    words: Vec<String>,
    /// A word beginning so is guarded ("numb" guards "numbness", "numbed").
    stems: Vec<String>,
    /// Words a stem would guard that carry nothing ("number").
    allowed: Vec<String>,
}

/// How a second intensity for one finding stands to the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondIntensity {
    /// Both bound the range the pain moves in.
    Range,
    /// The second is an earlier value: the first is today's.
    Earlier,
    /// The first is an earlier value: the second is today's.
    Now,
}

/// The compiled lexicon.
#[derive(Debug)]
pub struct Lexicon {
    /// Phrase (words joined by a space) to what it is; several meanings are kept in order
    /// of precedence.
    phrases: HashMap<String, Vec<Word>>,
    /// The most words any phrase has.
    longest: usize,
    expansions: HashMap<String, Vec<String>>,
    points: std::collections::HashSet<String>,
    techniques: HashMap<String, super::super::detail::Technique>,
    modalities: HashMap<String, super::super::detail::Modality>,
    not_done: Vec<Vec<String>>,
    dose_frequencies: Vec<String>,
    dose_frequency_endings: Vec<String>,
    interventions: super::interventions::InterventionWords,
    intensity_range: Vec<Vec<String>>,
    intensity_earlier: Vec<Vec<String>>,
    intensity_now: Vec<Vec<String>>,
    /// Everyday words that mean nothing to a finding: read as prose.
    prose: std::collections::HashSet<String>,
    /// The reflex a root stands for when a reflex is spoken of ("C5" is the biceps).
    reflex_levels: HashMap<String, RegionCode>,
    deficit_words: Vec<String>,
    not_examined_words: Vec<String>,
    absence_words: Vec<String>,
    /// Words that end a context's reach ("now", "currently").
    context_ends: Vec<String>,
    /// Words that make "history of" a duration ("3-month history of").
    context_durations: Vec<String>,
    /// Words that make a history the time before this complaint ("previous history of").
    context_before: Vec<String>,
    pub sources: Vec<String>,
    units: Units,
    /// Each reflex grade 0-4 as it stands to normal.
    reflex_scale: [std::cmp::Ordering; 5],
    /// Each pulse grade 0-4 as it stands to normal.
    pulse_scale: [std::cmp::Ordering; 5],
    /// Each movement's normal range at a place, in degrees.
    rom_normals: Vec<(RegionCode, Activity, f64)>,
}

/// Why the lexicon file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LexiconError {
    #[error("{LEXICON_FILE}: {0}")]
    Syntax(String),
    #[error("{LEXICON_FILE}: `{value}` in {field} is not a code the notebook knows")]
    UnknownCode { field: String, value: String },
    #[error("{LEXICON_FILE}: {field} {why}")]
    Malformed { field: String, why: String },
}

/// Whether a word of `phrase` begins with one of `beginnings`.
fn starts_any(phrase: &str, beginnings: &[String]) -> bool {
    words_of(phrase).iter().any(|word| {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        beginnings
            .iter()
            .any(|beginning| word.starts_with(beginning.as_str()))
    })
}

/// Words as the lexicon and the reader compare them: lower case.
pub fn words_of(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_lowercase).collect()
}

impl Lexicon {
    /// The lexicon built into this binary, with the built-in vocabulary.
    pub fn builtin() -> &'static Lexicon {
        static BUILTIN: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(
            || match Lexicon::load(LEXICON_JSON, Vocabulary::builtin()) {
                Ok(lexicon) => lexicon,
                Err(error) => panic!("the built-in lexicon is invalid: {error}"),
            },
        )
    }

    pub fn load(text: &str, vocabulary: &Vocabulary) -> Result<Lexicon, LexiconError> {
        let file: LexiconFile =
            serde_json::from_str(text).map_err(|error| LexiconError::Syntax(error.to_string()))?;
        let mut lexicon = Lexicon {
            phrases: HashMap::new(),
            longest: 1,
            expansions: file
                .expansions
                .iter()
                .map(|(short, long)| (short.to_lowercase(), words_of(long)))
                .collect(),
            points: file
                .abbreviations_with_point
                .iter()
                .map(|word| word.to_lowercase())
                .collect(),
            techniques: HashMap::new(),
            modalities: HashMap::new(),
            not_done: file.not_done.iter().map(|cue| words_of(cue)).collect(),
            dose_frequencies: file
                .dose_frequencies
                .iter()
                .map(|w| w.to_lowercase())
                .collect(),
            dose_frequency_endings: file
                .dose_frequency_endings
                .iter()
                .map(|w| w.to_lowercase())
                .collect(),
            interventions: super::interventions::InterventionWords::load(
                &file.interventions,
                vocabulary,
            )?,
            intensity_range: file
                .intensity_cues
                .range
                .iter()
                .map(|c| words_of(c))
                .collect(),
            intensity_earlier: file
                .intensity_cues
                .earlier
                .iter()
                .map(|c| words_of(c))
                .collect(),
            intensity_now: file
                .intensity_cues
                .now
                .iter()
                .map(|c| words_of(c))
                .collect(),
            prose: std::collections::HashSet::new(),
            reflex_levels: HashMap::new(),
            deficit_words: file
                .deficit_words
                .iter()
                .map(|w| w.to_lowercase())
                .collect(),
            not_examined_words: file
                .not_examined_words
                .iter()
                .map(|w| w.to_lowercase())
                .collect(),
            absence_words: file
                .absence_words
                .iter()
                .map(|w| w.to_lowercase())
                .collect(),
            context_ends: Vec::new(),
            context_durations: file
                .context_cues
                .durations
                .iter()
                .map(|w| w.to_lowercase())
                .collect(),
            context_before: file
                .context_cues
                .before_this_complaint
                .iter()
                .map(|w| w.to_lowercase())
                .collect(),
            sources: file
                .sources
                .iter()
                .chain(&file.units.sources)
                .chain(&file.reflex_grades.sources)
                .chain(&file.pulse_grades.sources)
                .chain(&file.rom_normals.sources)
                .cloned()
                .collect(),
            units: units_of(&file.units)?,
            reflex_scale: scale_of("reflex_grades", &file.reflex_grades)?,
            pulse_scale: scale_of("pulse_grades", &file.pulse_grades)?,
            rom_normals: rom_normals_of(&file.rom_normals, vocabulary)?,
        };
        for (word, code) in &file.techniques {
            let technique = super::super::detail::Technique::from_code(code).ok_or_else(|| {
                LexiconError::UnknownCode {
                    field: "techniques".into(),
                    value: code.clone(),
                }
            })?;
            lexicon.techniques.insert(word.to_lowercase(), technique);
        }
        for (word, code) in &file.modalities {
            let modality = super::super::detail::Modality::from_code(code).ok_or_else(|| {
                LexiconError::UnknownCode {
                    field: "modalities".into(),
                    value: code.clone(),
                }
            })?;
            lexicon.modalities.insert(word.to_lowercase(), modality);
        }
        let region = |field: &str, code: &str| -> Result<RegionCode, LexiconError> {
            let code = RegionCode::new(code);
            vocabulary
                .region(&code)
                .map(|_| code.clone())
                .ok_or_else(|| LexiconError::UnknownCode {
                    field: field.to_owned(),
                    value: code.0.clone(),
                })
        };
        let kind = |field: &str, code: &str| -> Result<KindCode, LexiconError> {
            let code = KindCode::new(code);
            vocabulary
                .kind(&code)
                .map(|_| code.clone())
                .ok_or_else(|| LexiconError::UnknownCode {
                    field: field.to_owned(),
                    value: code.0.clone(),
                })
        };
        fn coded<T>(
            field: &str,
            value: &str,
            from: fn(&str) -> Option<T>,
        ) -> Result<T, LexiconError> {
            from(value).ok_or_else(|| LexiconError::UnknownCode {
                field: field.to_owned(),
                value: value.to_owned(),
            })
        }
        // The vocabulary's own words first: a lexicon entry of the same phrase adds to it.
        for entry in vocabulary.kinds() {
            for term in std::iter::once(&entry.name).chain(&entry.synonyms) {
                lexicon.add(term, Word::Kind(entry.code.clone()));
            }
            lexicon.add(
                &entry.code.0.replace('_', " "),
                Word::Kind(entry.code.clone()),
            );
        }
        for entry in vocabulary.regions() {
            for term in std::iter::once(&entry.name).chain(&entry.synonyms) {
                lexicon.add(term, Word::Region(entry.code.clone()));
                // "achilles reflex", "ankle jerk": a place that also says what was examined.
                let lower = term.to_lowercase();
                if lower.contains("reflex") || lower.contains("jerk") {
                    lexicon.add(term, Word::Examined(KindCode::new("reflex_decreased")));
                }
            }
        }
        for (words, side) in [
            (&["r", "rt", "right", "(r)"][..], Side::Right),
            (&["l", "lt", "left", "(l)"][..], Side::Left),
            (
                // "TTP L>R": both sides, the left the more.
                &[
                    "bilateral",
                    "both",
                    "b",
                    "bilat",
                    "bl",
                    "l>r",
                    "r>l",
                    "l=r",
                    "r=l",
                ][..],
                Side::Bilateral,
            ),
            (
                &["midline", "central", "centrally", "centre", "center"][..],
                Side::Midline,
            ),
        ] {
            for word in words {
                lexicon.add(word, Word::Side(side));
            }
        }
        for (term, ending) in &file.aspects {
            lexicon.add(term, Word::Aspect(ending.clone()));
        }
        for term in &file.negation.sentence {
            lexicon.add(term, Word::NegateSentence);
        }
        for term in &file.negation.before {
            lexicon.add(term, Word::NegateAfter);
        }
        for term in &file.negation.after {
            lexicon.add(term, Word::NegateBefore);
        }
        for term in &file.negation.terminators {
            lexicon.add(term, Word::Terminator);
        }
        for (term, codes) in &file.normal_words {
            for code in codes.all() {
                lexicon.add(term, Word::Examined(kind("normal_words", code)?));
            }
        }
        for term in &file.positive {
            lexicon.add(term, Word::Positive);
        }
        for term in &file.negative {
            lexicon.add(term, Word::Negative);
        }
        for test in &file.tests {
            let place = match &test.region {
                Some(code) => Some(region("tests", code)?),
                None => None,
            };
            // The first name is written as the record shows it: "SLR", "Neer".
            let name = test.names.first().cloned().unwrap_or_default();
            for term in &test.names {
                lexicon.add(
                    term,
                    Word::Test {
                        name: name.clone(),
                        region: place.clone(),
                    },
                );
            }
        }
        for structure in &file.structures {
            let place = match &structure.region {
                Some(code) => Some(region("structures", code)?),
                None => None,
            };
            let myotome =
                match &structure.myotome {
                    Some(level) => Some(SpinalLevel::parse(level).ok_or_else(|| {
                        LexiconError::UnknownCode {
                            field: "structures.myotome".into(),
                            value: level.clone(),
                        }
                    })?),
                    None => None,
                };
            // The fullest name stands on the record: "extensor hallucis longus" for "EHL".
            let name = structure
                .names
                .iter()
                .max_by_key(|name| name.len())
                .cloned()
                .unwrap_or_default();
            for term in &structure.names {
                lexicon.add(
                    term,
                    Word::Structure {
                        name: name.clone(),
                        region: place.clone(),
                        myotome: myotome.clone(),
                    },
                );
            }
        }
        for (term, code) in &file.reflex_regions {
            let place = region("reflex_regions", code)?;
            // "C5" is a spinal level unless a reflex is spoken of: the reflex it stands for
            // is looked up then, never read in place of the level.
            match super::super::SpinalLevel::parse(term) {
                Some(_) => {
                    lexicon.reflex_levels.insert(term.to_lowercase(), place);
                }
                None => lexicon.add(term, Word::ReflexPlace(place)),
            }
        }
        for (term, code) in &file.severity {
            lexicon.add(
                term,
                Word::Severity(coded("severity", code, Severity::from_code)?),
            );
        }
        for (term, code) in &file.frequency {
            lexicon.add(
                term,
                Word::Frequency(coded("frequency", code, Frequency::from_code)?),
            );
        }
        for (term, code) in &file.activities {
            lexicon.add(
                term,
                Word::Activity(coded("activities", code, Activity::from_code)?),
            );
        }
        for term in &file.provoke_cues {
            lexicon.add(term, Word::ProvokeCue);
        }
        for term in &file.weak_provoke_cues {
            lexicon.add(term, Word::WeakProvokeCue);
        }
        for term in &file.ease_cues {
            lexicon.add(term, Word::EaseCue);
        }
        for (term, code) in &file.onset {
            lexicon.add(term, Word::Onset(coded("onset", code, Onset::from_code)?));
        }
        for (term, code) in &file.course {
            lexicon.add(
                term,
                Word::Course(coded("course", code, Course::from_code)?),
            );
        }
        for term in &file.qualities {
            lexicon.add(term, Word::Quality(term.clone()));
        }
        for (term, change) in &file.changes {
            let change = match change.as_str() {
                "less" => Change::Less,
                "more" => Change::More,
                "full" => Change::Full,
                other => {
                    return Err(LexiconError::UnknownCode {
                        field: "changes".into(),
                        value: other.to_owned(),
                    });
                }
            };
            lexicon.add(term, Word::Change(change));
        }
        for (term, code) in &file.kinds {
            lexicon.add(term, Word::Kind(kind("kinds", code)?));
        }
        for (term, code) in &file.regions {
            lexicon.add(term, Word::Region(region("regions", code)?));
        }
        for term in &file.plural_regions {
            let words = words_of(term);
            if !lexicon
                .meanings(&words)
                .is_some_and(|meanings| meanings.iter().any(|w| matches!(w, Word::Region(_))))
            {
                return Err(LexiconError::UnknownCode {
                    field: "plural_regions".into(),
                    value: term.clone(),
                });
            }
            lexicon.add(term, Word::Side(Side::Bilateral));
        }
        // A region's code read as words ("leg") only where no region is named so: "leg"
        // in a note is the whole lower limb, as the lexicon names it, not the code `leg`.
        for entry in vocabulary.regions() {
            let phrase = words_of(&entry.code.0.replace('_', " "));
            let named = lexicon
                .meanings(&phrase)
                .is_some_and(|words| words.iter().any(|w| matches!(w, Word::Region(_))));
            if !named {
                lexicon.add(
                    &entry.code.0.replace('_', " "),
                    Word::Region(entry.code.clone()),
                );
            }
        }
        for term in &file.since_phrases {
            lexicon.add(term, Word::Since);
        }
        for term in &file.comparison_cues {
            lexicon.add(term, Word::ComparedTo);
        }
        for (term, ending) in &file.aspect_phrases {
            lexicon.add(term, Word::Aspect(ending.clone()));
        }
        for term in &file.not_reproduced {
            lexicon.add(term, Word::NotReproduced);
        }
        for term in &file.refers_cues {
            lexicon.add(term, Word::RefersCue);
        }
        for term in &file.emphasis_cues {
            lexicon.add(term, Word::Emphasis);
        }
        let cues = &file.context_cues;
        for (terms, context) in [
            (&cues.historical, Context::Historical),
            (&cues.hypothetical, Context::Hypothetical),
            (&cues.other_person, Context::OtherPerson),
            (&cues.uncertain, Context::Uncertain),
        ] {
            for term in terms {
                lexicon.add(term, Word::Context(context));
            }
        }
        lexicon.context_ends = cues.ends.iter().map(|w| w.to_lowercase()).collect();
        for term in &file.boundaries {
            lexicon.add(term, Word::Boundary);
        }
        for term in file.fillers.iter().chain(&file.diagnoses.names) {
            lexicon.add(term, Word::Filler);
        }
        lexicon.prose = lexicon.everyday_prose(&file.prose_guard);
        Ok(lexicon)
    }

    /// The everyday words read as prose: those no phrase of the lexicon that means
    /// something uses ("worst" in "worst headache of my life", "bear" in "unable to bear
    /// weight"), and that the guard does not name.
    fn everyday_prose(&self, guard: &ProseGuardFile) -> std::collections::HashSet<String> {
        let meaningful: std::collections::HashSet<&str> = self
            .phrases
            .iter()
            .filter(|(_, meanings)| {
                meanings
                    .iter()
                    .any(|w| !matches!(w, Word::Filler | Word::Boundary))
            })
            .flat_map(|(phrase, _)| phrase.split(' '))
            .collect();
        let listed: std::collections::HashSet<String> =
            guard.words.iter().map(|w| w.to_lowercase()).collect();
        let stems: Vec<String> = guard.stems.iter().map(|w| w.to_lowercase()).collect();
        let allowed: std::collections::HashSet<String> =
            guard.allowed.iter().map(|w| w.to_lowercase()).collect();
        EVERYDAY_ENGLISH
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .filter(|word| {
                !meaningful.contains(word)
                    && !listed.contains(*word)
                    && (allowed.contains(*word)
                        || !stems.iter().any(|stem| word.starts_with(stem.as_str())))
            })
            .map(str::to_owned)
            .collect()
    }

    /// The place of the reflex a single root stands for: "C5" is the biceps reflex.
    pub fn reflex_place_of(&self, level: &super::super::SpinalLevel) -> Option<&RegionCode> {
        if !level.is_single() {
            return None;
        }
        self.reflex_levels.get(&level.to_string().to_lowercase())
    }

    /// Whether `phrase` names a deficit ("no sensory deficit", "no changes in sensation"),
    /// each word compared from its start ("deficit" names "deficits").
    pub fn names_a_deficit(&self, phrase: &str) -> bool {
        starts_any(phrase, &self.deficit_words)
    }

    /// Whether `written` ends the reach of a context cue ("now" after "history of").
    pub fn ends_context(&self, written: &str) -> bool {
        self.context_ends.contains(&written.to_lowercase())
    }

    /// Whether a history cue, as written, speaks of the time before this complaint
    /// ("previous history of", "prior episode of").
    pub fn before_this_complaint(&self, cue: &str) -> bool {
        let cue = cue.to_lowercase();
        self.context_before
            .iter()
            .any(|word| cue.starts_with(word.as_str()))
    }

    /// Whether the words before a "history of" (`before`, as written) make it how long
    /// today's complaint has lasted: "a 3-month history of", "a long history of".
    pub fn history_is_a_duration(&self, before: &str) -> bool {
        let before = before.trim_end().to_lowercase();
        let last = before
            .rsplit(|c: char| c.is_whitespace() || c == '-')
            .next()
            .unwrap_or_default();
        self.context_durations.iter().any(|word| word == last)
    }

    /// Whether `written` is a word of absence that, before a function, says it is gone.
    pub fn says_absence(&self, written: &str) -> bool {
        let written = written.to_lowercase();
        self.absence_words.contains(&written)
    }

    /// Whether `phrase` says an examination was not done ("no reflex testing performed").
    pub fn says_not_examined(&self, phrase: &str) -> bool {
        starts_any(phrase, &self.not_examined_words)
    }

    /// Whether `word` (lower case) is everyday prose that says nothing of a finding.
    pub fn is_prose(&self, word: &str) -> bool {
        self.prose.contains(word)
    }

    /// How many everyday words are read as prose.
    pub fn prose_count(&self) -> usize {
        self.prose.len()
    }

    fn add(&mut self, term: &str, word: Word) {
        let words = words_of(&term.replace(['_', '-'], " "));
        if words.is_empty() {
            return;
        }
        self.longest = self.longest.max(words.len());
        let meanings = self.phrases.entry(words.join(" ")).or_default();
        if !meanings.contains(&word) {
            meanings.push(word);
        }
    }

    /// What `words` (already lower case) mean, if the lexicon knows the phrase.
    pub fn meanings(&self, words: &[String]) -> Option<&[Word]> {
        self.phrases.get(&words.join(" ")).map(Vec::as_slice)
    }

    /// The known phrase closest to an unread word, for "did you mean": a one-word phrase
    /// of similar spelling (Jaro-Winkler at least 0.85), if any.
    pub fn suggest(&self, word: &str) -> Option<String> {
        let word = word.to_lowercase();
        if word.chars().count() < 3 {
            return None;
        }
        self.phrases
            .iter()
            .filter(|(phrase, meanings)| {
                !phrase.contains(' ') && !meanings.iter().all(|m| matches!(m, Word::Filler))
            })
            .map(|(phrase, _)| (strsim::jaro_winkler(&word, phrase), phrase))
            .filter(|(score, _)| *score >= 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
            .map(|(_, phrase)| phrase.clone())
    }

    /// The technique a word of an intervention names ("diversified", "activator", "iastm").
    pub fn technique(&self, word: &str) -> Option<super::super::detail::Technique> {
        self.techniques.get(word).copied()
    }

    /// The modality a word names ("ifc", "tens", "ultrasound", "ice").
    pub fn modality(&self, word: &str) -> Option<super::super::detail::Modality> {
        self.modalities.get(word).copied()
    }

    /// The words in `text` that say something was not done, not found or only planned
    /// ("no", "not tolerated", "deferred", "consider"), if any: an intervention line
    /// holding them is not charted as done.
    pub fn not_done_cue(&self, text: &str) -> Option<String> {
        let words: Vec<String> = words_of(text)
            .into_iter()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_owned())
            .collect();
        (0..words.len()).find_map(|start| {
            (start + 1..=words.len().min(start + self.longest)).find_map(|end| {
                let phrase = &words[start..end];
                let negation = self.meanings(phrase).is_some_and(|meanings| {
                    meanings.iter().any(|m| {
                        matches!(
                            m,
                            Word::NegateAfter | Word::NegateSentence | Word::NegateBefore
                        )
                    })
                });
                (negation || self.not_done.iter().any(|cue| cue[..] == *phrase))
                    .then(|| phrase.join(" "))
            })
        })
    }

    /// Whether `word` (lower case) says how often a home programme is done: "daily",
    /// "bid", "2x/day".
    pub fn is_dose_frequency(&self, word: &str) -> bool {
        self.dose_frequencies.iter().any(|w| w == word)
            || self
                .dose_frequency_endings
                .iter()
                .any(|ending| word.ends_with(ending.as_str()))
    }

    /// How what was done is named in sentences and lists (`interventions` in the file).
    pub fn intervention_words(&self) -> &super::interventions::InterventionWords {
        &self.interventions
    }

    /// Whether `word` (lower case) is written with a point that does not end a sentence.
    pub fn has_point(&self, word: &str) -> bool {
        self.points.contains(word)
    }

    /// The lexicon file built into this binary.
    pub fn builtin_text() -> &'static str {
        LEXICON_JSON
    }

    /// How many phrases it knows.
    pub fn phrase_count(&self) -> usize {
        self.phrases.len()
    }

    pub fn longest(&self) -> usize {
        self.longest
    }

    /// How a second intensity for one finding stands to the first, from the words before
    /// the first (`before`), between the two (`between`) and after the second (`after`);
    /// `None` when the words do not say, and the clinician is asked.
    pub fn second_intensity(
        &self,
        before: &[String],
        between: &[String],
        after: &[String],
    ) -> Option<SecondIntensity> {
        let holds = |words: &[String], cues: &[Vec<String>]| {
            cues.iter()
                .any(|cue| !cue.is_empty() && words.windows(cue.len()).any(|w| w == cue.as_slice()))
        };
        let ends = |words: &[String], cues: &[Vec<String>]| {
            cues.iter()
                .any(|cue| !cue.is_empty() && words.ends_with(cue.as_slice()))
        };
        if holds(before, &self.intensity_range)
            || holds(between, &self.intensity_range)
            || holds(after, &self.intensity_range)
        {
            Some(SecondIntensity::Range)
        } else if holds(between, &self.intensity_earlier) {
            // "4/10 (was 7/10 at visit 1)", "3/10, down from 7/10".
            Some(SecondIntensity::Earlier)
        } else if holds(before, &self.intensity_earlier) && ends(between, &self.intensity_now) {
            // "improved from 7/10 to 3/10".
            Some(SecondIntensity::Now)
        } else {
            None
        }
    }

    /// The unit a word written after a number names: "45 degrees", "6 cm".
    pub fn unit_after_number(&self, word: &str) -> Option<Unit> {
        self.units.after.get(word).copied()
    }

    /// A number written joined to its unit ("45°", "6cm", "30%"), read.
    pub fn joined_measure(&self, token: &str) -> Option<(f64, Unit)> {
        self.units.joined.iter().find_map(|(ending, unit)| {
            let number = token.strip_suffix(ending.as_str())?;
            if number.is_empty() {
                return None;
            }
            number.parse::<f64>().ok().map(|quantity| (quantity, *unit))
        })
    }

    /// Whether `word` after a number says how long: "30 minutes", "2 hrs".
    pub fn is_duration(&self, word: &str) -> bool {
        self.units.durations.iter().any(|w| w == word)
    }

    /// Whether `word` after a number says since when: "6 weeks", "2 yrs".
    pub fn is_period(&self, word: &str) -> bool {
        self.units.periods.iter().any(|w| w == word)
    }

    /// Whether `word` after a number counts something, so that the number is no score:
    /// a period, a duration or a count ("2-3 days", "2-3 times", "3 sets").
    pub fn is_counted(&self, word: &str) -> bool {
        self.is_period(word)
            || self.is_duration(word)
            || self.units.counts.iter().any(|w| w == word)
    }

    /// Whether `word` after a number is an amount that says nothing of a finding: "10 lbs".
    pub fn is_amount(&self, word: &str) -> bool {
        self.units.amounts.iter().any(|w| w == word)
    }

    /// How a tendon reflex of this grade stands to normal (2+ on the NINDS scale).
    pub fn reflex_to_normal(&self, grade: ReflexGrade) -> std::cmp::Ordering {
        self.reflex_scale
            .get(usize::from(grade.grade()))
            .copied()
            .unwrap_or(std::cmp::Ordering::Equal)
    }

    /// How a pulse of this grade ("2+") stands to normal; `None` past the scale's end.
    pub fn pulse_to_normal(&self, grade: u8) -> Option<std::cmp::Ordering> {
        self.pulse_scale.get(usize::from(grade)).copied()
    }

    /// The normal range of a movement at a place, in degrees, where the lexicon has one:
    /// what a bare number after the movement is measured against.
    pub fn rom_normal(&self, place: &RegionCode, movement: Activity) -> Option<f64> {
        self.rom_normals
            .iter()
            .find(|(at, moving, _)| at == place && *moving == movement)
            .map(|(_, _, normal)| *normal)
    }

    /// The long form of an abbreviation: "ttp" is "tenderness to palpation".
    pub fn expansion(&self, word: &str) -> Option<&[String]> {
        self.expansions.get(word).map(Vec::as_slice)
    }
}
