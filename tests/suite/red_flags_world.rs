//! The red-flag rules that published cases called for (issue 12, second pass): each rule
//! as a clinician would meet it, with the benign case beside it that must stay quiet, so a
//! rule can neither stop raising its emergency nor start raising on the look-alike.

use upstream::model::Vocabulary;
use upstream::reasoner::input::parse_case;
use upstream::reasoner::{Assessment, Urgency, assess};

fn assessed(case: serde_json::Value) -> Assessment {
    assess(&parse_case(&case.to_string(), Vocabulary::builtin()).unwrap())
}

fn urgency_of(assessment: &Assessment, id: &str) -> Option<Urgency> {
    assessment
        .red_flags
        .iter()
        .find(|f| f.id == id)
        .map(|f| f.urgency)
}

fn screened(assessment: &Assessment, id: &str) -> bool {
    assessment.to_screen.iter().any(|f| f.id == id)
}

#[test]
fn a_wrist_drop_with_a_brisk_reflex_on_its_side_is_a_stroke_but_with_bilateral_cord_signs_only_screened()
 {
    // Tahir 2016: a 'radial palsy' with a brisk brachioradialis reflex was a stroke.
    let wrist_drop =
        serde_json::json!({"kind": "weakness", "region": "wrist_dorsal", "side": "left"});
    let brisk = serde_json::json!({"kind": "reflex_increased", "region": "forearm_lateral", "side": "left"});
    let stroke = assessed(serde_json::json!({
        "patient": {"age": 62, "sex": "male"}, "findings": [wrist_drop, brisk]
    }));
    assert_eq!(
        urgency_of(&stroke, "rf_stroke_tia"),
        Some(Urgency::Emergency)
    );
    // A wrist drop alone (a radial nerve palsy) raises no stroke.
    let palsy = assessed(serde_json::json!({
        "patient": {"age": 62, "sex": "male"}, "findings": [wrist_drop]
    }));
    assert_eq!(urgency_of(&palsy, "rf_stroke_tia"), None);
    // With a reduced reflex on that side it is a root or nerve, not the brain.
    let root = assessed(serde_json::json!({
        "patient": {"age": 62, "sex": "male"}, "findings": [wrist_drop, brisk,
            {"kind": "reflex_decreased", "region": "arm_posterior", "side": "left"}]
    }));
    assert_eq!(urgency_of(&root, "rf_stroke_tia"), None);
    // A positive Hoffmann on both hands: myelopathy may explain it; stroke is screened.
    let cord = assessed(serde_json::json!({
        "patient": {"age": 62, "sex": "male"}, "findings": [wrist_drop, brisk,
            {"kind": "positive_test", "region": "hand", "side": "bilateral", "test_name": "Hoffmann"}]
    }));
    assert_eq!(urgency_of(&cord, "rf_stroke_tia"), None);
    assert!(screened(&cord, "rf_stroke_tia"));
}

#[test]
fn sudden_or_exertional_shin_pain_with_a_weak_foot_is_compartment_syndrome_but_not_with_sciatica() {
    let weak_foot =
        serde_json::json!({"kind": "weakness", "region": "ankle_anterior", "side": "left"});
    // McKinney 2018: anterior leg pain and foot drop the day after a hard workout.
    let compartment = assessed(serde_json::json!({
        "patient": {"age": 20, "sex": "male"},
        "findings": [{"kind": "pain", "region": "shin", "side": "left",
                      "detail": {"provoked_by": ["exertion"]}}, weak_foot]
    }));
    assert_eq!(
        urgency_of(&compartment, "rf_compartment_syndrome"),
        Some(Urgency::Emergency)
    );
    // The weak foot on the other side from the pain raises nothing.
    let other_side = assessed(serde_json::json!({
        "patient": {"age": 20, "sex": "male"},
        "findings": [{"kind": "pain", "region": "shin", "side": "right",
                      "detail": {"provoked_by": ["exertion"]}}, weak_foot]
    }));
    assert_eq!(urgency_of(&other_side, "rf_compartment_syndrome"), None);
    // Sudden shin pain and a weak foot with back pain and a positive SLR: sciatica argues
    // against it, and it is left to screen.
    let sciatica = assessed(serde_json::json!({
        "patient": {"age": 43, "sex": "male"},
        "findings": [{"kind": "pain", "region": "shin", "side": "left",
                      "detail": {"onset": "sudden"}}, weak_foot,
                     {"kind": "pain", "region": "low_back", "side": "midline"},
                     {"kind": "positive_test", "region": "leg", "side": "left",
                      "test_name": "straight leg raise"}]
    }));
    assert_eq!(urgency_of(&sciatica, "rf_compartment_syndrome"), None);
    assert!(screened(&sciatica, "rf_compartment_syndrome"));
    // Shin pain and a numb foot on runs that settle with rest: the chronic exertional kind.
    let chronic = assessed(serde_json::json!({
        "patient": {"age": 21, "sex": "male"},
        "findings": [{"kind": "pain", "region": "shin", "side": "left",
                      "detail": {"provoked_by": ["running"], "eased_by": ["rest"]}},
                     {"kind": "numbness", "region": "foot", "side": "left"}]
    }));
    assert_eq!(urgency_of(&chronic, "rf_compartment_syndrome"), None);
    assert!(screened(&chronic, "rf_compartment_syndrome"));
    // Severe anterolateral leg pain after practice alone (Stollsteimer 1997): to screen.
    let pain_alone = assessed(serde_json::json!({
        "patient": {"age": 19, "sex": "male"},
        "findings": [{"kind": "pain", "region": "leg_lateral", "side": "left",
                      "detail": {"provoked_by": ["running"]}}]
    }));
    assert_eq!(urgency_of(&pain_alone, "rf_compartment_syndrome"), None);
    assert!(screened(&pain_alone, "rf_compartment_syndrome"));
}

