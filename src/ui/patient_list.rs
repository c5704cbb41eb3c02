//! The left panel: search as you type, the matching patients, and a new-patient form.

use eframe::egui;

use super::Action;
use crate::model::{Patient, PatientId};
use crate::store::NoteMatch;

#[derive(Debug, Default)]
pub struct PatientListView {
    query: String,
    /// The name being typed for a new patient, while the form is open.
    new_patient: Option<String>,
    /// Put the cursor in the search field at the next frame.
    search_wanted: bool,
}

impl PatientListView {
    pub fn new(query: &str) -> Self {
        PatientListView {
            query: query.to_owned(),
            new_patient: None,
            search_wanted: false,
        }
    }

    pub fn focus_search(&mut self) {
        self.search_wanted = true;
    }

    pub fn start_new_patient(&mut self) {
        self.new_patient.get_or_insert_with(String::new);
    }

    pub fn set_query(&mut self, query: &str) {
        query.clone_into(&mut self.query);
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        patients: &[Patient],
        found_in_notes: &[NoteMatch],
        selected: Option<PatientId>,
        actions: &mut Vec<Action>,
    ) {
        ui.add_space(6.0);
        ui.heading("Patients");
        ui.add_space(4.0);
        let label = ui.label("Search patients");
        let search = ui
            .add(
                egui::TextEdit::singleline(&mut self.query)
                    .hint_text("name, birth date or words of a note (Ctrl+F)")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        if std::mem::take(&mut self.search_wanted) {
            search.request_focus();
        }
        // Enter opens the first patient found, so that Ctrl+F, a name and Enter open a
        // chart without the mouse.
        if search.lost_focus()
            && ui.input(|i| i.key_pressed(egui::Key::Enter))
            && let Some(first) = patients.first()
        {
            actions.push(Action::SelectPatient(first.id));
        }
        if search.changed() {
            actions.push(Action::Search(self.query.clone()));
        }
        ui.add_space(4.0);
        self.new_patient_ui(ui, actions);
        ui.separator();

        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if patients.is_empty() && found_in_notes.is_empty() {
                    ui.weak("No patient matches.");
                }
                for patient in patients {
                    let born = patient
                        .date_of_birth
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_default();
                    // Rows are clicked, not tabbed through: Tab goes on to the chart.
                    let row = ui
                        .add(
                            egui::Button::selectable(Some(patient.id) == selected, &patient.name)
                                .sense(egui::Sense::CLICK),
                        )
                        .on_hover_text(format!("born {born}"));
                    if row.clicked() {
                        actions.push(Action::SelectPatient(patient.id));
                    }
                }
                found_in_notes_ui(ui, found_in_notes, selected, actions);
            });
    }

    fn new_patient_ui(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        match &mut self.new_patient {
            None => {
                if ui.button("New patient").on_hover_text("Ctrl+N").clicked() {
                    self.new_patient = Some(String::new());
                }
            }
            Some(name) => {
                let label = ui.label("New patient's name");
                let field = ui
                    .add(egui::TextEdit::singleline(name).desired_width(f32::INFINITY))
                    .labelled_by(label.id);
                if field.gained_focus() || name.is_empty() && !field.has_focus() {
                    field.request_focus();
                }
                let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let mut create = false;
                let mut cancel = false;
                ui.horizontal(|ui| {
                    let ready = !name.trim().is_empty();
                    create = ui
                        .add_enabled(ready, egui::Button::new("Create patient"))
                        .clicked()
                        || (entered && ready);
                    cancel = ui.button("Cancel").clicked();
                });
                if create {
                    actions.push(Action::CreatePatient(Patient::new(name.trim())));
                    self.new_patient = None;
                } else if cancel {
                    self.new_patient = None;
                }
            }
        }
    }
}

/// The patients whose notes hold the words typed: the visit and the line, a click opens
/// that visit.
fn found_in_notes_ui(
    ui: &mut egui::Ui,
    found: &[NoteMatch],
    selected: Option<PatientId>,
    actions: &mut Vec<Action>,
) {
    if found.is_empty() {
        return;
    }
    ui.add_space(6.0);
    ui.strong("Found in notes");
    for found in found {
        let text = format!(
            "{}\n{} · {}: {}",
            found.patient.name,
            found.visit_started.format("%Y-%m-%d"),
            found.field.label(),
            found.line
        );
        let row = ui.add(
            egui::Button::selectable(Some(found.patient.id) == selected, text)
                .wrap()
                .sense(egui::Sense::CLICK),
        );
        if row.clicked() {
            actions.push(Action::SelectPatient(found.patient.id));
            actions.push(Action::SelectVisit(found.visit));
        }
    }
}

/// Light, dark or as the system says; kept with the window's state.
pub fn theme_ui(ui: &mut egui::Ui, preference: &mut egui::ThemePreference) {
    ui.horizontal(|ui| {
        let label = ui.label("Theme");
        egui::ComboBox::from_id_salt("theme")
            .selected_text(theme_name(*preference))
            .show_ui(ui, |ui| {
                for choice in [
                    egui::ThemePreference::System,
                    egui::ThemePreference::Light,
                    egui::ThemePreference::Dark,
                ] {
                    ui.selectable_value(preference, choice, theme_name(choice));
                }
            })
            .response
            .labelled_by(label.id);
    });
    if *preference != ui.ctx().options(|o| o.theme_preference) {
        ui.ctx().set_theme(*preference);
    }
}

fn theme_name(preference: egui::ThemePreference) -> &'static str {
    match preference {
        egui::ThemePreference::System => "As the system",
        egui::ThemePreference::Light => "Light",
        egui::ThemePreference::Dark => "Dark",
    }
}
