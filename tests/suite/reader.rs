//! The reader of the clinic's words, construct by construct (issue 11): coordination,
//! negation and its scope, values, levels, abbreviations, the side from the line, what is
//! left unread and why, what is asked; and properties over any text: it never panics, it
//! reads the same text the same way, and mirroring the sides mirrors the reading.

use proptest::prelude::*;
use proptest::test_runner::Config;
use upstream::model::reader::{Lexicon, Reading, read_findings};
use upstream::model::{Activity, Course, MrcGrade, Onset, Presence, ReflexGrade, Side, Vocabulary};

fn read(text: &str) -> Reading {
    read_findings(text, None, Vocabulary::builtin(), Lexicon::builtin())
}

fn read_under(text: &str, side: Side) -> Reading {
    read_findings(text, Some(side), Vocabulary::builtin(), Lexicon::builtin())
}

/// kind region side presence [test], one per finding read.
fn found(reading: &Reading) -> Vec<String> {
    reading
        .items
        .iter()
        .map(|item| {
            let f = &item.finding;
            let mut line = format!(
                "{} {} {} {}",
                f.kind,
                f.region.as_ref().map_or("-", |r| r.as_str()),
                f.side.code(),
                f.presence.code()
            );
            if !f.test_name.is_empty() {
                line.push_str(&format!(" {}", f.test_name));
            }
            line
        })
        .collect()
}

#[test]
fn coordination_gives_one_finding_for_each_kind_and_each_place() {
    assert_eq!(
        found(&read("numbness or tingling R lat calf")),
        [
            "numbness leg_lateral right present",
            "paresthesia leg_lateral right present"
        ]
    );
    assert_eq!(
        found(&read("PSIS and QL TTP L")),
        [
            "tenderness si_joint left present",
            "tenderness low_back left present"
        ]
    );
    let reading = read("L SI pain 6/10, R calf tightness 4/10");
    assert_eq!(
        found(&reading),
        ["pain si_joint left present", "tightness calf right present"]
    );
    // Each finding keeps its own text.
    let spans: Vec<&str> = reading
        .items
        .iter()
        .map(|i| &reading.text[i.span[0]..i.span[1]])
        .collect();
    assert_eq!(spans, ["L SI pain 6/10", "R calf tightness 4/10"]);
}

#[test]
fn negation_reaches_what_it_governs_and_stops_at_but() {
    assert_eq!(
        found(&read("denies tingling or weakness R leg")),
        [
            "paresthesia lower_limb right absent",
            "weakness lower_limb right absent"
        ]
    );
    assert_eq!(
        found(&read("numbness absent L calf")),
        ["numbness calf left absent"]
    );
    assert_eq!(
        found(&read("no numbness R lat foot but R calf tight")),
        [
            "numbness foot_lateral right absent",
            "tightness calf right present"
        ]
    );
    // After a function examined, absence is the function lost, not a deficit denied.
    let reflex = read("Achilles reflex absent R");
    assert_eq!(found(&reflex), ["reflex_decreased achilles right present"]);
    assert_eq!(
        reflex.items[0].finding.detail.reflex,
        ReflexGrade::parse("0")
    );
    assert_eq!(
        found(&read("Achilles reflex intact bilat")),
        [
            "reflex_decreased achilles bilateral absent",
            "reflex_increased achilles bilateral absent"
        ]
    );
    // A movement's side is its direction, not the finding's.
    let reading = read("Lx ext painful");
    assert_eq!(found(&reading), ["pain low_back midline present"]);
    assert_eq!(
        reading.items[0].finding.detail.provoked_by,
        [Activity::Extension]
    );
}

/// Both sides written on one line, each with its own value or result, are two findings:
/// never one bilateral finding with the first side's value, and never the other side lost.
#[test]
fn each_side_keeps_its_own_value_and_result() {
    assert_eq!(
        found(&read("SLR R + L -")),
        [
            "positive_test thigh_posterior right present SLR",
            "positive_test thigh_posterior left absent SLR"
        ]
    );
    assert_eq!(
        found(&read("FABER + L, - R")),
        [
            "positive_test si_joint left present FABER",
            "positive_test si_joint right absent FABER"
        ]
    );
    for line in [
        "ankle jerk R 2+ L 1+",
        "ankle jerk R 2+, L 1+",
        "ankle reflex R 2+ L 1+",
    ] {
        let reading = read(line);
        assert_eq!(
            found(&reading),
            [
                "reflex_decreased achilles right absent",
                "reflex_increased achilles right absent",
                "reflex_decreased achilles left present"
            ],
            "{line}"
        );
        assert_eq!(
            reading.items[2]
                .finding
                .detail
                .reflex
                .map(|g| g.to_string()),
            Some("1+".to_owned()),
            "{line}"
        );
    }
    assert_eq!(
        found(&read("hip flexion strength R 4/5 L 5/5")),
        ["weakness hip right present", "weakness hip left absent"]
    );
}

#[test]
fn tests_keep_their_side_and_result_and_a_stray_plus_is_no_test() {
    assert_eq!(
        found(&read("SLR neg bilat")),
        ["positive_test thigh_posterior bilateral absent SLR"]
    );
    assert_eq!(
        found(&read("FABER + L")),
        ["positive_test si_joint left present FABER"]
    );
    let stray = read("R calf tight +");
    assert_eq!(found(&stray).len(), 0, "{stray:?}");
    assert!(
        stray
            .unread
            .iter()
            .any(|u| u.text == "+" && u.why.contains("no test"))
    );
    // A test with no result is asked about.
    let asked = read("Spurling R");
    assert!(asked.items.is_empty());
    assert!(
        asked.questions[0].ask.contains("positive or negative"),
        "{asked:?}"
    );
}

#[test]
fn values_grades_and_levels_are_read_into_the_finding() {
    let pain = read("pt c/o LBP 4-6/10 worse sitting, eased by walking, sudden onset, progressive");
    assert_eq!(found(&pain), ["pain low_back midline present"]);
    let finding = &pain.items[0].finding;
    assert_eq!(finding.intensity.map(|i| i.value()), Some(6));
    assert_eq!(finding.detail.intensity_low.map(|i| i.value()), Some(4));
    assert_eq!(finding.detail.provoked_by, [Activity::Sitting]);
    assert_eq!(finding.detail.eased_by, [Activity::Walking]);
    assert_eq!(finding.detail.onset, Some(Onset::Sudden));
    assert_eq!(finding.detail.course, Some(Course::Progressive));

    let ehl = read("EHL 4/5 R");
    assert_eq!(found(&ehl), ["weakness big_toe right present"]);
    assert_eq!(ehl.items[0].finding.detail.strength, MrcGrade::parse("4/5"));
    assert_eq!(
        ehl.items[0]
            .finding
            .detail
            .myotome
            .as_ref()
            .map(|l| l.to_string())
            .as_deref(),
        Some("L5")
    );
    assert_eq!(
        found(&read("strength 5/5 R EHL")),
        ["weakness big_toe right absent"]
    );

    let level = read("L4/L5 TTP");
    assert_eq!(found(&level), ["tenderness low_back midline present"]);
    assert_eq!(
        level.items[0]
            .finding
            .detail
            .level
            .as_ref()
            .map(|l| l.to_string())
            .as_deref(),
        Some("L4-L5")
    );
    assert_eq!(found(&read("LBP 5"))[0], "pain low_back midline present");
    assert_eq!(
        read("LBP 5").items[0].finding.intensity.map(|i| i.value()),
        Some(5)
    );
}

#[test]
fn the_side_of_the_line_serves_a_phrase_that_says_none_and_no_side_is_asked() {
    assert_eq!(
        found(&read_under("calf tightness 3/10", Side::Left)),
        ["tightness calf left present"]
    );
    let asked = read("calf tightness 3/10");
    assert!(asked.items.is_empty());
    assert!(asked.questions[0].ask.contains("which side"), "{asked:?}");
    assert_eq!(
        asked.questions[0]
            .finding
            .region
            .as_ref()
            .map(|r| r.as_str()),
        Some("calf")
    );
}

#[test]
fn an_unknown_word_is_kept_with_its_reason_and_the_rest_is_read() {
    let reading = read("R calf tightness 4/10; bruxism; L SI pain 6/10");
    assert_eq!(
        found(&reading),
        ["tightness calf right present", "pain si_joint left present"]
    );
    assert_eq!(reading.unread.len(), 1);
    assert_eq!(reading.unread[0].text, "bruxism");
    assert_eq!(
        &reading.text[reading.unread[0].span[0]..reading.unread[0].span[1]],
        "bruxism"
    );
    // An unknown word in the same sentence as a finding puts that finding in doubt.
    let doubt = read("worst possible headache ever noticed");
    assert!(doubt.items.is_empty(), "{doubt:?}");
}

fn mirror(text: &str) -> String {
    text.split(' ')
        .map(|word| match word {
            "L" => "R",
            "R" => "L",
            "left" => "right",
            "right" => "left",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn mirror_side(side: Side) -> Side {
    match side {
        Side::Left => Side::Right,
        Side::Right => Side::Left,
        other => other,
    }
}

/// Phrases made of the lexicon's own words, so that the properties meet real readings.
fn phrase() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "L",
        "R",
        "left",
        "right",
        "bilat",
        "no",
        "denies",
        "calf",
        "SI",
        "pain",
        "6/10",
        "tightness",
        "numbness",
        "or",
        "and",
        "SLR",
        "FABER",
        "+",
        "neg",
        "worse",
        "sitting",
        "4/5",
        "EHL",
        "reflex",
        "absent",
        "intact",
        "TTP",
        "PSIS",
        ",",
        ";",
        "lat",
        "foot",
        "ankle",
        "L4/L5",
        "but",
        "2+",
        "Achilles",
        "soleus",
        "45°",
        "flexion",
        "limited",
    ]);
    prop::collection::vec(words, 1..12).prop_map(|words| words.join(" "))
}

proptest! {
    #![proptest_config(Config { cases: 256, failure_persistence: None, ..Config::default() })]

    #[test]
    fn any_text_is_read_without_panic_and_every_span_lies_in_it(text in any::<String>()) {
        let reading = read(&text);
        for span in reading.items.iter().map(|i| i.span).chain(reading.unread.iter().map(|u| u.span)) {
            prop_assert!(span[0] <= span[1] && span[1] <= text.len());
            prop_assert!(text.is_char_boundary(span[0]) && text.is_char_boundary(span[1]));
        }
    }

    #[test]
    fn the_same_text_is_read_the_same_way(text in phrase()) {
        prop_assert_eq!(read(&text), read(&text));
    }

    #[test]
    fn mirroring_the_sides_mirrors_the_reading(text in phrase()) {
        let reading = read(&text);
        let mirrored = read(&mirror(&text));
        let sides = |r: &Reading| r.items.iter().map(|i| (i.finding.kind.clone(), i.finding.region.clone(), i.finding.side, i.finding.presence)).collect::<Vec<_>>();
        let expected: Vec<_> = sides(&reading).into_iter().map(|(k, r, s, p)| (k, r, mirror_side(s), p)).collect();
        prop_assert_eq!(sides(&mirrored), expected, "{} / {}", text, mirror(&text));
        prop_assert_eq!(reading.questions.len(), mirrored.questions.len());
    }
}

#[test]
fn presence_words_of_the_issue_are_read() {
    // Phrases issue 11 found refused or misread, read as a clinician means them.
    for (text, expected) in [
        (
            "Achilles reflex normal bilat",
            "reflex_decreased achilles bilateral absent; reflex_increased achilles bilateral absent",
        ),
        ("R masseter TTP", "tenderness lower_jaw right present"),
        ("calf tight B", "tightness calf bilateral present"),
        (
            "R dorsum of foot numbness",
            "numbness foot_dorsum right present",
        ),
        ("R angle of jaw pain", "pain lower_jaw right present"),
        ("R arch of foot pain", "pain arch right present"),
        (
            "R posterior upper arm pain",
            "pain arm_posterior right present",
        ),
        ("lumbar extension painful", "pain low_back midline present"),
        (
            "reduced sensation R lat calf",
            "numbness leg_lateral right present",
        ),
        ("TTP soleus bilat", "tenderness calf bilateral present"),
        (
            "worst headache of life",
            "sudden_worst_headache - none present",
        ),
    ] {
        let reading = read(text);
        // A normal reflex is neither decreased nor increased: two readings, "; "-joined.
        assert_eq!(found(&reading).join("; "), expected, "{text}: {reading:?}");
        assert!(reading.is_whole(), "{text}: {reading:?}");
    }
    let _ = Presence::Present;
}

#[test]
fn apply_charts_what_a_findings_line_reads_and_says_back_the_rest() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let mut child = Command::new(env!("CARGO_BIN_EXE_upstream"))
        .arg("--db")
        .arg(&db)
        .arg("apply")
        .env("UPSTREAM_CLINICIAN", "Test Clinician")
        .env_remove("UPSTREAM_PASSPHRASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            concat!(
                "{\"op\":\"patient\",\"name\":\"Ada Quill\"}\n",
                "{\"op\":\"visit\",\"patient\":1,\"at\":\"2026-03-02T09:30:00\"}\n",
                "{\"op\":\"findings\",\"visit\":1,\"text\":\"R calf tight; bruxism; calf cramp\"}\n",
                "{\"op\":\"findings\",\"visit\":1,\"text\":\"bruxism\"}\n",
            )
            .as_bytes(),
        )
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let acks: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(acks.len(), 3, "{stdout}");
    assert_eq!(acks[2]["ids"].as_array().unwrap().len(), 1);
    assert_eq!(acks[2]["unread"][0]["text"], "bruxism");
    assert!(
        acks[2]["asked"][0]
            .as_str()
            .unwrap()
            .contains("which side of the calf")
    );
    // A line with nothing read is not applied, and says why.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("line 4") && stderr.contains("bruxism"),
        "{stderr}"
    );
}

#[test]
fn what_a_test_reproduced_is_kept_with_it_and_not_taken_for_its_place() {
    let reading = read("SLR + R reproducing calf pain");
    assert_eq!(
        found(&reading),
        ["positive_test thigh_posterior right present SLR"]
    );
    assert_eq!(
        reading.items[0].finding.detail.reproduces.as_deref(),
        Some("calf pain")
    );
    let faber = read("FABER + L (SI pain)");
    assert_eq!(found(&faber), ["positive_test si_joint left present FABER"]);
    assert_eq!(
        faber.items[0].finding.detail.reproduces.as_deref(),
        Some("SI pain")
    );
    // A place named for the test itself stays the test's.
    assert_eq!(
        found(&read("Tinel + R elbow")),
        ["positive_test elbow right present Tinel"]
    );
    // A point after an abbreviation ends the sentence when a new one begins.
    assert_eq!(
        found(&read("SLR neg bilat. R calf tightness 4/10")),
        [
            "positive_test thigh_posterior bilateral absent SLR",
            "tightness calf right present"
        ]
    );
}

