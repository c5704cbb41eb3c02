//! Reading a patient's visits together: trajectories, local treatment that is not
//! working, warning signs that build up, and what helped. On the demo clinic's stories,
//! and on synthetic timelines for the edges.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use upstream::model::{
    Finding, Intervention, InterventionKind, PatientId, Side, Visit, VisitId, VisitKind,
    VisitRecord,
};
use upstream::reasoner::course::{Given, Insight, InsightKind, Trend};
use upstream::reasoner::{KnowledgeBase, KnowledgeFiles, Reasoner};
use upstream::store::{PatientRecord, Store};

fn clinic() -> Vec<PatientRecord> {
    let mut store = Store::open_in_memory().unwrap();
    store
        .import(
            &crate::by(),
            &upstream::demo::clinic(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).unwrap(),
        )
        .unwrap();
    store.export().unwrap().patients
}

fn visits_of(clinic: &[PatientRecord], name: &str) -> Vec<VisitRecord> {
    clinic
        .iter()
        .find(|p| p.patient.name == name)
        .unwrap()
        .visits
        .clone()
}

fn not_working<'a>(insights: &'a [Insight], label: &str) -> Option<&'a Insight> {
    insights.iter().find(
        |i| matches!(&i.kind, InsightKind::LocalTreatmentNotWorking { label: l, .. } if l == label),
    )
}

fn helped<'a>(insights: &'a [Insight], label: &str) -> Option<&'a Insight> {
    insights
        .iter()
        .find(|i| matches!(&i.kind, InsightKind::WhatHelped { label: l, .. } if l == label))
}

fn warning<'a>(insights: &'a [Insight], source: &str) -> Option<&'a Insight> {
    insights
        .iter()
        .find(|i| matches!(&i.kind, InsightKind::WarningSigns { source: s, .. } if s == source))
}

fn texts(given: &[Given]) -> Vec<&str> {
    given.iter().map(|g| g.text.as_str()).collect()
}

fn date_of(timeline: &[VisitRecord], visit: VisitId) -> NaiveDate {
    timeline
        .iter()
        .find(|r| r.visit.id == visit)
        .unwrap()
        .visit
        .started_at
        .date()
}

#[test]
fn the_runner_s_si_pain_does_not_change_under_si_adjustments_and_eases_after_soleus_work() {
    let timeline = visits_of(&clinic(), "Maya Lindqvist");
    let course = Reasoner::builtin().course(&timeline);
    let first_soleus = timeline
        .iter()
        .position(|r| {
            r.interventions
                .iter()
                .any(|i| i.target.to_lowercase().contains("soleus"))
        })
        .unwrap();

    let si = course
        .trajectories
        .iter()
        .find(|t| t.label == "L sacroiliac region pain")
        .expect("a trajectory for L SI pain");
    assert_eq!(si.trend, Trend::Better);
    assert_eq!(si.points.len(), timeline.len());
    // Before the soleus work, SI adjustments are local and the L5-S1 ones aim at roots and
    // facets that can refer to the SI region; the soleus work is remote, at the soleus.
    for point in &si.points[..first_soleus] {
        assert!(
            point.local.iter().any(|t| t.text.contains("SI joint")),
            "{point:?}"
        );
    }
    let soleus_point = &si.points[first_soleus];
    assert!(soleus_point.local.is_empty(), "{soleus_point:?}");
    assert!(
        soleus_point.remote.iter().any(|t| t.text.contains("soleus")
            && t.sources.contains(&"Soleus trigger points".to_owned())),
        "{soleus_point:?}"
    );

    // Local treatment not working: said before the soleus work, naming the soleus.
    let stuck = not_working(&course.insights, "L sacroiliac region pain")
        .expect("SI pain treated locally without change");
    let InsightKind::LocalTreatmentNotWorking {
        treated_visits,
        untreated_sources,
        from,
        now,
        ..
    } = &stuck.kind
    else {
        unreachable!()
    };
    assert!(*treated_visits >= 3, "{stuck:?}");
    assert!(from.abs_diff(*now) < 2, "{stuck:?}");
    assert!(
        date_of(&timeline, stuck.first_held.visit)
            < date_of(&timeline, timeline[first_soleus].visit.id)
    );
    assert_eq!(
        untreated_sources.first().map(|s| s.id.as_str()),
        Some("tp_soleus"),
        "{untreated_sources:?}"
    );
    assert!(untreated_sources[0].check.contains("Palpate the soleus"));
    assert!(
        !untreated_sources.iter().any(|s| s.id == "joint_si"),
        "the SI joint was treated: {untreated_sources:?}"
    );

    // What helped: the soleus work, not the SI adjustments.
    let eased = helped(&course.insights, "L sacroiliac region pain").expect("SI pain eased");
    let InsightKind::WhatHelped {
        helped,
        without_change,
        from,
        to,
        ..
    } = &eased.kind
    else {
        unreachable!()
    };
    assert!(from - to >= 2);
    assert!(
        texts(helped).iter().all(|t| t.contains("soleus")),
        "{helped:?}"
    );
    assert!(
        helped
            .iter()
            .all(|g| g.visits[0].visit == timeline[first_soleus].visit.id),
        "{helped:?}"
    );
    let si_adjustments = without_change
        .iter()
        .find(|g| g.text.contains("Spinal manipulation") && g.text.contains("SI joint"))
        .expect("SI adjustments came without a change");
    assert!(si_adjustments.visits.len() >= 3);
    assert!(eased.headline.contains("soleus"), "{}", eased.headline);
    assert!(!eased.headline.contains("SI joint"), "{}", eased.headline);
}

