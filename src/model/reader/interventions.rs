//! Interventions read from the clinic's words. A chart line ("STM soleus R 8 min",
//! "HVLA L SI") is read by the charting shorthand; a sentence or a list ("Adjustments
//! performed: L4-L5 P-A (diversified), R SI side-posture", "Treatment included soft tissue
//! massage and ultrasound ...") is split on its coordination into parts that each name
//! something done, a heading giving its kind to the parts under it and filler read as
//! nothing. From each part, what the line says of technique, segments, mobilisation grade,
//! sets and reps, minutes, load, home frequency and CPT code with its units is taken into
//! the intervention's detail, so that "97140 x2" is a billing code and its units, never part
//! of the dose. A part that says it was not done or is only planned, or names a kind of
//! intervention the record cannot hold yet (a modality, an orthotic, a brace), is kept
//! unread with why, never charted under another kind.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::super::detail::{InterventionDetail, MobilisationGrade, Technique};
use super::super::shorthand::{self, ShorthandProblem};
use super::super::{Intervention, InterventionKind, RegionCode, Side, SpinalLevel, Vocabulary};
use super::lexicon::{LexiconError, words_of};
use super::{Lexicon, Span, Unread, Word};

/// An intervention read, with where it was read from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadIntervention {
    #[serde(flatten)]
    pub intervention: Intervention,
    pub span: Span,
}

/// An intervention read that needs the clinician's word before it is charted: a side
/// written twice, a dose given as a range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterventionQuestion {
    pub span: Span,
    pub text: String,
    pub ask: String,
    /// The intervention as read so far, to chart once answered.
    pub intervention: Intervention,
}

/// What the reader made of a line of interventions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterventionReading {
    pub text: String,
    pub items: Vec<ReadIntervention>,
    pub unread: Vec<Unread>,
    pub questions: Vec<InterventionQuestion>,
}

impl InterventionReading {
    /// The parts not read or asked about, in the order written, joined by "; ": quick
    /// entry leaves them in the field for the clinician to finish.
    pub fn leftover(&self) -> String {
        let mut left: Vec<(usize, &str)> = self
            .unread
            .iter()
            .map(|u| (u.span[0], u.text.as_str()))
            .chain(self.questions.iter().map(|q| (q.span[0], q.text.as_str())))
            .collect();
        left.sort_by_key(|(at, _)| *at);
        left.into_iter()
            .map(|(_, text)| text)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Adds `more` (how a thing was done, as written) to an item's notes, after what they held.
fn add_to_notes(notes: &mut String, more: &str) {
    if more.is_empty() {
        return;
    }
    if !notes.is_empty() {
        notes.push_str("; ");
    }
    notes.push_str(more);
}

/// `interventions` in the lexicon file (`assets/lexicon/findings.json`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterventionWordsFile {
    #[allow(dead_code)]
    about: String,
    sources: Vec<String>,
    /// Kinds of intervention the record has no kind for yet, to what they are.
    unrecorded: HashMap<String, String>,
    /// A phrase to the kind it names: a kind the record holds, or one of `unrecorded`.
    words: HashMap<String, String>,
    /// A billing code to the kind it bills.
    cpt: HashMap<String, String>,
    /// Exercises named by what they are ("wall squats", "heel slides"): the name says an
    /// exercise was given, and is kept as what was given.
    exercise_names: Vec<String>,
    /// Regions where a manipulation is spinal (CPT 98940-98942).
    spinal_regions: Vec<String>,
    /// Positions an exercise is done in ("prone", "side lying"): in a list of exercises, a
    /// part that begins with one ("prone L hip extension") names another exercise.
    #[serde(default)]
    exercise_positions: Vec<String>,
    /// The region each exercise of `exercise_names` works ("bridges": the hip), with the
    /// page it was read from: charted when the phrase names no place of its own.
    #[serde(default)]
    exercise_regions: Vec<ExerciseRegionFile>,
    fillers: Vec<String>,
    /// Headings that say when, not what ("Pre-adjustment:", "post:"), read as nothing.
    heading_fillers: Vec<String>,
    /// Words that begin why it was done ("to decrease pain"): kept in the notes.
    purposes: Vec<String>,
    /// The purposes whose place is where it was done ("to reduce swelling associated with
    /// ankle sprain", "aimed at the thoracic spine"), unlike a cause ("due to LBP").
    #[serde(default)]
    purposes_naming_where: Vec<String>,
    /// Words of place written before what was done that the regions do not name as such
    /// ("patellar mobilization": the front of the knee), to a region's code.
    #[serde(default)]
    places: HashMap<String, String>,
    /// Words that open a sentence or part telling how something is done ("place your
    /// mobilizing hand ...", "Repeat 4-5 times and reassess"): beside what it tells of, it
    /// is kept in that item's notes.
    #[serde(default)]
    how_words: Vec<String>,
    /// Words of exercises and movements shortened with a point ("Scap. Retract.", "shld.
    /// ext."): the point ends no sentence.
    #[serde(default)]
    shortened: Vec<String>,
    /// Words that begin how it was done ("with mod verbal cues", "with hand support"):
    /// kept in the notes, like a purpose.
    #[serde(default)]
    manner: Vec<String>,
    /// Words that say when, after what was done ("heat before exercises", "ice following
    /// exercises", "exercises post estim"): what they name is charted on its own line, so
    /// from them on the words are kept in the notes.
    timing: Vec<String>,
    /// Not-done words that speak only of the part they stand in ("ice if flare").
    part_not_done: Vec<String>,
    /// Phrases with a not-done word in them that say nothing of the kind ("as outlined in
    /// care plan"): refer to a plan, and the thing was done.
    done_despite: Vec<String>,
    /// Movements: two joined by a slash in an exercise ("hip abduction/extension") are two
    /// exercises.
    #[serde(default)]
    movements: Vec<String>,
    /// Movements there and back, one exercise when joined by a slash ("elevation/depression").
    #[serde(default)]
    movement_pairs: Vec<[String; 2]>,
    /// Units of a setting written after a number ("80 Hz", "1.4mph", "4-6J").
    #[serde(default)]
    parameter_units: Vec<String>,
    /// Words of how a modality or machine was set ("intensity", "continuous", "per point").
    #[serde(default)]
    parameter_words: Vec<String>,
}

/// One entry of `exercise_regions`: the names of one exercise and the region it works.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExerciseRegionFile {
    names: Vec<String>,
    region: String,
    /// Where the region was read; for the reader of the file, as `sources` is.
    #[allow(dead_code)]
    source: String,
    /// No page was read for it: a guess to be checked, said so in the file.
    #[allow(dead_code)]
    #[serde(default)]
    unverified: bool,
}

/// What a phrase says was done: a kind the record holds, or one it lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Done {
    Kind(InterventionKind),
    Unrecorded(String),
}

/// How what was done is named in sentences and lists, compiled from the lexicon file.
#[derive(Debug)]
pub struct InterventionWords {
    words: HashMap<Vec<String>, Done>,
    longest: usize,
    unrecorded: HashMap<String, String>,
    cpt: HashMap<String, Done>,
    exercise_names: Vec<Vec<String>>,
    exercise_positions: Vec<Vec<String>>,
    /// An exercise's name to the region it works.
    exercise_regions: HashMap<Vec<String>, RegionCode>,
    spinal_regions: Vec<RegionCode>,
    fillers: Vec<Vec<String>>,
    heading_fillers: Vec<Vec<String>>,
    purposes: Vec<Vec<String>>,
    purposes_naming_where: Vec<Vec<String>>,
    places: HashMap<Vec<String>, RegionCode>,
    how_words: Vec<Vec<String>>,
    shortened: Vec<String>,
    manner: Vec<Vec<String>>,
    timing: Vec<Vec<String>>,
    done_despite: Vec<Vec<String>>,
    part_not_done: Vec<Vec<String>>,
    movements: Vec<String>,
    movement_pairs: Vec<[String; 2]>,
    parameter_units: Vec<String>,
    parameter_words: Vec<Vec<String>>,
    pub sources: Vec<String>,
}

impl InterventionWords {
    pub(super) fn load(
        file: &InterventionWordsFile,
        vocabulary: &Vocabulary,
    ) -> Result<InterventionWords, LexiconError> {
        let done = |field: &str, code: &str| -> Result<Done, LexiconError> {
            match InterventionKind::from_code(code) {
                Some(kind) => Ok(Done::Kind(kind)),
                None if file.unrecorded.contains_key(code) => Ok(Done::Unrecorded(code.into())),
                None => Err(LexiconError::UnknownCode {
                    field: format!("interventions.{field}"),
                    value: code.to_owned(),
                }),
            }
        };
        let mut words = HashMap::new();
        for (phrase, code) in &file.words {
            words.insert(words_of(phrase), done("words", code)?);
        }
        let mut cpt = HashMap::new();
        for (code, kind) in &file.cpt {
            cpt.insert(code.clone(), done("cpt", kind)?);
        }
        let spinal_regions = file
            .spinal_regions
            .iter()
            .map(|code| {
                let code = RegionCode::new(code);
                match vocabulary.region(&code) {
                    Some(_) => Ok(code),
                    None => Err(LexiconError::UnknownCode {
                        field: "interventions.spinal_regions".into(),
                        value: code.0.clone(),
                    }),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let phrases = |list: &[String]| list.iter().map(|p| words_of(p)).collect::<Vec<_>>();
        let exercise_names = phrases(&file.exercise_names);
        let mut exercise_regions = HashMap::new();
        for entry in &file.exercise_regions {
            let code = RegionCode::new(&entry.region);
            if vocabulary.region(&code).is_none() {
                return Err(LexiconError::UnknownCode {
                    field: "interventions.exercise_regions".into(),
                    value: entry.region.clone(),
                });
            }
            for name in &entry.names {
                // Only a name the reader knows as an exercise is ever looked up.
                let name = words_of(name);
                if !exercise_names.contains(&name) {
                    return Err(LexiconError::UnknownCode {
                        field: "interventions.exercise_regions (not in exercise_names)".into(),
                        value: name.join(" "),
                    });
                }
                exercise_regions.insert(name, code.clone());
            }
        }
        let mut places = HashMap::new();
        for (word, region) in &file.places {
            let code = RegionCode::new(region);
            if vocabulary.region(&code).is_none() {
                return Err(LexiconError::UnknownCode {
                    field: "interventions.places".into(),
                    value: region.clone(),
                });
            }
            places.insert(words_of(word), code);
        }
        Ok(InterventionWords {
            longest: words.keys().map(Vec::len).max().unwrap_or(1),
            words,
            unrecorded: file.unrecorded.clone(),
            cpt,
            exercise_names,
            exercise_positions: phrases(&file.exercise_positions),
            exercise_regions,
            spinal_regions,
            fillers: phrases(&file.fillers),
            heading_fillers: phrases(&file.heading_fillers),
            purposes: phrases(&file.purposes),
            purposes_naming_where: phrases(&file.purposes_naming_where),
            places,
            how_words: phrases(&file.how_words),
            shortened: file.shortened.iter().map(|w| w.to_lowercase()).collect(),
            manner: phrases(&file.manner),
            timing: phrases(&file.timing),
            done_despite: phrases(&file.done_despite),
            part_not_done: phrases(&file.part_not_done),
            movements: file.movements.clone(),
            movement_pairs: file.movement_pairs.clone(),
            parameter_units: file.parameter_units.clone(),
            parameter_words: phrases(&file.parameter_words),
            sources: file.sources.clone(),
        })
    }

    /// How many words from the start of `words` say how a modality or machine was set: a
    /// word of setting ("intensity", "per point"), a number with its unit written apart
    /// ("80 Hz", "1.5 watt/cm2") or together ("80-150Hz", "1.4mph", "4-6J").
    fn parameter_at(&self, words: &[String]) -> Option<usize> {
        if let Some(length) = Self::phrase_at(&self.parameter_words, words) {
            return Some(length);
        }
        let first = words.first()?;
        let unit = |w: &str| self.parameter_units.iter().any(|u| u == w);
        if let Some((_, rest)) = number_prefix(first) {
            if !rest.is_empty() {
                return unit(rest).then_some(1);
            }
            return words.get(1).is_some_and(|w| unit(w)).then_some(2);
        }
        None
    }

    /// How many words of `words` from the start make one of `phrases`, the longest.
    fn phrase_at(phrases: &[Vec<String>], words: &[String]) -> Option<usize> {
        phrases
            .iter()
            .filter(|p| !p.is_empty() && words.len() >= p.len() && words[..p.len()] == p[..])
            .map(Vec::len)
            .max()
    }
}

/// Reads each `;`- or line-separated part of `text`, and each sentence and coordinated
/// part in it, as an intervention; what cannot be read is kept with the reason, and the
/// rest are read.
pub fn read_interventions(
    text: &str,
    vocabulary: &Vocabulary,
    lexicon: &Lexicon,
) -> InterventionReading {
    read_interventions_beside(text, None, vocabulary, lexicon)
}

/// Reads `text` as [`read_interventions`] does, written under a line or section that
/// gives a side (`line_side`, the "L knee" a note's line sits under): what is read at a
/// paired place with no side of its own takes it, as under a heading "L:" in the text.
pub fn read_interventions_beside(
    text: &str,
    line_side: Option<Side>,
    vocabulary: &Vocabulary,
    lexicon: &Lexicon,
) -> InterventionReading {
    let mut reading = InterventionReading {
        text: text.to_owned(),
        items: Vec::new(),
        unread: Vec::new(),
        questions: Vec::new(),
    };
    let reader = Reader {
        text,
        vocabulary,
        lexicon,
        words: lexicon.intervention_words(),
    };
    // A heading alone on its line ("Modalities:") gives its kind to the lines under it,
    // and one naming a side and place ("L knee:") its side, until a blank line or the next
    // heading.
    let mut heading: Option<Done> = None;
    let beside: Option<Place> = line_side
        .filter(|side| matches!(side, Side::Left | Side::Right | Side::Bilateral))
        .map(|side| (side, None));
    let mut place: Option<Place> = beside.clone();
    let mut start = 0;
    // The line read last, to which the dose on the lines under it belongs ("Seated Row",
    // then "Sets: 2", "Reps: 10").
    let mut pending: Option<Span> = None;
    for part in text.split([';', '\n']) {
        let end = start + part.len();
        let trimmed = part.trim();
        if trimmed.is_empty() {
            let blank_line = text[..start].ends_with('\n')
                && (end == text.len() || text[end..].starts_with('\n'));
            if blank_line {
                if let Some(span) = pending.take() {
                    reader.read_under(span, &heading, &place, &mut reading);
                }
                heading = None;
                place.clone_from(&beside);
            }
            start = end + 1;
            continue;
        }
        let offset = start + (part.len() - part.trim_start().len());
        let span = [offset, offset + trimmed.len()];
        let on_its_own_line = start > 0 && text[..start].ends_with('\n');
        start = end + 1;
        if let Some(before) = pending
            && on_its_own_line
            && reader.dose_line(span)
        {
            pending = Some([before[0], span[1]]);
            continue;
        }
        if let Some(stripped) = trimmed.strip_suffix(':') {
            let named = reader.heading(offset, stripped);
            let placed = reader.place_heading(offset, stripped);
            if named.is_some() || placed.is_some() {
                if let Some(span) = pending.take() {
                    reader.read_under(span, &heading, &place, &mut reading);
                }
                heading = named.flatten();
                place = placed.or_else(|| beside.clone());
                continue;
            }
        }
        if let Some(span) = pending.replace(span) {
            reader.read_under(span, &heading, &place, &mut reading);
        }
    }
    if let Some(span) = pending {
        reader.read_under(span, &heading, &place, &mut reading);
    }
    reading
}

/// The side and place a heading names ("L knee:", "Right shoulder:") for the lines under it.
type Place = (Side, Option<RegionCode>);

/// The reader of one text, with the words it reads by.
struct Reader<'a> {
    text: &'a str,
    vocabulary: &'a Vocabulary,
    lexicon: &'a Lexicon,
    words: &'a InterventionWords,
}

/// A word of the text, with where it stands.
#[derive(Debug, Clone)]
struct Token<'a> {
    start: usize,
    end: usize,
    /// As written, without the sentence's punctuation around it.
    text: &'a str,
    /// Lower case, without punctuation at either end.
    low: String,
}

/// What joins a part to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Joiner {
    /// ",", "|": a list.
    Comma,
    /// "and", "+", "&", "as well as": done together.
    And,
    /// "then", "followed by": done after.
    Then,
}

/// A coordinated part of a sentence.
#[derive(Debug, Clone)]
struct Part<'a> {
    tokens: Vec<Token<'a>>,
    joiner: Option<Joiner>,
}

/// What a part says, before it is read into an intervention.
#[derive(Debug, Default)]
struct Sense {
    /// What was done; none when nothing is named.
    done: Option<Done>,
    /// Two different things named in one part.
    several: Vec<String>,
    /// What was done is an exercise named by what it is, kept as what was given.
    by_name: bool,
    /// What was done is only implied by its technique ("Diversified", "toggle").
    by_technique: bool,
    /// The tokens naming what was done, and the fillers: read as nothing.
    used: Vec<bool>,
    /// The tokens saying how a modality or machine was set ("80 Hz", "intensity"): a dose,
    /// never what was treated.
    setting: Vec<bool>,
    /// Where why it was done begins.
    purpose_at: Option<usize>,
    /// Names a place: a region, a muscle, a segment.
    place: bool,
    /// Holds only a dose: numbers, units, a side, a frequency.
    dose_only: bool,
    /// Holds nothing but filler.
    empty: bool,
    /// How many words it has beyond what was done, filler, dose and joining words.
    content: usize,
    /// What was done is known only from a billing code in it ("code 97112").
    billed_only: bool,
    /// The first of several things named, and whether "with" joins them ("ice with wall
    /// slide": one done during the other, or two?).
    first_of_several: Option<Done>,
    several_with: bool,
}

