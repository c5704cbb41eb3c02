//! The intervention reader on sentences and lists (issue 11): things done joined in one
//! sentence are charted each on its own, a heading gives its kind to the parts under it,
//! filler is read as nothing, a kind the record has no place for (a modality, an
//! extremity adjustment) and anything said not to have been done stay in the entry with
//! why; and over any text it never panics, reads the same text the same way, and
//! mirroring the sides mirrors what is charted.

use proptest::prelude::*;
use proptest::test_runner::Config;
use upstream::model::reader::{InterventionReading, Lexicon, read_interventions};
use upstream::model::{InterventionKind, MobilisationGrade, Modality, Side, Technique, Vocabulary};

fn read(text: &str) -> InterventionReading {
    read_interventions(text, Vocabulary::builtin(), Lexicon::builtin())
}

/// kind side region, one per intervention charted.
fn charted(reading: &InterventionReading) -> Vec<String> {
    reading
        .items
        .iter()
        .map(|item| {
            let i = &item.intervention;
            format!(
                "{} {} {}",
                i.kind.code(),
                i.side.code(),
                i.region.as_ref().map_or("-", |r| r.as_str())
            )
        })
        .collect()
}

#[test]
fn a_sentence_naming_two_things_done_charts_each_with_its_own_place() {
    let reading =
        read("Treatment included soft tissue to the R calf and stretching of the L hamstrings.");
    assert!(reading.unread.is_empty(), "{reading:?}");
    assert_eq!(
        charted(&reading),
        ["soft_tissue right calf", "stretch left thigh_posterior"]
    );
    // "to the", "treatment included": read as nothing, not kept as the target.
    assert_eq!(reading.items[0].intervention.target, "calf");
    // Each item's span is the words it was read from.
    let first = reading.items[0].span;
    assert!(reading.text[first[0]..first[1]].contains("soft tissue"));
    assert!(!reading.text[first[0]..first[1]].contains("stretching"));
    // The place written after things done together is where each was done.
    assert_eq!(
        charted(&read("STM and taping R knee")),
        ["soft_tissue right knee", "taping right knee"]
    );
    // ... but never a manipulation of the knee, and never one side guessed from two.
    assert_eq!(
        charted(&read("HVLA and taping R knee")),
        ["spinal_manipulation none -", "taping right knee"]
    );
    for two_sides in ["STM R calf, left in 10 min", "STM R calf L"] {
        let reading = read(two_sides);
        assert!(reading.items.is_empty(), "{two_sides}: {reading:?}");
        assert!(
            reading.unread[0].why.contains("two sides"),
            "{:?}",
            reading.unread
        );
    }
    // A list of muscles after what was done to them: one item each, the technique shared.
    let listed = read(
        "Soft tissue work such as Active Release Techniques to injured muscles (peroneals, gastrocnemius, soleus).",
    );
    assert_eq!(
        charted(&listed),
        [
            "soft_tissue none leg_lateral",
            "soft_tissue none calf",
            "soft_tissue none calf"
        ]
    );
}

#[test]
fn a_heading_gives_its_kind_to_the_parts_under_it() {
    let reading = read(
        "Adjustments performed: L4-L5 P-A (diversified), R SI side-posture, C2 toggle, T6 P-A.",
    );
    assert!(reading.unread.is_empty(), "{reading:?}");
    assert_eq!(
        charted(&reading),
        [
            "spinal_manipulation none low_back",
            "spinal_manipulation right si_joint",
            "spinal_manipulation none neck",
            "spinal_manipulation none back_mid"
        ]
    );
    let detail = |at: usize| &reading.items[at].intervention.detail;
    assert_eq!(
        (detail(0).technique, detail(0).segments.clone()),
        (Some(Technique::Diversified), vec!["L4-L5".to_owned()])
    );
    assert_eq!(detail(2).technique, Some(Technique::Toggle));
    assert_eq!(detail(3).technique, None, "T6's technique is not restated");
    // A heading alone on its line serves the lines under it, until a blank line.
    let lines = read("Adjustments:\nR SI\nL5\n\nL knee");
    assert_eq!(
        charted(&lines),
        [
            "spinal_manipulation right si_joint",
            "spinal_manipulation none low_back"
        ]
    );
    assert_eq!(lines.leftover(), "L knee");
    // A heading that says when, not what: the part reads by its own words.
    let post = read("post: soft-tissue to R paraspinals");
    assert_eq!(
        post.items[0].intervention.kind,
        InterventionKind::SoftTissue
    );
    assert_eq!(post.items[0].intervention.side, Side::Right);
    // A heading naming the exercises given, over the names of each.
    let given = read(
        "He was given the following exercises: lift/spread/reach, the one leg balancing, shuffle walks and toes up walking.",
    );
    assert_eq!(given.items.len(), 4, "{given:?}");
    assert!(
        given
            .items
            .iter()
            .all(|i| i.intervention.kind == InterventionKind::Exercise)
    );
    assert_eq!(given.items[3].intervention.target, "toes up walking");
}

#[test]
fn a_modality_with_its_minutes_and_place_is_charted_as_a_modality() {
    let heat = read("Heat | Left knee 15 minutes");
    assert_eq!(charted(&heat), ["modality left knee"]);
    let detail = &heat.items[0].intervention.detail;
    assert_eq!(detail.modality, Some(Modality::Heat));
    assert_eq!(detail.minutes, Some(15));
    assert!(heat.unread.is_empty(), "{heat:?}");
    // Each modality of a line its own, beside the soft-tissue work done after them.
    let line = read(
        "Pre-adjustment: e-stim 10 min + moist heat to lumbar; post: soft-tissue to R paraspinals.",
    );
    assert_eq!(
        charted(&line),
        [
            "modality none low_back",
            "modality none low_back",
            "soft_tissue right -"
        ]
    );
    assert_eq!(
        line.items[0].intervention.detail.modality,
        Some(Modality::ElectricalStimulation)
    );
    assert_eq!(line.items[0].intervention.detail.minutes, Some(10));
    let treated = read(
        "Physiotherapy treatment included soft tissue massage and ultrasound to decrease pain and swelling, as well as quadriceps strength and control exercises.",
    );
    // The quadriceps are what was exercised, not where the ultrasound went.
    assert_eq!(
        charted(&treated),
        [
            "soft_tissue none -",
            "modality none -",
            "exercise none thigh_anterior"
        ]
    );
    assert_eq!(
        treated.items[1].intervention.detail.modality,
        Some(Modality::Ultrasound)
    );
    // An adjustment of an ankle is no spinal manipulation: a manipulation outside the spine
    // (CPT 98943).
    let ankle = read("HVLA R ankle");
    assert_eq!(charted(&ankle), ["extraspinal_manipulation right ankle"]);
    // Billing codes name what they bill, with their units.
    let billed = read("Bill 2 units of 97110 and 1 unit of 97140.");
    assert_eq!(
        charted(&billed),
        ["exercise none -", "manual_therapy none -"]
    );
    let exercise = &billed.items[0].intervention;
    assert_eq!(
        (exercise.cpt_code.as_str(), exercise.detail.cpt_units),
        ("97110", Some(2))
    );
    let manual = &billed.items[1].intervention;
    assert_eq!(
        (manual.cpt_code.as_str(), manual.detail.cpt_units),
        ("97140", Some(1))
    );
    assert!(billed.unread.is_empty(), "{:?}", billed.unread);
}

#[test]
fn what_a_sentence_says_was_not_done_or_is_planned_is_never_charted() {
    let reading = read("Soft tissue to R calf. Dry needling deferred.");
    assert_eq!(charted(&reading), ["soft_tissue right calf"]);
    assert_eq!(reading.leftover(), "Dry needling deferred");
    assert!(reading.unread[0].why.contains("not done"));
    // A sentence that says only "not tolerated" speaks of the one before it.
    let refused = read("STM soleus R. Not tolerated.");
    assert!(refused.items.is_empty(), "{refused:?}");
    // "but not before ..." is said of its own clause: taping and orthotics were used
    // (Gillman 2004, PMC2647025, as the corpus reads it).
    let used = read(
        "Other procedures used included taping and orthotics, but not before the manipulation effect was noted.",
    );
    assert_eq!(used.items.len(), 2, "{used:?}");
    assert_eq!(
        used.leftover(),
        "but not before the manipulation effect was noted"
    );
    for planned in [
        "Continue 2x/week for 2 weeks, then re-evaluate and taper.",
        "Consider referral to physical therapy if needed.",
        "We will do some symptomatic treatment utilizing manual stimulation techniques, pulsed ultrasound and additional exercises.",
        "Chiropractic adjustment of talus and/or calcaneus if they have become fixated.",
    ] {
        let reading = read(planned);
        assert!(reading.items.is_empty(), "{planned}: {reading:?}");
        assert_eq!(
            reading.leftover().trim_end_matches('.'),
            planned.trim_end_matches('.'),
            "{planned}"
        );
    }
}

#[test]
fn a_real_plan_section_charts_its_adjustments_once_and_keeps_the_rest() {
    // The plan of a public chiropractic SOAP note (scoutmytool.com/docs/chiro-notes), line
    // by line as a clinician pastes it.
    let plan = "Technique: Diversified\n\
        Adjustments performed: L4-L5 P-A (diversified), R SI side-posture, C2 toggle, T6 P-A. Patient tolerated well, audible release noted.\n\
        Modalities: Pre-adjustment: e-stim 10 min + moist heat to lumbar; post: soft-tissue to R paraspinals.\n\
        Home-care & frequency: Continue 2x/week for 2 weeks, then re-evaluate and taper. Home-care: McKenzie extensions 2x/day, walking. Re-exam at visit 8.";
    let reading = read(plan);
    // Four adjustments, not five: "Technique: Diversified" says how they were done. An
    // audible release is no myofascial release.
    assert_eq!(
        charted(&reading),
        [
            "spinal_manipulation none low_back",
            "spinal_manipulation right si_joint",
            "spinal_manipulation none neck",
            "spinal_manipulation none back_mid",
            "modality none -",
            "modality none low_back",
            "soft_tissue right -",
            "exercise none -",
            "exercise none -"
        ]
    );
    let kept: Vec<&str> = reading.unread.iter().map(|u| u.text.as_str()).collect();
    assert!(kept.contains(&"Diversified"), "{kept:?}");
    assert!(kept.contains(&"audible release noted"), "{kept:?}");
    // The plan for the next weeks stays a plan; the home care given today is charted.
    assert!(
        kept.iter()
            .any(|k| k.contains("Continue 2x/week for 2 weeks")),
        "{kept:?}"
    );
    let mckenzie = &reading.items[7].intervention;
    assert_eq!(mckenzie.detail.technique, Some(Technique::Mckenzie));
    assert_eq!(mckenzie.detail.frequency.as_deref(), Some("2x/day"));
}