#[test]
fn a_clause_about_another_place_says_the_same_finding_of_it() {
    // From the corpus (a published Achilles rupture case): the right side is not the left.
    let reading = read(
        "The left Achilles tendon had a defect on palpation, while the right Achilles tendon was intact.",
    );
    assert_eq!(
        found(&reading),
        [
            "palpable_gap achilles left present",
            "palpable_gap achilles right absent"
        ]
    );
}

#[test]
fn positive_after_a_test_is_its_result_in_every_spelling() {
    for text in [
        "SLR positive L",
        "SLR was positive on the left",
        "SLR pos L",
        "SLR +ve L",
    ] {
        assert_eq!(
            found(&read(text)),
            ["positive_test thigh_posterior left present SLR"],
            "{text}"
        );
    }
    assert_eq!(
        found(&read("negative SLR R")),
        ["positive_test thigh_posterior right absent SLR"]
    );
}

#[test]
fn grades_per_side_and_values_against_their_normal_are_read_apart() {
    // Two sides, two grades: never one bilateral reading with the last grade.
    let reading = read("Achilles reflex 1+ L, 2+ R");
    assert_eq!(
        found(&reading),
        [
            "reflex_decreased achilles left present",
            "reflex_decreased achilles right absent",
            // A normal grade says neither decreased nor increased.
            "reflex_increased achilles right absent"
        ]
    );
    assert_eq!(
        reading.items[0].finding.detail.reflex,
        ReflexGrade::parse("1+")
    );
    // "(normal 180)" is the norm the value is compared with, not a normal finding.
    let rom = read("R shoulder flexion 120 deg (normal 180)");
    assert_eq!(found(&rom), ["limited_rom shoulder right present"]);
    let measurement = rom.items[0].finding.detail.measurement.clone().unwrap();
    assert_eq!(
        (measurement.quantity, measurement.normal),
        (120.0, Some(180.0))
    );
    assert_eq!(measurement.of.as_deref(), Some("flexion"));
    assert_eq!(
        found(&read("R shoulder flexion 180 deg (normal 180)")),
        ["limited_rom shoulder right absent"]
    );
}

#[test]
fn strength_on_two_sides_and_how_long_stiffness_lasts() {
    assert_eq!(
        found(&read("EHL 4/5 L, 5/5 R")),
        [
            "weakness big_toe left present",
            "weakness big_toe right absent"
        ]
    );
    let stiffness = read("morning stiffness 30 min low back");
    assert_eq!(
        found(&stiffness),
        ["morning_stiffness low_back midline present"]
    );
    assert_eq!(
        stiffness.items[0].finding.detail.duration.as_deref(),
        Some("30 min")
    );
}

#[test]
fn a_negation_that_may_or_may_not_reach_past_a_comma_is_asked() {
    // A new clause with its own side: is it still denied? Asked, never guessed.
    let reading = read("no tenderness L SI, TTP R SI");
    assert_eq!(found(&reading), ["tenderness si_joint left absent"]);
    assert!(reading.questions[0].ask.contains("reach"), "{reading:?}");
    // A list with nothing of its own goes on being denied.
    assert_eq!(
        found(&read("denies fever, chills or night sweats")),
        [
            "fever - none absent",
            "chills - none absent",
            "night_sweats - none absent"
        ]
    );
    // "denied" after the finding denies it.
    assert_eq!(
        found(&read("numbness L foot denied")),
        ["numbness foot left absent"]
    );
    assert_eq!(
        found(&read("R calf non-tender")),
        ["tenderness calf right absent"]
    );
    // The same test on the other side, after a comma.
    assert_eq!(
        found(&read("SLR + L at 40 deg, neg R")),
        [
            "positive_test thigh_posterior left present SLR",
            "positive_test thigh_posterior right absent SLR"
        ]
    );
}

#[test]
fn interventions_keep_their_billing_counts_and_technique_apart_from_the_dose() {
    use upstream::model::reader::read_interventions;
    use upstream::model::{InterventionKind, MobilisationGrade, Technique};
    let read = |text: &str| read_interventions(text, Vocabulary::builtin(), Lexicon::builtin());
    // "97140 lands in the dose, never in the CPT field" (issue 11): no longer.
    let billed = read("STM soleus R 8 min 97140 x2");
    let stm = &billed.items[0].intervention;
    assert_eq!(stm.cpt_code, "97140");
    assert_eq!(stm.detail.cpt_units, Some(2));
    assert_eq!(stm.detail.minutes, Some(8));
    assert!(!stm.dose.contains("97140"), "{}", stm.dose);
    // The code on its own after the intervention bills that intervention.
    let after = read("STM soleus R 8 min; 97140 x2");
    assert!(after.unread.is_empty(), "{after:?}");
    assert_eq!(after.items[0].intervention.cpt_code, "97140");
    let exercise = read("exercise bridges 3x10 red band daily");
    let detail = &exercise.items[0].intervention.detail;
    assert_eq!((detail.sets, detail.reps), (Some(3), Some(10)));
    assert_eq!(detail.load.as_deref(), Some("red band"));
    assert_eq!(detail.frequency.as_deref(), Some("daily"));
    let mobilisation = read("mob L4 grade III");
    assert_eq!(
        mobilisation.items[0].intervention.detail.grade,
        Some(MobilisationGrade::III)
    );
    assert_eq!(
        mobilisation.items[0].intervention.detail.technique,
        Some(Technique::Mobilisation)
    );
    // The code written first, and an exercise named only by what it is, as the quick
    // entry's own hint shows them (seen unread on screen before this).
    let line = read("HVLA L SI; 97140 x2 STM soleus bilat 8 min; bridges 3x10 daily");
    assert!(line.unread.is_empty(), "{line:?}");
    let [hvla, stm, bridges] = [0, 1, 2].map(|i| &line.items[i].intervention);
    assert_eq!(hvla.kind, InterventionKind::SpinalManipulation);
    assert_eq!(
        (
            stm.kind,
            stm.cpt_code.as_str(),
            stm.detail.cpt_units,
            stm.detail.minutes
        ),
        (InterventionKind::SoftTissue, "97140", Some(2), Some(8))
    );
    assert_eq!(stm.side, Side::Bilateral);
    assert_eq!(bridges.kind, InterventionKind::Exercise);
    assert_eq!(bridges.target, "bridges");
    assert_eq!(
        (bridges.detail.sets, bridges.detail.reps),
        (Some(3), Some(10))
    );
    // A number alone is no exercise: without sets x reps the part is still asked about.
    assert_eq!(read("bridges 10").unread.len(), 1);
    // What was done named after its place, in a short line; "heel drop" is no Thompson
    // drop technique.
    let taping = read("Patellar taping");
    assert_eq!(taping.items[0].intervention.kind, InterventionKind::Taping);
    assert_eq!(taping.items[0].intervention.target, "Patellar");
    let adjusted = read("R SI adjustment 98940");
    let adjustment = &adjusted.items[0].intervention;
    assert_eq!(
        (
            adjustment.kind,
            adjustment.side,
            adjustment.cpt_code.as_str()
        ),
        (InterventionKind::SpinalManipulation, Side::Right, "98940")
    );
    assert_eq!(
        read("soleus heel drop 3x15 2x/day").items[0]
            .intervention
            .detail
            .technique,
        None
    );
    // Two kinds named in one part with nothing joining them stay for the clinician to
    // split; joined by "and", or in a sentence, each is read (tests/suite/reader_interventions.rs).
    assert_eq!(read("STM taping R knee").unread.len(), 1);
    let sentence = read("Physiotherapy treatment included soft tissue to the R calf");
    assert!(sentence.unread.is_empty(), "{sentence:?}");
    assert_eq!(
        (
            sentence.items[0].intervention.kind,
            sentence.items[0].intervention.side
        ),
        (InterventionKind::SoftTissue, Side::Right)
    );
    // A line that says it was not done, or only planned, is never charted as done.
    for not_done in [
        "STM soleus R not tolerated",
        "HVLA L SI deferred",
        "no HVLA today",
        "97140 no STM",
        "no bridges 3x10",
        "consider referral to GP if needed",
        "exercise bridges 3x10 next visit",
    ] {
        let reading = read(&format!("{not_done}; stretch R soleus 3x30 s"));
        assert_eq!(reading.items.len(), 1, "{not_done}: {reading:?}");
        assert_eq!(
            reading.items[0].intervention.kind,
            InterventionKind::Stretch
        );
        assert_eq!(reading.unread[0].text, not_done);
        assert!(
            reading.unread[0].why.contains("not done"),
            "{:?}",
            reading.unread
        );
    }
    // A part that names nothing done is kept with why, and the rest is read.
    let partial = read("zzz; HVLA L SI");
    assert_eq!(partial.items.len(), 1);
    assert_eq!(partial.unread[0].text, "zzz");
}

#[test]
fn a_part_of_a_region_refines_it_or_stays_as_its_site() {
    assert_eq!(
        found(&read("medial and lateral malleoli tenderness L")),
        [
            "tenderness ankle_medial left present",
            "tenderness ankle_lateral left present"
        ]
    );
    // "anterior leg" is the vocabulary's shin; the part reaches a place coordinated with it.
    assert_eq!(
        found(&read("Hypesthesia anterior right leg and thigh")),
        [
            "numbness shin right present",
            "numbness thigh_anterior right present"
        ]
    );
    // No region of its own for the part: the region, with the part kept as its site.
    let distal = read("TTP distal R achilles");
    assert_eq!(found(&distal), ["tenderness achilles right present"]);
    assert_eq!(
        distal.items[0].finding.detail.site.as_deref(),
        Some("distal")
    );
    // A part with another word before its place is left unread, never put on that place.
    let upper = read("tightness of his right upper extremity along his posterior neck");
    assert!(
        upper
            .items
            .iter()
            .all(|i| i.finding.region.as_ref().map(|r| r.as_str()) != Some("suboccipital")),
        "{upper:?}"
    );
}

#[test]
fn lists_share_their_place_their_negation_and_how_they_were_found() {
    assert_eq!(
        found(&read("Denies numbness, tingling, or weakness in the legs.")),
        [
            "numbness lower_limb bilateral absent",
            "paresthesia lower_limb bilateral absent",
            "weakness lower_limb bilateral absent"
        ]
    );
    assert_eq!(
        found(&read("pain, numbness and tingling in the R foot")),
        [
            "pain foot right present",
            "numbness foot right present",
            "paresthesia foot right present"
        ]
    );
    assert_eq!(
        found(&read(
            "Normal reflexes, muscle strength, and sensation in lower extremities."
        )),
        [
            "reflex_decreased lower_limb bilateral absent",
            "reflex_increased lower_limb bilateral absent",
            "weakness lower_limb bilateral absent",
            "numbness lower_limb bilateral absent"
        ]
    );
    // Whether a "no" reaches past a comma to a finding with its own place stays a question.
    let doubt = read("no tenderness L SI, TTP R SI");
    assert_eq!(found(&doubt), ["tenderness si_joint left absent"]);
    assert_eq!(doubt.questions.len(), 1);
}

#[test]
fn each_side_stays_with_its_own_place() {
    assert_eq!(
        found(&read("R knee pain and L ankle swelling")),
        ["pain knee right present", "swelling ankle left present"]
    );
    assert_eq!(
        found(&read("chronic low back and left hip pain")),
        ["pain low_back midline present", "pain hip left present"]
    );
    assert_eq!(
        found(&read("calves tight")),
        ["tightness calf bilateral present"]
    );
    // The plural is both sides for the shoulders only; the jaw's side is asked.
    let tender = read("Tenderness: around TMJ and neck and shoulders.");
    assert_eq!(
        found(&tender),
        [
            "tenderness neck midline present",
            "tenderness shoulder bilateral present"
        ]
    );
    assert_eq!(tender.questions.len(), 1, "{tender:?}");
    assert_eq!(
        found(&read(
            "Pt complains of bilateral low back pain, primarily on the L side."
        )),
        ["pain low_back bilateral present"]
    );
}

#[test]
fn what_eases_is_never_read_as_what_provokes() {
    let eased = read("low back pain improves slightly with walking");
    let detail = &eased.items[0].finding.detail;
    assert_eq!(detail.eased_by, [Activity::Walking]);
    assert!(detail.provoked_by.is_empty(), "{eased:?}");
    let provoked = read("pain while walking R knee");
    assert_eq!(
        provoked.items[0].finding.detail.provoked_by,
        [Activity::Walking]
    );
    // What provokes, with no finding named, tells of the finding before it.
    let told = read("L SI pain 6/10. Aggravating factors: walking, prolonged standing");
    assert_eq!(
        told.items[0].finding.detail.provoked_by,
        [Activity::Walking, Activity::Standing]
    );
    assert!(told.is_whole(), "{told:?}");
}

#[test]
fn a_reading_in_doubt_is_asked_never_charted_wrong() {
    // Two intensities for one finding with no word saying how they stand: neither charted
    // as now, nor a guess.
    let two = read("Low-back pain 4/10 and 7/10, R-sided");
    assert!(
        two.items
            .iter()
            .all(|i| i.finding.intensity.map(|v| v.value()) != Some(7)),
        "{two:?}"
    );
    assert!(two.unread.iter().any(|u| u.text == "7/10"), "{two:?}");
    // A "not" between a finding and its place: the pain is not charted present in the legs.
    let between = read("The pain does not radiate down the legs");
    assert!(
        between
            .items
            .iter()
            .all(|i| i.finding.region.as_ref().map(|r| r.as_str()) != Some("lower_limb")),
        "{between:?}"
    );
    assert_eq!(between.questions.len(), 1);
    // "burning" and "shooting" say what the pain is like; they are not findings of their own.
    let quality = read("It is a burning shooting pain that radiates to his left leg.");
    assert_eq!(found(&quality), ["pain lower_limb left present"]);
    assert_eq!(
        quality.items[0].finding.detail.quality.as_deref(),
        Some("shooting, burning")
    );
}

