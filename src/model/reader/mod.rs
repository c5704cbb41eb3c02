//! One reader for the clinic's language: a line of quick entry, a sentence of a note, or a
//! whole Objective, read into findings, each with the span of text it came from, the words
//! it could not read kept verbatim with the reason, and the questions a careful reader
//! would ask rather than guess (which side? positive or negative?).
//!
//! It works in the NegEx / ConText tradition (see `assets/lexicon/findings.json`): the text
//! is cut into sentences, each sentence into words that the lexicon names (a kind, a region,
//! a side, a test, a negation, a value...), longest phrase first; the words are then
//! gathered into frames, one per finding, coordination ("numbness or tingling", "PSIS and
//! QL") sharing what the frame says; a negation reaches the end of its sentence or a
//! terminator ("but"). Nothing is guessed: a paired region without a side, a test without
//! its result, is a question.

pub mod history;
pub mod interventions;
pub mod lexicon;

use crate::model::vocabulary::KindCategory;
use serde::Serialize;

use super::detail::{FindingDetail, Measurement, MrcGrade, ReflexGrade, Unit};
use super::{
    Finding, Intensity, KindCode, Laterality, Presence, RegionCode, RegionPresence, Side,
    SpinalLevel, Vocabulary,
};
pub use history::{HistoryReading, read_history};
pub use interventions::{InterventionReading, ReadIntervention, read_interventions};
pub use lexicon::{Change, Context, Lexicon, LexiconError, SecondIntensity, Word};

/// A byte range of the text read.
pub type Span = [usize; 2];

/// A finding read, with where it was read from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub span: Span,
}

/// Words left unread, kept as they were written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Unread {
    pub span: Span,
    pub text: String,
    pub why: String,
}

/// A reading that needs the clinician's word before it is charted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    pub span: Span,
    pub text: String,
    pub ask: String,
    /// The finding as read so far, to chart once answered.
    pub finding: Finding,
}

/// What the reader made of a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reading {
    pub text: String,
    pub items: Vec<ReadFinding>,
    pub unread: Vec<Unread>,
    pub questions: Vec<Question>,
}

impl Reading {
    /// Everything was read and nothing is asked.
    pub fn is_whole(&self) -> bool {
        self.unread.is_empty() && self.questions.is_empty()
    }

    /// The text not charted once the findings read are: every stretch left unread or
    /// asked about, in the order written, joined by "; ". Quick entry leaves it in the
    /// field for the clinician to finish.
    pub fn leftover(&self) -> String {
        let mut spans: Vec<Span> = self
            .unread
            .iter()
            .map(|u| u.span)
            .chain(self.questions.iter().map(|q| q.span))
            .collect();
        spans.sort();
        let mut merged: Vec<Span> = Vec::new();
        for span in spans {
            match merged.last_mut() {
                // Overlapping, or parts of one phrase ("FAIR + R"): one piece.
                Some(last)
                    if span[0] <= last[1]
                        || !self.text[last[1]..span[0]].contains([';', '.', '\n', ',']) =>
                {
                    last[1] = last[1].max(span[1]);
                }
                _ => merged.push(span),
            }
        }
        merged
            .iter()
            .map(|span| self.text[span[0]..span[1]].trim())
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One token of the text: its span, its lower-case form, and what it is once read.
#[derive(Debug, Clone)]
struct Token {
    span: Span,
    lower: String,
}

#[derive(Debug, Clone)]
enum Piece {
    Word(Vec<Word>),
    Intensity(Intensity),
    IntensityRange(Intensity, Intensity),
    Strength(MrcGrade),
    /// "2+": a reflex grade, or "4+" strength without its "/5"; the frame decides.
    Plus(u8),
    Reflex(ReflexGrade),
    Number(f64),
    Measure(f64, Unit),
    /// The normal a measurement is compared with: "(normal 180)".
    Normal(f64),
    /// How long: "30 min".
    Duration(String),
    /// Since when: "6 weeks".
    Since(String),
    Level(SpinalLevel),
    /// A boundary inside a sentence: a comma.
    Comma,
    /// The end of a sentence.
    Stop,
}

#[derive(Debug, Clone)]
struct Read {
    span: Span,
    piece: Piece,
}

/// What a note says that is not charted yet: the findings read from `text` that no
/// charted finding already says (same kind, place, side and presence), each with the
/// sentence it came from. The note's words suggest; the clinician charts.
pub fn suggestions<'a>(reading: &'a Reading, charted: &[Finding]) -> Vec<&'a ReadFinding> {
    let mut seen: Vec<&Finding> = Vec::new();
    reading
        .items
        .iter()
        .filter(|item| {
            let f = &item.finding;
            let same = |c: &&Finding| {
                c.kind == f.kind
                    && c.region == f.region
                    && c.side == f.side
                    && c.presence == f.presence
            };
            let new = !charted.iter().any(|c| same(&c)) && !seen.iter().any(same);
            if new {
                seen.push(f);
            }
            new
        })
        .collect()
}

/// The sentence of `text` around `span`, for linking a finding back to its words.
pub fn sentence_of(text: &str, span: Span) -> &str {
    let start = text[..span[0]]
        .rfind(['.', ';', '\n'])
        .map_or(0, |at| at + 1);
    let end = text[span[1]..]
        .find(['.', ';', '\n'])
        .map_or(text.len(), |at| span[1] + at);
    text[start..end].trim()
}

/// Reads `text` as findings. `line_side` is the side the line or section it sits under
/// gives ("L knee:"), used when the phrase itself says none.
pub fn read_findings(
    text: &str,
    line_side: Option<Side>,
    vocabulary: &Vocabulary,
    lexicon: &Lexicon,
) -> Reading {
    let tokens = tokenize(text, lexicon);
    let (mut reads, mut unread) = recognise(text, &tokens, lexicon);
    table_rows(text, &mut reads);
    let mut reading = Reading {
        text: text.to_owned(),
        items: Vec::new(),
        unread: Vec::new(),
        questions: Vec::new(),
    };
    let mut discourse = Discourse::default();
    let mut next: usize = 0;
    for sentence in reads.split(|r| matches!(r.piece, Piece::Stop)) {
        let stops = [
            next.checked_sub(1)
                .and_then(|stop| reads.get(stop))
                .map_or(0, |stop: &Read| stop.span[1]),
            reads
                .get(next + sentence.len())
                .map_or(text.len(), |stop| stop.span[0]),
        ];
        next += sentence.len() + 1;
        // A blank line ends the paragraph: its places no longer carry.
        if let (Some(first), Some(end)) = (sentence.first(), discourse.end)
            && text.get(end..first.span[0]).is_some_and(|between| {
                let lines: Vec<&str> = between.split('\n').collect();
                lines.len() > 2
                    && lines[1..lines.len() - 1]
                        .iter()
                        .any(|l| l.trim().is_empty())
            })
        {
            discourse = Discourse::default();
        }
        let items_before = reading.items.len();
        let questions_before = reading.questions.len();
        // "His neck pain started this morning. The pain becomes a shooting pain from the
        // lower cervical spine on the right": a sentence that names a place of its own says
        // where its findings are; nothing carries into it.
        let names_a_place = sentence.iter().any(|read| match &read.piece {
            Piece::Word(words) => words.iter().any(|w| {
                matches!(
                    w,
                    Word::Region(_) | Word::Structure { .. } | Word::ReflexPlace(_)
                )
            }),
            _ => false,
        });
        let nothing_before = Discourse::default();
        compose(
            text,
            sentence,
            stops,
            line_side,
            vocabulary,
            lexicon,
            if names_a_place {
                &nothing_before
            } else {
                &discourse
            },
            &mut reading,
            &mut unread,
        );
        let heading = heading_of(text, sentence);
        if let (Some(first), Some(last)) = (sentence.first(), sentence.last())
            && heading.is_some()
        {
            // A heading is read as the place of what is under it, not as a place with no
            // finding named.
            unread.retain(|u| {
                !(u.span[0] >= first.span[0]
                    && u.span[1] <= last.span[1]
                    && u.why.starts_with("a place with no finding named"))
            });
        }
        discourse.take_in(sentence, &reading, items_before, questions_before, heading);
    }
    unread.sort_by_key(|u| u.span);
    reading.unread = merge_unread(text, unread);
    reading
}

/// "Lumbar extensors | 4/5 | Left hamstring": the cells of a table row are read together
/// only while they speak of one place; a cell naming another place begins another item,
/// so a grade is never joined to the place of a cell after the one it belongs with.
fn table_rows(text: &str, reads: &mut [Read]) {
    let names_a_place = |read: &Read| match &read.piece {
        Piece::Word(words) => words.iter().any(|w| {
            matches!(
                w,
                Word::Region(_) | Word::Structure { .. } | Word::ReflexPlace(_)
            )
        }),
        _ => false,
    };
    let is_cell_mark = |read: &Read| text.get(read.span[0]..read.span[1]) == Some("|");
    let mut placed = false;
    for at in 0..reads.len() {
        if matches!(reads[at].piece, Piece::Stop) {
            placed = false;
        } else if is_cell_mark(&reads[at]) {
            let next_names_a_place = reads[at + 1..]
                .iter()
                .take_while(|r| !is_cell_mark(r) && !matches!(r.piece, Piece::Stop))
                .any(names_a_place);
            if placed && next_names_a_place {
                reads[at].piece = Piece::Stop;
                placed = false;
            }
        } else if names_a_place(&reads[at]) {
            placed = true;
        }
    }
}

/// Whether the point at `at` sits inside a capitalised name written with points that the
/// lexicon knows ("Ant. Tib."), so it ends no sentence: the word after it must itself be one
/// written with a point, and the two together a known phrase. Any other capital after a
/// point still begins a sentence ("bilat. R calf").
fn named_with_points(text: &str, from: usize, at: usize, lexicon: &Lexicon) -> bool {
    let rest = text[at + 1..].trim_start();
    let Some(next) = rest.split('.').next().filter(|w| rest.len() > w.len()) else {
        return false;
    };
    let next = next.to_lowercase();
    !next.is_empty()
        && next.chars().all(char::is_alphabetic)
        && lexicon.has_point(&next)
        && lexicon
            .meanings(&[text[from..at].to_lowercase(), next])
            .is_some()
}

/// Words, numbers and marks with their spans. `/`, `+`, `-`, `'`, `°` and `.` between digits
/// stay inside a token ("4/10", "b/l", "2+", "T8-10", "45°", "7.5"); `,;:()` and a full stop
/// stand alone.
fn tokenize(text: &str, lexicon: &Lexicon) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut start: Option<usize> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let push = |from: usize, to: usize, tokens: &mut Vec<Token>| {
        if from < to {
            tokens.push(Token {
                span: [from, to],
                // A typographic apostrophe reads as a straight one ("Lasègue’s"), and a
                // typographic hyphen or dash as a hyphen ("hand–dominant", "pain‐free").
                lower: text[from..to]
                    .to_lowercase()
                    .replace('\u{2019}', "'")
                    .replace(['\u{2010}', '\u{2011}', '\u{2013}'], "-"),
            });
        }
    };
    for (i, &(at, c)) in chars.iter().enumerate() {
        let next = chars.get(i + 1).map(|&(_, c)| c);
        let previous = i.checked_sub(1).and_then(|p| chars.get(p)).map(|&(_, c)| c);
        let decimal = previous.is_some_and(|p| p.is_ascii_digit())
            && next.is_some_and(|n| n.is_ascii_digit());
        // "Pt. reports", "ant. tib.", "approx. 3": the point of an abbreviation ends the
        // word, not the sentence.
        // Only when the text goes on in lower case or with a number: "bilat. R calf" is two
        // sentences, "ant. tib." one word.
        let goes_on = chars[i + 1..]
            .iter()
            .map(|&(_, c)| c)
            .find(|c| !c.is_whitespace())
            .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit());
        let abbreviation = c == '.'
            && (goes_on || start.is_some_and(|from| named_with_points(text, from, at, lexicon)))
            && start.is_some_and(|from| {
                // "70deg. with mild discomfort": a unit written onto its number.
                let word = text[from..at].to_lowercase();
                lexicon.has_point(&word)
                    || lexicon.has_point(word.trim_start_matches(|c: char| c.is_ascii_digit()))
            });
        let full_stop = c == '.' && !decimal && !abbreviation;
        let mark = matches!(
            c,
            ',' | ';'
                | ':'
                | '('
                | ')'
                | '['
                | ']'
                | '\n'
                | '"'
                | '\u{201c}'
                | '\u{201d}'
                | '*'
                | '•'
                | '●'
                | '▪'
        ) || full_stop;
        if abbreviation {
            if let Some(from) = start.take() {
                push(from, at, &mut tokens);
            }
        } else if c.is_whitespace() || mark {
            if let Some(from) = start.take() {
                push(from, at, &mut tokens);
            }
            if mark && !c.is_whitespace() || c == '\n' {
                push(at, at + c.len_utf8(), &mut tokens);
            }
        } else if start.is_none() {
            start = Some(at);
        }
    }
    if let Some(from) = start {
        push(from, text.len(), &mut tokens);
    }
    // "FABER+" and "SLR-" are a test and its result.
    let mut split = Vec::with_capacity(tokens.len());
    for token in tokens {
        // "No deformity, ecchymosis, or swelling -Range of motion: Flexion limited": a dash
        // before a heading within a line begins another item of the list, as a line would;
        // what was said before it (a negation) ends there.
        if token.lower.starts_with('-')
            && let Some(dash) = text[token.span[0]..].chars().next()
            && inline_heading(text, token.span[0], dash.len_utf8())
        {
            let cut = token.span[0] + dash.len_utf8();
            split.push(Token {
                span: [token.span[0], cut],
                lower: ".".to_owned(),
            });
            if cut < token.span[1] {
                split.push(Token {
                    span: [cut, token.span[1]],
                    lower: token.lower[1..].to_owned(),
                });
            }
            continue;
        }
        let last = token.lower.chars().last();
        let body = match last {
            Some('+' | '-') => &token.lower[..token.lower.len() - 1],
            _ => "",
        };
        // "+McMurray", "+Lachman": a result written before its test.
        if let Some(rest) = token.lower.strip_prefix('+')
            && !rest.is_empty()
            && lexicon.expansion(&token.lower).is_none()
            && lexicon
                .meanings(std::slice::from_ref(&token.lower))
                .is_none()
            && rest.chars().all(|c| c.is_alphabetic() || c == '\'')
        {
            let cut = token.span[0] + 1;
            split.push(Token {
                span: [token.span[0], cut],
                lower: "+".to_owned(),
            });
            split.push(Token {
                span: [cut, token.span[1]],
                lower: rest.to_owned(),
            });
            continue;
        }
        if !body.is_empty() && body.chars().all(|c| c.is_alphabetic() || c == '\'') {
            let cut = token.span[1] - 1;
            split.push(Token {
                span: [token.span[0], cut],
                lower: body.to_owned(),
            });
            split.push(Token {
                span: [cut, token.span[1]],
                lower: token.lower[body.len()..].to_owned(),
            });
        } else {
            split.push(token);
        }
    }
    headings_within_a_line(text, split, lexicon)
}

/// "Posture: normal Gait: normal Spasm: around neck": each heading of a line that holds
/// several is an item of its own, as if it began a line; what the one before said (a
/// "normal") ends there. A heading is a capitalised word within four words before a
/// colon (in lower case, a word naming what was examined or found, just before it),
/// after the words of an earlier heading on the same line.
fn headings_within_a_line(text: &str, tokens: Vec<Token>, lexicon: &Lexicon) -> Vec<Token> {
    let is_mark = |token: &Token| token.lower.chars().all(|c| !c.is_alphanumeric());
    let mut starts: Vec<usize> = Vec::new();
    for (colon, token) in tokens.iter().enumerate() {
        if token.lower != ":" {
            continue;
        }
        let words_before = tokens[..colon]
            .iter()
            .rev()
            .take(4)
            .take_while(|t| !is_mark(t))
            .count();
        // "posture: normal gait: normal": in lower case, only a word naming what was
        // examined or found ("gait", "tenderness") is taken for a heading.
        let names_what = |i: usize| {
            lexicon
                .meanings(std::slice::from_ref(&tokens[i].lower))
                .is_some_and(|meanings| {
                    meanings
                        .iter()
                        .any(|m| matches!(m, Word::Kind(_) | Word::Examined(_) | Word::Test { .. }))
                })
        };
        let capitalised = (colon - words_before..colon).rev().find(|&i| {
            text[tokens[i].span[0]..]
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        });
        let lower_case = || {
            colon
                .checked_sub(1)
                .filter(|&word| words_before > 0 && names_what(word))
        };
        let Some(start) = capitalised.or_else(lower_case) else {
            continue;
        };
        // The words of an earlier heading stand between it and the line's start.
        let line = tokens[..start]
            .iter()
            .rev()
            .take_while(|t| !matches!(t.lower.as_str(), "\n" | "." | ";"));
        let mut content = false;
        let mut heading_before = false;
        for (n, earlier) in line.enumerate() {
            // "R knee: no effusion, tenderness: medial joint line": a comma between items
            // is no heading's end either.
            if n == 0 {
                content = !is_mark(earlier) || earlier.lower == ",";
            }
            if earlier.lower == ":" {
                heading_before = true;
                break;
            }
        }
        if content && heading_before {
            starts.push(start);
        }
    }
    let mut out = Vec::with_capacity(tokens.len() + starts.len());
    for (i, token) in tokens.into_iter().enumerate() {
        if starts.contains(&i) {
            out.push(Token {
                span: [token.span[0], token.span[0]],
                lower: ".".to_owned(),
            });
        }
        out.push(token);
    }
    out
}

/// Whether the dash at `at` stands within a line, after other words, before a short
/// capitalised heading and its colon ("... swelling -Range of motion: ...").
fn inline_heading(text: &str, at: usize, dash_len: usize) -> bool {
    let before = &text[..at];
    let line_before = before.rsplit('\n').next().unwrap_or_default();
    let after = &text[at + dash_len..];
    let line_after = after.split('\n').next().unwrap_or_default().trim_start();
    let Some(colon) = line_after.find(':') else {
        return false;
    };
    let heading = &line_after[..colon];
    !line_before.trim().is_empty()
        && before.ends_with(char::is_whitespace)
        && line_after.starts_with(|c: char| c.is_uppercase())
        && !heading.contains(['.', ',', ';'])
        && heading.split_whitespace().count() <= 4
}

/// A value written in one token: "6/10", "4-6/10", "4+/5", "2+", "3/4", "45°", "6cm", "30%",
/// "L4/L5", or a bare number.
/// A value as written, before what it measures and its normal are known.
fn measured(quantity: f64, unit: Unit) -> Measurement {
    Measurement {
        quantity,
        unit,
        of: None,
        normal: None,
    }
}

fn value_of(token: &str, lexicon: &Lexicon) -> Option<Piece> {
    // "47-year-old", "3-month": who and how long, filler to a finding.
    if let Some((number, rest)) = token.split_once('-')
        && number.chars().all(|c| c.is_ascii_digit())
        && !number.is_empty()
        && [
            "year-old", "year", "years", "month", "months", "week", "weeks", "day", "days", "yo",
            "y/o",
        ]
        .contains(&rest)
    {
        return Some(Piece::Word(vec![Word::Filler]));
    }
    if let Some(number) = token.strip_suffix("/10") {
        if let Some((low, high)) = number.split_once('-') {
            let low = Intensity::new(low.parse().ok()?).ok()?;
            let high = Intensity::new(high.parse().ok()?).ok()?;
            return Some(Piece::IntensityRange(low, high));
        }
        return Intensity::new(number.parse().ok()?)
            .ok()
            .map(Piece::Intensity);
    }
    if token.ends_with("/5") {
        return MrcGrade::parse(token).map(Piece::Strength);
    }
    if token.ends_with("/4") {
        return ReflexGrade::parse(token).map(Piece::Reflex);
    }
    if let Some(digit) = token.strip_suffix('+')
        && let Ok(grade) = digit.parse::<u8>()
        && grade <= 5
    {
        return Some(Piece::Plus(grade));
    }
    if let Some((quantity, unit)) = lexicon.joined_measure(token) {
        return Some(Piece::Measure(quantity, unit));
    }
    if token.chars().any(|c| c.is_ascii_digit())
        && token.chars().next().is_some_and(|c| "ctls".contains(c))
        && let Some(level) = SpinalLevel::parse(token)
    {
        return Some(Piece::Level(level));
    }
    token.parse::<f64>().ok().map(Piece::Number)
}

/// A token the lexicon does not know whole, made of words joined by `-` or `/`
/// ("low-back", "R-sided", "restricted/tender"): its words, each with its own span. A
/// value ("T8-10", "4/10") or a known compound ("b/l") stays whole.
fn compound_parts(text: &str, token: &Token, lexicon: &Lexicon) -> Vec<(Span, String)> {
    let whole = vec![(token.span, token.lower.clone())];
    let joined = token.lower.contains(['-', '/']);
    if !joined
        || lexicon
            .meanings(std::slice::from_ref(&token.lower))
            .is_some()
        || value_of(&token.lower, lexicon).is_some()
    {
        return whole;
    }
    // Split as written, so that each part keeps its own span whatever the marks' widths
    // ("hand–dominant" is joined by a three-byte dash).
    let written = &text[token.span[0]..token.span[1]];
    let mark = |c: char| matches!(c, '-' | '/' | '\u{2010}' | '\u{2011}' | '\u{2013}');
    let mut parts = Vec::new();
    let mut start = 0;
    for (at, c) in written
        .char_indices()
        .chain(std::iter::once((written.len(), '-')))
    {
        if mark(c) {
            if at > start {
                let part = &written[start..at];
                if !part.chars().all(char::is_alphabetic) {
                    return whole;
                }
                parts.push((
                    [token.span[0] + start, token.span[0] + at],
                    part.to_lowercase(),
                ));
            }
            start = at + c.len_utf8();
        }
    }
    // "swelling/ bruising": a word with a mark left hanging is the word.
    let hanging = written.ends_with(mark) || written.starts_with(mark);
    if parts.len() < 2 && !(hanging && parts.len() == 1) {
        whole
    } else {
        parts
    }
}

