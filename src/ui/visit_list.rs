//! The patient's visits, oldest first, each with its findings and interventions. Only the
//! visits in view are laid out, so a patient with hundreds of visits stays instant; every
//! line is one row high (long lines are cut, the open visit shows them whole).

use eframe::egui;

use super::Action;
use super::context::ViewContext;
use crate::model::{Patient, VisitId, VisitRecord, VisitStatus, Vocabulary};

#[derive(Debug, Default)]
pub struct VisitListView;

/// Space after each visit's block.
const GAP: f32 = 6.0;

impl VisitListView {
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        context: &ViewContext<'_>,
        patient: &Patient,
        timeline: &[VisitRecord],
        selected: Option<VisitId>,
        actions: &mut Vec<Action>,
    ) {
        ui.horizontal(|ui| {
            ui.heading("Visits");
            if ui
                .button("New visit")
                .on_hover_text("Ctrl+Shift+N")
                .clicked()
            {
                actions.push(Action::CreateVisit(super::new_visit_for(
                    patient.id, timeline,
                )));
            }
        });
        if timeline.is_empty() {
            ui.weak("No visits yet.");
            return;
        }
        let vocabulary = context.vocabulary;
        let spacing = ui.spacing().item_spacing.y;
        let body = ui.text_style_height(&egui::TextStyle::Body);
        let title = ui.spacing().interact_size.y.max(body) + spacing;
        let line = body + spacing;
        // Each visit's top, from its number of lines.
        let mut tops = Vec::with_capacity(timeline.len() + 1);
        let mut y = 0.0;
        for record in timeline {
            tops.push(y);
            let lines = record.findings.len() + record.interventions.len() + record.addenda.len();
            y += title + line * lines as f32 + GAP;
        }
        let total = y;
        // Each patient's visits keep their own scroll position; another patient opens
        // at the top.
        egui::ScrollArea::vertical()
            .id_salt(("visits", patient.id))
            .auto_shrink([false, false])
            .show_viewport(ui, |ui, viewport| {
                ui.set_height(total);
                let first = tops
                    .partition_point(|&top| top <= viewport.min.y)
                    .saturating_sub(1);
                for (record, &top) in timeline.iter().zip(&tops).skip(first) {
                    if top > viewport.max.y {
                        break;
                    }
                    let min = ui.max_rect().min + egui::vec2(0.0, top);
                    let rect = egui::Rect::from_min_size(
                        min,
                        egui::vec2(ui.available_width(), f32::INFINITY),
                    );
                    ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
                        visit_ui(ui, record, selected, vocabulary, actions);
                    });
                }
            });
    }
}

fn visit_ui(
    ui: &mut egui::Ui,
    record: &VisitRecord,
    selected: Option<VisitId>,
    vocabulary: &Vocabulary,
    actions: &mut Vec<Action>,
) {
    let visit = &record.visit;
    let mut title = format!(
        "{}  {}  {}",
        visit.started_at.format("%Y-%m-%d"),
        visit.kind.label(),
        visit.chief_complaint
    );
    if visit.status == VisitStatus::Draft {
        title.push_str("  (draft)");
    }
    let text = egui::RichText::new(title);
    // Rows are clicked, not tabbed through: Tab goes on to the open visit.
    let row = ui.add(
        egui::Button::selectable(Some(visit.id) == selected, text)
            .truncate()
            .sense(egui::Sense::CLICK),
    );
    if row.clicked() {
        actions.push(Action::SelectVisit(visit.id));
    }
    ui.indent(("visit findings", visit.id), |ui| {
        for finding in &record.findings {
            let mut text = finding.describe(vocabulary);
            if finding.carried_over {
                text.push_str(" (carried over)");
            }
            ui.add(egui::Label::new(text).truncate());
        }
        for intervention in &record.interventions {
            ui.add(
                egui::Label::new(
                    egui::RichText::new(intervention.describe())
                        .italics()
                        .color(super::widgets::quiet_text_colour(ui.visuals())),
                )
                .truncate(),
            );
        }
        for addendum in &record.addenda {
            let text = format!(
                "Addendum {} by {}: {}",
                addendum.written_at.format("%Y-%m-%d"),
                addendum.author,
                addendum.reason
            );
            ui.add(egui::Label::new(egui::RichText::new(text).strong()).truncate());
        }
    });
}