#[test]
fn a_measured_range_is_charted_as_measured_with_its_own_value() {
    // A value with no normal does not say limited: it is a measured range.
    let measured = read("R knee flexion 120°, L 135°");
    assert_eq!(
        found(&measured),
        [
            "rom_measured knee right present",
            "rom_measured knee left present"
        ]
    );
    let values: Vec<f64> = measured
        .items
        .iter()
        .filter_map(|i| i.finding.detail.measurement.as_ref().map(|m| m.quantity))
        .collect();
    assert_eq!(values, [120.0, 135.0]);
    // Two movements, two findings, each with its own movement and value.
    let two = read("120 degrees flexion of right knee, 0 degrees extension of right knee");
    let of: Vec<Option<&str>> = two
        .items
        .iter()
        .map(|i| {
            i.finding
                .detail
                .measurement
                .as_ref()
                .and_then(|m| m.of.as_deref())
        })
        .collect();
    assert_eq!(of, [Some("flexion"), Some("extension")]);
    // The knee-to-wall test measures ankle dorsiflexion as a distance; its side is the
    // limb's, not a direction.
    assert_eq!(
        found(&read("KTW R 10 cm, L 6 cm")),
        [
            "rom_measured ankle right present",
            "rom_measured ankle left present"
        ]
    );
    // A table row: movement | measured | normal.
    let row = read("Lumbar Flexion | 45° | 60°");
    assert_eq!(found(&row), ["limited_rom low_back midline present"]);
    let measurement = row.items[0].finding.detail.measurement.as_ref().unwrap();
    assert_eq!(
        (measurement.quantity, measurement.normal),
        (45.0, Some(60.0))
    );
}

#[test]
fn denied_lists_stay_denied_to_the_end_of_the_sentence() {
    // A list of red-flag symptoms denied must never chart one of them present: it would
    // raise a cauda equina flag the patient denied.
    let denied = read(
        "Denies fever, weight loss, bilat leg weakness or numbness, bladder or bowel dysfunction",
    );
    assert!(!denied.items.is_empty());
    assert!(
        denied
            .items
            .iter()
            .all(|i| i.finding.presence == Presence::Absent),
        "{denied:?}"
    );
    assert!(
        denied
            .questions
            .iter()
            .all(|q| q.finding.presence == Presence::Absent),
        "{denied:?}"
    );
    // "but" ends it.
    let but = read("Pt denies numbness but reports tingling R foot");
    assert_eq!(found(&but), ["paresthesia foot right present"]);
    // After a "no" whose reach is asked, what follows is asked too, never charted present.
    let doubt = read("no tenderness L SI, TTP R SI, swelling R knee");
    assert_eq!(found(&doubt), ["tenderness si_joint left absent"]);
    assert_eq!(doubt.questions.len(), 2, "{doubt:?}");
}

#[test]
fn counts_referrals_and_what_was_not_reproduced_are_not_misread() {
    // "1 night" is how often, not an intensity of 1.
    let night = read("Tingling R index finger 1 night this wk");
    assert_eq!(found(&night), ["paresthesia index_finger right present"]);
    assert_eq!(night.items[0].finding.intensity, None);
    // Where a trigger point refers its pain is what it reproduces, not a second place.
    let refers = read("TrP R soleus refers to R jaw");
    assert_eq!(found(&refers), ["trigger_point calf right present"]);
    assert_eq!(
        refers.items[0].finding.detail.reproduces.as_deref(),
        Some("R jaw")
    );
    // An examination that did not reproduce a headache says nothing of whether she has one.
    let headache = read("no reproduction of her headache");
    assert!(headache.items.is_empty(), "{headache:?}");
    assert_eq!(headache.questions.len(), 1);
}

#[test]
fn places_scored_out_of_ten_are_their_pain_and_tests_keep_their_side() {
    // "NRS SI 6/10, LB 4/10": a place scored out of 10 is the pain there, each its own.
    let scored = read("NRS L SI 6/10, LB 4/10");
    assert_eq!(
        found(&scored),
        [
            "pain si_joint left present",
            "pain low_back midline present"
        ]
    );
    let intensities: Vec<Option<u8>> = scored
        .items
        .iter()
        .map(|i| i.finding.intensity.map(|v| v.value()))
        .collect();
    assert_eq!(intensities, [Some(6), Some(4)]);
    // The anterior drawer is a test of the knee and of the ankle: its joint is not guessed,
    // and its side is kept.
    assert_eq!(
        found(&read("Anterior drawer neg R")),
        ["positive_test - right absent Anterior drawer"]
    );
    // "x6 wks" is since when; "L4-S1 myotomes" are the leg's.
    let since = read("L SI pain x6 wks");
    assert_eq!(
        since.items[0].finding.detail.since.as_deref(),
        Some("6 weeks")
    );
    let myotomes = read("L4-S1 myotomes intact bilat");
    assert_eq!(found(&myotomes), ["weakness lower_limb bilateral absent"]);
}

#[test]
fn sides_grades_and_containing_places_stay_where_they_are_written() {
    // A side just before a place, after another place, is that place's alone.
    assert_eq!(
        found(&read("pain in neck and left shoulder")),
        ["pain neck midline present", "pain shoulder left present"]
    );
    // A list of places before its finding shares the side it began with.
    assert_eq!(
        found(&read("L buttock, calf and foot pain")),
        [
            "pain buttock left present",
            "pain calf left present",
            "pain foot left present"
        ]
    );
    // "both lateral and medial" are both parts of the knee, not both knees.
    let both = read("She has both lateral and medial joint line tenderness.");
    assert!(
        both.items.iter().all(|i| i.finding.side != Side::Bilateral),
        "{both:?}"
    );
    // A second grade for one finding never replaces the first: 5/5 elsewhere is not the
    // ankle's strength.
    let grades = read("Muscle Strength: 4/5 in the right ankle and toe, 5/5 in all other areas.");
    assert!(
        grades
            .items
            .iter()
            .chain(
                grades
                    .questions
                    .iter()
                    .map(|q| &q.finding)
                    .map(|_| &grades.items[0])
                    .take(0)
            )
            .all(|i| i.finding.presence == Presence::Present),
        "{grades:?}"
    );
    assert!(
        grades
            .questions
            .iter()
            .all(|q| q.finding.presence == Presence::Present),
        "{grades:?}"
    );
    assert!(grades.unread.iter().any(|u| u.text == "5/5"), "{grades:?}");
    // "of the right hand" says where the fingers are; it is not a second place.
    let fingers = read("numbness of the thumb and index finger of the right hand");
    assert_eq!(
        found(&fingers),
        [
            "numbness thumb right present",
            "numbness index_finger right present"
        ]
    );
}

#[test]
fn a_comparison_is_no_finding_and_the_back_of_a_place_is_its_back() {
    // The side something is compared with is the reference, not a second finding.
    assert_eq!(
        found(&read("weakness R ankle compared to the left")),
        ["weakness ankle right present"]
    );
    assert_eq!(
        found(&read("R knee pain worse than L")),
        ["pain knee right present"]
    );
    // "back of the right knee" is the back of the knee, not the back.
    assert_eq!(
        found(&read("pain at the back of the right knee")),
        ["pain knee_posterior right present"]
    );
    assert_eq!(
        found(&read("tenderness on the outside of the L ankle")),
        ["tenderness ankle_lateral left present"]
    );
}

#[test]
fn a_second_intensity_is_read_by_the_words_around_it() {
    let intensity = |reading: &upstream::model::reader::Reading| {
        let finding = &reading.items[0].finding;
        (
            finding.intensity.map(|v| v.value()),
            finding.detail.intensity_low.map(|v| v.value()),
        )
    };
    // An earlier value in brackets: today's is the first.
    let earlier = read("Low-back pain 4/10 (was 7/10 at visit 1), R-sided");
    assert_eq!(intensity(&earlier), (Some(4), None), "{earlier:?}");
    assert!(earlier.is_whole(), "{earlier:?}");
    // "from ... to": today's is the second.
    let now = read("Pain on my back has improved from pain scale of 7/10 to 3/10.");
    assert_eq!(intensity(&now), (Some(3), None), "{now:?}");
    // At rest and at its worst: the range it moves in.
    let range =
        read("Constant neck pain of a 3/10 severity that increases to 7/10 with head rotation.");
    assert_eq!(intensity(&range), (Some(7), Some(3)), "{range:?}");
    let best_worst = read("Neck pain at its best is 2-3/10 and 4-5/10 at its worst.");
    assert_eq!(intensity(&best_worst), (Some(5), Some(2)), "{best_worst:?}");
}

#[test]
fn what_provokes_and_eases_in_sentences_of_their_own_tell_of_one_finding() {
    // Neither names a place: one pain is asked about, with both.
    let reading =
        read("Worse with prolonged sitting or standing; improved with rest and heat application.");
    assert!(reading.items.is_empty(), "{reading:?}");
    assert_eq!(reading.questions.len(), 1, "{reading:?}");
    let detail = &reading.questions[0].finding.detail;
    assert_eq!(detail.provoked_by, [Activity::Sitting, Activity::Standing]);
    assert_eq!(detail.eased_by, [Activity::Rest, Activity::Heat]);
}

#[test]
fn the_part_that_moves_is_neither_a_place_nor_a_side_of_the_finding() {
    let reading = read(
        "There is a constant ache in the lower neck at rest, which becomes severe when he bends his head to the right.",
    );
    assert_eq!(
        found(&reading),
        ["ache neck midline present"],
        "{reading:?}"
    );
}

#[test]
fn a_finding_both_present_and_absent_at_one_place_is_asked() {
    let reading = read("Full R knee ROM in extension, limited R knee ROM in flexion.");
    assert!(
        reading
            .items
            .iter()
            .all(|i| i.finding.presence == upstream::model::Presence::Present),
        "{reading:?}"
    );
    assert_eq!(reading.questions.len(), 1, "{reading:?}");
}

#[test]
fn a_cervical_level_is_the_neck_as_a_lumbar_level_is_the_low_back() {
    let reading = read("Tender on palpation of C2 SP.");
    assert_eq!(
        found(&reading),
        ["tenderness neck midline present"],
        "{reading:?}"
    );
}

#[test]
fn everyday_prose_is_passed_over_and_words_that_may_carry_a_finding_are_not() {
    // "unrestricted" says how a range was found: read, not passed over.
    assert_eq!(
        found(&read("neck ROM unrestricted")),
        ["limited_rom neck midline absent"]
    );
    // Everyday words around a finding: read whole.
    let prose = read("R knee pain after a basketball game at the gym.");
    assert_eq!(found(&prose), ["pain knee right present"], "{prose:?}");
    assert!(prose.is_whole(), "{prose:?}");
    // Everyday words that may say what happened, what was found or that it was not: never
    // passed over, each left unread with its reason.
    for (text, word) in [
        ("L wrist pain since he fell on the ice", "fell"),
        ("a lump over the R calf", "lump"),
        ("low back pain, worst in years", "worst"),
    ] {
        let reading = read(text);
        assert!(
            reading
                .unread
                .iter()
                .any(|u| u.text.to_lowercase().contains(word)),
            "`{word}` in `{text}` was passed over: {reading:?}"
        );
    }
}

#[test]
fn where_a_finding_is_most_is_kept_with_it_not_charted_apart() {
    let reading = read(
        "burning pain in his right hand, particularly affecting the thumb, index, and middle fingers.",
    );
    assert_eq!(
        found(&reading),
        ["burning hand right present"],
        "{reading:?}"
    );
    assert_eq!(
        reading.items[0].finding.detail.site.as_deref(),
        Some("thumb, index, and middle fingers")
    );
}

#[test]
fn a_pain_without_a_place_is_the_night_pain_or_the_test_s_pain_of_its_sentence() {
    let night =
        read("This pain had been disturbing his sleep, awakening him several times each night.");
    assert_eq!(found(&night), ["night_pain - none present"], "{night:?}");
    assert!(night.is_whole(), "{night:?}");
    let test =
        read("straight leg raise was positive on the left at 70deg. with only mild discomfort");
    assert!(test.is_whole(), "{test:?}");
    assert_eq!(
        test.items[0].finding.detail.reproduces.as_deref(),
        Some("discomfort")
    );
}

#[test]
fn a_run_of_segments_is_one_spinal_level() {
    use upstream::model::SpinalLevel;
    let level = SpinalLevel::parse("T5-6-7").map(|l| l.to_string());
    assert_eq!(level.as_deref(), Some("T5-T7"));
    assert_eq!(SpinalLevel::parse("T7-6-5"), None);
}

#[test]
fn a_test_found_negative_with_no_side_is_charted_as_written_and_a_positive_one_asked() {
    let negative = read("SLR negative");
    assert_eq!(
        found(&negative),
        ["positive_test - none absent SLR"],
        "{negative:?}"
    );
    assert!(negative.is_whole(), "{negative:?}");
    let positive = read("SLR positive");
    assert!(positive.items.is_empty(), "{positive:?}");
    assert_eq!(positive.questions.len(), 1, "{positive:?}");
}

#[test]
fn a_finding_with_no_place_after_the_one_place_of_its_sentence_is_there() {
    let reading =
        read("He has full range of motion of the left wrist, though deep flexion elicits pain.");
    assert_eq!(
        found(&reading),
        ["limited_rom wrist left absent", "pain wrist left present"],
        "{reading:?}"
    );
    // With two places named, it is asked.
    let two = read("L knee swelling and R hip pain, tenderness");
    assert_eq!(two.questions.len(), 1, "{two:?}");
    // A place in doubt elsewhere in the sentence may be its own: asked.
    let doubt =
        read("He does endorse long-standing neck pain and waking at night due to hand numbness.");
    assert!(
        doubt
            .items
            .iter()
            .all(|i| i.finding.kind.as_str() != "numbness"),
        "{doubt:?}"
    );
}

#[test]
fn a_strength_grade_keeps_the_movement_tested_and_its_joint() {
    let reading = read("C5: Shoulder abduction:  L 3/5, R 5/5.");
    assert_eq!(
        found(&reading),
        [
            "weakness shoulder left present",
            "weakness shoulder right absent"
        ],
        "{reading:?}"
    );
    assert_eq!(
        reading.items[0].finding.detail.movements,
        [Activity::Abduction]
    );
    let ankle = read("Dorsiflexion 4/5 L");
    assert_eq!(found(&ankle), ["weakness ankle left present"], "{ankle:?}");
}