#[test]
fn a_one_root_deficit_is_raised_soon_and_the_same_day_once_it_is_new_or_worsening() {
    let deficit = |course: Option<&str>| {
        let mut weak = serde_json::json!({"kind": "weakness", "region": "calf", "side": "right"});
        if let Some(course) = course {
            weak["detail"] = serde_json::json!({"course": course});
        }
        assessed(serde_json::json!({
            "patient": {"age": 49, "sex": "female"},
            "findings": [weak,
                {"kind": "reflex_decreased", "region": "achilles", "side": "right"},
                {"kind": "numbness", "region": "foot_lateral", "side": "right"}]
        }))
    };
    assert_eq!(
        urgency_of(&deficit(None), "rf_progressive_neuro_deficit"),
        Some(Urgency::Soon)
    );
    assert_eq!(
        urgency_of(&deficit(Some("worsening")), "rf_progressive_neuro_deficit"),
        Some(Urgency::SameDay)
    );
    // A new foot drop on its own (AMSSM case: dorsiflexion 3/5 for four days).
    let foot_drop = assessed(serde_json::json!({
        "patient": {"age": 43, "sex": "male"},
        "findings": [{"kind": "weakness", "region": "ankle_anterior", "side": "left",
                      "detail": {"course": "new"}}]
    }));
    assert_eq!(
        urgency_of(&foot_drop, "rf_progressive_neuro_deficit"),
        Some(Urgency::SameDay)
    );
}

#[test]
fn shoulder_tip_pain_with_upper_abdominal_pain_is_the_diaphragm_even_without_trauma() {
    let case = assessed(serde_json::json!({
        "patient": {"age": 60, "sex": "female"},
        "findings": [{"kind": "pain", "region": "shoulder_tip", "side": "left"},
                     {"kind": "pain", "region": "epigastrium", "side": "midline"}]
    }));
    assert_eq!(urgency_of(&case, "rf_diaphragm"), Some(Urgency::Emergency));
    let shoulder_alone = assessed(serde_json::json!({
        "patient": {"age": 60, "sex": "female"},
        "findings": [{"kind": "pain", "region": "shoulder_tip", "side": "left"}]
    }));
    assert_eq!(urgency_of(&shoulder_alone, "rf_diaphragm"), None);
    // Shoulder and flank pain without trauma is no emergency: the flank is the back
    // muscles' as often as an organ's.
    let flank = assessed(serde_json::json!({
        "patient": {"age": 60, "sex": "female"},
        "findings": [{"kind": "pain", "region": "shoulder_tip", "side": "left"},
                     {"kind": "pain", "region": "flank", "side": "left"}]
    }));
    assert_eq!(urgency_of(&flank, "rf_diaphragm"), None);
}

#[test]
fn a_positive_straight_leg_raise_is_no_tendon_rupture_but_a_positive_thompson_is() {
    let test = |name: &str, region: &str| {
        assessed(serde_json::json!({
            "patient": {"age": 46, "sex": "female"},
            "findings": [{"kind": "pain", "region": "leg", "side": "right"},
                         {"kind": "positive_test", "region": region, "side": "right",
                          "test_name": name}]
        }))
    };
    assert_eq!(
        urgency_of(&test("straight leg raise", "leg"), "rf_tendon_rupture"),
        None
    );
    assert_eq!(
        urgency_of(&test("Thompson", "calf"), "rf_tendon_rupture"),
        Some(Urgency::SameDay)
    );
}

