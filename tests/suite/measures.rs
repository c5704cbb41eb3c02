//! Outcome measures (issue 16): each instrument scored against the worked examples of its
//! published scoring instructions, missing items and edge values included; measures
//! charted, signed, locked, audited, exported and imported with their visit; applied from
//! the command line; and read across visits by the course.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use upstream::model::{
    Finding, Instrument, Intervention, InterventionKind, Measure, MeasureError, Patient, PatientId,
    Side, Visit, VisitId, VisitKind, VisitRecord,
};
use upstream::reasoner::Reasoner;
use upstream::reasoner::course::{Insight, InsightKind, Trend};
use upstream::store::{Store, StoreError};

fn all(value: i32, count: usize) -> Vec<Option<i32>> {
    vec![Some(value); count]
}

fn odi() -> &'static Instrument {
    Instrument::find("odi").unwrap()
}

fn close(value: f64, expected: f64) -> bool {
    (value - expected).abs() < 0.06
}

// ----- scoring, by the published instructions -----

#[test]
fn odi_is_the_sum_over_the_sections_answered_as_a_percentage() {
    // Oswestry scoring instructions (rehab.msu.edu form; Fairbank & Pynsent 2000).
    // The scoring instructions' example: 16 scored of 50 possible is 32 %.
    let answers = [2, 2, 2, 2, 2, 2, 1, 1, 1, 1].map(Some).to_vec();
    let score = odi().score(&answers).unwrap();
    assert!(close(score.value, 32.0), "{}", score.value);
    assert_eq!(score.band.as_deref(), Some("moderate disability"));
    assert_eq!(odi().score_text(score.value), "32 %");
    // One section left out: 16 of 45 possible, 35.5 % in the instructions (35.6 rounded).
    let mut one_missing = [2, 2, 2, 2, 2, 2, 2, 1, 1, 0].map(Some).to_vec();
    one_missing[9] = None;
    let score = odi().score(&one_missing).unwrap();
    assert!(close(score.value, 35.55), "{}", score.value);
    assert_eq!(score.answered, 9);
    // Edges: nothing ticked past the first statement, and every last statement.
    let none = odi().score(&all(0, 10)).unwrap();
    assert_eq!(
        (none.value, none.band.as_deref()),
        (0.0, Some("minimal disability"))
    );
    let worst = odi().score(&all(5, 10)).unwrap();
    assert!(close(worst.value, 100.0));
    // Too much left out: no score, and said why.
    let mut sparse = all(3, 10);
    sparse[0] = None;
    sparse[4] = None;
    sparse[7] = None;
    let error = odi().score(&sparse).unwrap_err();
    assert!(matches!(
        error,
        MeasureError::TooManyMissing {
            missing: 3,
            allowed: 2,
            ..
        }
    ));
    assert!(
        error
            .to_string()
            .contains("cannot be scored with 3 item(s) left out"),
        "{error}"
    );
    // A statement that does not exist, and a form of the wrong length.
    let mut six = all(1, 10);
    six[2] = Some(6);
    assert!(matches!(
        odi().score(&six),
        Err(MeasureError::OutOfRange {
            item: 3,
            value: 6,
            ..
        })
    ));
    assert!(matches!(
        odi().score(&all(1, 9)),
        Err(MeasureError::WrongCount {
            expected: 10,
            given: 9,
            ..
        })
    ));
}

#[test]
fn ndi_is_out_of_50_and_an_item_left_out_gets_the_average_of_the_rest() {
    // H. Vernon's scoring note (chiro.org/forms/NDI_Explain.shtml): items 0-5, total /50,
    // the average of the others for an item left out; his bands 0-4, 5-14, 15-24, 25-34.
    let ndi = Instrument::find("ndi").unwrap();
    let score = ndi
        .score(&[1, 2, 1, 2, 3, 1, 2, 1, 1, 1].map(Some))
        .unwrap();
    assert_eq!(score.value, 15.0);
    assert_eq!(score.band.as_deref(), Some("moderate disability"));
    assert_eq!(ndi.score_text(score.value), "15/50");
    // Driving left out (often not applicable): 18 over 9 items, 2 each, makes 20.
    let mut no_driving = [2, 2, 2, 2, 2, 2, 2, 0, 2, 2].map(Some).to_vec();
    no_driving[7] = None;
    assert_eq!(ndi.score(&no_driving).unwrap().value, 20.0);
    assert_eq!(
        ndi.score(&all(0, 10)).unwrap().band.as_deref(),
        Some("no disability")
    );
    let worst = ndi.score(&all(5, 10)).unwrap();
    assert_eq!(
        (worst.value, worst.band.as_deref()),
        (50.0, Some("complete disability"))
    );
    assert_eq!(ndi.important_change(30.0), Some(7.5));
}

