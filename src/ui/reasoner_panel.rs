//! The referral reasoner's side panel for the open visit: red flags first, then what the
//! visits up to this one show read together (insights), then the ranked hypotheses, the
//! parsimonious cover and the best next check. It only draws the assessment and insights
//! it is given; the reasoning happens in `crate::reasoner`.

use eframe::egui;

use super::Action;
use super::context::ViewContext;
use super::documents_view::LetterStart;
use crate::model::{Finding, VisitId, Vocabulary};
use crate::reasoner::wording::{Brackets, FindingWords};
use crate::reasoner::{
    Assessment, FlagToScreen, Hypothesis, Insight, InsightKind, RaisedFlag, Trend, Urgency,
};

/// How many hypotheses the panel lists.
const SHOWN: usize = 8;

#[derive(Debug, Default)]
pub struct ReasonerPanel;

impl ReasonerPanel {
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        context: &ViewContext<'_>,
        // The reasoner's reading of the open visit, and what its course shows.
        (assessment, insights): (Option<&Assessment>, &[Insight]),
        // The open visit's findings, and the visit to chart answers into while a draft.
        (findings, chart_into): (&[Finding], Option<VisitId>),
        selected: Option<&str>,
        actions: &mut Vec<Action>,
    ) {
        ui.add_space(6.0);
        ui.heading("Referral reasoner");
        ui.weak("Supports your judgement; it does not diagnose.");
        ui.separator();
        let Some(assessment) = assessment else {
            ui.label("Open a visit to see what may explain its findings.");
            return;
        };
        let vocabulary = context.vocabulary;
        let words = FindingWords {
            findings,
            vocabulary,
        };
        egui::ScrollArea::vertical()
            .id_salt("reasoner")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                // A red flag read across visits (a deficit getting worse) is named below;
                // this line speaks of this visit's findings only.
                let screen = match assessment.to_screen.len() {
                    0 => String::new(),
                    n => format!(" {n} to screen, below."),
                };
                if assessment.red_flags.is_empty() {
                    ui.weak(format!(
                        "No red flags raised by this visit's findings.{screen}"
                    ));
                } else {
                    for flag in &assessment.red_flags {
                        red_flag_ui(ui, flag, words);
                        if ui.small_button("Referral letter…").clicked() {
                            actions.push(Action::StartLetter(LetterStart::Flag(flag.id.clone())));
                        }
                        ui.add_space(4.0);
                    }
                }
                if !insights.is_empty() {
                    ui.add_space(6.0);
                    ui.strong("Across visits");
                    for insight in insights {
                        insight_ui(ui, insight);
                        ui.add_space(4.0);
                    }
                }
                ui.add_space(6.0);
                ui.strong("What may explain the findings");
                if assessment.hypotheses.is_empty() {
                    ui.label("No source in the knowledge base explains these findings.");
                } else {
                    ui.small(crate::reasoner::SCORE_MEANING);
                }
                for (rank, hypothesis) in assessment.hypotheses.iter().take(SHOWN).enumerate() {
                    hypothesis_ui(ui, rank, hypothesis, selected, words, actions);
                }
                if let Some(selected) = selected
                    && ui
                        .small_button("Referral letter about the selected source…")
                        .clicked()
                {
                    actions.push(Action::StartLetter(LetterStart::Hypothesis(
                        selected.to_owned(),
                    )));
                }
                if let Some(cover) = assessment.covers.first()
                    && cover.len() > 1
                {
                    ui.add_space(6.0);
                    let names: Vec<&str> = cover
                        .iter()
                        .map(|id| {
                            assessment
                                .hypotheses
                                .iter()
                                .find(|h| &h.id == id)
                                .map_or(id.as_str(), |h| h.name.as_str())
                        })
                        .collect();
                    ui.label(egui::RichText::new("Together").strong());
                    ui.label(format!(
                        "No single source explains every finding; {} do.",
                        names.join(" + ")
                    ));
                }
                if let Some(check) = &assessment.next_check {
                    ui.add_space(6.0);
                    ui.label(egui::RichText::new("Best next check").strong());
                    ui.label(&check.exam);
                    ui.weak(&check.why);
                }
                // Below the hypotheses, one line until opened, named in the line under the
                // red flags; the sign dialog names any that would call for action today.
                if !assessment.to_screen.is_empty() {
                    ui.add_space(6.0);
                    egui::CollapsingHeader::new(format!(
                        "To screen: {} not raised, worth settling",
                        assessment.to_screen.len()
                    ))
                    .id_salt("to screen")
                    .show(ui, |ui| {
                        for flag in &assessment.to_screen {
                            to_screen_ui(ui, vocabulary, flag, words, chart_into, actions);
                        }
                    });
                }
            });
    }
}