#[test]
fn right_sided_mid_back_pain_is_screened_for_the_gallbladder_but_left_sided_is_not() {
    let back = |side: &str| {
        assessed(serde_json::json!({
            "patient": {"age": 34, "sex": "female"},
            "findings": [{"kind": "pain", "region": "thoracolumbar", "side": side}]
        }))
    };
    // Carter 2015: acute right lower thoracic and upper lumbar pain was cholecystitis.
    let right = back("right");
    assert!(screened(&right, "rf_cholecystitis"));
    let screen = right
        .to_screen
        .iter()
        .find(|f| f.id == "rf_cholecystitis")
        .unwrap();
    assert!(
        screen.ask.iter().any(|a| a.contains("Murphy")),
        "{screen:?}"
    );
    assert!(!screened(&back("left"), "rf_cholecystitis"));
    assert_eq!(urgency_of(&right, "rf_cholecystitis"), None);
}

#[test]
fn a_knee_swollen_after_a_tackle_is_no_dvt_but_left_to_screen_with_wells() {
    // Rozelle Physiotherapy's meniscal tear: the injury is an alternative diagnosis at least
    // as likely (Wells -2), so the swollen knee is screened, not sent the same day.
    let knee = assessed(serde_json::json!({
        "patient": {"age": 31, "sex": "male"},
        "findings": [
            {"kind": "swelling", "region": "knee", "side": "right"},
            {"kind": "pain", "region": "knee", "side": "right", "detail": {"onset": "after_trauma"}}
        ]
    }));
    assert_eq!(urgency_of(&knee, "rf_dvt"), None);
    assert!(screened(&knee, "rf_dvt"));
    // The same swollen, painful knee with no injury charted is still raised.
    let unexplained = assessed(serde_json::json!({
        "patient": {"age": 31, "sex": "male"},
        "findings": [
            {"kind": "swelling", "region": "knee", "side": "right"},
            {"kind": "pain", "region": "knee", "side": "right"}
        ]
    }));
    assert_eq!(urgency_of(&unexplained, "rf_dvt"), Some(Urgency::SameDay));
}

#[test]
fn kb_check_refuses_a_side_no_finding_at_the_criterion_s_places_can_be_charted_on() {
    use upstream::reasoner::{KnowledgeBase, KnowledgeFiles};
    let builtin = KnowledgeFiles::builtin();
    let text: serde_json::Value = serde_json::from_str(builtin.red_flags.1).unwrap();
    let load = |sides: serde_json::Value, regions: serde_json::Value| {
        let mut value = text.clone();
        let flags = value["red_flags"].as_array_mut().unwrap();
        let gallbladder = flags
            .iter_mut()
            .find(|f| f["id"] == "rf_cholecystitis")
            .unwrap();
        let condition = &mut gallbladder["screen"]["when"][0]["all"][0];
        condition["sides"] = sides;
        condition["regions"] = regions;
        let edited = serde_json::to_string(&value).unwrap();
        let files = KnowledgeFiles {
            red_flags: ("red_flags.json", &edited),
            ..KnowledgeFiles::builtin()
        };
        KnowledgeBase::load(Vocabulary::builtin().clone(), &files).map(|_| ())
    };
    // The calf is paired: a midline calf finding cannot be charted, so the criterion would
    // never match and the check says so; the right calf is fine.
    let midline = load(serde_json::json!(["midline"]), serde_json::json!(["calf"]));
    assert!(
        midline
            .as_ref()
            .is_err_and(|e| e.to_string().contains("`sides`")),
        "{midline:?}"
    );
    assert!(load(serde_json::json!(["right"]), serde_json::json!(["calf"])).is_ok());
}

#[test]
fn numb_hands_with_two_upper_motor_neurone_signs_raise_myelopathy_but_numb_hands_alone_do_not() {
    // Trager 2022: numb hands called carpal tunnel and radiculopathy, with brisk reflexes and
    // Hoffmann on both sides, were a compressed cord.
    let numb = serde_json::json!({"kind": "numbness", "region": "hand", "side": "bilateral"});
    let brisk = serde_json::json!({"kind": "reflex_increased", "region": "upper_limb", "side": "bilateral"});
    let hoffmann = serde_json::json!({"kind": "positive_test", "region": "hand", "side": "bilateral", "test_name": "Hoffmann"});
    let cord = assessed(serde_json::json!({
        "patient": {"age": 62, "sex": "female"}, "findings": [numb, brisk, hoffmann]
    }));
    assert_eq!(
        urgency_of(&cord, "rf_cervical_myelopathy"),
        Some(Urgency::Soon)
    );
    let flag = cord
        .red_flags
        .iter()
        .find(|f| f.id == "rf_cervical_myelopathy")
        .unwrap();
    assert!(
        flag.refer_to.contains("Spinal surgeon"),
        "{}",
        flag.refer_to
    );
    assert!(flag.avoid.iter().any(|a| a.contains("manipulation")));
    assert_eq!(flag.findings.len(), 3, "each finding behind it is shown");
    // Numb hands alone (carpal tunnel's picture) raise nothing and ask nothing of the cord.
    let hands = assessed(serde_json::json!({
        "patient": {"age": 62, "sex": "female"}, "findings": [numb]
    }));
    assert_eq!(urgency_of(&hands, "rf_cervical_myelopathy"), None);
    // One upper motor neurone sign with them is left to screen, with Cook's cluster to test.
    let one_sign = assessed(serde_json::json!({
        "patient": {"age": 62, "sex": "female"}, "findings": [numb, brisk]
    }));
    assert_eq!(urgency_of(&one_sign, "rf_cervical_myelopathy"), None);
    assert!(screened(&one_sign, "rf_cervical_myelopathy"));
}