/// A part on its way to be charted or kept.
#[derive(Debug, Clone)]
struct Pending<'a> {
    tokens: Vec<Token<'a>>,
    joiner: Option<Joiner>,
    read: Result<Done, Unreadable>,
    /// The part before, whose kind and technique it shares ("psoas and iliotibial band").
    shares_with: Option<usize>,
}

impl<'a> Reader<'a> {
    /// What a heading ("Adjustments performed", "Modalities", "Treatment") says: `Some`
    /// when it is one (with the kind it gives, or none for "Treatment", "Pre-adjustment"),
    /// `None` when the words before the colon are not a heading.
    fn heading(&self, offset: usize, heading: &str) -> Option<Option<Done>> {
        let tokens = tokens(self.text, offset, offset + heading.len());
        // "Manual therapy (97140) x 1 unit, 10 minutes:": its billing and minutes are no
        // words of prose.
        let words = tokens
            .iter()
            .filter(|t| {
                !t.low.chars().any(|c| c.is_ascii_digit()) && !DOSE_WORDS.contains(&t.low.as_str())
            })
            .count();
        if tokens.is_empty() || words > HEADING_WORDS {
            return None;
        }
        let sense = self.sense(&tokens);
        if !sense.several.is_empty() {
            return None;
        }
        let lows: Vec<String> = tokens.iter().map(|t| t.low.clone()).collect();
        let when = InterventionWords::phrase_at(&self.words.heading_fillers, &lows)
            .is_some_and(|length| length == lows.len());
        match sense.done {
            Some(done) => Some(Some(done)),
            None if sense.empty || when => Some(None),
            None => None,
        }
    }

    /// Reads one `;`- or line-separated part of the text.
    fn read_line(&self, span: Span, heading: &Option<Done>, reading: &mut InterventionReading) {
        let line = &self.text[span[0]..span[1]];
        let sentences = self.sentences(span);
        let names: Vec<Sense> = sentences
            .iter()
            .map(|s| self.sense(&tokens(self.text, s[0], s[1])))
            .collect();
        // "Modalities _ Electric Stimulation _ Ultrasound": a printed form's empty boxes or
        // blanks say nothing was ticked or filled in, so nothing of the line is charted.
        if line
            .split_whitespace()
            .any(|w| w.starts_with('_') || w.ends_with("__"))
        {
            reading
                .unread
                .push(unread(self.text, span, Unreadable::FormBlank));
            return;
        }
        // "STM soleus R. Not tolerated.": a sentence that says something was not done
        // without naming it speaks of the line before it, so none of it is charted.
        let refers_back = sentences.iter().zip(&names).any(|(s, sense)| {
            sense.done.is_none()
                && sense.several.is_empty()
                && !sense.place
                && tokens(self.text, s[0], s[1]).len() <= BACK_REFERENCE_WORDS
                && self.not_done(&self.text[s[0]..s[1]]).is_some()
        });
        if let Some(cue) = self.not_done(line).filter(|cue| {
            refers_back || sentences.len() == 1 && !self.said_of_one_part(cue, sentences[0])
        }) {
            reading
                .unread
                .push(unread(self.text, span, Unreadable::NotDone(cue)));
            return;
        }
        // A chart line: read as the shorthand reads it, as it always was.
        if sentences.len() == 1
            && !has_structure(line)
            && self
                .movement_slash(&tokens(self.text, span[0], span[1]))
                .is_none()
            && names[0].done.is_some()
            && names[0].several.is_empty()
            && names[0].purpose_at.is_none()
            && !self.sides_disagree(&tokens(self.text, span[0], span[1]))
        {
            // "IFC 80-150Hz 15 min L low back": the side and place after the dose are
            // still where it was done.
            let written: Vec<String> = line
                .split_whitespace()
                .map(|w| self.side_apart(w))
                .collect();
            let written: Vec<&str> = written.iter().map(String::as_str).collect();
            let reordered = dose_last(&written, self.lexicon).join(" ");
            match read_one(&reordered, self.vocabulary, self.lexicon) {
                Ok(mut intervention) => {
                    // "PIR R levator scapulae 3x30s": a dose makes no exercise of what the
                    // line names as something else; "manual therapy including
                    // mobilizations" is the mobilizations the heading holds.
                    if let Some(Done::Kind(kind)) = names[0].done
                        && !names[0].by_name
                        && matches!(
                            intervention.kind,
                            InterventionKind::Exercise | InterventionKind::ManualTherapy
                        )
                    {
                        intervention.kind = kind;
                    }
                    enrich(&mut intervention, line, self.lexicon);
                    // "myofascial release to the psoas": the joining words are no part of
                    // what was treated.
                    intervention.target = intervention
                        .target
                        .split_whitespace()
                        .skip_while(|w| LEADING.contains(&w.to_lowercase().as_str()))
                        .collect::<Vec<_>>()
                        .join(" ");
                    self.both_sides_by_b(&tokens(self.text, span[0], span[1]), &mut intervention);
                    minutes_of_a_modality(&mut intervention);
                    self.region_of_target(&mut intervention);
                    self.region_beside_name(&mut intervention);
                    self.outside_the_spine(&mut intervention);
                    reading.items.push(ReadIntervention { intervention, span });
                    return;
                }
                Err(_) => {
                    // "97140 x2" on its own: the billing of the intervention before it.
                    let code_only = line.split_whitespace().all(is_code_or_units);
                    if let Some(item) = reading.items.last_mut()
                        && code_only
                        && item.intervention.cpt_code.is_empty()
                    {
                        let mut billed = item.intervention.clone();
                        enrich(&mut billed, line, self.lexicon);
                        item.intervention.cpt_code = billed.cpt_code;
                        item.intervention.detail.cpt_units = billed.detail.cpt_units;
                        item.span[1] = span[1];
                        return;
                    }
                }
            }
        }
        let mut charted_before: Option<usize> = None;
        // "Calf stretch: Put hands against a wall ... Lean forward ... Repeat two or three
        // sets.": under a heading naming what was done, the sentences after the first that
        // name nothing done of their own say how it is done, and are kept in its notes.
        let mut named_block: Option<usize> = None;
        for (index, sentence) in sentences.into_iter().enumerate() {
            let sentence_text = &self.text[sentence[0]..sentence[1]];
            // "Grade III PA glides L4. 3 sets of 30 s.": a sentence of only a dose is the
            // dose of what the sentence before charted.
            if self.dose_line(sentence)
                && let Some(at) = charted_before.filter(|&at| at + 1 == reading.items.len())
            {
                let item = &mut reading.items[at];
                let mut dosed = item.intervention.clone();
                let both = format!("{} {sentence_text}", &self.text[item.span[0]..item.span[1]]);
                enrich(&mut dosed, &both, self.lexicon);
                let before = &item.intervention.detail;
                let adds = [
                    dosed.detail.sets.is_some() && before.sets.is_none(),
                    dosed.detail.reps.is_some() && before.reps.is_none(),
                    dosed.detail.hold_seconds.is_some() && before.hold_seconds.is_none(),
                    dosed.detail.minutes.is_some() && before.minutes.is_none(),
                ];
                if adds.iter().any(|a| *a) {
                    item.intervention.detail = dosed.detail;
                    item.span[1] = sentence[1];
                    continue;
                }
            }
            // "LOC: P-A with torque. Repeat three times.": a dose after a sentence that
            // charted nothing is no one's.
            if index > 0 && self.dose_line(sentence) && charted_before.is_none() {
                reading
                    .unread
                    .push(unread(self.text, sentence, Unreadable::DoseAlone));
                continue;
            }
            let count = reading.items.len();
            if let Some(cue) = self
                .not_done(sentence_text)
                .filter(|cue| !self.said_of_one_part(cue, sentence))
            {
                reading
                    .unread
                    .push(unread(self.text, sentence, Unreadable::NotDone(cue)));
                continue;
            }
            // "... mobilize in a posterior direction. Repeat 4-5 times and reassess.": a
            // sentence telling how is the notes of what the sentence before charted.
            if index > 0
                && let Some(at) = charted_before.filter(|&at| at + 1 == reading.items.len())
                && self.tells_how(&tokens(self.text, sentence[0], sentence[1]))
            {
                let item = &mut reading.items[at];
                add_to_notes(&mut item.intervention.notes, sentence_text);
                item.span[1] = sentence[1];
                continue;
            }
            if let Some(at) = named_block.filter(|&at| at + 1 == reading.items.len()) {
                let sense = self.sense(&tokens(self.text, sentence[0], sentence[1]));
                if sense.done.is_none() && sense.several.is_empty() {
                    let item = &mut reading.items[at];
                    add_to_notes(&mut item.intervention.notes, sentence_text);
                    item.span[1] = sentence[1];
                    continue;
                }
            }
            let (unread_before, asked_before) = (reading.unread.len(), reading.questions.len());
            self.read_sentence(sentence, heading, reading);
            charted_before = (reading.items.len() > count).then(|| reading.items.len() - 1);
            let names_a_kind = split_heading(sentence_text)
                .and_then(|(before, _)| self.heading(sentence[0], before))
                .is_some_and(|named| named.is_some());
            if index == 0
                && names_a_kind
                && reading.items.len() == count + 1
                && reading.unread.len() == unread_before
                && reading.questions.len() == asked_before
            {
                named_block = charted_before;
            }
        }
    }

    /// Whether the not-done word `cue` speaks only of the coordinated part it stands in
    /// ("ice if flare", "traction was discontinued"), in a sentence of several parts; a
    /// plan ("will", "consider") speaks of the whole sentence.
    ///
    /// Only a part set off by a comma is one part ("walking, ice if flare"); "talus
    /// and/or calcaneus if they have become fixated" is said of both.
    fn said_of_one_part(&self, cue: &str, sentence: Span) -> bool {
        if self.negation_opens_the_last_part(sentence) {
            return true;
        }
        let cue_words = words_of(cue);
        if !self.words.part_not_done.contains(&cue_words) {
            return false;
        }
        let parts = parts(self.text, sentence);
        if parts.len() < 2 {
            return false;
        }
        let comma_beside = |first: &Token<'_>, last: &Token<'_>| {
            self.text[sentence[0]..first.start]
                .trim_end()
                .ends_with(',')
                || self.text[last.end..sentence[1]]
                    .trim_start()
                    .starts_with(',')
        };
        parts.iter().all(|part| {
            let (Some(first), Some(last)) = (part.tokens.first(), part.tokens.last()) else {
                return true;
            };
            self.not_done(&self.text[first.start..last.end]).is_none() || comma_beside(first, last)
        })
    }

    /// "adjusted L5 and did not include muscle massage": a negation or plan that opens the
    /// last coordinated part of a sentence, before what that part names, speaks of that part
    /// alone: as in NegEx, a cue written before its words reaches forward to the end of the
    /// sentence, never back over the parts before it, which hold no cue of their own and
    /// were done. A cue written after what it follows ("ice and heat not applied") may speak
    /// of everything before it, and is never read so.
    fn negation_opens_the_last_part(&self, sentence: Span) -> bool {
        let parts = parts(self.text, sentence);
        let Some((last, before)) = parts.split_last() else {
            return false;
        };
        if before.is_empty() || last.joiner.is_none() {
            return false;
        }
        let says_not_done = |tokens: &[Token<'_>]| match (tokens.first(), tokens.last()) {
            (Some(first), Some(end)) => self.not_done(&self.text[first.start..end.end]).is_some(),
            _ => false,
        };
        if before.iter().any(|part| says_not_done(&part.tokens)) {
            return false;
        }
        // Where the cue ends: the shortest start of the part that says it.
        let Some(cue_end) = (0..last.tokens.len()).find(|&at| says_not_done(&last.tokens[..=at]))
        else {
            return false;
        };
        let lows: Vec<String> = last.tokens.iter().map(|t| t.low.clone()).collect();
        (0..lows.len())
            .find(|&at| {
                self.done_at(&lows[at..]).is_some()
                    || InterventionWords::phrase_at(&self.words.exercise_names, &lows[at..])
                        .is_some()
            })
            .is_some_and(|named| named > cue_end)
    }

    /// Reads a line under the headings before it: what is read there with no side of its
    /// own, at the heading's place or at none, takes the heading's side ("L knee:" then
    /// "patellar taping"); a part of the spine or trunk never does.
    fn read_under(
        &self,
        span: Span,
        heading: &Option<Done>,
        place: &Option<Place>,
        reading: &mut InterventionReading,
    ) {
        let (items, questions) = (reading.items.len(), reading.questions.len());
        self.read_line(span, heading, reading);
        let Some((side, region)) = place else {
            return;
        };
        let placed = |intervention: &mut Intervention| {
            if intervention.side != Side::None
                || !intervention.detail.segments.is_empty()
                || self.region_from_name(intervention)
            {
                return;
            }
            // An exercise named without a place ("bridges" under "L knee:") is not
            // given at the heading's place.
            let at_a_place = !matches!(
                intervention.kind,
                InterventionKind::Exercise
                    | InterventionKind::Stretch
                    | InterventionKind::Advice
                    | InterventionKind::Referral
                    | InterventionKind::NeuromuscularReeducation
            );
            let fits = match (&intervention.region, region) {
                (None, _) => at_a_place,
                (Some(own), Some(heading)) => {
                    self.vocabulary.region_within(own, heading)
                        || self.vocabulary.region_within(heading, own)
                }
                // "L:" alone: any paired place under it is on that side.
                (Some(_), None) => true,
            };
            let paired = intervention
                .region
                .as_ref()
                .or(region.as_ref())
                .and_then(|code| self.vocabulary.region(code))
                .is_some_and(|r| r.laterality == super::super::Laterality::Paired);
            if fits && paired {
                intervention.side = *side;
                if intervention.region.is_none() {
                    intervention.region.clone_from(region);
                }
            }
        };
        for item in &mut reading.items[items..] {
            placed(&mut item.intervention);
        }
        for question in &mut reading.questions[questions..] {
            placed(&mut question.intervention);
        }
    }

    /// The side and place a heading names and nothing else: "L knee", "Right shoulder",
    /// "R".
    fn place_heading(&self, offset: usize, heading: &str) -> Option<Place> {
        let words = tokens(self.text, offset, offset + heading.len());
        let mut side = None;
        let mut rest: Vec<&str> = Vec::new();
        for word in &words {
            match self.lexicon.meanings(std::slice::from_ref(&word.low)) {
                Some(
                    [
                        Word::Side(found @ (Side::Left | Side::Right | Side::Bilateral)),
                        ..,
                    ],
                ) if rest.is_empty() || side.is_none() => {
                    if side.is_some_and(|s| s != *found) {
                        return None;
                    }
                    side = Some(*found);
                }
                _ => rest.push(word.text),
            }
        }
        let side = side?;
        if rest.is_empty() {
            return Some((side, None));
        }
        let region = self.vocabulary.find_region(&rest.join(" ")).ok()?;
        (region.laterality == super::super::Laterality::Paired)
            .then(|| (side, Some(region.code.clone())))
    }

