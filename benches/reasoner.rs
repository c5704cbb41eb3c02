//! The reasoner on one visit of 8 findings against the full knowledge base, and a
//! patient's course read across 500 visits.
//! Run with `cargo bench --bench reasoner`.

// A panic is how a test or benchmark reports a failure: unwrap and expect are fine here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, TimeDelta};
use criterion::{Criterion, criterion_group, criterion_main};
use upstream::model::{
    Finding, Intervention, InterventionKind, PatientId, RegionCode, Side, Visit, VisitId,
    VisitKind, VisitRecord, Vocabulary, shorthand,
};
use upstream::reasoner::{Case, Reasoner};

fn eight_findings() -> Case {
    let findings = shorthand::parse(
        "R calf tight 4; fasciculations R calf; R lat ankle pain 3/10; R lateral hip pain 2; \
         midline low back pain 2; no numbness R lat foot; SLR + R; R calf tenderness 3",
        Vocabulary::builtin(),
    )
    .expect("the benchmark case parses");
    Case {
        age: Some(52),
        history: vec!["degenerative_disc_disease".into()],
        findings,
        ..Case::default()
    }
}

/// A patient seen twice a week for five years: SI pain treated at the SI joint for weeks
/// without change, then easing after soleus work, again and again; a tight calf with S1
/// signs coming and going on alternating sides; jaw pain now and then.
pub fn five_hundred_visits() -> Vec<VisitRecord> {
    let start = NaiveDate::from_ymd_opt(2021, 1, 4)
        .and_then(|d| d.and_hms_opt(8, 30, 0))
        .expect("a valid start");
    // A small deterministic generator, so every run reads the same record.
    let mut seed: u64 = 0x5eed;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let rated = |kind: &str, region: &str, side: Side, value: u64| {
        Finding::new(kind, Some(region), side)
            .with_intensity(value.min(10) as u8)
            .expect("0-10")
    };
    let given = |kind, target: &str, region: &str, side| Intervention {
        region: Some(RegionCode::new(region)),
        ..Intervention::new(kind, target, side)
    };
    (0..500)
        .map(|i: u64| {
            let phase = i % 12;
            let side = if (i / 40).is_multiple_of(2) {
                Side::Right
            } else {
                Side::Left
            };
            let mut findings = vec![
                rated(
                    "pain",
                    "si_joint",
                    Side::Left,
                    if phase < 7 { 6 } else { 2 } + next(2),
                ),
                rated("tightness", "calf", side, 3 + next(4)),
                rated("pain", "low_back", Side::Midline, 1 + next(3)),
            ];
            if next(3) == 0 {
                findings.push(Finding::new("fasciculation", Some("calf"), side));
            }
            if next(4) == 0 {
                findings.push(rated("pain", "ankle_lateral", side, 2 + next(3)));
            }
            if next(5) == 0 {
                findings.push(rated("pain", "hip_lateral", side, 2 + next(2)));
            }
            if next(6) == 0 {
                findings.push(rated("pain", "jaw_tmj", Side::Right, 3 + next(3)));
            }
            findings.push(Finding::new("reflex_decreased", Some("achilles"), side).absent());
            let mut interventions = vec![given(
                InterventionKind::SoftTissue,
                "gastrocnemius / soleus",
                "calf",
                side,
            )];
            if phase < 6 {
                interventions.push(given(
                    InterventionKind::SpinalManipulation,
                    "SI joint",
                    "si_joint",
                    Side::Left,
                ));
            } else {
                interventions.push(given(
                    InterventionKind::DryNeedling,
                    "soleus",
                    "calf",
                    Side::Bilateral,
                ));
            }
            VisitRecord {
                visit: Visit {
                    id: VisitId(i as i64 + 1),
                    ..Visit::new(
                        PatientId(1),
                        start + TimeDelta::days(i as i64 * 7 / 2),
                        VisitKind::FollowUp,
                    )
                },
                findings,
                interventions,
                ..VisitRecord::default()
            }
        })
        .collect()
}

fn reasoner(c: &mut Criterion) {
    let reasoner = Reasoner::builtin();
    let case = eight_findings();
    c.bench_function("assess a visit of 8 findings", |b| {
        b.iter(|| reasoner.assess(std::hint::black_box(&case)))
    });
    let timeline = five_hundred_visits();
    let course = reasoner.course(&timeline);
    assert!(
        !course.insights.is_empty(),
        "the benchmark record has something to say"
    );
    c.bench_function("read the course of a 500-visit patient", |b| {
        b.iter(|| reasoner.course(std::hint::black_box(&timeline)))
    });
}

/// A 2,000-character Objective as a clinician types it: the reader's target is under 2 ms.
fn reader(c: &mut Criterion) {
    use upstream::model::reader::{Lexicon, read_findings};
    let lines = [
        "Lumbar ROM: flexion limited with pain, extension 10° painful, L rotation full.",
        "TTP L PSIS and QL, L glute med hypertonic.",
        "FABER + L (reproduces SI pain); SLR neg bilat; slump negative.",
        "Reflexes 2+ and symmetric, Achilles reflex intact bilat.",
        "Sensation intact to light touch L4-S1 bilat; EHL 5/5 bilat.",
        "R calf tightness 4/10 worse running, eased by rest; soleus TrPs R.",
        "Pt denies numbness, tingling or weakness in the legs; no bowel or bladder changes.",
    ];
    let mut note = String::new();
    while note.len() < 2000 {
        for line in lines {
            note.push_str(line);
            note.push(' ');
        }
    }
    note.truncate(2000);
    let vocabulary = Vocabulary::builtin();
    let lexicon = Lexicon::builtin();
    c.bench_function("read a 2,000-character note", |b| {
        b.iter(|| read_findings(std::hint::black_box(&note), None, vocabulary, lexicon))
    });
}

criterion_group!(benches, reasoner, reader);
criterion_main!(benches);
