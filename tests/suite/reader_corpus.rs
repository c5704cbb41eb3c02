//! The reader against the corpus of real phrases (`tests/corpus/`, issue 11): how many are
//! read whole (nothing unread, nothing asked that the source does not leave open), how many
//! exactly as expected (what the source says charted, what it leaves open asked), and how
//! many with a wrong side, region or negation, which must be none. `cargo test --test suite reader_corpus -- --nocapture` prints the figures.

use std::collections::BTreeSet;

use upstream::model::reader::{Lexicon, read_findings};
use upstream::model::{Side, Vocabulary};

const FINDING_FILES: [&str; 3] = [
    "findings-spine.json",
    "findings-upper-limb-head.json",
    "findings-lower-limb.json",
];

/// What a reading is compared on: kind, region, side, presence, test.
type Core = (String, String, String, String, String);

/// The expected readings with each `new:` code the vocabulary has since gained replaced by
/// its code: `new:lower_limb` once `lower_limb` exists, `new:upper_extremity` once a region
/// is named "upper extremity". The corpus keeps what its author wrote; a code the
/// vocabulary still lacks stays `new:`.
fn resolved(expect: &serde_json::Value, vocabulary: &Vocabulary) -> Vec<serde_json::Value> {
    // The code named so: by its code, its name or one of its synonyms.
    fn named<'a>(
        entries: impl Iterator<Item = (&'a str, &'a String, &'a [String])>,
        wanted: &str,
    ) -> Option<String> {
        let words = wanted.replace('_', " ");
        entries
            .filter(|(code, name, synonyms)| {
                *code == wanted
                    || std::iter::once(*name)
                        .chain(synonyms.iter())
                        .any(|n| n.eq_ignore_ascii_case(&words))
            })
            .map(|(code, _, _)| code.to_owned())
            .next()
    }
    let resolve = |field: &str, code: &str| -> Option<String> {
        let wanted = code.strip_prefix("new:")?;
        match field {
            "region" => named(
                vocabulary
                    .regions()
                    .iter()
                    .map(|r| (r.code.as_str(), &r.name, r.synonyms.as_slice())),
                wanted,
            ),
            _ => named(
                vocabulary
                    .kinds()
                    .iter()
                    .map(|k| (k.code.as_str(), &k.name, k.synonyms.as_slice())),
                wanted,
            ),
        }
    };
    expect
        .as_array()
        .unwrap()
        .iter()
        .map(|reading| {
            let mut reading = reading.clone();
            for field in ["kind", "region"] {
                if let Some(code) = reading[field].as_str()
                    && let Some(known) = resolve(field, code)
                {
                    reading[field] = serde_json::Value::String(known);
                }
            }
            reading
        })
        .collect()
}

fn side_of(text: &str) -> Option<Side> {
    Side::from_code(text)
}

/// A test's name as compared: "Kemp's test", "kemp", "Kemps sign" are one test.
fn test_name(name: &str) -> String {
    let name = name.to_lowercase().replace(['\u{2019}', '\''], "");
    let name = name
        .trim_end_matches(" test")
        .trim_end_matches(" sign")
        .trim_end_matches(" maneuver");
    name.trim_end_matches('s').to_owned()
}

fn expected_core(reading: &serde_json::Value) -> Core {
    let text = |field: &str| reading[field].as_str().unwrap_or_default().to_owned();
    let mut kind = text("kind");
    let presence = match reading["presence"].as_str() {
        Some(p) => p.to_owned(),
        None => match reading["result"].as_str() {
            Some("negative") => "absent".into(),
            _ => "present".into(),
        },
    };
    if reading["test"].is_string() {
        kind = "positive_test".into();
    }
    (
        kind,
        text("region"),
        reading["side"].as_str().unwrap_or("none").to_owned(),
        presence,
        test_name(&text("test")),
    )
}

#[derive(Debug, Default)]
struct Figures {
    phrases: usize,
    /// Phrases whose readings use only codes the vocabulary has (no `new:`).
    in_vocabulary: usize,
    whole: usize,
    exact: usize,
    wrong_side: Vec<String>,
    wrong_negation: Vec<String>,
    wrong_region: Vec<String>,
}