    /// "dry needling to B upper trap", "STM B calves": a capital B beside a place is both
    /// sides, and no part of the target.
    fn both_sides_by_b(&self, tokens: &[Token<'a>], intervention: &mut Intervention) {
        if intervention.side != Side::None {
            return;
        }
        let lows: Vec<String> = tokens.iter().map(|t| t.low.clone()).collect();
        let both = tokens.iter().enumerate().any(|(at, t)| {
            t.text == "B"
                && (self.is_place(&lows[at + 1..]) || at > 0 && self.is_place(&lows[at - 1..at]))
        });
        if both {
            intervention.side = Side::Bilateral;
            intervention.target = intervention
                .target
                .split_whitespace()
                .filter(|w| *w != "B")
                .collect::<Vec<_>>()
                .join(" ");
        }
    }

    /// Whether a line holds only a dose: "3 sets of 10 reps", "Sets: 2", "Rest: 30sec",
    /// "4x PER WEEK", "97110 x2".
    fn dose_line(&self, span: Span) -> bool {
        let words = tokens(self.text, span[0], span[1]);
        // "Total treatment time was 20 minutes": filler and words of a setting too.
        let sense = self.sense(&words);
        // Filler only beside a setting: "Patient performed 3x10." is no dose of the line
        // before.
        let set = sense.setting.iter().any(|s| *s);
        let said = |at: usize| {
            sense.done.is_none()
                && sense.several.is_empty()
                && (sense.setting[at] || set && sense.used[at])
        };
        words
            .iter()
            .any(|t| t.low.chars().any(|c| c.is_ascii_digit()) || count_of(&t.low).is_some())
            && words.iter().enumerate().all(|(at, t)| {
                let w = t.low.as_str();
                said(at)
                    || (w.chars().any(|c| c.is_ascii_digit()) && SpinalLevel::parse(w).is_none())
                    || DOSE_WORDS.contains(&w)
                    || DOSE_LABELS.contains(&w)
                    || matches!(w, "of" | "per" | "with" | "x" | "×")
                    || self.lexicon.is_dose_frequency(w)
            })
    }

    /// The word of `text` that says it was not done or is only planned, if any, over the
    /// phrases that only refer to a plan ("as outlined in care plan dated 1/29").
    fn not_done(&self, text: &str) -> Option<String> {
        // "as outlined in care plan.": the full stop is no part of the phrase.
        let words: Vec<String> = words_of(text)
            .into_iter()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric() && c != '/')
                    .to_owned()
            })
            .collect();
        let mut kept: Vec<&str> = Vec::new();
        let mut at = 0;
        while at < words.len() {
            match InterventionWords::phrase_at(&self.words.done_despite, &words[at..]) {
                Some(length) => at += length,
                None => {
                    kept.push(&words[at]);
                    at += 1;
                }
            }
        }
        self.lexicon.not_done_cue(&kept.join(" "))
    }

    /// The sentences of a line: a full stop, question or exclamation mark followed by a
    /// space ends one, unless it ends an abbreviation ("pt.", "approx.").
    fn sentences(&self, span: Span) -> Vec<Span> {
        let mut sentences = Vec::new();
        let mut from = span[0];
        let line = &self.text[span[0]..span[1]];
        let mut chars = line.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let next_is_space = chars.peek().is_none_or(|(_, n)| n.is_whitespace());
            if !matches!(c, '.' | '?' | '!') || !next_is_space {
                continue;
            }
            let end = span[0] + at;
            let word = self.text[from..end]
                .split_whitespace()
                .last()
                .unwrap_or_default()
                .to_lowercase();
            if self.lexicon.has_point(&format!("{word}."))
                || self.lexicon.has_point(&word)
                || self.words.shortened.contains(&word)
            {
                continue;
            }
            if self.text[from..end].trim().is_empty() {
                from = end + c.len_utf8();
                continue;
            }
            sentences.push(trim_span(self.text, [from, end]));
            from = end + c.len_utf8();
        }
        if !self.text[from..span[1]].trim().is_empty() {
            sentences.push(trim_span(self.text, [from, span[1]]));
        }
        sentences
    }

    /// Reads one sentence: its heading, its parts, and what each part names.
    fn read_sentence(
        &self,
        sentence: Span,
        carried: &Option<Done>,
        reading: &mut InterventionReading,
    ) {
        let text = &self.text[sentence[0]..sentence[1]];
        let mut body = sentence;
        let mut heading = carried.clone();
        if let Some((before, after)) = split_heading(text)
            && let Some(named) = self.heading(sentence[0], before)
        {
            body = [sentence[0] + after, sentence[1]];
            heading = named;
        }
        let mut parts = self.split_movements(self.join_both_sides(parts(self.text, body)));
        // "Calf stretch: Put hands against a wall ...": a heading naming what was done and
        // where, over words that name nothing done of their own, is the item; the words
        // under it are how, kept in its notes.
        let heading_words = tokens(self.text, sentence[0], body[0]);
        let heading_sense = self.sense(&heading_words);
        if body != sentence
            && heading_sense.place
            && let Some(done) = heading_sense.done.clone()
            && parts.iter().all(|p| {
                let sense = self.sense(&p.tokens);
                sense.done.is_none() && sense.several.is_empty()
            })
            && self.not_done(&self.text[body[0]..body[1]]).is_none()
        {
            match self.build(&heading_words, done) {
                Ok(mut intervention) => {
                    // "SLS with hand hold assist: 3×15 seconds": the dose under the
                    // heading is the item's.
                    enrich(&mut intervention, text, self.lexicon);
                    let how = self.text[body[0]..body[1]].trim();
                    add_to_notes(&mut intervention.notes, how);
                    reading.items.push(ReadIntervention {
                        intervention,
                        span: sentence,
                    });
                }
                // What is kept is the whole sentence: the words under the heading say how.
                Err(problem) => reading.unread.push(unread(self.text, sentence, problem)),
            }
            return;
        }
        // The heading's own words ("98941:", "Adjustments performed:") belong to the first
        // part under it: its code, its kind.
        // "Manual therapy techniques: lumbar traction": a part naming what was done keeps
        // its own kind, and the heading's words stay out of it.
        let names_its_own = parts.first().is_some_and(|first| {
            let own = self.sense(&first.tokens);
            own.done.is_some() && own.done != heading || !own.several.is_empty()
        });
        if names_its_own && let Some(first) = parts.first() {
            let own = self.sense(&first.tokens);
            if own.done.is_some() && own.several.is_empty() {
                heading = None;
            }
            // "STM R calf: heat, 8 min": a heading with more than a kind in it is a part of
            // its own, never dropped.
            let heading_words = tokens(self.text, sentence[0], body[0]);
            let named = self.sense(&heading_words);
            let lows: Vec<String> = heading_words.iter().map(|t| t.low.clone()).collect();
            // "Pre-adjustment:", "post:": a heading of when is read as nothing.
            let when = InterventionWords::phrase_at(&self.words.heading_fillers, &lows)
                .is_some_and(|length| length == lows.len());
            // "Manual therapy (97140) x 1 unit, 10 minutes: STM R upper trap": a billing
            // heading of hands-on work over the one thing it billed gives that thing its
            // code, units and minutes, and is no second item.
            let billing = heading_words
                .iter()
                .any(|t| self.words.cpt.contains_key(&t.low));
            let umbrella = matches!(
                named.done,
                Some(Done::Kind(InterventionKind::ManualTherapy)) | None
            ) && named.several.is_empty();
            let manual = matches!(
                own.done,
                Some(Done::Kind(
                    InterventionKind::SoftTissue
                        | InterventionKind::Mobilization
                        | InterventionKind::SpinalManipulation
                        | InterventionKind::ExtraspinalManipulation
                ))
            );
            let one = parts.len() == 1;
            if body != sentence && billing && umbrella && manual && one {
                let kept: Vec<Token<'a>> = heading_words
                    .iter()
                    .zip(&named.used)
                    .filter(|(_, used)| !**used)
                    .map(|(t, _)| t.clone())
                    .collect();
                // Written before the part, so kept before it: a part's words stay in the
                // order of the text.
                let mut tokens = kept;
                tokens.append(&mut parts[0].tokens);
                parts[0].tokens = tokens;
            } else if body != sentence && !when && named.used.iter().any(|used| !used) {
                parts.insert(
                    0,
                    Part {
                        tokens: heading_words,
                        joiner: None,
                    },
                );
            }
        }
        if body != sentence
            && heading.is_some()
            && !names_its_own
            && let Some(first) = parts.first_mut()
        {
            let mut words = tokens(self.text, sentence[0], body[0]);
            words.append(&mut first.tokens);
            first.tokens = words;
        }
        // A heading naming what was done over parts that name nothing of their own, no
        // place and no kind ("Calf stretch: ... hold 30 seconds"), is the name of that one
        // thing: the sentence is read whole.
        if body != sentence
            && heading.is_some()
            && parts.iter().all(|p| {
                let sense = self.sense(&p.tokens);
                sense.done.is_none() && sense.several.is_empty() && !sense.place
            })
        {
            parts = vec![Part {
                tokens: tokens(self.text, sentence[0], sentence[1]),
                joiner: None,
            }];
        }
        let pending = self.pending(parts, heading.as_ref());
        self.chart(pending, reading);
    }

    /// "L-hip", "R-calf": a side joined to a paired place by a hyphen, written apart so
    /// that the side is read ("L hip"); "L-spine", "T-band" are left as written.
    fn side_apart(&self, word: &str) -> String {
        let Some((side, place)) = word.split_once('-') else {
            return word.to_owned();
        };
        let is_side = matches!(
            self.lexicon.meanings(&[side.to_lowercase()]),
            Some([Word::Side(Side::Left | Side::Right | Side::Bilateral), ..])
        );
        let paired = self
            .vocabulary
            .find_region(place.trim_end_matches(|c: char| !c.is_alphanumeric()))
            .is_ok_and(|region| region.laterality == super::super::Laterality::Paired);
        if is_side && paired {
            format!("{side} {place}")
        } else {
            word.to_owned()
        }
    }

    /// The side a word names: left, right or both.
    fn side_word(&self, token: &Token<'a>) -> Option<Side> {
        self.lexicon
            .meanings(std::slice::from_ref(&token.low))
            .and_then(|meanings| {
                meanings.iter().find_map(|m| match m {
                    Word::Side(side @ (Side::Left | Side::Right | Side::Bilateral)) => Some(*side),
                    _ => None,
                })
            })
    }

    /// Where "left and right" ("L and R") stands in the tokens: the "and" between two
    /// opposite sides, which together are both sides.
    fn both_sides_at(&self, tokens: &[Token<'a>]) -> Option<usize> {
        (1..tokens.len().saturating_sub(1)).find(|&at| {
            tokens[at].low == "and"
                && matches!(
                    (
                        self.side_word(&tokens[at - 1]),
                        self.side_word(&tokens[at + 1])
                    ),
                    (Some(Side::Left), Some(Side::Right)) | (Some(Side::Right), Some(Side::Left))
                )
        })
    }

    /// "the left and right levator scapulae": a part that ends with one side, joined by
    /// "and" to one that begins with the other, is one part at both sides, never two
    /// parts with one side each.
    fn join_both_sides(&self, parts: Vec<Part<'a>>) -> Vec<Part<'a>> {
        let mut joined: Vec<Part<'a>> = Vec::new();
        for part in parts {
            if let Some(before) = joined.last_mut()
                && part.joiner == Some(Joiner::And)
                && let (Some(last), Some(first)) = (before.tokens.last(), part.tokens.first())
                && matches!(
                    (self.side_word(last), self.side_word(first)),
                    (Some(Side::Left), Some(Side::Right)) | (Some(Side::Right), Some(Side::Left))
                )
                && self.text[last.end..first.start].trim() == "and"
            {
                // The "and" between them is a word of the part again.
                if let Some(and) = tokens(self.text, last.end, first.start).into_iter().next() {
                    before.tokens.push(and);
                }
                before.tokens.extend(part.tokens);
                continue;
            }
            joined.push(part);
        }
        joined
    }

    /// Where a word of two movements joined by a slash stands in the tokens, with where
    /// the second begins: "abduction/extension", never a pair done as one movement
    /// there and back ("elevation/depression") nor "4/10".
    fn movement_slash(&self, tokens: &[Token<'a>]) -> Option<(usize, usize)> {
        tokens.iter().enumerate().find_map(|(at, token)| {
            let (a, b) = token.low.split_once('/')?;
            let known = |w: &str| self.words.movements.iter().any(|m| m == w);
            let paired = self
                .words
                .movement_pairs
                .iter()
                .any(|[x, y]| (x == a && y == b) || (x == b && y == a));
            (known(a) && known(b) && a != b && !paired).then(|| {
                let slash = token.text.find('/').unwrap_or(token.text.len());
                (at, slash)
            })
        })
    }

    /// Whether the tokens open with a word telling how something is done ("place",
    /// "repeat", "slowly") and name nothing done of their own, nor anything said not done.
    fn tells_how(&self, tokens: &[Token<'a>]) -> bool {
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            return false;
        };
        let lows: Vec<String> = tokens.iter().map(|t| t.low.clone()).collect();
        // "lower back", "lower trap": the word opens the name of a place, not how.
        let opens_a_place =
            (2..=lows.len().min(PHRASE_WORDS)).any(|n| self.place_of(&lows[..n]).is_some());
        let sense = self.sense(tokens);
        !opens_a_place
            && InterventionWords::phrase_at(&self.words.how_words, &lows).is_some()
            && sense.done.is_none()
            && sense.several.is_empty()
            && self.not_done(&self.text[first.start..last.end]).is_none()
    }

    /// Whether `after` is only the movement back of the one `before` ends with ("elbow
    /// flex" and "extension 2×15"), with at most a dose: `before` names where ("elbow")
    /// and `after` nothing else.
    fn there_and_back(&self, before: &[Token<'a>], after: &[Token<'a>]) -> bool {
        let (Some(there), Some(back)) = (before.last(), after.first()) else {
            return false;
        };
        if before.len() < 2 {
            return false;
        }
        // "flex" is written for "flexion": a pair matches its word or a shortening of it.
        let is = |word: &str, full: &str| word == full || word.len() >= 3 && full.starts_with(word);
        let paired = self.words.movement_pairs.iter().any(|[x, y]| {
            (is(&there.low, x) && is(&back.low, y)) || (is(&there.low, y) && is(&back.low, x))
        });
        paired && (after.len() == 1 || self.sense(&after[1..]).dose_only)
    }

    /// "standing hip abduction/extension: 3×10": two movements joined by a slash are two
    /// exercises, each with the words around them, joined as by "and" (so the dose
    /// written once is each one's).
    fn split_movements(&self, parts: Vec<Part<'a>>) -> Vec<Part<'a>> {
        let mut split = Vec::new();
        for mut part in parts {
            // "STM/IASTM", "ice/heat": two things done joined by a slash are one or the
            // other (or both), read as "or": each is asked about.
            if let Some(at) = part.tokens.iter().position(|t| {
                t.low.split_once('/').is_some_and(|(a, b)| {
                    let done = |w: &str| self.done_at(&[w.to_owned()]).is_some();
                    !a.is_empty() && !b.is_empty() && done(a) && done(b)
                })
            }) {
                let whole = part.tokens[at].clone();
                let slash = whole.text.find('/').unwrap_or(whole.text.len());
                let piece = |start: usize, end: usize, low: Option<&str>| {
                    let text = &self.text[start..end];
                    Token {
                        start,
                        end,
                        text,
                        low: low.map_or_else(|| text.to_lowercase(), str::to_owned),
                    }
                };
                let (a, or, b) = (
                    piece(whole.start, whole.start + slash, None),
                    piece(whole.start + slash, whole.start + slash + 1, Some("or")),
                    piece(whole.start + slash + 1, whole.end, None),
                );
                part.tokens.splice(at..=at, [a, or, b]);
            }
            let Some((at, slash)) = self.movement_slash(&part.tokens) else {
                split.push(part);
                continue;
            };
            let whole = &part.tokens[at];
            let half = |start: usize, end: usize| {
                let text = &self.text[start..end];
                Token {
                    start,
                    end,
                    text,
                    low: text.to_lowercase(),
                }
            };
            let mut first = part.tokens.clone();
            first[at] = half(whole.start, whole.start + slash);
            let mut second = part.tokens.clone();
            second[at] = half(whole.start + slash + 1, whole.end);
            split.push(Part {
                tokens: first,
                joiner: part.joiner,
            });
            split.push(Part {
                tokens: second,
                joiner: Some(Joiner::And),
            });
        }
        split
    }

    /// Each part with what it names, merged where a part only adds a dose or a place to
    /// the one before, or shares its kind.
    fn pending(&self, parts: Vec<Part<'a>>, heading: Option<&Done>) -> Vec<Pending<'a>> {
        let mut parts = parts;
        // "elbow flex and extension": a movement after "and" that is the way back of the
        // one before is the same exercise, there and back, as a slash makes it.
        let mut at = 0;
        while at + 1 < parts.len() {
            if parts[at + 1].joiner == Some(Joiner::And)
                && self.there_and_back(&parts[at].tokens, &parts[at + 1].tokens)
            {
                let next = parts.remove(at + 1);
                parts[at].tokens.extend(next.tokens);
            } else {
                at += 1;
            }
        }
        // "LAQ with ER and ball squeeze": what follows "and" in a "with" phrase, naming
        // nothing done of its own, is more of the phrase.
        let mut at = 0;
        while at + 1 < parts.len() {
            let with = parts[at].tokens.iter().any(|t| t.low == "with");
            let next = self.sense(&parts[at + 1].tokens);
            let lows: Vec<String> = parts[at + 1].tokens.iter().map(|t| t.low.clone()).collect();
            let named = InterventionWords::phrase_at(&self.words.exercise_names, &lows).is_some();
            if with
                && parts[at + 1].joiner == Some(Joiner::And)
                && next.done.is_none()
                && next.several.is_empty()
                && !next.place
                && !named
            {
                let next = parts.remove(at + 1);
                parts[at].tokens.extend(next.tokens);
            } else {
                at += 1;
            }
        }
        // "quadriceps strength and control exercises": what is named after "and" is done
        // to what came before it.
        let mut at = 0;
        while at + 1 < parts.len() {
            let (this, next) = (
                self.sense(&parts[at].tokens),
                self.sense(&parts[at + 1].tokens),
            );
            if this.done.is_none()
                && this.several.is_empty()
                && !this.empty
                && !this.dose_only
                && this.content <= SHORT_PART_WORDS
                && next.done.is_some()
                && !next.place
                && parts[at + 1].joiner == Some(Joiner::And)
            {
                let next = parts.remove(at + 1);
                parts[at].tokens.extend(next.tokens);
            } else {
                at += 1;
            }
        }
        // "Cervical and thoracic mobilization": a place alone, joined by "and" to a part
        // that begins with another place and names what was done, is the same done there.
        let shared_done: Vec<Option<Done>> = (0..parts.len())
            .map(|at| {
                let next = parts.get(at + 1)?;
                let this = self.sense(&parts[at].tokens);
                let lows: Vec<String> = next.tokens.iter().map(|t| t.low.clone()).collect();
                let that = self.sense(&next.tokens);
                let only_a_place = this.place
                    && this.done.is_none()
                    && this.several.is_empty()
                    && self.beside_place(&parts[at].tokens) == 0;
                (only_a_place
                    && next.joiner == Some(Joiner::And)
                    && that.several.is_empty()
                    && self.place_length(&lows).is_some())
                .then_some(that.done)
                .flatten()
            })
            .collect();
        let mut pending: Vec<Pending<'a>> = Vec::new();
        for (part, shared) in parts.into_iter().zip(shared_done) {
            if let Some(done) = shared {
                pending.push(Pending {
                    tokens: part.tokens,
                    joiner: part.joiner,
                    read: Ok(done),
                    shares_with: None,
                });
                continue;
            }
            let sense = self.sense(&part.tokens);
            if sense.empty {
                continue;
            }
            // "..., walking, ice if flare": what one part says was not done is that part's.
            if let (Some(first), Some(last)) = (part.tokens.first(), part.tokens.last())
                && let Some(cue) = self.not_done(&self.text[first.start..last.end])
            {
                pending.push(Pending {
                    tokens: part.tokens,
                    joiner: part.joiner,
                    read: Err(Unreadable::NotDone(cue)),
                    shares_with: None,
                });
                continue;
            }
            // "Taping or bracing", "IFC or TENS at 80 Hz": one of two things was done, and
            // which is the clinician's word: each is asked about, neither charted.
            if let Some(either) = self.either(&part) {
                pending.extend(either);
                continue;
            }
            if !sense.several.is_empty() {
                let problem = match (&sense.first_of_several, sense.several_with) {
                    (Some(first), true) => Unreadable::DoneWith {
                        named: sense.several.join(", "),
                        first: first.clone(),
                    },
                    _ => Unreadable::SeveralDone(sense.several.join(", ")),
                };
                pending.push(Pending {
                    tokens: part.tokens,
                    joiner: part.joiner,
                    read: Err(problem),
                    shares_with: None,
                });
                continue;
            }
            // "24 minutes of neuromuscular reeducation, code 97112": the billing of the
            // part before.
            if sense.billed_only
                && sense.dose_only
                && let Some(before) = pending.last_mut()
                && before.read.is_ok()
                && !before
                    .tokens
                    .iter()
                    .any(|t| self.words.cpt.contains_key(&t.low))
            {
                before.tokens.extend(part.tokens);
                continue;
            }
            if let Some(done) = sense.done {
                pending.push(Pending {
                    tokens: part.tokens,
                    joiner: part.joiner,
                    read: Ok(done),
                    shares_with: None,
                });
                continue;
            }
            let previous = pending.len().checked_sub(1);
            let before = previous.map(|i| (i, &pending[i]));
            let before_place = before.is_some_and(|(_, p)| self.sense(&p.tokens).place);
            let before_purpose =
                before.is_some_and(|(_, p)| self.sense(&p.tokens).purpose_at.is_some());
            // "counseled on posture awareness and self-care": a short part after advice,
            // joined by "and" and naming nothing done, is more of what the advice was on.
            // "Nutritional advice included elimination of corn syrup, an increase in water
            // intake, a reduction of breads": listed by commas after advice, the topics it
            // was on, each naming nothing done and no place.
            let advice_topic = before
                .is_some_and(|(_, p)| matches!(p.read, Ok(Done::Kind(InterventionKind::Advice))))
                && !sense.place
                && matches!(part.joiner, Some(Joiner::And | Joiner::Comma))
                && sense.content <= LONG_PART_WORDS;
            // "bridges 3x10, prone L hip extension": a part listed after an exercise that
            // begins with the position it is done in is the next exercise, not the place
            // of the one before.
            let lows: Vec<String> = part.tokens.iter().map(|t| t.low.clone()).collect();
            let next_exercise = lows.len() > 1
                && InterventionWords::phrase_at(&self.words.exercise_positions, &lows).is_some()
                && before.is_some_and(|(_, p)| {
                    matches!(p.read, Ok(Done::Kind(InterventionKind::Exercise)))
                        || self.sense(&p.tokens).by_name
                });
            // "spinal manipulation and a patented external head and body weighting
            // system": a place joined by "and" among words that are not is no place where
            // the thing before was done.
            let only_a_place =
                part.joiner != Some(Joiner::And) || self.beside_place(&part.tokens) <= 1;
            match before {
                // "Heat | Left knee 15 minutes", "3 sets of 10 repetitions, 1 time a day",
                // "to decrease pain and swelling": more of the part before.
                Some((i, _))
                    if sense.dose_only
                        || (sense.place
                            && only_a_place
                            && !before_place
                            && heading.is_none()
                            && !next_exercise)
                        || (before_purpose && part.joiner == Some(Joiner::And))
                        || advice_topic =>
                {
                    pending[i].tokens.extend(part.tokens);
                }
                _ if heading.is_some() => pending.push(Pending {
                    tokens: part.tokens,
                    joiner: part.joiner,
                    read: heading
                        .cloned()
                        .ok_or(Unreadable::Shorthand(ShorthandProblem::MissingIntervention)),
                    shares_with: None,
                }),
                // "PNF exercises of the psoas and iliotibial band": the same done to another
                // place.
                Some((i, p)) if sense.place && only_a_place => {
                    let read = p.read.clone();
                    pending.push(Pending {
                        tokens: part.tokens,
                        joiner: part.joiner,
                        read,
                        shares_with: Some(i),
                    });
                }
                _ => pending.push(Pending {
                    tokens: part.tokens,
                    joiner: part.joiner,
                    read: Err(Unreadable::Shorthand(ShorthandProblem::MissingIntervention)),
                    shares_with: None,
                }),
            }
        }
        // "other modalities of therapy, such as TENS and infrared": a part naming only the
        // kind, before a list of that kind begun by "such as" or "including", is the list's
        // heading, not one more thing done.
        let mut at = 0;
        while at + 1 < pending.len() {
            let lows: Vec<&str> = pending[at + 1]
                .tokens
                .iter()
                .take(2)
                .map(|t| t.low.as_str())
                .collect();
            let listing = matches!(
                lows[..],
                ["such", "as"] | ["including", ..] | ["e.g", ..] | ["eg", ..]
            );
            let umbrella = pending[at].read.is_ok() && {
                let sense = self.sense(&pending[at].tokens);
                let counted = pending[at]
                    .tokens
                    .iter()
                    .any(|t| t.low.chars().any(|c| c.is_ascii_digit()));
                sense.content == 0 && !sense.place && !counted
            };
            let same = match (&pending[at].read, &pending[at + 1].read) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            };
            if listing && umbrella && same {
                let heading = pending.remove(at);
                pending[at].joiner = heading.joiner;
            } else {
                at += 1;
            }
        }
        // "Wall squats | 10 × 3", "Partial Squats: 3×10": an exercise named by what it is,
        // with its dose now beside it, as a chart line names it.
        for part in &mut pending {
            if matches!(
                part.read,
                Err(Unreadable::Shorthand(ShorthandProblem::MissingIntervention))
            ) {
                // Filler is no name: "audible release noted" is no myofascial release.
                let sense = self.sense(&part.tokens);
                let words: Vec<&str> = part
                    .tokens
                    .iter()
                    .zip(&sense.used)
                    .filter(|(_, used)| !**used)
                    .map(|(t, _)| t.text)
                    .collect();
                if let Ok(intervention) = read_one(&words.join(" "), self.vocabulary, self.lexicon)
                {
                    part.read = Ok(Done::Kind(intervention.kind));
                }
            }
        }
        // "3 × 10 L hip abduction and L hip extension": a part that names only another
        // place shares what the part before it was found to be, once that is known.
        for at in 1..pending.len() {
            if let Some(i) = pending[at].shares_with
                && i < at
                && matches!(
                    pending[at].read,
                    Err(Unreadable::Shorthand(ShorthandProblem::MissingIntervention))
                )
                && pending[i].read.is_ok()
            {
                pending[at].read = pending[i].read.clone();
            }
        }
        // "chest fly, shoulder abd, shoulder flexion 2×15": the parts listed before an
        // exercise with its dose, naming nothing done of their own, are exercises too.
        for at in (0..pending.len().saturating_sub(1)).rev() {
            let listed = matches!(pending[at + 1].joiner, Some(Joiner::Comma | Joiner::And));
            if listed
                && matches!(
                    pending[at + 1].read,
                    Ok(Done::Kind(InterventionKind::Exercise))
                )
                && matches!(
                    pending[at].read,
                    Err(Unreadable::Shorthand(ShorthandProblem::MissingIntervention))
                )
            {
                pending[at].read = Ok(Done::Kind(InterventionKind::Exercise));
            }
        }
        // "3×10 R hip abduction using 2.5# weights, prone L hip extension": a part listed
        // after an exercise that begins with the position it is done in, naming nothing
        // done of its own, is the next exercise.
        for at in 1..pending.len() {
            let listed = matches!(pending[at].joiner, Some(Joiner::Comma | Joiner::And));
            let lows: Vec<String> = pending[at].tokens.iter().map(|t| t.low.clone()).collect();
            if listed
                && matches!(
                    pending[at - 1].read,
                    Ok(Done::Kind(InterventionKind::Exercise))
                )
                && matches!(
                    pending[at].read,
                    Err(Unreadable::Shorthand(ShorthandProblem::MissingIntervention))
                )
                && InterventionWords::phrase_at(&self.words.exercise_positions, &lows).is_some()
                && lows.len() > 1
            {
                pending[at].read = Ok(Done::Kind(InterventionKind::Exercise));
            }
        }
        pending
    }

    /// Charts each pending part read into an intervention, and keeps the rest with why.
    fn chart(&self, pending: Vec<Pending<'a>>, reading: &mut InterventionReading) {
        // Where each pending part went among the items, if it was charted.
        let mut charted: Vec<Option<usize>> = Vec::new();
        // Parts telling how ("place your mobilizing hand just distal to the joint line"),
        // naming nothing done: kept in the notes of what they tell of, once it is charted.
        let mut how: Vec<(usize, Span, Unreadable)> = Vec::new();
        for (index, part) in pending.iter().enumerate() {
            let span = match (part.tokens.first(), part.tokens.last()) {
                (Some(first), Some(last)) => [first.start, last.end],
                _ => {
                    charted.push(None);
                    continue;
                }
            };
            let shared = part
                .shares_with
                .and_then(|i| charted.get(i).copied().flatten())
                .map(|i| reading.items[i].intervention.detail.technique);
            match part
                .read
                .clone()
                .and_then(|done| self.build(&part.tokens, done))
            {
                Ok(mut intervention) => {
                    if let Some(technique) = shared
                        && intervention.detail.technique.is_none()
                    {
                        intervention.detail.technique = technique;
                    }
                    charted.push(Some(reading.items.len()));
                    reading.items.push(ReadIntervention { intervention, span });
                }
                Err(problem) => {
                    charted.push(None);
                    let tells_how = matches!(
                        problem,
                        Unreadable::Shorthand(ShorthandProblem::MissingIntervention)
                            | Unreadable::TooLong
                    ) && self.tells_how(&part.tokens);
                    match self.question(part, span) {
                        Some(question) => reading.questions.push(question),
                        None if tells_how => how.push((index, span, problem)),
                        None => reading.unread.push(unread(self.text, span, problem)),
                    }
                }
            }
        }
        // Told of the next thing charted after it ("place your hand ... and mobilize"),
        // else of the one before; with nothing charted beside it, kept unread.
        for (index, span, problem) in how {
            let told_of = charted[index..]
                .iter()
                .flatten()
                .next()
                .or_else(|| charted[..index].iter().flatten().next_back())
                .copied();
            match told_of {
                Some(item) => {
                    let item = &mut reading.items[item];
                    let how = &self.text[span[0]..span[1]];
                    add_to_notes(&mut item.intervention.notes, how);
                    item.span = [item.span[0].min(span[0]), item.span[1].max(span[1])];
                }
                None => reading.unread.push(unread(self.text, span, problem)),
            }
        }
        self.share_the_dose(&pending, &charted, reading);
        self.share_the_course(&charted, reading);
        // "STM and taping R knee": a place written after the last of things done together
        // is where each of them was done, when they name none of their own.
        for at in (0..pending.len().saturating_sub(1)).rev() {
            let (Some(this), Some(next)) = (charted[at], charted[at + 1]) else {
                continue;
            };
            // "ultrasound to decrease pain and swelling, as well as quadriceps exercises":
            // a clause with its purpose ends there, and an exercise's muscle is what is
            // exercised, not where the thing before it was done.
            if pending[at + 1].joiner != Some(Joiner::And)
                || self.sense(&pending[at].tokens).purpose_at.is_some()
                || matches!(
                    reading.items[next].intervention.kind,
                    InterventionKind::Exercise
                        | InterventionKind::Stretch
                        | InterventionKind::Advice
                        | InterventionKind::Referral
                        | InterventionKind::NeuromuscularReeducation
                )
            {
                continue;
            }
            let next = reading.items[next].intervention.clone();
            let this = &mut reading.items[this].intervention;
            let placeless = this.target.is_empty()
                && this.region.is_none()
                && this.side == Side::None
                && this.detail.segments.is_empty();
            if placeless && (next.region.is_some() || !next.target.is_empty()) {
                let mut placed = this.clone();
                placed.target = next.target.clone();
                placed.region = next.region.clone();
                placed.side = next.side;
                // "HVLA and taping R knee" does not make a spinal manipulation of the knee.
                if self.spinal_or_not(&placed).is_ok() {
                    *this = placed;
                }
            }
        }
    }

    /// A part naming one thing done, "or", and another ("ice or heat"): both, each to be
    /// asked about; `None` when "or" does not stand between two things done ("1 or more
    /// regions").
    fn either(&self, part: &Part<'a>) -> Option<Vec<Pending<'a>>> {
        let at = part.tokens.iter().position(|t| t.low == "or")?;
        let (left, right) = (&part.tokens[..at], &part.tokens[at + 1..]);
        let (first, second) = (self.sense(left), self.sense(right));
        if !first.several.is_empty() || !second.several.is_empty() {
            return None;
        }
        let (first, second) = (first.done?, second.done?);
        let (start, end) = (left.first()?.start, right.last()?.end);
        let named = self.text[start..end].to_owned();
        // "ice or heat 15 min R knee": what is written after the second (its place, its
        // minutes, why) is said of the first too.
        let lows: Vec<String> = right.iter().map(|t| t.low.clone()).collect();
        let mut own = left.to_vec();
        if let Some((_, length)) = self.done_at(&lows) {
            own.extend_from_slice(&right[length..]);
        }
        Some(vec![
            Pending {
                tokens: own,
                joiner: part.joiner,
                read: Err(Unreadable::Either {
                    named: named.clone(),
                    done: first,
                }),
                shares_with: None,
            },
            Pending {
                tokens: right.to_vec(),
                joiner: Some(Joiner::Comma),
                read: Err(Unreadable::Either {
                    named,
                    done: second,
                }),
                shares_with: None,
            },
        ])
    }

    /// What to ask of a part that names nothing done but says enough to guess what: only
    /// segments ("L3-L5, T6-T8, left sacroiliac joint": adjusted, or mobilised?) or only a
    /// dose ("3 sets of 10 repetitions, 1 time a day": of which exercise?). The reading so
    /// far waits for the clinician's word; it is never charted as guessed.
    fn question(&self, part: &Pending<'a>, span: Span) -> Option<InterventionQuestion> {
        // "ice or heat": each asked, as read so far.
        if let Err(problem @ Unreadable::Either { done, .. }) = &part.read {
            let intervention = self.build(&part.tokens, done.clone()).ok()?;
            return Some(InterventionQuestion {
                span,
                text: self.text[span[0]..span[1]].to_owned(),
                ask: problem.to_string(),
                intervention,
            });
        }
        // "ice with wall slide 10 minutes": asked, with the first as read so far.
        if let Err(problem @ Unreadable::DoneWith { first, .. }) = &part.read {
            let intervention = self.build(&part.tokens, first.clone()).ok()?;
            return Some(InterventionQuestion {
                span,
                text: self.text[span[0]..span[1]].to_owned(),
                ask: problem.to_string(),
                intervention,
            });
        }
        if !matches!(
            part.read,
            Err(Unreadable::Shorthand(ShorthandProblem::MissingIntervention))
        ) {
            return None;
        }
        let sense = self.sense(&part.tokens);
        let free: Vec<&Token<'a>> = part
            .tokens
            .iter()
            .zip(&sense.used)
            .filter(|(_, used)| !**used)
            .map(|(t, _)| t)
            .collect();
        let side = |t: &Token<'a>| {
            matches!(
                self.lexicon.meanings(std::slice::from_ref(&t.low)),
                Some([Word::Side(_), ..])
            )
        };
        let segment = |t: &Token<'a>| {
            SpinalLevel::parse(&t.low).is_some_and(|_| t.low.chars().any(|c| c.is_ascii_digit()))
                || matches!(t.low.as_str(), "si" | "sij" | "sacroiliac" | "joint")
        };
        let (done, ask) = if !free.is_empty()
            && free.iter().any(|t| segment(t))
            && free.iter().all(|t| segment(t) || side(t))
        {
            (
                InterventionKind::SpinalManipulation,
                "segments named without what was done: adjusted, or mobilised?",
            )
        } else if sense.dose_only {
            (
                InterventionKind::Exercise,
                "a dose without what it is of: which exercise?",
            )
        } else {
            return None;
        };
        let intervention = self.build(&part.tokens, Done::Kind(done)).ok()?;
        // A dose with no sets or repetitions in it ("twice daily") is not an exercise's.
        if done == InterventionKind::Exercise
            && intervention.detail.sets.is_none()
            && intervention.detail.reps.is_none()
        {
            return None;
        }
        Some(InterventionQuestion {
            span,
            text: self.text[span[0]..span[1]].to_owned(),
            ask: ask.to_owned(),
            intervention,
        })
    }

    /// "chest fly, shoulder abduction, shoulder flexion 2×15": a dose written once after a
    /// list of exercises is each one's, as is a frequency written once ("BID: quad sets and
    /// SLR 10 × 3"), when the others say none of their own.
    fn share_the_dose(
        &self,
        pending: &[Pending<'a>],
        charted: &[Option<usize>],
        reading: &mut InterventionReading,
    ) {
        let exercises: Vec<bool> = charted
            .iter()
            .map(|at| {
                at.is_some_and(|i| {
                    matches!(
                        reading.items[i].intervention.kind,
                        InterventionKind::Exercise | InterventionKind::Stretch
                    )
                })
            })
            .collect();
        let exercise = |at: usize| exercises[at];
        let mut start = 0;
        while start < pending.len() {
            let mut end = start;
            while exercise(start)
                && end + 1 < pending.len()
                && exercise(end + 1)
                && matches!(pending[end + 1].joiner, Some(Joiner::Comma | Joiner::And))
            {
                end += 1;
            }
            if end > start {
                let run: Vec<usize> = (start..=end).filter_map(|at| charted[at]).collect();
                let dosed = |i: usize| {
                    let d = &reading.items[i].intervention.detail;
                    d.sets.is_some() || d.reps.is_some() || d.hold_seconds.is_some()
                };
                let last = run[run.len() - 1];
                if dosed(last) && run[..run.len() - 1].iter().all(|&i| !dosed(i)) {
                    let given = reading.items[last].intervention.detail.clone();
                    for &i in &run[..run.len() - 1] {
                        let detail = &mut reading.items[i].intervention.detail;
                        detail.sets = given.sets;
                        detail.reps = given.reps;
                        detail.hold_seconds = given.hold_seconds;
                        if detail.load.is_none() {
                            detail.load.clone_from(&given.load);
                        }
                    }
                }
                // "3 × 10 L hip abduction and L hip extension": a dose written before the
                // first of exercises joined by "and" is each one's. A list by commas
                // ("3×10 R hip abduction using 2.5# weights, prone L hip extension") is
                // not read so: its dose may be the first one's alone.
                let first = run[0];
                let joined = (start + 1..=end).all(|at| pending[at].joiner == Some(Joiner::And));
                let counted = |i: usize| {
                    let d = &reading.items[i].intervention.detail;
                    d.sets.is_some() || d.reps.is_some() || d.hold_seconds.is_some()
                };
                let leads = joined
                    && run.len() == end - start + 1
                    && counted(first)
                    && run[1..].iter().all(|&i| !counted(i));
                if leads && self.dose_leads(&pending[start].tokens) {
                    let given = reading.items[first].intervention.detail.clone();
                    for &i in &run[1..] {
                        let detail = &mut reading.items[i].intervention.detail;
                        detail.sets = given.sets;
                        detail.reps = given.reps;
                        detail.hold_seconds = given.hold_seconds;
                    }
                }
                // Written before the first ("BID: quad sets and SLR") or after the last
                // ("quad sets, SLR 3x10 daily"); "McKenzie extensions 2x/day, walking" is
                // the first one's alone.
                let first = &pending[start].tokens;
                let sense = self.sense(first);
                let leading = first
                    .iter()
                    .zip(&sense.used)
                    .find(|(_, used)| !**used)
                    .is_some_and(|(t, _)| self.lexicon.is_dose_frequency(&t.low));
                let often: Vec<String> = [run[0], last]
                    .iter()
                    .enumerate()
                    .filter(|&(n, _)| n == 1 || leading)
                    .filter_map(|(_, &i)| reading.items[i].intervention.detail.frequency.clone())
                    .collect();
                let often: Vec<String> = match &often[..] {
                    [a, b] if a == b => vec![a.clone()],
                    _ => often,
                };
                if let [frequency] = &often[..] {
                    for &i in &run {
                        reading.items[i]
                            .intervention
                            .detail
                            .frequency
                            .get_or_insert_with(|| frequency.clone());
                    }
                }
            }
            start = end + 1;
        }
    }

    /// "HVLA and soft tissue 2x/week for 4 weeks": a course of care (how often and for how
    /// long) written once, after the last thing a sentence names, is the course of each
    /// thing the sentence charted. Never when another of them says a frequency of its own
    /// that differs ("bridges daily and HVLA 2x/week for 4 weeks"): which holds for which
    /// would be a guess, so each keeps what it says.
    fn share_the_course(&self, charted: &[Option<usize>], reading: &mut InterventionReading) {
        let items: Vec<usize> = charted.iter().flatten().copied().collect();
        let Some((&last, others)) = items.split_last() else {
            return;
        };
        if others.is_empty() {
            return;
        }
        let Some(course) = reading.items[last]
            .intervention
            .detail
            .frequency
            .clone()
            .filter(|often| often.starts_with("for ") || often.contains(" for "))
        else {
            return;
        };
        let own = |i: usize| reading.items[i].intervention.detail.frequency.as_ref();
        if others.iter().any(|&i| own(i).is_some_and(|f| *f != course)) {
            return;
        }
        for &i in others {
            reading.items[i].intervention.detail.frequency = Some(course.clone());
        }
    }

    /// Whether a part's dose comes before what it is of: a count ("3 × 10") followed by
    /// words that are neither dose, side nor filler ("L hip abduction").
    fn dose_leads(&self, tokens: &[Token<'a>]) -> bool {
        let sense = self.sense(tokens);
        let told = sense.purpose_at.unwrap_or(tokens.len());
        let counted = |t: &Token<'a>| {
            t.low.chars().any(|c| c.is_ascii_digit()) && SpinalLevel::parse(&t.low).is_none()
        };
        let Some(first) = tokens[..told].iter().position(counted) else {
            return false;
        };
        (first..told).any(|at| {
            let w = tokens[at].low.as_str();
            !sense.used[at]
                && !counted(&tokens[at])
                && !DOSE_WORDS.contains(&w)
                && !LEADING.contains(&w)
                && !self.lexicon.is_dose_frequency(w)
                && !matches!(
                    self.lexicon.meanings(std::slice::from_ref(&tokens[at].low)),
                    Some([Word::Side(_), ..])
                )
        })
    }

    /// The intervention one part names, read as a chart line with what was done first.
    fn build(&self, tokens: &[Token<'a>], done: Done) -> Result<Intervention, Unreadable> {
        let kind = match done {
            Done::Kind(kind) => kind,
            Done::Unrecorded(code) => {
                return Err(self.unrecorded(tokens, &code));
            }
        };
        let sense = self.sense(tokens);
        if self.sides_disagree(tokens) {
            return Err(Unreadable::TwoSides);
        }
        // Prose around what was done ("place your mobilizing hand just distal to the joint
        // line"): its places are not where it was done, so it is not guessed at.
        // Advice is on what it names, however long ("elimination of corn syrup and sugar
        // drinks, an increase in water intake ..."): charted with no place, since its
        // places are not where anything was done.
        let long_advice = kind == InterventionKind::Advice && sense.content > LONG_PART_WORDS;
        if sense.content > LONG_PART_WORDS && !long_advice {
            return Err(Unreadable::TooLong);
        }
        let told = sense.purpose_at.unwrap_or(tokens.len());
        let rest: Vec<&str> = tokens[..told]
            .iter()
            .zip(sense.used.iter().zip(&sense.setting))
            .filter(|(_, (used, setting))| !**used && !**setting)
            .map(|(t, _)| t.text)
            .skip_while(|w| LEADING.contains(&w.to_lowercase().as_str()))
            .collect();
        let rest: Vec<String> = rest.iter().map(|w| self.side_apart(w)).collect();
        let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
        let line = format!(
            "{} {}",
            chart_word(kind),
            dose_last(&rest, self.lexicon).join(" ")
        );
        let mut intervention =
            shorthand::parse_intervention(&line, self.vocabulary).map_err(Unreadable::Shorthand)?;
        let said: Vec<&str> = tokens[..told].iter().map(|t| t.text).collect();
        enrich(&mut intervention, &said.join(" "), self.lexicon);
        intervention.target = intervention
            .target
            .split_whitespace()
            .skip_while(|w| LEADING.contains(&w.to_lowercase().as_str()))
            .collect::<Vec<_>>()
            .join(" ");
        // "standing hip abduction with" once its band is read: a joining word left at the
        // end joins nothing.
        while let Some((rest, last)) = intervention.target.rsplit_once(' ')
            && LEADING.contains(&last.to_lowercase().as_str())
        {
            intervention.target = rest.to_owned();
        }
        if let (Some(first), Some(last)) = (tokens.get(told), tokens.last()) {
            intervention.notes = self.text[first.start..last.end].to_owned();
        }
        self.both_sides_by_b(&tokens[..told], &mut intervention);
        if self.both_sides_at(&tokens[..told]).is_some() {
            intervention.side = Side::Bilateral;
            // The "and" between the two sides joins no part of what was treated.
            if let Some(rest) = intervention.target.strip_prefix("and ") {
                intervention.target = rest.to_owned();
            }
        }
        // "lateral step up: x15": repetitions, for an exercise or a stretch.
        if matches!(kind, InterventionKind::Exercise | InterventionKind::Stretch)
            && intervention.detail.reps.is_none()
            && intervention.cpt_code.is_empty()
            && let Some(reps) = intervention.dose.split_whitespace().find_map(|w| {
                w.strip_prefix(['x', 'X', '×'])
                    .and_then(|n| n.parse::<u16>().ok())
            })
        {
            intervention.detail.reps = Some(reps);
            intervention.dose = intervention
                .dose
                .split_whitespace()
                .filter(|w| w.trim_start_matches(['x', 'X', '×']) != reps.to_string())
                .collect::<Vec<_>>()
                .join(" ");
        }
        minutes_of_a_modality(&mut intervention);
        self.region_of_target(&mut intervention);
        // "L4-L5 P-A": the segment says where on the spine.
        if intervention.region.is_none()
            && let Some(level) = intervention
                .detail
                .segments
                .first()
                .and_then(|s| SpinalLevel::parse(s))
        {
            let code = RegionCode::new(level.spine_region());
            if self.vocabulary.region(&code).is_some() {
                intervention.region = Some(code);
            }
        }
        self.region_beside_name(&mut intervention);
        // "taping to reduce swelling associated with ankle sprain": the place its purpose
        // names is where it was done, when the part names none. Not for an adjustment,
        // whose purpose may lie away from where it was done ("to relieve knee pain").
        if intervention.region.is_none()
            && !matches!(
                kind,
                InterventionKind::SpinalManipulation | InterventionKind::Advice
            )
            && let Some(region) = self.place_in_purpose(&tokens[told..])
        {
            intervention.region = Some(region);
        }
        // "activity modifications", "home exercise program": the words naming it are what
        // was advised or given, when nothing else is.
        if intervention.target.is_empty()
            && matches!(kind, InterventionKind::Advice | InterventionKind::Exercise)
            && let Some(at) = (0..tokens.len()).find(|&at| {
                let lows: Vec<String> = tokens[at..].iter().map(|t| t.low.clone()).collect();
                self.done_at(&lows).is_some_and(|(_, length)| length > 1)
            })
        {
            let lows: Vec<String> = tokens[at..].iter().map(|t| t.low.clone()).collect();
            let length = self.done_at(&lows).map_or(1, |(_, length)| length);
            intervention.target =
                self.text[tokens[at].start..tokens[at + length - 1].end].to_owned();
        }
        // "bridges 10": ten what? A number left in the dose of an exercise known only by
        // its name is asked about, as the chart line's reader asks.
        // "Technique: Diversified": the technique of the adjustments listed elsewhere, not
        // one more adjustment.
        if sense.by_technique
            && kind == InterventionKind::SpinalManipulation
            && intervention.region.is_none()
            && intervention.detail.segments.is_empty()
            && intervention.target.is_empty()
        {
            return Err(Unreadable::TechniqueOnly);
        }
        if sense.by_name
            && sense.done.is_some()
            && intervention
                .dose
                .split_whitespace()
                .any(|w| w.parse::<u16>().is_ok())
            && intervention.detail.sets.is_none()
            && intervention.detail.reps.is_none()
            && intervention.detail.minutes.is_none()
            && intervention.detail.hold_seconds.is_none()
        {
            return Err(Unreadable::BareNumber(intervention.dose.clone()));
        }
        self.outside_the_spine(&mut intervention);
        if long_advice {
            intervention.region = None;
            intervention.side = Side::None;
        }
        Ok(intervention)
    }

    /// "psoas", "QL": a muscle the lexicon knows says where it lies, and "patellar" where
    /// it was done, when the line names no region.
    fn region_of_target(&self, intervention: &mut Intervention) {
        if intervention.region.is_some() {
            return;
        }
        let words: Vec<String> = words_of(&intervention.target)
            .into_iter()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                    .to_owned()
            })
            .collect();
        intervention.region = (0..words.len()).find_map(|at| {
            (1..=words.len() - at)
                .rev()
                .find_map(|n| self.place_of(&words[at..at + n]))
        });
    }

    /// The region a run of words names: a region or a muscle the lexicon knows, or a word
    /// of place of the intervention words ("patellar").
    fn place_of(&self, words: &[String]) -> Option<RegionCode> {
        if let Some(region) = self.words.places.get(words) {
            return Some(region.clone());
        }
        self.lexicon.meanings(words)?.iter().find_map(|m| match m {
            Word::Region(region) => Some(region.clone()),
            Word::Structure { region, .. } => region.clone(),
            _ => None,
        })
    }

    /// The one region a purpose that says where names ("to reduce swelling associated with
    /// ankle sprain", "aimed at the thoracic spine"); none when it names none, names
    /// several, or is a cause ("due to LBP"). "back" alone is no place here: "to get back
    /// to work".
    fn place_in_purpose(&self, purpose: &[Token<'a>]) -> Option<RegionCode> {
        let lows: Vec<String> = purpose
            .iter()
            .map(|t| {
                t.low
                    .trim_end_matches("\u{2019}s")
                    .trim_end_matches("'s")
                    .to_owned()
            })
            .collect();
        InterventionWords::phrase_at(&self.words.purposes_naming_where, &lows)?;
        let mut found: Vec<RegionCode> = Vec::new();
        let mut at = 0;
        while at < lows.len() {
            let hit = (1..=(lows.len() - at).min(PHRASE_WORDS))
                .rev()
                .filter(|&n| !(n == 1 && lows[at] == "back"))
                .find_map(|n| self.place_of(&lows[at..at + n]).map(|region| (region, n)));
            match hit {
                Some((region, n)) => {
                    if !found.contains(&region) {
                        found.push(region);
                    }
                    at += n;
                }
                None => at += 1,
            }
        }
        match found.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    }

    /// Whether the words name two different sides ("STM R calf, left in 10 min"): one of
    /// them would be a guess.
    fn sides_disagree(&self, tokens: &[Token<'a>]) -> bool {
        // "left and right" is both sides, said once.
        if let Some(and) = self.both_sides_at(tokens) {
            let mut rest = tokens.to_vec();
            rest.drain(and - 1..=and + 1);
            // Any other side written is a second one.
            let other = rest
                .iter()
                .enumerate()
                .any(|(at, t)| self.side_word(t).is_some() && !self.in_a_name(&rest, at));
            return other;
        }
        let mut named: Option<Side> = None;
        tokens.iter().enumerate().any(|(at, token)| {
            if self.in_a_name(tokens, at) {
                return false;
            }
            // "R-calf" names its side as "R calf" does.
            let apart = self.side_apart(token.text);
            let side = match apart.split_once(' ') {
                Some((prefix, _)) if apart != token.text => self.side_word(&Token {
                    low: prefix.to_lowercase(),
                    ..token.clone()
                }),
                _ => self.side_word(token),
            };
            match (side, named) {
                (Some(side), Some(first)) => side != first,
                (Some(side), None) => {
                    named = Some(side);
                    false
                }
                (None, _) => false,
            }
        })
    }

    /// "levator scapulae": a plural in a muscle's name is no side.
    fn in_a_name(&self, tokens: &[Token<'a>], at: usize) -> bool {
        at > 0
            && self
                .lexicon
                .meanings(&[tokens[at - 1].low.clone(), tokens[at].low.clone()])
                .is_some_and(|meanings| {
                    meanings
                        .iter()
                        .any(|m| matches!(m, Word::Structure { .. } | Word::Region(_)))
                })
    }

    /// "leg press", "single leg heel raise": the words of an exercise's name are not where
    /// it was given ("heel" is no heel); a place written beside the name is, and else the
    /// region the exercise works, as the lexicon has it with its source ("bridges": the
    /// hip), or none.
    fn region_beside_name(&self, intervention: &mut Intervention) {
        if intervention.kind != InterventionKind::Exercise {
            return;
        }
        if let Some((written, worked)) = self.name_and_place(&intervention.target) {
            intervention.region = written.or(worked);
        }
    }

    /// For a target holding an exercise's name: the place written beside the name, and the
    /// region the (first) named exercise works; `None` when no exercise is named.
    fn name_and_place(&self, target: &str) -> Option<(Option<RegionCode>, Option<RegionCode>)> {
        let lows: Vec<String> = words_of(target)
            .into_iter()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                    .to_owned()
            })
            .collect();
        let mut beside = Vec::new();
        let mut named = false;
        let mut worked = None;
        let mut at = 0;
        while at < lows.len() {
            match InterventionWords::phrase_at(&self.words.exercise_names, &lows[at..]) {
                Some(length) => {
                    named = true;
                    if worked.is_none() {
                        worked = self
                            .words
                            .exercise_regions
                            .get(&lows[at..at + length])
                            .cloned();
                    }
                    at += length;
                }
                None => {
                    beside.push(lows[at].clone());
                    at += 1;
                }
            }
        }
        if !named {
            return None;
        }
        let written = shorthand::parse_intervention(
            &format!("exercise {}", beside.join(" ")),
            self.vocabulary,
        )
        .ok()
        .and_then(|read| read.region);
        Some((written, worked))
    }

    /// Whether an exercise's region is only the one its name works ("bridges" under "L:"):
    /// no side is given to it from a heading, since the name says nothing of a side.
    fn region_from_name(&self, intervention: &Intervention) -> bool {
        intervention.kind == InterventionKind::Exercise
            && self
                .name_and_place(&intervention.target)
                .is_some_and(|(written, worked)| written.is_none() && worked.is_some())
    }

    /// Why a part naming a kind the record lacks is kept.
    fn unrecorded(&self, tokens: &[Token<'a>], code: &str) -> Unreadable {
        let lows: Vec<String> = tokens.iter().map(|t| t.low.clone()).collect();
        let named = (0..tokens.len())
            .find_map(|at| match self.done_at(&lows[at..]) {
                Some((Done::Unrecorded(found), length)) if found == code => {
                    Some(self.text[tokens[at].start..tokens[at + length - 1].end].to_owned())
                }
                _ => None,
            })
            .or_else(|| {
                let (first, last) = (tokens.first()?, tokens.last()?);
                Some(self.text[first.start..last.end].to_owned())
            })
            .unwrap_or_default();
        Unreadable::Unrecorded {
            named,
            what: self
                .words
                .unrecorded
                .get(code)
                .cloned()
                .unwrap_or_else(|| code.replace('_', " ")),
        }
    }

    /// A manipulation of the ankle or the shoulder is no spinal manipulation (CPT 98943).
    /// "HVLA R ankle": a manipulation of a joint outside the spine and pelvis is charted as
    /// what it is (CPT 98943), never as a spinal manipulation.
    fn outside_the_spine(&self, intervention: &mut Intervention) {
        if self.spinal_or_not(intervention).is_err() {
            intervention.kind = InterventionKind::ExtraspinalManipulation;
        }
    }

    fn spinal_or_not(&self, intervention: &Intervention) -> Result<(), Unreadable> {
        match &intervention.region {
            Some(region)
                if intervention.kind == InterventionKind::SpinalManipulation
                    && !self
                        .words
                        .spinal_regions
                        .iter()
                        .any(|spinal| self.vocabulary.region_within(region, spinal)) =>
            {
                Err(Unreadable::Unrecorded {
                    named: intervention.target.clone(),
                    what: self
                        .words
                        .unrecorded
                        .get("extraspinal_manipulation")
                        .cloned()
                        .unwrap_or_else(|| "extraspinal manipulation".into()),
                })
            }
            _ => Ok(()),
        }
    }

    /// What the tokens of a part name.
    fn sense(&self, tokens: &[Token<'a>]) -> Sense {
        let lows: Vec<String> = tokens.iter().map(|t| t.low.clone()).collect();
        let mut sense = Sense {
            used: vec![false; tokens.len()],
            setting: vec![false; tokens.len()],
            ..Sense::default()
        };
        let mut named: Vec<(Done, String)> = Vec::new();
        let mut techniques_only = true;
        let mut billed: Option<Done> = None;
        let mut at = 0;
        while at < lows.len() {
            // "heat before exercises": when, never at the start of a part ("post: STM").
            let when =
                at > 0 && InterventionWords::phrase_at(&self.words.timing, &lows[at..]).is_some();
            if sense.purpose_at.is_none()
                && (when
                    || InterventionWords::phrase_at(&self.words.purposes, &lows[at..]).is_some()
                    || at > 0
                        && InterventionWords::phrase_at(&self.words.manner, &lows[at..]).is_some())
            {
                sense.purpose_at = Some(at);
                break;
            }
            let found = self.done_at(&lows[at..]);
            let name = InterventionWords::phrase_at(&self.words.exercise_names, &lows[at..]);
            if let Some(length) = name.filter(|&n| found.as_ref().is_none_or(|f| n > f.1)) {
                named.push((
                    Done::Kind(InterventionKind::Exercise),
                    tokens[at..at + length]
                        .iter()
                        .map(|t| t.text)
                        .collect::<Vec<_>>()
                        .join(" "),
                ));
                sense.by_name = true;
                at += length;
                continue;
            }
            if let Some((done, length)) = found {
                let phrase = tokens[at..at + length]
                    .iter()
                    .map(|t| t.text)
                    .collect::<Vec<_>>()
                    .join(" ");
                // "Diversified" alone names how, not that or where a manipulation was done.
                let how = length == 1
                    && self.lexicon.technique(&lows[at]).is_some()
                    && !self.words.words.contains_key(&lows[at..=at])
                    && shorthand::intervention_word_at(&lows[at..]).is_none();
                techniques_only &= how;
                named.push((done, phrase));
                sense.used[at..at + length].fill(true);
                at += length;
                continue;
            }
            if let Some(length) = InterventionWords::phrase_at(&self.words.fillers, &lows[at..]) {
                sense.used[at..at + length].fill(true);
                at += length;
                continue;
            }
            // "as outlined in care plan": refers to the plan, and says nothing more.
            if let Some(length) =
                InterventionWords::phrase_at(&self.words.done_despite, &lows[at..])
            {
                sense.used[at..at + length].fill(true);
                at += length;
                continue;
            }
            // "at 80 Hz", "an intensity of 1.5 watt/cm2": how it was set, a dose.
            if let Some(length) = self.words.parameter_at(&lows[at..]) {
                sense.setting[at..at + length].fill(true);
                at += length;
                continue;
            }
            if let Some(done) = self.words.cpt.get(&lows[at]) {
                billed.get_or_insert(done.clone());
            }
            at += 1;
        }
        sense.by_technique = techniques_only && !named.is_empty();
        let mut distinct: Vec<&(Done, String)> = Vec::new();
        for entry in &named {
            if !distinct.iter().any(|d| d.0 == entry.0) {
                distinct.push(entry);
            }
        }
        // "manual therapy including passive mobilizations", "Manual Therapy Soft Tissue
        // Techniques": the billing heading names the kind of hands-on work it holds, not a
        // second thing done beside it.
        let manual = |done: &Done| {
            matches!(
                done,
                Done::Kind(
                    InterventionKind::ManualTherapy
                        | InterventionKind::Mobilization
                        | InterventionKind::SoftTissue
                        | InterventionKind::SpinalManipulation
                        | InterventionKind::ExtraspinalManipulation
                )
            )
        };
        let umbrella = Done::Kind(InterventionKind::ManualTherapy);
        if distinct.len() > 1
            && distinct.first().is_some_and(|d| d.0 == umbrella)
            && distinct.iter().all(|d| manual(&d.0))
        {
            distinct.retain(|d| d.0 != umbrella);
        }
        match distinct[..] {
            [] => {
                sense.billed_only = billed.is_some();
                sense.done = billed;
            }
            [(done, _)] => sense.done = Some(done.clone()),
            _ => {
                sense.several = distinct.iter().map(|(_, phrase)| phrase.clone()).collect();
                sense.first_of_several = Some(distinct[0].0.clone());
                sense.several_with = lows.iter().any(|w| w == "with");
            }
        }
        let told = sense.purpose_at.unwrap_or(lows.len());
        let free: Vec<usize> = (0..told).filter(|&i| !sense.used[i]).collect();
        sense.empty = free.is_empty() && sense.done.is_none() && sense.several.is_empty();
        sense.place = free.iter().any(|&i| self.is_place(&lows[i..told]));
        // "T4" is a place, though it has a figure in it.
        let level = |w: &String| SpinalLevel::parse(w).is_some();
        let setting = sense.setting.clone();
        let dose = |i: usize| {
            let w = &lows[i];
            setting[i]
                || w.chars().any(|c| c.is_ascii_digit()) && !level(w)
                || count_of(w).is_some()
                || DOSE_WORDS.contains(&w.as_str())
                || LEADING.contains(&w.as_str())
                || self.lexicon.is_dose_frequency(w)
                || matches!(
                    self.lexicon.meanings(std::slice::from_ref(w)),
                    Some([Word::Side(_), ..])
                )
        };
        sense.dose_only = !free.is_empty() && free.iter().all(|&i| dose(i));
        sense.content = free.iter().filter(|&&i| !dose(i)).count();
        sense
    }

    /// What was done the words begin by naming, with how many words name it: the longest
    /// phrase of the lexicon, the shorthand's words, a technique (a toggle recoil is a
    /// spinal manipulation) or a modality.
    fn done_at(&self, words: &[String]) -> Option<(Done, usize)> {
        let listed = (1..=self.words.longest.min(words.len()))
            .rev()
            .find_map(|n| self.words.words.get(&words[..n]).map(|d| (d.clone(), n)));
        let shorthand = shorthand::intervention_word_at(words).map(|(k, n)| (Done::Kind(k), n));
        let best = match (listed, shorthand) {
            (Some(a), Some(b)) => Some(if b.1 > a.1 { b } else { a }),
            (a, b) => a.or(b),
        };
        if best.is_some() {
            return best;
        }
        let word = words.first()?;
        let technique = self.lexicon.technique(word);
        if let Some(kind) = technique.and_then(technique_kind) {
            return Some((Done::Kind(kind), 1));
        }
        // "MET/PIR R upper trap" stretches a muscle; "MET L SI" mobilises a joint.
        if matches!(
            technique,
            Some(Technique::MuscleEnergy | Technique::PostIsometricRelaxation)
        ) {
            let rest: Vec<String> = words[1..]
                .iter()
                .filter(|w| {
                    !matches!(
                        self.lexicon.meanings(std::slice::from_ref(*w)),
                        Some([Word::Side(_), ..])
                    )
                })
                // "MET to R QL x3": the joining word and the dose say nothing of where.
                .filter(|w| !LEADING.contains(&w.as_str()))
                .take_while(|w| {
                    !w.chars().any(|c| c.is_ascii_digit()) || SpinalLevel::parse(w).is_some()
                })
                .cloned()
                .collect();
            let joint = rest.iter().any(|w| {
                SpinalLevel::parse(w).is_some() || matches!(w.as_str(), "si" | "sij" | "joint")
            });
            if joint {
                return Some((Done::Kind(InterventionKind::Mobilization), 1));
            }
            if self.is_place(&rest) {
                return Some((Done::Kind(InterventionKind::Stretch), 1));
            }
        }
        self.lexicon
            .modality(word)
            .map(|_| (Done::Kind(InterventionKind::Modality), 1))
    }

    /// How many words of a part are neither a place, a dose, filler nor a joining word:
    /// "iliotibial band muscles" has one, "a patented external head" two.
    fn beside_place(&self, tokens: &[Token<'a>]) -> usize {
        let sense = self.sense(tokens);
        let told = sense.purpose_at.unwrap_or(tokens.len());
        let lows: Vec<String> = tokens[..told].iter().map(|t| t.low.clone()).collect();
        let mut count = 0;
        let mut at = 0;
        while at < told {
            if sense.used[at] || sense.setting[at] {
                at += 1;
                continue;
            }
            if let Some(length) = self.place_length(&lows[at..]) {
                at += length;
                continue;
            }
            let w = lows[at].as_str();
            let dose = w.chars().any(|c| c.is_ascii_digit())
                || DOSE_WORDS.contains(&w)
                || LEADING.contains(&w)
                || self.lexicon.is_dose_frequency(w)
                || matches!(
                    self.lexicon.meanings(std::slice::from_ref(&lows[at])),
                    Some([Word::Side(_), ..])
                );
            if !dose {
                count += 1;
            }
            at += 1;
        }
        count
    }

    /// How many words from the start name a place, the longest: a region, a muscle or
    /// structure, a spinal segment.
    fn place_length(&self, words: &[String]) -> Option<usize> {
        let first = words.first()?;
        if first.chars().any(|c| c.is_ascii_digit()) && SpinalLevel::parse(first).is_some() {
            return Some(1);
        }
        (1..=words.len().min(self.lexicon.longest()))
            .rev()
            .find(|&n| {
                self.lexicon.meanings(&words[..n]).is_some_and(|meanings| {
                    meanings
                        .iter()
                        .any(|m| matches!(m, Word::Region(_) | Word::Structure { .. }))
                })
            })
    }

    /// Whether the words begin by naming a place: a region, a muscle or structure, a
    /// spinal segment.
    fn is_place(&self, words: &[String]) -> bool {
        let Some(first) = words.first() else {
            return false;
        };
        if first.chars().any(|c| c.is_ascii_digit()) && SpinalLevel::parse(first).is_some() {
            return true;
        }
        // "R-calf": a side joined to a paired place.
        if self.side_apart(first) != *first {
            return true;
        }
        // The lexicon holds the vocabulary's region names and synonyms too, and looks them
        // up without suggesting near misses.
        (1..=words.len().min(self.lexicon.longest())).any(|n| {
            self.lexicon.meanings(&words[..n]).is_some_and(|meanings| {
                meanings
                    .iter()
                    .any(|m| matches!(m, Word::Region(_) | Word::Structure { .. }))
            })
        })
    }
}

/// Most words of its own a part joined to what is named after it can have ("quadriceps
/// strength and control exercises").
const SHORT_PART_WORDS: usize = 3;

/// The longest a modality is applied in one visit, in minutes: "x10" after a pack is its
/// minutes, "x90" is something else and left in the dose.
const MODALITY_MINUTES: u16 = 60;

/// What a count after a modality may be of, when written ("x2 units", "x3 cycles"): then it
/// is not its minutes.
const COUNTED: [&str; 12] = [
    "unit", "units", "rep", "reps", "set", "sets", "times", "visits", "sessions", "cycles",
    "points", "passes",
];

/// Most words of its own a part read in a sentence can have; a longer one is prose.
const LONG_PART_WORDS: usize = 6;

/// What is said of an exercise band's resistance before "band": "red band", "light
/// T-band"; "iliotibial band" is no band.
const BAND_WORDS: [&str; 14] = [
    "red",
    "yellow",
    "green",
    "blue",
    "black",
    "silver",
    "gold",
    "grey",
    "light",
    "medium",
    "heavy",
    "elastic",
    "resistance",
    "resistive",
];

/// Most words of a sentence that says only that what came before was not done ("Not
/// tolerated.", "Patient declined.", "Deferred due to pain.").
const BACK_REFERENCE_WORDS: usize = 4;

/// Most words a heading before a colon has ("He was given the following exercises").
const HEADING_WORDS: usize = 6;

/// Words that join a place to what was done, dropped from the start of a target: "to the
/// R paraspinals", "on the Achilles tendon".
const LEADING: [&str; 12] = [
    "to", "the", "of", "on", "at", "over", "for", "a", "an", "into", "in", "with",
];

/// Words of a dose, or of its billing, with no number in them.
const DOSE_WORDS: [&str; 46] = [
    "x",
    "×",
    "min",
    "mins",
    "minute",
    "minutes",
    "sec",
    "secs",
    "second",
    "seconds",
    "s",
    "sets",
    "set",
    "reps",
    "rep",
    "repetitions",
    "times",
    "time",
    "a",
    "day",
    "days",
    "week",
    "weeks",
    "hour",
    "hours",
    "hold",
    "holds",
    "holding",
    "repeat",
    "repeating",
    "each",
    "side",
    "per",
    "every",
    "twice",
    "once",
    "again",
    "code",
    "cpt",
    "unit",
    "units",
    "region",
    "regions",
    "two",
    "three",
    "four",
];

/// The words of a part with a dose written before what it is of moved after it: "3×10 R
/// hip abduction using 2.5# weights" is read as "R hip abduction using weights 3×10 2.5#",
/// because the chart line's reader takes everything from the first number on as the
/// dose, and the side and the movement named after the count would be lost in it. The
/// dose itself is read from the words as written.
fn dose_last<'w>(words: &[&'w str], lexicon: &Lexicon) -> Vec<&'w str> {
    let low = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric() && c != '×')
            .to_lowercase()
    };
    let counted = |w: &str| {
        let w = low(w);
        w.chars().any(|c| c.is_ascii_digit()) && SpinalLevel::parse(&w).is_none()
    };
    let of_the_dose = |w: &str| {
        let w = low(w);
        counted(&w)
            || DOSE_WORDS.contains(&w.as_str())
            || DOSE_LABELS.contains(&w.as_str())
            || lexicon.is_dose_frequency(&w)
            || matches!(w.as_str(), "of" | "x" | "×")
    };
    let mut named = Vec::new();
    let mut dose = Vec::new();
    let mut at = 0;
    while at < words.len() {
        // "x 10 min": the times sign before a count is the dose's.
        let times = matches!(low(words[at]).as_str(), "x" | "×")
            && words.get(at + 1).is_some_and(|w| counted(w));
        if !counted(words[at]) && !times {
            named.push(words[at]);
            at += 1;
            continue;
        }
        let mut end = at + 1;
        while end < words.len() && of_the_dose(words[end]) {
            end += 1;
        }
        // "3 sets of": a joining word at the end belongs to what follows.
        while end > at + 1 && matches!(low(words[end - 1]).as_str(), "of" | "a" | "each") {
            end -= 1;
        }
        dose.extend_from_slice(&words[at..end]);
        at = end;
    }
    // Only a dose with something named after it is moved; "bridges 3x10" stays as written.
    let named_after = words
        .iter()
        .position(|w| counted(w))
        .is_some_and(|first| words[first..].iter().any(|w| !of_the_dose(w)));
    if !named_after {
        return words.to_vec();
    }
    named.extend(dose);
    named
}

/// A word that begins with a number ("80", "1.5", "80-150", "4-6"), split into the number
/// and what follows it ("80-150hz" is "80-150" and "hz").
fn number_prefix(word: &str) -> Option<(&str, &str)> {
    if !word.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let end = word
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '–'))
        .unwrap_or(word.len());
    let number = word[..end].trim_end_matches(['.', '-', '–']);
    Some((number, &word[number.len()..]))
}

