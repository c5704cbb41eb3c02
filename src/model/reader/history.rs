//! A patient's history as the clinician writes it ("runner; bruxism; breast cancer 2019,
//! on tamoxifen"): the conditions the knowledge base knows are recognised by their names
//! and synonyms, wherever they stand in an entry; every entry is kept as written, and one
//! that names nothing known is shown as it is, never a reason to refuse the case.

use serde::Serialize;

use super::super::Vocabulary;
use super::super::vocabulary::normalize_term;

/// What a history says to the reasoner.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HistoryReading {
    /// History-flag codes recognised, each once, in the order first met.
    pub codes: Vec<String>,
    /// Entries that name no known condition, kept as written.
    pub kept: Vec<String>,
}

/// Reads each entry of a history: a code, a name or synonym, or free text with them in it.
pub fn read_history<S: AsRef<str>>(entries: &[S], vocabulary: &Vocabulary) -> HistoryReading {
    let mut reading = HistoryReading::default();
    for entry in entries {
        let entry = entry.as_ref().trim();
        if entry.is_empty() {
            continue;
        }
        let found = recognise(entry, vocabulary);
        if found.is_empty() {
            reading.kept.push(entry.to_owned());
        }
        for code in found {
            if !reading.codes.contains(&code) {
                reading.codes.push(code);
            }
        }
    }
    reading
}

/// The history flags an entry names: the whole entry as a term, else every name or
/// synonym found in it word for word, longest first, without overlaps.
fn recognise(entry: &str, vocabulary: &Vocabulary) -> Vec<String> {
    if let Ok(flag) = vocabulary.find_history_flag(entry) {
        return vec![flag.code.clone()];
    }
    let words: Vec<String> = normalize_term(&entry.replace([',', ';', '.', '(', ')', '/'], " "))
        .split(' ')
        .map(str::to_owned)
        .collect();
    let mut terms: Vec<(Vec<String>, String)> = vocabulary
        .history_flags()
        .iter()
        .flat_map(|flag| {
            std::iter::once(&flag.name)
                .chain(&flag.synonyms)
                .map(move |term| {
                    (
                        normalize_term(term).split(' ').map(str::to_owned).collect(),
                        flag.code.clone(),
                    )
                })
        })
        .collect();
    terms.sort_by_key(|(term, _): &(Vec<String>, String)| std::cmp::Reverse(term.len()));
    let mut used = vec![false; words.len()];
    let mut found = Vec::new();
    for (term, code) in &terms {
        if term.is_empty() || term.len() > words.len() {
            continue;
        }
        for start in 0..=words.len() - term.len() {
            let span = start..start + term.len();
            if words[span.clone()] == term[..] && !used[span.clone()].iter().any(|u| *u) {
                used[span].iter_mut().for_each(|u| *u = true);
                if !found.contains(code) {
                    found.push(code.clone());
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_conditions_are_found_in_free_text_and_the_rest_kept() {
        let vocabulary = Vocabulary::builtin();
        let reading = read_history(
            &[
                "runner",
                "bruxism",
                "hx of cancer (breast, 2019)",
                "anticoagulants",
                "cancer_history",
            ],
            vocabulary,
        );
        assert_eq!(reading.codes, ["cancer_history", "anticoagulants"]);
        assert_eq!(reading.kept, ["runner", "bruxism"]);
    }
}