#[test]
fn a_root_is_its_reflex_only_when_a_reflex_is_spoken_of() {
    // Once read as the front of the upper arm (the biceps reflex's place).
    let tender = read("tenderness C5 R");
    assert_eq!(
        found(&tender),
        ["tenderness neck right present"],
        "{tender:?}"
    );
    let reflex = read("C5 reflex diminished on the left");
    assert_eq!(
        found(&reflex),
        ["reflex_decreased arm_anterior left present"],
        "{reflex:?}"
    );
    let segment = read("Subluxation C5 R");
    assert_eq!(
        found(&segment),
        ["segmental_dysfunction neck right present"],
        "{segment:?}"
    );
}

#[test]
fn words_that_say_a_finding_has_gone_or_is_someone_else_s_are_never_passed_over() {
    // Everyday words, but each may undo the finding beside it: read as prose, they would
    // chart a resolved pain as present, or a mother's pain as the patient's.
    for text in [
        "hardly any pain in the R knee",
        "R knee pain subsided",
        "R knee pain has settled",
        "R knee pain went away",
        "R knee pain abated",
        "R knee pain cleared up",
        "R knee pain dissipated",
        "R knee pain vanished",
        "barely any R knee swelling",
        "her mother has low back pain",
        "family history of low back pain",
        "R knee pain, now asymptomatic",
    ] {
        let reading = read(text);
        assert!(
            reading
                .items
                .iter()
                .all(|i| i.finding.presence != upstream::model::Presence::Present),
            "`{text}` charted present: {reading:?}"
        );
    }
}

#[test]
fn a_function_said_to_be_gone_is_the_deficit_present_and_a_deficit_denied_is_absent() {
    use upstream::model::Presence::{Absent, Present};
    // Each was charted as the deficit absent: "no sensation" read as no numbness.
    for (text, kind, presence) in [
        ("no sensation in L foot", "numbness", Present),
        ("absent sensation L foot", "numbness", Present),
        ("no reflexes at the L ankle", "reflex_decreased", Present),
        ("absent achilles reflex L", "reflex_decreased", Present),
        (
            "no reflex elicited at the L ankle",
            "reflex_decreased",
            Present,
        ),
        ("no strength in R hand", "weakness", Present),
        ("no pulses in the R foot", "diminished_pulse", Present),
        ("no sensory deficit L foot", "numbness", Absent),
        ("no sensory changes in the L foot", "numbness", Absent),
        ("no loss of sensation L foot", "numbness", Absent),
        ("sensation intact L foot", "numbness", Absent),
    ] {
        let reading = read(text);
        let finding = reading
            .items
            .iter()
            .find(|i| i.finding.kind.as_str() == kind)
            .unwrap_or_else(|| panic!("`{text}`: no {kind} read: {reading:?}"));
        assert_eq!(finding.finding.presence, presence, "`{text}`: {reading:?}");
    }
    // A list under "Normal": every function there.
    let normal = read("Normal reflexes, muscle strength, and sensation in lower extremities.");
    assert!(
        normal.items.iter().all(|i| i.finding.presence == Absent),
        "{normal:?}"
    );
    // Not examined: nothing charted either way.
    let not_done = read("no reflex testing performed");
    assert!(not_done.items.is_empty(), "{not_done:?}");
}

#[test]
fn the_side_of_the_pain_a_test_reproduced_is_never_the_test_s() {
    // A crossed straight leg raise: was charted as a test positive on both sides.
    for text in [
        "R SLR reproduces L leg pain",
        "R SLR positive reproducing L leg pain",
        "SLR positive on the R with pain into the L leg",
    ] {
        let reading = read(text);
        assert_eq!(
            found(&reading),
            ["positive_test thigh_posterior right present SLR"],
            "`{text}`: {reading:?}"
        );
    }
    // Right after the result, the side is the test's.
    let faber = read("FABER + L (SI pain)");
    assert_eq!(
        found(&faber),
        ["positive_test si_joint left present FABER"],
        "{faber:?}"
    );
}

#[test]
fn levels_of_their_own_are_never_one_finding_s_last_level() {
    // Was charted as one finding at L5, on both sides, C5 and T4 lost.
    let reading = read("Subluxation C5 R, T4, L5 L");
    assert!(reading.items.is_empty(), "{reading:?}");
    assert!(reading.unread.iter().any(|u| u.text == "T4"), "{reading:?}");
    let two = read("tenderness L4, L5");
    assert!(two.items.is_empty(), "{two:?}");
}

#[test]
fn results_in_brackets_and_dashes_between_clauses_are_read() {
    assert_eq!(
        found(&read("(-) SLR B")),
        ["positive_test thigh_posterior bilateral absent SLR"]
    );
    assert_eq!(
        found(&read("Spurling (-) bilat")),
        ["positive_test neck bilateral absent Spurling"]
    );
    assert_eq!(
        found(&read("(+) Kemp L")),
        ["positive_test low_back left present Kemp"]
    );
    let dash = read("L knee pain - worse with stairs");
    assert_eq!(found(&dash), ["pain knee left present"], "{dash:?}");
    assert!(dash.is_whole(), "{dash:?}");
}

#[test]
fn a_benign_diagnosis_is_read_as_charting_nothing_and_a_red_flag_condition_is_asked() {
    let benign = read("Assessment: plantar fasciitis, R heel pain 5/10");
    assert_eq!(found(&benign), ["pain heel right present"], "{benign:?}");
    assert!(benign.is_whole(), "{benign:?}");
    // Never passed over: a condition that may need a referral today.
    let fracture = read("suspected fracture, R heel pain 5/10");
    assert!(!fracture.is_whole(), "{fracture:?}");
}

#[test]
fn the_bullets_of_a_list_are_not_words() {
    for text in [
        "- R knee pain 4/10",
        "● R knee pain 4/10",
        "*R knee pain 4/10",
    ] {
        let reading = read(text);
        assert_eq!(
            found(&reading),
            ["pain knee right present"],
            "`{text}`: {reading:?}"
        );
        assert!(reading.is_whole(), "`{text}`: {reading:?}");
    }
}

#[test]
fn handedness_is_no_place_and_typographic_dashes_join_words() {
    // "right hand dominant" charted numbness of the right hand.
    let dominant = read("right hand dominant, R thumb numbness");
    assert_eq!(
        found(&dominant),
        ["numbness thumb right present"],
        "{dominant:?}"
    );
    let typographic =
        read("A 73-year-old right hand\u{2013}dominant woman with numbness over the R thumb");
    assert_eq!(
        found(&typographic),
        ["numbness thumb right present"],
        "{typographic:?}"
    );
    assert!(typographic.is_whole(), "{typographic:?}");
    // A part the vocabulary has no region for is kept as written.
    let part = read("pain over the anterolateral R ankle");
    assert_eq!(found(&part), ["pain ankle right present"], "{part:?}");
    assert_eq!(
        part.items[0].finding.detail.site.as_deref(),
        Some("anterolateral")
    );
}

#[test]
fn one_side_more_than_the_other_is_both_sides() {
    for text in ["LBP L>R", "TTP SIJ L>R", "neck pain R>L"] {
        let reading = read(text);
        assert!(
            reading.items.len() == 1
                && reading.items[0].finding.side == upstream::model::Side::Bilateral,
            "`{text}`: {reading:?}"
        );
        assert!(reading.is_whole(), "`{text}`: {reading:?}");
    }
}

#[test]
fn a_place_that_sets_the_scene_is_where_the_findings_after_it_are() {
    // "When looking at her thoracic spine movements" names a place and nothing found: the
    // findings after it in the sentence are there, and the clause is not left unread.
    let reading = read(
        "When looking at her thoracic spine movements, left rotation was reduced and extension was reduced and painful.",
    );
    assert!(reading.unread.is_empty(), "{:?}", reading.unread);
    assert!(reading.questions.is_empty(), "{:?}", reading.questions);
    let charted = found(&reading);
    assert!(charted.contains(&"limited_rom back_mid midline present".to_owned()));
    assert!(charted.contains(&"pain back_mid midline present".to_owned()));
    // "R knee:" gives its side to a part of the knee named after it, never to another place.
    assert_eq!(
        found(&read("R knee: swelling, TTP medial joint line")),
        [
            "swelling knee right present",
            "tenderness knee_medial right present"
        ]
    );
    assert_eq!(
        found(&read("R knee: swelling, TTP L ankle")),
        [
            "swelling knee right present",
            "tenderness ankle left present"
        ]
    );
}

#[test]
fn the_movement_a_range_is_limited_in_is_kept_and_a_scored_range_is_an_intensity() {
    let reading = read("Rotation: L4, severely hypomobile");
    assert!(reading.unread.is_empty(), "{:?}", reading.unread);
    let item = &reading.items[0].finding;
    assert_eq!(item.kind.as_str(), "limited_rom");
    assert_eq!(item.detail.movements, [Activity::Rotation]);
    let reading = read("lumbar flexion limited");
    assert_eq!(
        reading.items[0].finding.detail.movements,
        [Activity::Flexion]
    );
    // "5-6" scored: the worse of the two is the intensity, the other kept beside it.
    let reading = read("low back pain rated 5-6");
    assert!(reading.unread.is_empty(), "{:?}", reading.unread);
    let item = &reading.items[0].finding;
    assert_eq!(item.intensity.map(|i| i.value()), Some(6));
    assert_eq!(item.detail.intensity_low.map(|i| i.value()), Some(5));
    // "2-3 days" is how long, never an intensity.
    let reading = read("L knee pain 2-3 days");
    assert!(reading.unread.is_empty(), "{:?}", reading.unread);
    assert_eq!(reading.items.len(), 1);
    let item = &reading.items[0].finding;
    assert_eq!(item.intensity, None);
    assert_eq!(item.detail.since.as_deref(), Some("2-3 days"));
}

#[test]
fn the_past_another_person_and_what_may_happen_are_kept_in_the_note_not_charted() {
    // ConText (Harkema et al. 2009): historical, experiencer, hypothetical and uncertain
    // findings are not today's findings of the patient.
    for (text, why) in [
        ("history of low back pain", "history"),
        ("pt used to have neck pain", "history"),
        ("previous episode of LBP 2 yrs ago", "history"),
        ("mother has low back pain", "another person"),
        ("if pain increases in R knee, stop", "'if'"),
        ("possible R knee effusion", "possibility"),
    ] {
        let reading = read(text);
        assert!(reading.items.is_empty(), "{text}: {:?}", found(&reading));
        assert!(
            reading.questions.is_empty(),
            "{text}: {:?}",
            reading.questions
        );
        assert!(
            reading.unread.iter().any(|u| u.why.contains(why)),
            "{text}: {:?}",
            reading.unread
        );
    }
    // "a 3-month history of" is how long today's complaint has lasted.
    assert_eq!(
        found(&read("3-month history of neck pain")),
        ["pain neck midline present"]
    );
    // Denied, a history says the patient has not had it.
    assert_eq!(
        found(&read("no history of neck pain")),
        ["pain neck midline absent"]
    );
    // "no previous history of LBP" says nothing of the LBP the patient has today.
    assert!(
        read("no previous history of low back pain")
            .items
            .is_empty()
    );
    // "now" ends the past; the word left in the note raises no doubt about today's finding.
    let reading = read("h/o LBP, now R knee pain 5/10");
    assert_eq!(found(&reading), ["pain knee right present"]);
    assert!(reading.questions.is_empty(), "{:?}", reading.questions);
    // After a finding, "if" says what brings it on.
    let reading = read("R knee pain worse if standing");
    assert_eq!(found(&reading), ["pain knee right present"]);
    assert_eq!(
        reading.items[0].finding.detail.provoked_by,
        [Activity::Standing]
    );
}

#[test]
fn palpation_found_positive_is_asked_as_tenderness_and_is_only_how_a_named_finding_was_found() {
    let reading = read("Palpation: Positive in the right buttocks.");
    assert!(reading.items.is_empty());
    assert_eq!(reading.questions.len(), 1, "{:?}", reading.questions);
    let asked = &reading.questions[0].finding;
    assert_eq!(asked.kind.as_str(), "tenderness");
    assert_eq!(asked.side, Side::Right);
    // Palpation that found something named: only that is charted, never a tenderness
    // that was not said.
    let reading = read("Palpation revealed hypomobility at L4-L5");
    assert_eq!(found(&reading), ["limited_rom low_back midline present"]);
    let reading = read("Palpation revealed no spasm in the lumbar paraspinals");
    assert!(
        reading
            .items
            .iter()
            .map(|i| &i.finding)
            .chain(reading.questions.iter().map(|q| &q.finding))
            .all(|f| f.kind.as_str() == "muscle_spasm"),
        "{:?}",
        found(&reading)
    );
}

/// How it began: an injury named is a traumatic onset; an injury denied is none, never
/// the injury read as the mechanism.
#[test]
fn an_injury_named_or_denied_is_the_onset_it_says() {
    use upstream::model::Onset;
    let onset = |text: &str| {
        let reading = read(text);
        assert_eq!(reading.items.len(), 1, "{reading:?}");
        reading.items[0].finding.detail.onset
    };
    assert_eq!(
        onset("R ankle pain for 3 weeks following an inversion injury"),
        Some(Onset::AfterTrauma)
    );
    assert_eq!(
        onset("low-back pain for the past eight years since that fall"),
        Some(Onset::AfterTrauma)
    );
    assert_eq!(onset("L ankle pain, no injury"), Some(Onset::Insidious));
    assert_eq!(
        onset("progressive right shoulder pain without specific predisposing injury"),
        Some(Onset::Insidious)
    );
    // The negation was the injury's: the swelling after it stays present.
    let reading = read("no trauma, R knee swelling");
    assert_eq!(found(&reading), ["swelling knee right present"]);
}

/// A range-of-motion line lists movements at one place: each measured movement is a
/// finding of its own there, never a second value refused; a trigger point's referral
/// is where the pain goes, not another tender place.
#[test]
fn each_measured_movement_is_its_own_finding_and_a_referral_is_not_a_place_found() {
    let reading = read("R shoulder flexion 120°, abduction 90°, ER 45°");
    assert!(reading.is_whole(), "{reading:?}");
    assert_eq!(
        found(&reading),
        [
            "rom_measured shoulder right present",
            "rom_measured shoulder right present",
            "rom_measured shoulder right present"
        ]
    );
    let degrees: Vec<f64> = reading
        .items
        .iter()
        .filter_map(|i| i.finding.detail.measurement.as_ref().map(|m| m.quantity))
        .collect();
    assert_eq!(degrees, [120.0, 90.0, 45.0]);
    let referral = read("TTP R upper trap with referral to R temple");
    assert_eq!(found(&referral), ["tenderness shoulder_top right present"]);
    assert_eq!(
        referral.items[0].finding.detail.reproduces.as_deref(),
        Some("R temple")
    );
}

