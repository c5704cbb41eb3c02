//! Property tests that feed the parsers what a damaged file or a careless hand would:
//! arbitrary text and mutated copies of real files (characters deleted, duplicated or
//! changed, numbers changed, field values swapped, replaced, removed or duplicated). The
//! notebook file parser, the import into a store, the charting shorthand parsers and the
//! vocabulary and knowledge-base loaders must answer Ok or Err and never panic; an import
//! either adds everything it says or nothing; what the shorthand accepts the vocabulary
//! accepts. Case counts are bounded so that the file runs in seconds in a debug build.

use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;
use upstream::model::vocabulary::VocabularySources;
use upstream::model::{Patient, Vocabulary, shorthand};
use upstream::reasoner::KnowledgeBase;
use upstream::reasoner::KnowledgeFiles;
use upstream::store::{NotebookFile, Store};

// ----- mutations -----

/// One change to a text, at a position taken modulo its length.
#[derive(Debug, Clone)]
enum TextMutation {
    Delete(usize),
    Duplicate(usize),
    Replace(usize, char),
    /// The n-th run of digits becomes this.
    Number(usize, &'static str),
}

const NUMBERS: [&str; 12] = [
    "0",
    "-1",
    "11",
    "255",
    "256",
    "65536",
    "9223372036854775808",
    "-9223372036854775809",
    "1e309",
    "3.5",
    "-0",
    "",
];

fn text_mutation() -> impl Strategy<Value = TextMutation> {
    let significant = prop::sample::select(vec![
        '{', '}', '[', ']', '"', ':', ',', '\\', '0', '9', '-', '.', 'e', ' ', '\n', 'é', '\u{0}',
        '\u{fffd}',
    ]);
    prop_oneof![
        any::<usize>().prop_map(TextMutation::Delete),
        any::<usize>().prop_map(TextMutation::Duplicate),
        (any::<usize>(), significant).prop_map(|(at, c)| TextMutation::Replace(at, c)),
        (any::<usize>(), any::<char>()).prop_map(|(at, c)| TextMutation::Replace(at, c)),
        (any::<usize>(), prop::sample::select(NUMBERS.to_vec()))
            .prop_map(|(at, n)| TextMutation::Number(at, n)),
    ]
}

fn mutate_text(text: &str, mutations: &[TextMutation]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for mutation in mutations {
        if chars.is_empty() {
            break;
        }
        let len = chars.len();
        match *mutation {
            TextMutation::Delete(at) => {
                chars.remove(at % len);
            }
            TextMutation::Duplicate(at) => {
                let c = chars[at % len];
                chars.insert(at % len, c);
            }
            TextMutation::Replace(at, c) => chars[at % len] = c,
            TextMutation::Number(nth, number) => {
                let mut runs = Vec::new();
                let mut start = None;
                for (i, c) in chars.iter().chain(std::iter::once(&' ')).enumerate() {
                    match (c.is_ascii_digit(), start) {
                        (true, None) => start = Some(i),
                        (false, Some(s)) => {
                            runs.push((s, i));
                            start = None;
                        }
                        _ => {}
                    }
                }
                if !runs.is_empty() {
                    let (from, to) = runs[nth % runs.len()];
                    chars.splice(from..to, number.chars());
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// One change to a JSON document's structure, at a node taken modulo their number.
#[derive(Debug, Clone)]
enum ValueMutation {
    Swap(usize, usize),
    Replace(usize, Value),
    Remove(usize),
    Duplicate(usize),
}

fn wild_value() -> impl Strategy<Value = Value> {
    use serde_json::json;
    prop_oneof![
        prop::sample::select(vec![
            json!(null),
            json!(true),
            json!(0),
            json!(-1),
            json!(11),
            json!(1.5),
            json!(1e300),
            json!(i64::MAX),
            json!(u64::MAX),
            json!(""),
            json!(" "),
            json!("left"),
            json!("calf"),
            json!("pain"),
            json!("signed"),
            json!("2026-02-30T09:30:00"),
            json!("1980-01-02"),
            json!([]),
            json!({}),
            json!([1, 2]),
            json!({"id": 1}),
        ]),
        ".{0,12}".prop_map(Value::String),
        any::<i64>().prop_map(Value::from),
    ]
}

fn value_mutation() -> impl Strategy<Value = ValueMutation> {
    prop_oneof![
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| ValueMutation::Swap(a, b)),
        (any::<usize>(), wild_value()).prop_map(|(a, v)| ValueMutation::Replace(a, v)),
        any::<usize>().prop_map(ValueMutation::Remove),
        any::<usize>().prop_map(ValueMutation::Duplicate),
    ]
}

/// JSON pointers to every node below the root.
fn pointers(value: &Value) -> Vec<String> {
    fn walk(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let path = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                    out.push(path.clone());
                    walk(child, path, out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let path = format!("{at}/{i}");
                    out.push(path.clone());
                    walk(child, path, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}

fn parent_and_last(pointer: &str) -> (&str, String) {
    let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    (parent, last.replace("~1", "/").replace("~0", "~"))
}

fn mutate_value(value: &mut Value, mutations: &[ValueMutation]) {
    for mutation in mutations {
        let nodes = pointers(value);
        if nodes.is_empty() {
            return;
        }
        let node = |at: usize| nodes[at % nodes.len()].clone();
        match mutation {
            ValueMutation::Swap(a, b) => {
                let (a, b) = (node(*a), node(*b));
                // A node cannot be swapped with one inside it.
                if a.starts_with(&format!("{b}/")) || b.starts_with(&format!("{a}/")) {
                    continue;
                }
                let first = value.pointer(&a).cloned().unwrap_or(Value::Null);
                let second = value.pointer(&b).cloned().unwrap_or(Value::Null);
                *value.pointer_mut(&a).unwrap() = second;
                *value.pointer_mut(&b).unwrap() = first;
            }
            ValueMutation::Replace(at, new) => {
                *value.pointer_mut(&node(*at)).unwrap() = new.clone()
            }
            ValueMutation::Remove(at) | ValueMutation::Duplicate(at) => {
                let pointer = node(*at);
                let (parent, last) = parent_and_last(&pointer);
                let duplicate = matches!(mutation, ValueMutation::Duplicate(_));
                match value.pointer_mut(parent) {
                    Some(Value::Object(map)) if !duplicate => {
                        map.remove(&last);
                    }
                    Some(Value::Array(items)) => {
                        let i: usize = last.parse().unwrap();
                        if duplicate {
                            let copy = items[i].clone();
                            items.insert(i, copy);
                        } else {
                            items.remove(i);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

// ----- the notebook file and import -----

/// A real notebook file: the first two patients of the demo clinic, with every field the
/// format has (signatures, history, findings of each kind, interventions).
static NOTEBOOK_TEXT: LazyLock<String> = LazyLock::new(|| {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
    let mut notebook = upstream::demo::clinic(day).unwrap();
    notebook.patients.truncate(2);
    serde_json::to_string_pretty(&notebook).unwrap()
});

/// Imports whatever parsed into a store that already holds `existing` patients: all of it
/// or none of it.
fn import_is_all_or_nothing(notebook: &NotebookFile, existing: usize) -> Result<(), TestCaseError> {
    let mut store = Store::open_in_memory().unwrap();
    for n in 0..existing {
        store
            .create_patient(&crate::by(), &Patient::new(format!("Already Here {n}")))
            .unwrap();
    }
    let before = store.patient_count().unwrap();
    match store.import(&crate::by(), notebook) {
        Ok(summary) => {
            prop_assert_eq!(
                store.patient_count().unwrap(),
                before + summary.patients as i64
            );
            prop_assert_eq!(summary.patients, notebook.patients.len());
            prop_assert!(store.verify_audit().unwrap().is_intact());
        }
        Err(_) => prop_assert_eq!(store.patient_count().unwrap(), before),
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 256, failure_persistence: None, ..Config::default() })]

    #[test]
    fn any_text_is_parsed_or_refused_as_a_notebook_file(text in any::<String>()) {
        let _ = NotebookFile::parse(&text, "fuzz");
    }

    #[test]
    fn json_shaped_text_is_parsed_or_refused_as_a_notebook_file(
        text in r#"\{("(format|version|patients|patient|visits|visit|id|name)"|[\[\]{}:,0-9\-. "a-z]){0,80}\}?"#
    ) {
        let _ = NotebookFile::parse(&text, "fuzz");
    }

    #[test]
    fn a_notebook_file_with_damaged_characters_is_imported_whole_or_not_at_all(
        mutations in prop::collection::vec(text_mutation(), 1..6),
        existing in 0..2usize,
    ) {
        let text = mutate_text(&NOTEBOOK_TEXT, &mutations);
        if let Ok(notebook) = NotebookFile::parse(&text, "fuzz") {
            import_is_all_or_nothing(&notebook, existing)?;
        }
    }

    #[test]
    fn a_notebook_file_with_changed_values_is_imported_whole_or_not_at_all(
        mutations in prop::collection::vec(value_mutation(), 1..5),
        existing in 0..2usize,
    ) {
        let mut value: Value = serde_json::from_str(&NOTEBOOK_TEXT).unwrap();
        mutate_value(&mut value, &mutations);
        let text = serde_json::to_string_pretty(&value).unwrap();
        if let Ok(notebook) = NotebookFile::parse(&text, "fuzz") {
            import_is_all_or_nothing(&notebook, existing)?;
        }
    }
}

// ----- the charting shorthand -----

/// Words a clinician types: the vocabulary's names and synonyms, sides, numbers,
/// negations, test results, treatments, fillers and punctuation.
static WORDS: LazyLock<Vec<String>> =
    LazyLock::new(|| {
        let vocabulary = Vocabulary::builtin();
        let mut words: Vec<String> =
            vocabulary
                .regions()
                .iter()
                .flat_map(|r| std::iter::once(r.name.clone()).chain(r.synonyms.iter().cloned()))
                .chain(vocabulary.kinds().iter().flat_map(|k| {
                    std::iter::once(k.name.clone()).chain(k.synonyms.iter().cloned())
                }))
                .collect();
        words.extend(
            [
                "R",
                "L",
                "r",
                "lt",
                "bilat",
                "b/l",
                "both",
                "midline",
                "(r)",
                "0",
                "4",
                "4/10",
                "10/10",
                "11",
                "11/10",
                "256",
                "999",
                "-3",
                "1000",
                "no",
                "denies",
                "not",
                "+",
                "-",
                "(+)",
                "pos",
                "neg",
                "+ve",
                "SLR",
                "Thompson",
                "FABER",
                "HVLA",
                "mob",
                "STM",
                "DN",
                "stretch",
                "exercise",
                "tape",
                "advice",
                "refer",
                "min",
                "x",
                "3 x 30 s",
                "lat",
                "med",
                "ant",
                "post",
                "at",
                "of",
                "the",
                ";",
                ",",
                ".",
                "/",
                "\n",
                "  ",
                "é",
                "decreased",
                "brisk",
            ]
            .map(str::to_owned),
        );
        words
    });

fn word_salad() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(WORDS.clone()),
            prop::sample::select(vec![" ", " ", " ", "; ", ",", "\n", ""]),
        ),
        0..12,
    )
    .prop_map(|words| words.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
}

proptest! {
    #![proptest_config(Config { cases: 256, failure_persistence: None, ..Config::default() })]

    #[test]
    fn any_text_is_read_or_refused_as_shorthand(text in any::<String>()) {
        let vocabulary = Vocabulary::builtin();
        let _ = shorthand::parse(&text, vocabulary);
        let _ = shorthand::parse_interventions(&text, vocabulary);
    }
}

proptest! {
    // An unknown word costs a search for the closest known terms, about a tenth of a
    // second per salad in a debug build: fewer cases.
    #![proptest_config(Config { cases: 64, failure_persistence: None, ..Config::default() })]

    #[test]
    fn what_the_shorthand_accepts_the_vocabulary_accepts(text in word_salad()) {
        let vocabulary = Vocabulary::builtin();
        if let Ok(findings) = shorthand::parse(&text, vocabulary) {
            for finding in findings {
                prop_assert!(
                    vocabulary
                        .check_finding(&finding.kind, finding.region.as_ref(), finding.side)
                        .is_ok(),
                    "{:?} read from {:?}", finding, text
                );
                prop_assert!(finding.intensity.is_none_or(|i| i.value() <= 10));
            }
        }
        let _ = shorthand::parse_interventions(&text, vocabulary);
    }
}

// ----- the vocabulary and the knowledge base -----

const VOCABULARY_FILES: [(&str, &str); 3] = [
    ("regions", VocabularySources::BUILTIN.regions),
    ("finding_kinds", VocabularySources::BUILTIN.finding_kinds),
    ("history_flags", VocabularySources::BUILTIN.history_flags),
];

fn vocabulary_with(which: usize, text: &str) -> VocabularySources<'_> {
    let mut sources = VocabularySources::BUILTIN;
    match which % 3 {
        0 => sources.regions = text,
        1 => sources.finding_kinds = text,
        _ => sources.history_flags = text,
    }
    sources
}

/// The knowledge files with the one numbered `which` (sources first, then red flags)
/// replaced by `text`.
fn knowledge_with(which: usize, text: &str) -> KnowledgeFiles<'_> {
    let mut files = KnowledgeFiles::builtin();
    let which = which % (files.sources.len() + 1);
    if which == files.sources.len() {
        files.red_flags.1 = text;
    } else {
        files.sources[which].1 = text;
    }
    files
}

fn knowledge_text(which: usize) -> &'static str {
    let files = KnowledgeFiles::builtin();
    let which = which % (files.sources.len() + 1);
    files
        .sources
        .get(which)
        .map_or(files.red_flags.1, |file| file.1)
}

proptest! {
    #![proptest_config(Config { cases: 96, failure_persistence: None, ..Config::default() })]

    #[test]
    fn a_damaged_vocabulary_file_loads_or_is_refused(
        which in 0..3usize,
        mutations in prop::collection::vec(text_mutation(), 1..6),
    ) {
        let text = mutate_text(VOCABULARY_FILES[which].1, &mutations);
        let _ = Vocabulary::load(vocabulary_with(which, &text));
    }

    #[test]
    fn a_vocabulary_file_with_changed_values_loads_or_is_refused(
        which in 0..3usize,
        mutations in prop::collection::vec(value_mutation(), 1..5),
    ) {
        let mut value: Value = serde_json::from_str(VOCABULARY_FILES[which].1).unwrap();
        mutate_value(&mut value, &mutations);
        let text = value.to_string();
        let _ = Vocabulary::load(vocabulary_with(which, &text));
    }

    #[test]
    fn a_damaged_knowledge_file_loads_or_is_refused(
        which in 0..6usize,
        mutations in prop::collection::vec(text_mutation(), 1..6),
    ) {
        let text = mutate_text(knowledge_text(which), &mutations);
        let _ = KnowledgeBase::load(Vocabulary::builtin().clone(), &knowledge_with(which, &text));
    }

    #[test]
    fn a_knowledge_file_with_changed_values_loads_or_is_refused(
        which in 0..6usize,
        mutations in prop::collection::vec(value_mutation(), 1..5),
    ) {
        let mut value: Value = serde_json::from_str(knowledge_text(which)).unwrap();
        mutate_value(&mut value, &mutations);
        let text = value.to_string();
        let _ = KnowledgeBase::load(Vocabulary::builtin().clone(), &knowledge_with(which, &text));
    }
}

/// The mutations do change what they are given, so the properties above see damaged
/// files and not the originals.
#[test]
fn the_mutations_change_the_files() {
    let original = NOTEBOOK_TEXT.as_str();
    assert_ne!(mutate_text(original, &[TextMutation::Delete(7)]), original);
    assert_ne!(
        mutate_text(original, &[TextMutation::Number(3, "-1")]),
        original
    );
    let mut value: Value = serde_json::from_str(original).unwrap();
    let before = value.clone();
    mutate_value(&mut value, &[ValueMutation::Replace(5, Value::Null)]);
    assert_ne!(value, before);
    let mut value = before.clone();
    mutate_value(&mut value, &[ValueMutation::Remove(40)]);
    assert_ne!(value, before);
    // The unmutated file imports whole.
    let notebook = NotebookFile::parse(original, "demo").unwrap();
    assert_eq!(notebook.patients.len(), 2);
    import_is_all_or_nothing(&notebook, 1).unwrap();
}