#[test]
fn inflammatory_back_pain_is_referred_within_weeks_and_never_called_urgent() {
    // ASAS (Sieper 2009): young, insidious, better with exercise, waking at night.
    let spa = assessed(serde_json::json!({
        "patient": {"age": 28, "sex": "male"},
        "findings": [
            {"kind": "pain", "region": "low_back", "side": "midline",
             "detail": {"onset": "insidious", "eased_by": ["movement"]}},
            {"kind": "night_pain", "region": "low_back", "side": "midline"},
            {"kind": "morning_stiffness"}
        ]
    }));
    assert_eq!(urgency_of(&spa, "rf_axial_spa"), Some(Urgency::Routine));
    assert!(Urgency::Routine.label().contains("weeks"));
    // Raised, it is shown, but the sign dialog does not hold the visit for it.
    assert_eq!(spa.flags_for_today().count(), 0);
}

#[test]
fn back_pain_failing_care_raises_malignancy_soon_at_any_age_but_pain_that_improves_does_not() {
    // Mabry 2014: a smoker of 48, five weeks of physiotherapy with only short-term relief,
    // had metastases; Deyo's failure of conservative care is a finding on its own.
    let failing = assessed(serde_json::json!({
        "patient": {"age": 48, "sex": "female"},
        "findings": [{"kind": "pain", "region": "low_back", "side": "midline",
                      "detail": {"course": "failure_to_improve"}}]
    }));
    assert_eq!(urgency_of(&failing, "rf_malignancy"), Some(Urgency::Soon));
    let improving = assessed(serde_json::json!({
        "patient": {"age": 48, "sex": "female"},
        "findings": [{"kind": "pain", "region": "low_back", "side": "midline",
                      "detail": {"course": "improving"}}]
    }));
    assert_eq!(urgency_of(&improving, "rf_malignancy"), None);
}

#[test]
fn breathlessness_with_pain_at_the_shoulder_blade_and_the_pill_is_an_embolism() {
    // Landesberg 2012: a runner on the pill with severe shoulder-blade pain worse on breathing.
    let scapula = serde_json::json!({"kind": "pain", "region": "scapula", "side": "right",
        "detail": {"severity": "severe", "provoked_by": ["breathing"]}});
    let breathless = serde_json::json!({"kind": "shortness_of_breath"});
    let embolism = assessed(serde_json::json!({
        "patient": {"age": 20, "sex": "female", "history": ["hormone_therapy"]},
        "findings": [scapula, breathless]
    }));
    assert_eq!(urgency_of(&embolism, "rf_pe"), Some(Urgency::Emergency));
    // Without a clot risk the same pain is left to screen, with the questions on clot risk.
    let no_risk = assessed(serde_json::json!({
        "patient": {"age": 20, "sex": "female"}, "findings": [scapula, breathless]
    }));
    assert_eq!(urgency_of(&no_risk, "rf_pe"), None);
    assert!(screened(&no_risk, "rf_pe"));
}

#[test]
fn with_known_cancer_back_pain_is_the_same_day_and_back_pain_into_a_leg_an_emergency() {
    // NICE CG75 and the Scottish referral guidelines: radicular pain in a patient with cancer
    // is an oncological emergency; spinal pain alone is discussed within 24 hours.
    let back = serde_json::json!({"kind": "pain", "region": "low_back", "side": "right",
        "detail": {"course": "progressive"}});
    let leg = serde_json::json!({"kind": "pain", "region": "leg", "side": "right"});
    let case = |history: serde_json::Value, findings: serde_json::Value| {
        assessed(serde_json::json!({
            "patient": {"age": 41, "sex": "female", "history": history}, "findings": findings
        }))
    };
    let cancer = serde_json::json!(["cancer_history"]);
    assert_eq!(
        urgency_of(
            &case(cancer.clone(), serde_json::json!([back, leg])),
            "rf_malignancy"
        ),
        Some(Urgency::Emergency)
    );
    assert_eq!(
        urgency_of(&case(cancer, serde_json::json!([back])), "rf_malignancy"),
        Some(Urgency::SameDay)
    );
    // Without a cancer history, back pain into the leg is sciatica's picture: no malignancy.
    assert_eq!(
        urgency_of(
            &case(serde_json::json!([]), serde_json::json!([back, leg])),
            "rf_malignancy"
        ),
        None
    );
}