#[test]
fn the_s1_patient_s_warning_signs_are_named_before_the_calf_strain() {
    let timeline = visits_of(&clinic(), "Daniel Okafor");
    let strain = timeline
        .iter()
        .position(|r| {
            r.findings.iter().any(|f| {
                f.kind.as_str() == "pain"
                    && f.region.as_ref().is_some_and(|r| r.as_str() == "calf")
                    && f.intensity.is_some_and(|i| i.value() >= 6)
            })
        })
        .unwrap();
    let course = Reasoner::builtin().course(&timeline);
    let signs = warning(&course.insights, "root_s1").expect("S1 warning signs");
    let strain_date = timeline[strain].visit.started_at.date();
    assert!(signs.first_held.date < strain_date, "{signs:?}");
    let InsightKind::WarningSigns {
        side,
        signs: seen,
        at_risk,
        ..
    } = &signs.kind
    else {
        unreachable!()
    };
    assert_eq!(*side, Side::Right);
    assert!(at_risk.contains("calf"));
    let names: Vec<&str> = seen.iter().map(|s| s.name.as_str()).collect();
    for expected in [
        "calf tightness or cramp",
        "calf fasciculation",
        "lateral ankle pain",
        "lateral hip pain",
        "intermittent low back pain",
    ] {
        assert!(names.contains(&expected), "{expected}: {names:?}");
    }
    // Each sign with the visit where it first appeared in the chart.
    let first_with = |kind: &str, region: &str| {
        timeline
            .iter()
            .find(|r| {
                r.findings.iter().any(|f| {
                    f.kind.as_str() == kind
                        && f.region.as_ref().is_some_and(|r| r.as_str() == region)
                        && f.presence == upstream::model::Presence::Present
                })
            })
            .unwrap()
            .visit
            .id
    };
    let first_of = |name: &str| seen.iter().find(|s| s.name == name).unwrap().first.visit;
    assert_eq!(
        first_of("calf fasciculation"),
        first_with("fasciculation", "calf")
    );
    assert_eq!(
        first_of("lateral hip pain"),
        first_with("pain", "hip_lateral")
    );
    assert_eq!(
        first_of("lateral ankle pain"),
        first_with("pain", "ankle_lateral")
    );

    // Told at the visit before the strain, from what was charted up to then.
    let before = timeline[strain - 1].visit.id;
    let then = Reasoner::builtin().insights_at(&timeline, before);
    let at_before = warning(&then, "root_s1").expect("held at the visit before the strain");
    assert!(at_before.headline.contains("S1 nerve root"));
    // Not at the first visit: one tight calf and a sore back are not yet a pattern.
    let first = Reasoner::builtin().insights_at(&timeline, timeline[0].visit.id);
    assert!(warning(&first, "root_s1").is_none(), "{first:?}");

    // His tight calf, treated at the calf visit after visit, names the S1 root.
    let calf = not_working(&course.insights, "R calf tightness").expect("calf treated locally");
    let InsightKind::LocalTreatmentNotWorking {
        untreated_sources, ..
    } = &calf.kind
    else {
        unreachable!()
    };
    assert_eq!(
        untreated_sources.first().map(|s| s.id.as_str()),
        Some("root_s1")
    );
    assert!(calf.first_held.date < strain_date);
}

