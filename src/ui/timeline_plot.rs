//! The timeline: each symptom's intensity across visit dates, one line each, with the
//! interventions as markers on the time axis and the reasoner's insights marked at the
//! visit where each first held. Clicking near a visit opens it. Under it, a small plot
//! per outcome measure: its scores, the band of its MCID around the first score, and the
//! day it was crossed.

use chrono::{Datelike, NaiveDate};
use eframe::egui;
use egui_plot::{Line, MarkerShape, Plot, Points};

use super::Action;
use super::widgets::{LegendEntry, PaintMark, legend};
use crate::model::series::{SymptomSeries, symptom_series};
use crate::model::{Instrument, VisitId, VisitRecord, Vocabulary};

/// The plot's data for a patient, rebuilt when the timeline changes.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TimelineData {
    pub series: Vec<SymptomSeries>,
    /// Each visit's day and what was done at it.
    /// Shared, so that each frame's hover text borrows it rather than copying 500 visits.
    pub visits: std::sync::Arc<Vec<(VisitId, f64, Vec<String>)>>,
    /// Each insight's first visit's day, with what it says there; shared like `visits`.
    pub insights: std::sync::Arc<Vec<(f64, String)>>,
    /// Each outcome measure's scores, one small plot each.
    pub measures: Vec<MeasureSeries>,
}

/// One instrument's scores across visits.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureSeries {
    pub instrument: String,
    /// "ODI (%, lower is better)".
    pub label: String,
    /// Day and score, by date.
    pub points: Vec<[f64; 2]>,
    /// Scores within this band of the first are within its MCID: no important change.
    pub band: Option<[f64; 2]>,
    /// The day the course found the MCID crossed, if it was.
    pub crossed: Option<f64>,
    /// The instrument's whole range, for the axis.
    pub range: [f64; 2],
}

impl MeasureSeries {
    /// What the small plot shows, in words: read aloud and in the window.
    pub fn summary(&self) -> String {
        let mut text = self.label.clone();
        if let (Some([low, high]), Some([_, first])) = (self.band, self.points.first()) {
            text.push_str(&format!(
                ": MCID band {low:.0} to {high:.0} around the first score, {first:.0}"
            ));
        }
        if let Some(day) = self.crossed.and_then(date_of) {
            text.push_str(&format!("; crossed on {}", day.format("%Y-%m-%d")));
        }
        text
    }
}

/// Each instrument's scored measures, oldest first, with the MCID band from the first.
fn measure_series(timeline: &[VisitRecord], instruments: &[Instrument]) -> Vec<MeasureSeries> {
    let mut all = Vec::new();
    for instrument in instruments {
        let mut points: Vec<[f64; 2]> = timeline
            .iter()
            .flat_map(|r| {
                let x = day(r.visit.started_at.date());
                r.measures
                    .iter()
                    .filter(|m| m.instrument == instrument.code)
                    .filter_map(move |m| m.score.map(|score| [x, score]))
            })
            .collect();
        if points.is_empty() {
            continue;
        }
        points.sort_by(|a, b| a[0].total_cmp(&b[0]));
        let first = points[0][1];
        let band = instrument.important_change(first).map(|mcid| {
            [
                (first - mcid).max(instrument.range[0]),
                (first + mcid).min(instrument.range[1]),
            ]
        });
        let way = match instrument.direction {
            crate::model::measure::Direction::HigherIsWorse => "lower is better",
            crate::model::measure::Direction::HigherIsBetter => "higher is better",
        };
        let label = match instrument.unit.as_str() {
            "" => format!("{} ({way})", instrument.short),
            "%" => format!("{} (%, {way})", instrument.short),
            unit => format!(
                "{} (of {}, {way})",
                instrument.short,
                unit.trim_start_matches('/')
            ),
        };
        all.push(MeasureSeries {
            instrument: instrument.code.clone(),
            label,
            points,
            band,
            crossed: None,
            range: instrument.range,
        });
    }
    all
}

impl TimelineData {
    /// The symptoms' lines and the visits' markers; the measures' plots come with
    /// `with_measures`. Lines join a symptom's points by date, whatever order the visits
    /// were entered in: a line drawn back in time reads as a wedge and misleads.
    pub fn new(timeline: &[VisitRecord], vocabulary: &Vocabulary) -> Self {
        let mut series = symptom_series(timeline, vocabulary);
        for symptom in &mut series {
            symptom.points.sort_by_key(|point| point.date);
        }
        let mut visits: Vec<(VisitId, f64, Vec<String>)> = timeline
            .iter()
            .map(|r| {
                (
                    r.visit.id,
                    day(r.visit.started_at.date()),
                    r.interventions.iter().map(|i| i.describe()).collect(),
                )
            })
            .collect();
        visits.sort_by(|a, b| a.1.total_cmp(&b.1));
        TimelineData {
            series,
            visits: std::sync::Arc::new(visits),
            insights: std::sync::Arc::default(),
            measures: Vec::new(),
        }
    }