#[test]
fn lefs_is_the_sum_of_twenty_activities_out_of_80_and_refuses_one_left_out() {
    // Binkley et al., Phys Ther 1999: 20 activities 0-4, summed, 80 the most; MCID 9.
    let lefs = Instrument::find("lefs").unwrap();
    assert_eq!(lefs.score(&all(4, 20)).unwrap().value, 80.0);
    assert_eq!(lefs.score(&all(0, 20)).unwrap().value, 0.0);
    let mut answers = all(2, 20);
    answers[0] = Some(4);
    answers[19] = Some(0);
    assert_eq!(lefs.score(&answers).unwrap().value, 40.0);
    answers[5] = None;
    assert!(matches!(
        lefs.score(&answers),
        Err(MeasureError::TooManyMissing {
            missing: 1,
            allowed: 0,
            ..
        })
    ));
    assert_eq!(lefs.important_change(40.0), Some(9.0));
    assert_eq!(
        lefs.improvement(40.0, 52.0),
        12.0,
        "higher is better on the LEFS"
    );
}

#[test]
fn quickdash_is_the_mean_less_one_times_25_with_at_most_one_item_left_out() {
    // IWH, Scoring the DASH: (sum of n / n - 1) x 25; Gummesson et al. 2006: 10 of 11.
    let quickdash = Instrument::find("quickdash").unwrap();
    assert_eq!(quickdash.score(&all(1, 11)).unwrap().value, 0.0);
    assert_eq!(quickdash.score(&all(5, 11)).unwrap().value, 100.0);
    // All 3s: (33 / 11 - 1) x 25 = 50; one left out: (30 / 10 - 1) x 25 = 50.
    assert_eq!(quickdash.score(&all(3, 11)).unwrap().value, 50.0);
    let mut one_missing = all(3, 11);
    one_missing[10] = None;
    assert_eq!(quickdash.score(&one_missing).unwrap().value, 50.0);
    // (2+2+2+2+2+3+3+3+3+3+4 = 29; 29 / 11 - 1) x 25 = 40.9
    let mixed = [2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4].map(Some);
    assert!(close(quickdash.score(&mixed).unwrap().value, 40.91));
    one_missing[0] = None;
    assert!(
        quickdash.score(&one_missing).is_err(),
        "10 of 11 items are needed"
    );
    assert!(
        quickdash.score(&all(0, 11)).is_err(),
        "items are scored 1 to 5"
    );
}

#[test]
fn start_back_sorts_by_the_distress_subscale_then_the_overall_score() {
    // Keele, Using and scoring the SBST: distress (items 5-9) 4-5 high; else overall 0-3
    // low, 4-9 medium; item 9 counts when 'very much' or 'extremely'.
    let start_back = Instrument::find("start_back").unwrap();
    let band = |answers: [i32; 9]| start_back.score(&answers.map(Some)).unwrap();
    // Overall 3: low risk.
    let low = band([1, 1, 1, 0, 0, 0, 0, 0, 2]);
    assert_eq!((low.value, low.band.as_deref()), (3.0, Some("low risk")));
    // Overall 4 with little distress: medium risk.
    assert_eq!(
        band([1, 1, 1, 1, 0, 0, 0, 0, 1]).band.as_deref(),
        Some("medium risk")
    );
    // Distress 4 (fear, anxiety, catastrophising, 'very much' bothered): high risk.
    let high = band([0, 0, 0, 0, 1, 1, 1, 0, 3]);
    assert_eq!((high.value, high.band.as_deref()), (4.0, Some("high risk")));
    // Bothered only 'moderately' does not count.
    assert_eq!(
        band([0, 0, 0, 0, 1, 1, 1, 0, 2]).band.as_deref(),
        Some("low risk")
    );
    assert_eq!(band([0; 9]).value, 0.0);
    assert_eq!(
        band([1, 1, 1, 1, 1, 1, 1, 1, 4]).band.as_deref(),
        Some("high risk")
    );
    let mut missing = [1; 9].map(Some);
    missing[8] = None;
    assert!(start_back.score(&missing).is_err());
}

