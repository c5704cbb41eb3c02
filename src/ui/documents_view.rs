//! The patient's documents as PDF: the open visit's note, a progress report over chosen
//! dates, a handout, and a referral letter edited here before it is signed and kept. The
//! files are written on a thread of their own (`notebook_tasks.rs`); the view says that a
//! PDF is not encrypted.

use std::path::PathBuf;

use eframe::egui;

use super::Action;
use super::widgets::{labelled_line, labelled_text};
use crate::documents::{DocumentKind, DocumentOptions, Paper, UNENCRYPTED_WARNING};
use crate::model::{Letter, LetterDraft, LetterUrgency, Patient, VisitId, VisitRecord};

/// Where a referral letter starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LetterStart {
    Blank,
    /// A red flag raised at the open visit, by its id.
    Flag(String),
    /// A hypothesis of the open visit, by its source's id.
    Hypothesis(String),
}

#[derive(Debug, Default)]
pub struct DocumentsView {
    paper: Paper,
    /// The folder the PDFs go to; the file names are made from the patient and the date.
    folder: String,
    from: String,
    to: String,
    /// The patient the dates were filled in for.
    dates_for: Option<crate::model::PatientId>,
    /// The letter being edited, before it is signed.
    letter: Option<LetterDraft>,
}

fn default_folder() -> String {
    directories::UserDirs::new()
        .and_then(|dirs| {
            dirs.document_dir()
                .map(|d| d.to_path_buf())
                .or_else(|| Some(dirs.home_dir().to_path_buf()))
        })
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// A file name from the patient and what the document is: "Ada Quill visit note 2026-03-02.pdf".
fn file_name(patient: &Patient, what: &str, date: &str) -> String {
    let name: String = patient
        .name
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
        .collect();
    format!("{} {what} {date}.pdf", name.trim())
}

impl DocumentsView {
    /// The letter to edit, as the reasoner's red flag or hypothesis started it.
    pub fn begin_letter(&mut self, draft: LetterDraft) {
        self.letter = Some(draft);
    }

    fn path(&self, patient: &Patient, what: &str, date: &str) -> PathBuf {
        PathBuf::from(self.folder.trim()).join(file_name(patient, what, date))
    }

    fn options(&self) -> DocumentOptions {
        DocumentOptions {
            paper: self.paper,
            ..DocumentOptions::default()
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        patient: &Patient,
        timeline: &[VisitRecord],
        visit: Option<VisitId>,
        letters: &[Letter],
        hypothesis: Option<&str>,
        busy: bool,
        actions: &mut Vec<Action>,
    ) {
        if self.folder.is_empty() {
            self.folder = default_folder();
        }
        if self.dates_for != Some(patient.id) {
            self.dates_for = Some(patient.id);
            let day = |r: Option<&VisitRecord>| {
                r.map(|r| r.visit.started_at.date().to_string())
                    .unwrap_or_default()
            };
            self.from = day(timeline.first());
            self.to = day(timeline.last());
            self.letter = None;
        }
        let open = self.letter.is_some();
        egui::CollapsingHeader::new("Documents (PDF)")
            .id_salt("documents")
            .open(open.then_some(true))
            .show(ui, |ui| {
                ui.colored_label(ui.visuals().warn_fg_color, UNENCRYPTED_WARNING);
                ui.horizontal(|ui| {
                    ui.label("Paper");
                    for paper in Paper::ALL {
                        ui.selectable_value(&mut self.paper, paper, paper.label());
                    }
                });
                labelled_line(ui, "Save PDFs in folder", &mut self.folder);
                let mut chosen: Option<(DocumentKind, PathBuf)> = None;
                let mut start = |kind: DocumentKind, path: PathBuf| chosen = Some((kind, path));
                ui.add_enabled_ui(!busy, |ui| {
                    let record = timeline.iter().find(|r| Some(r.visit.id) == visit);
                    if let Some(record) = record {
                        let date = record.visit.started_at.date().to_string();
                        let label = if record.visit.is_signed() {
                            "Visit note PDF"
                        } else {
                            "Visit note PDF (marked DRAFT)"
                        };
                        if ui.button(label).clicked() {
                            start(
                                DocumentKind::VisitNote(record.visit.id),
                                self.path(patient, "visit note", &date),
                            );
                        }
                    } else {
                        ui.weak("Open a visit to print its note.");
                    }
                    ui.horizontal(|ui| {
                        let from = ui.label("Progress from");
                        ui.add(egui::TextEdit::singleline(&mut self.from).desired_width(90.0))
                            .labelled_by(from.id);
                        let to = ui.label("to");
                        ui.add(egui::TextEdit::singleline(&mut self.to).desired_width(90.0))
                            .labelled_by(to.id);
                    });
                    let dates = (
                        crate::store::parse_date(&self.from),
                        crate::store::parse_date(&self.to),
                    );
                    match dates {
                        (Some(from), Some(to)) => {
                            if ui.button("Progress report PDF").clicked() {
                                start(
                                    DocumentKind::ProgressReport {
                                        patient: patient.id,
                                        from,
                                        to,
                                    },
                                    self.path(patient, "progress report", &format!("{from} to {to}")),
                                );
                            }
                        }
                        _ => {
                            ui.weak("Write the dates as 2026-03-31.");
                        }
                    }
                    if let Some(last) = timeline.last() {
                        let date = last.visit.started_at.date().to_string();
                        if ui
                            .button("Patient handout PDF")
                            .on_hover_text("The selected source's referral zones beside the patient's pain, and the home exercises")
                            .clicked()
                        {
                            start(
                                DocumentKind::Handout {
                                    patient: patient.id,
                                    hypothesis: hypothesis.map(str::to_owned),
                                },
                                self.path(patient, "handout", &date),
                            );
                        }
                    }
                    for letter in letters {
                        let date = letter.signed_at.date().to_string();
                        if ui
                            .button(format!(
                                "Letter to {} of {date} (signed): PDF",
                                letter.draft.recipient
                            ))
                            .clicked()
                        {
                            start(
                                DocumentKind::Letter(letter.id),
                                self.path(patient, &format!("letter {}", letter.id), &date),
                            );
                        }
                    }
                });
                if let Some((kind, path)) = chosen {
                    actions.push(Action::StartTask(super::NotebookTask::Document {
                        kind,
                        options: self.options(),
                        path,
                    }));
                }
                ui.separator();
                ui.add_enabled_ui(!busy, |ui| self.letter_ui(ui, patient, actions));
            });
    }

    fn letter_ui(&mut self, ui: &mut egui::Ui, patient: &Patient, actions: &mut Vec<Action>) {
        let Some(draft) = &mut self.letter else {
            if ui.button("New referral letter…").clicked() {
                actions.push(Action::StartLetter(LetterStart::Blank));
            }
            return;
        };
        ui.strong("Referral letter");
        labelled_line(ui, "Letter to", &mut draft.recipient);
        ui.horizontal(|ui| {
            ui.label("Urgency");
            for urgency in LetterUrgency::ALL {
                ui.selectable_value(
                    &mut draft.urgency,
                    urgency,
                    urgency.plainly().split(':').next().unwrap_or_default(),
                );
            }
        });
        labelled_text(ui, "Reason for referral", &mut draft.reason, 3);
        labelled_text(ui, "Findings that raised it", &mut draft.findings, 2);
        labelled_text(ui, "What has been done", &mut draft.done, 2);
        labelled_text(ui, "What was avoided", &mut draft.avoided, 2);
        let mut finished = false;
        let (paper, folder) = (self.paper, self.folder.trim().to_owned());
        ui.horizontal(|ui| {
            let ready = !draft.recipient.trim().is_empty() && !draft.reason.trim().is_empty();
            if ui
                .add_enabled(
                    ready,
                    egui::Button::new("Sign, keep in the record and write PDF"),
                )
                .on_disabled_hover_text("Say to whom, and why")
                .clicked()
            {
                let date = chrono::Local::now().date_naive().to_string();
                actions.push(Action::SignLetter {
                    draft: draft.clone(),
                    options: DocumentOptions {
                        paper,
                        ..DocumentOptions::default()
                    },
                    path: PathBuf::from(&folder).join(file_name(patient, "referral letter", &date)),
                });
                finished = true;
            } else if ui.button("Discard letter").clicked() {
                finished = true;
            }
        });
        if finished {
            self.letter = None;
        }
    }
}