#[test]
fn filler_purpose_and_dose_in_a_sentence_land_where_they_belong() {
    let graston =
        read("Graston technique was performed on the Achilles tendon to reduce adhesions.");
    assert!(graston.unread.is_empty(), "{graston:?}");
    let item = &graston.items[0].intervention;
    assert_eq!(
        (item.kind, item.detail.technique, item.target.as_str()),
        (
            InterventionKind::SoftTissue,
            Some(Technique::Iastm),
            "Achilles tendon"
        )
    );
    assert_eq!(item.region.as_ref().map(|r| r.as_str()), Some("achilles"));
    assert_eq!(item.notes, "to reduce adhesions", "why it was done is kept");
    // An exercise named by what it is, its dose after a colon or a bar.
    let squats = read("Partial Squats: 3×10");
    let detail = &squats.items[0].intervention.detail;
    assert_eq!((detail.sets, detail.reps), (Some(3), Some(10)));
    let held = read("Rhomberg stance with perturbations: 3×30 seconds");
    let detail = &held.items[0].intervention.detail;
    assert_eq!(
        (detail.sets, detail.hold_seconds, detail.reps),
        (Some(3), Some(30), None)
    );
    let stretch = read("Do your calf stretches again, holding for 30 seconds.");
    assert!(stretch.unread.is_empty(), "{stretch:?}");
    assert_eq!(charted(&stretch), ["stretch none calf"]);
    assert_eq!(stretch.items[0].intervention.detail.hold_seconds, Some(30));
    // "10 × 3": ten repetitions, three sets, as the source's tables write them.
    let wall = read("Wall squats | 10 × 3");
    let detail = &wall.items[0].intervention.detail;
    assert_eq!((detail.sets, detail.reps), (Some(3), Some(10)));
    let both = read("Wall squats | 10 × 3 | Left unilateral 10 × 3");
    // Wall squats work the front of the thigh; the second part names no exercise.
    assert_eq!(
        charted(&both),
        ["exercise none thigh_anterior", "exercise left -"]
    );
    // An exercise known by its name: the name is what was given, not where.
    let press = read("Unilateral leg press with ball squeeze, 3x10");
    assert_eq!(charted(&press), ["exercise none -"]);
    assert_eq!(
        press.items[0].intervention.target,
        "Unilateral leg press with ball squeeze"
    );
    // "squats, 10": ten what? Asked, not guessed.
    let bare = read("Treatment: squats 10, calf raises 3x15");
    assert_eq!(charted(&bare), ["exercise none calf"]);
    assert_eq!(bare.leftover(), "squats 10");
    // "iliotibial band" is where, not a resistance band.
    let pnf = read("PNF stretching of the hamstrings and iliotibial band.");
    assert!(
        pnf.items
            .iter()
            .all(|i| i.intervention.detail.load.is_none()),
        "{pnf:?}"
    );
    assert_eq!(
        charted(&pnf),
        ["stretch none thigh_posterior", "stretch none thigh_lateral"]
    );
}
#[test]
fn a_plan_only_referred_to_does_not_make_what_was_done_a_plan() {
    let done = read("IFC 10 min to lumbar as outlined in care plan");
    assert_eq!(charted(&done), ["modality none low_back"], "{done:?}");
    assert_eq!(done.items[0].intervention.detail.minutes, Some(10));
    // A plan is still a plan.
    for planned in [
        "IFC 10 min to lumbar planned",
        "Plan: IFC 10 min to lumbar next visit",
    ] {
        let reading = read(planned);
        assert!(reading.items.is_empty(), "{planned}: {reading:?}");
        assert!(!reading.unread.is_empty(), "{planned}");
    }
}

#[test]
fn what_was_done_before_or_after_is_when_not_a_second_thing_done() {
    let heat = read("Moist heat 10 min before exercises to lumbar");
    assert_eq!(heat.items.len(), 1, "{heat:?}");
    assert_eq!(heat.items[0].intervention.kind, InterventionKind::Modality);
    assert_eq!(heat.items[0].intervention.detail.minutes, Some(10));
    assert!(
        heat.items[0]
            .intervention
            .notes
            .contains("before exercises")
    );
    let after = read("Hand strengthening exercises bilat post estim");
    assert_eq!(charted(&after), ["exercise bilateral hand"], "{after:?}");
    // At the start of a part it is a heading of when, not a clause.
    assert_eq!(
        charted(&read("post: STM R calf")),
        ["soft_tissue right calf"]
    );
}

#[test]
fn a_part_naming_its_own_kind_keeps_it_under_another_heading() {
    let reading = read("Manual therapy techniques: lumbar traction 12 min");
    assert_eq!(charted(&reading), ["modality none low_back"], "{reading:?}");
    let detail = &reading.items[0].intervention.detail;
    assert_eq!(
        (detail.modality, detail.minutes),
        (Some(Modality::Traction), Some(12))
    );
    // A heading of when is read as nothing, over parts naming their own kinds.
    let when = read(
        "Pre-adjustment: e-stim 10 min + moist heat to lumbar; post: soft-tissue to R paraspinals.",
    );
    assert!(when.unread.is_empty(), "{when:?}");
    assert_eq!(when.items.len(), 3);
    // A heading with more than a kind in it is charted itself, never dropped.
    let both = read("STM R calf: heat, 8 min");
    assert_eq!(
        charted(&both),
        ["soft_tissue right calf", "modality none -"],
        "{both:?}"
    );
    let stm = read("Soft tissue mobilization to the R lumbar paraspinals");
    assert_eq!(charted(&stm), ["soft_tissue right low_back"], "{stm:?}");
}
/// sets, reps, hold in seconds, minutes of the first item read.
fn dose(text: &str) -> (Option<u16>, Option<u16>, Option<u16>, Option<u16>) {
    let reading = read(text);
    let detail = &reading
        .items
        .first()
        .unwrap_or_else(|| panic!("{text}: nothing read: {reading:?}"))
        .intervention
        .detail;
    (
        detail.sets,
        detail.reps,
        detail.hold_seconds,
        detail.minutes,
    )
}

#[test]
fn the_dose_is_read_in_the_ways_clinicians_write_it() {
    // Sets of repetitions, sets of a hold, repetitions then sets.
    assert_eq!(
        dose("bridges 3 sets of 15"),
        (Some(3), Some(15), None, None)
    );
    assert_eq!(
        dose("Grade III PA mobilization L4 3 cycles of 60s"),
        (Some(3), None, Some(60), None)
    );
    assert_eq!(
        dose("side plank with clamshell 10 reps x 2"),
        (Some(2), Some(10), None, None)
    );
    assert_eq!(
        dose("calf stretch 3x 30sec"),
        (Some(3), None, Some(30), None)
    );
    assert_eq!(
        dose("calf stretch, hold 30 seconds, repeat three times"),
        (None, Some(3), Some(30), None)
    );
    // A printed home programme's labelled fields, run together as copied.
    let printed = "Single Leg Heel Raise REPS: 10SETS: 3HOLD: 3DAILY: 1WEEKLY: 3";
    assert_eq!(dose(printed), (Some(3), Some(10), Some(3), None));
    let reading = read(printed);
    assert_eq!(
        reading.items[0].intervention.kind,
        InterventionKind::Exercise
    );
    assert_eq!(
        reading.items[0].intervention.detail.frequency.as_deref(),
        Some("3x/week")
    );
    // Rest between sets is no hold.
    assert_eq!(
        dose("Seated row Sets: 2 Reps: 10 Rest: 30sec"),
        (Some(2), Some(10), None, None)
    );
    // The dose under a heading that names the exercise is the exercise's.
    assert_eq!(
        dose("SLS with hand hold assist: 3×15 seconds"),
        (Some(3), None, Some(15), None)
    );
    // "each side" is both sides.
    assert_eq!(
        charted(&read("calf stretch 3x30s each side")),
        ["stretch bilateral calf"]
    );
}
#[test]
fn a_timed_billing_line_keeps_its_code_units_and_minutes_apart() {
    for line in [
        "97110 x2 units 25 min",
        "97110 x 2 units (25 minutes)",
        "97110 2 units 25 min",
    ] {
        let reading = read(line);
        assert_eq!(reading.items.len(), 1, "{line}: {reading:?}");
        let item = &reading.items[0].intervention;
        assert_eq!(item.kind, InterventionKind::Exercise, "{line}");
        assert_eq!(item.cpt_code, "97110", "{line}");
        assert_eq!(
            (item.detail.cpt_units, item.detail.minutes),
            (Some(2), Some(25)),
            "{line}"
        );
        assert!(!item.dose.contains("unit"), "{line}: {:?}", item.dose);
    }
}

#[test]
fn a_list_of_segments_is_one_adjustment_each_and_the_si_joint_is_a_segment() {
    let reading = read("Adjusted C5, T4, L5, R SI");
    assert!(reading.unread.is_empty(), "{reading:?}");
    assert_eq!(
        charted(&reading),
        [
            "spinal_manipulation none neck",
            "spinal_manipulation none back_mid",
            "spinal_manipulation none low_back",
            "spinal_manipulation right si_joint"
        ]
    );
    let segments: Vec<Vec<String>> = reading
        .items
        .iter()
        .map(|i| i.intervention.detail.segments.clone())
        .collect();
    assert_eq!(segments, [["C5"], ["T4"], ["L5"], ["SI"]]);
}

#[test]
fn mobilisation_grades_glides_and_muscle_energy_are_read() {
    let glides = read("Gr III PA glides L4");
    assert_eq!(
        charted(&glides),
        ["mobilization none low_back"],
        "{glides:?}"
    );
    let detail = &glides.items[0].intervention.detail;
    assert_eq!(
        (detail.grade, detail.segments.clone()),
        (Some(MobilisationGrade::III), vec!["L4".to_owned()])
    );
    let ap = read("grade IV- AP glides R talocrural");
    assert_eq!(
        ap.items[0].intervention.detail.grade,
        Some(MobilisationGrade::IV)
    );
    assert_eq!(ap.items[0].intervention.side, Side::Right);
    // MET/PIR to a muscle is a stretch, to a joint a mobilisation; a plural in the
    // muscle's name is no second side.
    let muscle = read("MET/PIR R upper trap");
    assert_eq!(muscle.items[0].intervention.kind, InterventionKind::Stretch);
    assert_eq!(
        muscle.items[0].intervention.detail.technique,
        Some(Technique::MuscleEnergy)
    );
    let pir = read("PIR R levator scapulae 3x30s");
    assert_eq!(
        charted(&pir)[0].split(' ').take(2).collect::<Vec<_>>(),
        ["stretch", "right"],
        "{pir:?}"
    );
    let joint = read("MET L SI");
    assert_eq!(charted(&joint), ["mobilization left si_joint"]);
    // Named alone, it says how, not what or where: kept.
    assert!(read("MET").items.is_empty());
}