#[test]
fn psfs_is_the_average_of_the_patient_s_own_activities() {
    // Stratford 1995 (via the Rehabilitation Measures Database): each activity 0-10.
    let psfs = Instrument::find("psfs").unwrap();
    let activities: Vec<String> = [
        "running 5 km",
        "sitting through a meeting",
        "lifting my son",
    ]
    .map(String::from)
    .to_vec();
    let score = psfs.score_with(&[3, 5, 4].map(Some), &activities).unwrap();
    assert_eq!(score.value, 4.0);
    assert_eq!(
        psfs.score_with(&[10, 10, 10].map(Some), &activities)
            .unwrap()
            .value,
        10.0
    );
    assert!(matches!(
        psfs.score_with(&[3, 5].map(Some), &activities),
        Err(MeasureError::WrongActivities { .. })
    ));
    let six: Vec<String> = (1..=6).map(|n| format!("activity {n}")).collect();
    assert!(
        psfs.score_with(&all(5, 6), &six).is_err(),
        "up to 5 activities"
    );
    assert!(psfs.score_with(&[3, 11, 4].map(Some), &activities).is_err());
}

#[test]
fn nprs_and_the_global_rating_of_change_are_single_ratings() {
    let nprs = Instrument::find("nprs").unwrap();
    assert_eq!(nprs.score(&[Some(7)]).unwrap().value, 7.0);
    assert!(nprs.score(&[Some(11)]).is_err());
    // 2 points, or 30 % of the first rating when that is less.
    assert_eq!(nprs.important_change(8.0), Some(2.0));
    assert!(close(nprs.important_change(5.0).unwrap(), 1.5));
    let groc = Instrument::find("groc").unwrap();
    assert_eq!(
        groc.score(&[Some(-7)]).unwrap().band.as_deref(),
        Some("worse")
    );
    assert_eq!(
        groc.score(&[Some(0)]).unwrap().band.as_deref(),
        Some("about the same")
    );
    assert_eq!(
        groc.score(&[Some(5)]).unwrap().band.as_deref(),
        Some("better")
    );
    assert!(groc.score(&[Some(8)]).is_err());
}

#[test]
fn the_odi_mcid_is_10_points_or_30_percent_of_the_first_score() {
    assert_eq!(odi().important_change(50.0), Some(10.0));
    assert!(close(odi().important_change(20.0).unwrap(), 6.0));
    assert!(matches!(
        Instrument::find("sf36"),
        Err(MeasureError::UnknownInstrument(_))
    ));
}

#[test]
fn items_are_worded_only_where_the_licence_allows_it() {
    for instrument in Instrument::all() {
        if !instrument.licence.items_reproduced {
            // A topic or a number, never the questionnaire's statements.
            assert!(
                instrument.items.iter().all(|item| item.label.len() < 60),
                "{}",
                instrument.code
            );
        }
        assert!(!instrument.licence.source.is_empty(), "{}", instrument.code);
        assert!(!instrument.citations.is_empty(), "{}", instrument.code);
    }
    for code in ["odi", "ndi", "lefs", "quickdash", "start_back"] {
        assert!(
            !Instrument::find(code).unwrap().licence.items_reproduced,
            "{code}"
        );
    }
}

// ----- the record -----

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

fn with_visit(store: &mut Store) -> (PatientId, VisitId) {
    let patient = store
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let visit = store
        .create_visit(
            &crate::by(),
            &Visit::new(patient, at("2026-03-02 09:30"), VisitKind::InitialExam),
        )
        .unwrap();
    (patient, visit)
}