/// The word the shorthand reads a kind by, to read a part as a chart line.
fn chart_word(kind: InterventionKind) -> &'static str {
    match kind {
        InterventionKind::SpinalManipulation => "manipulation",
        InterventionKind::Mobilization => "mobilization",
        InterventionKind::SoftTissue => "stm",
        InterventionKind::DryNeedling => "dn",
        InterventionKind::Stretch => "stretch",
        InterventionKind::Exercise => "exercise",
        InterventionKind::Taping => "taping",
        InterventionKind::Advice => "advice",
        InterventionKind::Referral => "referral",
        InterventionKind::Modality => "modality",
        InterventionKind::Orthotic => "orthotic",
        InterventionKind::Brace => "brace",
        InterventionKind::ManualTherapy => "manual therapy",
        InterventionKind::NeuromuscularReeducation => "nmr",
        InterventionKind::ExtraspinalManipulation => "extremity manipulation",
    }
}

/// The kind of intervention a technique is a technique of, when it is only one.
fn technique_kind(technique: Technique) -> Option<InterventionKind> {
    match technique {
        Technique::Diversified
        | Technique::Gonstead
        | Technique::ThompsonDrop
        | Technique::Activator
        | Technique::Toggle
        | Technique::FlexionDistraction
        | Technique::Hvla => Some(InterventionKind::SpinalManipulation),
        Technique::Mobilisation => Some(InterventionKind::Mobilization),
        Technique::Iastm | Technique::TriggerPointTherapy => Some(InterventionKind::SoftTissue),
        Technique::DryNeedling => Some(InterventionKind::DryNeedling),
        Technique::KinesioTaping | Technique::RigidTaping => Some(InterventionKind::Taping),
        Technique::Mckenzie => Some(InterventionKind::Exercise),
        // MET and PIR serve stretching and mobilisation alike; orthotics have no kind yet.
        Technique::MuscleEnergy | Technique::PostIsometricRelaxation | Technique::Orthotics => None,
    }
}

