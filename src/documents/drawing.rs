//! The drawings a document carries, as SVG that Typst lays in as vector: the body chart
//! (from `assets/body_chart.json`, the window's own geometry) with the findings and a
//! hypothesis's referral zones, and the symptoms' intensities over the visits.

use std::fmt::Write;

use serde::Deserialize;

use crate::model::series::SymptomSeries;
use crate::model::vocabulary::ChartView;
use crate::model::{Finding, Presence, RegionCode, Side, Vocabulary};
use crate::reasoner::{Weight, Zone};

use super::DocumentError;

const CHART_JSON: &str = include_str!("../../assets/body_chart.json");

#[derive(Deserialize)]
struct Canvas {
    width: f32,
    height: f32,
}

#[derive(Deserialize)]
struct Outline {
    outline: Vec<[f32; 2]>,
}

#[derive(Deserialize)]
struct Views {
    front: Outline,
    back: Outline,
}

#[derive(Deserialize)]
struct Shape {
    region: RegionCode,
    view: ChartView,
    side: Side,
    points: Vec<[f32; 2]>,
}

#[derive(Deserialize)]
struct Chart {
    canvas: Canvas,
    views: Views,
    shapes: Vec<Shape>,
}

/// The colours of the window's chart, so that the printed one reads the same.
const FINDING_FILL: &str = "#d72828";
const ABSENT_OUTLINE: &str = "#3c82e6";
const ESSENTIAL_ZONE: &str = "#f09628";
const SPILLOVER_ZONE: &str = "#f0cd5a";
const RARE_ZONE: &str = "#c8be8c";
const SKIN: &str = "#f4f1ec";
const EDGE: &str = "#8a8580";

/// The series' colours, told apart also in grey print by their dash.
pub const SERIES_COLOURS: [&str; 6] = [
    "#c0392b", "#1f6fb2", "#2e8b57", "#8e44ad", "#d35400", "#555555",
];
const SERIES_DASHES: [&str; 6] = ["", "6 3", "2 2", "8 3 2 3", "4 4", "1 3"];

fn chart() -> Result<Chart, DocumentError> {
    serde_json::from_str(CHART_JSON).map_err(|e| DocumentError::Drawing {
        message: format!("assets/body_chart.json: {e}"),
    })
}

/// Whether something charted on `side` at `region` touches a shape, as the window has it.
fn touches(vocabulary: &Vocabulary, region: &RegionCode, side: Side, shape: &Shape) -> bool {
    let region_fits = vocabulary.region_within(&shape.region, region)
        || vocabulary.region_within(region, &shape.region);
    let side_fits = side == shape.side
        || matches!(side, Side::Bilateral | Side::None)
        || matches!(shape.side, Side::Midline | Side::None)
        || (side == Side::Midline && shape.side != Side::Midline);
    region_fits && side_fits
}

fn points(points: &[[f32; 2]], dx: f32) -> String {
    let mut text = String::new();
    for [x, y] in points {
        let _ = write!(text, "{:.1},{:.1} ", x + dx, y);
    }
    text
}

