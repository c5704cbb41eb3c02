//! Work on the whole notebook (export, import, the demo clinic, backups) and a patient's
//! exports run on their own thread with their own database connection, so the window
//! stays responsive; the panel shows that it is running and then what it did.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use eframe::egui;

use super::Action;
use crate::exports::{self, Scope};
use crate::model::Patient;
use crate::notebook::{self, BackedUp, DailyBackup, DemoInto, Exported, Imported, NotebookError};
use crate::store::{Actor, ImportSummary, NotebookFile, Passphrase, ProfileImport, Store};

/// A piece of whole-notebook work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotebookTask {
    Export(PathBuf),
    Import(PathBuf),
    Demo,
    /// Today's rotating backup beside the notebook, unless it is made already.
    DailyBackup,
    /// A backup to a file the clinician names.
    BackupTo(PathBuf),
    /// A FHIR R4 Bundle of a patient or of the whole notebook.
    Fhir(Scope, PathBuf),
    /// CSV tables of a patient or of the whole notebook, into a folder.
    Csv(Scope, PathBuf),
    /// One patient's record in the notebook's JSON format.
    PatientJson(crate::model::PatientId, PathBuf),
    /// A visit note, progress report, letter or handout written as PDF.
    Document {
        kind: crate::documents::DocumentKind,
        options: crate::documents::DocumentOptions,
        path: PathBuf,
    },
}

impl NotebookTask {
    fn doing(&self) -> String {
        match self {
            NotebookTask::Export(path) => format!("Exporting to {}", path.display()),
            NotebookTask::Import(path) => format!("Importing {}", path.display()),
            NotebookTask::Demo => "Adding the demo clinic".to_owned(),
            NotebookTask::DailyBackup => "Making today's backup".to_owned(),
            NotebookTask::BackupTo(path) => format!("Backing up to {}", path.display()),
            NotebookTask::Fhir(_, path) => format!("Writing FHIR to {}", path.display()),
            NotebookTask::Csv(_, path) => format!("Writing CSV to {}", path.display()),
            NotebookTask::PatientJson(_, path) => format!("Exporting to {}", path.display()),
            NotebookTask::Document { kind, path, .. } => {
                format!("Writing the {} to {}", kind.label(), path.display())
            }
        }
    }

    /// The file or folder it writes unencrypted, which the clinician confirms first.
    fn writes_plain(&self) -> Option<&Path> {
        match self {
            NotebookTask::Export(path)
            | NotebookTask::Fhir(_, path)
            | NotebookTask::Csv(_, path)
            | NotebookTask::PatientJson(_, path) => Some(path),
            _ => None,
        }
    }

    /// Runs the task against the notebook at `database`, through a connection of its own.
    pub fn run(
        &self,
        database: &Path,
        passphrase: &Passphrase,
        by: &Actor,
    ) -> Result<TaskDone, NotebookError> {
        let open = || Store::open_with(database, passphrase);
        Ok(match self {
            NotebookTask::DailyBackup => {
                TaskDone::DailyBackup(notebook::daily_backup(&open()?, by)?)
            }
            NotebookTask::BackupTo(path) => {
                TaskDone::BackedUp(notebook::back_up_to(&open()?, by, path)?)
            }
            NotebookTask::Export(path) => TaskDone::Exported(notebook::export(&open()?, by, path)?),
            NotebookTask::Fhir(scope, path) => TaskDone::Fhir {
                resources: notebook::write_fhir(&open()?, by, *scope, path)?,
                path: path.clone(),
            },
            NotebookTask::Csv(scope, path) => TaskDone::Csv {
                tables: exports::csv::write_csv(&open()?, by, *scope, path)?,
                path: path.clone(),
            },
            NotebookTask::PatientJson(patient, path) => TaskDone::PatientExported {
                visits: exports::write_json(&open()?, by, *patient, path)?,
                path: path.clone(),
            },
            NotebookTask::Import(path) => {
                // The whole file is read and checked before the notebook is touched.
                let file = NotebookFile::read(path)?;
                TaskDone::Imported(notebook::import(&mut open()?, by, &file, path)?)
            }
            NotebookTask::Document {
                kind,
                options,
                path,
            } => {
                let bytes = kind.make(&open()?, options)?;
                crate::documents::write_pdf(path, &bytes)?;
                TaskDone::Document {
                    label: kind.label(),
                    path: path.clone(),
                }
            }
            NotebookTask::Demo => TaskDone::Demo(notebook::add_demo_clinic(
                &mut open()?,
                by,
                DemoInto::AnyNotebook,
            )?),
        })
    }
}