fn urgency_colour(ui: &egui::Ui, urgency: Urgency) -> egui::Color32 {
    let dark = ui.visuals().dark_mode;
    match (urgency, dark) {
        (Urgency::Emergency, true) => egui::Color32::from_rgb(120, 20, 20),
        (Urgency::Emergency, false) => egui::Color32::from_rgb(255, 205, 205),
        (Urgency::SameDay, true) => egui::Color32::from_rgb(115, 60, 10),
        (Urgency::SameDay, false) => egui::Color32::from_rgb(255, 225, 190),
        (Urgency::Soon, true) => egui::Color32::from_rgb(95, 85, 15),
        (Urgency::Soon, false) => egui::Color32::from_rgb(255, 245, 190),
        (Urgency::Routine, true) => egui::Color32::from_rgb(40, 60, 90),
        (Urgency::Routine, false) => egui::Color32::from_rgb(215, 228, 250),
    }
}

fn insight_colour(ui: &egui::Ui, kind: &InsightKind) -> egui::Color32 {
    let dark = ui.visuals().dark_mode;
    match (kind, dark) {
        // A red flag read from the course wears its flag's colour.
        (InsightKind::DeficitWorsening { urgency, .. }, _) => urgency_colour(ui, *urgency),
        (InsightKind::NoBetterWithCare { urgency, .. }, _) => urgency_colour(ui, *urgency),
        (InsightKind::FlagAcrossVisits { urgency, .. }, _) => urgency_colour(ui, *urgency),
        (InsightKind::WarningSigns { .. }, true) => egui::Color32::from_rgb(90, 60, 20),
        (InsightKind::WarningSigns { .. }, false) => egui::Color32::from_rgb(255, 236, 205),
        (InsightKind::LocalTreatmentNotWorking { .. }, true) => egui::Color32::from_rgb(35, 55, 85),
        (InsightKind::LocalTreatmentNotWorking { .. }, false) => {
            egui::Color32::from_rgb(215, 230, 250)
        }
        (InsightKind::WhatHelped { .. }, true) => egui::Color32::from_rgb(30, 70, 45),
        (InsightKind::WhatHelped { .. }, false) => egui::Color32::from_rgb(215, 242, 220),
        (InsightKind::MeasureCrossed { trend, .. }, true) if *trend == Trend::Better => {
            egui::Color32::from_rgb(30, 70, 45)
        }
        (InsightKind::MeasureCrossed { trend, .. }, false) if *trend == Trend::Better => {
            egui::Color32::from_rgb(215, 242, 220)
        }
        (InsightKind::MeasureCrossed { .. } | InsightKind::MeasureDue { .. }, true) => {
            egui::Color32::from_rgb(35, 55, 85)
        }
        (InsightKind::MeasureCrossed { .. } | InsightKind::MeasureDue { .. }, false) => {
            egui::Color32::from_rgb(215, 230, 250)
        }
    }
}

/// One insight: what it is, its headline, its particulars, and since when it holds.
fn insight_ui(ui: &mut egui::Ui, insight: &Insight) {
    egui::Frame::new()
        .fill(insight_colour(ui, &insight.kind))
        .corner_radius(4.0)
        .inner_margin(6.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                egui::RichText::new(insight.kind.label().to_uppercase())
                    .small()
                    .strong(),
            );
            ui.label(egui::RichText::new(&insight.headline).strong());
            for detail in &insight.details {
                ui.label(detail);
            }
            if insight.first_held != insight.last_held {
                ui.weak(format!("Holds since {}", insight.first_held.date));
            }
            if !insight.more.is_empty() || !insight.citations.is_empty() {
                // How to check and why, for when the clinician wants them: the
                // hypotheses below stay in view.
                egui::CollapsingHeader::new("How to check, and why")
                    .id_salt(("insight", &insight.headline))
                    .default_open(false)
                    .show(ui, |ui| {
                        for more in &insight.more {
                            ui.label(more);
                        }
                        if !insight.citations.is_empty() {
                            ui.weak(format!("Source: {}", insight.citations.join("; ")));
                        }
                    });
            }
        });
}

