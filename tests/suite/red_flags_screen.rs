//! Red flags as weighted criteria with a "to screen" state (issue 12): a flag raised past
//! its threshold, left to screen below it with the questions that would settle it,
//! lowered by the contrary evidence its sources name, and never raised on an age the
//! record does not hold, which it asks for instead.

use upstream::model::Vocabulary;
use upstream::reasoner::input::parse_case;
use upstream::reasoner::{Assessment, Urgency, assess};

fn assessed(case: serde_json::Value) -> Assessment {
    assess(&parse_case(&case.to_string(), Vocabulary::builtin()).unwrap())
}

fn raised<'a>(assessment: &'a Assessment, id: &str) -> Option<&'a upstream::reasoner::RaisedFlag> {
    assessment.red_flags.iter().find(|f| f.id == id)
}

fn screened<'a>(
    assessment: &'a Assessment,
    id: &str,
) -> Option<&'a upstream::reasoner::FlagToScreen> {
    assessment.to_screen.iter().find(|f| f.id == id)
}

#[test]
fn a_swollen_painful_calf_is_a_suspected_dvt_unless_sudden_pain_in_sport_explains_it() {
    // Swelling and pain of one calf, no cause charted: suspected DVT, same day (NICE NG158).
    let calf = assessed(serde_json::json!({
        "patient": {"age": 20, "sex": "female"},
        "findings": [
            {"kind": "swelling", "region": "calf", "side": "left"},
            {"kind": "pain", "region": "calf", "side": "left"}
        ]
    }));
    let flag = raised(&calf, "rf_dvt").expect("suspected DVT raised");
    assert_eq!(flag.urgency, Urgency::SameDay);
    assert_eq!(flag.findings, vec![0, 1]);
    // The same calf after a sudden pain mid-match (tennis leg): an alternative diagnosis
    // at least as likely (Wells -2) lowers it to screen, with the exams that settle it
    // and the finding that argues against it.
    let tennis_leg = assessed(serde_json::json!({
        "patient": {"age": 45, "sex": "male"},
        "findings": [
            {"kind": "swelling", "region": "calf", "side": "left"},
            {"kind": "pain", "region": "calf", "side": "left",
             "detail": {"onset": "sudden", "provoked_by": ["running"]}}
        ]
    }));
    assert!(raised(&tennis_leg, "rf_dvt").is_none());
    let screen = screened(&tennis_leg, "rf_dvt").expect("left to screen");
    assert!(screen.against.contains(&1), "{screen:?}");
    assert!(screen.ask.iter().any(|a| a.contains("Wells")), "{screen:?}");
    assert_eq!(screen.urgency, Urgency::SameDay);
}

#[test]
fn the_wells_points_add_up_tenderness_and_a_previous_dvt_raise_it_one_point_only_screens() {
    let tender = serde_json::json!({"kind": "tenderness", "region": "calf", "side": "right"});
    let one_point = assessed(serde_json::json!({
        "patient": {"age": 50, "sex": "male"}, "findings": [tender]
    }));
    assert!(raised(&one_point, "rf_dvt").is_none());
    assert!(screened(&one_point, "rf_dvt").is_some());
    let two_points = assessed(serde_json::json!({
        "patient": {"age": 50, "sex": "male", "history": ["previous DVT"]}, "findings": [tender]
    }));
    assert_eq!(
        raised(&two_points, "rf_dvt").map(|f| f.urgency),
        Some(Urgency::SameDay)
    );
}

#[test]
fn an_examined_absent_finding_is_named_against_a_raised_flag() {
    // Afebrile spinal infection: back pain getting worse in a man on TB treatment raises
    // it the same day (fever is absent in most, Medscape); the absent fever is shown
    // against it, not hidden.
    let case = assessed(serde_json::json!({
        "patient": {"age": 80, "sex": "male", "history": ["tuberculosis on treatment"]},
        "findings": [{"kind": "pain", "region": "low_back", "side": "midline",
                      "detail": {"course": "worsening"}}],
        "absent": [{"kind": "fever"}]
    }));
    let flag = raised(&case, "rf_spinal_infection").expect("raised without fever");
    assert_eq!(flag.urgency, Urgency::SameDay);
    assert_eq!(flag.findings, vec![0]);
    assert_eq!(flag.against, vec![1]);
}