/// Everyday exam lines: special tests by their usual names, a segment's restricted
/// motion, and a dynamometer's reading charted as measured, never as weak or strong.
#[test]
fn common_exam_lines_are_read_with_their_test_level_and_measure() {
    assert_eq!(
        found(&read("prone knee bend + L")),
        ["positive_test thigh_anterior left present Prone knee bend"]
    );
    assert_eq!(
        found(&read("femoral nerve stretch test + L")),
        ["positive_test thigh_anterior left present Femoral nerve stretch"]
    );
    assert_eq!(
        found(&read("Lhermitte's sign negative")),
        ["positive_test neck midline absent Lhermitte"]
    );
    assert_eq!(
        found(&read("Ely's test positive bilat")),
        ["positive_test thigh_anterior bilateral present Ely"]
    );
    let segment = read("restricted motion at C5-C6 R");
    assert_eq!(found(&segment), ["limited_rom neck right present"]);
    assert_eq!(
        segment.items[0]
            .finding
            .detail
            .level
            .as_ref()
            .map(|l| l.to_string()),
        Some("C5-C6".to_owned())
    );
    let grip = read("grip strength R 30 kg, L 40 kg");
    assert_eq!(
        found(&grip),
        [
            "strength_measured hand right present",
            "strength_measured hand left present"
        ]
    );
    assert_eq!(
        found(&read("Strength: 5/5 all major muscle groups BUE")),
        ["weakness upper_limb bilateral absent"]
    );
    assert_eq!(
        found(&read("TTP R QL and glute med")),
        [
            "tenderness low_back right present",
            "tenderness buttock right present"
        ]
    );
    let kilograms: Vec<f64> = grip
        .items
        .iter()
        .filter_map(|i| i.finding.detail.measurement.as_ref().map(|m| m.quantity))
        .collect();
    assert_eq!(kilograms, [30.0, 40.0]);
}

/// "mid to upper back pain": a stretch of the spine named by its two ends is pain at each,
/// never a "mid" left unread that holds the whole line back.
#[test]
fn a_stretch_named_by_its_two_ends_is_each_end() {
    let reading = read("mid to upper back pain, left groin pain");
    assert!(reading.is_whole(), "{reading:?}");
    assert_eq!(
        found(&reading),
        [
            "pain back_mid midline present",
            "pain back_upper midline present",
            "pain groin left present"
        ]
    );
}

/// The cauda equina screen as it is written: "bowel and bladder" names both functions,
/// found normal, denied or affected together; never one of them lost, and a "no" before
/// a named finding never turns the function's denial into a deficit.
#[test]
fn bowel_and_bladder_are_both_read_as_written() {
    for (text, presence) in [
        ("bowel and bladder function normal", "absent"),
        ("B&B intact", "absent"),
        ("no bowel and bladder symptoms", "absent"),
        ("no bowel and bladder dysfunction", "absent"),
        ("no bowel and bladder incontinence", "absent"),
        ("new bowel and bladder incontinence", "present"),
    ] {
        let reading = read(text);
        let mut got = found(&reading);
        got.sort();
        assert_eq!(
            got,
            [
                format!("bladder_dysfunction - none {presence}"),
                format!("bowel_dysfunction - none {presence}")
            ],
            "{text}: {reading:?}"
        );
    }
    // "no red flags" charts no redness.
    assert!(found(&read("no red flags")).is_empty());
    // Plantar heel pain on the first steps: brought on by bearing weight, in the morning,
    // not by stairs.
    let heel = read("R heel pain first steps in the morning");
    assert_eq!(
        heel.items[0].finding.detail.provoked_by,
        [upstream::model::Activity::WeightBearing]
    );
}

/// A neuro line lists a reflex and a strength on one side: each is its own finding at its
/// own place, never the reflex lost or the strength read as a reflex.
#[test]
fn a_reflex_and_a_strength_on_one_line_are_two_findings() {
    assert_eq!(
        found(&read("biceps reflex 1+ L, wrist ext 4/5 L")),
        [
            "reflex_decreased elbow_anterior left present",
            "weakness wrist left present"
        ]
    );
    assert_eq!(
        found(&read("patellar reflex 1+ R, quad 4/5 R")),
        [
            "reflex_decreased knee_anterior right present",
            "weakness thigh_anterior right present"
        ]
    );
}

/// "decreased" after or before a function examined says how it was found: it is not a
/// word of what eases a symptom there. Pulses are graded with 2+ normal; a lordosis or
/// kyphosis decreased or increased is a postural deviation, found normal none.
#[test]
fn decreased_says_how_a_function_was_found_and_pulses_and_curves_are_graded() {
    for (text, expected) in [
        (
            "achilles reflex decreased L",
            "reflex_decreased achilles left present",
        ),
        ("sensation decreased L foot", "numbness foot left present"),
        (
            "decreased ROM lumbar",
            "limited_rom low_back midline present",
        ),
        (
            "pedal pulses 2+ bilat",
            "diminished_pulse foot bilateral absent",
        ),
        (
            "decreased lumbar lordosis",
            "postural_deviation low_back midline present",
        ),
        (
            "increased thoracic kyphosis",
            "postural_deviation back_mid midline present",
        ),
        (
            "lumbar lordosis normal",
            "postural_deviation low_back midline absent",
        ),
    ] {
        let reading = read(text);
        assert_eq!(found(&reading), [expected], "{text}: {reading:?}");
    }
    // What eases a symptom stays what eases it.
    let eased = read("LBP decreased with rest");
    assert_eq!(found(&eased), ["pain low_back midline present"]);
    assert_eq!(
        eased.items[0].finding.detail.eased_by,
        [upstream::model::Activity::Rest]
    );
}

/// Values as notes write them: two movements measured in one sentence joined by "and",
/// a normal with its unit, a range of scores with spaces, and a pain scale's name alone.
#[test]
fn values_written_in_prose_and_with_spaces_are_read() {
    let both = read("R shoulder active flexion 100 degrees and passive flexion 120 degrees");
    assert!(both.is_whole(), "{both:?}");
    let degrees: Vec<f64> = both
        .items
        .iter()
        .filter_map(|i| i.finding.detail.measurement.as_ref().map(|m| m.quantity))
        .collect();
    assert_eq!(degrees, [100.0, 120.0]);
    let normal = read("lumbar flexion 45 deg (normal 60 deg)");
    assert!(normal.is_whole(), "{normal:?}");
    assert_eq!(found(&normal), ["limited_rom low_back midline present"]);
    let range = read("LBP 4 - 6/10");
    assert!(range.is_whole(), "{range:?}");
    assert_eq!(range.items[0].finding.intensity.map(|i| i.value()), Some(6));
    assert_eq!(found(&read("R knee VAS 3/10")), ["pain knee right present"]);
    assert_eq!(
        found(&read("TTP R scap border")),
        ["tenderness scapula right present"]
    );
}

/// The built-in lexicon file as JSON, to be changed by a test.
fn lexicon_json() -> serde_json::Value {
    serde_json::from_str(Lexicon::builtin_text()).unwrap()
}

fn load(json: &serde_json::Value) -> Result<Lexicon, String> {
    Lexicon::load(&json.to_string(), Vocabulary::builtin()).map_err(|e| e.to_string())
}

#[test]
fn the_units_and_the_reflex_and_pulse_grades_are_the_lexicons_data() {
    // The built-in data reads as the clinic writes.
    assert_eq!(
        found(&read("patellar reflex 3+ R")),
        ["reflex_increased knee_anterior right present"]
    );
    assert_eq!(
        found(&read("pedal pulses 1+ L")),
        ["diminished_pulse foot left present"]
    );
    assert_eq!(
        found(&read("pedal pulses 2+ L")),
        ["diminished_pulse foot left absent"]
    );
    // A clinic whose scale says otherwise changes the file, not the code: 3+ charted as
    // normal, a pulse of 2+ as diminished, "degs" as degrees.
    let mut json = lexicon_json();
    json["reflex_grades"]["grades"]["3+"] = "normal".into();
    json["pulse_grades"]["grades"]["2+"] = "less".into();
    json["pulse_grades"]["grades"]["3+"] = "normal".into();
    json["units"]["measures"]["degrees"]["words"]
        .as_array_mut()
        .unwrap()
        .push("degs".into());
    let lexicon = load(&json).unwrap();
    let read_with = |text: &str| {
        let reading = read_findings(text, None, Vocabulary::builtin(), &lexicon);
        (found(&reading), reading)
    };
    let (reflex, reading) = read_with("patellar reflex 3+ R");
    assert!(
        reflex
            .iter()
            .all(|line| line.starts_with("reflex_") && line.ends_with("absent")),
        "{reflex:?}"
    );
    assert_eq!(
        reading.items[0].finding.detail.reflex,
        ReflexGrade::parse("3+")
    );
    assert_eq!(
        read_with("pedal pulses 2+ L").0,
        ["diminished_pulse foot left present"]
    );
    let (_, reading) = read_with("R knee flexion 120 degs");
    let measured = reading.items[0]
        .finding
        .detail
        .measurement
        .as_ref()
        .unwrap();
    assert_eq!(
        (measured.quantity, measured.unit),
        (120.0, upstream::model::Unit::Degrees)
    );
    assert!(
        read("R knee flexion 120 degs")
            .items
            .iter()
            .all(|item| { item.finding.detail.measurement.is_none() })
    );
}

#[test]
fn a_lexicon_missing_the_units_or_a_scale_or_with_one_malformed_is_refused_clearly() {
    type Break = fn(&mut serde_json::Value);
    let breakages: [(&str, Break, &str); 11] = [
        (
            "no units",
            |j| {
                j.as_object_mut().unwrap().remove("units");
            },
            "missing field `units`",
        ),
        (
            "no reflex grades",
            |j| {
                j.as_object_mut().unwrap().remove("reflex_grades");
            },
            "missing field `reflex_grades`",
        ),
        (
            "no pulse grades",
            |j| {
                j.as_object_mut().unwrap().remove("pulse_grades");
            },
            "missing field `pulse_grades`",
        ),
        (
            "no periods",
            |j| j["units"]["periods"] = serde_json::json!([]),
            "units.periods is empty",
        ),
        (
            "a blank duration",
            |j| j["units"]["durations"] = serde_json::json!(["minutes", " "]),
            "units.durations has a blank entry",
        ),
        (
            "a unit the record lacks",
            |j| {
                let degrees = j["units"]["measures"]["degrees"].clone();
                j["units"]["measures"]["inches"] = degrees;
            },
            "`inches` in units.measures is not a code",
        ),
        (
            "one word, two units",
            |j| {
                j["units"]["measures"]["centimetres"]["words"] = serde_json::json!(["cm", "mm"]);
            },
            "units.measures gives `mm` to two units",
        ),
        (
            "units without a source",
            |j| j["units"]["sources"] = serde_json::json!([]),
            "units.sources needs at least one source",
        ),
        (
            "a grade missing",
            |j| {
                j["pulse_grades"]["grades"]
                    .as_object_mut()
                    .unwrap()
                    .remove("2+");
            },
            "pulse_grades.grades has no grade 2",
        ),
        (
            "a grade's standing unknown",
            |j| j["reflex_grades"]["grades"]["3+"] = "brisk".into(),
            "reflex_grades.grades.3+ is `brisk`",
        ),
        (
            "a grade given twice",
            |j| j["reflex_grades"]["grades"]["2"] = "normal".into(),
            "reflex_grades.grades gives grade 2 twice",
        ),
    ];
    for (what, breaking, expected) in breakages {
        let mut json = lexicon_json();
        breaking(&mut json);
        let message = load(&json)
            .err()
            .unwrap_or_else(|| panic!("{what}: loaded"));
        assert!(
            message.contains("assets/lexicon/findings.json") && message.contains(expected),
            "{what}: {message}"
        );
    }
    // A scale with no normal grade.
    let mut json = lexicon_json();
    for grade in ["0", "1+", "2+", "3+", "4+"] {
        json["reflex_grades"]["grades"][grade] = "less".into();
    }
    let message = load(&json).err().unwrap();
    assert!(
        message.contains("reflex_grades.grades has no `normal` grade"),
        "{message}"
    );
}

#[test]
fn kb_check_refuses_a_lexicon_without_its_units_naming_the_section() {
    let assets = tempfile::tempdir().unwrap();
    let knowledge = assets.path().join("knowledge");
    std::fs::create_dir(&knowledge).unwrap();
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/knowledge");
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, knowledge.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::create_dir(assets.path().join("lexicon")).unwrap();
    let lexicon = assets.path().join("lexicon/findings.json");
    let check = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_upstream"))
            .args(["kb", "check", knowledge.to_str().unwrap()])
            .output()
            .unwrap()
    };
    std::fs::write(&lexicon, Lexicon::builtin_text()).unwrap();
    let output = check();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut json = lexicon_json();
    json["pulse_grades"]["grades"]["1+"] = "".into();
    std::fs::write(&lexicon, json.to_string()).unwrap();
    let output = check();
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "a malformed pulse scale passed");
    assert!(
        message.contains("findings.json") && message.contains("pulse_grades.grades.1+"),
        "{message}"
    );
}

#[test]
fn words_the_lexicon_took_from_the_corpus_are_read_as_clinicians_mean_them() {
    for (text, expected) in [
        // Muscle bulk is what is examined for atrophy.
        ("decreased muscle bulk R calf", "atrophy calf right present"),
        (
            "muscle bulk symmetric bilat UE",
            "atrophy upper_limb bilateral absent",
        ),
        // A pinwheel examines sensation, as a pinprick does.
        (
            "pinwheel decreased L lat calf",
            "numbness leg_lateral left present",
        ),
        ("R ant. tib. 4/5", "weakness shin right present"),
        (
            "numbness dorsum of R hand",
            "numbness hand_dorsum right present",
        ),
        (
            "He states that he has been dropping objects",
            "clumsy_hands - none present",
        ),
        // Prose around a finding is passed over.
        (
            "A 38-year-old female dental hygienist presents with complaints of neck pain",
            "pain neck midline present",
        ),
    ] {
        assert_eq!(found(&read(text)).join("; "), expected, "{text}");
        assert!(read(text).unread.is_empty(), "{text}");
    }
    let reading = read("R ankle pain due to a fall");
    assert_eq!(found(&reading), ["pain ankle right present"]);
    assert_eq!(
        reading.items[0].finding.detail.onset,
        Some(Onset::AfterTrauma)
    );
    let reading = read("L knee pain after a road traffic accident (RTA)");
    assert_eq!(
        reading.items[0].finding.detail.onset,
        Some(Onset::AfterTrauma)
    );
    let reading = read("L knee pain for 24 h");
    assert_eq!(
        reading.items[0].finding.detail.duration.as_deref(),
        Some("24 h")
    );
    let reading = read("L hip pain getting out of a chair");
    assert_eq!(
        reading.items[0].finding.detail.provoked_by,
        [Activity::Rising]
    );
    let reading = read("R wrist pain, rest and ice alleviate it");
    assert_eq!(
        reading.items[0].finding.detail.eased_by,
        [Activity::Rest, Activity::Ice]
    );
}