/// The front and back views side by side: findings shaded by intensity, findings
/// examined and absent outlined in blue, and `zones` (a hypothesis's referral zones)
/// beneath them.
pub fn body_chart_svg(
    vocabulary: &Vocabulary,
    findings: &[Finding],
    zones: &[Zone],
) -> Result<String, DocumentError> {
    let chart = chart()?;
    let width = chart.canvas.width;
    let gap = 40.0;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}">"#,
        width * 2.0 + gap,
        chart.canvas.height,
        width * 2.0 + gap,
        chart.canvas.height
    );
    for (view, outline, dx) in [
        (ChartView::Front, &chart.views.front, 0.0),
        (ChartView::Back, &chart.views.back, width + gap),
    ] {
        let _ = write!(
            svg,
            r#"<polygon points="{}" fill="{SKIN}" stroke="{EDGE}" stroke-width="2"/>"#,
            points(&outline.outline, dx)
        );
        for shape in chart.shapes.iter().filter(|s| s.view == view) {
            let zone = zones
                .iter()
                .filter(|z| touches(vocabulary, &z.region, z.side, shape))
                .map(|z| z.weight)
                .max();
            let mut fill = match zone {
                Some(Weight::Essential) => ESSENTIAL_ZONE,
                Some(Weight::Spillover) => SPILLOVER_ZONE,
                Some(Weight::Rare) => RARE_ZONE,
                None => SKIN,
            };
            let mut opacity = 1.0;
            let mut stroke = (EDGE, 0.6);
            let mut strongest: Option<u8> = None;
            for finding in findings.iter().filter(|f| {
                f.region
                    .as_ref()
                    .is_some_and(|r| touches(vocabulary, r, f.side, shape))
            }) {
                match finding.presence {
                    Presence::Present => {
                        let strength = finding.intensity.map_or(5, |i| i.value());
                        strongest = Some(strongest.map_or(strength, |s| s.max(strength)));
                    }
                    Presence::Absent => stroke = (ABSENT_OUTLINE, 3.0),
                }
            }
            if let Some(strength) = strongest {
                fill = FINDING_FILL;
                opacity = (90.0 + f32::from(strength) * 16.0) / 255.0;
            }
            let _ = write!(
                svg,
                r#"<polygon points="{}" fill="{fill}" fill-opacity="{opacity:.2}" stroke="{}" stroke-width="{}"/>"#,
                points(&shape.points, dx),
                stroke.0,
                stroke.1
            );
        }
    }
    svg.push_str("</svg>");
    Ok(svg)
}

/// Each symptom's intensity (0 to 10) over the visits, one line per symptom in the
/// colours and dashes of `SERIES_COLOURS`. The labels are the template's, beside it.
pub fn timeline_svg(series: &[SymptomSeries]) -> String {
    let (width, height) = (600.0_f32, 220.0_f32);
    let (left, right, top, bottom) = (28.0_f32, 10.0_f32, 8.0_f32, 22.0_f32);
    let dates = series.iter().flat_map(|s| s.points.iter().map(|p| p.date));
    let first = dates.clone().min();
    let last = dates.max();
    let span = match (first, last) {
        (Some(first), Some(last)) => (last - first).num_days().max(1) as f32,
        _ => 1.0,
    };
    let x = |date: chrono::NaiveDate| match first {
        Some(first) => left + (date - first).num_days() as f32 / span * (width - left - right),
        None => left,
    };
    let y = |value: u8| top + (10.0 - f32::from(value)) / 10.0 * (height - top - bottom);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}">"#
    );
    for value in (0..=10).step_by(2) {
        let _ = write!(
            svg,
            r##"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#dddddd" stroke-width="0.6"/><text x="{}" y="{:.1}" font-size="9" text-anchor="end" fill="#555555" font-family="Libertinus Serif">{value}</text>"##,
            width - right,
            left - 5.0,
            y(value) + 3.0,
            y = y(value),
        );
    }
    if let (Some(first), Some(last)) = (first, last) {
        for (date, anchor) in [(first, "start"), (last, "end")] {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{}" font-size="9" text-anchor="{anchor}" fill="#555555" font-family="Libertinus Serif">{}</text>"##,
                x(date),
                height - 6.0,
                date.format("%Y-%m-%d")
            );
        }
    }
    for (index, one) in series.iter().enumerate() {
        let colour = SERIES_COLOURS[index % SERIES_COLOURS.len()];
        let dash = SERIES_DASHES[index % SERIES_DASHES.len()];
        let mut line = String::new();
        for point in &one.points {
            let _ = write!(line, "{:.1},{:.1} ", x(point.date), y(point.intensity));
        }
        let dash = if dash.is_empty() {
            String::new()
        } else {
            format!(r#" stroke-dasharray="{dash}""#)
        };
        let _ = write!(
            svg,
            r#"<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="1.8"{dash}/>"#
        );
        for point in &one.points {
            let _ = write!(
                svg,
                r#"<circle cx="{:.1}" cy="{:.1}" r="2.4" fill="{colour}"/>"#,
                x(point.date),
                y(point.intensity)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}