/// Whether a line is more than a chart line: a heading, a list, things done together.
fn has_structure(line: &str) -> bool {
    let lower = format!(" {} ", line.to_lowercase());
    line.contains([':', ',', '|', '+', '&', '(', '–', '—'])
        || [" and ", " then ", " followed by ", " as well as ", " plus "]
            .iter()
            .any(|joiner| lower.contains(joiner))
}

/// The words before a heading's colon or dash, and where the words after it begin.
fn split_heading(sentence: &str) -> Option<(&str, usize)> {
    if let Some(at) = sentence.find(':') {
        return Some((&sentence[..at], at + 1));
    }
    // "Strengthening – quad sets, SLRs": a dash after the first word or two.
    let at = sentence.find(" – ").or_else(|| sentence.find(" — "))?;
    let dash = sentence[at + 1..].chars().next().map_or(1, char::len_utf8);
    (sentence[..at].split_whitespace().count() <= 2).then_some((&sentence[..at], at + 1 + dash))
}

fn trim_span(text: &str, span: Span) -> Span {
    let slice = &text[span[0]..span[1]];
    let start = span[0] + (slice.len() - slice.trim_start().len());
    [start, start + slice.trim().len()]
}

/// The words of `text[start..end]`, with the punctuation between them dropped.
fn tokens(text: &str, start: usize, end: usize) -> Vec<Token<'_>> {
    let mut found = Vec::new();
    let mut from = None;
    for (at, c) in text[start..end]
        .char_indices()
        .chain(std::iter::once((end - start, ' ')))
    {
        let gap = c.is_whitespace() || is_break(c) || is_bracket(c) || c == ':';
        match (gap, from) {
            (false, None) => from = Some(at),
            (true, Some(begin)) => {
                found.extend(token(text, start + begin, start + at));
                from = None;
            }
            _ => {}
        }
    }
    found
}