    /// The same data with a small plot per instrument of `instruments` scored in
    /// `timeline`; before `with_insights`, which marks where each crossed its MCID.
    pub fn with_measures(mut self, timeline: &[VisitRecord], instruments: &[Instrument]) -> Self {
        self.measures = measure_series(timeline, instruments);
        self
    }

    /// The same data with each insight marked at the visit where it first held.
    pub fn with_insights(mut self, course: &crate::reasoner::Course) -> Self {
        self.insights = std::sync::Arc::new(
            course
                .insights
                .iter()
                .map(|i| {
                    (
                        day(i.first_held.date),
                        format!("{}: {}", i.kind.label(), i.headline),
                    )
                })
                .collect(),
        );
        for insight in &course.insights {
            if let crate::reasoner::InsightKind::MeasureCrossed { instrument, .. } = &insight.kind
                && let Some(series) = self
                    .measures
                    .iter_mut()
                    .find(|s| &s.instrument == instrument && s.crossed.is_none())
            {
                series.crossed = Some(day(insight.first_held.date));
            }
        }
        self
    }
}

fn day(date: NaiveDate) -> f64 {
    f64::from(date.num_days_from_ce())
}

fn date_of(day: f64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(day.round() as i32)
}

/// The time axis's label for the mark at `day`, with `shown` the days on screen.
fn date_label(day: f64, shown: &std::ops::RangeInclusive<f64>) -> String {
    // A date centred on a mark at the plot's very edge would be cut in half.
    let edge = (shown.end() - shown.start()) * DATE_EDGE_SHARE;
    if day > shown.end() - edge || day < shown.start() + edge {
        return String::new();
    }
    date_of(day)
        .map(|d| d.format("%d %b").to_string())
        .unwrap_or_default()
}

/// Distinct line colours that read on light and dark backgrounds.
const PALETTE: [egui::Color32; 10] = [
    egui::Color32::from_rgb(230, 85, 70),
    egui::Color32::from_rgb(70, 170, 210),
    egui::Color32::from_rgb(240, 170, 40),
    egui::Color32::from_rgb(120, 190, 90),
    egui::Color32::from_rgb(180, 110, 220),
    egui::Color32::from_rgb(220, 110, 170),
    egui::Color32::from_rgb(60, 190, 170),
    egui::Color32::from_rgb(200, 150, 100),
    egui::Color32::from_rgb(150, 150, 240),
    egui::Color32::from_rgb(170, 170, 60),
];

/// A series with more visits than this is drawn as a line without a dot per visit.
const MAX_DOTS: usize = 60;

/// Below the 0 line, where intervention markers sit.
const MARKER_Y: f64 = -0.8;

/// Above the 10 line, where insight markers sit.
const INSIGHT_Y: f64 = 10.8;

/// Intervention markers on the time axis.
const INTERVENTION_COLOUR: egui::Color32 = egui::Color32::from_rgb(120, 160, 230);

/// Insight markers: amber, readable on light and dark.
const INSIGHT_COLOUR: egui::Color32 = egui::Color32::from_rgb(235, 150, 30);

/// How near either end of the time axis, as a share of its span, a date is left unwritten:
/// about half a date's width on the narrowest plot the window allows.
const DATE_EDGE_SHARE: f64 = 0.04;

/// From how far apart dates on the time axis start to show, to how far apart they show in
/// full, in points: a little over a date's width.
const DATE_LABEL_SPACING: std::ops::RangeInclusive<f32> = 48.0..=60.0;

#[derive(Debug, Default)]
pub struct TimelinePlot {
    /// The height the clinician dragged the plot to, if any.
    height: Option<f32>,
}

/// The plot's height: a share of the window's, or what the clinician dragged it to.
fn plot_height(chosen: Option<f32>, available: f32) -> f32 {
    let most = (available * 0.6).max(140.0);
    chosen.unwrap_or(available * 0.35).clamp(140.0, most)
}