#[test]
fn words_that_could_change_a_side_a_place_or_a_negation_stay_unread() {
    // Each of these words carries something the record cannot hold, or could be read two
    // ways; passing over it as prose would lose it without a word.
    for (text, word) in [
        // Painless is a finding about pain; prose would lose it.
        ("painless full extension R elbow", "painless"),
        // The levels name the limb's roots, not the neck.
        (
            "normal motor and sensory examination of the C5-T1 nerve roots",
            "nerve",
        ),
        // The fifth digit of a hand or of a foot.
        (
            "Decreased sensation to pinprick in the right fifth digit",
            "fifth digit",
        ),
        // Which end of the hamstrings is not said.
        (
            "Site of maximal pain the L hamstring insertion.",
            "insertion",
        ),
        // A side said by reference to the other.
        ("R calf pain (unaffected side L)", "unaffected"),
        // An accident may be of the bladder, not an injury.
        ("R knee pain after a bladder accident", "accident"),
    ] {
        let reading = read(text);
        assert!(
            reading.unread.iter().any(|u| u.text == word),
            "{text}: {:?}",
            reading.unread
        );
    }
    // Nothing of these is charted at a place the text does not give.
    assert!(
        read("normal motor and sensory examination of the C5-T1 nerve roots")
            .items
            .is_empty()
    );
    assert!(
        read("R knee pain after a bladder accident")
            .items
            .iter()
            .all(|item| item.finding.detail.onset.is_none())
    );
}

/// What each finding was rated, in the order read.
fn intensities(reading: &Reading) -> Vec<Option<u8>> {
    reading
        .items
        .iter()
        .map(|item| item.finding.intensity.map(|i| i.value()))
        .collect()
}

#[test]
fn a_finding_that_refers_back_takes_the_one_place_named_before() {
    let reading = read("Patient reports low back pain. The pain is 6/10 and worse with sitting.");
    assert_eq!(
        found(&reading),
        [
            "pain low_back midline present",
            "pain low_back midline present"
        ]
    );
    assert_eq!(intensities(&reading), [None, Some(6)]);
    assert!(reading.is_whole(), "{reading:?}");
    // The side goes with its place.
    let reading = read("R knee pain. Pain is worse with stairs.");
    assert_eq!(
        found(&reading),
        ["pain knee right present", "pain knee right present"]
    );
    assert_eq!(
        reading.items[1].finding.detail.provoked_by,
        [Activity::Stairs]
    );
    // "it", "symptoms", a bare rating: the one complaint named before.
    for text in [
        "Low back pain. It is 6/10.",
        "L shoulder pain. Symptoms are 6/10.",
        "L shoulder pain. 6/10.",
    ] {
        let reading = read(text);
        assert_eq!(reading.items.len(), 2, "{text}: {reading:?}");
        assert_eq!(reading.items[1].finding, {
            let mut f = reading.items[0].finding.clone();
            f.intensity = reading.items[1].finding.intensity;
            f
        });
        assert_eq!(intensities(&reading)[1], Some(6), "{text}");
    }
}

#[test]
fn with_two_places_named_before_a_finding_that_refers_back_is_asked() {
    for text in [
        "Low back pain and neck pain. The pain is 6/10.",
        "Low back pain. Neck pain. The pain is 6/10.",
        "R knee pain. L knee pain. The pain is 6/10.",
        // A place named with no finding is a place the text could mean.
        "Low back pain. He also hurt his knee. The pain is 6/10.",
    ] {
        let reading = read(text);
        assert!(
            reading.items.iter().all(|i| i.finding.intensity.is_none()),
            "{text}: {reading:?}"
        );
        assert!(
            reading
                .questions
                .iter()
                .any(|q| q.text.starts_with("The pain is 6/10") && q.finding.region.is_none()),
            "{text}: {reading:?}"
        );
    }
    // "It" with two complaints rates neither.
    let reading = read("Low back pain and neck pain. It is 6/10.");
    assert!(intensities(&reading).iter().all(Option::is_none));
}

#[test]
fn a_place_carried_back_keeps_its_side_and_never_its_negation() {
    // The line's side is another side than the place named before: asked.
    let reading = read_under("R knee pain. The pain is 6/10.", Side::Left);
    assert_eq!(found(&reading), ["pain knee right present"]);
    assert_eq!(reading.questions.len(), 1, "{reading:?}");
    // A side of its own is not the knee's.
    let reading = read("R knee pain. The pain is 6/10 on the left.");
    assert_eq!(found(&reading), ["pain knee right present"]);
    // A denied pain is no place for a pain rated after it.
    let reading = read("No low back pain. The pain is 6/10.");
    assert_eq!(found(&reading), ["pain low_back midline absent"]);
    assert!(intensities(&reading).iter().all(Option::is_none));
    // A finding denied after a place is not carried there (it would say the pain named is
    // absent): asked.
    let reading = read("Low back pain. No pain at rest.");
    assert_eq!(found(&reading), ["pain low_back midline present"]);
    assert_eq!(reading.questions.len(), 1, "{reading:?}");
    // Another kind of finding is not told of the pain's place.
    let reading = read("R knee swelling. The pain is 6/10.");
    assert_eq!(found(&reading), ["swelling knee right present"]);
    assert_eq!(reading.questions.len(), 1, "{reading:?}");
    let reading = read("R knee pain. Tenderness noted.");
    assert_eq!(found(&reading), ["pain knee right present"]);
    assert_eq!(reading.questions.len(), 1, "{reading:?}");
}

#[test]
fn a_sentence_that_names_its_own_place_takes_nothing_from_before() {
    // Read in the note it came from (a public case): the shooting pain is at the right of
    // the lower neck, never the neck's midline carried from the sentence before.
    let reading = read(
        "His neck pain also started this morning. The pain becomes a sharp, shooting pain from the lower cervical spine on the right to the index finger and thumb.",
    );
    let second = reading.text.find("The pain").unwrap();
    let read_after: Vec<String> = found(&reading)
        .into_iter()
        .zip(&reading.items)
        .filter(|(_, item)| item.span[0] >= second)
        .map(|(line, _)| line)
        .collect();
    assert!(
        !read_after.contains(&"pain neck midline present".to_owned()),
        "{read_after:?}"
    );
    assert!(read_after.contains(&"pain neck right present".to_owned()));
}

#[test]
fn a_place_does_not_carry_past_the_end_of_its_paragraph() {
    let reading = read("Low back pain.\n\nThe pain is 6/10.");
    assert_eq!(found(&reading), ["pain low_back midline present"]);
    assert_eq!(reading.questions.len(), 1, "{reading:?}");
    // The next line of the same paragraph is still about it.
    let reading = read("Low back pain.\nThe pain is 6/10.");
    assert_eq!(intensities(&reading), [None, Some(6)], "{reading:?}");
}

#[test]
fn a_place_named_for_a_later_examination_is_not_the_finding_before() {
    // The biceps tendon's tenderness is not at the arm the MMT names, nor on its side:
    // the tendon runs from the shoulder to the elbow, so its place is asked.
    let reading = read(
        "No tenderness with palpation biceps tendon and MMT resistance of left biceps is strong.",
    );
    assert_eq!(found(&reading), ["weakness arm_anterior left absent"]);
    assert_eq!(
        reading.items[0].finding.detail.structure.as_deref(),
        Some("biceps")
    );
    let asked: Vec<_> = reading
        .questions
        .iter()
        .map(|q| {
            (
                q.finding.kind.as_str(),
                q.finding.region.clone(),
                q.finding.side,
            )
        })
        .collect();
    assert_eq!(asked, [("tenderness", None, Side::None)], "{reading:?}");
}

/// The degrees read for each finding, in the order read.
fn degrees(reading: &Reading) -> Vec<Option<f64>> {
    reading
        .items
        .iter()
        .map(|item| item.finding.detail.measurement.as_ref().map(|m| m.quantity))
        .collect()
}

#[test]
fn a_bare_number_after_a_movement_with_a_known_normal_is_its_range_in_degrees() {
    let reading = read("R knee flexion 120");
    assert_eq!(found(&reading), ["rom_measured knee right present"]);
    assert_eq!(degrees(&reading), [Some(120.0)]);
    let reading = read("lumbar flexion 45");
    assert_eq!(found(&reading), ["rom_measured low_back midline present"]);
    assert_eq!(degrees(&reading), [Some(45.0)]);
    // Past any normal, it is not degrees: left unread.
    let reading = read("R knee flexion 400");
    assert!(reading.items.is_empty(), "{reading:?}");
    assert!(!reading.unread.is_empty());
}

#[test]
fn the_side_by_a_rotation_of_the_spine_is_its_direction_never_the_patients_side() {
    for text in [
        "Cervical ROM: R rotation 60",
        "R cervical rotation 60",
        "R cervical rotation 60°",
    ] {
        let reading = read(text);
        assert_eq!(
            found(&reading),
            ["rom_measured neck midline present"],
            "{text}"
        );
        assert_eq!(degrees(&reading), [Some(60.0)], "{text}");
    }
    // A side written after, or given by the line: direction or side? Asked.
    assert!(read("cervical rotation 60 L").items.is_empty());
    let reading = read_under("cervical rotation 60", Side::Left);
    assert!(reading.items.is_empty(), "{reading:?}");
    assert_eq!(reading.questions.len(), 1);
}

#[test]
fn a_bare_number_that_may_be_something_else_is_asked_or_left_never_read_as_degrees() {
    // No joint named: which joint's flexion?
    for text in ["flexion 45", "R rotation 60"] {
        let reading = read(text);
        assert!(reading.items.is_empty(), "{text}: {reading:?}");
        assert_eq!(reading.questions.len(), 1, "{text}: {reading:?}");
        assert_eq!(reading.questions[0].finding.region, None);
    }
    // A small number may be a strength grade.
    let reading = read("shoulder abduction 4");
    assert!(reading.items.is_empty(), "{reading:?}");
    assert_eq!(reading.questions.len(), 1, "{reading:?}");
    // Two numbers, two sides: never one range on both sides.
    for text in [
        "R knee flexion 120, L 135",
        "cervical rotation 60, L 70",
        "cervical rotation R 60 L 70",
        "right 50 to 135, left 8 to 110",
        "Dorsiflexion 3 3",
    ] {
        let reading = read(text);
        assert!(reading.items.is_empty(), "{text}: {reading:?}");
    }
}

/// The index of the `rom_normals` entry for a place and movement in the lexicon's JSON.
fn rom_normal_at(json: &serde_json::Value, region: &str, movement: &str) -> usize {
    json["rom_normals"]["normals"]
        .as_array()
        .unwrap()
        .iter()
        .position(|n| n["region"] == region && n["movement"] == movement)
        .unwrap_or_else(|| panic!("no normal for {region} {movement}"))
}

#[test]
fn the_normal_ranges_of_motion_are_the_lexicons_data() {
    // The built-in normals: knee flexion 130 (up to 195 read), wrist extension 70 (up to 105).
    assert_eq!(degrees(&read("R knee flexion 160")), [Some(160.0)]);
    assert_eq!(degrees(&read("R wrist extension 100")), [Some(100.0)]);
    assert!(
        degrees(&read("R wrist extension 110")).is_empty(),
        "past one and a half times the normal"
    );
    // A clinic that lowers the knee's normal and raises the wrist's changes the file: what
    // is plausible follows.
    let mut json = lexicon_json();
    let knee = rom_normal_at(&json, "knee", "flexion");
    json["rom_normals"]["normals"][knee]["degrees"] = 100.into();
    let wrist = rom_normal_at(&json, "wrist", "extension");
    json["rom_normals"]["normals"][wrist]["degrees"] = 80.into();
    let lexicon = load(&json).unwrap();
    let read_with = |text: &str| read_findings(text, None, Vocabulary::builtin(), &lexicon);
    let reading = read_with("R knee flexion 160");
    assert!(degrees(&reading).is_empty(), "{reading:?}");
    assert!(!reading.unread.is_empty(), "{reading:?}");
    assert_eq!(degrees(&read_with("R knee flexion 120")), [Some(120.0)]);
    let reading = read_with("R wrist extension 110");
    assert_eq!(found(&reading), ["rom_measured wrist right present"]);
    assert_eq!(degrees(&reading), [Some(110.0)]);
    // A movement with no normal in the file: a bare number after it is not degrees.
    let mut json = lexicon_json();
    let knee = rom_normal_at(&json, "knee", "flexion");
    json["rom_normals"]["normals"]
        .as_array_mut()
        .unwrap()
        .remove(knee);
    let lexicon = load(&json).unwrap();
    let reading = read_findings("R knee flexion 120", None, Vocabulary::builtin(), &lexicon);
    assert!(
        reading
            .items
            .iter()
            .all(|item| item.finding.detail.measurement.is_none()),
        "{reading:?}"
    );
}