fn token(text: &str, start: usize, end: usize) -> Option<Token<'_>> {
    let raw = &text[start..end];
    // "a) Gastrocnemius stretch, b) Soleus stretch": list marks, not words; "(R)" is a side.
    if raw.len() == 1
        && raw.chars().all(|c| c.is_ascii_alphanumeric())
        && text[end..].starts_with(')')
        && !text[..start].ends_with('(')
    {
        return None;
    }
    // "10'": minutes, the prime after a number kept.
    let minutes = raw
        .strip_suffix(['\'', '’'])
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    let trimmed = if minutes {
        raw
    } else {
        raw.trim_end_matches(['.', ';', '\'', '’'])
    };
    let offset = raw.len() - raw.trim_start_matches(['\'', '’']).len();
    let trimmed = &trimmed[offset.min(trimmed.len())..];
    // "10 × 3": the times sign is a word of the dose.
    let low = match trimmed {
        "×" => "×".to_owned(),
        _ => trimmed
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase(),
    };
    (!low.is_empty()).then(|| Token {
        start: start + offset,
        end: start + offset + trimmed.len(),
        text: trimmed,
        low,
    })
}

/// A list's separators.
fn is_break(c: char) -> bool {
    matches!(c, ',' | '|' | '+' | '&')
}