impl TimelinePlot {
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &TimelineData,
        selected: Option<VisitId>,
        actions: &mut Vec<Action>,
    ) {
        if data.visits.is_empty() {
            return;
        }
        let visits = &data.visits;
        let label_visits = std::sync::Arc::clone(&data.visits);
        let label_insights = std::sync::Arc::clone(&data.insights);
        legend_ui(ui, data);
        let height = plot_height(self.height, ui.available_height());
        let response = Plot::new("timeline plot")
            .height(height)
            .include_y(0.0)
            .include_y(10.0)
            .include_y(if data.insights.is_empty() {
                10.0
            } else {
                INSIGHT_Y + 0.4
            })
            .include_y(MARKER_Y - 0.4)
            .allow_scroll(false)
            .allow_zoom(false)
            .allow_drag(false)
            .allow_boxed_zoom(false)
            .y_axis_label("intensity")
            // A date is about 45 points wide; egui_plot's default spacing (60 to 80) fades
            // out every label but one once a record spans a few months.
            .custom_x_axes(vec![
                egui_plot::AxisHints::new_x().label_spacing(DATE_LABEL_SPACING),
            ])
            .x_axis_formatter(|mark, shown| date_label(mark.value, shown))
            .label_formatter(move |hover| {
                let (name, point) = match hover {
                    egui_plot::HoverPosition::NearDataPoint {
                        plot_name,
                        position,
                        ..
                    } => (*plot_name, *position),
                    egui_plot::HoverPosition::Elsewhere { .. } => return None,
                };
                let date = date_of(point.x)?.format("%Y-%m-%d");
                if name == "Interventions" {
                    let done = label_visits
                        .iter()
                        .find(|(_, x, _)| (*x - point.x).abs() < 0.5)
                        .map(|(_, _, done)| done.join("\n"))
                        .unwrap_or_default();
                    Some(format!("{date}\n{done}"))
                } else if name == "Insights" {
                    let said: Vec<&str> = label_insights
                        .iter()
                        .filter(|(x, _)| (*x - point.x).abs() < 0.5)
                        .map(|(_, text)| text.as_str())
                        .collect();
                    Some(format!("{date}\n{}", said.join("\n")))
                } else {
                    Some(format!("{name}\n{date}: {:.0}/10", point.y))
                }
            })
            .show(ui, |plot| {
                for (i, series) in data.series.iter().enumerate() {
                    let points: Vec<[f64; 2]> = series
                        .points
                        .iter()
                        .map(|p| [day(p.date), f64::from(p.intensity)])
                        .collect();
                    let colour = PALETTE[i % PALETTE.len()];
                    plot.line(
                        Line::new(series.label.clone(), points.clone())
                            .width(2.0)
                            .color(colour),
                    );
                    // Dots mark each visit's value; over a long record they only blur the
                    // line and cost a frame.
                    if points.len() <= MAX_DOTS {
                        plot.points(
                            Points::new(series.label.clone(), points)
                                .radius(3.0)
                                .color(colour),
                        );
                    }
                }
                let treated: Vec<[f64; 2]> = visits
                    .iter()
                    .filter(|(_, _, done)| !done.is_empty())
                    .map(|(_, x, _)| [*x, MARKER_Y])
                    .collect();
                plot.points(
                    Points::new("Interventions", treated)
                        .shape(MarkerShape::Diamond)
                        .radius(4.0)
                        .color(INTERVENTION_COLOUR),
                );
                if !data.insights.is_empty() {
                    // One marker per day, however many insights first held there.
                    let mut days: Vec<f64> = data.insights.iter().map(|(x, _)| *x).collect();
                    days.dedup();
                    for &x in &days {
                        plot.vline(
                            egui_plot::VLine::new("", x)
                                .color(INSIGHT_COLOUR.gamma_multiply(0.6))
                                .style(egui_plot::LineStyle::dashed_loose()),
                        );
                    }
                    plot.points(
                        Points::new(
                            "Insights",
                            days.iter().map(|&x| [x, INSIGHT_Y]).collect::<Vec<_>>(),
                        )
                        .shape(MarkerShape::Down)
                        .filled(true)
                        .radius(5.0)
                        .color(INSIGHT_COLOUR),
                    );
                }
                if let Some((_, x, _)) = visits.iter().find(|(id, _, _)| Some(*id) == selected) {
                    plot.vline(egui_plot::VLine::new("", *x).color(egui::Color32::GRAY));
                }
                plot.pointer_coordinate()
            });
        // A handle under the plot: drag it to make the plot taller or shorter.
        let (handle, drag) =
            ui.allocate_exact_size(egui::vec2(ui.available_width(), 8.0), egui::Sense::drag());
        let stroke = if drag.hovered() || drag.dragged() {
            ui.visuals().widgets.hovered.fg_stroke
        } else {
            ui.visuals().widgets.noninteractive.bg_stroke
        };
        ui.painter()
            .hline(handle.x_range(), handle.center().y, stroke);
        if drag.hovered() || drag.dragged() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::ResizeVertical);
        }
        if drag.dragged() {
            self.height = Some(height + drag.drag_delta().y);
        }
        for series in &data.measures {
            measure_plot_ui(ui, series);
        }
        if response.response.clicked()
            && let Some(pointer) = response.inner
            && let Some((id, _, _)) = data
                .visits
                .iter()
                .min_by(|a, b| (a.1 - pointer.x).abs().total_cmp(&(b.1 - pointer.x).abs()))
        {
            actions.push(Action::SelectVisit(*id));
        }
    }
}