/// What each token or phrase is; tokens nothing names are unread.
fn recognise(text: &str, tokens: &[Token], lexicon: &Lexicon) -> (Vec<Read>, Vec<Unread>) {
    // Abbreviations expanded into words, each word keeping its token's span.
    let mut words: Vec<(Span, String)> = Vec::new();
    for token in tokens {
        match lexicon.expansion(&token.lower) {
            Some(long) => words.extend(long.iter().map(|w| (token.span, w.clone()))),
            // "the left ankle's lateral side": a place in the possessive is the place.
            None if token.lower.ends_with("'s")
                && lexicon
                    .meanings(std::slice::from_ref(&token.lower))
                    .is_none()
                && lexicon
                    .meanings(&[token.lower.trim_end_matches("'s").to_owned()])
                    .is_some() =>
            {
                words.push((token.span, token.lower.trim_end_matches("'s").to_owned()));
            }
            None => words.extend(compound_parts(text, token, lexicon)),
        }
    }
    let mut reads = Vec::new();
    let mut unread = Vec::new();
    let mut at = 0;
    while at < words.len() {
        let (span, word) = &words[at];
        match word.as_str() {
            "," => {
                reads.push(Read {
                    span: *span,
                    piece: Piece::Comma,
                });
                at += 1;
                continue;
            }
            // "Sensation: decreased", "L knee: swelling": a heading and what follows it
            // are read together.
            ":" => {
                at += 1;
                continue;
            }
            "." | ";" | "\n" => {
                reads.push(Read {
                    span: *span,
                    piece: Piece::Stop,
                });
                at += 1;
                continue;
            }
            // Brackets, quotes and the bullets of a list ("*Pt reports", "● R knee").
            "(" | ")" | "[" | "]" | "\"" | "\u{201c}" | "\u{201d}" | "*" | "•" | "●" | "▪" => {
                at += 1;
                continue;
            }
            // "- At rest: 5/10": a dash that begins a line is a bullet.
            "-" | "–"
                if reads
                    .last()
                    .is_none_or(|r: &Read| matches!(r.piece, Piece::Stop))
                    && !text[..span[0]].ends_with('(') =>
            {
                at += 1;
                continue;
            }
            _ => {}
        }
        // "x6 wks": for six weeks.
        if let Some(number) = word.strip_prefix('x')
            && !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit())
            && let Some((next_span, next)) = words.get(at + 1)
            && lexicon.is_period(next)
        {
            reads.push(Read {
                span: [span[0], next_span[1]],
                piece: Piece::Since(format!("{number} {next}")),
            });
            at += 2;
            continue;
        }
        // "(normal 180)", "norm 60°": the normal a measurement is compared with.
        // "(normal: 20°-30°)": a normal range; below its low end is limited.
        let low_of_range = |token: &str| -> Option<f64> {
            let (low, high) = token.split_once('-')?;
            let number = |part: &str| {
                part.trim_end_matches(['°'])
                    .trim_end_matches("deg")
                    .parse::<f64>()
                    .ok()
            };
            number(high)?;
            number(low)
        };
        // "normal: 20°": past the colon.
        let past_colon = if words.get(at + 1).is_some_and(|(_, w)| w == ":") {
            at + 2
        } else {
            at + 1
        };
        if matches!(word.as_str(), "normal" | "norm" | "nl")
            && let Some((next_span, next)) = words.get(past_colon)
            && let Some(normal) = match value_of(next, lexicon) {
                Some(Piece::Number(normal) | Piece::Measure(normal, _)) => Some(normal),
                _ => low_of_range(next),
            }
        {
            // "(normal 60 deg)": the unit after the number is the normal's too.
            let (end, after) = match words.get(past_colon + 1) {
                Some((unit_span, unit)) if lexicon.unit_after_number(unit).is_some() => {
                    (unit_span[1], past_colon + 2)
                }
                _ => (next_span[1], past_colon + 1),
            };
            reads.push(Read {
                span: [span[0], end],
                piece: Piece::Normal(normal),
            });
            at = after;
            continue;
        }
        // "a level 5-6 on a scale of 10", "pain rated 7-8": a range of two scores out of
        // 10, when the words around it say it is scored; "2-3 days" is how long.
        if let Some((low, high)) = word.split_once('-')
            && let (Ok(low), Ok(high)) = (low.parse::<u8>(), high.parse::<u8>())
            && low < high
            && let (Ok(low), Ok(high)) = (Intensity::new(low), Intensity::new(high))
        {
            let next = words.get(at + 1).map(|(_, w)| w.as_str());
            let before = at.checked_sub(1).map(|b| words[b].1.as_str());
            let scored_after = matches!(next, Some("out" | "on" | "/10"));
            let scored_before = matches!(
                before,
                Some(
                    "level"
                        | "rated"
                        | "rates"
                        | "rating"
                        | "vas"
                        | "nprs"
                        | "nrs"
                        | "intensity"
                        | "pain"
                        | "severity"
                )
            );
            let counted = next.is_some_and(|w| lexicon.is_counted(w));
            if (scored_after || scored_before) && !counted {
                reads.push(Read {
                    span: *span,
                    piece: Piece::IntensityRange(low, high),
                });
                at += 1;
                continue;
            }
            // "2-3 weeks": since when, as written.
            if let Some((next_span, next)) = words.get(at + 1)
                && lexicon.is_period(next)
            {
                reads.push(Read {
                    span: [span[0], next_span[1]],
                    piece: Piece::Since(text[span[0]..next_span[1]].to_owned()),
                });
                at += 2;
                continue;
            }
        }
        // "4 - 5/10": a range of scores written with spaces around the dash.
        if let Ok(low) = word.parse::<u8>()
            && words
                .get(at + 1)
                .is_some_and(|(_, dash)| matches!(dash.as_str(), "-" | "–"))
            && let Some((high_span, high)) = words.get(at + 2)
            && let Some(Piece::Intensity(high)) = value_of(high, lexicon)
            && let Ok(low) = Intensity::new(low)
            && low < high
        {
            reads.push(Read {
                span: [span[0], high_span[1]],
                piece: Piece::IntensityRange(low, high),
            });
            at += 3;
            continue;
        }
        // "mid to upper back", "upper to mid back": a stretch of one place named by its two
        // ends, each end a place of its own ("mid" alone names none).
        if words.get(at + 1).is_some_and(|(_, next)| next == "to") {
            let region_of = |phrase: &[String]| {
                lexicon.meanings(phrase).and_then(|meanings| {
                    meanings.iter().find_map(|m| match m {
                        Word::Region(region) => Some(region.clone()),
                        _ => None,
                    })
                })
            };
            let near_end = (2..=3).rev().find_map(|n| {
                let after: Vec<String> = words
                    .get(at + 2..at + 2 + n)?
                    .iter()
                    .map(|(_, w)| w.clone())
                    .collect();
                let far = region_of(&after)?;
                let mut own = vec![word.clone()];
                own.extend(after[1..].iter().cloned());
                let near = region_of(&own)?;
                (near != far).then_some(near)
            });
            if let Some(near) = near_end {
                reads.push(Read {
                    span: *span,
                    piece: Piece::Word(vec![Word::Region(near)]),
                });
                reads.push(Read {
                    span: words[at + 1].0,
                    piece: Piece::Word(vec![Word::Filler]),
                });
                at += 2;
                continue;
            }
        }
        // "Flexion limited by 20 degrees", "lacks 10° of extension", "extension lag of
        // 15°", "10 degrees short of full", "minus 10 degrees": the amount lost, never the
        // range measured. Read as a range limited, with no value the model would take for
        // the range.
        let amount_at = |from: usize| -> Option<usize> {
            let (_, first) = words.get(from)?;
            match value_of(first, lexicon)? {
                Piece::Measure(..) => Some(from + 1),
                Piece::Number(_) => Some(
                    match words
                        .get(from + 1)
                        .and_then(|(_, unit)| lexicon.unit_after_number(unit))
                    {
                        Some(_) => from + 2,
                        None => from + 1,
                    },
                ),
                _ => None,
            }
        };
        // Past the amount: "short of", "shy of", with "full" or "terminal" after it, or
        // "lag", "loss", "deficit" are the words of a loss written after it.
        // "10° short of R", "20 degrees less than L": the other side it is compared with
        // is not the finding's side.
        let a_side = |i: usize| {
            words
                .get(i)
                .and_then(|(_, w)| lexicon.meanings(std::slice::from_ref(w)))
                .is_some_and(|meanings| meanings.iter().any(|m| matches!(m, Word::Side(_))))
        };
        let loss_after = |from: usize| -> Option<usize> {
            let after = |i: usize| words.get(i).map(|(_, w)| w.as_str());
            let compared = |end: usize| match after(end) {
                Some("full" | "terminal" | "normal" | "neutral") => end + 1,
                Some(_) if a_side(end) => end + 1,
                _ => end,
            };
            match after(from)? {
                "lag" | "loss" | "deficit" => Some(from + 1),
                "short" | "shy" if after(from + 1) == Some("of") => Some(compared(from + 2)),
                "less" if after(from + 1) == Some("than") => Some(compared(from + 2)),
                // "15 degrees of extension lacking": the amount only; the words after it
                // are read as they come.
                "of" if (from + 1..from + 4).any(|i| {
                    matches!(after(i), Some("lacking" | "lacks" | "lost" | "missing"))
                }) =>
                {
                    Some(from)
                }
                _ => None,
            }
        };
        let lost_before = matches!(
            word.as_str(),
            "lacks" | "lacking" | "lacked" | "lack" | "lag" | "lags" | "lagging"
        );
        if lost_before || word == "minus" {
            let from = if words.get(at + 1).is_some_and(|(_, w)| w == "of") {
                at + 2
            } else {
                at + 1
            };
            if let Some(end) = amount_at(from) {
                let end = loss_after(end).unwrap_or(end);
                // "lacks 5° of full extension": "full" is the range it falls short of.
                let end = match (
                    words.get(end).map(|(_, w)| w.as_str()),
                    words.get(end + 1).map(|(_, w)| w.as_str()),
                ) {
                    (
                        Some("of" | "from" | "to"),
                        Some("full" | "terminal" | "neutral" | "normal"),
                    ) => end + 2,
                    _ => end,
                };
                let span = [span[0], words[end - 1].0[1]];
                let piece = if lost_before {
                    Piece::Word(vec![Word::Change(Change::Less)])
                } else {
                    // "minus 10 degrees" is written -10 degrees: the sign kept, as
                    // "-10°" keeps it.
                    match (
                        value_of(&words[from].1, lexicon),
                        words
                            .get(from + 1)
                            .and_then(|(_, unit)| lexicon.unit_after_number(unit)),
                    ) {
                        (Some(Piece::Measure(quantity, unit)), _)
                        | (Some(Piece::Number(quantity)), Some(unit)) => {
                            Piece::Measure(-quantity, unit)
                        }
                        _ => Piece::Word(vec![Word::Change(Change::Less)]),
                    }
                };
                reads.push(Read { span, piece });
                at = end;
                continue;
            }
            // "lacks full extension", "lacking terminal extension": the range falls short
            // of the full one; "full" here is no normal finding.
            if lost_before
                && let Some((next_span, _)) = words.get(at + 1).filter(|(_, next)| {
                    matches!(next.as_str(), "full" | "terminal" | "normal" | "neutral")
                })
            {
                reads.push(Read {
                    span: [span[0], next_span[1]],
                    piece: Piece::Word(vec![Word::Change(Change::Less)]),
                });
                at += 2;
                continue;
            }
        }
        // "limited by 20 degrees", "loss of 20°": the word before already says limited;
        // the amount is no range.
        let by_a_loss = at >= 2
            && matches!(words[at - 1].1.as_str(), "by" | "of")
            && matches!(
                words[at - 2].1.as_str(),
                "limited"
                    | "restricted"
                    | "reduced"
                    | "decreased"
                    | "diminished"
                    | "loss"
                    | "deficit"
                    | "lag"
            );
        if let Some(end) = amount_at(at)
            && let Some(end) = if by_a_loss {
                Some(loss_after(end).unwrap_or(end))
            } else {
                loss_after(end)
            }
        {
            reads.push(Read {
                span: [span[0], words[end - 1].0[1]],
                piece: Piece::Word(vec![Word::Change(Change::Less)]),
            });
            at = end;
            continue;
        }
        // The longest phrase the lexicon knows, from here.
        let longest = lexicon.longest().min(words.len() - at);
        let phrase = (1..=longest).rev().find_map(|n| {
            let phrase: Vec<String> = words[at..at + n].iter().map(|(_, w)| w.clone()).collect();
            lexicon
                .meanings(&phrase)
                .map(|meanings| (n, meanings.to_vec()))
        });
        if let Some((n, meanings)) = phrase {
            let span = [words[at].0[0], words[at + n - 1].0[1]];
            // A new clause ("and has", "but") is cut like a comma; "but" also ends a
            // negation's reach, so it is kept as a word too.
            if meanings
                .iter()
                .any(|w| matches!(w, Word::Boundary | Word::Terminator))
            {
                reads.push(Read {
                    span,
                    piece: Piece::Comma,
                });
            }
            reads.push(Read {
                span,
                piece: Piece::Word(meanings),
            });
            at += n;
            continue;
        }
        if let Some(value) = value_of(word, lexicon) {
            // "30 min", "2 hours": how long, as written.
            if let Piece::Number(_) = value
                && let Some((next_span, next)) = words.get(at + 1)
                && lexicon.is_duration(next)
            {
                reads.push(Read {
                    span: [span[0], next_span[1]],
                    piece: Piece::Duration(text[span[0]..next_span[1]].to_owned()),
                });
                at += 2;
                continue;
            }
            // "6 weeks", "2 yrs": since when; "10 lbs", "2 miles": an amount that says
            // nothing of a finding, read as words.
            if let Piece::Number(_) = value
                && let Some((next_span, next)) = words.get(at + 1)
            {
                // "35 year old", "35 y/o", "35 years old": the patient's age, never since
                // when the finding has lasted.
                let age = lexicon.is_period(next)
                    && (matches!(
                        text[next_span[0]..next_span[1]].to_lowercase().as_str(),
                        "y/o" | "yo" | "y.o." | "y.o"
                    ) || words.get(at + 2).is_some_and(|(_, after)| after == "old"));
                let since = lexicon.is_period(next) && !age;
                let amount = lexicon.is_amount(next) || age;
                if since || amount {
                    reads.push(Read {
                        span: [span[0], next_span[1]],
                        piece: if since {
                            Piece::Since(text[span[0]..next_span[1]].to_owned())
                        } else {
                            Piece::Word(vec![Word::Filler])
                        },
                    });
                    at += 2;
                    continue;
                }
            }
            // "at visit 1", "(Figure 2)": which visit or figure, never an intensity.
            if let Piece::Number(_) = value
                && at > 0
                && matches!(
                    words[at - 1].1.as_str(),
                    "visit"
                        | "session"
                        | "figure"
                        | "fig"
                        | "fig."
                        | "table"
                        | "day"
                        | "week"
                        | "phase"
                        | "stage"
                        | "trial"
                        | "treatment"
                        | "tx"
                        | "#"
                )
            {
                reads.push(Read {
                    span: *span,
                    piece: Piece::Word(vec![Word::Filler]),
                });
                at += 1;
                continue;
            }
            // "1 night this wk", "3 episodes": how many times, never an intensity.
            if let Piece::Number(_) = value
                && words.get(at + 1).is_some_and(|(_, next)| {
                    matches!(
                        next.as_str(),
                        "night"
                            | "nights"
                            | "episode"
                            | "episodes"
                            | "occasion"
                            | "occasions"
                            | "attack"
                            | "attacks"
                    )
                })
            {
                reads.push(Read {
                    span: *span,
                    piece: Piece::Word(vec![Word::Filler]),
                });
                at += 1;
                continue;
            }
            // "45 degrees", "6 cm": a number and its unit in two words.
            let unit = words
                .get(at + 1)
                .and_then(|(_, next)| lexicon.unit_after_number(next));
            match (value, unit) {
                (Piece::Number(quantity), Some(unit)) => {
                    reads.push(Read {
                        span: [span[0], words[at + 1].0[1]],
                        piece: Piece::Measure(quantity, unit),
                    });
                    at += 2;
                }
                (value, _) => {
                    reads.push(Read {
                        span: *span,
                        piece: value,
                    });
                    at += 1;
                }
            }
            continue;
        }
        // "SLR (-)", "(-) Spurling": a minus in brackets is a test's negative result, as
        // "(+)" is its positive; a dash anywhere else stays unread.
        if word == "-" && text[..span[0]].ends_with('(') && text[span[1]..].starts_with(')') {
            reads.push(Read {
                span: *span,
                piece: Piece::Word(vec![Word::Negative]),
            });
            at += 1;
            continue;
        }
        // "SLR R + L -", "FABER + L, - R": a minus beside a side, on a line that names a
        // test, is that side's negative result; read as a clause break, the other side
        // would take the first side's result.
        if matches!(word.as_str(), "-" | "–") {
            let names_a_side = |neighbour: Option<&(Span, String)>| {
                neighbour
                    .and_then(|(_, w)| lexicon.meanings(std::slice::from_ref(w)))
                    .is_some_and(|meanings| meanings.iter().any(|m| matches!(m, Word::Side(_))))
            };
            let test_on_line = reads
                .iter()
                .rev()
                .take_while(|r: &&Read| !matches!(r.piece, Piece::Stop))
                .any(|r| {
                    matches!(&r.piece, Piece::Word(meanings)
                        if meanings.iter().any(|m| matches!(m, Word::Test { .. })))
                });
            let beside_a_side = names_a_side(at.checked_sub(1).and_then(|i| words.get(i)))
                || names_a_side(words.get(at + 1));
            if test_on_line && beside_a_side {
                reads.push(Read {
                    span: *span,
                    piece: Piece::Word(vec![Word::Negative]),
                });
                at += 1;
                continue;
            }
        }
        // "L knee pain - worse with stairs": a dash between spaces parts a clause, as a
        // comma does.
        if matches!(word.as_str(), "-" | "–" | "—")
            && text[..span[0]].ends_with(char::is_whitespace)
            && text[span[1]..].starts_with(char::is_whitespace)
        {
            reads.push(Read {
                span: *span,
                piece: Piece::Comma,
            });
            at += 1;
            continue;
        }
        // "after a basketball game": everyday prose that says nothing of a finding.
        if lexicon.is_prose(word) {
            reads.push(Read {
                span: *span,
                piece: Piece::Word(vec![Word::Filler]),
            });
            at += 1;
            continue;
        }
        unread.push(Unread {
            span: *span,
            text: text[span[0]..span[1]].to_owned(),
            why: "not a word the reader knows".into(),
        });
        at += 1;
    }
    (reads, unread)
}

/// The words of `text` from `from` to `to`, lower case, without their punctuation.
/// A place the text named before the sentence being read, and what was found there.
#[derive(Debug, Clone)]
struct Antecedent {
    /// The finding read there; `None` for a place only named.
    kind: Option<KindCode>,
    /// `None` for a finding whose place was asked about.
    region: Option<RegionCode>,
    side: Option<Side>,
    structure: Option<String>,
    present: bool,
    /// Charted, not asked about.
    certain: bool,
    /// A heading of its own ("R knee:"): the place of what is written under it, whatever
    /// the finding.
    heading: bool,
}

/// The places named in the sentences before, in the same paragraph: "Patient reports low
/// back pain. The pain is 6/10" charts the 6/10 at the low back. A place carries to a
/// later finding only when that finding names none, refers back ("the pain", "it", a bare
/// rating or provocation), is of the same kind as the finding there, and the paragraph
/// named that one place and no other; otherwise the place is asked, never guessed. A side
/// goes only with its own place, and a negation never carries.
#[derive(Debug, Default)]
struct Discourse {
    before: Vec<Antecedent>,
    /// Where the last sentence read ended, to see a blank line (a new paragraph).
    end: Option<usize>,
}

/// Words that point back to something said before.
const REFERS_BACK: [&str; 10] = [
    "it", "its", "it's", "this", "these", "they", "symptoms", "symptom", "same", "that",
];
/// Words before a finding's name that make it the one already named ("the pain").
const DEFINITE: [&str; 6] = ["the", "her", "his", "my", "their", "your"];

/// Kinds that name the same complaint in other words ("low back ache ... the pain").
fn complaint_of(kind: &KindCode) -> &str {
    match kind.as_str() {
        "pain" | "ache" | "night_pain" | "burning" => "pain",
        other => other,
    }
}

