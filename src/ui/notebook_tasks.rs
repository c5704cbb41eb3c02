//! Work on the whole notebook (export, import, the demo clinic, backups) runs on its own
//! thread with its own database connection, so the window stays responsive; the panel
//! shows that it is running and then what it did.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use eframe::egui;

use super::Action;
use crate::notebook::{self, BackedUp, DailyBackup, DemoInto, Exported, Imported, NotebookError};
use crate::store::{Actor, ImportSummary, NotebookFile, Passphrase, Store};

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
}

impl NotebookTask {
    fn doing(&self) -> String {
        match self {
            NotebookTask::Export(path) => format!("Exporting to {}", path.display()),
            NotebookTask::Import(path) => format!("Importing {}", path.display()),
            NotebookTask::Demo => "Adding the demo clinic".to_owned(),
            NotebookTask::DailyBackup => "Making today's backup".to_owned(),
            NotebookTask::BackupTo(path) => format!("Backing up to {}", path.display()),
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
            NotebookTask::Import(path) => {
                // The whole file is read and checked before the notebook is touched.
                let file = NotebookFile::read(path)?;
                TaskDone::Imported(notebook::import(&mut open()?, by, &file, path)?)
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
            TaskDone::Imported(imported) => write!(
                f,
                "Imported {} patients and {} visits from {}",
                imported.summary.patients,
                imported.summary.visits,
                imported.path.display()
            ),
            TaskDone::Demo(summary) => {
                write!(f, "Added the demo clinic: {} patients", summary.patients)
            }
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
    export_to_confirm: Option<PathBuf>,
}

impl NotebookPanel {
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        running: Option<&Running>,
        outcome: Option<&Result<TaskDone, TaskError>>,
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
                            self.export_to_confirm = Some(path.clone());
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
                });
                if let Some(path) = self.export_to_confirm.clone() {
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
                                actions.push(Action::StartTask(NotebookTask::Export(path)));
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

fn default_export_path() -> PathBuf {
    let name = format!("upstream-{}.json", chrono::Local::now().format("%Y-%m-%d"));
    directories::UserDirs::new()
        .and_then(|dirs| dirs.document_dir().map(Path::to_path_buf))
        .or_else(|| directories::BaseDirs::new().map(|dirs| dirs.home_dir().to_path_buf()))
        .unwrap_or_default()
        .join(name)
}