#[test]
fn a_weight_is_the_load() {
    let reading = read("R hip abduction 3x10 2.5# weights");
    assert_eq!(
        reading.items[0].intervention.detail.load.as_deref(),
        Some("2.5#")
    );
    assert_eq!(
        read("leg press 40lbs 10 × 3").items[0]
            .intervention
            .detail
            .load
            .as_deref(),
        Some("40lbs")
    );
    assert_eq!(
        read("bridges 3x10 with 5 kg").items[0]
            .intervention
            .detail
            .load
            .as_deref(),
        Some("5 kg")
    );
}
#[test]
fn segments_or_a_dose_alone_are_asked_about_never_charted() {
    let segments = read("L3-L5, T6-T8, left sacroiliac joint.");
    assert!(segments.items.is_empty(), "{segments:?}");
    assert!(segments.unread.is_empty(), "{segments:?}");
    assert_eq!(segments.questions.len(), 3);
    assert!(segments.questions[0].ask.contains("adjusted"));
    assert_eq!(
        segments.questions[0].intervention.detail.segments,
        ["L3-L5"]
    );
    assert_eq!(segments.questions[2].intervention.side, Side::Left);
    assert_eq!(segments.questions[2].text, "left sacroiliac joint");
    let dose = read("Do 3 sets of 10 repetitions, 1 time a day.");
    assert!(dose.items.is_empty(), "{dose:?}");
    assert_eq!(dose.questions.len(), 1, "{dose:?}");
    let asked = &dose.questions[0].intervention;
    assert_eq!(asked.kind, InterventionKind::Exercise);
    assert_eq!((asked.detail.sets, asked.detail.reps), (Some(3), Some(10)));
    // What is asked stays in the entry with what was not read, in the order written.
    let mixed = read("STM R calf; L5, R SI; taping deferred");
    assert_eq!(charted(&mixed), ["soft_tissue right calf"]);
    assert_eq!(mixed.leftover(), "L5; R SI; taping deferred");
    // A frequency alone is not a dose to ask about.
    assert!(read("twice daily").questions.is_empty());
}

#[test]
fn a_dose_written_once_after_a_list_is_each_exercises() {
    let reading = read("Patient instructed in chest fly, shoulder abd, shoulder flexion 2×15.");
    assert_eq!(reading.items.len(), 3, "{reading:?}");
    for item in &reading.items {
        assert_eq!(
            (item.intervention.detail.sets, item.intervention.detail.reps),
            (Some(2), Some(15)),
            "{item:?}"
        );
    }
    let often = read("BID: quad sets and SLR 10 × 3");
    assert!(
        often
            .items
            .iter()
            .all(|i| i.intervention.detail.frequency.as_deref() == Some("bid")),
        "{often:?}"
    );
    // Each with its own dose keeps it.
    let own = read("bridges 3x10, clams 2x15");
    assert_eq!(own.items[0].intervention.detail.sets, Some(3));
    assert_eq!(own.items[1].intervention.detail.sets, Some(2));
}

#[test]
fn the_dose_on_the_lines_under_an_exercise_is_its_dose() {
    let reading = read("Seated Row\nSets: 2\nReps: 10\nRest: 30sec\n\nRow\n3 sets of 10 reps");
    assert!(reading.unread.is_empty(), "{reading:?}");
    assert_eq!(reading.items.len(), 2, "{reading:?}");
    let first = &reading.items[0];
    assert_eq!(first.intervention.kind, InterventionKind::Exercise);
    assert_eq!(first.intervention.target, "Seated Row");
    assert_eq!(
        (
            first.intervention.detail.sets,
            first.intervention.detail.reps,
            first.intervention.detail.hold_seconds
        ),
        (Some(2), Some(10), None)
    );
    // The span runs from the name to the last line of its dose.
    assert_eq!(
        &reading.text[first.span[0]..first.span[1]],
        "Seated Row\nSets: 2\nReps: 10\nRest: 30sec"
    );
    assert_eq!(reading.items[1].intervention.detail.reps, Some(10));
}
#[test]
fn what_one_part_says_was_not_done_is_that_parts_alone() {
    let reading = read("STM R calf, taping not performed");
    assert_eq!(charted(&reading), ["soft_tissue right calf"], "{reading:?}");
    assert_eq!(reading.leftover(), "taping not performed");
    let flare = read("McKenzie extensions 2x/day, walking, ice if flare");
    assert_eq!(flare.items.len(), 2, "{flare:?}");
    assert_eq!(flare.leftover(), "ice if flare");
    // The frequency written after the first is the first one's alone.
    assert_eq!(flare.items[1].intervention.detail.frequency, None);
    let stopped = read(
        "Cervical traction was discontinued after six sessions, and the patient was instructed in a home exercise program.",
    );
    assert_eq!(stopped.items.len(), 1, "{stopped:?}");
    assert_eq!(
        stopped.items[0].intervention.kind,
        InterventionKind::Exercise
    );
    // A plan, a negation of the whole or a sentence about the one before speaks of all.
    for none in [
        "We will do STM and ultrasound",
        "No STM or taping today",
        "STM soleus R. Not tolerated.",
    ] {
        assert!(read(none).items.is_empty(), "{none}");
    }
}
#[test]
fn what_is_done_with_another_or_billed_after_it_is_read_with_it() {
    // Two things joined by "with" are asked about, the first as read so far.
    let with = read("ice with wall slide 10 minutes");
    assert!(with.items.is_empty(), "{with:?}");
    assert_eq!(with.questions.len(), 1);
    assert_eq!(
        with.questions[0].intervention.kind,
        InterventionKind::Modality
    );
    assert!(with.questions[0].ask.contains("together"));
    // "and" inside a "with" phrase is more of the phrase.
    let laq = read("left LAQ with ER and ball squeeze 10 × 3");
    assert_eq!(laq.items.len(), 1, "{laq:?}");
    assert_eq!(laq.items[0].intervention.side, Side::Left);
    // A billing code after a comma bills the part before; two codes stay two.
    let billed = read("24 minutes of neuromuscular reeducation, code 97112,");
    assert_eq!(billed.items.len(), 1, "{billed:?}");
    assert_eq!(billed.items[0].intervention.cpt_code, "97112");
    assert_eq!(billed.items[0].intervention.detail.minutes, Some(24));
    assert_eq!(
        read("Bill 2 units of 97110 and 1 unit of 97140.")
            .items
            .len(),
        2
    );
    // A sentence of only a dose is the dose of the one before, or no one's.
    let glides = read("Grade III PA glides L4. 3 sets of 30 s.");
    assert_eq!(glides.items.len(), 1, "{glides:?}");
    assert_eq!(
        (
            glides.items[0].intervention.detail.sets,
            glides.items[0].intervention.detail.hold_seconds
        ),
        (Some(3), Some(30))
    );
    let alone = read("LOC: P-A with torque towards involved side. Repeat three times.");
    assert!(
        alone.items.is_empty() && alone.questions.is_empty(),
        "{alone:?}"
    );
    // "grade 3 incline" is no mobilisation grade.
    let treadmill = read("treadmill 5 min grade 3 incline");
    assert_eq!(treadmill.items[0].intervention.detail.grade, None);
}
#[test]
fn a_heading_naming_a_side_and_place_gives_its_side_to_the_lines_under_it() {
    let reading = read(
        "L knee:\nTransverse friction massage MCL\nPatellar taping\nC5 adjusted\nbridges 3x10\nhip abduction 3x10\n\nPatellar taping",
    );
    assert!(reading.unread.is_empty(), "{reading:?}");
    assert_eq!(
        charted(&reading),
        [
            "soft_tissue left knee_medial",
            // "Patellar": the front of the knee, within the heading's knee.
            "taping left knee_anterior",
            // The spine has no side from a knee's heading.
            "spinal_manipulation none neck",
            // An exercise named without a place charts the region it works (bridges:
            // the hip), never the heading's place or side: its name says no side.
            "exercise none hip",
            // One at another place keeps its own and takes no side.
            "exercise none hip",
            // A blank line ends the heading: its place is its own, with no side.
            "taping none knee_anterior"
        ]
    );
    let right = read("Right shoulder:\nSTM upper trap\nL wrist taping");
    assert_eq!(
        charted(&right),
        // The upper trapezius lies on the top of the shoulder, within the heading's place.
        ["soft_tissue right shoulder_top", "taping left wrist"],
        "a side written on the line is the line's"
    );
}
#[test]
fn a_capital_b_beside_a_place_is_both_sides() {
    assert_eq!(
        charted(&read("dry needling to B upper trap and R levator scap"))[0]
            .split(' ')
            .nth(1),
        Some("bilateral")
    );
    let calves = read("STM B calves");
    assert_eq!(calves.items[0].intervention.side, Side::Bilateral);
    assert!(!calves.items[0].intervention.target.contains('B'));
    // Not a B in a name, nor a list mark.
    assert_eq!(
        read("Vitamin B advice").items[0].intervention.side,
        Side::None
    );
    assert!(
        read("a) Gastrocnemius stretch, b) Soleus stretch")
            .items
            .iter()
            .all(|i| i.intervention.side == Side::None)
    );
}

/// Words of intervention entries, to build sentences from.
fn sentence() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "STM",
        "HVLA",
        "R",
        "L",
        "bilat",
        "SI",
        "calf",
        "soleus",
        "and",
        ",",
        "+",
        ":",
        ".",
        "Treatment",
        "included",
        "heat",
        "ultrasound",
        "10",
        "min",
        "3x10",
        "not",
        "deferred",
        "97140",
        "x2",
        "Adjustments",
        "performed",
        "L4-L5",
        "ankle",
        "then",
        "to",
        "the",
        "stretching",
        "exercises",
        "|",
        "(",
        ")",
        "a)",
        "will",
        "knee",
        "taping",
        "bridges",
        "heel raises",
        "did",
        "massage",
        "no",
        "2x/week",
        "for 4 weeks",
    ]);
    prop::collection::vec(words, 1..16).prop_map(|words| words.join(" "))
}