#[test]
fn warning_signs_are_raised_for_no_one_else_in_the_demo_clinic() {
    for record in clinic() {
        let course = Reasoner::builtin().course(&record.visits);
        let raised: Vec<&str> = course
            .insights
            .iter()
            .filter(|i| matches!(i.kind, InsightKind::WarningSigns { .. }))
            .map(|i| i.headline.as_str())
            .collect();
        if record.patient.name == "Daniel Okafor" {
            assert_eq!(raised.len(), 1, "{raised:?}");
        } else {
            assert!(raised.is_empty(), "{}: {raised:?}", record.patient.name);
        }
    }
}

// ----- synthetic timelines -----

fn day(n: i64) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, 5)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        + TimeDelta::days(n)
}

fn finding(kind: &str, region: &str, side: Side, intensity: Option<u8>) -> Finding {
    let finding = Finding::new(kind, Some(region), side);
    match intensity {
        Some(value) => finding.with_intensity(value).unwrap(),
        None => finding,
    }
}

fn treat(kind: InterventionKind, target: &str, region: &str, side: Side) -> Intervention {
    Intervention {
        region: Some(upstream::model::RegionCode::new(region)),
        ..Intervention::new(kind, target, side)
    }
}

fn visit(
    id: i64,
    on_day: i64,
    findings: Vec<Finding>,
    interventions: Vec<Intervention>,
) -> VisitRecord {
    VisitRecord {
        visit: Visit {
            id: VisitId(id),
            ..Visit::new(PatientId(1), day(on_day), VisitKind::FollowUp)
        },
        findings,
        interventions,
        ..VisitRecord::default()
    }
}

fn si_pain(intensity: u8) -> Finding {
    finding("pain", "si_joint", Side::Left, Some(intensity))
}

fn si_adjustment() -> Intervention {
    treat(
        InterventionKind::SpinalManipulation,
        "SI joint",
        "si_joint",
        Side::Left,
    )
}

/// L SI pain adjusted locally at each visit, `days` apart, at the given intensities.
fn si_course(intensities: &[u8], days: i64) -> Vec<VisitRecord> {
    intensities
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            visit(
                i as i64 + 1,
                i as i64 * days,
                vec![si_pain(n)],
                vec![si_adjustment()],
            )
        })
        .collect()
}

#[test]
fn one_visit_gives_trajectories_seen_once_and_no_insight() {
    let timeline = vec![visit(
        1,
        0,
        vec![
            si_pain(6),
            finding("tightness", "calf", Side::Left, Some(4)),
        ],
        vec![si_adjustment()],
    )];
    let course = Reasoner::builtin().course(&timeline);
    assert_eq!(course.trajectories.len(), 2);
    assert!(
        course
            .trajectories
            .iter()
            .all(|t| t.trend == Trend::SeenOnce)
    );
    assert_eq!(course.trajectories[0].points[0].local.len(), 1);
    assert!(course.insights.is_empty(), "{:?}", course.insights);
}

#[test]
fn local_treatment_is_not_working_after_three_treated_visits_without_a_real_change() {
    let course = Reasoner::builtin().course(&si_course(&[6, 5, 6, 6], 7));
    let stuck = not_working(&course.insights, "L sacroiliac region pain").expect("not working");
    assert_eq!(
        stuck.first_held.visit,
        VisitId(4),
        "after three treated visits"
    );
    // A change of one is noise; a change of two is real.
    let course = Reasoner::builtin().course(&si_course(&[6, 5, 6, 4], 7));
    assert!(not_working(&course.insights, "L sacroiliac region pain").is_none());
    assert_eq!(course.trajectories[0].trend, Trend::Better);
    let course = Reasoner::builtin().course(&si_course(&[4, 5, 6, 6], 7));
    assert_eq!(course.trajectories[0].trend, Trend::Worse);
    assert!(not_working(&course.insights, "L sacroiliac region pain").is_some());
}