/// Band of a measure's MCID: a soft green that reads on light and dark.
const BAND_COLOUR: egui::Color32 = egui::Color32::from_rgba_premultiplied(60, 120, 70, 60);

/// A measure's small plot under the main one: its scores, the MCID band from the first
/// score, and the day the course found the MCID crossed.
fn measure_plot_ui(ui: &mut egui::Ui, series: &MeasureSeries) {
    ui.label(series.summary());
    let (Some(first), Some(last)) = (series.points.first(), series.points.last()) else {
        return;
    };
    let (left, right) = (first[0] - 3.0, last[0].max(first[0] + 7.0) + 3.0);
    Plot::new(("measure plot", series.instrument.as_str()))
        .height(90.0)
        .include_y(series.range[0])
        .include_y(series.range[1])
        .include_x(left)
        .include_x(right)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .x_axis_formatter(|mark, _| {
            date_of(mark.value)
                .map(|d| d.format("%d %b").to_string())
                .unwrap_or_default()
        })
        .show(ui, |plot| {
            if let Some([low, high]) = series.band {
                plot.polygon(
                    egui_plot::Polygon::new(
                        "MCID band",
                        vec![[left, low], [right, low], [right, high], [left, high]],
                    )
                    .fill_color(BAND_COLOUR)
                    .stroke(egui::Stroke::NONE),
                );
            }
            plot.line(
                Line::new(series.label.clone(), series.points.clone())
                    .width(2.0)
                    .color(PALETTE[1]),
            );
            plot.points(
                Points::new(series.label.clone(), series.points.clone())
                    .radius(3.0)
                    .color(PALETTE[1]),
            );
            if let Some(x) = series.crossed {
                plot.vline(
                    egui_plot::VLine::new("MCID crossed", x)
                        .color(INSIGHT_COLOUR)
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
        });
}

/// What each colour and marker stands for, above the plot rather than over its newest
/// points.
fn legend_ui(ui: &mut egui::Ui, data: &TimelineData) {
    let mut entries: Vec<LegendEntry<'_>> = data
        .series
        .iter()
        .enumerate()
        .map(|(i, series)| LegendEntry {
            mark: swatch(PALETTE[i % PALETTE.len()], Swatch::Line),
            name: series.label.clone(),
        })
        .collect();
    entries.push(LegendEntry {
        mark: swatch(INTERVENTION_COLOUR, Swatch::Diamond),
        name: "Interventions".to_owned(),
    });
    if !data.insights.is_empty() {
        entries.push(LegendEntry {
            mark: swatch(INSIGHT_COLOUR, Swatch::Down),
            name: "Insights".to_owned(),
        });
    }
    legend(ui, &entries);
}

#[derive(Clone, Copy)]
enum Swatch {
    Line,
    Diamond,
    Down,
}

/// A legend's mark, drawn as the plot draws it.
fn swatch<'a>(colour: egui::Color32, shape: Swatch) -> PaintMark<'a> {
    Box::new(move |painter, rect| {
        let c = rect.center();
        let size = rect.height();
        let r = size * 0.3;
        match shape {
            Swatch::Line => {
                painter.line_segment(
                    [
                        c - egui::vec2(size * 0.45, 0.0),
                        c + egui::vec2(size * 0.45, 0.0),
                    ],
                    egui::Stroke::new(2.0, colour),
                );
                painter.circle_filled(c, 3.0, colour);
            }
            Swatch::Diamond => {
                painter.add(egui::Shape::convex_polygon(
                    vec![
                        c - egui::vec2(0.0, r),
                        c + egui::vec2(r, 0.0),
                        c + egui::vec2(0.0, r),
                        c - egui::vec2(r, 0.0),
                    ],
                    colour,
                    egui::Stroke::NONE,
                ));
            }
            Swatch::Down => {
                painter.add(egui::Shape::convex_polygon(
                    vec![
                        c + egui::vec2(-r, -r),
                        c + egui::vec2(r, -r),
                        c + egui::vec2(0.0, r),
                    ],
                    colour,
                    egui::Stroke::NONE,
                ));
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_at_either_edge_of_the_time_axis_is_left_unwritten_rather_than_cut() {
        let first = NaiveDate::from_ymd_opt(2026, 8, 17).map_or(0.0, day);
        let shown = first..=first + 100.0;
        assert_eq!(date_label(first + 50.0, &shown), "06 Oct");
        assert_eq!(date_label(first + 99.0, &shown), "");
        assert_eq!(date_label(first + 1.0, &shown), "");
    }
}