proptest! {
    #![proptest_config(Config { cases: 256, failure_persistence: None, ..Config::default() })]

    #[test]
    fn any_text_is_read_without_panic_and_every_span_is_its_own_text(text in any::<String>()) {
        let reading = read(&text);
        for span in reading.items.iter().map(|i| i.span).chain(reading.unread.iter().map(|u| u.span)) {
            prop_assert!(span[0] <= span[1] && span[1] <= text.len());
            prop_assert!(text.is_char_boundary(span[0]) && text.is_char_boundary(span[1]));
        }
        for unread in &reading.unread {
            prop_assert_eq!(&text[unread.span[0]..unread.span[1]], unread.text.as_str());
        }
    }

    #[test]
    fn a_sentence_is_read_the_same_way_every_time(text in sentence()) {
        prop_assert_eq!(read(&text), read(&text));
    }

    #[test]
    fn mirroring_the_sides_mirrors_what_is_charted(text in sentence()) {
        let mirrored: String = text
            .split(' ')
            .map(|word| match word {
                "R" => "L",
                "L" => "R",
                other => other,
            })
            .collect::<Vec<_>>()
            .join(" ");
        let mirror = |side: Side| match side {
            Side::Right => Side::Left,
            Side::Left => Side::Right,
            other => other,
        };
        let sides = |reading: &InterventionReading| {
            reading
                .items
                .iter()
                .map(|i| (i.intervention.kind, i.intervention.region.clone(), i.intervention.side))
                .collect::<Vec<_>>()
        };
        let expected: Vec<_> = sides(&read(&text))
            .into_iter()
            .map(|(kind, region, side)| (kind, region, mirror(side)))
            .collect();
        prop_assert_eq!(sides(&read(&mirrored)), expected, "{} / {}", text, mirrored);
    }

    #[test]
    fn a_sentence_saying_not_done_charts_nothing(text in sentence()) {
        let said = format!("{text} deferred");
        let reading = read(&said);
        prop_assert!(reading.unread.iter().any(|u| u.text.contains("deferred")), "{:?}", reading);
        for item in &reading.items {
            prop_assert!(!said[item.span[0]..item.span[1]].contains("deferred"), "{:?}", reading);
        }
    }
}

