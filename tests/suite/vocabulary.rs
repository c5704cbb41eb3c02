//! The shared vocabulary: what it must hold for the reasoner and the body chart, how
//! terms are looked up, and how a broken file is reported.

use upstream::model::vocabulary::{Laterality, VocabularyError, VocabularySources};
use upstream::model::{RegionCode, Side, Vocabulary};

#[test]
fn the_builtin_vocabulary_is_fine_enough_for_dermatomes_and_trigger_point_zones() {
    let vocabulary = Vocabulary::builtin();
    let regions = vocabulary.regions().len();
    assert!((100..=150).contains(&regions), "{regions} regions");
    for code in [
        "thumb",
        "index_finger",
        "middle_finger",
        "ring_finger",
        "little_finger",
        "big_toe",
        "second_toe",
        "third_toe",
        "fourth_toe",
        "little_toe",
        "temple",
        "forehead",
        "behind_eye",
        "jaw_tmj",
        "ear",
        "occiput",
        "si_joint",
        "buttock",
        "groin",
        "saddle",
        "thigh_anterior",
        "thigh_posterior",
        "thigh_lateral",
        "thigh_medial",
        "shin",
        "calf",
        "leg_lateral",
        "leg_medial",
        "arm_anterior",
        "arm_posterior",
        "arm_lateral",
        "arm_medial",
        "forearm_anterior",
        "forearm_posterior",
        "forearm_lateral",
        "forearm_medial",
        "ankle_lateral",
        "hip_lateral",
        "achilles",
        "heel",
    ] {
        assert!(
            vocabulary.region(&RegionCode::new(code)).is_some(),
            "missing region {code}"
        );
    }
    for code in [
        "pain",
        "ache",
        "burning",
        "numbness",
        "paresthesia",
        "tightness",
        "tenderness",
        "trigger_point",
        "fasciculation",
        "cramp",
        "weakness",
        "reflex_decreased",
        "reflex_increased",
        "swelling",
        "warmth",
        "redness",
        "limited_rom",
        "positive_test",
        "fever",
        "night_pain",
        "unexplained_weight_loss",
        "bladder_dysfunction",
        "bowel_dysfunction",
        "saddle_numbness",
        "dizziness",
        "double_vision",
        "slurred_speech",
        "chest_pressure_exertion",
        "sweating",
        "sudden_worst_headache",
        "jaw_claudication",
        "visual_disturbance",
        "gait_disturbance",
    ] {
        assert!(
            vocabulary
                .kind(&upstream::model::KindCode::new(code))
                .is_some(),
            "missing finding kind {code}"
        );
    }
    assert!(
        !vocabulary.sources.is_empty(),
        "the region map cites its sources"
    );
}

#[test]
fn terms_are_found_by_code_name_or_synonym_in_any_case() {
    let vocabulary = Vocabulary::builtin();
    for term in [
        "ankle_lateral",
        "Lateral ankle",
        "outside of the ankle",
        "LAT ANKLE",
    ] {
        assert_eq!(
            vocabulary.find_region(term).unwrap().code.as_str(),
            "ankle_lateral",
            "{term}"
        );
    }
    for term in ["posterior calf", "calf", "Calf"] {
        assert_eq!(
            vocabulary.find_region(term).unwrap().code.as_str(),
            "calf",
            "{term}"
        );
    }
    assert_eq!(
        vocabulary
            .find_region("achilles reflex")
            .unwrap()
            .code
            .as_str(),
        "achilles"
    );
    assert_eq!(
        vocabulary
            .find_kind("reflex decreased")
            .unwrap()
            .code
            .as_str(),
        "reflex_decreased"
    );
    assert_eq!(
        vocabulary
            .find_kind("urinary retention")
            .unwrap()
            .code
            .as_str(),
        "urinary_retention"
    );
    assert_eq!(
        vocabulary.find_kind("tingling").unwrap().code.as_str(),
        "paresthesia"
    );
    assert_eq!(
        vocabulary
            .find_history_flag("degenerative disc disease")
            .unwrap()
            .code,
        "degenerative_disc_disease"
    );

    let unknown = vocabulary.find_region("lateral ankel").unwrap_err();
    assert_eq!(
        unknown.suggestions.first().map(String::as_str),
        Some("lateral ankle")
    );
    assert!(unknown.to_string().contains("did you mean"));
}