#[test]
fn a_symptom_that_answered_to_treatment_is_not_stuck_in_its_slow_tail_until_it_flares() {
    let course = Reasoner::builtin().course(&si_course(&[6, 4, 4, 4, 3, 3], 7));
    assert!(
        course
            .insights
            .iter()
            .all(|i| !matches!(i.kind, InsightKind::LocalTreatmentNotWorking { .. }))
    );
    let eased = helped(&course.insights, "L sacroiliac region pain").unwrap();
    assert_eq!(eased.first_held.visit, VisitId(2));
    // Back up by a real change, and local treatment at three more visits without change.
    let course = Reasoner::builtin().course(&si_course(&[6, 4, 4, 6, 6, 6, 6], 7));
    let stuck = not_working(&course.insights, "L sacroiliac region pain").unwrap();
    assert_eq!(stuck.first_held.visit, VisitId(7));
}

#[test]
fn a_symptom_that_disappears_ends_at_zero_and_is_not_working_no_more() {
    let mut timeline = si_course(&[6, 6, 6, 6], 7);
    timeline.push(visit(
        5,
        28,
        vec![Finding::new("pain", Some("si_joint"), Side::Left).absent()],
        Vec::new(),
    ));
    let course = Reasoner::builtin().course(&timeline);
    let si = &course.trajectories[0];
    assert_eq!(si.points.last().unwrap().intensity, 0);
    assert_eq!(si.trend, Trend::Better);
    let stuck = not_working(&course.insights, "L sacroiliac region pain").unwrap();
    assert_eq!(
        stuck.last_held.visit,
        VisitId(4),
        "not at the visit it was gone"
    );
    let gone = Reasoner::builtin().insights_at(&timeline, VisitId(5));
    assert!(
        not_working(&gone, "L sacroiliac region pain").is_none(),
        "{gone:?}"
    );
    let eased = helped(&gone, "L sacroiliac region pain").expect("what came before it went");
    assert!(eased.details.iter().any(|d| d.contains("Now gone")));
}

/// A visit with one sign of S1 irritation on `side`.
fn s1_sign(id: i64, on_day: i64, sign: usize, side: Side) -> VisitRecord {
    let finding = match sign {
        0 => finding("tightness", "calf", side, Some(4)),
        1 => finding("fasciculation", "calf", side, None),
        2 => finding("pain", "ankle_lateral", side, Some(3)),
        _ => finding("pain", "hip_lateral", side, Some(2)),
    };
    visit(id, on_day, vec![finding], Vec::new())
}

#[test]
fn signs_on_alternating_sides_do_not_add_up_but_on_one_side_they_do() {
    let one_side: Vec<VisitRecord> = (0..4)
        .map(|i| s1_sign(i + 1, i * 7, i as usize, Side::Right))
        .collect();
    let course = Reasoner::builtin().course(&one_side);
    let raised = warning(&course.insights, "root_s1").expect("four signs on the right");
    assert_eq!(raised.first_held.visit, VisitId(3), "at the third sign");

    let alternating: Vec<VisitRecord> = (0..4)
        .map(|i| {
            let side = if i % 2 == 0 { Side::Left } else { Side::Right };
            s1_sign(i + 1, i * 7, i as usize, side)
        })
        .collect();
    let course = Reasoner::builtin().course(&alternating);
    assert!(
        warning(&course.insights, "root_s1").is_none(),
        "{:?}",
        course.insights
    );
    // Each side's symptom is a trajectory of its own.
    let labels: Vec<&str> = course
        .trajectories
        .iter()
        .map(|t| t.label.as_str())
        .collect();
    assert!(labels.contains(&"L calf tightness") && labels.contains(&"L lateral ankle pain"));
    assert!(labels.contains(&"R lateral hip pain"), "{labels:?}");
}

#[test]
fn long_gaps_between_visits_start_afresh() {
    // The same four signs, months apart: they never build up within the window.
    let sparse: Vec<VisitRecord> = (0..4)
        .map(|i| s1_sign(i + 1, i * 120, i as usize, Side::Right))
        .collect();
    let course = Reasoner::builtin().course(&sparse);
    assert!(
        warning(&course.insights, "root_s1").is_none(),
        "{:?}",
        course.insights
    );

    // Adjusted at four visits half a year apart: a new episode each time, not a course of
    // treatment that failed.
    let course = Reasoner::builtin().course(&si_course(&[6, 6, 6, 6], 180));
    assert!(course.insights.is_empty(), "{:?}", course.insights);
    assert_eq!(course.trajectories[0].trend, Trend::Unchanged);
}