impl Discourse {
    /// Takes in what a sentence named, once it is read.
    fn take_in(
        &mut self,
        sentence: &[Read],
        reading: &Reading,
        items_before: usize,
        questions_before: usize,
        heading: Option<(RegionCode, Option<Side>)>,
    ) {
        if let Some(last) = sentence.last() {
            self.end = Some(last.span[1]);
        }
        if let Some((region, side)) = heading {
            self.before.push(Antecedent {
                kind: None,
                region: Some(region),
                side,
                structure: None,
                present: true,
                certain: true,
                heading: true,
            });
            return;
        }
        let mut found: Vec<Antecedent> = Vec::new();
        for item in &reading.items[items_before..] {
            let finding = &item.finding;
            if finding.region.is_some() {
                found.push(Antecedent {
                    kind: Some(finding.kind.clone()),
                    region: finding.region.clone(),
                    side: Some(finding.side),
                    structure: finding.detail.structure.clone(),
                    present: finding.presence == Presence::Present,
                    certain: true,
                    heading: false,
                });
            }
        }
        // A finding asked about (its place or side unknown, or in doubt) leaves the
        // paragraph's place in doubt too.
        for question in &reading.questions[questions_before..] {
            let finding = &question.finding;
            found.push(Antecedent {
                kind: Some(finding.kind.clone()),
                region: finding.region.clone(),
                side: None,
                structure: None,
                present: finding.presence == Presence::Present,
                certain: false,
                heading: false,
            });
        }
        // Places named with no finding charted there ("he also hurt his knee") are places
        // the text could mean too.
        for read in sentence {
            let Piece::Word(words) = &read.piece else {
                continue;
            };
            for word in words {
                let region = match word {
                    Word::Region(region) => Some(region),
                    Word::Structure { region, .. } => region.as_ref(),
                    _ => None,
                };
                if let Some(region) = region
                    && !found.iter().any(|a| a.region.as_ref() == Some(region))
                {
                    found.push(Antecedent {
                        kind: None,
                        region: Some(region.clone()),
                        side: None,
                        structure: None,
                        present: true,
                        certain: false,
                        heading: false,
                    });
                }
            }
        }
        self.before.extend(found);
    }

    /// A heading of a place was read in the paragraph.
    fn under_heading(&self) -> bool {
        self.before.iter().any(|a| a.heading)
    }

    /// The paragraph so far named one place (with its side), whatever was found there.
    fn one_place(&self) -> bool {
        self.before.first().is_some_and(|first| {
            first.region.is_some()
                && self
                    .before
                    .iter()
                    .all(|a| a.region == first.region && a.side == first.side)
        })
    }

    /// The one complaint of the paragraph so far, at its one place: what a bare rating
    /// ("It is 6/10") rates.
    fn one_complaint(&self) -> Option<&KindCode> {
        let first = self.before.first()?.kind.as_ref()?;
        (self.one_place()
            && self.before.iter().all(|a| {
                a.certain
                    && a.present
                    && a.kind
                        .as_ref()
                        .is_some_and(|k| complaint_of(k) == complaint_of(first))
            }))
        .then_some(first)
    }

    /// The one place a finding with none of its own refers back to, if there is exactly
    /// one and nothing about it is in doubt.
    fn antecedent(
        &self,
        kinds: &[KindCode],
        side: Option<Side>,
        negated: bool,
    ) -> Option<&Antecedent> {
        let first = self.before.first()?;
        let one_place = self
            .before
            .iter()
            .all(|a| a.region == first.region && a.side == first.side);
        if !one_place || kinds.is_empty() {
            return None;
        }
        // "R knee pain. Swelling noted.": another kind of finding may be elsewhere; under a
        // heading ("R knee:") every finding is at its place.
        let under_heading = self.before.iter().any(|a| a.heading);
        let same_as = |a: &Antecedent| {
            kinds.iter().any(|kind| {
                a.kind
                    .as_ref()
                    .is_some_and(|k| complaint_of(k) == complaint_of(kind))
            })
        };
        // Nothing asked; and a complaint denied there is no place for it ("No LBP. The pain
        // is 6/10."), while under a heading other findings denied say nothing of it.
        let sure = self
            .before
            .iter()
            .all(|a| a.certain && (a.present || under_heading && !same_as(a)));
        let same_complaint = under_heading
            || kinds.iter().all(|kind| {
                self.before.iter().any(|a| {
                    a.kind
                        .as_ref()
                        .is_some_and(|k| complaint_of(k) == complaint_of(kind))
                })
            });
        // A negation is the later finding's own and never carries; but "LBP. No pain at
        // rest." would deny the pain just charted there: only under a heading, with no
        // finding of that kind before it, is a denied finding placed ("R knee:\nNo swelling").
        let denied_elsewhere = negated
            && (!under_heading
                || kinds.iter().any(|kind| {
                    self.before.iter().any(|a| {
                        a.kind
                            .as_ref()
                            .is_some_and(|k| complaint_of(k) == complaint_of(kind))
                    })
                }));
        if denied_elsewhere {
            return None;
        }
        // "L hip pain ... R side 6/10": a side of its own is another place.
        let same_side = side.is_none_or(|side| first.side == Some(side));
        (sure && same_complaint && same_side && first.region.is_some()).then_some(first)
    }
}

/// "R knee:", "Right shoulder exam:" on a line of its own: a heading of one place, with its
/// side if written, for the lines under it.
fn heading_of(text: &str, sentence: &[Read]) -> Option<(RegionCode, Option<Side>)> {
    let last = sentence.last()?;
    let after = text.get(last.span[1]..)?;
    let line_rest = after.split('\n').next().unwrap_or_default().trim();
    // "Right elbow exam: -Observation: ...": a list of headed items may follow on its line.
    let rest_of_list = line_rest.strip_prefix(':').map(str::trim_start);
    if !rest_of_list.is_some_and(|rest| rest.is_empty() || rest.starts_with(['-', '\u{2013}'])) {
        return None;
    }
    let mut region: Option<RegionCode> = None;
    let mut side: Option<Side> = None;
    for read in sentence {
        let Piece::Word(words) = &read.piece else {
            return None;
        };
        match words.first()? {
            Word::Region(place) if region.is_none() => region = Some(place.clone()),
            Word::Side(written) if side.is_none() => side = Some(*written),
            Word::Filler => {}
            _ => return None,
        }
    }
    // Only the whole line read as a place and a side: nothing unread in it ("exam" aside,
    // which is a word of the heading's own).
    let start = sentence.first()?.span[0];
    let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
    let written = text[line_start..last.span[1]].to_lowercase();
    let read_words: usize = sentence.len();
    let words_written = written
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty() && !matches!(*w, "exam" | "examination"))
        .count();
    (words_written <= read_words + 1).then_some(())?;
    region.map(|region| (region, side))
}

/// Whether a sentence's words point back to what was said before: "the pain", "it",
/// "symptoms".
fn refers_back(words: &[String], kind_names: &[String]) -> bool {
    words.iter().any(|w| REFERS_BACK.contains(&w.as_str()))
        || words.windows(2).any(|pair| {
            DEFINITE.contains(&pair[0].as_str()) && kind_names.iter().any(|name| *name == pair[1])
        })
}

fn words_between(text: &str, from: usize, to: usize) -> Vec<String> {
    text.get(from..to)
        .unwrap_or_default()
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | ':' | ';'))
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// One finding being gathered from a sentence.
#[derive(Debug, Default, Clone)]
struct Frame {
    kinds: Vec<KindCode>,
    examined: Vec<KindCode>,
    regions: Vec<RegionCode>,
    reflex_places: Vec<RegionCode>,
    /// Regions of a movement ("cervical rotation"): where the finding is only when the
    /// text names no other place.
    movement_regions: Vec<RegionCode>,
    structures: Vec<(String, Option<RegionCode>, Option<SpinalLevel>)>,
    tests: Vec<(String, Option<RegionCode>)>,
    side: Option<Side>,
    negated: bool,
    result: Option<bool>,
    intensity: Option<Intensity>,
    /// Where the intensity was written, for a second one to be weighed against.
    intensity_span: Option<Span>,
    detail: FindingDetail,
    /// A bare number, an intensity if the frame turns out to have a kind that takes one.
    number: Option<(f64, Span)>,
    /// "+" or "-" with no test to belong to.
    stray: Vec<Span>,
    plus: Option<(u8, Span)>,
    /// Whether the next activity is what provokes (true) or eases (false).
    cue: Option<bool>,
    /// An activity with no cue before it: worse or better?
    uncued: Vec<(Span, super::detail::Activity)>,
    /// How what was examined was found.
    change: Option<Change>,
    /// Where the words of what a test reproduced begin.
    reproduced: Option<usize>,
    /// The normal the measurement is compared with.
    normal: Option<f64>,
    /// Where the measurement was written, for a movement named after it.
    measured_at: Option<Span>,
    /// A negation before the clause may or may not reach it.
    negation_in_doubt: bool,
    /// The places named since the last other word, with where each begins.
    places_just_named: Vec<(RegionCode, usize)>,
    /// "medial", "distal": parts of a region waiting for the region they belong to.
    aspects: Vec<(String, Span)>,
    /// The parts the last region took, for a region coordinated with it ("anterior leg
    /// and thigh").
    aspects_named: Vec<(String, Span)>,
    /// Places named again after the finding ("his right foot and ankle reveals swelling
    /// of his ankle"): the finding's own, out of the places named before it.
    restated: Vec<RegionCode>,
    /// A place first named after the finding.
    placed_after_finding: bool,
    /// After "compared to": the sides and places named are the reference.
    comparing: bool,
    /// Named after "no reproduction of": not said to be present or absent.
    not_reproduced: bool,
    /// The result was written before the test ("positive Tinel's").
    result_led: bool,
    /// Movements taken from the clause before ("R knee flexion 120°, L 135°").
    movements_borrowed: bool,
    /// Both sides and one side written for one finding ("b/l ... L").
    side_in_doubt: bool,
    /// "lower cervical spine": the part of a region the vocabulary has no region for, as
    /// written, for that region's finding only.
    region_sites: Vec<(RegionCode, String)>,
    /// "no sensation", "absent achilles reflex": a negation before the function examined,
    /// with nothing said of how it was found: the function is gone, not the deficit.
    function_denied: bool,
    /// With the function denied: a deficit is named ("no sensory deficit").
    deficit_named: bool,
    /// With the function denied: the examination was not done ("no reflex testing").
    not_examined: bool,
    /// After "particularly" following a place: the parts of that place where it is most.
    emphasis: bool,
    /// The spans of the parts named after "particularly".
    emphasised: Vec<(RegionCode, Span)>,
    /// Places named after "of" ("the fingers of the right hand").
    of_places: Vec<RegionCode>,
    /// A side written just before a place, after other places: that place's alone.
    prefix_side: Option<Side>,
    place_sides: Vec<(RegionCode, Side)>,
    /// "shoulders": a side a place's own words give it, for that place only.
    region_sides: Vec<(RegionCode, Side)>,
    /// "low back and left hip pain": a place named before another side, waiting for the
    /// finding named after it.
    awaits_finding: bool,
    /// "pain does not radiate down the legs": a negation between a finding and its place.
    negation_between: bool,
    /// "pain does not keep her up at night": the "not" denies the time, not the pain.
    night_denied: bool,
    /// A movement named in both directions ("right and left rotation", "to both sides"):
    /// directions, not sides of the body.
    both_directions: bool,
    /// The direction of a movement named last ("left rotation").
    direction: Option<Side>,
    /// A place at the junction of the neck and the back ("cervicothoracic").
    junction: bool,
    /// How many structures were named before the last word naming a finding.
    structures_at_finding: usize,
    /// The places named since the last word naming a finding.
    places_since_finding: Vec<RegionCode>,
    /// Begun by a side other than the finding before's ("R knee pain and L ankle"): with
    /// no finding of its own, it is the same finding at its own place.
    side_split: bool,
    /// Begun after a comma in a list ("denies numbness, tingling, or weakness").
    after_comma: bool,
    /// Named after "history of", "if", "mother", "possible": not today's finding of the
    /// patient, kept in the note unless it is denied ("no history of LBP").
    context: Option<Context>,
    /// How many bare numbers were written: a second ("R knee flexion 120, L 135") says
    /// another side or movement, never one range.
    bare_numbers: usize,
    /// A bare number read as a movement's range in degrees.
    degrees_from_bare: bool,
    /// A bare number after a movement that may be its range or something else: asked.
    degrees_in_doubt: Option<String>,
    /// "Palpation positive": read as tenderness, and asked.
    positive_palpation: bool,
    /// The context is before this complaint ("no previous history of LBP"): denied, it
    /// says nothing of today.
    earlier_only: bool,
    /// A place named to set the scene ("When looking at her thoracic spine movements, ..."),
    /// given to the findings after it: read, and charted with them.
    lent_place: bool,
    /// The last item of a list ("..., or weakness in the legs"): its place is the list's.
    closes_list: bool,
    span: Option<Span>,
}

impl Frame {
    fn widen(&mut self, span: Span) {
        self.span = Some(match self.span {
            Some(s) => [s[0].min(span[0]), s[1].max(span[1])],
            None => span,
        });
    }

    fn has_what(&self) -> bool {
        !self.kinds.is_empty()
            || !self.tests.is_empty()
            || !self.examined.is_empty()
            // A grade says what was examined ("EHL 4/5").
            || self.detail.strength.is_some()
            || self.detail.reflex.is_some()
            // "biceps reflex 1+": a reflex's place graded.
            || self.plus.is_some() && !self.reflex_places.is_empty()
            // A movement with its measure: "L 135°" after "R knee flexion 120°".
            || self.detail.measurement.is_some() && self.uncued.iter().any(|(_, a)| a.is_movement())
            // A place scored out of 10: "SI 6/10" is the pain there.
            || self.intensity.is_some() && !self.regions.is_empty()
    }

    fn has_where(&self) -> bool {
        !self.regions.is_empty() || !self.structures.is_empty()
    }

    fn is_empty(&self) -> bool {
        !self.has_what() && !self.has_where() && self.span.is_none()
    }
}

