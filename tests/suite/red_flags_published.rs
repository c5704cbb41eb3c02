//! The red flags against published cases of serious pathology first seen by chiropractors
//! and physical therapists, and benign look-alikes from the same literature
//! (`tests/vignettes/red_flags_published.json`, issue 12). A report: it prints how many
//! cases raise their flag at the right urgency (and how many of the others are at least
//! left to screen) and how many look-alikes raise an emergency or same-day flag, the
//! figures issue 12 must bring to all and none:
//! `cargo test --test suite red_flags_published -- --ignored --nocapture`. A case that
//! raises instead another flag it names as acceptable, as urgent or more, is counted apart;
//! `SHOW_ALL=1` prints every flag each case raises. The look-alikes are also a check that
//! runs with the suite, and so is a floor: no flag case left without at least its flag to
//! screen, and no fewer cases at the right urgency than measured.

use upstream::model::Vocabulary;
use upstream::reasoner::input::parse_case;
use upstream::reasoner::{KnowledgeBase, Urgency, assess};

/// The case as the record can hold it. A term the cases were written before the
/// vocabulary had (`new:`) is read once the vocabulary has it (a kind by its code, history
/// as words, as the clinician would write them); the others are left out, and counted.
fn recordable(input: &serde_json::Value) -> (serde_json::Value, usize) {
    let vocabulary = Vocabulary::builtin();
    let mut input = input.clone();
    let mut dropped = 0;
    for list in ["findings", "absent"] {
        if let Some(items) = input[list].as_array_mut() {
            for item in items.iter_mut() {
                let known = item["kind"]
                    .as_str()
                    .and_then(|k| k.strip_prefix("new:"))
                    .filter(|k| {
                        vocabulary
                            .kind(&upstream::model::KindCode((*k).to_owned()))
                            .is_some()
                    })
                    .map(str::to_owned);
                if let Some(kind) = known {
                    item["kind"] = kind.into();
                }
            }
            let before = items.len();
            items.retain(|item| !item.to_string().contains("new:"));
            dropped += before - items.len();
        }
    }
    if let Some(history) = input["patient"]["history"].as_array_mut() {
        for entry in history.iter_mut() {
            let words = entry
                .as_str()
                .and_then(|h| h.strip_prefix("new:"))
                .map(|h| h.replace('_', " "));
            if let Some(words) = words {
                let read =
                    upstream::model::reader::read_history(std::slice::from_ref(&words), vocabulary);
                if !read.codes.is_empty() {
                    *entry = words.into();
                }
            }
        }
        let before = history.len();
        history.retain(|h| !h.as_str().is_some_and(|h| h.starts_with("new:")));
        dropped += before - history.len();
    }
    (input, dropped)
}