#[test]
fn a_calf_strain_that_gets_worse_instead_of_healing_is_a_clot_until_tested() {
    // Theiss 2011 and Calvo Gonell 2020: a calf 'strain' worse at two weeks, or back after
    // it had settled, was a DVT; NICE NG158 tests a suspected clot the same day.
    let calf = |course: &str| {
        serde_json::json!({"kind": "pain", "region": "calf", "side": "left",
            "detail": {"onset": "sudden", "course": course}})
    };
    let worse = assessed(serde_json::json!({
        "patient": {"age": 42, "sex": "male", "history": ["recent_trauma"]},
        "findings": [calf("worsening")]
    }));
    assert_eq!(urgency_of(&worse, "rf_dvt"), Some(Urgency::SameDay));
    let flag = worse.red_flags.iter().find(|f| f.id == "rf_dvt").unwrap();
    assert!(flag.avoid.iter().any(|a| a.contains("calf massage")));
    // The same strain on the mend raises nothing.
    let mending = assessed(serde_json::json!({
        "patient": {"age": 42, "sex": "male", "history": ["recent_trauma"]},
        "findings": [calf("improving")]
    }));
    assert_eq!(urgency_of(&mending, "rf_dvt"), None);
    // Leg pain worse on walking with back pain and numbness is the spine's claudication.
    let spine = assessed(serde_json::json!({
        "patient": {"age": 70, "sex": "male"},
        "findings": [
            {"kind": "pain", "region": "low_back", "side": "midline"},
            {"kind": "pain", "region": "calf", "side": "left", "detail": {"course": "worsening"}},
            {"kind": "numbness", "region": "leg", "side": "left"}
        ]
    }));
    assert_eq!(urgency_of(&spine, "rf_dvt"), None);
    assert!(screened(&spine, "rf_dvt"));
    // Knee pain getting worse for months in a child is the hip's (SCFE), not a clot.
    let knee = assessed(serde_json::json!({
        "patient": {"age": 11, "sex": "female"},
        "findings": [{"kind": "pain", "region": "knee", "side": "right",
                      "detail": {"course": "progressive"}}]
    }));
    assert_eq!(urgency_of(&knee, "rf_dvt"), None);
}

#[test]
fn jaw_pain_on_chewing_with_a_headache_over_fifty_is_giant_cell_arteritis_charted_as_pain() {
    let case = |age: u32, with_headache: bool| {
        let mut findings = vec![serde_json::json!({"kind": "pain", "region": "lower_jaw",
            "side": "left", "detail": {"provoked_by": ["chewing"]}})];
        if with_headache {
            findings
                .push(serde_json::json!({"kind": "headache", "region": "temple", "side": "left"}));
        }
        assessed(serde_json::json!({
            "patient": {"age": age, "sex": "female"}, "findings": findings
        }))
    };
    assert_eq!(
        urgency_of(&case(68, true), "rf_gca"),
        Some(Urgency::SameDay)
    );
    // Under 50, or without the headache (a jaw joint's own pain), it is not raised.
    assert_eq!(urgency_of(&case(40, true), "rf_gca"), None);
    assert_eq!(urgency_of(&case(68, false), "rf_gca"), None);
}

#[test]
fn chest_or_upper_back_pain_with_a_racing_heart_and_a_clot_risk_is_an_embolism_without_breathlessness()
 {
    // ESC 2019: major trauma is a strong clot risk; RCEM: tachycardia, cough and pleuritic
    // pain are features of an embolism, and breathlessness is missing in about a quarter.
    let back = serde_json::json!({"kind": "ache", "region": "back_upper", "side": "left",
        "detail": {"course": "failure_to_improve"}});
    let racing = serde_json::json!({"kind": "palpitations"});
    let embolism = assessed(serde_json::json!({
        "patient": {"age": 55, "sex": "female", "history": ["recent_trauma"]},
        "findings": [back, racing]
    }));
    assert_eq!(urgency_of(&embolism, "rf_pe"), Some(Urgency::Emergency));
    // With no clot risk the racing heart is a question to settle, not an emergency.
    let no_risk = assessed(serde_json::json!({
        "patient": {"age": 55, "sex": "female"}, "findings": [back, racing]
    }));
    assert_eq!(urgency_of(&no_risk, "rf_pe"), None);
    assert!(screened(&no_risk, "rf_pe"));
    // Shoulder-blade pain on breathing in with a cough, on the pill: the same emergency.
    let pleuritic = assessed(serde_json::json!({
        "patient": {"age": 20, "sex": "female", "history": ["hormone_therapy"]},
        "findings": [{"kind": "pain", "region": "scapula", "side": "right",
                      "detail": {"provoked_by": ["breathing"]}}, {"kind": "cough"}]
    }));
    assert_eq!(urgency_of(&pleuritic, "rf_pe"), Some(Urgency::Emergency));
}