#[test]
fn a_measure_is_charted_scored_audited_and_locked_with_its_signed_visit() {
    let mut store = Store::open_in_memory().unwrap();
    let (patient, visit) = with_visit(&mut store);
    let answers = [2, 2, 2, 2, 2, 2, 1, 1, 1, 1].map(Some).to_vec();
    let id = store
        .add_measure(&crate::by(), &Measure::new(visit, "odi", answers.clone()))
        .unwrap();
    let timeline = store.timeline(patient).unwrap();
    let measure = &timeline[0].measures[0];
    assert_eq!(measure.id, id);
    assert_eq!(measure.score, Some(32.0));
    assert_eq!(measure.band.as_deref(), Some("moderate disability"));
    assert_eq!(measure.answers, answers);

    // Too much left out: refused, said in the clinic's words, nothing written.
    let error = store
        .add_measure(&crate::by(), &Measure::new(visit, "odi", vec![None; 10]))
        .unwrap_err();
    assert!(
        error.to_string().contains("ODI cannot be scored"),
        "{error}"
    );
    assert_eq!(store.timeline(patient).unwrap()[0].measures.len(), 1);

    let history = store.visit_history(visit).unwrap();
    assert!(
        history
            .iter()
            .any(|entry| entry.table_name == "measure" && entry.action == "insert")
    );

    store.sign_visit(&crate::named("Dr. Lee"), visit).unwrap();
    let refused = store
        .add_measure(&crate::by(), &Measure::new(visit, "nprs", vec![Some(4)]))
        .unwrap_err();
    assert!(
        matches!(refused, StoreError::Refused(ref m) if m.contains("signed")),
        "{refused}"
    );
    let refused = store.delete_measure(&crate::by(), id).unwrap_err();
    assert!(refused.to_string().contains("signed"), "{refused}");
    assert_eq!(store.timeline(patient).unwrap()[0].measures.len(), 1);
    let report = store.verify_audit().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[test]
fn measures_travel_in_the_json_export_and_come_back_rescored_on_import() {
    let mut store = Store::open_in_memory().unwrap();
    let (_, visit) = with_visit(&mut store);
    let psfs = Measure {
        activities: vec!["running 5 km".into(), "sitting at my desk".into()],
        ..Measure::new(visit, "psfs", vec![Some(3), Some(6)])
    };
    store.add_measure(&crate::by(), &psfs).unwrap();
    let mut file = store.export().unwrap();
    let text = serde_json::to_string(&file).unwrap();
    assert!(text.contains("\"instrument\":\"psfs\""), "{text}");
    assert!(text.contains("\"score\":4.5"), "{text}");
    assert!(text.contains("running 5 km"));

    let mut copy = Store::open_in_memory().unwrap();
    // A score edited in the file is not believed: it is worked out again.
    file.patients[0].visits[0].measures[0].score = Some(99.0);
    copy.import(&crate::by(), &file).unwrap();
    let patient = copy.search_patients("ada", 1).unwrap()[0].id;
    let measures = &copy.timeline(patient).unwrap()[0].measures;
    assert_eq!(measures[0].score, Some(4.5));
    assert_eq!(measures[0].activities, psfs.activities);

    // A measure that cannot be scored stops the import before anything is written.
    file.patients[0].visits[0].measures[0].answers = vec![Some(3)];
    let mut empty = Store::open_in_memory().unwrap();
    let error = empty.import(&crate::by(), &file).unwrap_err();
    assert!(error.to_string().contains("measures[0].answers"), "{error}");
    assert_eq!(empty.patient_count().unwrap(), 0);
}

fn upstream_cli(db: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_upstream"))
        .env("UPSTREAM_CLINICIAN", "Test Clinician")
        .env_remove("UPSTREAM_DB")
        .env_remove("UPSTREAM_PASSPHRASE")
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn apply_charts_a_measure_and_the_timeline_json_carries_its_score() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let edits = concat!(
        "{\"op\":\"patient\",\"name\":\"Ada Quill\"}\n",
        "{\"op\":\"visit\",\"patient\":1,\"at\":\"2026-03-02T09:30:00\"}\n",
        "{\"op\":\"measure\",\"visit\":1,\"instrument\":\"odi\",\"answers\":[2,2,2,2,2,2,1,1,1,1]}\n",
        "{\"op\":\"measure\",\"visit\":1,\"instrument\":\"odi\",\"answers\":[2,null,null,null,2,2,1,1,1,1]}\n",
        "{\"op\":\"measure\",\"visit\":1,\"instrument\":\"womac\",\"answers\":[1]}\n",
    );
    let output = upstream_cli(&db, &["apply"], edits);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "two lines were refused");
    assert!(
        stderr.contains("line 4: the ODI cannot be scored with 3 item(s) left out"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 5: there is no instrument `womac`"),
        "{stderr}"
    );
    let output = upstream_cli(&db, &["timeline", "1", "--json"], "");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let timeline: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let measures = &timeline["visits"][0]["measures"];
    assert_eq!(measures.as_array().unwrap().len(), 1, "{timeline}");
    assert_eq!(measures[0]["instrument"], "odi");
    assert_eq!(measures[0]["score"], 32.0);
    assert_eq!(measures[0]["band"], "moderate disability");
    let output = upstream_cli(&db, &["timeline", "1"], "");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("measure       ODI 2.1a: 32 % (moderate disability)"),
        "{text}"
    );
}