#[test]
fn read_interventions_for_scripts_prints_every_field_with_its_span_and_the_questions() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_upstream"))
        .args(["read", "interventions", "-", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Ther ex 97110 x2 units 25 min; L5\nR hip abduction 3x10 2.5# 2x/day\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "one object per input line");
    let billed = &lines[0]["items"][0];
    assert_eq!(billed["kind"], "exercise");
    assert_eq!(billed["cpt_code"], "97110");
    assert_eq!(billed["detail"]["cpt_units"], 2);
    assert_eq!(billed["detail"]["minutes"], 25);
    let span = billed["span"].as_array().unwrap();
    let text = lines[0]["text"].as_str().unwrap();
    let (start, end) = (
        span[0].as_u64().unwrap() as usize,
        span[1].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[start..end], "Ther ex 97110 x2 units 25 min");
    assert_eq!(lines[0]["questions"][0]["text"], "L5");
    assert_eq!(
        lines[0]["questions"][0]["intervention"]["kind"],
        "spinal_manipulation"
    );
    let exercise = &lines[1]["items"][0];
    assert_eq!(exercise["side"], "right");
    assert_eq!(exercise["region"], "hip");
    assert_eq!(exercise["detail"]["sets"], 3);
    assert_eq!(exercise["detail"]["reps"], 10);
    assert_eq!(exercise["detail"]["load"], "2.5#");
    assert_eq!(exercise["detail"]["frequency"], "2x/day");
}

#[test]
fn a_technique_or_modality_named_in_several_words_is_read_as_one() {
    // Spelled out, a thrust is what "HVLA" says, with its segment.
    let thrust = read("high velocity low amplitude thrust L5");
    assert_eq!(charted(&thrust), ["spinal_manipulation none low_back"]);
    let detail = &thrust.items[0].intervention.detail;
    assert_eq!(detail.technique, Some(Technique::Hvla));
    assert_eq!(detail.segments, ["L5"]);
    assert!(thrust.unread.is_empty(), "{thrust:?}");
    // The agent is named by its whole phrase, not by its last word or not at all.
    for (text, agent) in [
        (
            "electronic muscle stimulation 15 min",
            Modality::ElectricalStimulation,
        ),
        (
            "electrical stimulation 10 min L knee",
            Modality::ElectricalStimulation,
        ),
        ("cold pack 10 min R knee", Modality::Ice),
        ("moist heat pack 10 min", Modality::Heat),
        ("ultrasonic waves 8 min", Modality::Ultrasound),
    ] {
        let reading = read(text);
        assert_eq!(reading.items.len(), 1, "{text}: {reading:?}");
        let item = &reading.items[0].intervention;
        assert_eq!(item.kind, InterventionKind::Modality, "{text}");
        assert_eq!(item.detail.modality, Some(agent), "{text}");
        assert!(
            !item.target.to_lowercase().contains("pack"),
            "{text}: the agent's words stay out of the target: {:?}",
            item.target
        );
    }
}

#[test]
fn two_agents_named_for_one_modality_are_not_guessed() {
    // "IFC or TENS": which one was used is the clinician's to say; the first is not taken.
    let either = read("IFC or TENS 20 min");
    assert!(
        either
            .items
            .iter()
            .all(|item| item.intervention.detail.modality.is_none()),
        "{either:?}"
    );
    // One agent named once is still read.
    let one = read("IFC 20 min");
    assert_eq!(
        one.items[0].intervention.detail.modality,
        Some(Modality::Interferential)
    );
}

#[test]
fn manual_therapy_heading_the_work_it_holds_is_one_thing_done() {
    // The billing heading is the kind of hands-on work under it, not a second item.
    let mobs = read("manual therapy including passive mobilizations to the left knee");
    assert_eq!(charted(&mobs), ["mobilization left knee"]);
    assert!(mobs.unread.is_empty(), "{mobs:?}");
    let soft = read("Manual Therapy Soft Tissue Techniques");
    assert_eq!(charted(&soft), ["soft_tissue none -"]);
    // Beside something that is not hands-on work, it is still its own item.
    let two = read("manual therapy and exercise");
    assert_eq!(charted(&two), ["manual_therapy none -", "exercise none -"]);
}

#[test]
fn core_bracing_is_an_exercise_and_counselling_is_advice() {
    // Bracing the trunk is an exercise, never a brace charted as an orthosis.
    let bracing = read("Dead Bug and Quadruped Bracing Progressions");
    assert!(
        bracing
            .items
            .iter()
            .all(|i| i.intervention.kind == InterventionKind::Exercise),
        "{bracing:?}"
    );
    assert!(!bracing.items.is_empty(), "{bracing:?}");
    let counselled = read("counseled on posture awareness");
    assert_eq!(charted(&counselled), ["advice none -"]);
}

#[test]
fn a_listed_part_that_begins_with_a_position_is_the_next_exercise_with_its_own_side() {
    let reading = read(
        "In side lying, patient instructed in 3×10 R hip abduction using 2.5# weights, prone L hip extension.",
    );
    let charted = charted(&reading);
    assert_eq!(charted.len(), 2, "{reading:?}");
    // The second exercise keeps the side it names, never the first one's.
    assert_eq!(charted[1], "exercise left hip");
    assert!(reading.unread.is_empty(), "{reading:?}");
    // A position alone names no exercise.
    let alone = read("In side lying, 3×10 R hip abduction, standing");
    assert_eq!(alone.items.len(), 1, "{alone:?}");
}

#[test]
fn what_advice_was_on_may_be_several_things() {
    for text in [
        "counseled on posture awareness and self-care",
        "educated on posture and lifting mechanics",
    ] {
        let reading = read(text);
        assert_eq!(charted(&reading), ["advice none -"], "{text}: {reading:?}");
        assert!(reading.unread.is_empty(), "{text}: {reading:?}");
    }
    // Something done named after the advice is its own item, not what the advice was on.
    let exercise = read("educated on posture and bridges 3x10");
    // Bridges work the hip: its region, from the lexicon, with no side.
    assert_eq!(charted(&exercise), ["advice none -", "exercise none hip"]);
}

#[test]
fn how_an_exercise_was_cued_is_kept_in_its_notes_not_left_unread() {
    let reading = read(
        "Patient completed standing Achilles stretch 3x 30sec with mod verbal cues for technique and to engage in pain free range.",
    );
    assert_eq!(charted(&reading), ["stretch none achilles"]);
    assert!(reading.unread.is_empty(), "{reading:?}");
    let stretch = &reading.items[0].intervention;
    assert_eq!(
        (stretch.detail.sets, stretch.detail.hold_seconds),
        (Some(3), Some(30))
    );
    assert!(
        format!("{} {}", stretch.notes, stretch.dose).contains("verbal cues"),
        "the cueing is kept with the item: {stretch:?}"
    );
}

#[test]
fn a_dose_written_before_the_exercise_keeps_the_side_and_movement_after_it() {
    let reading = read("patient instructed in 3×10 R hip abduction using 2.5# weights");
    assert_eq!(charted(&reading), ["exercise right hip"], "{reading:?}");
    let exercise = &reading.items[0].intervention;
    assert_eq!(
        (exercise.detail.sets, exercise.detail.reps),
        (Some(3), Some(10))
    );
    assert_eq!(exercise.detail.load.as_deref(), Some("2.5#"));
    assert!(exercise.target.contains("hip abduction"), "{exercise:?}");
    // A modality's place after its minutes is its place, with its side.
    assert_eq!(
        charted(&read("ice 15 min to R knee")),
        ["modality right knee"]
    );
    assert_eq!(
        charted(&read("ice 15 min to L knee")),
        ["modality left knee"]
    );
}

#[test]
fn a_second_exercise_after_a_comma_is_never_read_into_the_first_ones_dose() {
    let reading = read("bridges 3x10, prone L hip extension");
    assert_eq!(
        charted(&reading),
        // Bridges chart the hip they work, and never the side of the next exercise.
        ["exercise none hip", "exercise left hip"],
        "{reading:?}"
    );
    let (bridges, extension) = (
        &reading.items[0].intervention,
        &reading.items[1].intervention,
    );
    assert_eq!(
        (bridges.detail.sets, bridges.detail.reps),
        (Some(3), Some(10))
    );
    assert!(!bridges.dose.contains("prone"), "{bridges:?}");
    // The dose written after the first is the first one's alone.
    assert_eq!((extension.detail.sets, extension.detail.reps), (None, None));
}

#[test]
fn a_dose_written_before_exercises_joined_by_and_is_each_ones() {
    let reading = read(
        "In the supine position, the patient was instructed in 3 × 10 L hip abduction and L hip extension with verbal cues.",
    );
    assert_eq!(
        charted(&reading),
        ["exercise left hip", "exercise left hip"],
        "{reading:?}"
    );
    assert!(reading.unread.is_empty(), "{reading:?}");
    for item in &reading.items {
        let detail = &item.intervention.detail;
        assert_eq!((detail.sets, detail.reps), (Some(3), Some(10)), "{item:?}");
    }
    // Written after the first, in a list by commas, it is not shared.
    let list = read("R hip abduction 3x10 using 2.5# weights, prone L hip extension");
    assert_eq!(list.items.len(), 2, "{list:?}");
    assert_eq!(list.items[1].intervention.detail.sets, None);
}

#[test]
fn two_movements_joined_by_a_slash_are_two_exercises_unless_one_goes_there_and_back() {
    let reading = read("standing hip abduction/extension: 3×10 with yellow band");
    assert_eq!(
        charted(&reading),
        ["exercise none hip", "exercise none hip"],
        "{reading:?}"
    );
    assert!(reading.unread.is_empty(), "{reading:?}");
    let targets: Vec<&str> = reading
        .items
        .iter()
        .map(|i| i.intervention.target.as_str())
        .collect();
    assert_eq!(
        targets,
        ["standing hip abduction", "standing hip extension"]
    );
    for item in &reading.items {
        let detail = &item.intervention.detail;
        assert_eq!((detail.sets, detail.reps), (Some(3), Some(10)));
        assert_eq!(detail.load.as_deref(), Some("yellow band"));
    }
    // Each keeps the side written once, and mirroring it mirrors both.
    assert_eq!(
        charted(&read("R hip abd/ext 3x10")),
        ["exercise right hip", "exercise right hip"]
    );
    assert_eq!(
        charted(&read("L hip abd/ext 3x10")),
        ["exercise left hip", "exercise left hip"]
    );
    // A movement there and back is one exercise.
    let one = read("hip flexion/extension 3x10");
    assert_eq!(one.items.len(), 1, "{one:?}");
    // A slash pair said not to have been done is not charted, either half.
    let not_done = read("standing hip abduction/extension not performed today");
    assert!(not_done.items.is_empty(), "{not_done:?}");
    assert!(!not_done.unread.is_empty(), "{not_done:?}");
}

#[test]
fn a_course_of_care_written_in_prose_is_how_often_never_the_target() {
    let reading = read("STM R calf 3 times per week for 6 weeks");
    assert_eq!(charted(&reading), ["soft_tissue right calf"]);
    let stm = &reading.items[0].intervention;
    assert_eq!(stm.target, "calf");
    assert_eq!(stm.detail.frequency.as_deref(), Some("3x/week for 6 weeks"));
    let reading = read("myofascial release to the psoas muscle twice weekly for 2 weeks");
    let release = &reading.items[0].intervention;
    assert_eq!(release.target, "psoas muscle", "{release:?}");
    assert_eq!(
        release.detail.frequency.as_deref(),
        Some("2x/week for 2 weeks")
    );
    // A word of how often keeps its place before how long.
    let bridges = read("bridges 3x10 daily for 6 weeks");
    assert_eq!(
        bridges.items[0].intervention.detail.frequency.as_deref(),
        Some("daily for 6 weeks")
    );
    // "over a 6-week episode of care" is the course, never a part left unread.
    let course = read("STM R calf, over a 6-week episode of care");
    assert!(course.unread.is_empty(), "{course:?}");
    assert_eq!(
        course.items[0].intervention.detail.frequency.as_deref(),
        Some("for 6 weeks")
    );
    // A count of days with no "per" is no frequency: "for 10 days" is how long.
    let days = read("ice 10 min daily for 10 days");
    assert_eq!(
        days.items[0].intervention.detail.frequency.as_deref(),
        Some("daily for 10 days")
    );
    // A course said not to be followed is not charted.
    let stopped = read("STM R calf 3 times per week for 6 weeks discontinued");
    assert!(stopped.items.is_empty(), "{stopped:?}");
}

#[test]
fn how_a_modality_was_set_is_its_setting_never_what_was_treated() {
    let reading = read("IFC 80-150Hz 15 min R knee");
    assert_eq!(charted(&reading), ["modality right knee"], "{reading:?}");
    let ifc = &reading.items[0].intervention;
    assert_eq!(ifc.detail.modality, Some(Modality::Interferential));
    assert_eq!(ifc.detail.minutes, Some(15));
    assert!(
        ifc.detail
            .load
            .as_deref()
            .is_some_and(|l| l.contains("80-150")),
        "{ifc:?}"
    );
    // The side after the setting is read, and mirroring it mirrors the reading.
    assert_eq!(
        charted(&read("IFC 80-150Hz 15 min L knee")),
        ["modality left knee"]
    );
    // A sentence of settings is one modality with its minutes, not prose left unread.
    let reading = read(
        "Ultrasound: At the medial calcaneus tuberosity with eight minutes of duration with a frequency of 1 megahertz and therapeutic intensity of 1.8 watts per square centimetre.",
    );
    assert!(reading.unread.is_empty(), "{reading:?}");
    assert_eq!(reading.items.len(), 1, "{reading:?}");
    let ultrasound = &reading.items[0].intervention;
    assert_eq!(ultrasound.detail.modality, Some(Modality::Ultrasound));
    assert_eq!(ultrasound.detail.minutes, Some(8));
    assert!(!ultrasound.target.contains("megahertz"), "{ultrasound:?}");
    // A machine's speed after its exercise is the exercise's setting, not a part unread.
    let treadmill = read("Retro treadmill 5 minutes | 1.1mph | 1.4mph with grade 3 incline");
    assert!(treadmill.unread.is_empty(), "{treadmill:?}");
    assert_eq!(treadmill.items.len(), 1, "{treadmill:?}");
    assert_eq!(treadmill.items[0].intervention.detail.grade, None);
    // A timed billing line in prose keeps its code, its minutes and its agent.
    let billed = read(
        "Interferential current (97014) was administered to the affected region for 10 minutes as outlined in care plan.",
    );
    assert_eq!(billed.items.len(), 1, "{billed:?}");
    let ifc = &billed.items[0].intervention;
    assert_eq!(
        (ifc.cpt_code.as_str(), ifc.detail.minutes),
        ("97014", Some(10))
    );
    // A setting never makes a modality done that the line says was not.
    let stopped = read("IFC 80 Hz 15 min R knee not tolerated");
    assert!(stopped.items.is_empty(), "{stopped:?}");
}

#[test]
fn a_timed_billing_line_keeps_its_units_wherever_written_and_its_description_out_of_the_dose() {
    let reading = read("97110 Therapeutic Exercise x 2 units (23 min)");
    assert_eq!(reading.items.len(), 1, "{reading:?}");
    let billed = &reading.items[0].intervention;
    assert_eq!(billed.cpt_code, "97110");
    assert_eq!(
        (billed.detail.cpt_units, billed.detail.minutes),
        (Some(2), Some(23))
    );
    assert!(
        !billed.target.split_whitespace().any(|w| w == "x"),
        "{billed:?}"
    );
    // The code's own description ("1 or more regions") is no second adjustment, no dose.
    let reading = read("98943: extraspinal, 1 or more regions");
    assert_eq!(reading.items.len(), 1, "{reading:?}");
    assert!(reading.unread.is_empty(), "{reading:?}");
    assert_eq!(reading.items[0].intervention.dose, "");
    let reading = read("98941: spinal, 3-4 regions");
    assert_eq!(reading.items[0].intervention.dose, "", "{reading:?}");
}

#[test]
fn one_thing_or_another_is_asked_about_never_guessed() {
    let reading = read("ice or heat 15 min R knee");
    assert!(reading.items.is_empty(), "{reading:?}");
    assert_eq!(reading.questions.len(), 2, "{reading:?}");
    // Each is asked about with the place, side and minutes written after the second.
    for question in &reading.questions {
        let i = &question.intervention;
        assert_eq!(
            (
                i.side,
                i.region.as_ref().map(|r| r.as_str()),
                i.detail.minutes
            ),
            (Side::Right, Some("knee"), Some(15)),
            "{question:?}"
        );
    }
    let mirrored = read("ice or heat 15 min L knee");
    assert!(
        mirrored
            .questions
            .iter()
            .all(|q| q.intervention.side == Side::Left)
    );
    let reading = read("Taping or bracing to support the ankle during mobility.");
    assert!(reading.items.is_empty(), "{reading:?}");
    assert_eq!(reading.questions.len(), 2, "{reading:?}");
    // A range is never read as one of its ends.
    let reading = read("bridges 2 to 3 sets of 10");
    for item in &reading.items {
        assert_eq!(item.intervention.detail.sets, None, "{item:?}");
    }
    // Said not to have been done, neither is asked about nor charted.
    let reading = read("ice or heat not applied today");
    assert!(
        reading.items.is_empty() && reading.questions.is_empty(),
        "{reading:?}"
    );
}

#[test]
fn a_place_among_other_words_after_and_is_not_where_the_thing_before_was_done() {
    let reading = read(
        "Each patient was treated with spinal manipulation and a patented external head and body weighting system.",
    );
    // Never an adjustment of the head: the head is part of a device's name.
    assert!(
        reading.items.iter().all(
            |i| i.intervention.kind == InterventionKind::SpinalManipulation
                && i.intervention.region.is_none()
        ),
        "{reading:?}"
    );
    assert!(!reading.unread.is_empty(), "{reading:?}");
    // A place alone after "and" is still the same thing done there.
    assert_eq!(
        charted(&read("PNF stretching of the R psoas and R hamstrings")).len(),
        2
    );
}

#[test]
fn the_sentences_under_a_named_exercise_say_how_it_is_done() {
    let reading = read(
        "Calf stretch: Put hands against a wall while facing it. Keep one foot back with a straight knee, and bend the front knee. Lean forward on the wall while keeping the back heel on the ground. Repeat two or three sets on each day.",
    );
    assert_eq!(charted(&reading), ["stretch none calf"], "{reading:?}");
    assert!(reading.unread.is_empty(), "{reading:?}");
    let stretch = &reading.items[0].intervention;
    assert!(stretch.notes.contains("Lean forward"), "{stretch:?}");
    // "two or three sets" is a range: never read as a count.
    assert_eq!(stretch.detail.sets, None);
    // The item's span runs to the last sentence it holds.
    assert_eq!(reading.items[0].span[1], reading.text.len() - 1);
    // A sentence under it that says not to do something is never folded into its notes.
    let reading = read("Calf stretch: hold 30 s. Do not do it if painful.");
    assert_eq!(reading.items.len(), 1, "{reading:?}");
    assert_eq!(reading.unread.len(), 1, "{reading:?}");
    // A sentence naming something else done is its own item.
    let reading = read("Calf stretch: hold 30 s. Ice 10 min R calf.");
    assert_eq!(
        charted(&reading),
        ["stretch none calf", "modality right calf"],
        "{reading:?}"
    );
}

#[test]
fn the_rest_between_holds_and_a_second_hold_never_replace_the_hold() {
    let reading = read(
        "Each traction cycle consisted of 15 seconds of tension, followed by 20 seconds of rest. Total treatment time was 20 minutes.",
    );
    assert!(reading.unread.is_empty(), "{reading:?}");
    assert_eq!(reading.items.len(), 1, "{reading:?}");
    let traction = &reading.items[0].intervention.detail;
    assert_eq!(
        (traction.hold_seconds, traction.minutes),
        (Some(15), Some(20))
    );
    // Two holds that differ: neither is charted as the hold.
    let reading = read("Calf stretch hold 30 s, hold 20 s");
    for item in &reading.items {
        assert_eq!(item.intervention.detail.hold_seconds, None, "{item:?}");
    }
    // A sentence of only a count after something done is no dose of it.
    let reading = read("STM R calf. Patient performed 3x10.");
    assert_eq!(
        reading.items[0].intervention.detail.sets, None,
        "{reading:?}"
    );
}

#[test]
fn the_side_of_the_line_a_phrase_sits_under_is_the_side_of_its_paired_places() {
    use upstream::model::reader::interventions::read_interventions_beside;
    let beside = |text: &str, side: Side| {
        charted(&read_interventions_beside(
            text,
            Some(side),
            Vocabulary::builtin(),
            Lexicon::builtin(),
        ))
    };
    let text = "Distraction knee joint in sitting with Mulligan strap";
    assert_eq!(beside(text, Side::Left), ["mobilization left knee"]);
    assert_eq!(beside(text, Side::Right), ["mobilization right knee"]);
    // The spine takes no side from the line; a side written in the phrase is its own.
    assert_eq!(
        beside("C5 adjusted", Side::Left),
        ["spinal_manipulation none neck"]
    );
    assert_eq!(beside("R wrist taping", Side::Left), ["taping right wrist"]);
    // A heading of a side alone gives it to the paired places under it.
    assert_eq!(
        charted(&read("L:\nSTM calf\nC5 adjusted")),
        ["soft_tissue left calf", "spinal_manipulation none neck"]
    );
    // Said not to have been done, nothing is charted whatever the line's side.
    let reading = read_interventions_beside(
        "knee taping not done today",
        Some(Side::Left),
        Vocabulary::builtin(),
        Lexicon::builtin(),
    );
    assert!(reading.items.is_empty(), "{reading:?}");
}

#[test]
fn left_and_right_is_both_sides_never_one_of_them() {
    let reading = read("DN to the left and right levator scapulae, R calf");
    assert_eq!(
        charted(&reading),
        [
            "dry_needling bilateral neck_lateral",
            "dry_needling right calf"
        ],
        "{reading:?}"
    );
    assert_eq!(reading.items[0].intervention.target, "levator scapulae");
    let mirrored = read("DN to the right and left levator scapulae, L calf");
    assert_eq!(
        charted(&mirrored),
        [
            "dry_needling bilateral neck_lateral",
            "dry_needling left calf"
        ]
    );
    // A third side written beside both is a doubt, never charted.
    let reading = read("DN left and right levator scapulae L");
    assert!(reading.items.is_empty(), "{reading:?}");
    // Sides of two different places stay each its own.
    assert_eq!(
        charted(&read("STM L calf and R hamstring")),
        ["soft_tissue left calf", "soft_tissue right thigh_posterior"]
    );
    // Not done on both sides: nothing charted.
    let reading = read("DN to the left and right levator scapulae deferred");
    assert!(reading.items.is_empty(), "{reading:?}");
}

#[test]
fn places_sharing_one_thing_done_are_each_charted() {
    let reading = read(
        "Cervical and thoracic mobilization was performed and the patient was provided a home exercise program.",
    );
    assert_eq!(
        charted(&reading),
        [
            "mobilization none neck",
            "mobilization none back_mid",
            "exercise none -"
        ],
        "{reading:?}"
    );
    assert!(reading.unread.is_empty(), "{reading:?}");
    // "the left side of her neck": the side and place in prose, the minutes in words.
    let reading = read(
        "Ultrasound was also used at intensity of 1.3 w/cm2 and frequency of 1MHZ for eight minutes on the left side of her neck.",
    );
    assert_eq!(reading.items.len(), 1, "{reading:?}");
    let ultrasound = &reading.items[0].intervention;
    assert_eq!(
        (ultrasound.side, ultrasound.detail.minutes),
        (Side::Left, Some(8))
    );
    // "transcutaneous electrical nerve stimulation" is TENS.
    let reading = read("ultrasound + Hot Pack + transcutaneous electrical nerve stimulation");
    assert_eq!(
        reading.items[2].intervention.detail.modality,
        Some(Modality::Tens),
        "{reading:?}"
    );
}

#[test]
fn a_side_joined_to_its_place_by_a_hyphen_is_read() {
    assert_eq!(
        charted(&read("STM R-calf 8 min")),
        ["soft_tissue right calf"]
    );
    assert_eq!(
        charted(&read("STM L-calf 8 min")),
        ["soft_tissue left calf"]
    );
    let reading =
        read("Patient was instructed on L-hip exercises to increase L-hip range of motion.");
    assert_eq!(charted(&reading), ["exercise left hip"], "{reading:?}");
    // "L-spine" is the lumbar spine, never the left.
    assert_eq!(
        charted(&read("L-spine mobilization")),
        ["mobilization none low_back"]
    );
    // A second side beside it is a doubt.
    let reading = read("STM R-calf L");
    assert!(reading.items.is_empty(), "{reading:?}");
    assert_eq!(
        charted(&read("STM R-calf, L hamstring")),
        ["soft_tissue right calf", "soft_tissue left thigh_posterior"]
    );
}

#[test]
fn what_advice_was_on_may_be_a_long_list_and_gives_no_place() {
    let reading = read(
        "Nutritional advice included elimination of corn syrup and sugar drinks, an increase in water intake, a reduction of breads and grains.",
    );
    assert_eq!(charted(&reading), ["advice none -"], "{reading:?}");
    assert!(reading.unread.is_empty(), "{reading:?}");
    assert!(
        reading.items[0]
            .intervention
            .target
            .contains("water intake")
    );
    // Something done listed after the advice is still its own item.
    assert_eq!(
        charted(&read("advice on posture, STM R calf")),
        ["advice none -", "soft_tissue right calf"]
    );
    // Advice said not to have been given is not charted.
    let reading = read("Nutritional advice deferred to next visit");
    assert!(reading.items.is_empty(), "{reading:?}");
}

#[test]
fn a_kind_named_before_a_list_of_it_is_the_lists_heading() {
    let reading = read(
        "In addition, other modalities of therapy, such as TENS and ice, are also given as well as exercise therapy.",
    );
    assert_eq!(
        charted(&reading),
        ["modality none -", "modality none -", "exercise none -"],
        "{reading:?}"
    );
    assert!(reading.unread.is_empty(), "{reading:?}");
    let agents: Vec<_> = reading.items[..2]
        .iter()
        .map(|i| i.intervention.detail.modality)
        .collect();
    assert_eq!(agents, [Some(Modality::Tens), Some(Modality::Ice)]);
    // Named alone, the kind is still what was done.
    assert_eq!(read("modalities 10 min").items.len(), 1);
}

#[test]
fn modality_shorthand_minutes_and_slashes_as_charted() {
    // Hot and cold packs by their initials; minutes written with a prime or after "x".
    for (text, minutes, modality, side) in [
        ("HP 10' L shoulder", 10, Modality::Heat, Side::Left),
        ("HP 10' R shoulder", 10, Modality::Heat, Side::Right),
        ("CP x15 min R ankle", 15, Modality::Ice, Side::Right),
        ("MHP x 10 min to lumbar", 10, Modality::Heat, Side::None),
    ] {
        let reading = read(text);
        assert_eq!(reading.items.len(), 1, "{text}: {reading:?}");
        let item = &reading.items[0].intervention;
        assert_eq!(
            (item.detail.minutes, item.detail.modality, item.side),
            (Some(minutes), Some(modality), side),
            "{text}"
        );
        assert!(
            !item.target.split_whitespace().any(|w| w == "x"),
            "{text}: {item:?}"
        );
    }
    // "STM/IASTM": one or the other, or both: each asked about, neither charted.
    let reading = read("STM/IASTM R calf 8 min");
    assert!(reading.items.is_empty(), "{reading:?}");
    assert_eq!(reading.questions.len(), 2, "{reading:?}");
    assert!(
        reading
            .questions
            .iter()
            .all(|q| q.intervention.side == Side::Right && q.intervention.detail.minutes == Some(8))
    );
    // Not done: nothing asked, nothing charted.
    let reading = read("STM/IASTM R calf not tolerated");
    assert!(reading.items.is_empty() && reading.questions.is_empty());
}

#[test]
fn a_billing_heading_over_the_one_thing_it_billed_is_that_things_code_and_time() {
    let reading = read("Manual therapy (97140) x 1 unit, 10 minutes: STM R upper trap");
    assert_eq!(
        charted(&reading),
        ["soft_tissue right shoulder_top"],
        "{reading:?}"
    );
    let stm = &reading.items[0].intervention;
    assert_eq!(
        (
            stm.cpt_code.as_str(),
            stm.detail.cpt_units,
            stm.detail.minutes
        ),
        ("97140", Some(1), Some(10))
    );
    let reading = read("97140 x2 23 min: STM L calf");
    assert_eq!(charted(&reading), ["soft_tissue left calf"], "{reading:?}");
    assert_eq!(reading.items[0].intervention.detail.cpt_units, Some(2));
    // Over two things, the code is not given to either of them.
    let reading = read("Manual therapy (97140) x 2 units: STM R calf, PA glides L4");
    assert!(
        reading.items.iter().all(|i| i.intervention.kind
            == upstream::model::InterventionKind::ManualTherapy
            || i.intervention.cpt_code.is_empty()),
        "{reading:?}"
    );
    // Not done: nothing charted.
    let reading = read("97140 x2 23 min: STM R calf deferred");
    assert!(reading.items.is_empty(), "{reading:?}");
}

/// Sentences of the words this reader's newer constructs turn on: billing headings, slash
/// pairs, hyphenated sides, "or", "such as", settings and courses of care.
fn constructs() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "Manual",
        "therapy",
        "(97140)",
        "97110",
        "x",
        "1",
        "unit",
        "units",
        "23",
        "min",
        "10'",
        ":",
        ",",
        "and",
        "or",
        "/",
        "STM",
        "STM/IASTM",
        "ice/heat",
        "hip",
        "abduction/extension",
        "elevation/depression",
        "R-calf",
        "L-hip",
        "left",
        "right",
        "R",
        "L",
        "levator",
        "scapulae",
        "such",
        "as",
        "including",
        "modalities",
        "IFC",
        "80-150Hz",
        "1.5",
        "w/cm2",
        "3",
        "times",
        "per",
        "week",
        "for",
        "6",
        "weeks",
        "twice",
        "weekly",
        "over",
        "a",
        "6-week",
        "episode",
        "of",
        "care",
        "prone",
        "bridges",
        "3x10",
        "cervical",
        "thoracic",
        "mobilization",
        "seconds",
        "rest",
        "hold",
        "2",
        "to",
        "sets",
        ".",
        "not",
        "Calf",
        "stretch",
        "advice",
        "on",
        "posture",
        "did",
        "include",
        "massage",
        "heel",
        "raises",
        "clamshells",
        "chin",
        "tucks",
        "HVLA",
        "2x/week",
        "4",
    ]);
    prop::collection::vec(words, 1..20).prop_map(|words| words.join(" "))
}