/// What whole-notebook work did, in the words the panel shows.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskDone {
    DailyBackup(DailyBackup),
    BackedUp(BackedUp),
    Exported(Exported),
    Imported(Imported),
    Demo(ImportSummary),
    /// A FHIR Bundle written, with how many resources.
    Fhir {
        resources: usize,
        path: PathBuf,
    },
    /// CSV tables written into a folder.
    Csv {
        tables: exports::csv::CsvTables,
        path: PathBuf,
    },
    /// One patient's record written as JSON, with how many visits.
    PatientExported {
        visits: usize,
        path: PathBuf,
    },
    /// A visit note, progress report, letter or handout written as PDF.
    Document {
        label: &'static str,
        path: PathBuf,
    },
    /// The passphrase changed; whether the notebook is now encrypted.
    Rekeyed {
        encrypted: bool,
    },
}

impl std::fmt::Display for TaskDone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TaskDone::DailyBackup(DailyBackup::Made { path, check }) => write!(
                f,
                "Today's backup made and checked: {} ({} patients)",
                path.display(),
                check.patients
            ),
            TaskDone::DailyBackup(DailyBackup::MadeAlready { folder }) => {
                write!(f, "Today's backup is in {}", folder.display())
            }
            TaskDone::BackedUp(backed_up) => write!(
                f,
                "Backed up {} patients to {}; integrity check ok",
                backed_up.check.patients,
                backed_up.check.path.display()
            ),
            TaskDone::Exported(exported) => write!(
                f,
                "Exported {} patients to {}",
                exported.patients,
                exported.path.display()
            ),
            TaskDone::Imported(imported) => {
                write!(
                    f,
                    "Imported {} patients, {} visits and {} signed letters from {}",
                    imported.summary.patients,
                    imported.summary.visits,
                    imported.summary.letters,
                    imported.path.display()
                )?;
                match &imported.summary.clinic_profile {
                    ProfileImport::NoneInFile | ProfileImport::AlreadySame => Ok(()),
                    ProfileImport::Taken => {
                        write!(f, ". The clinic profile in Settings came from the file.")
                    }
                    ProfileImport::KeptNotebooks {
                        file_practice,
                        file_clinician,
                    } => write!(
                        f,
                        ". Your clinic profile was kept; the file's ({file_clinician}, {file_practice}) was not used."
                    ),
                }
            }
            TaskDone::Demo(summary) => {
                write!(f, "Added the demo clinic: {} patients", summary.patients)
            }
            TaskDone::Fhir { resources, path } => write!(
                f,
                "Wrote a FHIR Bundle of {resources} resources to {}. {}",
                path.display(),
                exports::unencrypted_warning(path)
            ),
            TaskDone::Csv { tables, path } => write!(
                f,
                "Wrote {} visits, {} findings and {} interventions as CSV to {}. {}",
                tables.visits,
                tables.findings,
                tables.interventions,
                path.display(),
                exports::unencrypted_warning(path)
            ),
            TaskDone::PatientExported { visits, path } => write!(
                f,
                "Exported the patient's {visits} visits to {}. {}",
                path.display(),
                exports::unencrypted_warning(path)
            ),
            TaskDone::Document { label, path } => write!(
                f,
                "Wrote the {label} to {}. {}",
                path.display(),
                crate::documents::UNENCRYPTED_WARNING
            ),
            TaskDone::Rekeyed { encrypted: true } => {
                f.write_str("The notebook is encrypted under the new passphrase.")
            }
            TaskDone::Rekeyed { encrypted: false } => {
                f.write_str("The notebook is no longer encrypted.")
            }
        }
    }
}

/// Why whole-notebook work did not finish.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    #[error(transparent)]
    Notebook(#[from] NotebookError),
    #[error("{0} stopped unexpectedly")]
    Stopped(String),
}

/// A task on its thread.
#[derive(Debug)]
pub struct Running {
    doing: String,
    started: Instant,
    done: mpsc::Receiver<Result<TaskDone, NotebookError>>,
}

impl Running {
    /// Starts `task` on a thread of its own.
    pub fn start(
        task: NotebookTask,
        database: PathBuf,
        passphrase: Passphrase,
        by: Actor,
        ctx: egui::Context,
    ) -> Running {
        let (sender, done) = mpsc::channel();
        let doing = task.doing();
        std::thread::spawn(move || {
            let result = task.run(&database, &passphrase, &by);
            // The window may have closed meanwhile; then nobody is waiting.
            let _ = sender.send(result);
            ctx.request_repaint();
        });
        Running {
            doing,
            started: Instant::now(),
            done,
        }
    }

    /// The outcome, once the thread has finished.
    pub fn finished(&self) -> Option<Result<TaskDone, TaskError>> {
        match self.done.try_recv() {
            Ok(result) => Some(result.map_err(TaskError::from)),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => {
                Some(Err(TaskError::Stopped(self.doing.clone())))
            }
        }
    }
}

/// The panel's own state: the file path being typed and what the last task said.
#[derive(Debug, Default)]
pub struct NotebookPanel {
    path: String,
    /// The export asked for and waiting on the clinician's word that a plain file is fine.
    export_to_confirm: Option<NotebookTask>,
}