#[test]
fn chest_tightness_alone_calls_an_ambulance_but_not_when_the_chest_wall_reproduces_it() {
    // 2021 AHA/ACC: tightness and pressure are the words of ischaemia; pain reproduced on the
    // chest wall, positional or pleuritic is unlikely to be.
    let tight = serde_json::json!({"kind": "tightness", "region": "chest", "side": "midline"});
    let acute = assessed(serde_json::json!({
        "patient": {"age": 46, "sex": "male"}, "findings": [tight]
    }));
    assert_eq!(urgency_of(&acute, "rf_acs"), Some(Urgency::Emergency));
    let wall = assessed(serde_json::json!({
        "patient": {"age": 46, "sex": "male"},
        "findings": [tight, {"kind": "tenderness", "region": "sternum", "side": "midline"}]
    }));
    assert_eq!(urgency_of(&wall, "rf_acs"), None);
    assert!(screened(&wall, "rf_acs"));
    let long_standing = assessed(serde_json::json!({
        "patient": {"age": 46, "sex": "male"},
        "findings": [{"kind": "tightness", "region": "chest", "side": "midline",
                      "detail": {"course": "chronic"}}]
    }));
    assert_eq!(urgency_of(&long_standing, "rf_acs"), None);
}

#[test]
fn a_temple_headache_at_fifty_or_over_is_giant_cell_arteritis_the_same_day_unless_long_standing() {
    // BSR 2020: a new headache over 50 is enough to suspect it and see a specialist that day.
    let temples = |detail: serde_json::Value, age: u32| {
        assessed(serde_json::json!({
            "patient": {"age": age, "sex": "male"},
            "findings": [{"kind": "headache", "region": "temple", "side": "bilateral",
                          "detail": detail}]
        }))
    };
    let throbbing = serde_json::json!({"quality": "throbbing"});
    assert_eq!(
        urgency_of(&temples(throbbing.clone(), 56), "rf_gca"),
        Some(Urgency::SameDay)
    );
    // At 30 it is not (GCA is very rare before 50).
    assert_eq!(urgency_of(&temples(throbbing, 30), "rf_gca"), None);
    // Years of the same headache: the question is asked, the flag not raised.
    let years = temples(serde_json::json!({"course": "unchanged"}), 56);
    assert_eq!(urgency_of(&years, "rf_gca"), None);
    assert!(screened(&years, "rf_gca"));
}

#[test]
fn shoulder_pain_with_breathlessness_is_angina_until_tested_but_not_when_lifting_the_arm_brings_it_on()
 {
    // 2021 AHA/ACC: discomfort in the shoulders or arms, and breathlessness, are anginal
    // equivalents; a cuff that hurts on abduction explains the shoulder, not the breath.
    let breathless = serde_json::json!({"kind": "shortness_of_breath"});
    let angina = assessed(serde_json::json!({
        "patient": {"age": 55, "sex": "male"},
        "findings": [{"kind": "pain", "region": "arm", "side": "right"}, breathless]
    }));
    assert_eq!(
        urgency_of(&angina, "rf_exertional_angina"),
        Some(Urgency::SameDay)
    );
    let cuff = assessed(serde_json::json!({
        "patient": {"age": 55, "sex": "male"},
        "findings": [{"kind": "pain", "region": "arm", "side": "right",
                      "detail": {"provoked_by": ["abduction"]}}, breathless]
    }));
    assert_eq!(urgency_of(&cuff, "rf_exertional_angina"), None);
    assert!(screened(&cuff, "rf_exertional_angina"));
}