#[test]
fn a_patient_with_no_findings_has_no_trajectory_and_no_insight() {
    assert_eq!(Reasoner::builtin().course(&[]), Default::default());
    let timeline: Vec<VisitRecord> = (0..5)
        .map(|i| visit(i + 1, i * 7, Vec::new(), vec![si_adjustment()]))
        .collect();
    let course = Reasoner::builtin().course(&timeline);
    assert!(course.trajectories.is_empty());
    assert!(course.insights.is_empty());
    assert!(
        Reasoner::builtin()
            .insights_at(&timeline, VisitId(5))
            .is_empty()
    );
}

#[test]
fn visits_out_of_order_are_read_in_date_order() {
    let mut timeline = si_course(&[6, 6, 6, 6], 7);
    let in_order = Reasoner::builtin().course(&timeline);
    timeline.reverse();
    assert_eq!(Reasoner::builtin().course(&timeline), in_order);
}

/// A change to one entry of warning_signs.json.
type Edit = dyn Fn(&mut serde_json::Value);

#[test]
fn warning_signs_are_checked_like_the_rest_of_the_knowledge_base() {
    let builtin = KnowledgeFiles::builtin();
    let text: serde_json::Value = serde_json::from_str(builtin.warning_signs.1).unwrap();
    let broken = |edit: &Edit| {
        let mut value = text.clone();
        edit(&mut value["warning_signs"][0]);
        let edited = serde_json::to_string(&value).unwrap();
        let files = KnowledgeFiles {
            warning_signs: ("warning_signs.json", &edited),
            ..KnowledgeFiles::builtin()
        };
        KnowledgeBase::load(upstream::model::Vocabulary::builtin().clone(), &files)
            .map(|_| ())
            .unwrap_err()
            .to_string()
    };
    let cases: [(&Edit, &str); 5] = [
        (&|w| w["citations"] = serde_json::json!([]), "no citation"),
        (
            &|w| w["source"] = "root_s9".into(),
            "unknown source `root_s9`",
        ),
        (
            &|w| w["signs"][0]["kinds"] = serde_json::json!(["tight"]),
            "unknown finding kind `tight`",
        ),
        (
            &|w| w["signs"][2]["regions"] = serde_json::json!(["thumb"]),
            "no manifestation of pain at thumb",
        ),
        (&|w| w["min_signs"] = 9.into(), "min_signs"),
    ];
    for (edit, expected) in cases {
        let message = broken(edit);
        assert!(
            message.contains("warning_signs.json") && message.contains(expected),
            "{expected}: {message}"
        );
    }
}

/// The graded findings read from the clinic's words, as the window charts them ("L Achilles
/// reflex 2+" is neither decreased nor increased: two findings).
fn read_one(text: &str) -> Vec<Finding> {
    let reading = upstream::model::reader::read_findings(
        text,
        None,
        upstream::model::Vocabulary::builtin(),
        upstream::model::reader::Lexicon::builtin(),
    );
    assert!(
        reading.is_whole() && !reading.items.is_empty(),
        "{text}: {reading:?}"
    );
    reading.items.into_iter().map(|i| i.finding).collect()
}

fn deficit(insights: &[Insight]) -> Option<&Insight> {
    insights
        .iter()
        .find(|i| matches!(i.kind, InsightKind::DeficitWorsening { .. }))
}

#[test]
fn a_strength_grade_that_drops_across_visits_raises_the_progressive_deficit_flag() {
    let timeline = vec![
        visit(1, 0, read_one("R EHL 5/5"), vec![]),
        visit(2, 7, read_one("R EHL 4/5"), vec![]),
        visit(3, 14, read_one("R EHL 3/5"), vec![]),
    ];
    let course = Reasoner::builtin().course(&timeline);
    let insight = deficit(&course.insights).expect("a deficit getting worse");
    let InsightKind::DeficitWorsening {
        grades,
        urgency,
        refer_to,
        ..
    } = &insight.kind
    else {
        unreachable!()
    };
    let written: Vec<&str> = grades.iter().map(|(g, _)| g.as_str()).collect();
    assert_eq!(written, ["5/5", "4/5", "3/5"]);
    assert_eq!(*urgency, upstream::reasoner::Urgency::SameDay);
    assert!(!refer_to.is_empty());
    assert_eq!(insight.last_held.visit, VisitId(3));
    // It is the first thing the course says.
    assert!(matches!(
        course.insights[0].kind,
        InsightKind::DeficitWorsening { .. }
    ));
    // At the visit before the drop there was none.
    let before = Reasoner::builtin().course(&timeline[..1]);
    assert!(deficit(&before.insights).is_none());
}