// ----- across visits -----

fn day(n: i64) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, 5)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        + TimeDelta::days(n)
}

fn knee_visit(id: i64, on_day: i64, pain: u8, lefs: Option<i32>) -> VisitRecord {
    let finding = Finding::new("pain", Some("knee"), Side::Right)
        .with_intensity(pain)
        .unwrap();
    let intervention = Intervention {
        region: Some(upstream::model::RegionCode::new("knee")),
        ..Intervention::new(InterventionKind::Mobilization, "R knee", Side::Right)
    };
    let measures = lefs
        .map(|total| {
            // Twenty activities adding up to `total`.
            let answers = (0..20).map(|i| Some((total - 4 * i).clamp(0, 4))).collect();
            Measure::new(VisitId(id), "lefs", answers).scored().unwrap()
        })
        .into_iter()
        .collect();
    VisitRecord {
        visit: Visit {
            id: VisitId(id),
            ..Visit::new(PatientId(1), day(on_day), VisitKind::FollowUp)
        },
        findings: vec![finding],
        interventions: vec![intervention],
        measures,
        ..VisitRecord::default()
    }
}

fn labelled<'a>(insights: &'a [Insight], label: &str) -> Vec<&'a Insight> {
    insights
        .iter()
        .filter(|i| i.kind.label() == label)
        .collect()
}

#[test]
fn pain_unchanged_but_lefs_up_12_points_is_what_helped_not_local_treatment_not_working() {
    // The knee rated 5/10 throughout, mobilised at every visit.
    let unmeasured: Vec<VisitRecord> = (0..5).map(|i| knee_visit(i + 1, i * 7, 5, None)).collect();
    let course = Reasoner::builtin().course(&unmeasured);
    assert_eq!(
        labelled(&course.insights, "Local treatment not working").len(),
        1
    );

    // The same visits with the LEFS from 40 to 52: past its MCID of 9.
    let lefs = [Some(40), None, Some(44), None, Some(52)];
    let measured: Vec<VisitRecord> = (0..5)
        .map(|i| knee_visit(i + 1, i * 7, 5, lefs[i as usize]))
        .collect();
    assert_eq!(measured[4].measures[0].score, Some(52.0));
    let course = Reasoner::builtin().course(&measured);
    assert!(
        labelled(&course.insights, "Local treatment not working").is_empty(),
        "{:#?}",
        course.insights
    );
    let helped = labelled(&course.insights, "What helped");
    assert_eq!(helped.len(), 1, "{:#?}", course.insights);
    let helped = helped[0];
    assert_eq!(helped.first_held.visit, VisitId(5));
    assert!(
        helped
            .headline
            .starts_with("LEFS better by 12 points since 2026-01-05: 40/80 to 52/80"),
        "{}",
        helped.headline
    );
    assert!(
        helped
            .headline
            .contains("past its MCID of 9 points, after: Mobilization"),
        "{}",
        helped.headline
    );
    assert!(matches!(
        helped.kind,
        InsightKind::MeasureCrossed {
            trend: Trend::Better,
            ..
        }
    ));
    assert!(helped.citations[0].contains("Binkley"));

    // A LEFS that falls by 9 says so, and does not excuse the knee.
    let worse = [Some(50), None, None, None, Some(41)];
    let falling: Vec<VisitRecord> = (0..5)
        .map(|i| knee_visit(i + 1, i * 7, 5, worse[i as usize]))
        .collect();
    let course = Reasoner::builtin().course(&falling);
    assert_eq!(labelled(&course.insights, "Outcome measure worse").len(), 1);
    assert_eq!(
        labelled(&course.insights, "Local treatment not working").len(),
        1
    );
}

