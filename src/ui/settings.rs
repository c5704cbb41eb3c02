//! The clinician's settings: the name notes are signed with, when the window locks itself,
//! when unsigned drafts are worth a warning, the notebook's passphrase, and the clinic
//! profile that heads every document (kept in the notebook, not with the window's state).

use eframe::egui;
use serde::{Deserialize, Serialize};

use super::Action;
use super::widgets::{labelled_line, password_line};
use crate::model::ClinicProfile;
use crate::store::Passphrase;

/// What the clinician set, remembered between runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The name visits are signed with and the audit trail records.
    pub clinician: String,
    /// Minutes without input after which the window locks and hides patient data.
    pub idle_lock_minutes: u32,
    /// Unsigned visits older than this many days are listed as a warning.
    pub draft_warning_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clinician: String::new(),
            idle_lock_minutes: 10,
            draft_warning_days: 7,
        }
    }
}

#[derive(Debug, Default)]
pub struct SettingsView {
    new_passphrase: String,
    again: String,
    /// The clinic profile as edited, until saved; `None` while it shows the saved one.
    clinic: Option<ClinicProfile>,
    logo_file: String,
}

impl SettingsView {
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        settings: &Settings,
        encrypted: bool,
        actions: &mut Vec<Action>,
    ) {
        egui::CollapsingHeader::new("Settings")
            .id_salt("settings")
            .show(ui, |ui| {
                let mut changed = settings.clone();
                labelled_line(ui, "Clinician", &mut changed.clinician)
                    .on_hover_text("The name you sign visits with");
                ui.horizontal(|ui| {
                    let label = ui.label("Lock after idle (min)");
                    ui.add(egui::DragValue::new(&mut changed.idle_lock_minutes).range(1..=240))
                        .labelled_by(label.id);
                });
                ui.horizontal(|ui| {
                    let label = ui.label("Warn of drafts after (days)");
                    ui.add(egui::DragValue::new(&mut changed.draft_warning_days).range(1..=365))
                        .labelled_by(label.id);
                });
                if changed != *settings {
                    actions.push(Action::UpdateSettings(changed));
                }
                ui.separator();
                ui.label(if encrypted {
                    "Change the passphrase"
                } else {
                    "Set a passphrase to encrypt the notebook"
                });
                self.passphrase_ui(ui, encrypted, actions);
            });
    }

    fn passphrase_ui(&mut self, ui: &mut egui::Ui, encrypted: bool, actions: &mut Vec<Action>) {
        password_line(ui, "New passphrase", &mut self.new_passphrase);
        password_line(ui, "New passphrase again", &mut self.again);
        let same = self.new_passphrase == self.again;
        if !same {
            ui.colored_label(ui.visuals().warn_fg_color, "The two differ.");
        }
        let removing = self.new_passphrase.is_empty();
        let label = if removing && encrypted {
            "Remove encryption"
        } else {
            "Set passphrase"
        };
        let ready = same && (encrypted || !removing);
        if ui.add_enabled(ready, egui::Button::new(label)).clicked() {
            actions.push(Action::ChangePassphrase(Passphrase::new(std::mem::take(
                &mut self.new_passphrase,
            ))));
            self.again.clear();
        }
    }

    /// The clinic profile: name, credentials, registration, practice, address, phone and
    /// logo, saved together with one button.
    pub fn clinic_ui(
        &mut self,
        ui: &mut egui::Ui,
        saved: &ClinicProfile,
        actions: &mut Vec<Action>,
    ) {
        egui::CollapsingHeader::new("Clinic profile (heads every PDF)")
            .id_salt("clinic profile")
            .show(ui, |ui| {
                let editing = self.clinic.get_or_insert_with(|| saved.clone());
                labelled_line(ui, "Name on documents", &mut editing.clinician);
                labelled_line(ui, "Credentials", &mut editing.credentials);
                labelled_line(ui, "Licence or registration no.", &mut editing.registration);
                labelled_line(ui, "Practice", &mut editing.practice);
                labelled_line(ui, "Address", &mut editing.address);
                labelled_line(ui, "Phone", &mut editing.phone);
                labelled_line(ui, "Logo file (PNG or JPEG)", &mut self.logo_file);
                if saved.logo.is_some() {
                    ui.weak("A logo is saved; a new file replaces it.");
                }
                let changed =
                    self.clinic.as_ref() != Some(saved) || !self.logo_file.trim().is_empty();
                if ui
                    .add_enabled(changed, egui::Button::new("Save clinic profile"))
                    .clicked()
                    && let Some(profile) = self.clinic.take()
                {
                    let logo = std::mem::take(&mut self.logo_file);
                    let logo = logo.trim();
                    actions.push(Action::SaveClinicProfile {
                        profile,
                        logo: (!logo.is_empty()).then(|| logo.into()),
                    });
                }
            });
    }
}