#[test]
fn the_reader_on_the_corpus_never_reads_a_wrong_side_region_or_negation() {
    let figures = measure(&FINDING_FILES, "the corpus");
    // The floor reached so far; issue 11 asks for 95 % whole and 90 % exact.
    assert!(figures.phrases >= 500, "{figures:?}");
}

/// Phrases collected after the reader's lexicon had grown on the corpus above, their
/// readings written from the sources before the reader ran on them: how well the reader
/// reads words it was not grown on.
#[test]
fn the_reader_on_phrases_held_out_never_reads_a_wrong_side_region_or_negation() {
    let figures = measure(&["findings-heldout.json"], "held-out phrases");
    assert!(figures.phrases >= 150, "{figures:?}");
}

/// A second held-out set, collected in the sixth session from sources no other file cites,
/// its readings written and committed before the reader ran on it: blind, where the first
/// set is now partly seen.
///
/// Its first run read 7 phrases wrong (tests/corpus/README.md, sixth session); the reader
/// was fixed, the items left as written. Three expectations are debatable, and there the
/// reader asks rather than reads:
/// - "normal cervical range of motion (ROM) to both sides" expects the neck *bilateral*, and
///   "reduced 50% in right and left rotation" the same: both sides there are the movement's
///   two directions, which the reader otherwise keeps out of the side (one direction is the
///   spine's midline). Midline and bilateral are both defensible for the record, so both
///   directions named is asked.
/// - "cervicothoracic" (and "cervical-thoracic") is the junction of the neck and the upper
///   back. The items expect the *neck* for the range and the pain of the cervicothoracic
///   spine, and both the posterior neck and the upper back for the pain of the "posterior
///   cervical-thoracic region", while the vocabulary keeps "cervicothoracic junction" under
///   the upper back (`back_upper`). Neither place alone is sure, so where is asked.
#[test]
fn the_reader_on_a_second_blind_held_out_set_never_reads_a_wrong_side_region_or_negation() {
    let figures = measure(&["findings-heldout-2.json"], "held-out phrases, second set");
    assert!(figures.phrases >= 190, "{figures:?}");
}