#[test]
fn back_pain_failing_care_with_a_weak_hand_is_malignancy_the_same_day_without_known_cancer() {
    // Nair 2014: cord compression is the first sign of cancer in up to a fifth.
    let back = serde_json::json!({"kind": "pain", "region": "thoracolumbar", "side": "midline",
        "detail": {"course": "failure_to_improve"}});
    let weak_hand = serde_json::json!({"kind": "weakness", "region": "hand", "side": "left"});
    let with_deficit = assessed(serde_json::json!({
        "patient": {"age": 48, "sex": "female"}, "findings": [back, weak_hand]
    }));
    assert_eq!(
        urgency_of(&with_deficit, "rf_malignancy"),
        Some(Urgency::SameDay)
    );
    // The weak hand beside back pain that is getting better raises no malignancy.
    let improving = assessed(serde_json::json!({
        "patient": {"age": 48, "sex": "female"},
        "findings": [{"kind": "pain", "region": "thoracolumbar", "side": "midline",
                      "detail": {"course": "improving"}}, weak_hand]
    }));
    assert_eq!(urgency_of(&improving, "rf_malignancy"), None);
}

#[test]
fn back_pain_before_45_with_sacroiliitis_on_imaging_or_hla_b27_goes_to_rheumatology_within_weeks() {
    // NICE NG65: HLA-B27 and imaging are read as the history the clinic writes them in.
    let back = serde_json::json!({"kind": "pain", "region": "low_back", "side": "midline"});
    let case = |history: serde_json::Value, findings: serde_json::Value| {
        assessed(serde_json::json!({
            "patient": {"age": 23, "sex": "male", "history": history}, "findings": findings
        }))
    };
    let imaging = case(
        serde_json::json!(["bilateral sacroiliitis"]),
        serde_json::json!([back]),
    );
    assert_eq!(urgency_of(&imaging, "rf_axial_spa"), Some(Urgency::Routine));
    // A positive HLA-B27 alone is no referral; with night pain and morning stiffness it is.
    let b27 = serde_json::json!(["HLA-B27 positive"]);
    let alone = case(b27.clone(), serde_json::json!([back]));
    assert_eq!(urgency_of(&alone, "rf_axial_spa"), None);
    assert!(screened(&alone, "rf_axial_spa"));
    let inflammatory = case(
        b27,
        serde_json::json!([back, {"kind": "night_pain", "region": "low_back", "side": "midline"},
                           {"kind": "morning_stiffness", "region": "low_back", "side": "midline"}]),
    );
    assert_eq!(
        urgency_of(&inflammatory, "rf_axial_spa"),
        Some(Urgency::Routine)
    );
}

// ----- the review of red_flags.json in issue 12's "What was measured", one test a point -----

#[test]
fn neck_pain_after_trauma_with_tingling_arms_or_at_65_is_an_emergency_with_the_neck_kept_still() {
    // Canadian C-spine rule (Stiell 2001): paraesthesia in the extremities, or age 65 or
    // over, is high risk: an emergency, not the same day.
    let neck = serde_json::json!({"kind": "pain", "region": "neck", "side": "midline"});
    let tingling = assessed(serde_json::json!({
        "patient": {"age": 40, "sex": "female", "history": ["recent_trauma"]},
        "findings": [neck, {"kind": "paresthesia", "region": "forearm", "side": "left"}]
    }));
    assert_eq!(
        urgency_of(&tingling, "rf_fracture"),
        Some(Urgency::Emergency)
    );
    let flag = tingling
        .red_flags
        .iter()
        .find(|f| f.id == "rf_fracture")
        .unwrap();
    assert!(
        flag.avoid.iter().any(|a| a.contains("keep the neck still")),
        "{:?}",
        flag.avoid
    );
    assert!(flag.refer_to.contains("ambulance"), "{}", flag.refer_to);
    let older = assessed(serde_json::json!({
        "patient": {"age": 67, "sex": "male", "history": ["recent_trauma"]}, "findings": [neck]
    }));
    assert_eq!(urgency_of(&older, "rf_fracture"), Some(Urgency::Emergency));
    // At 40, with tenderness but no high-risk factor: a fracture to image the same day.
    let tender = assessed(serde_json::json!({
        "patient": {"age": 40, "sex": "male", "history": ["recent_trauma"]},
        "findings": [neck, {"kind": "tenderness", "region": "neck_posterior", "side": "midline"}]
    }));
    assert_eq!(urgency_of(&tender, "rf_fracture"), Some(Urgency::SameDay));
    // The same tingling arm and neck pain without trauma is no fracture.
    let no_trauma = assessed(serde_json::json!({
        "patient": {"age": 40, "sex": "female"},
        "findings": [neck, {"kind": "paresthesia", "region": "forearm", "side": "left"}]
    }));
    assert_eq!(urgency_of(&no_trauma, "rf_fracture"), None);
}