fn red_flag_ui(ui: &mut egui::Ui, flag: &RaisedFlag, words: FindingWords<'_>) {
    egui::Frame::new()
        .fill(urgency_colour(ui, flag.urgency))
        .corner_radius(4.0)
        .inner_margin(6.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(egui::RichText::new(format!("RED FLAG  {}", flag.urgency.label())).strong());
            ui.label(egui::RichText::new(&flag.title).strong().size(15.0));
            ui.label(format!("Refer to: {}", flag.refer_to));
            if !flag.avoid.is_empty() {
                ui.label(format!("Meanwhile avoid: {}", flag.avoid.join("; ")));
            }
            ui.label(&flag.why);
            ui.weak(format!("Raised by: {}", words.list(&flag.findings)));
            if !flag.against.is_empty() {
                ui.weak(format!("Against it: {}", words.list(&flag.against)));
            }
        });
}

/// A flag to screen: what calls for it, what argues against it, and what would settle it.
fn to_screen_ui(
    ui: &mut egui::Ui,
    vocabulary: &Vocabulary,
    flag: &FlagToScreen,
    words: FindingWords<'_>,
    chart_into: Option<VisitId>,
    actions: &mut Vec<Action>,
) {
    ui.add_space(4.0);
    ui.label(egui::RichText::new(flag.title()).strong());
    for ask in &flag.ask {
        ui.label(format!("- {ask}"));
    }
    if !flag.findings.is_empty() {
        ui.weak(format!("Because of: {}", words.list(&flag.findings)));
    }
    if !flag.against.is_empty() {
        ui.weak(format!("Against it: {}", words.list(&flag.against)));
    }
    ui.weak(format!("If confirmed, refer to: {}", flag.refer_to));
    // One click charts an answer as examined and not present, on an unsigned visit.
    if let Some(visit) = chart_into
        && !flag.answers.is_empty()
    {
        ui.horizontal_wrapped(|ui| {
            ui.weak("Examined, not present:");
            for answer in &flag.answers {
                let name = vocabulary
                    .kind(&answer.kind)
                    .map_or(answer.kind.as_str(), |k| k.name.as_str());
                if ui
                    .small_button(name)
                    .on_hover_text(format!(
                        "Chart \"no {}\" at this visit",
                        name.to_lowercase()
                    ))
                    .clicked()
                {
                    actions.push(Action::AddFinding(Finding {
                        visit_id: visit,
                        ..answer.clone()
                    }));
                }
            }
        });
    }
}

fn hypothesis_ui(
    ui: &mut egui::Ui,
    rank: usize,
    hypothesis: &Hypothesis,
    selected: Option<&str>,
    words: FindingWords<'_>,
    actions: &mut Vec<Action>,
) {
    let title = hypothesis.title(rank);
    let is_selected = selected == Some(hypothesis.id.as_str());
    let row = ui.selectable_label(is_selected, title);
    if row.clicked() {
        let next = (!is_selected).then(|| hypothesis.id.clone());
        actions.push(Action::SelectHypothesis(next));
    }
    ui.add(egui::ProgressBar::new(hypothesis.score as f32).desired_height(5.0));
    egui::CollapsingHeader::new("Details")
        .id_salt(("hypothesis", &hypothesis.id))
        .default_open(is_selected)
        .show(ui, |ui| {
            let evidence = hypothesis.evidence(words, Brackets::Round);
            ui.label(format!("Explains: {}", evidence.explains));
            if let Some(unexplained) = &evidence.unexplained {
                // Each with the listed source that does explain it: where to look next.
                ui.label(format!("Leaves unexplained: {unexplained}"));
            }
            if let Some(against) = &evidence.against {
                // The ratio its odds were multiplied by: x0.3 counts more than x0.9.
                ui.label(format!("Against it: {against}"));
            }
            ui.label(format!("Check: {}", hypothesis.check));
            ui.weak(format!("Source: {}", hypothesis.citations.join("; ")));
        });
    ui.add_space(2.0);
}
