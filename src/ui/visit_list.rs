//! The patient's visits, oldest first, each with its findings.

use eframe::egui;

use super::Action;
use crate::model::{Patient, VisitId, VisitRecord, VisitStatus, Vocabulary};

#[derive(Debug, Default)]
pub struct VisitListView;

impl VisitListView {
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        patient: &Patient,
        timeline: &[VisitRecord],
        selected: Option<VisitId>,
        actions: &mut Vec<Action>,
    ) {
        ui.horizontal(|ui| {
            ui.heading("Visits");
            if ui.button("New visit").clicked() {
                actions.push(Action::CreateVisit(super::new_visit_for(
                    patient.id, timeline,
                )));
            }
        });
        let vocabulary = Vocabulary::builtin();
        egui::ScrollArea::vertical()
            .id_salt("visits")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if timeline.is_empty() {
                    ui.weak("No visits yet.");
                }
                for record in timeline {
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
                    let row = ui.selectable_label(Some(visit.id) == selected, title);
                    if row.clicked() {
                        actions.push(Action::SelectVisit(visit.id));
                    }
                    ui.indent(("visit findings", visit.id), |ui| {
                        for finding in &record.findings {
                            ui.label(finding.describe(vocabulary));
                        }
                        for intervention in &record.interventions {
                            ui.label(
                                egui::RichText::new(intervention.describe())
                                    .italics()
                                    .weak(),
                            );
                        }
                    });
                    ui.add_space(4.0);
                }
            });
    }
}