/// The published cases the record cannot raise at their expected urgency, each read again
/// against its source and the flag's own sources (issue 12), with what stands in the way:
/// the report prints it beside the case. A case leaves this list when the knowledge base
/// raises it at its urgency from what its clinician charted, never by editing the case.
const LIMITS: &[(&str, &str)] = &[
    (
        "Spinal infection: afebrile veteran",
        "the decisive fact was the MRI. The chart holds sudden thoracic pain at 59, no better \
         after 2 weeks, afebrile, no risk factor: what mechanical pain failing to improve holds. \
         No source read weighs these toward infection the same day (IFOMPT 2020's features are \
         fever, risk factors, constant pain, a deficit; Chu et al. 2023, abstract read: spinal \
         infections seen by chiropractors were typically afebrile, found by imaging ordered for \
         age and worsening). The clinician ordered a routine MRI for failure to improve; the \
         notebook raises rf_malignancy soon (imaging) and leaves infection to screen",
    ),
    (
        "Cervical arterial dysfunction: neck pain with vertigo",
        "raised an emergency, the case reads same day: the flag's NG128 citation (the BNSSG TIA \
         pathway, read) treats symptoms present at the visit as a stroke, and vertigo and \
         visual disturbance reproduced by extension at the visit are present. More urgent, not \
         missed; the case and the knowledge base read the pathway differently (for the lead)",
    ),
    (
        "Malignancy: runner with a history of breast cancer",
        "raised same day, the case reads soon (NG234's MRI within a week): the flag follows NICE \
         CG75's key priorities (read): with cancer, thoracic spinal pain calls for the MSCC \
         coordinator within 24 hours. NG234's own recommendations, which replaced CG75, were \
         not in the corpus to read: which timing holds for the referral is unverified",
    ),
    (
        "Malignancy: breast-cancer survivor with 3 weeks",
        "raised an emergency, the case reads soon: CG75's key priorities (read) count radicular \
         pain with cancer as a neurological symptom of cord compression to discuss immediately, \
         and back pain progressing over 3 weeks into the leg cannot be told from it on the chart",
    ),
    (
        "Stroke mimicking L4/5 radiculopathy",
        "the decisive fact was the brain MRI. The chart holds a painless foot drop spreading \
         over 4 days at 83, not of sudden onset, which is far more often a root or peroneal \
         palsy (the flag's sources, Almutairi 2025 and Kaykisiz 2017, abstracts read: central \
         causes are uncommon); pain and numbness examined absent can only argue against a flag, \
         never raise one. The notebook raises rf_progressive_neuro_deficit the same day and \
         leaves stroke to screen with the FAST and reflex questions",
    ),
    (
        "Axial spondyloarthritis: young man",
        "routine flag left to screen, the case's own minimum state: HLA-B27 and the bilateral \
         sacroiliitis were found after referral; the chart holds back pain over 3 months at 23 \
         and hip pain, fewer than NG65's four features (read in the flag's citation). Charted in \
         the history (hla_b27_positive, sacroiliitis_on_imaging) they raise it",
    ),
    (
        "Acute exertional compartment syndrome: unconditioned college footballer",
        "the decisive findings came from the team physician's examination, not in the abstract \
         read (PubMed 16558458). The chart holds severe anterolateral leg pain after practice: \
         what chronic exertional compartment syndrome, medial tibial stress syndrome and stress \
         fracture (the source's own differential) hold. The flag's sources (Ulmer 2002, BOAST \
         10) raise on pain out of proportion, pain on passive stretch, paraesthesia or weakness, \
         none charted; 'severe' is a word no criterion reads",
    ),
    (
        "Cholecystitis as acute thoracolumbar pain",
        "the abstract read names no visceral sign: right thoracolumbar pain with tenderness and \
         spasm is what a muscle or facet strain charts. Left to screen by the flag's right-sided \
         referred-pain pattern (Rome III); the decisive fact was the ultrasound",
    ),
    (
        "Cholecystitis as night-time mid-back pain",
        "night-only belt-like mid-back pain two months postpartum, meals and lying denied as \
         triggers; no epigastric or right upper quadrant pain, nausea or fever charted. Rome \
         III's biliary pain (the flag's citation) is epigastric or right upper quadrant, night \
         waking only supportive; nothing charted carries a weight. Left to screen",
    ),
    (
        "Nephrolithiasis as mechanical back pain",
        "no flank pain, haematuria, dysuria, fever or vomiting charted: left-sided mid-back, \
         rib, low back and sacroiliac pain with a stone five years ago is left to screen (the \
         case report's introduction: recurrence in 32-50%); the decisive fact was the \
         urinalysis and imaging",
    ),
];

/// What stands in the way of a case raising its flag at its urgency, where it is known.
fn limit_of(name: &str) -> Option<&'static str> {
    LIMITS
        .iter()
        .find(|(case, _)| name.starts_with(case))
        .map(|(_, why)| *why)
}

fn urgency_of(code: &str) -> Option<Urgency> {
    match code {
        "emergency" => Some(Urgency::Emergency),
        "same_day" => Some(Urgency::SameDay),
        "soon" => Some(Urgency::Soon),
        "routine" => Some(Urgency::Routine),
        _ => None,
    }
}