/// Marks dropped between words: brackets, quotes, trade marks, footnote stars.
fn is_bracket(c: char) -> bool {
    matches!(
        c,
        '(' | ')' | '[' | ']' | '"' | '“' | '”' | '®' | '™' | '*' | '_'
    )
}

/// The coordinated parts of `text[span]`, each with what joined it to the one before.
fn parts(text: &str, span: Span) -> Vec<Part<'_>> {
    // The words and the list marks, in the order written.
    let mut events: Vec<(usize, Option<Token<'_>>, Option<Joiner>)> =
        tokens(text, span[0], span[1])
            .into_iter()
            .map(|t| (t.start, Some(t), None))
            .collect();
    for (at, c) in text[span[0]..span[1]].char_indices() {
        if is_break(c) {
            let joiner = if matches!(c, '+' | '&') {
                Joiner::And
            } else {
                Joiner::Comma
            };
            events.push((span[0] + at, None, Some(joiner)));
        }
    }
    events.sort_by_key(|(at, _, _)| *at);
    let mut parts: Vec<Part<'_>> = Vec::new();
    let mut current: Vec<Token<'_>> = Vec::new();
    let mut joiner: Option<Joiner> = None;
    let mut next_joiner: Option<Joiner> = None;
    let mut index = 0;
    while index < events.len() {
        let lows: Vec<&str> = events[index..]
            .iter()
            .take(3)
            .map(|(_, t, _)| t.as_ref().map_or("", |t| t.low.as_str()))
            .collect();
        let joined = match (&events[index], &lows[..]) {
            ((_, None, Some(j)), _) => Some((*j, 1)),
            (_, ["as", "well", "as", ..]) => Some((Joiner::And, 3)),
            (_, ["followed", "by", ..]) | (_, ["and", "then", ..]) => Some((Joiner::Then, 2)),
            (_, ["and", ..]) | (_, ["plus", ..]) => Some((Joiner::And, 1)),
            (_, ["then", ..]) => Some((Joiner::Then, 1)),
            _ => None,
        };
        match joined {
            Some((j, length)) => {
                if !current.is_empty() {
                    parts.push(Part {
                        tokens: std::mem::take(&mut current),
                        joiner: joiner.take(),
                    });
                }
                // ", and then" is read by its strongest word.
                next_joiner = Some(match (next_joiner, j) {
                    (Some(Joiner::Then), _) | (_, Joiner::Then) => Joiner::Then,
                    (Some(Joiner::And), _) | (_, Joiner::And) => Joiner::And,
                    _ => Joiner::Comma,
                });
                index += length;
            }
            None => {
                if current.is_empty() {
                    joiner = next_joiner.take();
                }
                if let (_, Some(token), _) = &events[index] {
                    current.push(token.clone());
                }
                index += 1;
            }
        }
    }
    if !current.is_empty() {
        parts.push(Part {
            tokens: current,
            joiner,
        });
    }
    parts
}

fn unread(text: &str, span: Span, problem: Unreadable) -> Unread {
    Unread {
        span,
        text: text[span[0]..span[1]].to_owned(),
        why: problem.to_string(),
    }
}

