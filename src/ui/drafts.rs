//! The warning of unsigned visits left as drafts for longer than the clinician allows.

use eframe::egui;

use super::Action;
use crate::model::Visit;

/// Lists the old drafts, each opening its visit when clicked.
pub fn drafts_ui(
    ui: &mut egui::Ui,
    drafts: &[(String, Visit)],
    days: u32,
    actions: &mut Vec<Action>,
) {
    if drafts.is_empty() {
        return;
    }
    let heading = format!(
        "{} unsigned visit{} older than {days} days",
        drafts.len(),
        if drafts.len() == 1 { "" } else { "s" }
    );
    egui::CollapsingHeader::new(egui::RichText::new(heading).color(ui.visuals().warn_fg_color))
        .id_salt("old drafts")
        .show(ui, |ui| {
            for (name, visit) in drafts {
                let text = format!("{}  {name}", visit.started_at.format("%Y-%m-%d"));
                if ui.link(text).clicked() {
                    actions.push(Action::SelectPatient(visit.patient_id));
                    actions.push(Action::SelectVisit(visit.id));
                }
            }
        });
}