#[test]
#[ignore = "a report of where the red flags stand on published cases (issue 12), not a check"]
fn published_red_flag_cases() {
    measure();
}

/// What the report has reached and must keep: every published flag case raises its flag, or
/// a flag it accepts, or at least leaves its flag to screen with the questions that settle
/// it; and the cases raised at their expected urgency do not fall below the 89 of 101
/// measured when this test was written (a knowledge change that loses one must say why).
#[test]
fn no_published_flag_case_goes_unnoticed_and_the_right_urgencies_do_not_fall() {
    let figures = measure();
    assert_eq!(figures.not_even_to_screen, 0, "{figures:?}");
    assert_eq!(figures.flag_unknown, 0, "{figures:?}");
    assert!(figures.raised_right >= 89, "{figures:?}");
    assert!(figures.flagged >= 60, "{figures:?}");
}

/// The report's figures.
#[derive(Debug)]
struct Figures {
    flagged: usize,
    raised_right: usize,
    not_even_to_screen: usize,
    flag_unknown: usize,
}

fn measure() -> Figures {
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../vignettes/red_flags_published.json")).unwrap();
    let (mut flagged, mut raised_right, mut raised_other_urgency, mut missed) = (0, 0, 0, 0);
    let (mut missed_to_screen, mut raised_alternative) = (0, 0);
    let (mut flag_unknown, mut unreadable, mut dropped_terms) = (0, 0, 0);
    let (mut look_alikes, mut false_urgent) = (0, 0);
    for case in &cases {
        let name = case["name"].as_str().unwrap_or_default();
        let expect = &case["expect"];
        let (input, dropped) = recordable(&case["input"]);
        dropped_terms += dropped;
        let parsed = match parse_case(&input.to_string(), Vocabulary::builtin()) {
            Ok(parsed) => parsed,
            Err(error) => {
                unreadable += 1;
                eprintln!("UNREADABLE {name}: {error}");
                continue;
            }
        };
        let assessment = assess(&parsed);
        let raised: Vec<(&str, Urgency)> = assessment
            .red_flags
            .iter()
            .map(|f| (f.id.as_str(), f.urgency))
            .collect();
        if expect["look_alike"].as_bool() == Some(true) {
            look_alikes += 1;
            let urgent: Vec<_> = raised
                .iter()
                .filter(|(_, u)| matches!(u, Urgency::Emergency | Urgency::SameDay))
                .collect();
            if !urgent.is_empty() {
                false_urgent += 1;
                eprintln!("LOOK-ALIKE RAISED {name}: {urgent:?}");
            }
            continue;
        }
        flagged += 1;
        let flag = expect["flag"].as_str().unwrap_or_default();
        // A flag the cases were written before is looked for once the knowledge base has it.
        let known = |id: &str| {
            KnowledgeBase::builtin()
                .red_flags
                .iter()
                .any(|f| f.id == id)
        };
        let flag = match flag.strip_prefix("new:") {
            Some(id) if known(id) => id,
            _ => flag,
        };
        if flag.starts_with("new:") {
            flag_unknown += 1;
            eprintln!("NO SUCH FLAG YET {name}: {flag}; raised {raised:?}");
            continue;
        }
        let urgency = expect["urgency"].as_str().and_then(urgency_of);
        // Every flag each case raises, for reading the report (`SHOW_ALL=1`).
        if std::env::var_os("SHOW_ALL").is_some() {
            eprintln!("CASE {name}: expected {flag}; raised {raised:?}");
        }
        match raised.iter().find(|(id, _)| *id == flag) {
            Some((_, got)) if Some(*got) == urgency || urgency.is_none() => raised_right += 1,
            Some((_, got)) => {
                raised_other_urgency += 1;
                eprintln!("URGENCY {name}: {flag} raised {got:?}, expected {urgency:?}");
                if let Some(why) = limit_of(name) {
                    eprintln!("    why: {why}");
                }
            }
            // The case names other flags that send the patient as fast: one of them raised at
            // the expected urgency or sooner is counted apart, never as the flag itself.
            None if alternative_raised(case, &raised, urgency) => {
                raised_alternative += 1;
                eprintln!("ALTERNATIVE {name}: expected {flag}; raised {raised:?}");
            }
            None => {
                missed += 1;
                let screened = assessment.to_screen.iter().any(|f| f.id == flag);
                if screened {
                    missed_to_screen += 1;
                }
                let state = if screened {
                    "left to screen"
                } else {
                    "not even to screen"
                };
                eprintln!("MISSED ({state}) {name}: expected {flag}; raised {raised:?}");
                if let Some(why) = limit_of(name) {
                    eprintln!("    why: {why}");
                }
            }
        }
    }
    eprintln!(
        "published red-flag cases: {flagged} with a flag: {raised_right} raised at the right urgency, \
         {raised_other_urgency} at another urgency, {raised_alternative} raising instead a flag the \
         case also accepts (as urgent or more), {missed} missed ({missed_to_screen} of them left to \
         screen), {flag_unknown} whose flag the \
         knowledge base lacks; {look_alikes} look-alikes, {false_urgent} raising an emergency or \
         same-day flag; {unreadable} cases the record cannot hold; {dropped_terms} terms left out \
         as unknown to the vocabulary"
    );
    Figures {
        flagged,
        raised_right,
        not_even_to_screen: missed - missed_to_screen,
        flag_unknown,
    }
}