#[test]
fn a_malformed_normal_range_of_motion_is_refused_naming_it() {
    type Break = fn(&mut serde_json::Value);
    let breakages: [(&str, Break, &str); 10] = [
        (
            "no section",
            |j| {
                j.as_object_mut().unwrap().remove("rom_normals");
            },
            "missing field `rom_normals`",
        ),
        (
            "a region the vocabulary lacks",
            |j| {
                let at = rom_normal_at(j, "knee", "flexion");
                j["rom_normals"]["normals"][at]["region"] = "kneecap_top".into();
            },
            "`kneecap_top` in rom_normals.normals (region) is not a code",
        ),
        (
            "a movement the reader does not know",
            |j| {
                let at = rom_normal_at(j, "knee", "flexion");
                j["rom_normals"]["normals"][at]["movement"] = "wiggling".into();
            },
            "`wiggling` in rom_normals.normals (movement) is not a code",
        ),
        (
            "an activity that is no movement",
            |j| {
                let at = rom_normal_at(j, "knee", "flexion");
                j["rom_normals"]["normals"][at]["movement"] = "kneeling".into();
            },
            "`kneeling` in rom_normals.normals (movement) is not a code",
        ),
        (
            "a normal of 0",
            |j| {
                let at = rom_normal_at(j, "hip", "abduction");
                j["rom_normals"]["normals"][at]["degrees"] = 0.into();
            },
            "rom_normals.normals (hip abduction) gives 0 degrees",
        ),
        (
            "a normal above 360",
            |j| {
                let at = rom_normal_at(j, "hip", "abduction");
                j["rom_normals"]["normals"][at]["degrees"] = 450.into();
            },
            "rom_normals.normals (hip abduction) gives 450 degrees",
        ),
        (
            "a place and movement twice",
            |j| {
                let at = rom_normal_at(j, "elbow", "flexion");
                let again = j["rom_normals"]["normals"][at].clone();
                j["rom_normals"]["normals"]
                    .as_array_mut()
                    .unwrap()
                    .push(again);
            },
            "rom_normals.normals (elbow flexion) is given twice",
        ),
        (
            "a blank source",
            |j| {
                let at = rom_normal_at(j, "ankle", "dorsiflexion");
                j["rom_normals"]["normals"][at]["source"] = " ".into();
            },
            "rom_normals.normals (ankle dorsiflexion) has no source",
        ),
        (
            "no source",
            |j| {
                let at = rom_normal_at(j, "ankle", "dorsiflexion");
                j["rom_normals"]["normals"][at]
                    .as_object_mut()
                    .unwrap()
                    .remove("source");
            },
            "missing field `source`",
        ),
        (
            "the section without a source",
            |j| j["rom_normals"]["sources"] = serde_json::json!([]),
            "rom_normals.sources needs at least one source",
        ),
    ];
    for (what, breaking, expected) in breakages {
        let mut json = lexicon_json();
        breaking(&mut json);
        let message = load(&json)
            .err()
            .unwrap_or_else(|| panic!("{what}: loaded"));
        assert!(
            message.contains("assets/lexicon/findings.json") && message.contains(expected),
            "{what}: {message}"
        );
    }
}