#[test]
fn an_unknown_age_asks_for_the_age_instead_of_raising_a_child_hip_flag() {
    let hip = serde_json::json!({"kind": "pain", "region": "hip", "side": "left"});
    let unknown = assessed(serde_json::json!({"findings": [hip]}));
    assert!(raised(&unknown, "rf_scfe").is_none());
    let screen = screened(&unknown, "rf_scfe").expect("SCFE to screen when the age is unknown");
    assert!(screen.ask[0].contains("age"), "{screen:?}");
    // At 12 it is raised; at 40 it is neither raised nor asked about.
    let child = assessed(serde_json::json!({"patient": {"age": 12}, "findings": [hip]}));
    assert!(raised(&child, "rf_scfe").is_some());
    let adult = assessed(serde_json::json!({"patient": {"age": 40}, "findings": [hip]}));
    assert!(raised(&adult, "rf_scfe").is_none() && screened(&adult, "rf_scfe").is_none());
}

#[test]
fn jaw_pain_on_exertion_is_angina_to_refer_but_jaw_pain_on_chewing_is_only_screened() {
    let exertional = assessed(serde_json::json!({
        "patient": {"age": 28, "sex": "male"},
        "findings": [{"kind": "pain", "region": "jaw_tmj", "side": "left",
                      "detail": {"provoked_by": ["exertion"]}}]
    }));
    assert_eq!(
        raised(&exertional, "rf_exertional_angina").map(|f| f.urgency),
        Some(Urgency::SameDay)
    );
    // Brought on by exertion and by moving the jaw: a jaw joint that moving reproduces
    // argues against the heart, so it is asked about, not raised.
    let mechanical = assessed(serde_json::json!({
        "patient": {"age": 36, "sex": "female"},
        "findings": [{"kind": "pain", "region": "jaw_tmj", "side": "left",
                      "detail": {"provoked_by": ["exertion", "movement"]}}]
    }));
    assert!(raised(&mechanical, "rf_exertional_angina").is_none());
    let screen = screened(&mechanical, "rf_exertional_angina").expect("to screen");
    assert!(!screen.ask.is_empty());
}

#[test]
fn history_the_clinician_writes_raises_the_flags_it_belongs_to() {
    // Down syndrome with neck pain: atlanto-axial instability, the same day (AAP; DSMIG).
    let down = assessed(serde_json::json!({
        "patient": {"age": 23, "sex": "female", "history": ["Down syndrome"]},
        "findings": [{"kind": "pain", "region": "neck", "side": "midline"}]
    }));
    assert_eq!(
        raised(&down, "rf_upper_cervical_instability").map(|f| f.urgency),
        Some(Urgency::SameDay)
    );
    // Neck pain after a fall from a roof: Canadian C-spine high risk, an emergency.
    let fall = assessed(serde_json::json!({
        "patient": {"age": 21, "sex": "male", "history": ["fell from a roof"]},
        "findings": [{"kind": "pain", "region": "neck", "side": "midline"}]
    }));
    assert_eq!(
        raised(&fall, "rf_fracture").map(|f| f.urgency),
        Some(Urgency::Emergency)
    );
    // The same neck pain with no history raises neither.
    let plain = assessed(serde_json::json!({
        "patient": {"age": 30, "sex": "female"},
        "findings": [{"kind": "pain", "region": "neck", "side": "midline"}]
    }));
    assert!(raised(&plain, "rf_upper_cervical_instability").is_none());
    assert!(raised(&plain, "rf_fracture").is_none());
}

#[test]
fn a_screened_flag_never_outranks_or_hides_a_raised_one() {
    // Sudden worst headache with neck pain: raised as an emergency (SAH and dissection);
    // neither sits in the screen list.
    let case = assessed(serde_json::json!({
        "patient": {"age": 42, "sex": "female"},
        "findings": [{"kind": "pain", "region": "neck", "side": "left"},
                     {"kind": "sudden_worst_headache"}]
    }));
    for id in ["rf_sah", "rf_cervical_artery"] {
        assert_eq!(
            raised(&case, id).map(|f| f.urgency),
            Some(Urgency::Emergency),
            "{id}"
        );
        assert!(screened(&case, id).is_none(), "{id}");
    }
}