#[test]
fn a_reflex_lost_raises_it_and_a_grade_that_recovers_or_wavers_within_a_grade_does_not() {
    let lost = vec![
        visit(1, 0, read_one("L Achilles reflex 2+"), vec![]),
        visit(2, 10, read_one("L Achilles reflex absent"), vec![]),
    ];
    assert!(deficit(&Reasoner::builtin().course(&lost).insights).is_some());
    let recovering = vec![
        visit(1, 0, read_one("R EHL 3/5"), vec![]),
        visit(2, 7, read_one("R EHL 4/5"), vec![]),
        visit(3, 14, read_one("R EHL 4+/5"), vec![]),
    ];
    assert!(deficit(&Reasoner::builtin().course(&recovering).insights).is_none());
    let wavering = vec![
        visit(1, 0, read_one("R EHL 4+/5"), vec![]),
        visit(2, 7, read_one("R EHL 4/5"), vec![]),
    ];
    assert!(deficit(&Reasoner::builtin().course(&wavering).insights).is_none());
    // The other side's grade is another place.
    let two_sides = vec![
        visit(1, 0, read_one("R EHL 5/5"), vec![]),
        visit(2, 7, read_one("L EHL 3/5"), vec![]),
    ];
    assert!(deficit(&Reasoner::builtin().course(&two_sides).insights).is_none());
}

#[test]
fn no_one_in_the_demo_clinic_has_a_deficit_getting_worse() {
    // Their grades hold or recover: a false progressive-deficit flag would send a patient to
    // the GP the same day for nothing.
    for patient in &clinic() {
        let course = Reasoner::builtin().course(&patient.visits);
        assert!(
            deficit(&course.insights).is_none(),
            "{}: {:?}",
            patient.patient.name,
            deficit(&course.insights).map(|i| &i.headline)
        );
    }
}

fn no_better(insights: &[Insight]) -> Option<&Insight> {
    insights
        .iter()
        .find(|i| matches!(i.kind, InsightKind::NoBetterWithCare { .. }))
}

#[test]
fn four_weeks_of_unchanged_pain_asks_for_a_fresh_look_for_red_flags() {
    let weekly = |ratings: &[u8]| -> Vec<VisitRecord> {
        ratings
            .iter()
            .enumerate()
            .map(|(i, &r)| visit(i as i64 + 1, i as i64 * 7, vec![si_pain(r)], vec![]))
            .collect()
    };
    // Five weekly visits, 6/10 to 5/10: four weeks and no real change.
    let course = Reasoner::builtin().course(&weekly(&[6, 6, 5, 6, 5]));
    let insight = no_better(&course.insights).expect("no better after four weeks");
    assert_eq!(insight.first_held.visit, VisitId(5));
    assert!(insight.details.iter().any(|d| d.contains("red flags")));
    assert!(!insight.citations.is_empty());
    // Three weeks is not yet four; a real improvement is better.
    assert!(no_better(&Reasoner::builtin().course(&weekly(&[6, 6, 6, 6])).insights).is_none());
    assert!(
        no_better(
            &Reasoner::builtin()
                .course(&weekly(&[6, 6, 5, 4, 3]))
                .insights
        )
        .is_none()
    );
}

#[test]
fn pain_settled_to_a_niggle_is_no_failure_to_improve() {
    let ratings = [2, 2, 1, 2, 2];
    let timeline: Vec<VisitRecord> = ratings
        .iter()
        .enumerate()
        .map(|(i, &r)| visit(i as i64 + 1, i as i64 * 7, vec![si_pain(r)], vec![]))
        .collect();
    assert!(no_better(&Reasoner::builtin().course(&timeline).insights).is_none());
    // Nor does anyone in the demo clinic get it: their pain eases or settles.
    for patient in &clinic() {
        let course = Reasoner::builtin().course(&patient.visits);
        assert!(
            no_better(&course.insights).is_none(),
            "{}: {:?}",
            patient.patient.name,
            no_better(&course.insights).map(|i| &i.headline)
        );
    }
}