/// One part, as written or in the two other orders clinicians chart it: the billing code
/// first ("97140 x2 STM soleus"), or an exercise named by what it is with its sets and
/// reps ("bridges 3x10 daily"), which is an exercise whatever its name.
fn read_one(
    part: &str,
    vocabulary: &Vocabulary,
    lexicon: &Lexicon,
) -> Result<Intervention, Unreadable> {
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
    let number = |w: &str| w.parse::<u16>().is_ok();
    let prescribed = words.iter().any(|w| {
        w.split_once(['x', 'X', '×'])
            .is_some_and(|(sets, reps)| number(sets) && number(reps))
    }) || words
        .windows(3)
        .any(|three| number(three[0]) && matches!(three[1], "x" | "X" | "×") && number(three[2]))
        || words
            .windows(2)
            .any(|two| number(two[0]) && matches!(two[1], "reps" | "repetitions" | "sets"));
    // "cervical retraction x10": a movement done a count of times is an exercise.
    let movements = &lexicon.intervention_words().movements;
    let prescribed = prescribed
        || lower.iter().any(|w| movements.contains(w))
            && words.iter().any(|w| {
                w.strip_prefix(['x', 'X', '×'])
                    .and_then(|n| n.parse::<u16>().ok())
                    .is_some_and(|n| n > 1)
            });
    // Named: a word that is neither a count, a side nor how often ("3 sets of 10
    // repetitions" names no exercise; "1x/day left hip adduction 10 × 3" does).
    let named = lower.iter().any(|w| {
        !w.is_empty()
            && w.chars().all(char::is_alphabetic)
            && !DOSE_WORDS.contains(&w.as_str())
            && !LEADING.contains(&w.as_str())
            && !lexicon.is_dose_frequency(w)
            && !matches!(
                lexicon.meanings(std::slice::from_ref(w)),
                Some([Word::Side(_), ..])
            )
    });
    // "Seated row Sets: 2 Reps: 10": a dose however written.
    let prescribed = prescribed
        || named_at.is_empty() && {
            let mut dosed = Intervention::default();
            enrich(&mut dosed, part, lexicon);
            dosed.detail.sets.is_some() || dosed.detail.reps.is_some()
        };
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

/// "cold pack x10": a pack or a current is not repeated, so a count after a modality is its
/// minutes, unless the line says what it counts ("x2 units") or it is too long for a visit.
fn minutes_of_a_modality(intervention: &mut Intervention) {
    if intervention.kind != InterventionKind::Modality
        || intervention.detail.minutes.is_some()
        || intervention.detail.sets.is_some()
        || intervention.detail.reps.is_some()
        || !intervention.cpt_code.is_empty()
    {
        return;
    }
    let words = |text: &str| {
        text.split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let (dose, target) = (words(&intervention.dose), words(&intervention.target));
    if dose
        .iter()
        .chain(&target)
        .any(|w| COUNTED.contains(&w.to_lowercase().as_str()))
    {
        return;
    }
    let count = |w: &String| {
        w.strip_prefix(['x', 'X', '×'])
            .and_then(|n| n.parse::<u16>().ok())
            .filter(|n| (1..=MODALITY_MINUTES).contains(n))
    };
    // "MHP x 10": the times sign written apart from its count.
    let apart = dose
        .iter()
        .chain(&target)
        .any(|w| matches!(w.as_str(), "x" | "X" | "×"))
        .then(|| {
            let numbers: Vec<&String> = dose.iter().filter(|w| w.parse::<u16>().is_ok()).collect();
            match numbers[..] {
                [one] => count(&format!("x{one}")).map(|n| (one.clone(), n)),
                _ => None,
            }
        })
        .flatten();
    let Some((word, minutes)) = dose
        .iter()
        .chain(&target)
        .find_map(|w| count(w).map(|n| (w.clone(), n)))
        .or(apart)
    else {
        return;
    };
    intervention.detail.minutes = Some(minutes);
    let without = |list: &[String]| {
        list.iter()
            .filter(|w| **w != word && !matches!(w.as_str(), "x" | "X" | "×"))
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")
    };
    intervention.dose = without(&dose);
    intervention.target = without(&target);
}

/// Why a part of an intervention entry is not charted.
#[derive(Debug, Clone, thiserror::Error)]
enum Unreadable {
    #[error(
        "\"{0}\" says this was not done or is only planned; chart what was done, and write plans in the note"
    )]
    NotDone(String),
    #[error("names more than one thing done ({0}); write each as its own part, separated by ;")]
    SeveralDone(String),
    #[error("names two things done together ({named}): one done during the other, or two?")]
    DoneWith { named: String, first: Done },
    #[error("\"{named}\": which one was done? (or both: write each as its own part)")]
    Either { named: String, done: Done },
    #[error(
        "\"{named}\" is {what}, which the record has no kind of intervention for yet; kept for the note"
    )]
    Unrecorded { named: String, what: String },
    #[error("a dose with nothing charted before it to be the dose of")]
    DoseAlone,
    #[error("names how, not where: write the segments adjusted (\"Diversified L5, R SI\")")]
    TechniqueOnly,
    #[error("names two sides; which one? (R, L or bilat)")]
    TwoSides,
    #[error("\"{0}\": sets, repetitions, seconds or minutes? write 3x10, 30 s or 8 min")]
    BareNumber(String),
    #[error(
        "a sentence with more in it than what was done; chart what was done as a line (\"STM R calf 8 min\"), and keep the rest in the note"
    )]
    TooLong,
    #[error(
        "a printed form's empty box or blank (_): nothing ticked or filled in is charted as done"
    )]
    FormBlank,
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
    let words = dose_words(line);
    let mut detail = InterventionDetail::default();
    let mut used: Vec<usize> = Vec::new();
    // The first word after a phrase of several words already read as a technique or
    // modality ("electrical muscle stimulation" is not also "stimulation").
    let mut named_until = 0;
    let mut modalities_differ = false;
    let course = course_of(&words);
    let mut settings: Vec<String> = Vec::new();
    let mut holds_differ = false;
    for (at, word) in words.iter().enumerate() {
        let next = words.get(at + 1).map(String::as_str);
        // A CPT code: five digits, 97xxx or 98xxx, with its units after it ("x2", "2 units").
        if word.len() == 5 && word.chars().all(|c| c.is_ascii_digit()) && word.starts_with('9') {
            if intervention.cpt_code.is_empty() {
                intervention.cpt_code = word.clone();
            }
            used.push(at);
            let units = match next {
                Some("x" | "×") => words
                    .get(at + 2)
                    .and_then(|n| n.parse().ok())
                    .map(|u| (u, 2)),
                Some(n) if n.len() > 1 && n.starts_with(['x', '×']) => n
                    .trim_start_matches(['x', '×'])
                    .parse::<u8>()
                    .ok()
                    .map(|u| (u, 1)),
                // "97110 2 units".
                Some(n)
                    if matches!(
                        words.get(at + 2).map(String::as_str),
                        Some("unit" | "units")
                    ) =>
                {
                    n.parse::<u8>().ok().map(|u| (u, 1))
                }
                _ => None,
            };
            if let Some((units, taken)) = units {
                detail.cpt_units = Some(units);
                used.extend(at + 1..=at + taken);
                // "x2 units": the word says what the number was.
                if matches!(
                    words.get(at + taken + 1).map(String::as_str),
                    Some("unit" | "units")
                ) {
                    used.push(at + taken + 1);
                }
            }
            // "Bill 2 units of 97110".
            if at >= 3
                && words[at - 1] == "of"
                && matches!(words[at - 2].as_str(), "unit" | "units")
                && let Ok(units) = words[at - 3].parse::<u8>()
            {
                detail.cpt_units = Some(units);
                used.extend(at - 3..at);
            }
            continue;
        }
        // "80 Hz", "1.5 watt/cm2", "1.4mph", "4-6J": how the modality or machine was set.
        if number_prefix(word).is_some()
            && let Some(length) = lexicon.intervention_words().parameter_at(&words[at..])
        {
            settings.push(words[at..at + length].join(" "));
            used.extend(at..at + length);
            continue;
        }
        // "2 to 3 sets", "3 or 4 sets": a range is never read as its upper end; it stays
        // in the dose, to be asked about.
        if at >= 2
            && matches!(words[at - 1].as_str(), "to" | "or")
            && count_of(&words[at - 2]).is_some()
            && count_of(word.trim_end_matches(['x', '×'])).is_some()
        {
            continue;
        }
        // Sets and reps: "3x10", "3 x 10", "10 × 3"; sets and a hold: "3x30s", "3×30 seconds".
        let written = match word.split_once(['x', '×']) {
            Some((a, b)) if !a.is_empty() && !b.is_empty() => Some((a, b, 0)),
            _ if matches!(next, Some("x" | "×")) => {
                words.get(at + 2).map(|b| (word.as_str(), b.as_str(), 2))
            }
            _ => None,
        };
        if let Some((a, b, more)) = written
            && let Ok(a) = a.parse::<u16>()
            && a <= 20
        {
            let seconds = matches!(
                words.get(at + more + 1).map(String::as_str),
                Some("s" | "sec" | "secs" | "second" | "seconds")
            );
            if let Some(hold) = seconds_of(b) {
                (detail.sets, detail.hold_seconds) = (Some(a), Some(hold));
                used.extend(at..=at + more);
                continue;
            }
            if let Ok(b) = b.parse::<u16>() {
                if seconds {
                    (detail.sets, detail.hold_seconds) = (Some(a), Some(b));
                    used.extend(at..=at + more + 1);
                } else if a > b {
                    // "10 × 3": ten repetitions, three times; a set is rarely longer than
                    // its count of repetitions.
                    (detail.reps, detail.sets) = (Some(a), Some(b));
                    used.extend(at..=at + more);
                } else {
                    (detail.sets, detail.reps) = (Some(a), Some(b));
                    used.extend(at..=at + more);
                }
                continue;
            }
        }
        // "5s hold", "hold 30sec": a hold with its unit joined to the count.
        if detail.hold_seconds.is_none()
            && let Some(hold) = seconds_of(word)
            && (matches!(next, Some("hold" | "holds"))
                || at > 0 && matches!(words[at - 1].as_str(), "hold" | "holds"))
        {
            detail.hold_seconds = Some(hold);
            used.push(at);
            if matches!(next, Some("hold" | "holds")) {
                used.push(at + 1);
            } else {
                used.push(at - 1);
            }
            continue;
        }
        if let Some(hold) = word
            .strip_suffix("-second")
            .or_else(|| word.strip_suffix("-sec"))
            .and_then(|n| n.parse::<u16>().ok())
        {
            detail.hold_seconds = Some(hold);
            used.push(at);
            continue;
        }
        // "2.5# weights", "40lbs", "5 kg": the load.
        if detail.load.is_none()
            && let Some(load) = weight_of(word, next)
        {
            detail.load = Some(load.0);
            used.extend(at..=at + load.1);
            continue;
        }
        // "eight minutes of duration": a count in words, before its unit.
        let spelled = || {
            count_of(word).filter(|_| {
                matches!(
                    next,
                    Some("min" | "mins" | "minute" | "minutes" | "sets" | "reps" | "repetitions")
                )
            })
        };
        // "x15 min": the times sign written onto a count of minutes or seconds.
        let timed = || {
            word.strip_prefix(['x', '×'])
                .and_then(|n| n.parse::<u16>().ok())
                .filter(|_| {
                    matches!(
                        next,
                        Some("min" | "mins" | "minute" | "minutes" | "sec" | "secs" | "seconds")
                    )
                })
        };
        if let Some(number) = word.parse::<u16>().ok().or_else(spelled).or_else(timed) {
            let after = |n: usize| words.get(at + n).map(String::as_str);
            // "3 sets of 15", "3 cycles of 60s", "3 bouts of 30s": sets, then repetitions or
            // a hold.
            if matches!(
                next,
                Some("sets" | "set" | "cycles" | "rounds" | "bouts" | "bout")
            ) && after(2) == Some("of")
                && let Some(of) = after(3)
            {
                let hold = seconds_of(of).or_else(|| {
                    of.parse::<u16>().ok().filter(|_| {
                        matches!(after(4), Some("s" | "sec" | "secs" | "second" | "seconds"))
                    })
                });
                if let Some(hold) = hold {
                    (detail.sets, detail.hold_seconds) = (Some(number), Some(hold));
                    used.extend(at..=at + 3);
                    continue;
                }
                if let Ok(reps) = of.parse::<u16>() {
                    (detail.sets, detail.reps) = (Some(number), Some(reps));
                    used.extend(at..=at + 3);
                    continue;
                }
            }
            // "10 reps x 2": repetitions, then how many sets.
            if matches!(next, Some("reps" | "repetitions"))
                && let Some((sets, taken)) = match after(2) {
                    Some("x" | "×") => {
                        after(3).and_then(|n| n.parse::<u16>().ok()).map(|n| (n, 2))
                    }
                    Some(times) => times
                        .strip_prefix(['x', '×'])
                        .and_then(|n| n.parse::<u16>().ok())
                        .map(|n| (n, 1)),
                    None => None,
                }
            {
                (detail.reps, detail.sets) = (Some(number), Some(sets));
                used.extend(at..=at + 1 + taken);
                continue;
            }
            match next {
                // "20 seconds of rest" is the rest between, never a hold; a second hold
                // that differs from the first is a doubt, kept in the dose, not the last
                // one read.
                Some("s" | "sec" | "secs" | "second" | "seconds") => {
                    let rest = matches!(after(2), Some("rest"))
                        || after(2) == Some("of") && after(3) == Some("rest");
                    match detail.hold_seconds {
                        _ if rest => {
                            settings.push(format!("{number} s rest"));
                            let of = usize::from(after(2) == Some("of"));
                            used.extend(at..=at + 2 + of);
                        }
                        Some(held) if held != number => holds_differ = true,
                        _ => {
                            detail.hold_seconds = Some(number);
                            used.extend([at, at + 1]);
                            // "5 sec hold": the word saying it is a hold is read with it.
                            if matches!(after(2), Some("hold" | "holds")) {
                                used.push(at + 2);
                            }
                        }
                    }
                }
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
        if let Some(minutes) = ["minutes", "mins", "min", "'", "’", "′"]
            .iter()
            .find_map(|unit| word.strip_suffix(unit))
            .and_then(|n| n.parse::<u16>().ok())
        {
            detail.minutes = Some(minutes);
            used.push(at);
            continue;
        }
        // "repeat 3 times", "repeating three times": how many repetitions.
        if matches!(word.as_str(), "repeat" | "repeating" | "repeated")
            && detail.reps.is_none()
            && let Some(count) = next.and_then(count_of)
            && matches!(
                words.get(at + 2).map(String::as_str),
                Some("times" | "time" | "reps" | "repetitions")
            )
        {
            detail.reps = Some(count);
            used.extend(at..=at + 2);
            continue;
        }
        // "grade 3 incline" on a treadmill is no mobilisation grade.
        if matches!(word.as_str(), "grade" | "gr" | "gr.")
            && matches!(
                intervention.kind,
                InterventionKind::Mobilization
                    | InterventionKind::SpinalManipulation
                    | InterventionKind::ExtraspinalManipulation
                    | InterventionKind::ManualTherapy
            )
            && let Some(grade) = next.and_then(mobilisation_grade)
            // "grade III to IV": a range is never read as one end of it.
            && !(matches!(
                words.get(at + 2).map(String::as_str),
                Some("to" | "-" | "or" | "and")
            ) && words
                .get(at + 3)
                .is_some_and(|w| mobilisation_grade(w).is_some()))
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
        // "R SI": the sacroiliac joint, as a segment adjusted.
        if matches!(word.as_str(), "si" | "sij" | "sacroiliac")
            && matches!(
                intervention.kind,
                InterventionKind::SpinalManipulation | InterventionKind::Mobilization
            )
            && !detail.segments.iter().any(|s| s == "SI")
        {
            detail.segments.push("SI".to_owned());
            continue;
        }
        // "high velocity low amplitude", "electrical muscle stimulation": the longest
        // phrase of the lexicon at this word names the technique or the modality.
        let phrase_of = |known: &dyn Fn(&str) -> bool| -> Option<usize> {
            (1..=PHRASE_WORDS.min(words.len() - at))
                .rev()
                .find(|&n| known(&words[at..at + n].join(" ")))
        };
        if at >= named_until
            && let Some(length) = phrase_of(&|p| lexicon.technique(p).is_some())
            && let Some(technique) = lexicon.technique(&words[at..at + length].join(" "))
        {
            detail.technique.get_or_insert(technique);
            used.extend(at..at + length);
            named_until = at + length;
        }
        if at >= named_until
            && let Some(length) = phrase_of(&|p| lexicon.modality(p).is_some())
            && let Some(modality) = lexicon.modality(&words[at..at + length].join(" "))
        {
            // "IFC or TENS": two different agents named for one item is a doubt, never
            // the first one guessed.
            match detail.modality {
                Some(first) if first != modality => modalities_differ = true,
                _ => detail.modality = Some(modality),
            }
            used.extend(at..at + length);
            named_until = at + length;
        }
        if lexicon.is_dose_frequency(word) {
            detail.frequency = Some(word.clone());
            used.push(at);
        }
        if (word == "band" || word == "theraband" || word == "t-band")
            && let Some(colour) = at.checked_sub(1).and_then(|i| words.get(i))
            && BAND_WORDS.contains(&colour.as_str())
        {
            detail.load = Some(format!("{colour} {word}"));
            used.extend([at - 1, at]);
        }
    }
    // "97110 Therapeutic Exercise x 2 units (23 min)": the units of the code, wherever
    // they are written; "98941: spinal, 3-4 regions", "1 or more regions": what the code
    // says, not a dose.
    if !intervention.cpt_code.is_empty() {
        for at in 0..words.len() {
            let counted = |w: &str| {
                number_prefix(w).is_some_and(|(n, rest)| rest.is_empty() && !n.is_empty())
            };
            let (word, next) = (words[at].as_str(), words.get(at + 1).map(String::as_str));
            match next {
                Some("unit" | "units") if detail.cpt_units.is_none() => {
                    let n = word.trim_start_matches(['x', '×']);
                    if let Ok(units) = n.parse::<u8>() {
                        detail.cpt_units = Some(units);
                        used.extend([at, at + 1]);
                        if at > 0 && matches!(words[at - 1].as_str(), "x" | "×") {
                            used.push(at - 1);
                        }
                    }
                }
                Some("region" | "regions" | "muscle" | "muscles") if counted(word) => {
                    used.extend([at, at + 1]);
                }
                Some("or")
                    if counted(word)
                        && words.get(at + 2).is_some_and(|w| w == "more")
                        && matches!(
                            words.get(at + 3).map(String::as_str),
                            Some("region" | "regions" | "muscle" | "muscles")
                        ) =>
                {
                    used.extend(at..at + 4);
                }
                _ => {}
            }
        }
    }
    if !settings.is_empty() {
        let set = settings.join(", ");
        detail.load = Some(match detail.load.take() {
            Some(load) => format!("{load}, {set}"),
            None => set,
        });
    }
    // "twice weekly for 2 weeks": the course of care says more than the word "weekly".
    if let Some((often, taken)) = course {
        // "daily for 6 weeks": the word of how often, then how long.
        detail.frequency = Some(match &detail.frequency {
            Some(single) if often.starts_with("for ") => format!("{single} {often}"),
            _ => often,
        });
        used.extend(taken);
    }
    // "x 10 min": the times sign before a count read goes with it.
    let signs: Vec<usize> = used
        .iter()
        .filter(|&&i| i > 0 && matches!(words[i - 1].as_str(), "x" | "×"))
        .map(|&i| i - 1)
        .collect();
    used.extend(signs);
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
    if modalities_differ {
        detail.modality = None;
    }
    if holds_differ {
        detail.hold_seconds = None;
    }
    intervention.detail = detail;
    // "3x30s each side": done on both.
    let each_side = words.windows(2).any(|two| {
        matches!(
            (two[0].as_str(), two[1].as_str()),
            ("each" | "both", "side" | "sides" | "leg" | "legs")
        )
    });
    if intervention.side == Side::None && each_side {
        intervention.side = Side::Bilateral;
    }
}

/// The words of a line as its dose is read: lower case, split at spaces, commas and
/// brackets, with the labelled fields of a printed home programme ("REPS: 10SETS: 3HOLD:
/// 2DAILY: 1") turned into the words a chart line says ("10 reps 3 sets 2 s 1x/day"), and
/// "3x 30sec" written as one word.
fn dose_words(line: &str) -> Vec<String> {
    let raw: Vec<String> = line
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    // "10sets:" is the number of the field before and the label of the next.
    let mut split: Vec<String> = Vec::new();
    for word in raw {
        let digits = word.chars().take_while(char::is_ascii_digit).count();
        let label = word[digits..].trim_end_matches(':');
        if digits > 0 && DOSE_LABELS.contains(&label) {
            split.push(word[..digits].to_owned());
            split.push(word[digits..].to_owned());
        } else {
            split.push(word);
        }
    }
    let mut words = Vec::new();
    let mut at = 0;
    // Whether the word before was the value of a field: "Sets 2 Reps 10" is labelled
    // throughout, "2 sets 10 reps" is not.
    let mut after_field = false;
    while at < split.len() {
        let word = &split[at];
        let value = split.get(at + 1);
        let number_before = at > 0 && split[at - 1].chars().all(|c| c.is_ascii_digit());
        let field = word
            .strip_suffix(':')
            .or_else(|| {
                let bare = matches!(word.as_str(), "sets" | "reps" | "hold");
                (bare && (!number_before || after_field)).then_some(word.as_str())
            })
            .filter(|l| DOSE_LABELS.contains(l));
        after_field = field.is_some()
            && value.is_some_and(|v| v.chars().next().is_some_and(|c| c.is_ascii_digit()));
        match (field, value) {
            (Some(label), Some(value))
                if value.chars().next().is_some_and(|c| c.is_ascii_digit()) =>
            {
                match label {
                    "sets" | "reps" => words.extend([value.clone(), label.to_owned()]),
                    "hold" => match value.parse::<u16>() {
                        Ok(_) => words.extend([value.clone(), "s".to_owned()]),
                        Err(_) => words.extend(["hold".to_owned(), value.clone()]),
                    },
                    "daily" => words.push(format!("{value}x/day")),
                    "weekly" => words.push(format!("{value}x/week")),
                    // Rest between sets is no hold and no dose.
                    _ => words.push(format!("{label}:{value}")),
                }
                at += 2;
            }
            _ => {
                // "3x 30sec": the sets and the hold, written apart.
                let sets = word
                    .strip_suffix(['x', '×'])
                    .filter(|n| n.parse::<u16>().is_ok());
                match (sets, value.and_then(|v| seconds_of(v).map(|_| v))) {
                    (Some(sets), Some(hold)) => {
                        words.push(format!("{sets}x{hold}"));
                        at += 2;
                    }
                    _ => {
                        words.push(word.clone());
                        at += 1;
                    }
                }
            }
        }
    }
    words
}

/// How often and for how long, as a course of care is written in prose: "3 times per week
/// for 6 weeks", "twice weekly for 2 weeks", "once per week for three weeks", "2-3 times
/// per day, every day for 12 weeks", "5 days a week", "over a 6-week episode of care";
/// written the way the record keeps a frequency ("3x/week for 6 weeks"), with the words it
/// was read from. `None` when the words say only one of the single words of frequency
/// ("daily", "2x/day"), which are read as they always were.
fn course_of(words: &[String]) -> Option<(String, Vec<usize>)> {
    let word = |at: usize| words.get(at).map(String::as_str).unwrap_or_default();
    let period = |w: &str| match w {
        "day" | "days" | "daily" => Some("day"),
        "week" | "weeks" | "wk" | "wks" | "weekly" => Some("week"),
        "month" | "months" | "monthly" => Some("month"),
        _ => None,
    };
    // A count: "3", "2-3", "three", "twice", "3x".
    let count = |w: &str| -> Option<String> {
        let w = w.trim_end_matches(['x', '×']);
        match w {
            "once" => return Some("1".into()),
            "twice" => return Some("2".into()),
            "thrice" => return Some("3".into()),
            _ => {}
        }
        if let Some(n) = count_of(w) {
            return Some(n.to_string());
        }
        let (a, b) = w.split_once(['-', '–'])?;
        (a.parse::<u16>().is_ok() && b.parse::<u16>().is_ok()).then(|| format!("{a}-{b}"))
    };
    let mut often: Vec<String> = Vec::new();
    let mut lasting: Option<String> = None;
    let mut taken: Vec<usize> = Vec::new();
    let mut at = 0;
    while at < words.len() {
        // "3 times per week", "twice a week", "2x per day", "twice weekly", "5 days a week".
        if let Some(n) = count(word(at)) {
            // "7 days/week".
            if let Some((days, unit)) = word(at + 1).split_once('/')
                && matches!(days, "day" | "days")
                && let Some(unit) = period(unit)
            {
                often.push(format!("{n} days/{unit}"));
                taken.extend([at, at + 1]);
                at += 2;
                continue;
            }
            let mut next = at + 1;
            let days = matches!(word(next), "days" | "day");
            if matches!(word(next), "times" | "time" | "x" | "×") || days {
                next += 1;
            }
            let per = matches!(word(next), "per" | "a" | "each" | "every" | "/");
            if per {
                next += 1;
            }
            let named = period(word(next));
            let spoken = word(at).chars().all(char::is_alphabetic)
                || word(at).ends_with(['x', '×'])
                || next > at + 1;
            // "5 days a week"; "3 times per week"; "twice weekly"; never "10 days" alone.
            if let Some(unit) = named
                && spoken
                && (per || !matches!(word(next), "day" | "days" | "week" | "weeks"))
                && !(days && unit == "day")
            {
                often.push(if days {
                    format!("{n} days/{unit}")
                } else {
                    format!("{n}x/{unit}")
                });
                taken.extend(at..=next);
                at = next + 1;
                continue;
            }
        }
        // "every day", "every other day".
        if word(at) == "every" {
            match (word(at + 1), word(at + 2)) {
                ("day", _) => {
                    often.push("daily".into());
                    taken.extend([at, at + 1]);
                    at += 2;
                    continue;
                }
                ("other", "day") => {
                    often.push("every other day".into());
                    taken.extend(at..=at + 2);
                    at += 3;
                    continue;
                }
                _ => {}
            }
        }
        // "for 6 weeks", "for three weeks", "over a 6-week episode of care".
        if matches!(word(at), "for" | "over") && lasting.is_none() {
            let mut next = at + 1;
            if matches!(word(next), "a" | "the" | "another") {
                next += 1;
            }
            let (number, unit, length) = match word(next).split_once('-') {
                Some((n, u)) if count_of(n).is_some() && period(u).is_some() => {
                    (count_of(n), period(u), 1)
                }
                _ => (count_of(word(next)), period(word(next + 1)), 2),
            };
            if let (Some(number), Some(unit)) = (number, unit) {
                let plural = if number == 1 { "" } else { "s" };
                lasting = Some(format!("for {number} {unit}{plural}"));
                taken.extend(at..next + length);
                at = next + length;
                if word(at) == "episode" && word(at + 1) == "of" && word(at + 2) == "care" {
                    taken.extend(at..at + 3);
                    at += 3;
                }
                continue;
            }
        }
        at += 1;
    }
    // A lone "for 6 weeks" with nothing of how often is a course too; a single word of
    // frequency alone is not this reader's.
    if often.is_empty() && lasting.is_none() {
        return None;
    }
    let mut said = often.join(", ");
    if let Some(lasting) = lasting {
        if !said.is_empty() {
            said.push(' ');
        }
        said.push_str(&lasting);
    }
    Some((said, taken))
}

/// A weight as a load, with how many words after this one it took: "2.5#", "40lbs",
/// "5 kg", "10 pounds".
fn weight_of(word: &str, next: Option<&str>) -> Option<(String, usize)> {
    let number = |n: &str| !n.is_empty() && n.parse::<f32>().is_ok();
    for unit in ["#", "lbs", "lb", "kg"] {
        if let Some(n) = word.strip_suffix(unit)
            && number(n)
        {
            return Some((word.to_owned(), 0));
        }
    }
    match next {
        Some(unit @ ("#" | "lb" | "lbs" | "kg" | "pounds" | "kilograms")) if number(word) => {
            Some((format!("{word} {unit}"), 1))
        }
        _ => None,
    }
}

/// The most words a technique or modality of the lexicon is named by ("high velocity low
/// amplitude").
const PHRASE_WORDS: usize = 4;

/// The labels of a printed home programme's fields.
const DOSE_LABELS: [&str; 6] = ["sets", "reps", "hold", "daily", "weekly", "rest"];

/// "30s", "30sec", "30secs", "30seconds": a hold in seconds.
fn seconds_of(word: &str) -> Option<u16> {
    ["seconds", "second", "secs", "sec", "s"]
        .iter()
        .find_map(|unit| word.strip_suffix(unit))
        .and_then(|n| n.parse::<u16>().ok())
}

/// A count written in figures or, up to ten, in words.
fn count_of(word: &str) -> Option<u16> {
    const WORDS: [&str; 10] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    word.parse::<u16>().ok().or_else(|| {
        WORDS
            .iter()
            .position(|w| *w == word)
            .and_then(|i| u16::try_from(i + 1).ok())
    })
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