proptest! {
    #![proptest_config(Config { cases: 256, failure_persistence: None, ..Config::default() })]

    #[test]
    fn the_newer_constructs_never_panic_and_read_the_same_way_every_time(text in constructs()) {
        let reading = read(&text);
        for span in reading
            .items
            .iter()
            .map(|i| i.span)
            .chain(reading.unread.iter().map(|u| u.span))
            .chain(reading.questions.iter().map(|q| q.span))
        {
            prop_assert!(span[0] <= span[1] && span[1] <= text.len());
        }
        prop_assert_eq!(read(&text), reading);
    }
}

/// The lexicon's `interventions.exercise_regions`: (names, region) of each entry.
fn exercise_regions() -> Vec<(Vec<String>, String)> {
    let path = format!(
        "{}/assets/lexicon/findings.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    file["interventions"]["exercise_regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let names = entry["names"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap().to_owned())
                .collect();
            (names, entry["region"].as_str().unwrap().to_owned())
        })
        .collect()
}

#[test]
fn an_exercise_named_without_a_place_charts_the_region_it_works() {
    let entries = exercise_regions();
    assert!(!entries.is_empty());
    for (names, region) in &entries {
        for name in names {
            // As the lexicon has it, from its source: "bridges" work the hip.
            let reading = read(&format!("{name} 3x10"));
            assert_eq!(
                charted(&reading),
                [format!("exercise none {region}")],
                "{name}: {reading:?}"
            );
            // A side written with it is the side of that region, mirrored as written.
            for (written, side) in [("R", "right"), ("L", "left")] {
                let sided = read(&format!("{written} {name} 3x10"));
                let paired = Vocabulary::builtin()
                    .region(&upstream::model::RegionCode::new(region))
                    .is_some_and(|r| r.laterality == upstream::model::Laterality::Paired);
                if paired {
                    assert_eq!(
                        charted(&sided),
                        [format!("exercise {side} {region}")],
                        "{written} {name}: {sided:?}"
                    );
                }
            }
        }
    }
    // A place written in the phrase always wins over the one the name works.
    assert_eq!(
        charted(&read("calf raises 3x15 L ankle")),
        ["exercise left ankle"]
    );
    assert_eq!(charted(&read("bridges 3x10 R hip")), ["exercise right hip"]);
    // The words of a name are no place of their own: "heel raises" work the calf, not
    // the heel; "chin tucks" the neck, not the chin.
    assert_eq!(charted(&read("heel raises 3x10")), ["exercise none calf"]);
    assert_eq!(charted(&read("chin tucks 10x")), ["exercise none neck"]);
    // The name says no side, so a heading's side is never given to it.
    let under = read("L:\nbridges 3x10\nheel raises 3x10");
    assert_eq!(
        charted(&under),
        ["exercise none hip", "exercise none calf"],
        "{under:?}"
    );
    // "in a row" is no exercise: "rows" is, "row" alone is English.
    let visits = read("HVLA L5 3 visits in a row");
    assert_eq!(
        charted(&visits)
            .iter()
            .map(|c| c.split(' ').next().unwrap_or_default().to_owned())
            .collect::<Vec<_>>(),
        ["spinal_manipulation"],
        "{visits:?}"
    );
    // An exercise the lexicon gives no region to stays without one.
    assert_eq!(
        charted(&read("Unilateral leg press with ball squeeze, 3x10")),
        ["exercise none -"]
    );
}