// ----- red flags read across visits -----

/// The red flags the visits read together raise, by flag id, with their urgency.
fn across(insights: &[Insight]) -> Vec<(&str, upstream::reasoner::Urgency)> {
    insights
        .iter()
        .filter_map(|i| match &i.kind {
            InsightKind::FlagAcrossVisits { flag, urgency, .. } => Some((flag.as_str(), *urgency)),
            _ => None,
        })
        .collect()
}

fn numb(region: &str, side: Side) -> Finding {
    finding("numbness", region, side, None)
}

#[test]
fn numbness_that_spreads_to_a_new_place_between_visits_raises_the_progressive_deficit_flag() {
    let timeline = vec![
        visit(1, 0, vec![numb("leg_lateral", Side::Left)], vec![]),
        visit(
            2,
            7,
            vec![
                numb("leg_lateral", Side::Left),
                numb("foot_dorsum", Side::Left),
            ],
            vec![],
        ),
    ];
    let course = Reasoner::builtin().course(&timeline);
    assert_eq!(
        across(&course.insights),
        vec![(
            "rf_progressive_neuro_deficit",
            upstream::reasoner::Urgency::SameDay
        )]
    );
    let insight = &course.insights[0];
    assert!(insight.headline.contains("foot"), "{}", insight.headline);
    assert_eq!(insight.last_held.visit, VisitId(2));
    // The same numbness at both visits, or numbness that shrinks to a place it already
    // reached, is not spreading.
    let same = vec![
        visit(1, 0, vec![numb("leg", Side::Left)], vec![]),
        visit(2, 7, vec![numb("calf", Side::Left)], vec![]),
    ];
    assert!(across(&Reasoner::builtin().course(&same).insights).is_empty());
    // Spreading to the other leg is spreading.
    let other_side = vec![
        visit(1, 0, vec![numb("leg_lateral", Side::Left)], vec![]),
        visit(2, 7, vec![numb("leg_lateral", Side::Bilateral)], vec![]),
    ];
    assert_eq!(
        across(&Reasoner::builtin().course(&other_side).insights).len(),
        1
    );
    // A season later is a new episode, not a spread.
    let later = vec![
        visit(1, 0, vec![numb("leg_lateral", Side::Left)], vec![]),
        visit(2, 200, vec![numb("foot_dorsum", Side::Left)], vec![]),
    ];
    assert!(across(&Reasoner::builtin().course(&later).insights).is_empty());
}

#[test]
fn a_bladder_symptom_new_since_visits_for_back_and_leg_pain_is_a_cauda_equina_emergency() {
    let back = || {
        vec![
            finding("pain", "low_back", Side::Midline, Some(6)),
            finding("pain", "thigh_posterior", Side::Left, Some(5)),
        ]
    };
    let bladder = Finding::new("bladder_dysfunction", None, Side::None);
    // The visit that charts it charts nothing of the back: only the course connects them.
    let timeline = vec![
        visit(1, 0, back(), vec![]),
        visit(2, 5, back(), vec![]),
        visit(3, 9, vec![bladder.clone()], vec![]),
    ];
    let course = Reasoner::builtin().course(&timeline);
    assert_eq!(
        across(&course.insights),
        vec![("rf_cauda_equina", upstream::reasoner::Urgency::Emergency)]
    );
    // Charted at every visit it is not new; with no back or leg symptoms before, the
    // course does not connect it.
    let all_along = vec![
        visit(1, 0, [back(), vec![bladder.clone()]].concat(), vec![]),
        visit(2, 5, vec![bladder.clone()], vec![]),
    ];
    assert!(across(&Reasoner::builtin().course(&all_along).insights).is_empty());
    let no_back = vec![
        visit(
            1,
            0,
            vec![finding("pain", "shoulder", Side::Left, Some(4))],
            vec![],
        ),
        visit(2, 5, vec![bladder], vec![]),
    ];
    assert!(across(&Reasoner::builtin().course(&no_back).insights).is_empty());
}