#[test]
fn sides_follow_the_region() {
    let vocabulary = Vocabulary::builtin();
    let calf = vocabulary.find_region("calf").unwrap();
    assert_eq!(calf.laterality, Laterality::Paired);
    assert!(calf.laterality.allows(Side::Right));
    assert!(!calf.laterality.allows(Side::Midline));
    let low_back = vocabulary.find_region("low back").unwrap();
    assert!(low_back.laterality.allows(Side::Midline));
    assert!(low_back.laterality.allows(Side::Left));
    let saddle = vocabulary.find_region("saddle area").unwrap();
    assert!(!saddle.laterality.allows(Side::Left));

    let kind = upstream::model::KindCode::new("pain");
    assert!(
        vocabulary
            .check_finding(&kind, Some(&calf.code), Side::Left)
            .is_ok()
    );
    assert!(
        vocabulary
            .check_finding(&kind, Some(&calf.code), Side::Midline)
            .is_err()
    );
    assert!(
        vocabulary.check_finding(&kind, None, Side::None).is_err(),
        "pain needs a region"
    );
    let fever = upstream::model::KindCode::new("fever");
    assert!(vocabulary.check_finding(&fever, None, Side::None).is_ok());
    assert!(
        vocabulary
            .check_finding(&fever, Some(&calf.code), Side::Left)
            .is_err()
    );
}

#[test]
fn regions_form_a_tree_with_symmetric_neighbours() {
    let vocabulary = Vocabulary::builtin();
    let calf = RegionCode::new("calf");
    assert!(vocabulary.region_within(&calf, &RegionCode::new("leg")));
    assert!(!vocabulary.region_within(&calf, &RegionCode::new("thigh")));
    let foot = RegionCode::new("foot");
    let toes: Vec<&str> = vocabulary
        .children(&foot)
        .map(|r| r.code.as_str())
        .filter(|code| code.ends_with("toe"))
        .collect();
    assert_eq!(toes.len(), 5);
    for region in vocabulary.regions() {
        for neighbour in &region.neighbours {
            let other = vocabulary.region(neighbour).unwrap();
            assert!(
                other.neighbours.contains(&region.code),
                "{} / {}",
                region.code,
                neighbour
            );
        }
    }
}

/// Loads the built-in files with one of them edited.
fn load_with_regions(regions: &str) -> Result<Vocabulary, VocabularyError> {
    Vocabulary::load(VocabularySources {
        regions,
        ..VocabularySources::BUILTIN
    })
}

#[test]
fn a_broken_vocabulary_file_is_reported_with_the_file_and_the_entry() {
    let builtin = VocabularySources::BUILTIN.regions;

    let duplicate = builtin.replacen("\"code\": \"thumb\"", "\"code\": \"index_finger\"", 1);
    let error = load_with_regions(&duplicate).unwrap_err().to_string();
    assert!(
        error.contains("regions.json")
            && error.contains("index_finger")
            && error.contains("duplicate"),
        "{error}"
    );

    let unknown_parent = builtin.replacen("\"parent\": \"foot\"", "\"parent\": \"paw\"", 1);
    let error = load_with_regions(&unknown_parent).unwrap_err().to_string();
    assert!(
        error.contains("regions.json") && error.contains("unknown parent `paw`"),
        "{error}"
    );

    let bad_laterality =
        builtin.replacen("\"laterality\": \"paired\"", "\"laterality\": \"sided\"", 1);
    let error = load_with_regions(&bad_laterality).unwrap_err().to_string();
    assert!(
        error.contains("regions.json") && error.contains("sided"),
        "{error}"
    );

    let truncated = &builtin[..builtin.len() / 3];
    let error = load_with_regions(truncated).unwrap_err().to_string();
    assert!(
        error.contains("regions.json") && error.contains("line"),
        "{error}"
    );

    let kinds = VocabularySources::BUILTIN.finding_kinds.replacen(
        "\"name\": \"Pain\"",
        "\"name\": \"Ache\"",
        1,
    );
    let error = Vocabulary::load(VocabularySources {
        finding_kinds: &kinds,
        ..VocabularySources::BUILTIN
    })
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("finding_kinds.json")
            && error.contains("already a name or synonym of `pain`"),
        "{error}"
    );
}