impl NotebookPanel {
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        running: Option<&Running>,
        outcome: Option<&Result<TaskDone, TaskError>>,
        patient: Option<&Patient>,
        actions: &mut Vec<Action>,
    ) {
        egui::CollapsingHeader::new("Notebook")
            .id_salt("notebook tasks")
            .show(ui, |ui| {
                if self.path.is_empty() {
                    self.path = default_export_path().display().to_string();
                }
                let label = ui.label("File");
                ui.add(egui::TextEdit::singleline(&mut self.path).desired_width(f32::INFINITY))
                    .labelled_by(label.id);
                ui.add_enabled_ui(running.is_none(), |ui| {
                    ui.horizontal_wrapped(|ui| {
                        let path = PathBuf::from(self.path.trim());
                        if ui.button("Export notebook").clicked() {
                            self.export_to_confirm = Some(NotebookTask::Export(path.clone()));
                        }
                        if ui.button("Notebook as FHIR").clicked() {
                            self.export_to_confirm = Some(NotebookTask::Fhir(
                                Scope::Notebook,
                                path.with_extension("fhir.json"),
                            ));
                        }
                        if ui
                            .button("Notebook as CSV")
                            .on_hover_text(
                                "visits.csv, findings.csv and interventions.csv in a folder",
                            )
                            .clicked()
                        {
                            self.export_to_confirm =
                                Some(NotebookTask::Csv(Scope::Notebook, path.with_extension("")));
                        }
                        if ui.button("Import notebook").clicked() {
                            actions.push(Action::StartTask(NotebookTask::Import(path)));
                        }
                        if ui.button("Add demo clinic").clicked() {
                            actions.push(Action::StartTask(NotebookTask::Demo));
                        }
                        if ui
                            .button("Back up to file")
                            .on_hover_text("An encrypted notebook's backup keeps its passphrase")
                            .clicked()
                        {
                            let backup = PathBuf::from(self.path.trim()).with_extension("sqlite3");
                            actions.push(Action::StartTask(NotebookTask::BackupTo(backup)));
                        }
                    });
                    if let Some(patient) = patient {
                        patient_exports_ui(ui, patient, &path_typed(&self.path), self);
                    }
                });
                if let Some(task) = self.export_to_confirm.clone()
                    && let Some(path) = task.writes_plain()
                {
                    egui::Frame::group(ui.style()).show(ui, |ui| {
                        ui.colored_label(
                            ui.visuals().warn_fg_color,
                            format!(
                                "{} will not be encrypted: anyone with the file can read every \
                                 patient's record in it. Keep it somewhere safe.",
                                path.display()
                            ),
                        );
                        ui.horizontal(|ui| {
                            if ui.button("Export unencrypted").clicked() {
                                actions.push(Action::StartTask(task.clone()));
                                self.export_to_confirm = None;
                            }
                            if ui.button("Cancel export").clicked() {
                                self.export_to_confirm = None;
                            }
                        });
                    });
                }
                match (running, outcome) {
                    (Some(running), _) => {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.label(format!(
                                "{}... {:.0} s",
                                running.doing,
                                running.started.elapsed().as_secs_f32()
                            ));
                        });
                    }
                    (None, Some(Ok(done))) => {
                        ui.label(done.to_string());
                    }
                    (None, Some(Err(problem))) => {
                        ui.colored_label(ui.visuals().error_fg_color, problem.to_string());
                    }
                    (None, None) => {}
                }
            });
    }
}

fn path_typed(path: &str) -> PathBuf {
    PathBuf::from(path.trim())
}

/// The open patient's record alone, beside the typed file: JSON, FHIR or CSV.
fn patient_exports_ui(
    ui: &mut egui::Ui,
    patient: &Patient,
    path: &Path,
    panel: &mut NotebookPanel,
) {
    let stem = path.with_file_name(format!(
        "{}-{}",
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        patient.id.0
    ));
    ui.label(format!("{} alone:", patient.name));
    ui.horizontal_wrapped(|ui| {
        if ui.button("Patient as JSON").clicked() {
            panel.export_to_confirm = Some(NotebookTask::PatientJson(
                patient.id,
                stem.with_extension("json"),
            ));
        }
        if ui.button("Patient as FHIR").clicked() {
            panel.export_to_confirm = Some(NotebookTask::Fhir(
                Scope::Patient(patient.id),
                stem.with_extension("fhir.json"),
            ));
        }
        if ui.button("Patient as CSV").clicked() {
            panel.export_to_confirm =
                Some(NotebookTask::Csv(Scope::Patient(patient.id), stem.clone()));
        }
    });
}

fn default_export_path() -> PathBuf {
    let name = format!("upstream-{}.json", chrono::Local::now().format("%Y-%m-%d"));
    directories::UserDirs::new()
        .and_then(|dirs| dirs.document_dir().map(Path::to_path_buf))
        .or_else(|| directories::BaseDirs::new().map(|dirs| dirs.home_dir().to_path_buf()))
        .unwrap_or_default()
        .join(name)
}