#[allow(clippy::too_many_arguments)]
fn compose(
    text: &str,
    sentence: &[Read],
    // Where the stops around the sentence end and begin: a heading within a line
    // ("... Gait: normal Spasm: ...") is a stop that no mark of the text shows.
    stops: Span,
    line_side: Option<Side>,
    vocabulary: &Vocabulary,
    lexicon: &Lexicon,
    discourse: &Discourse,
    reading: &mut Reading,
    unread: &mut Vec<Unread>,
) {
    let first_of_sentence = reading.items.len();
    let first_question = reading.questions.len();
    let mut frames: Vec<Frame> = Vec::new();
    let mut frame = Frame::default();
    // The sentence from its first word read to its last, and the words around them.
    let sentence_span = match (sentence.first(), sentence.last()) {
        (Some(first), Some(last)) => [
            text[..first.span[0]]
                .rfind(['.', ';', '\n'])
                .map_or(0, |at| at + 1)
                .max(stops[0].min(first.span[0])),
            text[last.span[1]..]
                .find(['.', ';', '\n'])
                .map_or(text.len(), |at| last.span[1] + at)
                .min(stops[1].max(last.span[1])),
        ],
        _ => [0, 0],
    };
    // A negation reaches the findings named within a few words of it (NegEx's window),
    // and never past a terminator ("but") or the sentence's end.
    let mut negating = 0usize;
    // A negation that reaches the whole sentence ("denies").
    let mut sentence_wide = false;
    // A negation whose reach was asked about: the findings after it are asked too.
    let mut doubting = false;
    // A context cue ("history of", "if", "mother") whose reach the words are in.
    let mut context: Option<Context> = None;
    // The context is the time before this complaint ("previous history of").
    let mut earlier_only = false;
    // Which comma-separated parts name a finding of their own.
    let parts: Vec<&[Read]> = sentence
        .split(|r| matches!(r.piece, Piece::Comma))
        .collect();
    for (p, part) in parts.iter().enumerate() {
        let names_a_finding = part.iter().any(|r| match &r.piece {
            Piece::Word(meanings) => meanings
                .iter()
                .any(|w| matches!(w, Word::Kind(_) | Word::Test { .. } | Word::Examined(_))),
            _ => false,
        });
        // "the left Achilles had a defect, while the right was intact": a clause with a
        // place or side of its own and a word of how it was found, but no finding named,
        // says the same finding of that place.
        let says_of_another_place = part.iter().any(|r| match &r.piece {
            Piece::Word(words) => words
                .iter()
                .any(|w| matches!(w, Word::Side(_) | Word::Region(_))),
            _ => false,
        }) && part.iter().any(|r| match &r.piece {
            Piece::Word(words) => words
                .iter()
                .any(|w| matches!(w, Word::NegateBefore | Word::Negative | Word::Change(_))),
            // "Achilles reflex 1+ L, 2+ R": a grade or a value of its own.
            Piece::Plus(_)
            | Piece::Reflex(_)
            | Piece::Strength(_)
            | Piece::Intensity(_)
            | Piece::IntensityRange(..)
            | Piece::Measure(..) => true,
            _ => false,
        });
        // "pain 3/10, worse if standing": "if" and "possible" reach their clause only.
        if context.is_some_and(Context::ends_at_comma) {
            context = None;
        }
        // "but", "except": the negation before ends here.
        if part.first().is_some_and(|r| match &r.piece {
            Piece::Word(words) => words.contains(&Word::Terminator),
            _ => false,
        }) {
            negating = 0;
            sentence_wide = false;
            doubting = false;
        }
        // "..., or weakness in the legs": the last item of a list, which shares its place
        // and the list's negation.
        let coordinator = |r: &Read| {
            matches!(
                text[r.span[0]..r.span[1]].to_lowercase().as_str(),
                "or" | "and" | "nor"
            )
        };
        let place_at = part.iter().position(|r| match &r.piece {
            Piece::Word(words) => words.iter().any(|w| matches!(w, Word::Region(_))),
            _ => false,
        });
        // "pain, numbness and tingling in the R foot": the list ends in the part where two
        // findings are joined before the place.
        let closes_list = p > 0
            && (part.first().is_some_and(coordinator)
                || place_at.is_some_and(|at| part[..at].iter().any(coordinator)));
        // "it was in the mid back, going down to the left knee, with some paresthesias in
        // the feet": places with no finding yet do not go to a finding that names its own.
        let own_place = part.iter().any(|r| match &r.piece {
            Piece::Word(words) => words.iter().any(|w| matches!(w, Word::Region(_))),
            _ => false,
        });
        if p > 0 && names_a_finding && (frame.has_what() || frame.has_where() && own_place) {
            // "L buttock, calf and foot pain": places listed before the finding that ends
            // the list are its places too, on the side the list began with.
            let kind_last = {
                let kind_at = part.iter().position(|r| match &r.piece {
                    Piece::Word(words) => words.iter().any(|w| matches!(w, Word::Kind(_))),
                    _ => false,
                });
                kind_at.is_some_and(|k| place_at.is_some_and(|place| place < k))
            };
            let listed_places = !frame.has_what() && kind_last;
            let list_side = if listed_places { frame.side } else { None };
            if listed_places {
                frame.awaits_finding = true;
            }
            frames.push(std::mem::take(&mut frame));
            frame.after_comma = true;
            frame.closes_list = closes_list;
            let own_side = part.iter().any(|r| match &r.piece {
                Piece::Word(words) => words.iter().any(|w| matches!(w, Word::Side(_))),
                _ => false,
            });
            if !own_side {
                frame.side = list_side;
            }
            // "no tenderness L SI, TTP R SI" or "denies pain, numbness R foot": whether
            // the "no" reaches past the comma cannot be told; it is asked, not guessed.
            // A list with no side or place of its own ("denies tingling, numbness or
            // weakness") goes on being denied.
            let own_side_or_place = part.iter().any(|r| match &r.piece {
                Piece::Word(words) => words
                    .iter()
                    .any(|w| matches!(w, Word::Side(_) | Word::Region(_) | Word::Structure { .. })),
                _ => false,
            });
            if negating > 0 && own_side_or_place && !closes_list && !sentence_wide {
                frame.negation_in_doubt = true;
                negating = 0;
                // What follows in the sentence is in the same doubt: never read present.
                doubting = true;
            } else if negating > 0 && !sentence_wide {
                negating = NEGATION_WINDOW + 1;
            }
        } else if p > 0
            && !names_a_finding
            && says_of_another_place
            // "R knee flexion 120°, L 135°": a measured movement is a finding too.
            && frame.has_what()
        {
            let movements: Vec<(Span, super::detail::Activity)> = frame.uncued.clone();
            // "biceps reflex 1+ L, wrist ext 4/5 L": a grade of another sort than the one
            // before says another thing was examined (a strength, not a reflex).
            let grades_of = |reflex: bool, strength: bool| (reflex, strength);
            let before = grades_of(
                frame.detail.reflex.is_some() || frame.plus.is_some(),
                frame.detail.strength.is_some(),
            );
            let own = grades_of(
                part.iter()
                    .any(|r| matches!(r.piece, Piece::Reflex(_) | Piece::Plus(_))),
                part.iter().any(|r| matches!(r.piece, Piece::Strength(_))),
            );
            let another_sort = before.0 && own.1 && !own.0 || before.1 && own.0 && !own.1;
            let (kinds, examined) = if another_sort {
                (Vec::new(), Vec::new())
            } else {
                (frame.kinds.clone(), frame.examined.clone())
            };
            let tests = frame.tests.clone();
            // "1+ L, 2+ R": the same place too, unless the clause names its own.
            let names_a_place = part.iter().any(|r| match &r.piece {
                Piece::Word(words) => words
                    .iter()
                    .any(|w| matches!(w, Word::Region(_) | Word::Structure { .. })),
                _ => false,
            });
            let places = (!names_a_place).then(|| {
                (
                    frame.regions.clone(),
                    frame.reflex_places.clone(),
                    frame.structures.clone(),
                    frame.movement_regions.clone(),
                )
            });
            frames.push(std::mem::take(&mut frame));
            if kinds.is_empty() && examined.is_empty() {
                frame.uncued = movements;
                frame.movements_borrowed = true;
            }
            frame.kinds = kinds;
            frame.examined = examined;
            // "SLR + L, neg R": the same test on the other side.
            frame.tests = tests;
            if let Some((regions, reflex_places, structures, movement_regions)) = places {
                frame.regions = regions;
                frame.reflex_places = reflex_places;
                frame.structures = structures;
                frame.movement_regions = movement_regions;
            }
        } else if p > 0
            && !names_a_finding
            && !says_of_another_place
            && frame.detail.measurement.is_some()
            && frame.uncued.iter().any(|(_, a)| a.is_movement())
            && part.iter().any(|r| matches!(r.piece, Piece::Measure(..)))
            && part.iter().any(|r| match &r.piece {
                Piece::Word(words) => words
                    .iter()
                    .any(|w| matches!(w, Word::Activity(a) if a.is_movement())),
                _ => false,
            })
        {
            // "R shoulder flexion 120°, abduction 90°": another movement measured at the
            // same place and side, a finding of its own.
            // The side of the line, unless the clause names its own ("L rotation 70").
            let own_side = part.iter().any(|r| match &r.piece {
                Piece::Word(words) => words.iter().any(|w| matches!(w, Word::Side(_))),
                _ => false,
            });
            let side = frame.side.filter(|_| !own_side);
            let places = (
                frame.regions.clone(),
                frame.structures.clone(),
                frame.movement_regions.clone(),
            );
            frames.push(std::mem::take(&mut frame));
            frame.side = side;
            (frame.regions, frame.structures, frame.movement_regions) = places;
        }
        // A comparison reaches the end of its clause.
        frame.comparing = false;
        for (r, read) in part.iter().enumerate() {
            if doubting {
                frame.negation_in_doubt = true;
            }
            let direction = is_direction(part, r);
            // A value or a mark between two places: the second is not coordinated with the first.
            if !matches!(read.piece, Piece::Word(_)) {
                frame.aspects_named.clear();
            }
            match &read.piece {
                Piece::Word(meanings) => {
                    let Some(word) = choose(meanings, &frame, sentence) else {
                        continue;
                    };
                    if frame.comparing
                        && matches!(
                            word,
                            Word::Side(_)
                                | Word::Region(_)
                                | Word::Structure { .. }
                                | Word::Aspect(_)
                        )
                    {
                        frame.widen(read.span);
                        continue;
                    }
                    if !matches!(
                        word,
                        Word::Region(_)
                            | Word::Side(_)
                            | Word::Filler
                            | Word::Kind(_)
                            | Word::Aspect(_)
                    ) {
                        frame.places_just_named.clear();
                    }
                    if !matches!(word, Word::Region(_) | Word::Side(_) | Word::Filler) {
                        frame.aspects_named.clear();
                    }
                    // A part belongs to the region right after it ("medial aspect of the
                    // R knee"); any other word between them ("upper extremity along his
                    // posterior neck") leaves the part unread rather than on the wrong place.
                    let written = text[read.span[0]..read.span[1]].to_lowercase();
                    let between_part_and_place = match word {
                        Word::Side(_)
                        | Word::Aspect(_)
                        | Word::Region(_)
                        | Word::Structure { .. } => true,
                        Word::Filler => PART_OF.contains(&written.as_str()),
                        _ => false,
                    };
                    if !between_part_and_place {
                        for (_, span) in std::mem::take(&mut frame.aspects) {
                            unread.push(Unread {
                                span,
                                text: text[span[0]..span[1]].to_owned(),
                                why: "a part of no place named (medial of what?)".into(),
                            });
                        }
                    }
                    // "cervicothoracic", "cervical-thoracic": the junction of the neck and the
                    // upper back, which the record keeps as two regions; where it is is asked.
                    if matches!(word, Word::Region(_)) && names_a_junction(text, read.span) {
                        frame.junction = true;
                    }
                    match word {
                        // "FABER + L (SI pain)", "SLR + R reproducing calf pain": after a
                        // test, a symptom in the same clause is what the test reproduced.
                        Word::Kind(_) if !frame.tests.is_empty() && frame.reproduced.is_none() => {
                            // The places named just before the symptom are the symptom's
                            // ("SLR + R reproducing calf pain"), not the test's.
                            let mut from = read.span[0];
                            for (region, start) in std::mem::take(&mut frame.places_just_named) {
                                frame.regions.retain(|r| *r != region);
                                from = from.min(start);
                            }
                            // "R SLR reproducing L leg pain": a side written just before the
                            // symptom's places is the symptom's, never the test's.
                            let side_word = |x: &Read| match &x.piece {
                                Piece::Word(words) => words.iter().find_map(|w| match w {
                                    Word::Side(side) => Some(*side),
                                    _ => None,
                                }),
                                _ => None,
                            };
                            // ("FABER + L (SI pain)": after the result, the side is the test's.)
                            let filler = |x: &Read| {
                                matches!(&x.piece, Piece::Word(words) if words.iter().all(|w| *w == Word::Filler))
                            };
                            if let Some(at) = part.iter().position(|x| x.span[0] == from)
                                && at > 1
                                && side_word(&part[at - 1]).is_some()
                                && filler(&part[at - 2])
                            {
                                from = part[at - 1].span[0];
                                let mut side: Option<Side> = None;
                                for earlier in part[..at - 1].iter().filter_map(side_word) {
                                    side = Some(match side {
                                        Some(other) if other != earlier => Side::Bilateral,
                                        _ => earlier,
                                    });
                                }
                                frame.side = side;
                            }
                            frame.reproduced = Some(from);
                        }
                        Word::Kind(_) if frame.reproduced.is_some() => {}
                        Word::Kind(kind) => {
                            // A second kind after a place: a new finding, unless coordinated.
                            if frame.has_what() && frame.has_where() && !frame.kinds.contains(&kind)
                            {
                                // "tightness around her head and her neck ache": the places
                                // named since the last finding word are the new finding's,
                                // when the finding before keeps a place of its own.
                                let named = std::mem::take(&mut frame.places_since_finding);
                                // "shortness of breath and posterior thoracic pain": a finding
                                // with no place of its own leaves the places to the next.
                                let placeless = !frame.kinds.is_empty()
                                    && frame.kinds.iter().all(|k| {
                                        vocabulary
                                            .kind(k)
                                            .is_some_and(|k| k.region == RegionPresence::None)
                                    });
                                // Structures named since the finding go with the places
                                // ("TTP R soleus and gastroc tightness").
                                let from = frame.structures_at_finding.min(frame.structures.len());
                                let keeps_a_structure = from > 0 && from < frame.structures.len();
                                let keeps_a_place = placeless
                                    || keeps_a_structure
                                    || frame.regions.iter().any(|r| !named.contains(r));
                                let structures = if keeps_a_place {
                                    frame.structures.split_off(from)
                                } else {
                                    Vec::new()
                                };
                                if keeps_a_place && !named.is_empty() {
                                    let kept: Vec<RegionCode> = frame
                                        .structures
                                        .iter()
                                        .filter_map(|(_, region, _)| region.clone())
                                        .collect();
                                    frame
                                        .regions
                                        .retain(|r| !named.contains(r) || kept.contains(r));
                                }
                                let sites: Vec<(RegionCode, String)> = frame
                                    .region_sites
                                    .iter()
                                    .filter(|(region, _)| keeps_a_place && named.contains(region))
                                    .cloned()
                                    .collect();
                                frames.push(std::mem::take(&mut frame));
                                if keeps_a_place {
                                    frame.regions = named;
                                    frame.structures = structures;
                                    frame.region_sites = sites;
                                }
                            }
                            if !frame.kinds.contains(&kind) {
                                frame.kinds.push(kind);
                            }
                            frame.places_since_finding.clear();
                            frame.structures_at_finding = frame.structures.len();
                            frame.negated |= negating > 0;
                        }
                        Word::Examined(kind) => {
                            // "No tenderness ... biceps tendon and MMT of left biceps is
                            // strong": a function examined after a finding and its place, joined
                            // by "and", is another finding; the places after it are its own,
                            // never the finding's before.
                            let joined = r > 0
                                && text[part[r - 1].span[0]..part[r - 1].span[1]]
                                    .eq_ignore_ascii_case("and");
                            if joined
                                && !frame.kinds.is_empty()
                                && frame.has_where()
                                && frame.tests.is_empty()
                                && !frame.kinds.contains(&kind)
                                && !frame.examined.contains(&kind)
                            {
                                frames.push(std::mem::take(&mut frame));
                            }
                            frame.places_since_finding.clear();
                            frame.structures_at_finding = frame.structures.len();
                            frame.examined.push(kind);
                            // "bowel and bladder": one phrase, each function it names examined.
                            for other in meanings {
                                if let Word::Examined(other) = other
                                    && !frame.examined.contains(other)
                                {
                                    frame.examined.push(other.clone());
                                }
                            }
                            if frame.change.is_none()
                                && frame.kinds.is_empty()
                                && denies_the_function(text, part, r, lexicon)
                            {
                                frame.function_denied = true;
                            }
                            frame.negated |= negating > 0;
                        }
                        // "cervical (left) rotation": the region of a movement, not where
                        // the finding is.
                        Word::Region(_) if frame.reproduced.is_some() => {}
                        // "in his right hand, particularly the thumb": where in the hand.
                        Word::Region(region)
                            if frame.emphasis
                                && frame
                                    .regions
                                    .iter()
                                    .any(|whole| *whole != region && vocabulary.region_within(&region, whole)) =>
                        {
                            frame.emphasised.push((region, read.span));
                        }
                        Word::Region(region) if moves_next(part, r) => {
                            frame.movement_regions.push(region);
                        }
                        // "moving her head and neck aggravated her pain": the part moved, not
                        // yet the place of a finding.
                        Word::Region(region) if !frame.has_what() && is_moved(part, r) => {
                            frame.movement_regions.push(region);
                        }
                        // "ache in the lower neck, severe when he bends his head": the part
                        // that moves, not another place of the finding.
                        Word::Region(region)
                            if frame.has_what()
                                && frame.has_where()
                                && frame.cue.is_some()
                                && follows_movement(part, r, false) =>
                        {
                            frame.movement_regions.push(region);
                        }
                        Word::Region(region) => {
                            let mut aspects = std::mem::take(&mut frame.aspects);
                            if aspects.is_empty() {
                                aspects = frame.aspects_named.clone();
                            }
                            frame.aspects_named = aspects.clone();
                            let prefixed = frame.prefix_side.is_some();
                            for place in with_aspects(
                                text,
                                &region,
                                &text[read.span[0]..read.span[1]],
                                &aspects,
                                &mut frame.region_sites,
                                vocabulary,
                            ) {
                                if let Some(side) = frame.prefix_side {
                                    frame.place_sides.push((place.clone(), side));
                                }
                                // "... of the right hand": a place that says where.
                                let of_before = part[r.saturating_sub(3)..r].iter().any(|earlier| {
                                    text[earlier.span[0]..earlier.span[1]].eq_ignore_ascii_case("of")
                                });
                                if of_before {
                                    frame.of_places.push(place.clone());
                                }
                                frame.places_just_named.push((place.clone(), read.span[0]));
                                frame.places_since_finding.push(place.clone());
                                if frame.has_what() {
                                    if frame.regions.contains(&place) {
                                        frame.restated.push(place.clone());
                                    } else {
                                        frame.placed_after_finding = true;
                                    }
                                }
                                if !frame.regions.contains(&place) {
                                    frame.regions.push(place);
                                }
                            }
                            if prefixed {
                                frame.prefix_side = None;
                            }
                            for meaning in meanings {
                                match meaning {
                                    Word::Examined(kind) => {
                                        frame.examined.push(kind.clone());
                                        if frame.change.is_none()
                                            && frame.kinds.is_empty()
                                            && denies_the_function(text, part, r, lexicon)
                                        {
                                            frame.function_denied = true;
                                        }
                                        frame.negated |= negating > 0;
                                    }
                                    // "soleus" is a place on the body chart and a muscle.
                                    Word::Structure {
                                        name,
                                        region,
                                        myotome,
                                    } => frame.structures.push((
                                        name.clone(),
                                        region.clone(),
                                        myotome.clone(),
                                    )),
                                    // "legs", "both calves": a place named in the plural is
                                    // on both sides unless a side is written.
                                    Word::Side(side) => {
                                        frame.region_sides.push((region.clone(), *side));
                                    }
                                    _ => {}
                                }
                            }
                        }
                        Word::ReflexPlace(region) => frame.reflex_places.push(region),
                        Word::Structure {
                            name,
                            region,
                            myotome,
                        } => {
                            // "distal achilles": the part of a structure is the finding's site.
                            for (_, span) in std::mem::take(&mut frame.aspects) {
                                let written = text[span[0]..span[1]].to_lowercase();
                                frame.detail.site = Some(match frame.detail.site.take() {
                                    Some(site) => format!("{site}, {written}"),
                                    None => written,
                                });
                            }
                            frame.structures.push((name, region, myotome));
                        }
                        Word::Test { name, region } => {
                            if !frame.tests.is_empty() || (frame.has_what() && frame.has_where()) {
                                let stray = std::mem::take(&mut frame.stray);
                                // "a positive Tinel's sign and Phalen's test": the result
                                // written before the first test is the second's too.
                                let joined = frame.span.is_some_and(|span| {
                                    let between = text[span[1].min(read.span[0])..read.span[0]]
                                        .trim()
                                        .to_lowercase();
                                    let last = text[span[0]..span[1]].trim_end().to_lowercase();
                                    between == "and" || last.ends_with(" and")
                                });
                                let shared = (frame.result_led && joined)
                                    .then_some(frame.result)
                                    .flatten();
                                frames.push(std::mem::take(&mut frame));
                                frame.stray = stray;
                                if shared.is_some() {
                                    frame.result = shared;
                                    frame.result_led = true;
                                }
                            }
                            // "+McMurray": the "+" just before the test is its result.
                            if let Some(at) = frame
                                .stray
                                .iter()
                                .position(|s| {
                                    // "(+) Kemp": the brackets around the mark too.
                                    text[s[1]..read.span[0]]
                                        .trim_matches(|c: char| c.is_whitespace() || c == '(' || c == ')')
                                        .is_empty()
                                })
                            {
                                frame.stray.remove(at);
                                frame.result = Some(true);
                                frame.result_led = true;
                            }
                            frame.tests.push((name, region));
                        }
                        // "left rotation", "bends to the right": a direction of movement,
                        // not the side of a finding.
                        Word::Side(side) if direction => {
                            if frame.direction.is_some_and(|other| other != side)
                                || side == Side::Bilateral
                            {
                                frame.both_directions = true;
                            }
                            frame.direction = Some(side);
                        }
                        // "both lateral and medial joint line": both parts, not both sides.
                        Word::Side(Side::Bilateral)
                            if written == "both"
                                && part.get(r + 1).is_some_and(|next| {
                                    matches!(&next.piece, Piece::Word(words) if words.iter().any(|w| matches!(w, Word::Aspect(_))))
                                }) => {}
                        // "pain in his neck that radiated down the left UE": a side written
                        // just before a place, after other places, is that place's alone.
                        Word::Side(side)
                            if frame.side.is_none()
                                && !frame.regions.is_empty()
                                && part.get(r + 1).is_some_and(|next| {
                                    matches!(&next.piece, Piece::Word(words) if words.iter().any(|w| matches!(w, Word::Region(_) | Word::Aspect(_))))
                                }) =>
                        {
                            frame.prefix_side = Some(side);
                        }
                        // "R knee pain and L ankle swelling": another side after a whole
                        // finding begins the next one, never makes the first bilateral.
                        Word::Side(side)
                            if frame.side.is_some_and(|other| other != side)
                                && frame.has_what()
                                && frame.has_where()
                                && !other_side_graded(&frame, side, &part[r + 1..]) =>
                        {
                            frames.push(std::mem::take(&mut frame));
                            frame.side = Some(side);
                            frame.side_split = true;
                        }
                        // "low back and left hip pain": a side after "and" belongs to the
                        // place after it, not to the places before.
                        Word::Side(side)
                            if frame.side.is_none()
                                && frame.has_where()
                                && !frame.has_what()
                                && r > 0
                                && text[part[r - 1].span[0]..part[r - 1].span[1]]
                                    .eq_ignore_ascii_case("and") =>
                        {
                            frame.awaits_finding = true;
                            frames.push(std::mem::take(&mut frame));
                            frame.side = Some(side);
                        }
                        // "SLR positive on the R with pain into the L leg": the side of the
                        // place a test reproduced pain in is that pain's, not the test's.
                        Word::Side(_)
                            if frame.reproduced.is_some()
                                && !frame.tests.is_empty()
                                && part[r + 1..].iter().take(2).any(|next| {
                                    matches!(&next.piece, Piece::Word(words) if words.iter().any(|w| matches!(w, Word::Region(_))))
                                }) => {}
                        // "Cx rotation R 60° L 70°", "ankle jerk R 2+ L 1+": after one side's
                        // value, the other side with a value of its own is the same finding
                        // measured there, not both sides of one value.
                        Word::Side(side)
                            if frame.side.is_some_and(|other| {
                                other != side
                                    && other != Side::Bilateral
                                    && side != Side::Bilateral
                            }) && (frame.detail.measurement.is_some()
                                || frame.detail.strength.is_some()
                                || frame.detail.reflex.is_some()
                                || frame.plus.is_some()
                                || frame.intensity.is_some()
                                || frame.result.is_some() && !frame.tests.is_empty())
                                && part[r + 1..].iter().take(2).any(|next| match &next.piece {
                                    Piece::Measure(..)
                                    | Piece::Strength(_)
                                    | Piece::Reflex(_)
                                    | Piece::Plus(_)
                                    | Piece::Intensity(_) => true,
                                    // "SLR R + L -": the other side's own result.
                                    Piece::Word(words) => {
                                        !frame.tests.is_empty()
                                            && words
                                                .iter()
                                                .any(|w| matches!(w, Word::Positive | Word::Negative))
                                    }
                                    _ => false,
                                }) =>
                        {
                            let mut other_side = frame.clone();
                            let frame_strength = frame.detail.strength.is_some();
                            let frame_reflex = frame.detail.reflex.is_some()
                                || !frame.reflex_places.is_empty() && frame.plus.is_some();
                            frames.push(std::mem::take(&mut frame));
                            other_side.side = Some(side);
                            other_side.detail.measurement = None;
                            other_side.detail.strength = None;
                            other_side.detail.reflex = None;
                            other_side.plus = None;
                            other_side.result = None;
                            other_side.intensity = None;
                            other_side.intensity_span = None;
                            other_side.normal = None;
                            other_side.span = Some(read.span);
                            other_side.side_split = false;
                            // "ankle jerk R 2+ L 1+": the grade said what was examined.
                            if other_side.kinds.is_empty() && other_side.examined.is_empty() {
                                if frame_strength {
                                    other_side.examined.push(KindCode::new("weakness"));
                                } else if frame_reflex {
                                    other_side.examined.push(KindCode::new("reflex_decreased"));
                                }
                            }
                            frame = other_side;
                        }
                        Word::Side(side) => {
                            // "R and L": both sides. "b/l ... L": which one is meant is asked.
                            if frame.side.is_some_and(|other| {
                                other != side
                                    && (other == Side::Bilateral || side == Side::Bilateral)
                            }) {
                                frame.side_in_doubt = true;
                            }
                            frame.side = Some(match frame.side {
                                Some(other) if other != side => Side::Bilateral,
                                _ => side,
                            });
                        }
                        // "non pitting edema", "non-mechanical pain": "non" is the prefix of
                        // the word after it; a word the reader passes over takes the
                        // negation, not the finding after it.
                        Word::NegateAfter
                            if written == "non"
                                && part.get(r + 1).is_none_or(|next| {
                                    matches!(&next.piece, Piece::Word(words) if words.iter().all(|w| *w == Word::Filler))
                                        || !words_between(text, read.span[1], next.span[0])
                                            .is_empty()
                                }) => {}
                        Word::NegateAfter => {
                            // "pain does not radiate down the legs": the pain is there, not
                            // in the legs; which the "not" denies is asked.
                            if frame.has_what() && !frame.has_where() && !frame.negated {
                                frame.negation_between = true;
                            }
                            negating = NEGATION_WINDOW + 1;
                            if frame.has_what() && frame.has_where() {
                                frames.push(std::mem::take(&mut frame));
                            }
                        }
                        // "reflex absent" is a reflex lost, not a deficit denied: after a
                        // function examined (reflex, sensation, strength), a word of absence
                        // says the function is gone.
                        Word::NegateBefore
                            if frame.kinds.is_empty()
                                && !frame.examined.is_empty()
                                && ABSENCE.contains(
                                    &text[read.span[0]..read.span[1]].to_lowercase().as_str(),
                                ) =>
                        {
                            frame.change = Some(Change::Less);
                            if frame
                                .examined
                                .iter()
                                .any(|k| k.as_str() == "reflex_decreased")
                            {
                                frame.detail.reflex = ReflexGrade::parse("0");
                            }
                        }
                        Word::NegateBefore => frame.negated = true,
                        Word::Terminator => {
                            negating = 0;
                            sentence_wide = false;
                            doubting = false;
                            context = None;
                        }
                        // "denies fever, weight loss, leg weakness or numbness": every
                        // finding after it in the sentence is denied.
                        Word::NegateSentence => {
                            negating = usize::MAX;
                            sentence_wide = true;
                            if frame.has_what() && frame.has_where() {
                                frames.push(std::mem::take(&mut frame));
                            }
                        }
                        Word::Positive => {
                            let tenderness = KindCode::new("tenderness");
                            if frame.tests.is_empty()
                                && frame.kinds.is_empty()
                                && frame.examined.contains(&tenderness)
                            {
                                // "Palpation: positive in the right buttock": most likely
                                // tender, but asked (a spasm? a trigger point?).
                                frame.kinds.push(tenderness);
                                frame.positive_palpation = true;
                            } else if frame.tests.is_empty() {
                                frame.stray.push(read.span);
                            } else {
                                frame.result = Some(true);
                            }
                        }
                        Word::Negative => {
                            if frame.tests.is_empty() {
                                frame.negated = true;
                            } else {
                                frame.result = Some(false);
                            }
                        }
                        Word::Severity(value) => frame.detail.severity = Some(value),
                        Word::Frequency(value) => {
                            // "pain does not keep her up at night": a "not" between the pain
                            // and the time denies the night pain, not the pain.
                            if value == super::detail::Frequency::AtNight
                                && frame.negation_between
                                && negating > 0
                            {
                                frame.night_denied = true;
                            }
                            // "back pain does not keep her up at night": the "not" after a
                            // finding and its place denies the time; it is not the pain's.
                            let denied = negating > 0
                                && !sentence_wide
                                && !frame.has_what()
                                && frames.last().is_some_and(|before| before.has_what());
                            if denied {
                                unread.push(Unread {
                                    span: read.span,
                                    text: text[read.span[0]..read.span[1]].to_owned(),
                                    why: "a time that is denied (charted by hand)".into(),
                                });
                            } else {
                                frame.detail.frequency = Some(value);
                            }
                        }
                        // "no injury", "without trauma": no mechanism, an insidious onset;
                        // the negation was spent on the injury, not on a finding after it.
                        Word::Onset(super::detail::Onset::AfterTrauma)
                            if negating > 0 && !sentence_wide =>
                        {
                            frame.detail.onset = Some(super::detail::Onset::Insidious);
                            negating = 0;
                        }
                        Word::Onset(value) => frame.detail.onset = Some(value),
                        Word::Course(value) => frame.detail.course = Some(value),
                        Word::Quality(value) => frame.detail.quality = Some(value),
                        // "Standing > 15 min inc.", "lying on his back increases the pain":
                        // a cue after the activities it speaks of.
                        Word::ProvokeCue | Word::EaseCue
                            if !frame.uncued.is_empty()
                                && frame.change.is_none()
                                && frame.detail.measurement.is_none()
                                && !part[r + 1..].iter().any(|later| {
                                    matches!(&later.piece, Piece::Word(words) if words.iter().any(|w| matches!(w, Word::Activity(_))))
                                }) =>
                        {
                            let provokes = word == Word::ProvokeCue;
                            for (_, activity) in std::mem::take(&mut frame.uncued) {
                                let list = if provokes {
                                    &mut frame.detail.provoked_by
                                } else {
                                    &mut frame.detail.eased_by
                                };
                                if !list.contains(&activity) {
                                    list.push(activity);
                                }
                            }
                        }
                        Word::ProvokeCue => frame.cue = Some(true),
                        Word::WeakProvokeCue if frame.cue.is_none() => frame.cue = Some(true),
                        Word::WeakProvokeCue => {}
                        Word::EaseCue => frame.cue = Some(false),
                        Word::Activity(activity) => match frame.cue {
                            Some(true) => frame.detail.provoked_by.push(activity),
                            Some(false) => frame.detail.eased_by.push(activity),
                            None => {
                                // "..., 0 degrees extension": its own movement, not the
                                // one before's.
                                if frame.movements_borrowed && activity.is_movement() {
                                    frame.uncued.clear();
                                    frame.movements_borrowed = false;
                                }
                                frame.uncued.push((read.span, activity));
                            }
                        },
                        Word::Change(change) => frame.change = Some(change),
                        Word::Aspect(ending) => frame.aspects.push((ending, read.span)),
                        // "no reproduction of her headache": the examination did not
                        // reproduce it; whether she has it is asked.
                        Word::NotReproduced => {
                            if frame.has_what() {
                                frames.push(std::mem::take(&mut frame));
                            }
                            frame.not_reproduced = true;
                            negating = 0;
                        }
                        // "TrP R soleus refers to R jaw": where the pain goes, not where the
                        // trigger point is.
                        // "TTP R upper trap with referral to R temple": pressure there sends
                        // pain to the temple; the temple is not tender.
                        Word::RefersCue
                            if frame
                                .kinds
                                .iter()
                                .any(|k| matches!(k.as_str(), "trigger_point" | "tenderness")) =>
                        {
                            frame.reproduced = Some(read.span[1]);
                        }
                        Word::RefersCue => {}
                        Word::Emphasis => frame.emphasis = frame.has_what() && frame.has_where(),
                        // "history of LBP", "if pain increases", "mother has LBP": what
                        // follows is not today's finding of the patient; "a 3-month history
                        // of" is how long today's has lasted.
                        // "sharp if I sit", "worse if standing": after a finding, "if"
                        // says what brings it on.
                        Word::Context(Context::Hypothetical) if !frame.kinds.is_empty() => {
                            if frame.cue.is_none() {
                                frame.cue = Some(true);
                            }
                        }
                        Word::Context(cue) => {
                            let duration = cue == Context::Historical
                                && lexicon.history_is_a_duration(&text[..read.span[0]]);
                            if !duration {
                                // The finding named before it is today's.
                                if !frame.kinds.is_empty() || !frame.tests.is_empty() {
                                    frames.push(std::mem::take(&mut frame));
                                }
                                context = Some(cue);
                                // "no previous history of LBP": before this complaint.
                                earlier_only = lexicon
                                    .before_this_complaint(&text[read.span[0]..read.span[1]]);
                            }
                        }
                        // "weakness R ankle compared to the left": the left is what the
                        // right was compared with, not a finding of its own.
                        Word::ComparedTo => frame.comparing = true,
                        Word::Since => {
                            frame.detail.since = Some(text[read.span[0]..read.span[1]].to_owned());
                        }
                        Word::Boundary => {}
                        // "tightness around her head and her neck ache": after "and", the
                        // places named may be the next finding's.
                        Word::Filler
                            if written == "and" && frame.has_what() && frame.has_where() =>
                        {
                            frame.places_since_finding.clear();
                            frame.structures_at_finding = frame.structures.len();
                        }
                        // "normal cervical ROM to both sides": both directions of a movement,
                        // or both sides.
                        Word::Filler if written == "both sides" => frame.both_directions = true,
                        Word::Filler => {}
                    }
                }
                // "pain 4/10 (was 7/10 at visit 1)": one finding, one intensity; another
                // is kept unread for the clinician rather than taking the first one's place.
                Piece::Intensity(_) | Piece::IntensityRange(..)
                    if let Some(first) = frame.intensity =>
                {
                    let (low, high) = match read.piece {
                        Piece::IntensityRange(low, high) => (low, high),
                        Piece::Intensity(value) => (value, value),
                        _ => continue,
                    };
                    let first_low = frame.detail.intensity_low.unwrap_or(first);
                    let first_span = frame.intensity_span.unwrap_or(read.span);
                    let words = |from: usize, to: usize| words_between(text, from, to);
                    let after_end = text[read.span[1]..sentence_span[1].max(read.span[1])]
                        .find([',', '(', ')'])
                        .map_or(sentence_span[1].max(read.span[1]), |at| read.span[1] + at);
                    match lexicon.second_intensity(
                        &words(sentence_span[0].min(first_span[0]), first_span[0]),
                        &words(first_span[1], read.span[0]),
                        &words(read.span[1], after_end),
                    ) {
                        // "3/10 at rest, up to 7/10 with rotation": the range it moves in.
                        Some(SecondIntensity::Range) => {
                            let lowest = first_low.min(low);
                            let highest = first.max(high);
                            frame.intensity = Some(highest);
                            frame.detail.intensity_low = (lowest != highest).then_some(lowest);
                        }
                        // "4/10 (was 7/10 at visit 1)": today's stays.
                        Some(SecondIntensity::Earlier) => {}
                        // "improved from 7/10 to 3/10": today's is the second.
                        Some(SecondIntensity::Now) => {
                            frame.intensity = Some(high);
                            frame.detail.intensity_low = (low != high).then_some(low);
                        }
                        // Kept unread for the clinician rather than taking the first
                        // one's place.
                        None => unread.push(Unread {
                            span: read.span,
                            text: text[read.span[0]..read.span[1]].to_owned(),
                            why: "a second intensity for one finding (which is it now?)".into(),
                        }),
                    }
                }
                Piece::Intensity(value) => {
                    frame.intensity = Some(*value);
                    frame.intensity_span = Some(read.span);
                }
                Piece::IntensityRange(low, high) => {
                    frame.intensity = Some(*high);
                    frame.detail.intensity_low = Some(*low);
                    frame.intensity_span = Some(read.span);
                }
                // "4/5 in the right ankle and toe, 5/5 in all other areas": a second grade
                // for one finding is kept unread, never in the first one's place.
                Piece::Strength(grade)
                    if frame.detail.strength.is_some_and(|first| first != *grade) =>
                {
                    unread.push(Unread {
                        span: read.span,
                        text: text[read.span[0]..read.span[1]].to_owned(),
                        why: "a second grade for one finding (of which place?)".into(),
                    });
                }
                Piece::Reflex(grade)
                    if frame.detail.reflex.is_some_and(|first| first != *grade) =>
                {
                    unread.push(Unread {
                        span: read.span,
                        text: text[read.span[0]..read.span[1]].to_owned(),
                        why: "a second grade for one finding (of which place?)".into(),
                    });
                }
                Piece::Strength(grade) => frame.detail.strength = Some(*grade),
                Piece::Reflex(grade) => frame.detail.reflex = Some(*grade),
                // "R biceps reflex 2+ 1+": a second grade in the same words is kept unread,
                // never in the first one's place.
                Piece::Plus(grade)
                    if frame.plus.is_some_and(|(first, _)| first != *grade)
                        || frame.detail.reflex.is_some() =>
                {
                    unread.push(Unread {
                        span: read.span,
                        text: text[read.span[0]..read.span[1]].to_owned(),
                        why: "a second grade for one finding (of which place?)".into(),
                    });
                }
                Piece::Plus(grade) => frame.plus = Some((*grade, read.span)),
                Piece::Number(value) => {
                    frame.number = Some((*value, read.span));
                    frame.bare_numbers += 1;
                }
                // "Lumbar Flexion | 45° | 60°": a table's second column is the normal.
                Piece::Measure(quantity, _)
                    if frame.detail.measurement.is_some()
                        && frame.normal.is_none()
                        && frame.span.is_some_and(|span| {
                            text[span[0]..read.span[0]].matches('|').count() >= 2
                        })
                        // "Cervical rotation | R 60° | L 45°": a cell with a side of its
                        // own is that side's value, not the normal.
                        && text[..read.span[0]].trim_end().ends_with('|')
                        && text[read.span[1]..]
                            .trim_start()
                            .chars()
                            .next()
                            .is_none_or(|c| matches!(c, '|' | '.' | ';' | '\n' | ',' | ')')) =>
                {
                    frame.normal = Some(*quantity);
                }
                // "active flexion 100° and passive flexion 120°": a movement named after
                // the first value is measured on its own, at the same place.
                Piece::Measure(quantity, unit)
                    if frame.detail.measurement.is_some()
                        && frame.measured_at.is_some_and(|at| {
                            frame
                                .uncued
                                .iter()
                                .any(|(span, a)| a.is_movement() && span[0] >= at[1])
                        }) =>
                {
                    let first_end = frame.measured_at.map_or(0, |at| at[1]);
                    let (later, earlier): (Vec<_>, Vec<_>) = std::mem::take(&mut frame.uncued)
                        .into_iter()
                        .partition(|(span, _)| span[0] >= first_end);
                    frame.uncued = earlier;
                    let side = frame.side;
                    let places = (
                        frame.regions.clone(),
                        frame.structures.clone(),
                        frame.movement_regions.clone(),
                    );
                    let begins = later.first().map_or(read.span[0], |(span, _)| span[0]);
                    if let Some(span) = &mut frame.span {
                        span[1] = span[1].min(first_end).max(span[0]);
                    }
                    frames.push(std::mem::take(&mut frame));
                    frame.side = side;
                    (frame.regions, frame.structures, frame.movement_regions) = places;
                    frame.uncued = later;
                    frame.detail.measurement = Some(measured(*quantity, *unit));
                    frame.measured_at = Some(read.span);
                    frame.span = Some([begins, read.span[1]]);
                }
                Piece::Measure(..) if frame.detail.measurement.is_some() => {
                    unread.push(Unread {
                        span: read.span,
                        text: text[read.span[0]..read.span[1]].to_owned(),
                        why: "a second value for one finding (which is it?)".into(),
                    });
                }
                Piece::Measure(quantity, unit) => {
                    frame.detail.measurement = Some(measured(*quantity, *unit));
                    frame.measured_at = Some(read.span);
                }
                // "DTR C5 2+": with a reflex spoken of, a root is its reflex's place.
                Piece::Level(level)
                    if let Some(place) = lexicon.reflex_place_of(level).filter(|_| {
                        frame
                            .kinds
                            .iter()
                            .chain(&frame.examined)
                            .any(|k| k.as_str().starts_with("reflex"))
                            || sentence.iter().any(|r| match &r.piece {
                                Piece::Word(words) => words.iter().any(|w| {
                                    matches!(w, Word::Kind(k) | Word::Examined(k) if k.as_str().starts_with("reflex"))
                                }),
                                Piece::Reflex(_) => true,
                                _ => false,
                            })
                    }) =>
                {
                    frame.reflex_places.push(place.clone());
                }
                // "Subluxation C5 R, T4, L5 L": levels of their own, each with its side,
                // are not one finding's; kept unread rather than the last one charted.
                Piece::Level(level)
                    if frame.detail.level.as_ref().is_some_and(|first| first != level) =>
                {
                    unread.push(Unread {
                        span: read.span,
                        text: text[read.span[0]..read.span[1]].to_owned(),
                        why: "a second level for one finding (chart each on its own line)".into(),
                    });
                }
                Piece::Level(level) => frame.detail.level = Some(level.clone()),
                Piece::Normal(normal) => frame.normal = Some(*normal),
                Piece::Duration(how_long) => frame.detail.duration = Some(how_long.clone()),
                Piece::Since(since) => frame.detail.since = Some(since.clone()),
                Piece::Comma | Piece::Stop => {}
            }
            negating = negating.saturating_sub(1);
            if lexicon.ends_context(&text[read.span[0]..read.span[1]]) {
                context = None;
            }
            if frame.context.is_none() && context.is_some() {
                frame.context = context;
                frame.earlier_only = earlier_only;
            }
            frame.widen(read.span);
        }
    }
    frames.push(frame);
    // A side is a frame's own, or the line's; never borrowed from another finding of the
    // sentence ("no back tenderness and full ROM of both hips" says nothing of the back's side).
    // A structure along the spine with no part named ("paraspinal muscle spasm") takes the
    // part of the spine the sentence names elsewhere ("lumbar spine ... restricted").
    let spinal: Option<RegionCode> = frames
        .iter()
        .flat_map(|f| f.regions.iter().chain(&f.movement_regions))
        .find(|region| {
            ["back", "neck"]
                .iter()
                .any(|spine| vocabulary.region_within(region, &RegionCode::new(*spine)))
        })
        .cloned();
    // "low back and left hip pain": the place named before takes the finding named after.
    for at in 0..frames.len().saturating_sub(1) {
        if frames[at].awaits_finding && !frames[at].has_what() {
            let next = &frames[at + 1];
            let (kinds, negated, intensity, detail) = (
                next.kinds.clone(),
                next.negated,
                next.intensity,
                next.detail.clone(),
            );
            let item = &mut frames[at];
            item.kinds = kinds;
            item.negated = negated;
            // "L buttock, calf and foot pain 6/10, worse sitting": all of it.
            item.intensity = item.intensity.or(intensity);
            if item.detail.is_empty() {
                item.detail = detail;
            }
        }
    }
    // The items of a list take the place and side of its last item when they name none:
    // "denies numbness, tingling, or weakness in the legs".
    for last in 0..frames.len() {
        if !(frames[last].closes_list && frames[last].has_where()) {
            continue;
        }
        let (regions, side, region_sides) = (
            frames[last].regions.clone(),
            frames[last].side,
            frames[last].region_sides.clone(),
        );
        let mut at = last;
        let mut first = last;
        while frames[at].after_comma && at > 0 {
            at -= 1;
            let item = &mut frames[at];
            if !item.has_what() || item.has_where() || !item.tests.is_empty() {
                break;
            }
            first = at;
            item.regions = regions.clone();
            item.side = item.side.or(side);
            item.region_sides = region_sides.clone();
        }
        // "Normal reflexes, muscle strength, and sensation in lower extremities": how the
        // first item was found is how the list was.
        let (change, negated) = (frames[first].change, frames[first].negated);
        if change.is_some() || negated {
            for item in &mut frames[first + 1..=last] {
                let examined_only = item.kinds.is_empty() && !item.examined.is_empty();
                if examined_only && item.change.is_none() && !item.negated {
                    item.change = change;
                    item.negated = negated;
                }
            }
        }
    }
    // "R knee locking and giving way": a finding joined by "and" to the one before, naming
    // no place or side of its own, is at that finding's place.
    for at in 1..frames.len() {
        let (before, after) = frames.split_at_mut(at);
        let (earlier, item) = (&before[at - 1], &mut after[0]);
        let joined = earlier.span.is_some_and(|span| {
            let words = text[span[0]..span[1]].trim_end().to_lowercase();
            words.ends_with(" and") || words.ends_with(" or") || words.ends_with(" &")
        });
        let needs_place = !item.kinds.is_empty()
            && item.kinds.iter().all(|kind| {
                vocabulary
                    .kind(kind)
                    .is_some_and(|k| k.region == crate::model::RegionPresence::Required)
            });
        if joined
            && needs_place
            && earlier.has_where()
            && item.has_what()
            && !item.has_where()
            && item.side.is_none()
            && item.tests.is_empty()
        {
            item.regions = earlier.regions.clone();
            item.side = earlier.side;
            item.region_sides = earlier.region_sides.clone();
        }
    }
    // "When looking at her thoracic spine movements, left rotation was reduced and
    // extension was reduced and painful": a clause that names a place and nothing found
    // there sets the place of the findings after it in the sentence that name none.
    for at in 0..frames.len().saturating_sub(1) {
        let scene = &frames[at];
        // "biceps reflex 1+ L, ...": a function examined and graded is a finding, not a
        // scene.
        let sets_the_scene = scene.has_where()
            && scene.kinds.is_empty()
            && scene.plus.is_none()
            && scene.tests.is_empty()
            && scene.change.is_none()
            && !scene.negated
            && scene.intensity.is_none()
            && scene.detail.is_empty()
            && scene.number.is_none()
            && scene.uncued.is_empty()
            && scene.aspects.is_empty()
            && scene.span.is_some_and(|span| {
                let rest = &text[span[1]..];
                rest.trim_start().starts_with([',', ':'])
            });
        if !sets_the_scene {
            continue;
        }
        let (regions, side, region_sides, structures) = (
            scene.regions.clone(),
            scene.side,
            scene.region_sides.clone(),
            scene.structures.clone(),
        );
        let mut lent = false;
        for item in &mut frames[at + 1..] {
            if item.has_where() {
                // "R knee: swelling, TTP medial joint line": a part of the scene's place
                // is on the scene's side.
                let within = !item.regions.is_empty()
                    && item.regions.iter().all(|region| {
                        regions
                            .iter()
                            .any(|scene| vocabulary.region_within(region, scene))
                    });
                if !within {
                    break;
                }
                if item.side.is_none() && item.region_sides.is_empty() {
                    item.side = side;
                }
                continue;
            }
            if !item.has_what() || !item.tests.is_empty() {
                continue;
            }
            item.regions = regions.clone();
            item.structures = structures.clone();
            item.side = item.side.or(side);
            item.region_sides = region_sides.clone();
            lent = true;
        }
        frames[at].lent_place = lent;
    }
    // "R knee: swelling, TTP medial joint line": a heading of a side and a place before a
    // colon gives its side to the findings of that place after it that name none.
    let heading: Option<(Side, Vec<RegionCode>)> = text
        .get(sentence_span[0]..sentence_span[1])
        .and_then(|words| words.find(':'))
        .and_then(|colon| {
            let colon = sentence_span[0] + colon;
            let before: Vec<&Read> = sentence.iter().filter(|r| r.span[1] <= colon).collect();
            let mut side = None;
            let mut places = Vec::new();
            for read in &before {
                let Piece::Word(words) = &read.piece else {
                    return None;
                };
                let written_side = words.iter().find_map(|w| match w {
                    Word::Side(written) => Some(*written),
                    _ => None,
                });
                let place = words.iter().find_map(|w| match w {
                    Word::Region(region) => Some(region.clone()),
                    _ => None,
                });
                match (written_side, place) {
                    (Some(written), None) => side = Some(written),
                    (None, Some(region)) => places.push(region),
                    _ if words.iter().all(|w| matches!(w, Word::Filler)) => {}
                    _ => return None,
                }
            }
            side.filter(|_| !places.is_empty())
                .map(|side| (side, places))
        });
    let mut previous: Option<usize> = None;
    for mut frame in frames {
        if frame.lent_place {
            continue;
        }
        // Denied, a history says the patient has not had it, today included ("denies any
        // history of locking"); denied before this complaint, it says nothing of today for
        // a symptom or sign ("no previous history of low back pain" in a patient who has
        // it now), though still for what is itself history or systemic ("trauma").
        let of_today = frame.negated
            && (frame.context != Some(Context::Historical)
                || !frame.earlier_only
                || frame.kinds.iter().all(|kind| {
                    vocabulary.kind(kind).is_some_and(|k| {
                        matches!(k.category, KindCategory::Systemic | KindCategory::Test)
                    })
                }));
        if let (Some(cue), Some(span)) = (frame.context, frame.span)
            && frame.has_what()
            && !of_today
        {
            unread.push(Unread {
                span,
                text: text[span[0]..span[1]].to_owned(),
                why: cue.why().into(),
            });
            continue;
        }
        if let Some((side, places)) = &heading
            && frame.side.is_none()
            && frame.region_sides.is_empty()
            && {
                let named: Vec<&RegionCode> = frame
                    .regions
                    .iter()
                    .chain(
                        frame
                            .structures
                            .iter()
                            .filter_map(|(_, region, _)| region.as_ref()),
                    )
                    .collect();
                !named.is_empty()
                    && frame
                        .structures
                        .iter()
                        .all(|(_, region, _)| region.is_some())
                    && named.iter().all(|region| {
                        places
                            .iter()
                            .any(|place| vocabulary.region_within(region, place))
                    })
            }
        {
            frame.side = Some(*side);
        }
        if let Some(spine) = &spinal
            && frame.regions.is_empty()
            && frame
                .structures
                .iter()
                .any(|(_, region, _)| region.is_none())
        {
            frame.regions.push(spine.clone());
        }
        // "the knee, medial aspect": a part named after its region.
        if !frame.aspects.is_empty() {
            let aspects = std::mem::take(&mut frame.aspects);
            match frame.regions.pop() {
                Some(region) => {
                    for place in with_aspects(
                        text,
                        &region,
                        "",
                        &aspects,
                        &mut frame.region_sites,
                        vocabulary,
                    ) {
                        if !frame.regions.contains(&place) {
                            frame.regions.push(place);
                        }
                    }
                }
                None => {
                    for (_, span) in aspects {
                        unread.push(Unread {
                            span,
                            text: text[span[0]..span[1]].to_owned(),
                            why: "a part of no place named (medial of what?)".into(),
                        });
                    }
                }
            }
        }
        // "particularly affecting the thumb, index, and middle fingers": where in the hand
        // it is most, kept as written with the hand's finding.
        if let (Some((_, first)), Some((_, last))) =
            (frame.emphasised.first(), frame.emphasised.last())
        {
            let written = text[first[0]..last[1]].to_owned();
            let wholes: Vec<RegionCode> = frame
                .regions
                .iter()
                .filter(|whole| {
                    frame
                        .emphasised
                        .iter()
                        .any(|(part, _)| vocabulary.region_within(part, whole))
                })
                .cloned()
                .collect();
            for whole in wholes {
                if !frame
                    .region_sites
                    .iter()
                    .any(|(region, _)| *region == whole)
                {
                    frame.region_sites.push((whole, written.clone()));
                }
            }
        }
        if frame.is_empty() {
            continue;
        }
        // A frame with only a place or a value continues the finding before it ("pain in
        // the L buttock, calf and foot"; "L SI pain 6/10, worse sitting").
        if !frame.has_what()
            && frame.side_split
            && let Some(index) = previous
        {
            let before = &reading.items[index].finding;
            // "bilateral low back pain, primarily on the L side": a side within both sides
            // says where it is worse, not another finding.
            let within = before.side == Side::Bilateral && !frame.has_where();
            // "ankle jerk R 2+, L 1+": a grade of its own says how this side was found,
            // whatever the side before; only what was examined carries over.
            let graded = frame.plus.is_some()
                || frame.detail.reflex.is_some()
                || frame.detail.strength.is_some();
            let examined = if before.kind.as_str().starts_with("reflex") {
                Some(KindCode::new("reflex_decreased"))
            } else if before.kind.as_str() == "weakness" {
                Some(KindCode::new("weakness"))
            } else {
                None
            };
            if before.test_name.is_empty() && !within && graded && examined.is_some() {
                frame.examined.extend(examined);
                if frame.regions.is_empty() {
                    frame.regions.extend(before.region.clone());
                }
            } else if before.test_name.is_empty() && !within {
                frame.kinds = vec![before.kind.clone()];
                frame.negated = before.presence == crate::model::Presence::Absent;
                if frame.regions.is_empty() {
                    frame.regions.extend(before.region.clone());
                }
            }
        }
        // "Aggravating factors: walking, prolonged standing": what provokes or eases, with
        // no finding or place, tells of the finding charted just before, or, with none, of
        // a pain whose place is asked.
        let says_only_how = !frame.has_what()
            && !frame.has_where()
            && (!frame.detail.provoked_by.is_empty()
                || !frame.detail.eased_by.is_empty()
                || frame.detail.frequency.is_some()
                // "Onset: gradual, approximately 3 months ago", "getting progressively worse".
                || frame.detail.onset.is_some()
                || frame.detail.course.is_some());
        let told_of = previous.or(if says_only_how {
            reading.items.len().checked_sub(1)
        } else {
            None
        });
        // "Worse with sitting; improved with rest": with no finding charted before, it
        // tells of the finding asked about just before (a pain whose place is asked), not of
        // another one.
        let asked_of = (says_only_how && previous.is_none())
            .then(|| {
                let last_item = told_of.map(|index| reading.items[index].span[0]);
                reading.questions.iter().rposition(|question| {
                    question.finding.presence == Presence::Present
                        && vocabulary
                            .kind(&question.finding.kind)
                            .is_some_and(|kind| kind.intensity)
                        && last_item.is_none_or(|at| question.span[0] > at)
                })
            })
            .flatten();
        if let Some(index) = asked_of {
            let question = &mut reading.questions[index];
            extend(&mut question.finding, &mut question.span, &frame);
            question.text = text[question.span[0]..question.span[1]].to_owned();
            report_leftovers(text, &frame, unread);
            continue;
        }
        if says_only_how && told_of.is_none() {
            frame.kinds.push(KindCode::new("pain"));
        }
        if !frame.has_what()
            && let Some(index) = told_of
        {
            let item = &mut reading.items[index];
            extend(&mut item.finding, &mut item.span, &frame);
            report_leftovers(text, &frame, unread);
            continue;
        }
        let side = frame.side.or(line_side);
        let before = reading.items.len();
        if frame.function_denied
            && let Some(span) = frame.span
        {
            let phrase = &text[span[0]..span[1]];
            frame.deficit_named = lexicon.names_a_deficit(phrase);
            frame.not_examined = lexicon.says_not_examined(phrase);
        }
        emit(
            text,
            sentence_span,
            &mut frame,
            side,
            vocabulary,
            lexicon,
            discourse,
            reading,
            unread,
        );
        if reading.items.len() > before {
            previous = Some(reading.items.len() - 1);
        }
    }
    // "Full ROM in extension, limited ROM in flexion": one finding both present and absent
    // at one place in one sentence is asked, never charted both ways.
    let mut at = first_of_sentence;
    while at < reading.items.len() {
        let item = &reading.items[at].finding;
        let read_here = reading.items[first_of_sentence..]
            .iter()
            .map(|i| &i.finding);
        let asked_here = reading.questions[first_question..]
            .iter()
            .map(|q| &q.finding);
        let contradicted = read_here.chain(asked_here).any(|other| {
            other.kind == item.kind
                && other.region == item.region
                && other.side == item.side
                && other.test_name == item.test_name
                && other.presence != item.presence
        });
        if contradicted && item.presence == Presence::Absent {
            let item = reading.items.remove(at);
            reading.questions.push(Question {
                span: item.span,
                text: text[item.span[0]..item.span[1]].to_owned(),
                ask: "present and absent at one place in one sentence (in another movement?): which is it?"
                    .into(),
                finding: item.finding,
            });
            continue;
        }
        at += 1;
    }
    /// Both say a value, and not the same one.
    fn differ<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
        a.is_some() && b.is_some() && a != b
    }
    // "The pain becomes a sharp, shooting pain from the lower cervical spine": a finding
    // named without its place in a sentence that names it with one is that finding.
    let mut at = first_question;
    while at < reading.questions.len() {
        let question = &reading.questions[at];
        let placed = (question.finding.region.is_none() && question.finding.test_name.is_empty())
            .then(|| {
                (first_of_sentence..reading.items.len()).find(|&i| {
                    let item = &reading.items[i].finding;
                    item.kind == question.finding.kind
                        && item.presence == question.finding.presence
                        && item.region.is_some()
                })
            })
            .flatten();
        // The same finding asked twice in a sentence is asked once.
        let asked_before = (first_question..at).any(|earlier| {
            let before = &reading.questions[earlier];
            before.ask == question.ask
                && before.finding.kind == question.finding.kind
                && before.finding.presence == question.finding.presence
                && before.finding.region == question.finding.region
                && before.finding.test_name == question.finding.test_name
                && !differ(&before.finding.intensity, &question.finding.intensity)
                && !differ(
                    &before.finding.detail.measurement,
                    &question.finding.detail.measurement,
                )
        });
        if asked_before && placed.is_none() {
            let later = reading.questions.remove(at);
            if let Some(earlier) = (first_question..at).find(|&earlier| {
                reading.questions[earlier].ask == later.ask
                    && reading.questions[earlier].finding.kind == later.finding.kind
            }) {
                let kept = &mut reading.questions[earlier];
                kept.span = [
                    kept.span[0].min(later.span[0]),
                    kept.span[1].max(later.span[1]),
                ];
            }
            continue;
        }
        match placed {
            Some(index) => {
                let unplaced = reading.questions.remove(at);
                let kept = &mut reading.items[index];
                let detail = &mut kept.finding.detail;
                for activity in unplaced.finding.detail.provoked_by {
                    if !detail.provoked_by.contains(&activity) {
                        detail.provoked_by.push(activity);
                    }
                }
                for activity in unplaced.finding.detail.eased_by {
                    if !detail.eased_by.contains(&activity) {
                        detail.eased_by.push(activity);
                    }
                }
                detail.frequency = detail.frequency.or(unplaced.finding.detail.frequency);
                detail.severity = detail.severity.or(unplaced.finding.detail.severity);
                detail.quality = detail.quality.take().or(unplaced.finding.detail.quality);
                if kept.finding.intensity.is_none() {
                    kept.finding.intensity = unplaced.finding.intensity;
                }
            }
            None => at += 1,
        }
    }
    // "full range of motion of the left wrist, though deep flexion elicits pain": a finding
    // with no place of its own, after the one place the sentence has named, is there.
    let places: Vec<(RegionCode, Side, usize)> = reading.items[first_of_sentence..]
        .iter()
        .filter(|item| item.finding.test_name.is_empty())
        .filter_map(|item| {
            item.finding
                .region
                .clone()
                .map(|region| (region, item.finding.side, item.span[0]))
        })
        .collect();
    let one_place = places
        .first()
        .filter(|(region, side, _)| places.iter().all(|(r, s, _)| r == region && s == side))
        .cloned();
    // Only where the sentence asks of no other place ("neck pain ... due to hand numbness"
    // asks which hand: the place in doubt may be the unplaced finding's).
    let other_place_asked = reading.questions[first_question..]
        .iter()
        .any(|q| q.finding.region.is_some());
    if let Some((region, side, at_place)) = one_place.filter(|_| !other_place_asked) {
        let mut at = first_question;
        while at < reading.questions.len() {
            let question = &reading.questions[at];
            // A structure of its own ("no spinous process tenderness") is its place.
            let unplaced = question.finding.region.is_none()
                && question.finding.test_name.is_empty()
                && question.finding.detail.structure.is_none()
                && question.span[0] > at_place
                && vocabulary
                    .kind(&question.finding.kind)
                    .is_some_and(|k| k.region == RegionPresence::Required)
                && vocabulary
                    .check_finding(&question.finding.kind, Some(&region), side)
                    .is_ok();
            if unplaced {
                let mut question = reading.questions.remove(at);
                question.finding.region = Some(region.clone());
                question.finding.side = side;
                reading.items.push(ReadFinding {
                    finding: question.finding,
                    span: question.span,
                });
                continue;
            }
            at += 1;
        }
    }
    // "The pain occurs most often during the night", "SLR positive on the L at 70° with
    // mild discomfort": a pain with no place of its own, in a sentence that reads it as
    // night pain or as what a test reproduced, is that finding, not another to ask about.
    let mut at = first_question;
    while at < reading.questions.len() {
        let question = &reading.questions[at].finding;
        let unplaced_pain = question.region.is_none()
            && question.test_name.is_empty()
            && question.presence == Presence::Present
            && matches!(question.kind.as_str(), "pain" | "ache");
        let told = unplaced_pain
            .then(|| {
                (first_of_sentence..reading.items.len()).find(|&i| {
                    let item = &reading.items[i].finding;
                    item.presence == Presence::Present
                        && (matches!(
                            item.kind.as_str(),
                            "night_pain" | "headache" | "constant_pain"
                        ) || !item.test_name.is_empty())
                })
            })
            .flatten();
        match told {
            Some(index) => {
                let pain = reading.questions.remove(at);
                let item = &mut reading.items[index];
                item.span = [
                    item.span[0].min(pain.span[0]),
                    item.span[1].max(pain.span[1]),
                ];
                if !item.finding.test_name.is_empty() && item.finding.detail.reproduces.is_none() {
                    item.finding.detail.reproduces = Some(
                        text[pain.span[0]..pain.span[1]]
                            .trim_start_matches(|c: char| !c.is_alphanumeric())
                            .to_owned(),
                    );
                }
            }
            None => at += 1,
        }
    }
    // "disturbing his sleep, awakening him several times each night": one finding said
    // twice in a sentence is one finding.
    let mut at = first_of_sentence;
    while at < reading.items.len() {
        // Values of their own ("flexion 120°, extension 0°") make two findings.
        let same = |a: &Finding, b: &Finding| {
            a.kind == b.kind
                && a.region == b.region
                && a.side == b.side
                && a.presence == b.presence
                && a.test_name == b.test_name
                && !differ(&a.detail.measurement, &b.detail.measurement)
                && !differ(&a.detail.strength, &b.detail.strength)
                && !differ(&a.detail.reflex, &b.detail.reflex)
                && !differ(&a.intensity, &b.intensity)
        };
        match (first_of_sentence..at)
            .find(|&earlier| same(&reading.items[earlier].finding, &reading.items[at].finding))
        {
            Some(earlier) => {
                let later = reading.items.remove(at);
                let kept = &mut reading.items[earlier];
                kept.span = [
                    kept.span[0].min(later.span[0]),
                    kept.span[1].max(later.span[1]),
                ];
                let (detail, more) = (&mut kept.finding.detail, later.finding.detail);
                for activity in more.provoked_by {
                    if !detail.provoked_by.contains(&activity) {
                        detail.provoked_by.push(activity);
                    }
                }
                for activity in more.eased_by {
                    if !detail.eased_by.contains(&activity) {
                        detail.eased_by.push(activity);
                    }
                }
                detail.frequency = detail.frequency.or(more.frequency);
                detail.severity = detail.severity.or(more.severity);
                detail.onset = detail.onset.or(more.onset);
                detail.course = detail.course.or(more.course);
                detail.quality = detail.quality.take().or(more.quality);
                if kept.finding.intensity.is_none() {
                    kept.finding.intensity = later.finding.intensity;
                }
            }
            None => at += 1,
        }
    }
}