#[test]
fn cook_s_cluster_raises_myelopathy_at_three_of_five_and_reads_the_tests_by_name() {
    let test = |name: &str| {
        serde_json::json!({"kind": "positive_test", "region": "hand", "side": "right",
                           "test_name": name})
    };
    // Age over 45, Hoffmann and Babinski: three of Cook's five.
    let three = assessed(serde_json::json!({
        "patient": {"age": 62, "sex": "female"},
        "findings": [test("Hoffmann's sign"), test("Babinski")]
    }));
    assert_eq!(
        raised(&three, "rf_cervical_myelopathy").map(|f| f.urgency),
        Some(Urgency::Soon)
    );
    // Two of five: to screen, with the rest of the cluster to test.
    let two = assessed(serde_json::json!({
        "patient": {"age": 62, "sex": "female"}, "findings": [test("Hoffmann")]
    }));
    assert!(raised(&two, "rf_cervical_myelopathy").is_none());
    let screen = screened(&two, "rf_cervical_myelopathy").expect("to screen");
    assert!(screen.ask.iter().any(|a| a.contains("inverted supinator")));
    // A positive test of another name is not a Hoffmann sign.
    let other = assessed(serde_json::json!({
        "patient": {"age": 62, "sex": "female"},
        "findings": [test("Spurling"), test("Phalen")]
    }));
    assert!(raised(&other, "rf_cervical_myelopathy").is_none());
}

#[test]
fn a_headache_with_tender_temples_at_fifty_or_over_meets_three_acr_criteria() {
    let case = |age: u32| {
        assessed(serde_json::json!({
            "patient": {"age": age, "sex": "male"},
            "findings": [{"kind": "headache", "region": "occiput", "side": "bilateral"},
                         {"kind": "tenderness", "region": "temple", "side": "bilateral"}]
        }))
    };
    assert_eq!(
        raised(&case(73), "rf_gca").map(|f| f.urgency),
        Some(Urgency::SameDay)
    );
    assert!(raised(&case(40), "rf_gca").is_none());
}

#[test]
fn a_flag_to_screen_offers_the_answers_not_yet_charted_and_a_charted_answer_argues_against_it() {
    let worsening = serde_json::json!({"kind": "pain", "region": "low_back", "side": "midline",
                                       "detail": {"course": "worsening"}});
    let open = assessed(serde_json::json!({
        "patient": {"age": 40, "sex": "male"}, "findings": [worsening]
    }));
    let screen = screened(&open, "rf_spinal_infection").expect("infection to screen");
    let kinds: Vec<&str> = screen.answers.iter().map(|f| f.kind.as_str()).collect();
    assert!(kinds.contains(&"fever"), "{kinds:?}");
    assert!(
        screen
            .answers
            .iter()
            .all(|f| f.presence == upstream::model::Presence::Absent)
    );
    // Fever examined and absent: no longer offered, and shown against the flag.
    let answered = assessed(serde_json::json!({
        "patient": {"age": 40, "sex": "male"}, "findings": [worsening],
        "absent": [{"kind": "fever"}]
    }));
    let screen = screened(&answered, "rf_spinal_infection").expect("still to screen");
    assert!(!screen.answers.iter().any(|f| f.kind.as_str() == "fever"));
    assert_eq!(screen.against, vec![1]);
}

#[test]
fn leg_symptoms_on_walking_are_vascular_claudication_unless_sitting_or_bending_eases_them() {
    let weak_knee = serde_json::json!({"kind": "weakness", "region": "knee", "side": "left",
                                       "detail": {"provoked_by": ["walking"]}});
    let vascular = assessed(serde_json::json!({
        "patient": {"age": 56, "sex": "male"}, "findings": [weak_knee]
    }));
    assert_eq!(
        raised(&vascular, "rf_vascular_claudication").map(|f| f.urgency),
        Some(Urgency::Soon)
    );
    // Eased by bending forward: the neurogenic picture argues against it; it is asked
    // about (pulses, how it eases), not raised.
    let neurogenic = assessed(serde_json::json!({
        "patient": {"age": 71, "sex": "male"},
        "findings": [{"kind": "pain", "region": "leg", "side": "bilateral",
                      "detail": {"provoked_by": ["walking"], "eased_by": ["bending"]}}]
    }));
    assert!(raised(&neurogenic, "rf_vascular_claudication").is_none());
    let screen = screened(&neurogenic, "rf_vascular_claudication").expect("to screen");
    assert!(
        screen.ask.iter().any(|a| a.contains("pulses")),
        "{screen:?}"
    );
}