/// Whether the case's `also_acceptable` flags include one raised at its expected urgency or
/// a more urgent one (a stroke flag sending to the emergency department a patient whose
/// metastasis the case expected to be sent the same day).
fn alternative_raised(
    case: &serde_json::Value,
    raised: &[(&str, Urgency)],
    urgency: Option<Urgency>,
) -> bool {
    let accepted: Vec<&str> = case["also_acceptable"]
        .as_array()
        // A flag written before the knowledge base had it (`new:`) is its id once it does.
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str())
                .map(|f| f.strip_prefix("new:").unwrap_or(f))
                .collect()
        })
        .unwrap_or_default();
    raised
        .iter()
        .any(|(id, got)| accepted.contains(id) && urgency.is_none_or(|wanted| *got <= wanted))
}

/// What the report measures that must hold already: every published case can be charted,
/// and no benign look-alike from the same literature raises an emergency or same-day
/// flag (a false alarm sends a patient to the emergency department for nothing).
#[test]
fn no_published_look_alike_raises_an_emergency_or_same_day_flag() {
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../vignettes/red_flags_published.json")).unwrap();
    let mut look_alikes = 0;
    for case in &cases {
        let name = case["name"].as_str().unwrap_or_default();
        let (input, _) = recordable(&case["input"]);
        let parsed = parse_case(&input.to_string(), Vocabulary::builtin())
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        if case["expect"]["look_alike"].as_bool() != Some(true) {
            continue;
        }
        look_alikes += 1;
        let assessment = assess(&parsed);
        let urgent: Vec<&str> = assessment
            .flags_for_today()
            .map(|f| f.id.as_str())
            .collect();
        assert!(urgent.is_empty(), "{name}: {urgent:?}");
    }
    assert!(look_alikes >= 40, "{look_alikes} look-alikes");
}

/// Each limit the report explains names one published flag case, so that a renamed or
/// removed case cannot leave an explanation standing for nothing.
#[test]
fn every_known_limit_names_one_published_flag_case() {
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../vignettes/red_flags_published.json")).unwrap();
    for (prefix, _) in LIMITS {
        let named: Vec<&str> = cases
            .iter()
            .filter(|c| c["expect"]["look_alike"].as_bool() != Some(true))
            .filter_map(|c| c["name"].as_str())
            .filter(|name| name.starts_with(prefix))
            .collect();
        assert_eq!(named.len(), 1, "{prefix}: {named:?}");
    }
}