/// The places that `region` with the parts named before it ("medial and lateral" ankle)
/// is: each part's own region where the vocabulary has one (`ankle_medial`); else the
/// region itself, with the part kept as written as that region's site. A region that is
/// already a part ("medial joint line" after "lateral and") stays beside its sibling.
fn with_aspects(
    text: &str,
    region: &RegionCode,
    region_written: &str,
    aspects: &[(String, Span)],
    sites: &mut Vec<(RegionCode, String)>,
    vocabulary: &Vocabulary,
) -> Vec<RegionCode> {
    if aspects.is_empty() {
        return vec![region.clone()];
    }
    let code = region.as_str();
    let whole = code
        .rsplit_once('_')
        .map(|(base, _)| RegionCode::new(base))
        .filter(|base| vocabulary.region(base).is_some());
    let mut places = Vec::new();
    if whole.is_some() {
        places.push(region.clone());
    }
    let base = whole.unwrap_or_else(|| region.clone());
    for (ending, span) in aspects {
        // The code's own ending and its noun form ("dorsal" is `foot_dorsum`).
        let written = text[span[0]..span[1]].to_lowercase();
        let part = [
            ending.as_str(),
            if ending == "dorsal" { "dorsum" } else { ending },
        ]
        .iter()
        .map(|ending| RegionCode::new(format!("{}_{ending}", base.as_str())))
        .find(|code| vocabulary.region(code).is_some())
        // "anterior leg" is the shin: a region one of whose names is the part and
        // the region's own name.
        .or_else(|| {
            let names: Vec<String> = vocabulary
                .region(&base)
                .map(|entry| {
                    std::iter::once(&entry.name)
                        .chain(&entry.synonyms)
                        .map(String::as_str)
                        .chain([region_written])
                        .map(|name| format!("{written} {}", name.to_lowercase()))
                        .collect()
                })
                .unwrap_or_default();
            vocabulary
                .regions()
                .iter()
                .find(|entry| {
                    entry
                        .synonyms
                        .iter()
                        .any(|synonym| names.contains(&synonym.to_lowercase()))
                })
                .map(|entry| entry.code.clone())
        });
        match part {
            Some(part) => places.push(part),
            None => {
                places.push(region.clone());
                match sites.iter_mut().find(|(place, _)| place == region) {
                    Some((_, site)) if !site.split(", ").any(|s| s == written) => {
                        site.push_str(", ");
                        site.push_str(&written);
                    }
                    Some(_) => {}
                    None => sites.push((region.clone(), written)),
                }
            }
        }
    }
    let mut unique: Vec<RegionCode> = Vec::new();
    for place in places {
        if !unique.contains(&place) {
            unique.push(place);
        }
    }
    unique
}