#[test]
fn a_measure_falls_due_after_30_days_or_6_visits_and_clears_when_one_is_entered() {
    let reasoner = Reasoner::builtin();
    // Weekly visits, the LEFS at the first only: due from day 35 (5 weeks).
    let mut timeline: Vec<VisitRecord> = (0..6)
        .map(|i| knee_visit(i + 1, i * 7, 5 - (i as u8 % 2), (i == 0).then_some(40)))
        .collect();
    let due = |timeline: &[VisitRecord], visit: i64| -> Option<Insight> {
        reasoner
            .insights_at(timeline, VisitId(visit))
            .into_iter()
            .find(|i| matches!(i.kind, InsightKind::MeasureDue { .. }))
    };
    assert!(due(&timeline, 5).is_none(), "28 days and 4 visits on");
    let said = due(&timeline, 6).expect("35 days on");
    assert_eq!(
        said.headline,
        "Outcome measure due: LEFS last filled in on 2026-01-05, 35 days and 5 visits ago"
    );
    // Entered at that visit: no longer due.
    timeline[5] = knee_visit(6, 35, 4, Some(44));
    assert!(due(&timeline, 6).is_none());

    // Twice a week: six visits without one make it due before 30 days.
    let often: Vec<VisitRecord> = (0..7)
        .map(|i| knee_visit(i + 1, i * 3, 5 - (i as u8 % 2), (i == 0).then_some(40)))
        .collect();
    assert!(due(&often, 6).is_none(), "5 visits on");
    assert!(due(&often, 7).is_some(), "6 visits on, 18 days");

    // Never measured: nothing to compare with, so nothing is said to be due.
    let never: Vec<VisitRecord> = (0..8).map(|i| knee_visit(i + 1, i * 7, 5, None)).collect();
    assert!(due(&never, 8).is_none());
}

// ----- the demo clinic's stories -----

fn demo_visits(name: &str) -> Vec<VisitRecord> {
    let mut store = Store::open_in_memory().unwrap();
    store
        .import(
            &crate::by(),
            &upstream::demo::clinic(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).unwrap(),
        )
        .unwrap();
    let patient = store.search_patients(name, 1).unwrap()[0].id;
    store.timeline(patient).unwrap()
}

#[test]
fn the_runner_s_odi_and_psfs_cross_their_mcids_after_the_soleus_work_not_the_si_adjustments() {
    let timeline = demo_visits("Lindqvist");
    let course = Reasoner::builtin().course(&timeline);
    // The SI adjustments did not help: that still stands for the weeks they were given.
    assert!(
        course.insights.iter().any(|i| matches!(
            &i.kind,
            InsightKind::LocalTreatmentNotWorking { label, .. } if label == "L sacroiliac region pain"
        )),
        "{:#?}",
        course.insights
    );
    let re_exam = timeline
        .iter()
        .position(|r| r.visit.kind == VisitKind::ReExam)
        .unwrap();
    let crossed: Vec<&Insight> = course
        .insights
        .iter()
        .filter(|i| {
            matches!(
                i.kind,
                InsightKind::MeasureCrossed {
                    trend: Trend::Better,
                    ..
                }
            )
        })
        .collect();
    let instruments: Vec<&str> = crossed
        .iter()
        .map(|i| match &i.kind {
            InsightKind::MeasureCrossed { instrument, .. } => instrument.as_str(),
            _ => "",
        })
        .collect();
    assert_eq!(instruments, ["odi", "psfs"], "{:#?}", course.insights);
    for insight in crossed {
        assert!(insight.first_held.date > timeline[re_exam].visit.started_at.date());
        assert!(insight.headline.contains("soleus"), "{}", insight.headline);
        assert!(
            !insight.headline.contains("SI joint"),
            "{}",
            insight.headline
        );
    }
    // Her measures lapsed once, in the weeks of SI adjustments before the re-exam.
    let due = labelled(&course.insights, "Outcome measure due");
    assert_eq!(due.len(), 1);
    assert!(due[0].last_held.date < timeline[re_exam].visit.started_at.date());
    // Discharged with a minimal ODI.
    let last = timeline.last().unwrap();
    let odi = last
        .measures
        .iter()
        .find(|m| m.instrument == "odi")
        .unwrap();
    assert_eq!(odi.band.as_deref(), Some("minimal disability"));
}