#[test]
fn stable_exertional_chest_pressure_is_angina_the_same_day_and_an_ambulance_only_with_sweating() {
    // viscera_heart and the flags agree: a stable exertional pattern is a same-day medical
    // referral; with sweating, breathlessness or nausea it is an acute coronary syndrome.
    let stable = assessed(serde_json::json!({
        "patient": {"age": 58, "sex": "male", "history": ["smoker"]},
        "findings": [{"kind": "chest_pressure_exertion"}]
    }));
    assert_eq!(urgency_of(&stable, "rf_acs"), None);
    assert_eq!(
        urgency_of(&stable, "rf_exertional_angina"),
        Some(Urgency::SameDay)
    );
    let sweating = assessed(serde_json::json!({
        "patient": {"age": 58, "sex": "male", "history": ["smoker"]},
        "findings": [{"kind": "chest_pressure_exertion"}, {"kind": "sweating"}]
    }));
    assert_eq!(urgency_of(&sweating, "rf_acs"), Some(Urgency::Emergency));
    assert_eq!(sweating.red_flags[0].urgency, Urgency::Emergency);
    let heart = upstream::reasoner::KnowledgeBase::builtin()
        .sources
        .iter()
        .find(|v| v.id == "viscera_heart")
        .map(|v| v.check.clone())
        .unwrap();
    assert!(
        heart.contains("Stable exertional pattern: same-day"),
        "{heart}"
    );
}

#[test]
fn sudden_weakness_of_one_arm_or_leg_is_a_stroke_without_face_or_speech_signs() {
    // ROSIER scores asymmetric arm or leg weakness on its own (Nor 2005).
    let arm = assessed(serde_json::json!({
        "patient": {"age": 66, "sex": "female"},
        "findings": [{"kind": "weakness", "region": "forearm", "side": "right",
                      "detail": {"onset": "sudden"}}]
    }));
    assert_eq!(urgency_of(&arm, "rf_stroke_tia"), Some(Urgency::Emergency));
    let leg = assessed(serde_json::json!({
        "patient": {"age": 66, "sex": "female"},
        "findings": [{"kind": "weakness", "region": "thigh", "side": "left",
                      "detail": {"onset": "sudden"}}]
    }));
    assert_eq!(urgency_of(&leg, "rf_stroke_tia"), Some(Urgency::Emergency));
    // Weakness that came on gradually is a root or nerve first: no stroke raised.
    let gradual = assessed(serde_json::json!({
        "patient": {"age": 66, "sex": "female"},
        "findings": [{"kind": "weakness", "region": "forearm", "side": "right",
                      "detail": {"onset": "gradual"}}]
    }));
    assert_eq!(urgency_of(&gradual, "rf_stroke_tia"), None);
}

#[test]
fn the_aortic_aneurysm_flag_cites_aneurysm_sources_not_the_spinal_red_flag_framework() {
    // IFOMPT 2020 covers cauda equina, fracture, malignancy and infection only.
    let aaa = upstream::reasoner::KnowledgeBase::builtin()
        .red_flags
        .iter()
        .find(|f| f.id == "rf_aaa")
        .unwrap();
    assert!(
        aaa.citations
            .iter()
            .all(|c| !c.contains("International Framework for Red Flags")),
        "{:?}",
        aaa.citations
    );
    assert!(aaa.citations.iter().any(|c| c.contains("aneurysm")));
}

#[test]
fn a_stone_with_a_fever_is_an_emergency_but_a_stone_or_a_kidney_infection_alone_the_same_day() {
    let flank = serde_json::json!({"kind": "pain", "region": "flank", "side": "left"});
    let blood = serde_json::json!({"kind": "hematuria"});
    // BNSSG Remedy, renal calculi: suspected colic with a fever goes to the emergency
    // department (an obstructed infected kidney).
    let infected_stone = assessed(serde_json::json!({
        "patient": {"age": 45, "sex": "male"},
        "findings": [flank, blood, {"kind": "fever"}]
    }));
    assert_eq!(
        urgency_of(&infected_stone, "rf_renal"),
        Some(Urgency::Emergency)
    );
    // Colic without a fever: imaging within 24 hours (NICE NG118), the same day.
    let stone = assessed(serde_json::json!({
        "patient": {"age": 45, "sex": "male"}, "findings": [flank, blood]
    }));
    assert_eq!(urgency_of(&stone, "rf_renal"), Some(Urgency::SameDay));
    // A fever with painful urination and flank pain, no blood: pyelonephritis, antibiotics
    // from the GP the same day unless septic (NICE NG111).
    let kidney_infection = assessed(serde_json::json!({
        "patient": {"age": 30, "sex": "female"},
        "findings": [flank, {"kind": "fever"}, {"kind": "dysuria"}]
    }));
    assert_eq!(
        urgency_of(&kidney_infection, "rf_renal"),
        Some(Urgency::SameDay)
    );
}