/// Words that may stand between a part and its region: "medial aspect of the knee".
const PART_OF: [&str; 14] = [
    "aspect", "aspects", "of", "the", "his", "her", "their", "and", "or", "part", "portion",
    "surface", "side", "/",
];

/// Words of absence: after a finding they deny it ("numbness absent"), after a function
/// examined they say it is lost ("Achilles reflex absent").
const ABSENCE: [&str; 4] = ["absent", "not present", "nil", "lost"];

/// How many read words after "no" or "denies" its negation reaches.
const NEGATION_WINDOW: usize = 6;

/// Whether the side word at `at` names the direction of a movement: next to a rotation,
/// side bending, or a turn of the head ("left rotation", "rotation to the right").
fn is_direction(part: &[Read], at: usize) -> bool {
    let movement = |read: Option<&Read>| match read.map(|r| &r.piece) {
        Some(Piece::Word(words)) => words.iter().any(|w| {
            // Only a movement that goes one way or the other has a direction: a side
            // beside dorsiflexion or flexion is the limb's.
            matches!(
                w,
                Word::Activity(
                    super::detail::Activity::Rotation
                        | super::detail::Activity::SideBending
                        | super::detail::Activity::Bending
                )
            )
        }),
        _ => false,
    };
    let filler = |read: Option<&Read>| matches!(read.map(|r| &r.piece), Some(Piece::Word(words)) if words.first() == Some(&Word::Filler));
    let before = at.checked_sub(1).and_then(|i| part.get(i));
    let before2 = at.checked_sub(2).and_then(|i| part.get(i));
    // "flexion of right knee": a side before its place is the place's.
    let place_next = matches!(part.get(at + 1).map(|r| &r.piece), Some(Piece::Word(words)) if words.iter().any(|w| matches!(w, Word::Region(_))));
    // "R cervical rotation": the spine has no right one to rotate; the side is the
    // rotation's direction. A limb's ("R hip rotation") stays the limb's.
    let spine_next = matches!(part.get(at + 1).map(|r| &r.piece), Some(Piece::Word(words)) if words.iter().any(|w| matches!(w, Word::Region(region) if SPINE.contains(&region.as_str()))));
    if spine_next && movement(part.get(at + 2)) {
        return true;
    }
    // "right and left rotation": a side joined to a direction is a direction too.
    let side = |read: Option<&Read>| matches!(read.map(|r| &r.piece), Some(Piece::Word(words)) if words.iter().any(|w| matches!(w, Word::Side(_))));
    let joined_to_direction =
        filler(part.get(at + 1)) && side(part.get(at + 2)) && movement(part.get(at + 3));
    !place_next
        && (movement(part.get(at + 1))
            || joined_to_direction
            || movement(before)
            || (filler(before) && movement(before2))
            || follows_movement(part, at, true))
}

/// Whether a word of absence stands just before the function examined at `at` ("no
/// sensation", "absent achilles reflex", "without pulses"), past places, sides and
/// filler; "normal" or "intact" before it say the function is there.
fn denies_the_function(text: &str, part: &[Read], at: usize, lexicon: &Lexicon) -> bool {
    for read in part[..at].iter().rev().take(NEGATION_WINDOW) {
        if lexicon.says_absence(&text[read.span[0]..read.span[1]]) {
            return true;
        }
        match &read.piece {
            Piece::Word(words)
                if words.iter().all(|w| {
                    matches!(
                        w,
                        Word::Filler | Word::Region(_) | Word::Side(_) | Word::ReflexPlace(_)
                    )
                }) => {}
            _ => return false,
        }
    }
    false
}

/// Whether the word at `at` comes after a movement, past its object and filler ("bends his
/// head to the right"): the movement's, not the finding's.
fn follows_movement(part: &[Read], at: usize, directional: bool) -> bool {
    use super::detail::Activity;
    for read in part[..at].iter().rev().take(5) {
        match &read.piece {
            Piece::Word(words)
                if words.iter().any(|w| match w {
                    // Only a movement that goes one way or the other has a direction.
                    Word::Activity(
                        Activity::Rotation | Activity::SideBending | Activity::Bending,
                    ) => true,
                    Word::Activity(activity) => activity.is_movement() && !directional,
                    _ => false,
                }) =>
            {
                return true;
            }
            Piece::Word(words)
                if words
                    .iter()
                    .all(|w| matches!(w, Word::Filler | Word::Region(_))) => {}
            _ => return false,
        }
    }
    false
}

