//! The demo clinic tells the stories our users know, in data the rest of the app reads.

use chrono::NaiveDate;
use upstream::model::reader::{Lexicon, read_findings};
use upstream::model::{Finding, InterventionKind, Presence, Side, VisitRecord, Vocabulary};
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

fn record<'a>(clinic: &'a [PatientRecord], name: &str) -> &'a PatientRecord {
    clinic.iter().find(|p| p.patient.name == name).unwrap()
}

/// The intensity of a present finding at each visit (None where it was not charted).
fn intensities(visits: &[VisitRecord], kind: &str, region: &str, side: Side) -> Vec<Option<u8>> {
    visits
        .iter()
        .map(|visit| {
            visit
                .findings
                .iter()
                .find(|f| {
                    f.kind.as_str() == kind
                        && f.region.as_ref().map(|r| r.as_str()) == Some(region)
                        && f.side == side
                        && f.presence == Presence::Present
                })
                .map(|f| f.intensity.map_or(0, |i| i.value()))
        })
        .collect()
}

fn first_visit_with(visits: &[VisitRecord], kind: &str, region: &str, side: Side) -> Option<usize> {
    intensities(visits, kind, region, side)
        .iter()
        .position(Option::is_some)
}

#[test]
fn eight_patients_with_four_to_twelve_visits_over_several_months() {
    let clinic = clinic();
    assert_eq!(clinic.len(), 8);
    for record in &clinic {
        let visits = &record.visits;
        assert!(
            (4..=12).contains(&visits.len()),
            "{}: {} visits",
            record.patient.name,
            visits.len()
        );
        assert!(
            visits
                .iter()
                .all(|v| !v.visit.subjective.is_empty() && !v.visit.plan.is_empty())
        );
        assert!(
            visits
                .iter()
                .any(|v| !v.findings.is_empty() && !v.interventions.is_empty())
        );
    }
    let first = clinic
        .iter()
        .flat_map(|p| &p.visits)
        .map(|v| v.visit.started_at)
        .min()
        .unwrap();
    let last = clinic
        .iter()
        .flat_map(|p| &p.visits)
        .map(|v| v.visit.started_at)
        .max()
        .unwrap();
    assert!((last - first).num_days() >= 90, "several months");
    assert!(
        last.date() <= NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        "no visit in the future"
    );
    assert!(
        (NaiveDate::from_ymd_opt(2026, 12, 1).unwrap() - last.date()).num_days() < 14,
        "recent"
    );
}

#[test]
fn the_runner_s_si_pain_does_not_change_with_si_adjustments_and_eases_after_soleus_work() {
    let clinic = clinic();
    let runner = record(&clinic, "Maya Lindqvist");
    let last_visit = runner.visits.last().unwrap().visit.started_at.date();
    assert_eq!(runner.patient.age_on(last_visit), Some(38));
    assert!(runner.patient.occupation.contains("standing desk"));
    let visits = &runner.visits;

    assert_eq!(
        first_visit_with(visits, "tightness", "calf", Side::Bilateral),
        Some(0)
    );
    let si = intensities(visits, "pain", "si_joint", Side::Left);
    let soleus_work = visits
        .iter()
        .position(|v| {
            v.interventions
                .iter()
                .any(|i| i.target.to_lowercase().contains("soleus"))
        })
        .expect("soleus is treated at some visit");
    let si_adjusted: Vec<u8> = visits[..soleus_work]
        .iter()
        .zip(&si)
        .filter(|(v, _)| {
            v.interventions.iter().any(|i| {
                i.kind == InterventionKind::SpinalManipulation
                    && i.region.as_ref().map(|r| r.as_str()) == Some("si_joint")
            })
        })
        .filter_map(|(_, intensity)| *intensity)
        .collect();
    assert!(
        si_adjusted.len() >= 3,
        "SI adjusted at several visits: {si_adjusted:?}"
    );
    let (low, high) = (
        si_adjusted.iter().min().unwrap(),
        si_adjusted.iter().max().unwrap(),
    );
    assert!(
        high - low < 2,
        "no real change under SI adjustments: {si_adjusted:?}"
    );

    let before = si[soleus_work - 1].unwrap();
    let end = si.iter().rev().find_map(|i| *i).unwrap();
    assert!(before >= end + 3, "SI pain eases after soleus work: {si:?}");
    assert!(
        visits[soleus_work..]
            .iter()
            .any(|v| v
                .interventions
                .iter()
                .any(|i| i.kind == InterventionKind::Advice
                    && (i.target.to_lowercase().contains("foot")
                        || i.dose.to_lowercase().contains("foot")
                        || i.notes.to_lowercase().contains("foot")))),
        "a foot block at the desk is advised"
    );

    let jaw = first_visit_with(visits, "pain", "jaw_tmj", Side::Right).expect("right jaw pain");
    assert!(jaw > 0, "jaw pain comes later");
    assert!(
        visits
            .iter()
            .any(|v| v.findings.iter().any(|f| f.kind.as_str() == "headache"))
    );
}