#[test]
fn a_bowel_symptom_new_since_visits_for_back_and_leg_pain_is_a_cauda_equina_emergency_too() {
    let back = || {
        vec![
            finding("pain", "low_back", Side::Midline, Some(5)),
            finding("numbness", "leg_lateral", Side::Right, None),
        ]
    };
    let bowel = Finding::new("bowel_dysfunction", None, Side::None);
    let timeline = vec![
        visit(1, 0, back(), vec![]),
        visit(2, 6, [back(), vec![bowel.clone()]].concat(), vec![]),
    ];
    let course = Reasoner::builtin().course(&timeline);
    assert!(
        across(&course.insights)
            .contains(&("rf_cauda_equina", upstream::reasoner::Urgency::Emergency)),
        "{:?}",
        across(&course.insights)
    );
    // Examined and absent, it is no symptom.
    let denied = vec![
        visit(1, 0, back(), vec![]),
        visit(2, 6, [back(), vec![bowel.absent()]].concat(), vec![]),
    ];
    assert!(
        !across(&Reasoner::builtin().course(&denied).insights)
            .iter()
            .any(|(id, _)| *id == "rf_cauda_equina")
    );
}

#[test]
fn a_flag_screened_at_an_earlier_visit_and_never_answered_is_named_until_it_is() {
    // A swollen left calf at two visits: a DVT to screen each time (one Wells point), and
    // nothing charted that settles it.
    let swollen = || finding("swelling", "calf", Side::Left, Some(3));
    let timeline = vec![
        visit(1, 0, vec![swollen()], vec![]),
        visit(2, 4, vec![swollen()], vec![]),
    ];
    let course = Reasoner::builtin().course(&timeline);
    let flags = across(&course.insights);
    assert!(
        flags.contains(&("rf_dvt", upstream::reasoner::Urgency::SameDay)),
        "{flags:?}"
    );
    let insight = course
        .insights
        .iter()
        .find(|i| i.headline.contains("never answered"))
        .unwrap();
    assert!(
        insight.details.iter().any(|d| d.contains("Wells")),
        "{:?}",
        insight.details
    );
    // At the first visit alone it is only to screen, not yet unanswered.
    assert!(across(&Reasoner::builtin().course(&timeline[..1]).insights).is_empty());
    // Answered at the second: tenderness along the calf examined and absent.
    let mut answered = timeline.clone();
    let mut no_tenderness = finding("tenderness", "calf", Side::Left, None);
    no_tenderness.presence = upstream::model::Presence::Absent;
    answered[1].findings.push(no_tenderness);
    let answered = Reasoner::builtin().course(&answered);
    let flags = across(&answered.insights);
    assert!(!flags.iter().any(|(id, _)| *id == "rf_dvt"), "{flags:?}");
}

#[test]
fn a_flag_answered_at_an_earlier_visit_is_named_only_from_the_visit_after_the_answer() {
    // A swollen left calf at four visits; at the second, tenderness along the calf was
    // examined and absent, which answered the DVT screen that day. The screen open at the
    // third and fourth is unanswered since the third, not since the first.
    let swollen = || finding("swelling", "calf", Side::Left, Some(3));
    let mut no_tenderness = finding("tenderness", "calf", Side::Left, None);
    no_tenderness.presence = upstream::model::Presence::Absent;
    let timeline = vec![
        visit(1, 0, vec![swollen()], vec![]),
        visit(2, 4, vec![swollen(), no_tenderness], vec![]),
        visit(3, 8, vec![swollen()], vec![]),
        visit(4, 12, vec![swollen().with_intensity(4).unwrap()], vec![]),
    ];
    let course = Reasoner::builtin().course(&timeline);
    let insight = course
        .insights
        .iter()
        .find(|i| i.headline.contains("never answered"))
        .unwrap();
    assert!(
        insight.details[0].contains("at 2 visits"),
        "{:?}",
        insight.details
    );
    let third = timeline[2].visit.started_at.date();
    assert!(
        insight
            .headline
            .contains(&third.format("%Y-%m-%d").to_string()),
        "{} (the third visit was {third})",
        insight.headline
    );
}

#[test]
fn no_one_in_the_demo_clinic_gets_a_red_flag_across_visits() {
    for patient in &clinic() {
        let course = Reasoner::builtin().course_of(&patient.patient, &patient.visits);
        assert!(
            across(&course.insights).is_empty(),
            "{}: {:?}",
            patient.patient.name,
            across(&course.insights)
        );
    }
}