#[test]
fn a_course_of_care_written_once_is_each_items_course() {
    let reading = read("HVLA and soft tissue 2x/week for 4 weeks");
    assert!(reading.unread.is_empty(), "{reading:?}");
    assert_eq!(reading.items.len(), 2, "{reading:?}");
    let last = reading.items[1].intervention.detail.frequency.clone();
    assert!(
        last.as_deref().is_some_and(|f| f.contains("for 4 weeks")),
        "{reading:?}"
    );
    assert_eq!(reading.items[0].intervention.detail.frequency, last);
    // Three things, a list by commas: each has the course.
    let three = read("Diversified L5, STM R calf and ice 2x/week for 6 weeks");
    assert!(three.items.len() >= 2, "{three:?}");
    let course = three
        .items
        .last()
        .unwrap()
        .intervention
        .detail
        .frequency
        .clone();
    assert!(course.is_some(), "{three:?}");
    for item in &three.items {
        assert_eq!(item.intervention.detail.frequency, course, "{three:?}");
    }
    // One that says its own frequency keeps it: which course is whose is not guessed.
    let own = read("bridges daily and HVLA 2x/week for 4 weeks");
    assert_eq!(
        own.items[0].intervention.detail.frequency.as_deref(),
        Some("daily"),
        "{own:?}"
    );
    // A course in another sentence is that sentence's alone.
    let apart = read("HVLA L5. STM R calf 2x/week for 4 weeks.");
    assert_eq!(apart.items.len(), 2, "{apart:?}");
    assert_eq!(apart.items[0].intervention.detail.frequency, None);
}

#[test]
fn a_negation_opening_the_last_part_of_a_sentence_speaks_of_that_part_alone() {
    let reading = read("adjusted L5 and did not include muscle massage");
    // The adjustment is read ...
    assert_eq!(reading.items.len(), 1, "{reading:?}");
    let adjusted = &reading.items[0].intervention;
    assert_eq!(adjusted.kind, InterventionKind::SpinalManipulation);
    assert_eq!(adjusted.detail.segments, ["L5"]);
    // ... the massage is never charted, and is kept in the entry with why.
    assert!(
        reading
            .items
            .iter()
            .all(|i| i.intervention.kind != InterventionKind::SoftTissue)
    );
    assert_eq!(reading.unread.len(), 1, "{reading:?}");
    assert_eq!(reading.unread[0].text, "did not include muscle massage");
    assert!(reading.unread[0].why.contains("not"), "{reading:?}");
    // Mirrored sides are read mirrored; the needling is never charted on either.
    for (written, side) in [("R", Side::Right), ("L", Side::Left)] {
        let reading = read(&format!(
            "STM {written} calf and did not perform dry needling"
        ));
        assert_eq!(reading.items.len(), 1, "{reading:?}");
        assert_eq!(reading.items[0].intervention.side, side);
        assert_eq!(
            reading.items[0].intervention.kind,
            InterventionKind::SoftTissue
        );
        assert_eq!(reading.unread.len(), 1, "{reading:?}");
    }
    // "no" and a plan opening the last part do the same.
    let no = read("HVLA L5 and no STM");
    assert_eq!(no.items.len(), 1, "{no:?}");
    assert_eq!(no.unread[0].text, "no STM");
    let plan = read("HVLA L5 and will add bridges next visit");
    assert_eq!(plan.items.len(), 1, "{plan:?}");
    assert_eq!(
        plan.items[0].intervention.kind,
        InterventionKind::SpinalManipulation
    );
    // A negation written after what it follows may speak of everything before it; one
    // at the start speaks of what follows: nothing of either sentence is charted.
    for text in [
        "ice and heat not applied today",
        "did not adjust L5 and STM R calf",
        "STM R calf and no HVLA to L5 and ice",
    ] {
        let reading = read(text);
        assert!(reading.items.is_empty(), "{text}: {reading:?}");
        assert!(!reading.unread.is_empty(), "{text}: {reading:?}");
    }
}

#[test]
fn a_place_named_in_the_purpose_is_where_it_was_done_when_the_part_names_none() {
    // "to reduce swelling associated with ankle sprain": the ankle.
    let reading = read(
        "Kinesiotaping lymph drainage protocol to reduce swelling associated with ankle sprain.",
    );
    assert!(reading.unread.is_empty(), "{reading:?}");
    assert_eq!(charted(&reading), ["taping none ankle"]);
    assert!(reading.items[0].intervention.notes.contains("ankle sprain"));
    assert_eq!(
        charted(&read(
            "Soft tissue mobilization to improve patellar mobility"
        )),
        ["soft_tissue none knee_anterior"]
    );
    // The purpose gives no side: one written there is the clinician's to chart.
    assert_eq!(
        charted(&read("STM to decrease pain in the L knee")),
        ["soft_tissue none knee"]
    );
    // A place written in the part itself wins over the purpose's.
    assert_eq!(
        charted(&read("STM R calf to improve ankle dorsiflexion")),
        ["soft_tissue right calf"]
    );
    // A cause names no place where it was done; two places in the purpose are a guess.
    for text in [
        "exercise on the bike due to knee pain",
        "STM to decrease pain in the knee and ankle",
        "exercises to get back to work",
    ] {
        let reading = read(text);
        assert_eq!(reading.items.len(), 1, "{text}: {reading:?}");
        assert_eq!(reading.items[0].intervention.region, None, "{text}");
    }
    // An adjustment's purpose may lie away from where it was done: no place from it.
    let hvla = read("HVLA to decrease knee pain");
    assert_eq!(charted(&hvla), ["spinal_manipulation none -"]);
}

#[test]
fn patellar_treatment_is_at_the_front_of_the_knee_on_the_side_of_its_line() {
    assert_eq!(
        charted(&read("Patellar mobilization daily")),
        ["mobilization none knee_anterior"]
    );
    for (line_side, side) in [(Side::Left, "left"), (Side::Right, "right")] {
        let reading = upstream::model::reader::interventions::read_interventions_beside(
            "Patellar taping",
            Some(line_side),
            Vocabulary::builtin(),
            Lexicon::builtin(),
        );
        assert_eq!(charted(&reading), [format!("taping {side} knee_anterior")]);
    }
}