#[test]
fn the_s1_patient_s_signs_build_up_before_the_calf_strain() {
    let clinic = clinic();
    let patient = record(&clinic, "Daniel Okafor");
    let last_visit = patient.visits.last().unwrap().visit.started_at.date();
    assert_eq!(patient.patient.age_on(last_visit), Some(52));
    assert!(
        patient
            .patient
            .history
            .contains(&"degenerative_disc_disease".to_owned())
    );
    let visits = &patient.visits;

    let strain = visits
        .iter()
        .position(|v| {
            v.findings.iter().any(|f| {
                f.kind.as_str() == "pain"
                    && f.region.as_ref().map(|r| r.as_str()) == Some("calf")
                    && f.intensity.is_some_and(|i| i.value() >= 6)
            })
        })
        .expect("the calf strain visit");
    let tight = first_visit_with(visits, "tightness", "calf", Side::Right).unwrap();
    let twitch = first_visit_with(visits, "fasciculation", "calf", Side::Right).unwrap();
    let ankle = first_visit_with(visits, "pain", "ankle_lateral", Side::Right).unwrap();
    let hip = first_visit_with(visits, "pain", "hip_lateral", Side::Right).unwrap();
    assert!(
        tight <= twitch && twitch <= ankle && ankle <= hip && hip < strain,
        "tightness {tight}, fasciculation {twitch}, ankle {ankle}, hip {hip}, strain {strain}"
    );
    assert!(strain >= 4, "over several weeks");

    // Mild, on-and-off low back pain.
    let back: Vec<Option<u8>> = visits[..strain]
        .iter()
        .map(|v| {
            v.findings
                .iter()
                .find(|f| {
                    f.kind.as_str() == "pain"
                        && f.region.as_ref().map(|r| r.as_str()) == Some("low_back")
                        && f.presence == Presence::Present
                })
                .map(|f| f.intensity.map_or(0, |i| i.value()))
        })
        .collect();
    assert!(back.iter().flatten().all(|&i| i <= 3), "{back:?}");
    assert!(
        back.iter().any(Option::is_none) && back.iter().any(Option::is_some),
        "on and off: {back:?}"
    );

    // The calf strain is not an Achilles rupture.
    assert!(
        visits[strain]
            .findings
            .iter()
            .any(|f| f.test_name.contains("Thompson") && f.presence == Presence::Absent)
    );
}

/// What a clinician checks a charted finding against its note by: what was found, where,
/// on which side, present or absent, and the test's name.
fn what_is_said(finding: &Finding) -> String {
    format!(
        "{} {} {} {} {}",
        finding.kind,
        finding.region.as_ref().map_or("-", |r| r.as_str()),
        finding.side.code(),
        if finding.presence == Presence::Absent {
            "absent"
        } else {
            "present"
        },
        finding.test_name
    )
}

/// Why the reader may leave words of a demo note unread: the words say nothing it would
/// chart (her work, the running load, what the dentist said), or name an activity with no
/// finding it provokes or eases ("switched to a standing desk"). Any other reason (a place
/// with no finding, a second intensity, a number that is no intensity) is a finding the
/// note says and the reader missed.
const SAYS_NO_FINDING: [&str; 3] = [
    "not a word the reader knows",
    "no finding named",
    "worse or better with it? say which",
];

#[test]
fn every_demo_visit_s_findings_are_what_the_reader_reads_in_its_notes() {
    let clinic = clinic();
    let mut problems = Vec::new();
    let mut charted_count = 0;
    for record in &clinic {
        for (number, visit) in record.visits.iter().enumerate() {
            let at = format!("{} visit {}", record.patient.name, number + 1);
            let readings = [&visit.visit.subjective, &visit.visit.objective]
                .map(|note| read_findings(note, None, Vocabulary::builtin(), Lexicon::builtin()));
            let read: Vec<(&Finding, &str)> = readings
                .iter()
                .flat_map(|reading| {
                    reading
                        .items
                        .iter()
                        .map(|item| (&item.finding, &reading.text[item.span[0]..item.span[1]]))
                })
                .collect();
            for charted in &visit.findings {
                charted_count += 1;
                let said = what_is_said(charted);
                let in_note: Vec<&Finding> = read
                    .iter()
                    .filter(|(f, _)| what_is_said(f) == said)
                    .map(|(f, _)| *f)
                    .collect();
                if in_note.is_empty() {
                    problems.push(format!("{at}: charted `{said}` is not read in its notes"));
                } else if let Some(intensity) = charted.intensity
                    && !in_note.iter().any(|f| f.intensity == Some(intensity))
                {
                    problems.push(format!(
                        "{at}: charted `{said}` at {}/10, the notes do not say so",
                        intensity.value()
                    ));
                }
            }
            for (finding, words) in &read {
                let said = what_is_said(finding);
                match visit.findings.iter().find(|c| what_is_said(c) == said) {
                    None => {
                        problems.push(format!("{at}: `{words}` is read as `{said}`, not charted"))
                    }
                    Some(charted)
                        if finding.intensity.is_some()
                            && finding.intensity != charted.intensity =>
                    {
                        problems.push(format!(
                            "{at}: `{words}` says another intensity than the chart's `{said}`"
                        ))
                    }
                    Some(_) => {}
                }
            }
            for reading in &readings {
                for question in &reading.questions {
                    problems.push(format!(
                        "{at}: the reader asks about `{}`: {}",
                        question.text, question.ask
                    ));
                }
                for unread in &reading.unread {
                    if !SAYS_NO_FINDING.contains(&unread.why.as_str()) {
                        problems.push(format!(
                            "{at}: `{}` is left unread: {}",
                            unread.text, unread.why
                        ));
                    }
                }
            }
        }
    }
    assert!(charted_count > 0, "the demo clinic charts findings");
    assert!(
        problems.is_empty(),
        "{} problems in the demo notes:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