#[test]
fn the_s1_patient_s_lefs_drifts_within_its_mcid_then_falls_past_it_at_the_calf_strain() {
    let timeline = demo_visits("Okafor");
    let course = Reasoner::builtin().course(&timeline);
    let worse = labelled(&course.insights, "Outcome measure worse");
    assert_eq!(worse.len(), 1, "{:#?}", course.insights);
    let strain = timeline
        .iter()
        .position(|r| r.visit.chief_complaint.starts_with("Acute R calf pain"))
        .unwrap();
    // 62 to 56 over the weeks of local calf work: within its MCID of 9, not yet said.
    let before: Vec<f64> = timeline[..strain]
        .iter()
        .flat_map(|r| &r.measures)
        .filter(|m| m.instrument == "lefs")
        .filter_map(|m| m.score)
        .collect();
    assert_eq!(before, [62.0, 58.0, 56.0]);
    assert_eq!(worse[0].first_held.visit, timeline[strain].visit.id);
    assert!(
        worse[0].headline.starts_with("LEFS worse by 31 points"),
        "{}",
        worse[0].headline
    );
    let first = &timeline[0].measures;
    let start_back = first.iter().find(|m| m.instrument == "start_back").unwrap();
    assert_eq!(start_back.band.as_deref(), Some("low risk"));
}

/// The visit offers first the instruments whose regions hold what was charted, each with
/// the region it suits: a low back patient is offered the ODI and STarT Back first, and
/// once a calf is charted, the LEFS; an instrument for any region is never put first.
#[test]
fn instruments_that_suit_the_charted_regions_are_offered_first() {
    use upstream::model::Vocabulary;
    use upstream::model::measure::offered_at;
    let vocabulary = Vocabulary::builtin();
    let mut store = Store::open_in_memory().unwrap();
    let patient = store
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let day = |d: u32| {
        NaiveDate::from_ymd_opt(2026, 3, d)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
    };
    let first = store
        .create_visit(
            &crate::by(),
            &Visit::new(patient, day(2), VisitKind::FollowUp),
        )
        .unwrap();
    let mut back = Finding::new("pain", Some("low_back"), Side::Left);
    back.visit_id = first;
    store.add_finding(&crate::by(), &back).unwrap();
    let second = store
        .create_visit(
            &crate::by(),
            &Visit::new(patient, day(9), VisitKind::FollowUp),
        )
        .unwrap();
    let timeline = store.timeline(patient).unwrap();

    let offered = offered_at(&timeline, second, vocabulary);
    let codes: Vec<&str> = offered.iter().map(|o| o.instrument.code.as_str()).collect();
    assert_eq!(
        offered.len(),
        Instrument::all().len(),
        "every instrument is offered"
    );
    assert_eq!(&codes[..2], ["odi", "start_back"], "{codes:?}");
    assert_eq!(offered[0].suits.as_deref(), Some("Low back"));
    assert!(offered[2..].iter().all(|o| o.suits.is_none()));

    // A calf charted at the second visit is within the lower leg the LEFS suits.
    let mut calf = Finding::new("pain", Some("calf"), Side::Right);
    calf.visit_id = second;
    store.add_finding(&crate::by(), &calf).unwrap();
    let timeline = store.timeline(patient).unwrap();
    let offered = offered_at(&timeline, second, vocabulary);
    let suggested: Vec<&str> = offered
        .iter()
        .take_while(|o| o.suits.is_some())
        .map(|o| o.instrument.code.as_str())
        .collect();
    assert_eq!(suggested, ["odi", "lefs", "start_back"]);
    let lefs = offered
        .iter()
        .find(|o| o.instrument.code == "lefs")
        .unwrap();
    assert_eq!(lefs.suits.as_deref(), Some("Calf"));
    // At the first visit the calf was not yet charted.
    let earlier = offered_at(&timeline, first, vocabulary);
    assert!(
        earlier
            .iter()
            .all(|o| o.instrument.code != "lefs" || o.suits.is_none())
    );
    for generic in ["psfs", "nprs", "groc"] {
        assert!(
            offered
                .iter()
                .any(|o| o.instrument.code == generic && o.suits.is_none()),
            "{generic} suits any region and is not put first"
        );
    }
}