#[test]
fn a_count_after_a_modality_is_its_minutes() {
    let reading = read("cold pack x10 in supine to right knee");
    assert_eq!(charted(&reading), ["modality right knee"]);
    let pack = &reading.items[0].intervention;
    assert_eq!(pack.detail.modality, Some(Modality::Ice));
    assert_eq!(pack.detail.minutes, Some(10));
    assert!(!pack.dose.contains("x10"), "{pack:?}");
    // Units, cycles and reps say what the count is of; a count too long for one visit is
    // no time; an exercise's count stays its repetitions.
    for text in ["e-stim x2 units", "traction x3 cycles", "MHP x90"] {
        let reading = read(text);
        assert_eq!(reading.items.len(), 1, "{text}: {reading:?}");
        assert_eq!(reading.items[0].intervention.detail.minutes, None, "{text}");
    }
    // On a chart line too, and with the sign written apart.
    for text in ["STM R calf; ice x10", "MHP x 10 to lumbar"] {
        let reading = read(text);
        let pack = reading.items.last().map(|i| &i.intervention);
        assert_eq!(
            pack.and_then(|p| p.detail.minutes),
            Some(10),
            "{text}: {reading:?}"
        );
        assert!(
            pack.is_some_and(|p| !p.target.contains('x')),
            "{text}: {reading:?}"
        );
    }
    let step = read("lateral step up: x15");
    assert_eq!(step.items[0].intervention.detail.reps, Some(15));
    assert_eq!(step.items[0].intervention.detail.minutes, None);
}

#[test]
fn a_printed_forms_empty_boxes_chart_nothing() {
    // A prescription form's unticked boxes: nothing was ordered, nothing is charted, and
    // the line is kept with why.
    let form = read(
        "Modalities _ Electric Stimulation _ Ultrasound _ Heat before/after _Ice before/after",
    );
    assert!(
        form.items.is_empty() && form.questions.is_empty(),
        "{form:?}"
    );
    assert_eq!(form.unread.len(), 1, "{form:?}");
    assert!(form.unread[0].why.contains("empty box"), "{form:?}");
    // A blank not filled in is no dose; a line beside it is read as ever.
    let blank = read("STM R calf; MHP x ____ min");
    assert_eq!(charted(&blank), ["soft_tissue right calf"]);
    assert_eq!(blank.unread.len(), 1, "{blank:?}");
    assert_eq!(blank.unread[0].text, "MHP x ____ min");
}

#[test]
fn a_movement_and_its_way_back_are_one_exercise() {
    // "elbow flex and extension" is one exercise there and back, with the dose of the list.
    let reading = read(
        "Patient instructed in green TB exercises for chest fly, shoulder abd, shoulder flexion, elbow flex and extension 2×15.",
    );
    assert!(reading.unread.is_empty(), "{reading:?}");
    assert_eq!(reading.items.len(), 4, "{reading:?}");
    let elbow = &reading.items[3].intervention;
    assert_eq!(elbow.region.as_ref().map(|r| r.as_str()), Some("elbow"));
    assert!(elbow.target.contains("extension"), "{elbow:?}");
    assert_eq!((elbow.detail.sets, elbow.detail.reps), (Some(2), Some(15)));
    // Two different movements stay two exercises, and a place after "and" is its own.
    assert_eq!(read("hip abduction and extension 3x10").items.len(), 2);
    assert_eq!(
        charted(&read("hip flexion and L knee extension 3x10")),
        ["exercise none hip", "exercise left knee"]
    );
}

#[test]
fn words_telling_how_are_the_notes_of_what_they_tell_of() {
    // A part and a sentence telling how, beside the one thing done: its notes, not unread,
    // and their places ("on the talus") are not where it was charted.
    let reading = read(
        "place your mobilizing hand just distal to the joint line on the talus and mobilize in a posterior direction for 30-60 seconds. Repeat 4-5 times and reassess pain and other clinical findings.",
    );
    assert!(reading.unread.is_empty(), "{reading:?}");
    assert_eq!(charted(&reading), ["mobilization none -"]);
    let notes = &reading.items[0].intervention.notes;
    assert!(notes.contains("mobilizing hand"), "{notes}");
    assert!(notes.contains("Repeat 4-5 times"), "{notes}");
    assert_eq!(reading.items[0].span, [0, reading.text.len() - 1]);
    let calf = read("STM R calf. Slowly lower the heel.");
    assert_eq!(charted(&calf), ["soft_tissue right calf"]);
    assert_eq!(calf.items[0].intervention.notes, "Slowly lower the heel");
    // A home programme's instructions under the exercise they tell of.
    let raises = read("Calf raises 3x10. Stand with feet apart and slowly lift your heels.");
    assert!(raises.unread.is_empty(), "{raises:?}");
    assert_eq!(charted(&raises), ["exercise none calf"]);
    assert!(
        raises.items[0]
            .intervention
            .notes
            .starts_with("Stand with feet apart")
    );
    assert_eq!(
        (
            raises.items[0].intervention.detail.sets,
            raises.items[0].intervention.detail.reps
        ),
        (Some(3), Some(10))
    );
    // "lower back" is a place, not how to lower something: never hidden in the notes.
    let back = read("lower back, STM 8 min");
    assert!(
        back.items
            .iter()
            .all(|i| !i.intervention.notes.contains("lower back")),
        "{back:?}"
    );
    // With nothing charted beside it, how is kept unread; a plan is never how.
    let alone = read("Slowly lower the heel.");
    assert!(
        alone.items.is_empty() && alone.unread.len() == 1,
        "{alone:?}"
    );
    let plan = read("HVLA L5. Repeat next visit.");
    assert!(plan.items.is_empty(), "{plan:?}");
}

#[test]
fn words_saying_to_avoid_or_stop_something_never_chart_it() {
    for text in [
        "Avoid ice",
        "hold off on HVLA",
        "stop stretching",
        "We are going to build him a medium heel cup",
    ] {
        let reading = read(text);
        assert!(reading.items.is_empty(), "{text}: {reading:?}");
        assert_eq!(reading.unread.len(), 1, "{text}: {reading:?}");
        assert!(
            reading.unread[0].why.contains("not done"),
            "{text}: {reading:?}"
        );
    }
    // What was done before it is still charted.
    let calf = read("STM R calf. Keep off ice.");
    assert_eq!(charted(&calf), ["soft_tissue right calf"]);
    assert_eq!(calf.unread.len(), 1, "{calf:?}");
}

#[test]
fn a_hold_written_with_its_unit_joined_is_the_hold() {
    for text in [
        "chin tucks 3x10 5s hold",
        "chin tucks 3x10 hold 5s",
        "chin tucks 3x10, 5 sec hold",
    ] {
        let reading = read(text);
        assert_eq!(reading.items.len(), 1, "{text}: {reading:?}");
        let tucks = &reading.items[0].intervention;
        assert_eq!(
            (
                tucks.detail.sets,
                tucks.detail.reps,
                tucks.detail.hold_seconds
            ),
            (Some(3), Some(10), Some(5)),
            "{text}"
        );
        assert!(!tucks.dose.contains("hold"), "{text}: {tucks:?}");
    }
}

#[test]
fn met_and_pir_to_a_muscle_are_a_stretch_and_to_a_joint_a_mobilisation() {
    for (text, expected) in [
        ("MET to R QL x3", "stretch right low_back"),
        ("PIR to R upper trap 3 reps", "stretch right shoulder_top"),
        ("MET to L SI", "mobilization left si_joint"),
    ] {
        let reading = read(text);
        assert!(reading.unread.is_empty(), "{text}: {reading:?}");
        assert_eq!(charted(&reading), [expected], "{text}");
    }
    let ql = read("MET to R QL x3");
    assert_eq!(
        ql.items[0].intervention.detail.technique,
        Some(Technique::MuscleEnergy)
    );
    assert_eq!(ql.items[0].intervention.detail.reps, Some(3));
}

#[test]
fn hvla_and_interferential_spelled_out_are_read() {
    let thrust = read("high-velocity low-amplitude thrust to L5");
    assert_eq!(charted(&thrust), ["spinal_manipulation none low_back"]);
    assert_eq!(
        thrust.items[0].intervention.detail.technique,
        Some(Technique::Hvla)
    );
    let ifc = read("Interferential Electrical Muscle Stimulation @ 1-10Hz");
    assert_eq!(
        ifc.items[0].intervention.detail.modality,
        Some(Modality::Interferential)
    );
}

#[test]
fn unable_to_tolerate_something_never_charts_it() {
    for text in [
        "Pt unable to tolerate HVLA",
        "unable to tolerate walking",
        "didn't do HEP",
    ] {
        let reading = read(text);
        assert!(reading.items.is_empty(), "{text}: {reading:?}");
        assert!(
            reading.unread[0].why.contains("not done"),
            "{text}: {reading:?}"
        );
    }
    let calf = read("STM R calf. Pt unable to tolerate ice.");
    assert_eq!(charted(&calf), ["soft_tissue right calf"]);
    assert_eq!(calf.unread[0].text, "Pt unable to tolerate ice");
}

#[test]
fn a_movement_done_a_count_of_times_is_an_exercise() {
    let reading = read("cervical retraction x10 q2h");
    assert!(reading.unread.is_empty(), "{reading:?}");
    assert_eq!(charted(&reading), ["exercise none neck"]);
    let retraction = &reading.items[0].intervention;
    assert_eq!(retraction.detail.reps, Some(10));
    assert_eq!(retraction.detail.frequency.as_deref(), Some("q2h"));
    assert_eq!(
        charted(&read("L knee extension x15")),
        ["exercise left knee"]
    );
    // Cupping is hands-on soft-tissue work; a grade's bouts are its sets.
    assert_eq!(
        charted(&read("Cupping R upper trap 5 min")),
        ["soft_tissue right shoulder_top"]
    );
    let glide = read("Gr III AP glide talocrural L 3 bouts of 30s");
    assert_eq!(
        (
            glide.items[0].intervention.detail.sets,
            glide.items[0].intervention.detail.hold_seconds
        ),
        (Some(3), Some(30))
    );
}

#[test]
fn a_shortened_word_with_a_point_ends_no_sentence() {
    let reading = read("Scap. Retract. Prone 90/90\nSets: 2\nReps: 10");
    assert!(reading.unread.is_empty(), "{reading:?}");
    assert_eq!(charted(&reading), ["exercise none scapula"]);
    let retraction = &reading.items[0].intervention;
    assert!(retraction.target.contains("Retract"), "{retraction:?}");
    assert_eq!(
        (retraction.detail.sets, retraction.detail.reps),
        (Some(2), Some(10))
    );
    // A full stop after a word that is no shortening still ends the sentence.
    let two = read("STM R calf. Scap. retract. 2x10.");
    assert_eq!(
        charted(&two),
        ["soft_tissue right calf", "exercise none scapula"]
    );
}

#[test]
fn a_range_of_mobilisation_grades_is_never_read_as_one_of_them() {
    for text in [
        "grade III to IV mobs L4",
        "Grade III-IV PA mobs L3-L5",
        "Gr II or III AP glide R talocrural",
    ] {
        let reading = read(text);
        assert_eq!(reading.items.len(), 1, "{text}: {reading:?}");
        assert_eq!(reading.items[0].intervention.detail.grade, None, "{text}");
    }
    let one = read("grade III mobs L4");
    assert_eq!(
        one.items[0].intervention.detail.grade,
        Some(MobilisationGrade::III)
    );
}
