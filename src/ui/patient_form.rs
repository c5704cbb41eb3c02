//! The patient's details at the top of the centre, saved as they are typed.

use eframe::egui;

use super::Action;
use super::context::ViewContext;
use super::widgets::labelled_line;
use crate::model::{Patient, PatientId, Sex, Vocabulary};

#[derive(Debug, Default)]
pub struct PatientFormView {
    /// The date of birth as typed, kept apart from the patient until it is a real date.
    date_of_birth: String,
    /// The history in the clinician's words (entries that are not a ticked condition),
    /// "; " between entries, saved when the field is left.
    history_words: String,
    shown: Option<PatientId>,
}

impl PatientFormView {
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        context: &ViewContext<'_>,
        patient: &Patient,
        actions: &mut Vec<Action>,
    ) {
        if self.shown != Some(patient.id) {
            self.shown = Some(patient.id);
            self.date_of_birth = patient
                .date_of_birth
                .map(|d| d.to_string())
                .unwrap_or_default();
            self.history_words = words_of_history(patient, context.vocabulary);
        }
        let mut edited = patient.clone();
        let age = patient.age_on(chrono::Local::now().date_naive());
        let title = match age {
            Some(age) => format!(
                "{}, {age}, {}",
                patient.name,
                patient.sex.label().to_lowercase()
            ),
            None => patient.name.clone(),
        };
        ui.heading(title);
        if !patient.occupation.is_empty() {
            ui.label(&patient.occupation);
        }
        let vocabulary = context.vocabulary;
        if !patient.history.is_empty() {
            let names: Vec<&str> = patient
                .history
                .iter()
                .map(|code| vocabulary.history_name(code))
                .collect();
            ui.label(egui::RichText::new(format!("History: {}", names.join(", "))).strong());
            // What the reasoner takes from the words, so that nothing is read silently.
            let read = crate::model::reader::read_history(&patient.history, vocabulary);
            let recognised: Vec<&str> = read
                .codes
                .iter()
                .filter(|code| !patient.history.contains(code))
                .map(|code| vocabulary.history_name(code))
                .collect();
            if !recognised.is_empty() {
                ui.weak(format!("Read from the words as: {}", recognised.join(", ")));
            }
        }

        let mut changed = false;
        let mut date_problem = None;
        egui::CollapsingHeader::new("Patient details")
            .id_salt(("patient details", patient.id))
            .show(ui, |ui| {
                egui::Grid::new("patient grid")
                    .num_columns(2)
                    .spacing([12.0, 6.0])
                    .show(ui, |ui| {
                        changed |= labelled_line(ui, "Name", &mut edited.name).changed();
                        ui.end_row();
                        let born = labelled_line(ui, "Date of birth", &mut self.date_of_birth);
                        if born.changed() {
                            match crate::store::parse_date(&self.date_of_birth) {
                                Some(date) => {
                                    edited.date_of_birth = Some(date);
                                    changed = true;
                                }
                                None if self.date_of_birth.trim().is_empty() => {
                                    edited.date_of_birth = None;
                                    changed = true;
                                }
                                None => {}
                            }
                        }
                        if !self.date_of_birth.trim().is_empty()
                            && crate::store::parse_date(&self.date_of_birth).is_none()
                        {
                            date_problem = Some("Date of birth: YYYY-MM-DD");
                        }
                        ui.end_row();
                        let label = ui.label("Sex");
                        egui::ComboBox::from_id_salt("sex")
                            .selected_text(edited.sex.label())
                            .show_ui(ui, |ui| {
                                for sex in Sex::ALL {
                                    changed |= ui
                                        .selectable_value(&mut edited.sex, sex, sex.label())
                                        .changed();
                                }
                            })
                            .response
                            .labelled_by(label.id);
                        ui.end_row();
                        changed |= labelled_line(ui, "Contact", &mut edited.contact).changed();
                        ui.end_row();
                        changed |=
                            labelled_line(ui, "Occupation and activities", &mut edited.occupation)
                                .changed();
                        ui.end_row();
                        changed |= labelled_line(ui, "Notes", &mut edited.notes).changed();
                        ui.end_row();
                    });
                let label = ui.label("History in your words (; between entries)");
                let words = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.history_words)
                            .hint_text("runner; bruxism; breast cancer 2019")
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(label.id);
                if words.lost_focus() && self.history_words != words_of_history(patient, vocabulary)
                {
                    edited
                        .history
                        .retain(|entry| vocabulary.history_flag(entry).is_some());
                    edited.history.extend(
                        self.history_words
                            .split(';')
                            .map(str::trim)
                            .filter(|entry| !entry.is_empty())
                            .map(str::to_owned),
                    );
                    changed = true;
                }
                ui.label("Conditions");
                ui.horizontal_wrapped(|ui| {
                    for flag in vocabulary.history_flags() {
                        let mut has = edited.history.contains(&flag.code);
                        if ui.checkbox(&mut has, &flag.name).changed() {
                            changed = true;
                            if has {
                                edited.history.push(flag.code.clone());
                            } else {
                                edited.history.retain(|code| code != &flag.code);
                            }
                        }
                    }
                });
            });
        if let Some(problem) = date_problem {
            ui.colored_label(ui.visuals().warn_fg_color, problem);
        }
        if edited.name.trim().is_empty() {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "A patient needs a name; the old one is kept.",
            );
        } else if changed {
            actions.push(Action::UpdatePatient(edited));
        }
    }
}

/// The entries of a history that are not a condition's code, as one line.
fn words_of_history(patient: &Patient, vocabulary: &Vocabulary) -> String {
    patient
        .history
        .iter()
        .filter(|entry| vocabulary.history_flag(entry).is_none())
        .cloned()
        .collect::<Vec<_>>()
        .join("; ")
}