/// Whether the place at `at` is the object of a word of moving ("moving her head and neck"),
/// past filler and other places.
fn is_moved(part: &[Read], at: usize) -> bool {
    for read in part[..at].iter().rev().take(5) {
        match &read.piece {
            Piece::Word(words)
                if words
                    .iter()
                    .any(|w| matches!(w, Word::Activity(super::detail::Activity::Movement))) =>
            {
                return true;
            }
            Piece::Word(words)
                if words
                    .iter()
                    .all(|w| matches!(w, Word::Filler | Word::Region(_))) => {}
            _ => return false,
        }
    }
    false
}

/// Whether the place word at `span` names the junction of the neck and the back
/// ("cervicothoracic", "cervico-thoracic", or "cervical-thoracic" read word by word).
fn names_a_junction(text: &str, span: Span) -> bool {
    let word = text[span[0]..span[1]].to_lowercase();
    let joined_to_cervical = text[..span[0]].ends_with('-')
        && text[..span[0] - 1]
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .is_some_and(|before| before.to_lowercase().starts_with("cervic"));
    let joined_to_thoracic = text[span[1]..].starts_with('-')
        && text[span[1] + 1..]
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .is_some_and(|after| after.to_lowercase().starts_with("thorac"));
    word.contains("cervic") && (word.contains("thorac") || joined_to_thoracic)
        || word.starts_with("thorac") && joined_to_cervical
}

/// Whether a movement follows the word at `at`, past a side or filler word.
fn moves_next(part: &[Read], at: usize) -> bool {
    for read in part.iter().skip(at + 1).take(2) {
        match &read.piece {
            Piece::Word(words) => {
                if words
                    .iter()
                    .any(|w| matches!(w, Word::Activity(activity) if activity.is_movement()))
                {
                    return true;
                }
                if !words
                    .iter()
                    .any(|w| matches!(w, Word::Side(_) | Word::Filler))
                {
                    return false;
                }
            }
            _ => return false,
        }
    }
    false
}

/// Which meaning of an ambiguous phrase the frame wants: "knee" is a reflex's place next
/// to a reflex, a region elsewhere; "L" next to a number may be a spinal level, but the
/// tokenizer reads "L4" itself, so a lone "L" is a side.
fn choose(meanings: &[Word], frame: &Frame, sentence: &[Read]) -> Option<Word> {
    // "exacerbated by movement": after a word of what provokes or eases, an activity.
    if frame.cue.is_some()
        && let Some(activity) = meanings.iter().find(|w| matches!(w, Word::Activity(_)))
    {
        return Some(activity.clone());
    }
    let reflex_here = frame
        .kinds
        .iter()
        .chain(&frame.examined)
        .any(|k| k.as_str().starts_with("reflex"))
        || sentence.iter().any(|r| match &r.piece {
            Piece::Word(words) => words.iter().any(|w| match w {
                Word::Kind(k) | Word::Examined(k) => k.as_str().starts_with("reflex"),
                _ => false,
            }),
            Piece::Reflex(_) => true,
            _ => false,
        });
    if reflex_here && let Some(place) = meanings.iter().find(|w| matches!(w, Word::ReflexPlace(_)))
    {
        return Some(place.clone());
    }
    // "denied" after a finding denies it; before one, it denies what follows.
    if frame.has_what()
        && (meanings.contains(&Word::NegateAfter) || meanings.contains(&Word::NegateSentence))
        && meanings.contains(&Word::NegateBefore)
    {
        return Some(Word::NegateBefore);
    }
    // "achilles reflex decreased", "decreased ROM": with a function examined in the
    // sentence and no activity for a cue to govern, "decreased" says how it was found,
    // not what eases a symptom.
    let examined_here = sentence.iter().any(|r| {
        matches!(&r.piece, Piece::Word(words) if words.iter().any(|w| matches!(w, Word::Examined(_))))
    });
    let activity_here = sentence.iter().any(|r| {
        matches!(&r.piece, Piece::Word(words)
            // A movement tested ("hip abd") is what was examined, not what eases.
            if words.iter().any(|w| matches!(w, Word::Activity(a) if !a.is_movement()))
                && !words.iter().any(|w| matches!(w, Word::Examined(_))))
    });
    if let Some(change) = meanings.iter().find(|w| matches!(w, Word::Change(_)))
        && meanings
            .iter()
            .any(|w| matches!(w, Word::EaseCue | Word::ProvokeCue))
        && frame.uncued.is_empty()
        && examined_here
        && !activity_here
    {
        return Some(change.clone());
    }
    // "positive" is a test's result, never a test with no name.
    if let Some(result) = meanings
        .iter()
        .find(|w| matches!(w, Word::Positive | Word::Negative))
    {
        return Some(result.clone());
    }
    meanings
        .iter()
        .find(|w| !matches!(w, Word::ReflexPlace(_)))
        .or(meanings.first())
        .cloned()
}

/// Adds what a place-or-value frame says to the finding before it.
fn extend(finding: &mut Finding, span: &mut Span, frame: &Frame) {
    let detail = &mut finding.detail;
    detail
        .provoked_by
        .extend(frame.detail.provoked_by.iter().copied());
    detail
        .eased_by
        .extend(frame.detail.eased_by.iter().copied());
    detail.severity = detail.severity.or(frame.detail.severity);
    detail.frequency = detail.frequency.or(frame.detail.frequency);
    detail.onset = detail.onset.or(frame.detail.onset);
    detail.course = detail.course.or(frame.detail.course);
    if detail.since.is_none() {
        detail.since = frame.detail.since.clone();
    }
    if finding.intensity.is_none() {
        finding.intensity = frame.intensity;
        if detail.intensity_low.is_none() {
            detail.intensity_low = frame.detail.intensity_low;
        }
    }
    if let Some(own) = frame.span {
        *span = [span[0].min(own[0]), span[1].max(own[1])];
    }
}

/// Words a frame took in but could not use: a stray "+", an activity with no "worse" or
/// "better" before it, a number that is no intensity.
fn report_leftovers(text: &str, frame: &Frame, unread: &mut Vec<Unread>) {
    for span in &frame.stray {
        unread.push(Unread {
            span: *span,
            text: text[span[0]..span[1]].to_owned(),
            why: "a + with no test named before it".into(),
        });
    }
    for (span, _) in &frame.uncued {
        unread.push(Unread {
            span: *span,
            text: text[span[0]..span[1]].to_owned(),
            why: "worse or better with it? say which".into(),
        });
    }
}

// The lexicon and the paragraph's discourse join what emit already takes: its grading
// scales are data, and a place named before may carry into it.
#[allow(clippy::too_many_arguments)]
fn emit(
    text: &str,
    sentence_span: Span,
    frame: &mut Frame,
    side: Option<Side>,
    vocabulary: &Vocabulary,
    lexicon: &Lexicon,
    discourse: &Discourse,
    reading: &mut Reading,
    unread: &mut Vec<Unread>,
) {
    let span = frame.span.unwrap_or([0, 0]);
    let phrase = text[span[0]..span[1]].to_owned();
    // Words of the same sentence that the reader could not read may change what it read
    // ("worst headache of life", "not", "left of"...): it is asked about, not charted.

    // "Palpation revealed no spasm": palpation is how the finding named was found; only
    // with none named ("Palpation: unremarkable") is it the tenderness examined.
    if !frame.kinds.is_empty() {
        frame.examined.retain(|kind| kind.as_str() != "tenderness");
    }
    // "Low back pain. It is 6/10.": a rating with nothing named rates the one complaint
    // named before.
    if frame.kinds.is_empty()
        && frame.examined.is_empty()
        && frame.tests.is_empty()
        && !frame.has_where()
        && frame.intensity.is_some()
        && frame.detail.measurement.is_none()
        && frame.detail.strength.is_none()
        && frame.detail.reflex.is_none()
        && frame.plus.is_none()
        && !frame.negated
        && let Some(kind) = discourse.one_complaint()
        && vocabulary.kind(kind).is_some_and(|k| k.intensity)
    {
        frame.kinds.push(kind.clone());
    }
    movements_as_strength(frame);
    // "weakness with knee extension": weak in a movement, whose muscle is not named.
    if frame.kinds.iter().any(|k| k.as_str() == "weakness")
        && !(frame.uncued.is_empty() && frame.detail.provoked_by.is_empty())
        && frame.structures.is_empty()
    {
        let phrase = text[span[0]..span[1]].to_owned();
        reading.questions.push(Question {
            span,
            text: phrase,
            ask: "weakness of which muscle? (the movement is named, the muscle is not)".into(),
            finding: Finding::new("weakness", None, Side::None),
        });
        return;
    }
    movements_as_range(frame, lexicon);
    // "cervical rotation 60 L", or under "L:": a side by a movement of the spine may be
    // its direction; asked.
    if frame.degrees_from_bare
        && side.is_some()
        && frame
            .movement_regions
            .iter()
            .chain(&frame.regions)
            .any(|place| SPINE.contains(&place.as_str()))
        && let Some(measurement) = &frame.detail.measurement
    {
        frame.degrees_in_doubt = Some(format!(
            "{} {}: which way? (a side by a movement of the spine may be its direction)",
            measurement.of.as_deref().unwrap_or("the movement"),
            measurement.quantity
        ));
        frame.number = Some((measurement.quantity, span));
    }
    if let Some(ask) = frame.degrees_in_doubt.take()
        && let Some((number, _)) = frame.number
    {
        let mut finding = Finding::new("rom_measured", None, Side::None);
        let mut measurement = measured(number, Unit::Degrees);
        measurement.of = frame
            .uncued
            .iter()
            .find(|(_, a)| a.is_movement())
            .map(|(_, a)| a.words().to_owned());
        finding.detail.measurement = Some(measurement);
        reading.questions.push(Question {
            span,
            text: phrase,
            ask,
            finding,
        });
        return;
    }
    // "Lx ext painful", "flexion with pain": a movement that brings the pain on.
    if frame.change.is_none()
        && frame
            .kinds
            .iter()
            .any(|k| matches!(k.as_str(), "pain" | "ache" | "stiffness"))
    {
        for (_, activity) in std::mem::take(&mut frame.uncued) {
            frame.detail.provoked_by.push(activity);
        }
    }
    report_leftovers(text, frame, unread);
    // Words left as history or another person's ("h/o LBP, now R knee pain") were read
    // and say nothing in doubt of today's findings.
    let doubt = unread
        .iter()
        .filter(|u| !Context::ALL.iter().any(|cue| cue.why() == u.why))
        .find(|u| u.span[0] >= sentence_span[0] && u.span[1] <= sentence_span[1])
        .map(|u| u.text.clone());
    let mut findings: Vec<Finding> = Vec::new();
    let structure_regions: Vec<RegionCode> = frame
        .structures
        .iter()
        .filter_map(|(_, region, _)| region.clone())
        .collect();
    if let Some(from) = frame.reproduced {
        let to = frame.span.map_or(from, |span| span[1]).max(from);
        let words = text[from..to].trim_end_matches([')', ' ']).trim();
        if !words.is_empty() {
            frame.detail.reproduces = Some(words.to_owned());
        }
    }
    // The place a finding refers back to, in a sentence before.
    let mut carried: Option<&Antecedent> = None;
    if !frame.tests.is_empty() {
        for (name, region) in &frame.tests {
            let mut finding = Finding::new(
                "positive_test",
                frame
                    .regions
                    .first()
                    .or(region.as_ref())
                    .or(structure_regions.first())
                    .map(RegionCode::as_str),
                Side::None,
            );
            finding.test_name = name.clone();
            match frame.result {
                Some(true) => {}
                Some(false) => finding.presence = Presence::Absent,
                None if frame.negated => finding.presence = Presence::Absent,
                // "McMurray's test caused pain 8/10": a test that reproduced a symptom.
                None if frame.reproduced.is_some() => {}
                None => {
                    reading.questions.push(Question {
                        span,
                        text: phrase.clone(),
                        ask: format!("{name}: positive or negative?"),
                        finding,
                    });
                    continue;
                }
            }
            findings.push(finding);
        }
    } else {
        let mut kinds = frame.kinds.clone();
        // A grade says what was examined: "EHL 4/5" is strength, "Achilles 1+" a reflex.
        if kinds.is_empty() && frame.examined.is_empty() {
            if frame.detail.strength.is_some() {
                frame.examined.push(KindCode::new("weakness"));
            } else if frame.detail.reflex.is_some()
                || !frame.reflex_places.is_empty() && frame.plus.is_some()
            {
                frame.examined.push(KindCode::new("reflex_decreased"));
            } else if frame.intensity.is_some()
                && frame.has_where()
                && !frame.negated
                && frame.detail.measurement.is_none()
            {
                // "NRS SI 6/10, LB 4/10": a place scored out of 10 is the pain there.
                kinds.push(KindCode::new("pain"));
                frame.kinds.push(KindCode::new("pain"));
            }
        }
        // An examined function with a normal word: that function's deficit is absent.
        for examined in &frame.examined {
            if !kinds.contains(examined) {
                kinds.push(examined.clone());
            }
        }
        // A reflex graded: 0-1+ decreased, 2+ normal (absent), 3+-4+ increased.
        if let Some((grade, _)) = frame.plus.take() {
            // "pedal pulses 2+ bilat": pulses are graded 0 (absent) to 3+ or 4+ (bounding),
            // 2+ normal; below it the pulse is diminished.
            if kinds.iter().any(|k| k.as_str() == "diminished_pulse") && frame.change.is_none() {
                match lexicon.pulse_to_normal(grade) {
                    Some(std::cmp::Ordering::Less) => {
                        frame.change = Some(Change::Less);
                        frame.negated = false;
                    }
                    // Past the scale's end ("5+") is no weaker than its top.
                    Some(_) | None => frame.negated = true,
                }
            }
            if kinds.iter().any(|k| k.as_str().starts_with("reflex")) {
                frame.detail.reflex = ReflexGrade::parse(&format!("{grade}+"));
            } else if kinds.iter().any(|k| k.as_str() == "weakness") {
                frame.detail.strength = MrcGrade::parse(&format!("{grade}+"));
            }
        }
        if let Some(grade) = frame.detail.reflex {
            kinds = kinds
                .into_iter()
                .map(|k| {
                    if k.as_str().starts_with("reflex") {
                        match lexicon.reflex_to_normal(grade) {
                            std::cmp::Ordering::Greater => KindCode::new("reflex_increased"),
                            _ => KindCode::new("reflex_decreased"),
                        }
                    } else {
                        k
                    }
                })
                .collect();
            if lexicon.reflex_to_normal(grade) == std::cmp::Ordering::Equal {
                frame.negated = true;
            }
        }
        if let Some(strength) = frame.detail.strength
            && strength.is_full()
        {
            frame.negated = true;
        }
        // "no sensation in the L foot", "absent achilles reflex", "no pedal pulses": the
        // function is gone, which is the deficit present; "no sensory deficit", "no
        // sensation changes" deny a deficit, and stay absent.
        if frame.function_denied
            && frame.change.is_none()
            && frame.detail.strength.is_none()
            && frame.detail.reflex.is_none()
            && frame.not_examined
        {
            // "no reflex testing performed": nothing was found either way.
            unread.push(Unread {
                span,
                text: phrase.clone(),
                why: "not examined, by the words (nothing to chart)".into(),
            });
            return;
        }
        // "no bowel and bladder incontinence": with a finding named, the "no" denies that
        // finding, not the function.
        if frame.function_denied
            && frame.change.is_none()
            && frame.detail.strength.is_none()
            && frame.detail.reflex.is_none()
            && !frame.deficit_named
            && frame.kinds.is_empty()
        {
            frame.change = Some(Change::Less);
            frame.negated = false;
            if kinds.iter().any(|k| k.as_str() == "reflex_decreased") {
                frame.detail.reflex = ReflexGrade::parse("0");
            }
        }
        // "sensation decreased", "reflexes brisk", "ROM full": the deficit is there, the
        // opposite is, or there is none.
        match frame.change {
            Some(Change::Full) if !frame.examined.is_empty() => frame.negated = true,
            Some(Change::More) => {
                kinds = kinds
                    .into_iter()
                    .map(|k| {
                        if k.as_str() == "reflex_decreased" {
                            KindCode::new("reflex_increased")
                        } else {
                            k
                        }
                    })
                    .collect();
            }
            _ => {}
        }
        // "reflexes 2+ symmetric", "normal reflexes": neither decreased nor increased.
        let reflex_normal = frame
            .detail
            .reflex
            .is_some_and(|grade| lexicon.reflex_to_normal(grade) == std::cmp::Ordering::Equal)
            || frame.change == Some(Change::Full)
            // "reflexes intact", "normal reflexes".
            || frame.change.is_none() && frame.kinds.is_empty();
        if reflex_normal
            && frame.negated
            && kinds.iter().any(|k| k.as_str() == "reflex_decreased")
            && !kinds.iter().any(|k| k.as_str() == "reflex_increased")
        {
            kinds.push(KindCode::new("reflex_increased"));
        }
        // "pain worse at night", "the pain occurs most often during the night": night pain,
        // which the red flags read, beside the pain where it is.
        if frame.detail.frequency == Some(super::detail::Frequency::AtNight)
            && !frame.negated
            && kinds.iter().any(|k| matches!(k.as_str(), "pain" | "ache"))
            && !kinds.iter().any(|k| k.as_str() == "night_pain")
        {
            kinds.push(KindCode::new("night_pain"));
            frame.kinds.push(KindCode::new("night_pain"));
            // "does not keep her up at night": the night pain is denied, and the pain's
            // own detail does not say "at night".
            if frame.night_denied {
                frame.detail.frequency = None;
            }
        }
        // "a burning shooting pain", "aching and dull pain": the pain's character, not
        // a finding of its own.
        if kinds.iter().any(|k| k.as_str() == "pain") {
            let qualities: Vec<String> = kinds
                .iter()
                .filter(|k| matches!(k.as_str(), "burning" | "ache"))
                .map(|k| {
                    if k.as_str() == "ache" {
                        "aching".to_owned()
                    } else {
                        k.as_str().to_owned()
                    }
                })
                .collect();
            if !qualities.is_empty() {
                kinds.retain(|k| !matches!(k.as_str(), "burning" | "ache"));
                let mut words: Vec<String> = frame.detail.quality.iter().cloned().collect();
                words.extend(qualities);
                frame.detail.quality = Some(words.join(", "));
            }
        }
        // "grip strength R 30 kg": a strength measured by dynamometer is charted as
        // measured; whether it is weak is read against the other side or a norm.
        if frame.change.is_none()
            && !frame.negated
            && frame.detail.strength.is_none()
            && frame
                .detail
                .measurement
                .as_ref()
                .is_some_and(|m| m.unit == super::detail::Unit::Kilograms)
            && kinds.iter().any(|k| k.as_str() == "weakness")
        {
            let measured = KindCode::new("strength_measured");
            kinds.retain(|k| k.as_str() != "weakness");
            frame.examined.retain(|k| k.as_str() != "weakness");
            kinds.push(measured.clone());
            frame.kinds.push(measured);
        }
        let found_nothing_of_it = !frame.negated
            && frame.change.is_none()
            && frame.detail.reflex.is_none()
            && frame.detail.strength.is_none();
        // "bowel and bladder incontinence": the finding named is one of the functions
        // named with it, and so is each one's.
        let each_functions = frame.kinds.iter().any(|k| frame.examined.contains(k));
        if found_nothing_of_it && !frame.kinds.is_empty() && each_functions {
        } else if found_nothing_of_it && !frame.kinds.is_empty() {
            // "a tingling sensation": the function's name is part of the finding's words.
            kinds.retain(|k| frame.kinds.contains(k));
        } else if frame.examined.iter().any(|k| !frame.kinds.contains(k)) && found_nothing_of_it {
            // "sensation" alone says what was examined, not what was found.
            unread.push(Unread {
                span,
                text: phrase.clone(),
                why: "what was found is not said (intact? decreased?)".into(),
            });
            return;
        }
        // "the thumb, index, and middle fingers of the right hand": a region named after
        // places within it says where they are, not another place.
        let named = frame.regions.clone();
        type Placed<'a> = Vec<(usize, &'a RegionCode)>;
        let (kept, containers): (Placed, Placed) =
            named.iter().enumerate().partition(|(at, region)| {
                // A part of it named ("middle" of the hand) makes it a place of its own.
                let has_site = frame.region_sites.iter().any(|(place, _)| place == *region);
                has_site
                    || !frame.of_places.contains(region)
                    || !named[..*at].iter().any(|earlier| {
                        earlier != *region && vocabulary.region_within(earlier, region)
                    })
            });
        // Its side is theirs: "of the right hand".
        for (_, container) in &containers {
            let Some(side) = frame
                .place_sides
                .iter()
                .find(|(place, _)| place == *container)
                .map(|(_, side)| *side)
            else {
                continue;
            };
            for (_, region) in &kept {
                let sided = frame.place_sides.iter().any(|(place, _)| place == *region);
                if !sided && vocabulary.region_within(region, container) {
                    frame.place_sides.push(((*region).clone(), side));
                }
            }
        }
        frame.regions = kept.into_iter().map(|(_, region)| region.clone()).collect();
        if !frame.restated.is_empty() && !frame.placed_after_finding {
            let restated = frame.restated.clone();
            frame.regions.retain(|region| restated.contains(region));
        }
        let regions: Vec<RegionCode> = if !frame.regions.is_empty() {
            // Named places and the places of named structures ("PSIS and QL").
            let mut regions = frame.regions.clone();
            for region in &structure_regions {
                if !regions.contains(region) {
                    regions.push(region.clone());
                }
            }
            regions
        } else if !frame.reflex_places.is_empty() {
            frame.reflex_places.clone()
        } else if !structure_regions.is_empty() {
            structure_regions.clone()
        } else if !frame.movement_regions.is_empty() {
            // The head turns and bends at the neck: a finding placed only by the moving of
            // the head is the neck's, never the head's.
            let mut moved: Vec<RegionCode> = Vec::new();
            for region in &frame.movement_regions {
                let region = if region.as_str() == "head" {
                    RegionCode::new("neck")
                } else {
                    region.clone()
                };
                if !moved.contains(&region) {
                    moved.push(region);
                }
            }
            moved
        } else {
            // "L4/L5 TTP": the level says which part of the spine. "L4-S1 myotomes": the
            // limb those roots serve.
            let of_roots = ["myotome", "dermatome"]
                .iter()
                .any(|root_word| phrase.to_lowercase().contains(root_word));
            frame
                .detail
                .level
                .as_ref()
                .map(|level| {
                    RegionCode::new(match (of_roots, level.spine_region()) {
                        (true, "low_back" | "sacrum") => "lower_limb",
                        (true, "neck" | "neck_posterior") => "upper_limb",
                        (_, spine) => spine,
                    })
                })
                .into_iter()
                .collect()
        };
        // "Patient reports low back pain. The pain is 6/10": a finding with no place of its
        // own that refers back takes the one place named before; with two, it is asked.
        let placed_by_kind: Vec<KindCode> = kinds
            .iter()
            .filter(|k| {
                vocabulary
                    .kind(k)
                    .is_some_and(|k| k.region != RegionPresence::None)
            })
            .cloned()
            .collect();
        let needs_a_place = kinds.iter().any(|k| {
            vocabulary
                .kind(k)
                .is_some_and(|k| k.region == RegionPresence::Required)
        });
        carried = (regions.is_empty()
            && needs_a_place
            && frame.tests.is_empty()
            && frame.structures.is_empty()
            && frame.reflex_places.is_empty()
            && frame.detail.level.is_none()
            && !frame.negation_in_doubt
            && !frame.not_reproduced
            && frame.context.is_none())
        .then(|| {
            let says_how = frame.intensity.is_some()
                || frame.detail.intensity_low.is_some()
                || frame.detail.severity.is_some()
                || frame.detail.frequency.is_some()
                || frame.detail.quality.is_some()
                || frame.detail.onset.is_some()
                || frame.detail.course.is_some()
                || !frame.detail.provoked_by.is_empty()
                || !frame.detail.eased_by.is_empty();
            let names: Vec<String> = placed_by_kind
                .iter()
                .filter_map(|k| vocabulary.kind(k))
                .filter_map(|k| k.name.split_whitespace().next().map(str::to_lowercase))
                .collect();
            let words = words_between(text, sentence_span[0], sentence_span[1]);
            (says_how || refers_back(&words, &names) || discourse.under_heading())
                .then(|| discourse.antecedent(&placed_by_kind, side, frame.negated))
                .flatten()
        })
        .flatten();
        let regions: Vec<RegionCode> = match carried {
            Some(Antecedent {
                region: Some(region),
                ..
            }) => vec![region.clone()],
            _ => regions,
        };
        for kind in &kinds {
            let takes_region = vocabulary
                .kind(kind)
                .map_or(RegionPresence::Optional, |k| k.region);
            let places: Vec<Option<&RegionCode>> = match takes_region {
                RegionPresence::None => vec![None],
                _ if regions.is_empty() => vec![None],
                _ => regions.iter().map(Some).collect(),
            };
            for place in places {
                let mut finding =
                    Finding::new(kind.as_str(), place.map(RegionCode::as_str), Side::None);
                if frame.negated || frame.night_denied && kind.as_str() == "night_pain" {
                    finding.presence = Presence::Absent;
                }
                findings.push(finding);
            }
        }
        if findings.is_empty() {
            unread.push(Unread {
                span,
                text: phrase.clone(),
                why: if frame.has_where() {
                    "a place with no finding named (pain? tenderness?)".into()
                } else {
                    "no finding named".into()
                },
            });
            return;
        }
    }
    if let Some((number, number_span)) = frame.number {
        let takes = findings.iter().all(|f| {
            vocabulary.kind(&f.kind).is_some_and(|k| k.intensity) && f.presence == Presence::Present
        });
        match u8::try_from(number as i64)
            .ok()
            .filter(|_| number.fract() == 0.0)
            .and_then(|n| Intensity::new(n).ok())
        {
            Some(value) if takes && frame.intensity.is_none() => frame.intensity = Some(value),
            _ => unread.push(Unread {
                span: number_span,
                text: text[number_span[0]..number_span[1]].to_owned(),
                why: "a number that is not an intensity of 0-10".into(),
            }),
        }
    }
    if let Some((name, _, myotome)) = frame.structures.first() {
        frame.detail.structure = Some(name.clone());
        if frame.detail.myotome.is_none() && findings.iter().any(|f| f.kind.as_str() == "weakness")
        {
            frame.detail.myotome = myotome.clone();
        }
    }
    for mut finding in findings {
        finding.intensity = if finding.presence == Presence::Present {
            frame.intensity
        } else {
            None
        };
        finding.detail = frame.detail.clone();
        // Each finding names the structure at its own place ("PSIS and QL").
        if let Some((name, _, _)) = frame
            .structures
            .iter()
            .find(|(_, region, _)| region.is_none() || region.as_ref() == finding.region.as_ref())
        {
            finding.detail.structure = Some(name.clone());
        } else if !frame.structures.is_empty() {
            // "around TMJ and neck": the neck's tenderness is not at the TMJ.
            finding.detail.structure = None;
        }
        let laterality = finding
            .region
            .as_ref()
            .and_then(|r| vocabulary.region(r))
            .map(|r| r.laterality);
        if let Some((_, site)) = frame
            .region_sites
            .iter()
            .find(|(region, _)| Some(region) == finding.region.as_ref())
        {
            finding.detail.site = Some(site.clone());
        }
        let own = |sides: &[(RegionCode, Side)]| {
            sides
                .iter()
                .find(|(region, _)| Some(region) == finding.region.as_ref())
                .map(|(_, side)| *side)
        };
        let carried_here = carried.filter(|a| a.region.is_some() && a.region == finding.region);
        if let Some(antecedent) = carried_here
            && finding.detail.structure.is_none()
        {
            finding.detail.structure = antecedent.structure.clone();
        }
        let side = match carried_here {
            // The side goes with its own place only.
            Some(antecedent) => antecedent.side,
            None => own(&frame.place_sides).or(own(&frame.region_sides)
                .filter(|_| frame.side.is_none())
                .or(side)),
        };
        finding.side = match (side, laterality) {
            (Some(side), Some(laterality)) if laterality.allows(side) => side,
            (Some(Side::Left | Side::Right | Side::Bilateral), Some(Laterality::Single)) => {
                Side::Midline
            }
            (_, Some(Laterality::Single)) => Side::Midline,
            (None, Some(Laterality::Axial)) => Side::Midline,
            // "SLR negative": a test found negative with no side written is charted as
            // written, negative, on no side; a positive one's side is asked.
            (None, Some(Laterality::Paired))
                if !finding.test_name.is_empty() && finding.presence == Presence::Absent =>
            {
                finding.region = None;
                Side::None
            }
            (None, Some(Laterality::Paired)) => {
                let name = finding
                    .region
                    .as_ref()
                    .map(|r| vocabulary.region_name(r).to_lowercase())
                    .unwrap_or_default();
                reading.questions.push(Question {
                    span,
                    text: phrase.clone(),
                    ask: format!("which side of the {name}? (R, L or bilat)"),
                    finding,
                });
                continue;
            }
            (Some(_), Some(_)) => {
                unread.push(Unread {
                    span,
                    text: phrase.clone(),
                    why: "that side does not fit the region".into(),
                });
                continue;
            }
            // "Anterior drawer neg R": a test whose joint is not named keeps its side.
            (Some(side), None) if !finding.test_name.is_empty() => side,
            (_, None) => Side::None,
        };
        // A reading in doubt is asked, never charted: the first doubt found is the question.
        let checked = vocabulary
            .check_finding(&finding.kind, finding.region.as_ref(), finding.side)
            .err();
        let ask = checked
            .or_else(|| {
                frame.not_reproduced.then(|| {
                    "not reproduced by the examination: does the patient have it?".to_owned()
                })
            })
            .or_else(|| {
                frame
                    .side_in_doubt
                    .then(|| "which side? both sides and one side are written".to_owned())
            })
            .or_else(|| {
                (frame.junction && finding.region.is_some()).then(|| {
                    "where at the cervicothoracic junction? the neck, the upper back, or both"
                        .to_owned()
                })
            })
            .or_else(|| {
                // "ROM to both sides", "reduced in right and left rotation": the movement's
                // two directions, which some charts keep as both sides; asked, not guessed.
                (frame.both_directions
                    && finding.kind.as_str() == "limited_rom"
                    && laterality == Some(Laterality::Axial))
                .then(|| "both directions of the movement, or both sides of the body?".to_owned())
            })
            .or_else(|| {
                (frame.negation_between && finding.region.is_some()).then(|| {
                    "present or absent here? a \"not\" stands between the finding and its place"
                        .to_owned()
                })
            })
            .or_else(|| {
                frame.negation_in_doubt.then(|| {
                    "does the \"no\" before the comma reach this too? (present or absent)"
                        .to_owned()
                })
            })
            .or_else(|| {
                frame.positive_palpation.then(|| {
                    "\"positive\" on palpation: tender here? (or a spasm, a trigger point)"
                        .to_owned()
                })
            })
            .or_else(|| {
                doubt
                    .as_ref()
                    .map(|word| format!("is this right? `{word}` in it was not read"))
            });
        if let Some(ask) = ask {
            // At the cervicothoracic junction the place read is not the answer: the finding
            // waits for the clinician's place, asked once.
            if frame.junction {
                finding.region = None;
                finding.side = Side::None;
            }
            let question = Question {
                span,
                text: phrase.clone(),
                ask,
                finding,
            };
            if !reading.questions.contains(&question) {
                reading.questions.push(question);
            }
            continue;
        }
        reading.items.push(ReadFinding { finding, span });
    }
}