/// Reads every finding phrase of `files`, prints the figures, and fails on any phrase read
/// with a wrong side, region or negation.
fn measure(files: &[&str], name: &str) -> Figures {
    let vocabulary = Vocabulary::builtin();
    let lexicon = Lexicon::builtin();
    let mut figures = Figures::default();
    for file in files {
        let path = format!("{}/tests/corpus/{file}", env!("CARGO_MANIFEST_DIR"));
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for item in value["items"].as_array().unwrap() {
            if item["kind"] != "finding" {
                continue;
            }
            figures.phrases += 1;
            let text = item["text"].as_str().unwrap();
            let line_side = item["line_side"].as_str().and_then(side_of);
            let reading = read_findings(text, line_side, vocabulary, lexicon);
            let expect = &resolved(&item["expect"], vocabulary);
            let known = expect
                .iter()
                .all(|r| !r.to_string().contains("new:") && r.get("ask").is_none());
            // A reading the source leaves open (no place for a kind that needs one, no side
            // for a paired region) is one the reader should ask about, not chart.
            let open = |r: &serde_json::Value| {
                let core = expected_core(r);
                let kind = vocabulary.kind(&upstream::model::KindCode::new(core.0.clone()));
                let needs_place = kind
                    .is_some_and(|k| k.region == upstream::model::RegionPresence::Required)
                    && core.1.is_empty()
                    && core.4.is_empty();
                let paired = vocabulary
                    .region(&upstream::model::RegionCode::new(core.1.clone()))
                    .is_some_and(|region| region.laterality == upstream::model::Laterality::Paired);
                r.get("ask").is_some() || needs_place || paired && core.2 == "none"
            };
            let to_ask = expect.iter().filter(|r| open(r)).count();
            if reading.unread.is_empty() && reading.questions.len() <= to_ask {
                figures.whole += 1;
            }
            if !known {
                continue;
            }
            figures.in_vocabulary += 1;
            // No side named for a part of the spine or trunk is its midline, as the record
            // keeps it.
            let as_kept = |mut core: Core| {
                let axial = vocabulary
                    .region(&upstream::model::RegionCode::new(core.1.clone()))
                    .is_some_and(|region| region.laterality != upstream::model::Laterality::Paired);
                if axial && core.2 == "none" {
                    core.2 = "midline".into();
                }
                core
            };
            let expected: BTreeSet<Core> = expect
                .iter()
                .filter(|r| !open(r))
                .map(expected_core)
                .map(as_kept)
                .collect();
            let got: BTreeSet<Core> = reading
                .items
                .iter()
                .map(|i| {
                    let f = &i.finding;
                    (
                        f.kind.as_str().to_owned(),
                        f.region
                            .as_ref()
                            .map_or(String::new(), |r| r.as_str().to_owned()),
                        f.side.code().to_owned(),
                        f.presence.code().to_owned(),
                        test_name(&f.test_name),
                    )
                })
                .collect();
            // A test's place is the lexicon's (which test examines what); where the source
            // names none, the place read is not compared.
            let got: BTreeSet<Core> = got
                .into_iter()
                .map(|mut core| {
                    let placed = expected
                        .iter()
                        .any(|e| e.4 == core.4 && e.0 == core.0 && !e.1.is_empty());
                    if !core.4.is_empty() && !placed {
                        core.1.clear();
                    }
                    core
                })
                .collect();
            if got == expected && reading.unread.is_empty() && reading.questions.len() == to_ask {
                figures.exact += 1;
            } else if std::env::var_os("READER_CORPUS_MISSES").is_some() {
                // `READER_CORPUS_MISSES=1 cargo test --test suite reader_corpus -- --nocapture`
                // lists the phrases not read exactly: where the reader grows next.
                eprintln!(
                    "MISS {text}\n   expected {expected:?} (+{to_ask} to ask)\n   read {got:?}\n   unread {:?}\n   asked {:?}",
                    reading
                        .unread
                        .iter()
                        .map(|u| (&u.text, &u.why))
                        .collect::<Vec<_>>(),
                    reading.questions.iter().map(|q| &q.ask).collect::<Vec<_>>()
                );
            }
            // Safety: a reading of the expected kind must not differ in side, negation or
            // region from every expected reading of that kind, open ones included.
            let every: BTreeSet<Core> = expect.iter().map(expected_core).collect();
            for g in &got {
                let same_kind: Vec<&Core> = every.iter().filter(|e| e.0 == g.0).collect();
                if same_kind.is_empty() {
                    continue;
                }
                let what = format!("`{text}`: read {g:?}, expected {same_kind:?}");
                // A side or place left out is less than the text says, not wrong; a side
                // or place that differs, or a place more precise than the text, is wrong.
                let side_fits = |e: &&Core| {
                    e.2 == g.2 || matches!(e.2.as_str(), "none" | "midline") || g.2 == "none"
                };
                let region_fits = |e: &&Core| {
                    e.1 == g.1
                        || e.1.is_empty()
                        || g.1.is_empty()
                        || vocabulary.region_within(
                            &upstream::model::RegionCode::new(e.1.clone()),
                            &upstream::model::RegionCode::new(g.1.clone()),
                        )
                };
                // The same finding is the same kind at a fitting place; it must then have the
                // expected presence and side.
                let same_place: Vec<&&Core> = same_kind.iter().filter(|e| region_fits(e)).collect();
                if same_place.is_empty() {
                    figures.wrong_region.push(what);
                } else if !same_place.iter().any(|e| e.3 == g.3) {
                    figures.wrong_negation.push(what);
                } else if !same_place.iter().any(|e| side_fits(e)) {
                    figures.wrong_side.push(what);
                }
            }
        }
    }
    let percent = |n: usize, of: usize| 100.0 * n as f64 / of.max(1) as f64;
    eprintln!(
        "reader on {name}: {} finding phrases; read whole {} ({:.0}%); of the {} whose readings use only known codes, read exactly {} ({:.0}%); wrong negation {}, wrong side {}, wrong region {}",
        figures.phrases,
        figures.whole,
        percent(figures.whole, figures.phrases),
        figures.in_vocabulary,
        figures.exact,
        percent(figures.exact, figures.in_vocabulary),
        figures.wrong_negation.len(),
        figures.wrong_side.len(),
        figures.wrong_region.len(),
    );
    let wrong: Vec<&String> = figures
        .wrong_negation
        .iter()
        .chain(&figures.wrong_side)
        .chain(&figures.wrong_region)
        .collect();
    assert!(
        wrong.is_empty(),
        "{} phrases read with a wrong negation, side or region (worse than unread):\n{}",
        wrong.len(),
        wrong
            .iter()
            .map(|w| w.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    figures
}

/// Which words the reader leaves unread most often across the corpus: where the lexicon
/// grows next. `cargo test --test suite reader_corpus -- --ignored --nocapture`.
#[test]
#[ignore = "a report for whoever grows the lexicon, not a check"]
fn the_words_most_often_left_unread() {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for file in FINDING_FILES {
        let path = format!("{}/tests/corpus/{file}", env!("CARGO_MANIFEST_DIR"));
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for item in value["items"].as_array().unwrap() {
            let text = item["text"].as_str().unwrap();
            let reading = read_findings(text, None, Vocabulary::builtin(), Lexicon::builtin());
            for unread in reading
                .unread
                .iter()
                .filter(|u| u.why.starts_with("not a word"))
            {
                for word in unread.text.split_whitespace() {
                    *counts.entry(word.to_lowercase()).or_default() += 1;
                }
            }
        }
    }
    let mut sorted: Vec<(String, usize)> = counts.into_iter().collect();
    sorted.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    for (word, n) in sorted.iter().take(250) {
        eprint!("{word}:{n} ");
    }
    eprintln!();
}

/// The in-vocabulary phrases not read exactly, with what was read: where the reader grows
/// next. `cargo test --test suite reader_corpus -- --ignored --nocapture`.
#[test]
#[ignore = "a report for whoever grows the reader, not a check"]
fn the_phrases_not_yet_read_exactly() {
    for file in FINDING_FILES {
        let path = format!("{}/tests/corpus/{file}", env!("CARGO_MANIFEST_DIR"));
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for item in value["items"].as_array().unwrap() {
            let expect = &resolved(&item["expect"], Vocabulary::builtin());
            if item["kind"] != "finding"
                || expect
                    .iter()
                    .any(|r| r.to_string().contains("new:") || r.get("ask").is_some())
            {
                continue;
            }
            let text = item["text"].as_str().unwrap();
            let line_side = item["line_side"].as_str().and_then(side_of);
            let reading = read_findings(text, line_side, Vocabulary::builtin(), Lexicon::builtin());
            let expected: BTreeSet<Core> = expect.iter().map(expected_core).collect();
            eprintln!(
                "{text}\n   expected {expected:?}\n   read {:?}\n   unread {:?}\n   asked {:?}",
                reading
                    .items
                    .iter()
                    .map(|i| (
                        i.finding.kind.as_str(),
                        i.finding.region.as_ref().map(|r| r.as_str()),
                        i.finding.side.code(),
                        i.finding.presence.code()
                    ))
                    .collect::<Vec<_>>(),
                reading
                    .unread
                    .iter()
                    .map(|u| (&u.text, &u.why))
                    .collect::<Vec<_>>(),
                reading.questions.iter().map(|q| &q.ask).collect::<Vec<_>>()
            );
        }
    }
}

/// An intervention expected by the corpus, its kind resolved: a `new:` kind the record has
/// since gained, by its code or its name (`new:modality`, `new:extremity_manipulation`), is
/// that kind; a `new:` physical agent the record keeps as a modality (`new:traction`) is a
/// modality.
fn intervention_kind(expected: &serde_json::Value) -> String {
    use upstream::model::{InterventionKind, Modality};
    let written = expected["kind"].as_str().unwrap_or_default();
    let Some(wanted) = written.strip_prefix("new:") else {
        return written.to_owned();
    };
    InterventionKind::ALL
        .into_iter()
        .find(|k| k.code() == wanted || k.label().eq_ignore_ascii_case(&wanted.replace('_', " ")))
        .map(|k| k.code().to_owned())
        .or_else(|| Modality::from_code(wanted).map(|_| "modality".to_owned()))
        .unwrap_or_else(|| written.to_owned())
}

/// How an expected intervention differs from one read: kind, side, place and each value the
/// source writes (technique and modality when the record has a code for them, segments,
/// grade, sets, reps, hold, minutes, billing code and units). Empty when it is the same.
fn intervention_differences(
    expected: &serde_json::Value,
    read: &upstream::model::Intervention,
    vocabulary: &Vocabulary,
) -> Vec<String> {
    use upstream::model::{Modality, RegionCode, Technique};
    let mut differ = Vec::new();
    let mut compare = |what: &str, want: String, got: String| {
        if want != got {
            differ.push(format!("{what} {want:?} read {got:?}"));
        }
    };
    compare(
        "kind",
        intervention_kind(expected),
        read.kind.code().to_owned(),
    );
    // An open reading (a range, an and/or) is compared on its kind alone.
    if expected.get("ask").is_some() {
        return differ;
    }
    let side = |s: &str| match s {
        "midline" => "none".to_owned(),
        other => other.to_owned(),
    };
    compare(
        "side",
        side(expected["side"].as_str().unwrap_or("none")),
        side(read.side.code()),
    );
    if let Some(region) = expected["region"]
        .as_str()
        .filter(|r| !r.starts_with("new:"))
    {
        let want = RegionCode::new(region);
        let fits = read.region.as_ref().is_some_and(|got| {
            got == &want
                || vocabulary.region_within(got, &want)
                || vocabulary.region_within(&want, got)
        });
        if !fits {
            compare(
                "region",
                region.to_owned(),
                read.region
                    .as_ref()
                    .map_or(String::new(), |r| r.as_str().to_owned()),
            );
        }
    }
    let detail = &read.detail;
    if let Some(technique) = expected["technique"].as_str()
        && Technique::from_code(technique).is_some()
    {
        compare(
            "technique",
            technique.to_owned(),
            detail
                .technique
                .map_or(String::new(), |t| t.code().to_owned()),
        );
    }
    if let Some(modality) = expected["modality"].as_str() {
        let modality = match modality {
            "e_stim" => "electrical_stimulation",
            "ifc" => "interferential",
            other => other,
        };
        if Modality::from_code(modality).is_some() {
            compare(
                "modality",
                modality.to_owned(),
                detail
                    .modality
                    .map_or(String::new(), |m| m.code().to_owned()),
            );
        }
    }
    if let Some(segments) = expected["segments"].as_array() {
        let normal = |s: &str| s.to_uppercase().replace(['/', '–'], "-");
        let mut want: Vec<String> = segments
            .iter()
            .filter_map(|s| s.as_str())
            .map(normal)
            .collect();
        let mut got: Vec<String> = detail.segments.iter().map(|s| normal(s)).collect();
        want.sort();
        got.sort();
        compare("segments", want.join(" "), got.join(" "));
    }
    if let Some(grade) = expected["grade"].as_str() {
        compare(
            "grade",
            grade.to_owned(),
            detail.grade.map_or(String::new(), |g| g.code().to_owned()),
        );
    }
    let number = |field: &str| expected[field].as_u64().map(|n| n.to_string());
    let got = |n: Option<u16>| n.map(|n| n.to_string());
    for (field, read) in [
        ("sets", detail.sets),
        ("reps", detail.reps),
        ("hold_s", detail.hold_seconds),
        ("minutes", detail.minutes),
    ] {
        if let Some(want) = number(field) {
            compare(field, want, got(read).unwrap_or_default());
        }
    }
    if let Some(cpt) = expected["cpt"].as_array().and_then(|c| c.first()) {
        compare(
            "cpt",
            cpt["code"].as_str().unwrap_or_default().to_owned(),
            read.cpt_code.clone(),
        );
        if let Some(units) = cpt["units"].as_u64() {
            compare(
                "units",
                units.to_string(),
                detail.cpt_units.map_or(String::new(), |u| u.to_string()),
            );
        }
    }
    differ
}

/// Figures of the intervention reader on one part of the corpus.
#[derive(Debug, Default)]
struct InterventionFigures {
    phrases: usize,
    whole: usize,
    /// Phrases whose interventions are all of kinds the record holds.
    in_record: usize,
    exact: usize,
    expected_items: usize,
    found: usize,
    codes: usize,
    billed: usize,
    wrong_side: Vec<String>,
}

/// The intervention phrases of the corpus through the intervention reader: how many are
/// read whole (nothing unread, as many interventions read or asked about as the source
/// names), how many of those whose interventions are all of kinds the record holds are
/// read exactly (each with its kind, side, place and the values the source writes), how
/// many of the interventions they name are found with the right kind and side, and none
/// with a wrong side. The items marked `held_out` (collected after the reader was grown on
/// the others) are counted apart: how well the reader reads words it was not grown on.
#[test]
fn the_intervention_reader_on_the_corpus_never_reads_a_wrong_side() {
    use upstream::model::reader::interventions::read_interventions_beside;
    let vocabulary = Vocabulary::builtin();
    let lexicon = Lexicon::builtin();
    let items = |file: &str| -> Vec<serde_json::Value> {
        let path = format!("{}/tests/corpus/{file}", env!("CARGO_MANIFEST_DIR"));
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        value["items"].as_array().unwrap().clone()
    };
    let misses = std::env::var_os("READER_CORPUS_MISSES").is_some();
    let (
        mut grown,
        mut held_out,
        mut held_out_fresh,
        mut held_out_second,
        mut held_out_third,
        mut held_out_fourth,
    ) = (
        InterventionFigures::default(),
        InterventionFigures::default(),
        InterventionFigures::default(),
        InterventionFigures::default(),
        InterventionFigures::default(),
        InterventionFigures::default(),
    );
    // interventions-heldout.json: phrases no change to the reader was made after reading;
    // interventions-heldout-2.json: collected in the fifth session, after its changes.
    let fresh = items("interventions-heldout.json");
    let second = items("interventions-heldout-2.json");
    // interventions-heldout-3.json: collected at the end of the fifth session, still blind.
    let third = items("interventions-heldout-3.json");
    // interventions-heldout-4.json: collected in the sixth session from sources no other file
    // cites, its readings committed before the reader ran on it.
    let fourth = items("interventions-heldout-4.json");
    let all = items("interventions.json");
    for (item, set) in all
        .iter()
        .map(|item| (item, 0))
        .chain(fresh.iter().map(|item| (item, 1)))
        .chain(second.iter().map(|item| (item, 2)))
        .chain(third.iter().map(|item| (item, 3)))
        .chain(fourth.iter().map(|item| (item, 4)))
    {
        if item["kind"] != "intervention" {
            continue;
        }
        let figures = if set == 4 {
            &mut held_out_fourth
        } else if set == 3 {
            &mut held_out_third
        } else if set == 2 {
            &mut held_out_second
        } else if set == 1 {
            &mut held_out_fresh
        } else if item["held_out"] == true {
            &mut held_out
        } else {
            &mut grown
        };
        figures.phrases += 1;
        let text = item["text"].as_str().unwrap();
        // The side of the line or section the phrase sits under, as the finding reader
        // is given it.
        let line_side = item["line_side"].as_str().and_then(side_of);
        let reading = read_interventions_beside(text, line_side, vocabulary, lexicon);
        let expect = item["expect"].as_array().unwrap();
        let read_or_asked = reading.items.len() + reading.questions.len();
        let whole = reading.unread.is_empty() && read_or_asked == expect.len();
        if whole {
            figures.whole += 1;
        }
        for expected in expect {
            for cpt in expected["cpt"].as_array().into_iter().flatten() {
                figures.codes += 1;
                let code = cpt["code"].as_str().unwrap_or_default();
                if reading
                    .items
                    .iter()
                    .any(|i| i.intervention.cpt_code == code)
                {
                    figures.billed += 1;
                }
            }
        }
        // Found with kind and side; a side read that the source contradicts is wrong, a
        // side left unread is no error.
        let mut unclaimed: Vec<_> = reading.items.iter().map(|i| &i.intervention).collect();
        for expected in expect {
            let kind = intervention_kind(expected);
            if kind.starts_with("new:") {
                continue;
            }
            figures.expected_items += 1;
            let side = expected["side"].as_str().and_then(Side::from_code);
            let Some(at) = unclaimed.iter().position(|i| i.kind.code() == kind) else {
                continue;
            };
            let read = unclaimed.remove(at);
            match side {
                Some(side) if read.side != Side::None && read.side != side => {
                    figures
                        .wrong_side
                        .push(format!("{text}: read {:?}", read.side));
                }
                None if !matches!(read.side, Side::None | Side::Midline) => {
                    figures
                        .wrong_side
                        .push(format!("{text}: read {:?}, none written", read.side));
                }
                _ if side.is_none_or(|s| s == read.side) => figures.found += 1,
                _ => {}
            }
        }
        // Exactly: each expected intervention matched by one read (or asked about) with
        // nothing different.
        if expect
            .iter()
            .any(|e| intervention_kind(e).starts_with("new:"))
        {
            continue;
        }
        figures.in_record += 1;
        let mut left: Vec<upstream::model::Intervention> = reading
            .items
            .iter()
            .map(|i| i.intervention.clone())
            .chain(reading.questions.iter().map(|q| q.intervention.clone()))
            .collect();
        let mut differences = Vec::new();
        for expected in expect {
            let best = left
                .iter()
                .enumerate()
                .map(|(at, read)| (at, intervention_differences(expected, read, vocabulary)))
                .min_by_key(|(_, d)| d.len());
            match best {
                Some((at, d)) if d.is_empty() => {
                    left.remove(at);
                }
                Some((_, d)) => differences.push(d.join(", ")),
                None => differences.push(format!("{} not read", intervention_kind(expected))),
            }
        }
        if whole && differences.is_empty() {
            figures.exact += 1;
        } else if misses {
            // `READER_CORPUS_MISSES=1 cargo test --test suite reader_corpus -- --nocapture`
            // lists the phrases not read exactly: where the reader grows next.
            eprintln!(
                "MISS {text}\n   differs {differences:?}\n   read {:?}\n   unread {:?}\n   asked {:?}",
                reading
                    .items
                    .iter()
                    .map(|i| format!(
                        "{} {} [{}] {}",
                        i.intervention.kind.code(),
                        i.intervention.side.code(),
                        i.intervention.target,
                        i.intervention.detail.describe()
                    ))
                    .collect::<Vec<_>>(),
                reading
                    .unread
                    .iter()
                    .map(|u| (&u.text, &u.why))
                    .collect::<Vec<_>>(),
                reading.questions.iter().map(|q| &q.ask).collect::<Vec<_>>()
            );
        }
    }
    let percent = |n: usize, of: usize| 100 * n / of.max(1);
    for (name, figures) in [
        ("grown on", &grown),
        ("held out", &held_out),
        ("held out, interventions-heldout.json", &held_out_fresh),
        ("held out, interventions-heldout-2.json", &held_out_second),
        ("held out, interventions-heldout-3.json", &held_out_third),
        ("held out, interventions-heldout-4.json", &held_out_fourth),
    ] {
        println!(
            "interventions ({name}): {} phrases, {} ({} %) read whole; of the {} in the record's \
             kinds, {} ({} %) read exactly; {} of {} interventions in the record's kinds ({} %) \
             found with kind and side; {} of {} billing codes; {} with a wrong side",
            figures.phrases,
            figures.whole,
            percent(figures.whole, figures.phrases),
            figures.in_record,
            figures.exact,
            percent(figures.exact, figures.in_record),
            figures.found,
            figures.expected_items,
            percent(figures.found, figures.expected_items),
            figures.billed,
            figures.codes,
            figures.wrong_side.len()
        );
    }
    let wrong: Vec<&String> = grown
        .wrong_side
        .iter()
        .chain(&held_out.wrong_side)
        .chain(&held_out_fresh.wrong_side)
        .chain(&held_out_second.wrong_side)
        .chain(&held_out_third.wrong_side)
        .chain(&held_out_fourth.wrong_side)
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}
