//! A patient's symptoms as series over visits: what the timeline plot draws.

use chrono::NaiveDate;

use super::{Finding, KindCode, Presence, RegionCode, Side, VisitId, VisitRecord, Vocabulary};

/// A symptom is a kind at a region on a side: "L sacroiliac region pain".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct SymptomKey {
    pub kind: KindCode,
    pub region: Option<RegionCode>,
    pub side: Side,
}

impl SymptomKey {
    pub fn of(finding: &Finding) -> Self {
        SymptomKey {
            kind: finding.kind.clone(),
            region: finding.region.clone(),
            side: finding.side,
        }
    }
}

/// One point of a series: a visit's date and the symptom's intensity there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesPoint {
    pub visit: VisitId,
    pub date: NaiveDate,
    pub intensity: u8,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SymptomSeries {
    pub key: SymptomKey,
    pub label: String,
    pub points: Vec<SeriesPoint>,
}

/// Every symptom charted with an intensity, in order of first appearance, with its
/// intensity at each visit that rated it. A symptom examined and found absent at a later
/// visit counts as 0 there: it is gone, which is what the clinician wants to see.
pub fn symptom_series(timeline: &[VisitRecord], vocabulary: &Vocabulary) -> Vec<SymptomSeries> {
    let mut series: Vec<SymptomSeries> = Vec::new();
    for record in timeline {
        let date = record.visit.started_at.date();
        for finding in &record.findings {
            let key = SymptomKey::of(finding);
            let intensity = match (finding.presence, finding.intensity) {
                (Presence::Present, Some(intensity)) => intensity.value(),
                (Presence::Absent, _) => 0,
                (Presence::Present, None) => continue,
            };
            let position = series.iter().position(|s| s.key == key);
            let point = SeriesPoint {
                visit: record.visit.id,
                date,
                intensity,
            };
            match position {
                Some(i) => {
                    // One point per visit: the last charted wins.
                    let points = &mut series[i].points;
                    match points.last_mut() {
                        Some(last) if last.visit == point.visit => *last = point,
                        _ => points.push(point),
                    }
                }
                // An absent finding does not start a series.
                None if finding.presence == Presence::Absent => {}
                None => {
                    let label = {
                        let mut rated = finding.clone();
                        rated.intensity = None;
                        rated.note.clear();
                        rated.test_name.clear();
                        rated.describe(vocabulary)
                    };
                    series.push(SymptomSeries {
                        key,
                        label,
                        points: vec![point],
                    });
                }
            }
        }
    }
    series
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PatientId, Visit, VisitKind};

    fn visit(id: i64, day: u32, findings: Vec<Finding>) -> VisitRecord {
        let at = NaiveDate::from_ymd_opt(2026, 3, day)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        VisitRecord {
            visit: Visit {
                id: VisitId(id),
                ..Visit::new(PatientId(1), at, VisitKind::FollowUp)
            },
            findings,
            ..VisitRecord::default()
        }
    }

    fn si(intensity: u8) -> Finding {
        Finding::new("pain", Some("si_joint"), Side::Left)
            .with_intensity(intensity)
            .unwrap()
    }

    #[test]
    fn series_follow_a_symptom_until_it_is_charted_absent() {
        let vocabulary = Vocabulary::builtin();
        let calf = Finding::new("tightness", Some("calf"), Side::Right)
            .with_intensity(3)
            .unwrap();
        let right_si = Finding::new("pain", Some("si_joint"), Side::Right)
            .with_intensity(2)
            .unwrap();
        let timeline = vec![
            visit(
                1,
                2,
                vec![
                    si(6),
                    Finding::new("trigger_point", Some("calf"), Side::Right),
                ],
            ),
            visit(2, 9, vec![calf.clone(), si(5), right_si]),
            visit(
                3,
                16,
                vec![
                    Finding::new("pain", Some("si_joint"), Side::Left).absent(),
                    calf,
                ],
            ),
        ];
        let series = symptom_series(&timeline, vocabulary);
        let labels: Vec<&str> = series.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "L sacroiliac region pain",
                "R calf tightness",
                "R sacroiliac region pain"
            ]
        );
        let left_si: Vec<u8> = series[0].points.iter().map(|p| p.intensity).collect();
        assert_eq!(left_si, [6, 5, 0], "charted absent at the last visit: gone");
        assert_eq!(
            series[1].points.len(),
            2,
            "the unrated trigger point is not a point"
        );
        assert_eq!(series[2].points.len(), 1, "sides are separate symptoms");
    }
}