/// Movements named with how they were found ("flexion limited", "decreased extension",
/// "full rotation", "flexion 40°"): range of motion, limited or not, of that movement.
/// Movements named with a strength grade ("R shoulder abduction 4/5", "ankle dorsiflexion
/// strength 3/5"): what was tested, and with no place named, where.
fn movements_as_strength(frame: &mut Frame) {
    // "strength decreased R hip abd": strength examined by name is graded too.
    let strength_named = frame.examined.iter().any(|k| k.as_str() == "weakness");
    if frame.detail.strength.is_none() && !strength_named || !frame.tests.is_empty() {
        return;
    }
    let (movements, others): (Vec<_>, Vec<_>) = std::mem::take(&mut frame.uncued)
        .into_iter()
        .partition(|(_, activity)| activity.is_movement());
    frame.uncued = others;
    for (_, movement) in movements {
        if !frame.detail.movements.contains(&movement) {
            frame.detail.movements.push(movement);
        }
    }
    // "C5: Shoulder abduction: L 3/5": the joint that moved is where strength was tested,
    // rather than a place the level's muscle stands for.
    if !frame.detail.movements.is_empty() && !frame.movement_regions.is_empty() {
        frame.regions = std::mem::take(&mut frame.movement_regions);
    }
    let movements = frame.detail.movements.clone();
    place_of_movements(frame, &movements);
}

/// "Dorsiflexion: 10°", "Dorsiflexion 4/5 L": with no place named, movements of one joint
/// only say where.
fn place_of_movements(frame: &mut Frame, movements: &[super::detail::Activity]) {
    if frame.regions.is_empty() && frame.movement_regions.is_empty() && frame.structures.is_empty()
    {
        let joints: Vec<&str> = movements.iter().filter_map(|m| m.only_joint()).collect();
        if let Some(joint) = joints.first()
            && joints.iter().all(|j| j == joint)
        {
            frame.movement_regions.push(RegionCode::new(*joint));
        }
    }
}

/// "knee L 3/5 R 4/5", "Cx rotation R 60° L 70°": after one side's value, the other side
/// followed by a value of its own is the same finding measured on that side, at the same
/// place; not a new finding that has to find its place elsewhere.
fn other_side_graded(frame: &Frame, side: Side, after: &[Read]) -> bool {
    let valued = frame.detail.measurement.is_some()
        || frame.detail.strength.is_some()
        || frame.detail.reflex.is_some()
        || frame.plus.is_some()
        || frame.intensity.is_some();
    let crosses = frame
        .side
        .is_some_and(|other| other != side && other != Side::Bilateral && side != Side::Bilateral);
    let is_value = |next: &Read| {
        matches!(
            next.piece,
            Piece::Measure(..)
                | Piece::Strength(_)
                | Piece::Reflex(_)
                | Piece::Plus(_)
                | Piece::Intensity(_)
        )
    };
    // "R knee 4/5 L ankle 3/5": a place of its own before the value is another finding.
    let place_first = after.iter().take_while(|next| !is_value(next)).any(|next| {
        matches!(&next.piece, Piece::Word(words) if words.iter().any(|w| {
            matches!(w, Word::Region(_) | Word::Structure { .. } | Word::ReflexPlace(_))
        }))
    });
    crosses
        && valued
        && frame.tests.is_empty()
        && !place_first
        && after.iter().take(2).any(is_value)
}

/// The parts of the spine, which move as one and have no side of their own to turn.
const SPINE: [&str; 8] = [
    "neck",
    "neck_posterior",
    "back",
    "back_upper",
    "back_mid",
    "interscapular",
    "thoracolumbar",
    "low_back",
];

/// A number this small after a movement may be a strength grade ("Dorsiflexion 3 3"), a
/// rating or degrees: asked, never read as degrees.
const SMALLEST_BARE_DEGREES: f64 = 10.0;

/// "knee flexion 120", "Cervical ROM: R rotation 60": a bare number after one named
/// movement is its range in degrees, when the lexicon has the movement's normal at the
/// place named (`rom_normals`) and the number is plausible for it: up to one and a half
/// times the normal, which is not charted (it was not written, and sources differ). A
/// number that could be something else, or a movement of no place named, is asked.
fn bare_degrees(frame: &mut Frame, movements: &[super::detail::Activity], lexicon: &Lexicon) {
    let Some((number, number_span)) = frame.number else {
        return;
    };
    let examined_only_range = frame.examined.iter().all(|k| k.as_str() == "limited_rom");
    let nothing_else = frame.detail.measurement.is_none()
        && frame.intensity.is_none()
        && frame.detail.intensity_low.is_none()
        && frame.detail.strength.is_none()
        && frame.detail.reflex.is_none()
        && frame.plus.is_none()
        && frame.tests.is_empty()
        && frame.kinds.is_empty()
        && frame.structures.is_empty()
        && examined_only_range
        && !frame.negated;
    let [movement] = movements else {
        return;
    };
    let after_it = frame
        .uncued
        .iter()
        .any(|(span, activity)| activity == movement && span[1] <= number_span[0]);
    if !nothing_else || !after_it || frame.bare_numbers != 1 {
        return;
    }
    let mut places: Vec<&RegionCode> = Vec::new();
    for place in frame.movement_regions.iter().chain(&frame.regions) {
        if !places.contains(&place) {
            places.push(place);
        }
    }
    let normal = match places.as_slice() {
        [place] => lexicon.rom_normal(place, *movement),
        _ => None,
    };
    let whole = number.fract() == 0.0;
    match normal {
        Some(normal) if whole && number > SMALLEST_BARE_DEGREES && number <= normal * 1.5 => {
            frame.number = None;
            frame.detail.measurement = Some(measured(number, Unit::Degrees));
            frame.measured_at = Some(number_span);
            frame.degrees_from_bare = true;
        }
        // A known movement at no single known place, or a number that may be a grade: asked.
        _ if places.len() != 1 || number <= SMALLEST_BARE_DEGREES => {
            frame.degrees_in_doubt = Some(if places.len() != 1 {
                format!("{number} degrees of {} of which joint?", movement.words())
            } else {
                format!(
                    "{} {number}: degrees, a strength grade or a rating?",
                    movement.words()
                )
            });
        }
        _ => {}
    }
}

fn movements_as_range(frame: &mut Frame, lexicon: &Lexicon) {
    use super::detail::Activity;
    let movements: Vec<Activity> = frame
        .uncued
        .iter()
        .map(|(_, activity)| *activity)
        .filter(|a| a.is_movement())
        .collect();
    if let (Some(normal), Some(measurement)) = (frame.normal, &mut frame.detail.measurement) {
        measurement.normal = Some(normal);
        // Measured against its normal, the value says whether the range is limited.
        if frame.change.is_none() {
            frame.change = Some(if measurement.quantity < normal {
                Change::Less
            } else {
                Change::Full
            });
            frame.negated = false;
        }
    }
    place_of_movements(frame, &movements);
    bare_degrees(frame, &movements, lexicon);
    if frame.degrees_in_doubt.is_some() {
        return;
    }
    // A symptom read with the movements ("extension reduced and painful") may be felt in
    // only some of them: the movements are kept with neither.
    let symptomatic = frame
        .kinds
        .iter()
        .any(|k| matches!(k.as_str(), "pain" | "ache" | "stiffness"));
    // "Rotation: L4, severely hypomobile": a movement named with a restriction already
    // read as limited range is the movement restricted, not what brings a symptom on.
    let restricted = frame.kinds.iter().any(|k| k.as_str() == "limited_rom");
    if restricted && !symptomatic && frame.change.is_none() && frame.detail.measurement.is_none() {
        frame.uncued.retain(|(_, activity)| !activity.is_movement());
        for movement in movements {
            if !frame.detail.movements.contains(&movement) {
                frame.detail.movements.push(movement);
            }
        }
        return;
    }
    let measured = frame.detail.measurement.is_some();
    // "Left side bending, within normal limits": a movement found normal.
    let found = frame.change.or(frame.negated.then_some(Change::Full));
    if movements.is_empty() || !(found.is_some() || measured) || !frame.tests.is_empty() {
        return;
    }
    frame.change = found;
    let limited = KindCode::new("limited_rom");
    if !frame.examined.contains(&limited) && !frame.kinds.contains(&limited) {
        frame.examined.push(limited.clone());
    }
    if frame.change.is_none() {
        // A value alone does not say limited: "knee flexion 110°" against what normal? It
        // is a measured range, charted as measured.
        frame.examined.retain(|k| *k != limited);
        let measured = KindCode::new("rom_measured");
        if !frame.kinds.contains(&measured) {
            frame.kinds.push(measured);
        }
        let names: Vec<&str> = movements.iter().map(|a| a.words()).collect();
        if let Some(measurement) = &mut frame.detail.measurement {
            measurement.of = Some(names.join(", "));
        }
        frame.uncued.clear();
        return;
    }
    let names: Vec<&str> = movements.iter().map(|a| a.words()).collect();
    match &mut frame.detail.measurement {
        Some(measurement) => measurement.of = Some(names.join(", ")),
        // "lumbar flexion limited": the movement is kept with the finding.
        None if !symptomatic => {
            for movement in movements {
                if !frame.detail.movements.contains(&movement) {
                    frame.detail.movements.push(movement);
                }
            }
        }
        None => {}
    }
    frame.uncued.clear();
}

/// Adjacent unread words as one stretch of text, with the first reason.
fn merge_unread(text: &str, unread: Vec<Unread>) -> Vec<Unread> {
    let mut merged: Vec<Unread> = Vec::new();
    for item in unread {
        if let Some(last) = merged.last_mut()
            && last.why == item.why
            && text[last.span[1]..item.span[0].max(last.span[1])]
                .trim()
                .is_empty()
            && item.span[0] >= last.span[1]
        {
            last.span[1] = item.span[1];
            last.text = text[last.span[0]..last.span[1]].to_owned();
            continue;
        }
        if merged.last().is_some_and(|last| last.span == item.span) {
            continue;
        }
        merged.push(item);
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Reading {
        read_findings(text, None, Vocabulary::builtin(), Lexicon::builtin())
    }

    fn summary(reading: &Reading) -> Vec<String> {
        reading
            .items
            .iter()
            .map(|item| {
                let f = &item.finding;
                format!(
                    "{} {} {} {}{}",
                    f.kind,
                    f.region.as_ref().map_or("-", |r| r.as_str()),
                    f.side.code(),
                    f.presence.code(),
                    if f.test_name.is_empty() {
                        String::new()
                    } else {
                        format!(" {}", f.test_name)
                    }
                )
            })
            .collect()
    }

    #[test]
    fn the_lexicon_loads_against_the_vocabulary() {
        assert!(Lexicon::builtin().longest() >= 3);
    }

    #[test]
    fn tests_keep_their_side_and_result() {
        assert_eq!(
            summary(&read("SLR neg bilat")),
            ["positive_test thigh_posterior bilateral absent SLR"]
        );
        assert_eq!(
            summary(&read("FABER + L")),
            ["positive_test si_joint left present FABER"]
        );
        assert_eq!(
            summary(&read("FABER+ L")),
            ["positive_test si_joint left present FABER"]
        );
    }

    #[test]
    fn negation_reaches_every_finding_it_governs() {
        let reading = read("denies tingling or weakness R leg");
        assert_eq!(reading.items.len(), 2, "{reading:?}");
        assert!(
            reading
                .items
                .iter()
                .all(|i| i.finding.presence == Presence::Absent)
        );
    }
}