/// The corpus phrases (tests/corpus) read in the note their source quotes around them:
/// each finding the reader asked a place for when the phrase was read alone, and reads
/// with a place once the sentences before it are there, must be at the place, on the side
/// and with the presence its source gives. `cargo test --test suite reader::a_place_carried
/// -- --nocapture` prints how many were carried.
#[test]
fn a_place_carried_from_the_sentences_before_in_a_real_note_is_the_source_s() {
    use upstream::model::RegionCode;
    let (vocabulary, lexicon) = (Vocabulary::builtin(), Lexicon::builtin());
    let needs_a_region = |reading: &Reading| {
        reading
            .questions
            .iter()
            .filter(|q| q.ask.ends_with("finding needs a region"))
            .count()
    };
    let (mut asked_alone, mut carried, mut wrong) = (0, 0, Vec::new());
    for file in [
        "findings-spine.json",
        "findings-upper-limb-head.json",
        "findings-lower-limb.json",
        "findings-heldout.json",
    ] {
        let path = format!("{}/tests/corpus/{file}", env!("CARGO_MANIFEST_DIR"));
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for item in value["items"].as_array().unwrap() {
            let text = item["text"].as_str().unwrap();
            let note = item["source"]["context"].as_str().unwrap_or_default();
            let line_side = item["line_side"].as_str().and_then(Side::from_code);
            let alone = read_findings(text, line_side, vocabulary, lexicon);
            let Some(at) = note.find(text).filter(|at| *at > 0) else {
                continue;
            };
            if item["kind"] != "finding" || needs_a_region(&alone) == 0 {
                continue;
            }
            asked_alone += needs_a_region(&alone);
            let end = at + text.len();
            let mut in_note = read_findings(note, line_side, vocabulary, lexicon);
            // What was read from the phrase's own words; a finding read across its edges
            // belongs to a sentence of the note that the excerpt runs together.
            in_note
                .items
                .retain(|i| i.span[0] >= at && i.span[1] <= end);
            for read in &in_note.items {
                let f = &read.finding;
                let placed_alone = alone.items.iter().any(|i| {
                    i.finding.kind == f.kind
                        && i.finding.region == f.region
                        && i.finding.side == f.side
                });
                if placed_alone || f.region.is_none() {
                    continue;
                }
                carried += 1;
                eprintln!(
                    "placed by its note: `{text}`: {} {} {} {}",
                    f.kind,
                    f.region.as_ref().map_or("-", |r| r.as_str()),
                    f.side.code(),
                    f.presence.code()
                );
                let expected: Vec<&serde_json::Value> = item["expect"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|e| e["kind"].as_str() == Some(f.kind.as_str()))
                    .collect();
                let fits = expected.iter().any(|e| {
                    let region = e["region"].as_str().unwrap_or_default();
                    let side = e["side"].as_str().unwrap_or("none");
                    let presence = e["presence"].as_str().unwrap_or("present");
                    let read_region = f.region.as_ref().unwrap();
                    let region_fits = region.is_empty()
                        || region == read_region.as_str()
                        || vocabulary.region_within(&RegionCode::new(region), read_region);
                    let side_fits = side == f.side.code() || matches!(side, "none" | "midline");
                    region_fits && side_fits && presence == f.presence.code()
                });
                if !fits {
                    wrong.push(format!(
                        "`{text}` in `{note}`: read {} {} {} {}",
                        f.kind,
                        f.region.as_ref().unwrap(),
                        f.side.code(),
                        f.presence.code()
                    ));
                }
            }
        }
    }
    eprintln!(
        "places asked when read alone: {asked_alone}; placed by the note around it (the sentences before, a heading): {carried}; not the source's: {}",
        wrong.len()
    );
    assert!(asked_alone > 0 && carried > 0);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_heading_of_a_place_on_its_own_line_places_the_findings_under_it() {
    let reading = read("R knee:\nPain with flexion.\nSwelling noted.");
    assert_eq!(
        found(&reading),
        ["pain knee right present", "swelling knee right present"]
    );
    assert!(reading.is_whole(), "{reading:?}");
    let reading = read("Right shoulder exam:\n- Pain with abduction 6/10");
    assert_eq!(found(&reading), ["pain shoulder right present"]);
    assert_eq!(intensities(&reading), [Some(6)]);
    // A heading with no side: the side is asked, never taken from elsewhere.
    let reading = read("Knee:\nPain with flexion.");
    assert!(reading.items.is_empty(), "{reading:?}");
    assert_eq!(reading.questions.len(), 1);
    // Under the heading, another place named: which one is asked.
    let reading = read("R knee:\nPain with flexion.\nL ankle swelling.\nTenderness noted.");
    assert_eq!(
        found(&reading),
        ["pain knee right present", "swelling ankle left present"]
    );
    assert_eq!(reading.questions.len(), 1, "{reading:?}");
    // A blank line ends the heading's reach, and a finding under it keeps its negation.
    let reading = read("R knee:\nNo swelling.\n\nPain with flexion.");
    assert_eq!(found(&reading), ["swelling knee right absent"]);
    assert_eq!(reading.questions.len(), 1, "{reading:?}");
    // A finding denied after the same finding was charted there is asked.
    let reading = read("R knee:\nPain with stairs.\nNo pain at rest.");
    assert_eq!(found(&reading), ["pain knee right present"]);
    assert_eq!(reading.questions.len(), 1, "{reading:?}");
}

#[test]
fn a_dash_before_a_heading_within_a_line_ends_the_negation_before_it() {
    // A public case's elbow examination, written on one line: the pain and the limited
    // flexion are there, not denied with the swelling.
    let reading = read(
        "Right elbow exam: -Observation: No deformity, ecchymosis, or swelling -Range of motion: Flexion limited by 20 degrees secondary to pain",
    );
    assert_eq!(
        found(&reading),
        [
            "deformity elbow right absent",
            "bruising elbow right absent",
            "swelling elbow right absent",
            "pain elbow right present",
            "limited_rom elbow right present"
        ]
    );
    // A dash within a phrase is not a heading: "TTP - lateral joint line" stays one finding.
    let reading = read("R knee TTP - lateral joint line");
    assert!(
        reading
            .items
            .iter()
            .all(|i| i.finding.presence == Presence::Present)
    );
    assert!(!reading.items.is_empty());
}

/// The words a user sees asked about, one per question.
fn asked(reading: &Reading) -> Vec<String> {
    reading.questions.iter().map(|q| q.ask.clone()).collect()
}

/// Sixth session, blind held-out set (tests/corpus/findings-heldout-2.json): "does not"
/// between the pain and the time denies the night pain; it was charted present.
#[test]
fn a_not_between_the_pain_and_the_night_denies_the_night_pain() {
    let reading = read("Pain does not keep her up at night.");
    assert_eq!(found(&reading), ["night_pain - none absent"]);
    // With its place named, the time is not charted as the pain's: asked, never "at night".
    let placed = read("Back pain does not keep her up at night.");
    for item in &placed.items {
        assert_ne!(
            item.finding.detail.frequency,
            Some(upstream::model::Frequency::AtNight),
            "{placed:?}"
        );
    }
    assert!(!placed.is_whole(), "{placed:?}");
    // Pain that does keep her up is night pain.
    assert_eq!(
        found(&read("Pain keeps her up at night.")),
        ["night_pain - none present"]
    );
}

/// "non pitting edema": "non" is the prefix of the word after it, not a negation of the
/// swelling; it was charted absent. The right ankle "within normal limits" stays the right's.
#[test]
fn non_before_a_word_that_describes_a_finding_does_not_deny_it() {
    assert_eq!(
        found(&read(
            "mild non pitting edema in the left lateral ankle, within normal limits right ankle"
        )),
        [
            "swelling ankle_lateral left present",
            "swelling ankle right absent"
        ]
    );
    // "non tender": the finding itself, still denied.
    assert_eq!(
        found(&read("non tender L knee")),
        ["tenderness knee left absent"]
    );
}

/// "right and left rotation", "to both sides": the directions of a movement, not the side
/// of the spine; a side was read from the first of them. Whether a chart keeps both
/// directions as "bilateral" is asked.
#[test]
fn both_directions_of_a_movement_are_asked_never_read_as_one_side() {
    let reading = read(
        "Cervical AROM was reduced 50% in right and left rotation, however, right rotation produced more pain.",
    );
    assert!(found(&reading).is_empty(), "{reading:?}");
    assert!(
        asked(&reading)
            .iter()
            .any(|ask| ask.contains("both directions of the movement")),
        "{reading:?}"
    );
    let both_sides = read("normal cervical range of motion (ROM) to both sides");
    assert!(found(&both_sides).is_empty(), "{both_sides:?}");
    assert_eq!(
        asked(&both_sides),
        ["both directions of the movement, or both sides of the body?"]
    );
    // One direction is still the movement's, the spine at its midline.
    assert_eq!(
        found(&read("Lumbar flexion limited, left rotation was reduced")),
        ["limited_rom low_back midline present"]
    );
}

/// "cervical-thoracic", "cervicothoracic": the junction of the neck and the upper back;
/// "thoracic" alone was read as the mid back. Which region of the record is asked.
#[test]
fn the_cervicothoracic_junction_is_asked_never_read_as_the_mid_back() {
    for text in [
        "The pain was localized to the posterior cervical-thoracic region.",
        "cervicothoracic pain",
        "On examination, cervicothoracic active range of motion (AROM) was reduced 50% in right and left rotation.",
    ] {
        let reading = read(text);
        assert!(found(&reading).is_empty(), "`{text}`: {reading:?}");
        assert!(
            asked(&reading)
                .iter()
                .any(|ask| ask.contains("cervicothoracic junction")),
            "`{text}`: {reading:?}"
        );
        // The finding waiting for the answer holds no place of the reader's guess.
        for question in &reading.questions {
            assert_eq!(question.finding.region, None, "`{text}`: {reading:?}");
        }
    }
    // "thoracic" alone is still the mid back.
    assert_eq!(
        found(&read("thoracic pain")),
        ["pain back_mid midline present"]
    );
}

/// "Moving her head and neck ... aggravated her pain": the parts moved, not where it hurts;
/// the head moves at the neck. The pain was charted at the head.
#[test]
fn moving_the_head_places_the_pain_at_the_neck_never_the_head() {
    assert_eq!(
        found(&read(
            "Moving her head and neck, particularly in right rotation, aggravated her pain."
        )),
        ["pain neck midline present"]
    );
}

/// The measured value of each finding read, as "kind quantity unit", for those that hold one.
fn measured(reading: &Reading) -> Vec<String> {
    reading
        .items
        .iter()
        .filter_map(|item| {
            let m = item.finding.detail.measurement.as_ref()?;
            Some(format!("{} {} {:?}", item.finding.kind, m.quantity, m.unit))
        })
        .chain(reading.questions.iter().filter_map(|q| {
            let m = q.finding.detail.measurement.as_ref()?;
            Some(format!(
                "asked {} {} {:?}",
                q.finding.kind, m.quantity, m.unit
            ))
        }))
        .collect()
}

#[test]
fn a_heading_within_a_line_ends_the_normal_of_the_heading_before_it() {
    // Each heading of a run-on exam line is its own item: "normal" under Posture and Gait
    // does not deny the spasm charted under Spasm.
    let reading = read("Posture: normal Gait: normal Spasm: around neck and shoulders");
    let findings = found(&reading);
    assert!(
        findings.contains(&"muscle_spasm neck midline present".to_owned())
            && findings.contains(&"muscle_spasm shoulder bilateral present".to_owned()),
        "{findings:?}"
    );
    assert!(
        !findings
            .iter()
            .any(|f| f.starts_with("muscle_spasm") && f.ends_with("absent"))
    );
    assert!(findings.contains(&"gait_disturbance - none absent".to_owned()));
    // A tenderness charted after a heading found intact is present, at its own place.
    let findings = found(&read("Sensation: intact Tenderness: R SI joint"));
    assert!(
        findings.contains(&"tenderness si_joint right present".to_owned()),
        "{findings:?}"
    );
    assert!(
        !findings
            .iter()
            .any(|f| f.starts_with("tenderness") && f.ends_with("absent"))
    );
    // "Edema: none" denies the edema, never the pain under the next heading.
    let findings = found(&read("Edema: none Pain: 6/10 R knee"));
    assert!(
        findings.contains(&"pain knee right present".to_owned()),
        "{findings:?}"
    );
    // A weakness under "Strength" is not denied by "Reflexes: normal" before it.
    let findings = found(&read("Reflexes: normal Strength: 4/5 R hip abduction"));
    assert!(
        findings.contains(&"weakness hip right present".to_owned()),
        "{findings:?}"
    );
    assert!(
        !findings
            .iter()
            .any(|f| f.starts_with("weakness") && f.ends_with("absent"))
    );
    // The place under one heading is not the place of the finding under the one before.
    let findings = found(&read("Gait: antalgic Swelling: L ankle"));
    assert!(
        findings.contains(&"antalgic_gait - none present".to_owned()),
        "{findings:?}"
    );
    assert!(findings.contains(&"swelling ankle left present".to_owned()));
}

#[test]
fn a_grade_in_a_table_row_is_never_joined_to_the_place_of_another_cell() {
    // The grade belongs with the muscle group before it; the hamstring of the next cell has
    // nothing said of it here, and gives its side to nothing.
    let reading = read("Lumbar extensors | 4/5 | Left hamstring");
    assert_eq!(found(&reading), ["weakness low_back midline present"]);
    assert!(
        reading.unread.iter().any(|u| u.text.contains("hamstring")),
        "{:?}",
        reading.unread
    );
    // Each muscle of a flattened table keeps its own grade and side.
    let reading = read("Lumbar extensors | 4/5 | Left hamstring | 4/5");
    assert_eq!(
        found(&reading),
        [
            "weakness low_back midline present",
            "weakness thigh_posterior left present"
        ]
    );
    // Cells that speak of one place are still read together: a measure and its normal.
    let reading = read("Lumbar Flexion | 45° | 60°");
    assert_eq!(found(&reading).len(), 1);
    assert_eq!(
        reading.items[0]
            .finding
            .detail
            .measurement
            .as_ref()
            .and_then(|m| m.normal),
        Some(60.0)
    );
    // A finding and place in one cell pair, then another place: each with its own.
    let findings = found(&read("R knee | swelling | L ankle | pain"));
    assert_eq!(
        findings,
        ["swelling knee right present", "pain ankle left present"]
    );
}

#[test]
fn the_range_lost_is_never_read_as_the_range_measured() {
    // "limited by 20 degrees" is 20° lost: a limited range, with no measured value.
    for text in [
        "Flexion limited by 20 degrees",
        "R knee flexion limited by 20 degrees",
        "R knee flexion limited by 20",
        "R knee flexion loss of 20°",
        "Lumbar flexion limited by 50%",
        "R knee lacks 10 degrees of extension",
        "R knee extension lacking 10 degrees",
        "L elbow extension 10 degrees short of full",
        "R knee ext lag 15°",
    ] {
        let reading = read(text);
        assert_eq!(measured(&reading), Vec::<String>::new(), "{text}");
        assert!(
            reading
                .items
                .iter()
                .map(|i| &i.finding)
                .chain(reading.questions.iter().map(|q| &q.finding))
                .any(|f| f.kind.as_str() == "limited_rom" && f.presence == Presence::Present),
            "{text}: {:?} {:?}",
            found(&reading),
            reading.questions
        );
        assert!(reading.unread.is_empty(), "{text}: {:?}", reading.unread);
    }
    assert_eq!(
        found(&read("R knee lacks 10 degrees of extension")),
        ["limited_rom knee right present"]
    );
    // "minus 10 degrees" keeps its sign, as "-10°" does.
    assert_eq!(
        measured(&read("R knee extension minus 10 degrees")),
        ["rom_measured -10 Degrees"]
    );
    // A range measured is still the range: "limited to 120 degrees".
    assert_eq!(
        measured(&read("R shoulder flexion limited to 120 degrees")),
        ["limited_rom 120 Degrees"]
    );
}

#[test]
fn the_other_side_with_a_grade_of_its_own_keeps_its_side_and_grade() {
    // "L 3/5 R 4/5": the right knee's grade was lost into the left one; "L 4/5 R 5/5"
    // charted the right's normal strength on the left.
    assert_eq!(
        found(&read("knee L 3/5 R 4/5")),
        ["weakness knee left present", "weakness knee right present"]
    );
    for (text, first, second) in [
        (
            "Hamstrings L 4/5 R 5/5",
            "weakness thigh_posterior left present",
            "weakness thigh_posterior right absent",
        ),
        (
            "Quadriceps R 4/5 L 5/5",
            "weakness thigh_anterior right present",
            "weakness thigh_anterior left absent",
        ),
        (
            "Hamstrings | Left | 4/5 | Right | 5/5",
            "weakness thigh_posterior left present",
            "weakness thigh_posterior right absent",
        ),
    ] {
        assert_eq!(found(&read(text)), [first, second], "{text}");
    }
    let reading = read("knee L 3/5 R 4/5");
    assert_eq!(
        reading.items[1]
            .finding
            .detail
            .strength
            .map(|g| g.to_string()),
        Some("4/5".to_owned())
    );
    // Another place named before the other side's grade is a finding of its own there.
    assert_eq!(
        found(&read("R knee 4/5 L ankle 3/5")),
        ["weakness knee right present", "weakness ankle left present"]
    );
}

#[test]
fn a_table_cell_with_a_side_of_its_own_is_never_the_normal() {
    // "R 60° | L 45°" is two sides measured, not 60° against a normal of 45° on the left.
    let reading = read("Cervical rotation | R 60° | L 45°");
    for item in &reading.items {
        assert_ne!(item.finding.side, Side::Left, "{:?}", found(&reading));
        assert_eq!(
            item.finding
                .detail
                .measurement
                .as_ref()
                .and_then(|m| m.normal),
            None
        );
    }
    for question in &reading.questions {
        assert_eq!(
            question
                .finding
                .detail
                .measurement
                .as_ref()
                .and_then(|m| m.normal),
            None
        );
    }
}

#[test]
fn a_range_that_falls_short_is_limited_whatever_words_say_how_far() {
    // "full" after "lacks" is the range it falls short of: present, never a normal range.
    for (text, expected) in [
        (
            "R knee lacks full extension",
            "limited_rom knee right present",
        ),
        (
            "R knee lacking terminal extension",
            "limited_rom knee right present",
        ),
        (
            "R knee extension: lacks 5° of full extension",
            "limited_rom knee right present",
        ),
        // The side it is compared with is not the side of the finding.
        (
            "L knee flexion 10° short of R",
            "limited_rom knee left present",
        ),
        (
            "R shoulder flexion 20 degrees less than L",
            "limited_rom shoulder right present",
        ),
    ] {
        let reading = read(text);
        assert_eq!(found(&reading), [expected], "{text}");
        assert_eq!(measured(&reading), Vec::<String>::new(), "{text}");
    }
    // The amount before the movement it was lost from is no measured range either.
    let reading = read("15 degrees of extension lacking");
    assert_eq!(measured(&reading), Vec::<String>::new());
    assert!(
        reading
            .questions
            .iter()
            .all(|q| q.finding.kind.as_str() == "limited_rom"),
        "{:?}",
        reading.questions
    );
}

#[test]
fn words_of_the_second_pass_are_read_as_clinicians_mean_them() {
    for (text, expected) in [
        // A rib is the chest wall, as ribs are.
        ("L rib pain", "pain chest left present"),
        // The deepest gluteal muscle is in the buttock, as the medius is.
        ("L gluteus minimus TTP", "tenderness buttock left present"),
        // A capitalised abbreviation with points reads as the lower-case one.
        ("weakness of the L Ant. Tib.", "weakness shin left present"),
        ("Ant. Tib. weakness L", "weakness shin left present"),
        // A typographic apostrophe reads as a straight one.
        ("patient’s R knee pain", "pain knee right present"),
    ] {
        let reading = read(text);
        assert_eq!(found(&reading).join("; "), expected, "{text}");
        assert!(reading.unread.is_empty(), "{text}: {:?}", reading.unread);
    }
    let reading = read("R shoulder pain with lifting above his head");
    assert_eq!(found(&reading), ["pain shoulder right present"]);
    assert!(
        reading.items[0]
            .finding
            .detail
            .provoked_by
            .contains(&Activity::Overhead),
        "{:?}",
        reading.items[0].finding.detail.provoked_by
    );
    let reading = read("debilitating R knee pain");
    assert_eq!(found(&reading), ["pain knee right present"]);
    assert_eq!(
        reading.items[0].finding.detail.severity,
        Some(upstream::model::Severity::Severe)
    );
    let reading = read("L TMJ clicking when the jaw is opened");
    assert_eq!(found(&reading), ["clicking jaw_tmj left present"]);
    assert_eq!(
        reading.items[0].finding.detail.provoked_by,
        [Activity::MouthOpening]
    );
    let reading = read("R hip pain with STS");
    assert_eq!(found(&reading), ["pain hip right present"]);
    assert_eq!(
        reading.items[0].finding.detail.provoked_by,
        [Activity::Rising]
    );
    // A point before a capital that is no known name with points still ends the sentence:
    // the pain keeps its side and the test after it is read apart.
    assert_eq!(
        found(&read("L knee pain. Ant. drawer negative")),
        [
            "pain knee left present",
            "positive_test - none absent Anterior drawer"
        ]
    );
}

#[test]
fn a_heading_in_lower_case_ends_the_normal_before_it_when_it_names_what_was_examined() {
    let findings = found(&read(
        "posture: normal gait: normal spasm: around neck and shoulders",
    ));
    assert!(
        findings.contains(&"muscle_spasm neck midline present".to_owned()),
        "{findings:?}"
    );
    assert!(
        !findings
            .iter()
            .any(|f| f.starts_with("muscle_spasm") && f.ends_with("absent"))
    );
    let findings = found(&read("sensation: intact tenderness: R SI joint"));
    assert!(
        findings.contains(&"tenderness si_joint right present".to_owned()),
        "{findings:?}"
    );
    let findings = found(&read("Reflexes: normal strength: 4/5 R hip abduction"));
    assert!(
        findings.contains(&"weakness hip right present".to_owned()),
        "{findings:?}"
    );
    assert!(
        !findings.iter().any(|f| f.ends_with("absent")),
        "{findings:?}"
    );
    // A colon after a word that names nothing examined is no heading: "at rest: 3/10"
    // stays with the pain it scores.
    let reading = read("Pain: 5/10 at rest: 3/10");
    assert!(
        reading
            .questions
            .iter()
            .any(|q| q.finding.kind.as_str() == "pain"),
        "{:?}",
        reading.questions
    );
}

#[test]
fn a_second_reflex_grade_for_one_place_is_left_unread_never_taken_for_the_first() {
    // "R biceps reflex 2+ 1+" charted 1+ on the right and dropped the 2+ unsaid.
    for text in [
        "R biceps reflex 2+ 1+",
        "Biceps reflex | 2+ | 1+",
        "knee jerk 2+ 1+ L",
    ] {
        let reading = read(text);
        assert!(reading.items.is_empty(), "{text}: {:?}", found(&reading));
        assert!(
            reading.unread.iter().any(|u| u.text == "1+"),
            "{text}: {:?}",
            reading.unread
        );
        for question in &reading.questions {
            assert_eq!(
                question.finding.detail.reflex.map(|g| g.to_string()),
                Some("2+".to_owned()),
                "{text}"
            );
        }
    }
}

#[test]
fn words_of_the_second_pass_that_could_lose_a_limit_a_place_or_a_meaning_stay_unread() {
    for (text, word) in [
        // A limit on a measure: prose would chart the value without it.
        ("R ankle dorsiflexion less than 5 degrees", "less"),
        // Above what? Only "above the head" says where.
        ("pain above the R knee", "above"),
        // A stable knee may be a ligament found intact: not a course of the pain.
        ("L knee stable", "stable"),
        // A leg that falls asleep is numbness, not a fall.
        ("R leg falls asleep when sitting", "falls"),
        // Extended may be the joint's position or a long time.
        ("R wrist pain with extended use", "extended"),
        // Minimus alone may be another muscle (digiti minimi).
        ("gluteus medius / minimus TTP L", "minimus"),
        // Symptoms of a nerve root: no kind of the record holds them yet.
        (
            "denied numbness, tingling, and radicular symptoms",
            "radicular",
        ),
        // A change of the skin's colour is no kind of the record yet, nor a bruise.
        (
            "No swelling, discoloration, or deformity of the left elbow.",
            "discoloration",
        ),
        // A side said by reference to the other.
        (
            "Significant thenar atrophy of the hand relative to the contralateral side",
            "contralateral",
        ),
        (
            "Moderate thenar atrophy visible on the right hand in comparison with the opposite side.",
            "opposite",
        ),
        // Passed over, the way the muscle was palpated would leave the tenderness at the
        // back of the neck, not at the side where the levator scapulae lies.
        (
            "severe tenderness and specific reproduction of posterior neck and suboccipital pain with pincer grasp palpation to the distal levator scapulae muscle bilaterally",
            "pincer",
        ),
    ] {
        let reading = read(text);
        assert!(
            reading.unread.iter().any(|u| u.text == word),
            "{text}: {:?}",
            reading.unread
        );
    }
    // Nor is the tenderness charted at the back of the neck meanwhile.
    assert!(
        !found(&read(
            "severe tenderness and specific reproduction of posterior neck and suboccipital pain with pincer grasp palpation to the distal levator scapulae muscle bilaterally"
        ))
        .iter()
        .any(|line| line.starts_with("tenderness neck_posterior"))
    );
}

#[test]
fn a_patient_s_age_is_never_read_as_how_long_the_pain_has_lasted() {
    // Found reading note openings: "35 y/o" had been charted as the knee pain's "since".
    for text in [
        "35 y/o M c/o L knee pain",
        "35 year old female with L knee pain",
        "35 years old, L knee pain",
    ] {
        let reading = read(text);
        assert_eq!(found(&reading), ["pain knee left present"], "{text}");
        assert_eq!(reading.items[0].finding.detail.since, None, "{text}");
    }
    // How long it has lasted is still read.
    assert_eq!(
        read("L knee pain for 3 years").items[0]
            .finding
            .detail
            .since
            .as_deref(),
        Some("3 years")
    );
}
