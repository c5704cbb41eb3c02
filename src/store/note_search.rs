//! Search by the words written in the record: the visits' notes, the findings' tests and
//! notes, the interventions as charted and the addenda, through the `note_search`
//! full-text index that schema.sql (migrations 9 and 11) keeps in step with them.

use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, params};

use super::{Result, Store, name_query, rows};
use crate::model::{Patient, PatientId, VisitId};

/// How many index rows a search reads at most while gathering patients: enough for every
/// patient of a large clinic to have dozens of matching lines, and a bound on the time a
/// word found everywhere can take.
const ROWS_READ: usize = 20_000;

/// Where in the record the words were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteField {
    ChiefComplaint,
    Subjective,
    Objective,
    Assessment,
    Plan,
    Finding,
    Addendum,
    /// An intervention's target, dose and notes.
    Intervention,
}

impl NoteField {
    /// The field of an index row, from the rowid schema.sql gives it (id * 8 + field).
    fn of_row(rowid: i64) -> Option<NoteField> {
        Some(match rowid.rem_euclid(8) {
            0 => NoteField::ChiefComplaint,
            1 => NoteField::Subjective,
            2 => NoteField::Objective,
            3 => NoteField::Assessment,
            4 => NoteField::Plan,
            5 => NoteField::Finding,
            6 => NoteField::Addendum,
            7 => NoteField::Intervention,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            NoteField::ChiefComplaint => "Chief complaint",
            NoteField::Subjective => "Subjective",
            NoteField::Objective => "Objective",
            NoteField::Assessment => "Assessment",
            NoteField::Plan => "Plan",
            NoteField::Finding => "Finding",
            NoteField::Addendum => "Addendum",
            NoteField::Intervention => "Intervention",
        }
    }
}

/// A patient found by the words of their record, with the newest place they were written.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteMatch {
    pub patient: Patient,
    pub visit: VisitId,
    pub visit_started: NaiveDateTime,
    pub field: NoteField,
    /// The line (or sentence, in a note written as one paragraph) that holds the words.
    pub line: String,
}

impl Store {
    /// Patients whose notes, findings, interventions or addenda hold every word of `query` (each word
    /// matching by prefix, as the name search does), at most `limit`, each with the
    /// newest visit where the words were written and the line that holds them; the
    /// patients whose matching visit is newest come first.
    pub fn search_notes(&self, query: &str, limit: usize) -> Result<Vec<NoteMatch>> {
        let Some(prefixes) = name_query(query.trim()) else {
            return Ok(Vec::new());
        };
        // Whole words first: the index reads a word's rows lazily, newest first, and stops
        // when enough patients are found; a prefix gathers every row of every word it
        // starts before the first is returned, which on a large notebook takes tens of
        // milliseconds. Prefixes then fill the list (a word still being typed).
        let whole_words = prefixes.replace("\"*", "\"");
        let mut chosen: Vec<(PatientId, VisitId, i64)> = Vec::new();
        for fts_query in [whole_words, prefixes] {
            if chosen.len() >= limit {
                break;
            }
            self.gather_note_rows(&fts_query, limit, &mut chosen)?;
        }
        let mut matches = Vec::with_capacity(chosen.len());
        for (patient_id, visit, rowid) in chosen {
            let Some(field) = NoteField::of_row(rowid) else {
                continue;
            };
            let body: Option<String> = self
                .conn
                .prepare_cached("SELECT body FROM note_search WHERE rowid = ?1")?
                .query_row([rowid], |row| row.get(0))
                .optional()?;
            let started: Option<String> = self
                .conn
                .prepare_cached("SELECT started_at FROM visit WHERE id = ?1")?
                .query_row([visit.0], |row| row.get(0))
                .optional()?;
            let (Some(body), Some(started)) = (body, started) else {
                continue;
            };
            let Ok(visit_started) = NaiveDateTime::parse_from_str(&started, "%Y-%m-%dT%H:%M:%S")
            else {
                continue;
            };
            let patient = rows::patient(&self.conn, patient_id)?;
            matches.push(NoteMatch {
                patient,
                visit,
                visit_started,
                field,
                line: matching_line(&body, query),
            });
        }
        matches.sort_by_key(|m| std::cmp::Reverse(m.visit_started));
        Ok(matches)
    }
}

impl Store {
    /// Adds to `chosen`, up to `limit` patients, each patient's newest visit among the
    /// index rows matching `fts_query`, with the row found there.
    fn gather_note_rows(
        &self,
        fts_query: &str,
        limit: usize,
        chosen: &mut Vec<(PatientId, VisitId, i64)>,
    ) -> Result<()> {
        // Newest index rows first, at most ROWS_READ of them.
        let mut statement = self.conn.prepare_cached(
            "SELECT rowid, patient_id, visit_id FROM note_search
             WHERE note_search MATCH ?1 ORDER BY rowid DESC LIMIT ?2",
        )?;
        let read = i64::try_from(ROWS_READ).unwrap_or(i64::MAX);
        let mut rows_found = statement.query(params![fts_query, read])?;
        while let Some(row) = rows_found.next()? {
            let rowid: i64 = row.get(0)?;
            let patient = PatientId(row.get(1)?);
            let visit = VisitId(row.get(2)?);
            match chosen.iter().position(|(p, _, _)| *p == patient) {
                Some(at) if visit.0 > chosen[at].1.0 => chosen[at] = (patient, visit, rowid),
                Some(_) => {}
                None if chosen.len() < limit => chosen.push((patient, visit, rowid)),
                None => break,
            }
        }
        Ok(())
    }
}

/// The line of `body` that holds the most words of `query` (by prefix, ignoring case),
/// or its first sentence holding them when the text is one paragraph; shortened to about
/// a list row's width around the first word found.
pub fn matching_line(body: &str, query: &str) -> String {
    let words: Vec<String> = query
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let holds = |text: &str| -> usize {
        let lower = text.to_lowercase();
        let tokens: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .collect();
        words
            .iter()
            .filter(|w| tokens.iter().any(|t| t.starts_with(w.as_str())))
            .count()
    };
    let pieces = body
        .lines()
        .flat_map(|line| line.split_inclusive(". "))
        .map(str::trim)
        .filter(|piece| !piece.is_empty());
    // The first piece holding the most words.
    let best = pieces
        .enumerate()
        .max_by_key(|(at, piece)| (holds(piece), std::cmp::Reverse(*at)))
        .map_or(body.trim(), |(_, piece)| piece);
    shorten(best, 120)
}

fn shorten(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        return text.to_owned();
    }
    let kept: String = text.chars().take(most).collect();
    let cut = kept
        .rfind(' ')
        .filter(|&at| at > most / 2)
        .unwrap_or(kept.len());
    format!("{}…", kept[..cut].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shown_is_the_sentence_holding_the_words() {
        let body = "Ankle DF limited bilat. TrP soleus bilat, L more than R. Neuro intact.";
        assert_eq!(
            matching_line(body, "sole"),
            "TrP soleus bilat, L more than R."
        );
        assert_eq!(
            matching_line("one\ntwo soleus\nthree", "SOLEUS"),
            "two soleus"
        );
    }

    #[test]
    fn a_long_line_is_shortened_at_a_word() {
        let body = "soleus ".repeat(40);
        let line = matching_line(&body, "soleus");
        assert!(line.ends_with('…'));
        assert!(line.chars().count() <= 121);
    }
}
