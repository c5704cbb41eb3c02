//! Work on the whole notebook (export, import, the demo clinic, backups) runs on its own
//! thread with its own database connection, so the window stays responsive; the panel
//! shows that it is running and then what it did.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use eframe::egui;

use super::Action;
use crate::store::{Actor, NotebookFile, Passphrase, Store};

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
            NotebookTask::Document { kind, path, .. } => {
                format!("Writing the {} to {}", kind.label(), path.display())
            }
        }
    }

    /// Runs the task against the notebook at `database`, through a connection of its own.
    pub fn run(
        &self,
        database: &Path,
        passphrase: &Passphrase,
        by: &Actor,
    ) -> Result<String, String> {
        let text = |e: &dyn std::fmt::Display| e.to_string();
        let open = || Store::open_with(database, passphrase).map_err(|e| text(&e));
        match self {
            NotebookTask::DailyBackup => {
                let store = open()?;
                let folder = crate::store::backup_folder(database);
                let now = chrono::Local::now().naive_local();
                match store
                    .rotate_backups(by, &folder, now)
                    .map_err(|e| text(&e))?
                {
                    Some((path, check)) => Ok(format!(
                        "Today's backup made and checked: {} ({} patients)",
                        path.display(),
                        check.patients
                    )),
                    None => Ok(format!("Today's backup is in {}", folder.display())),
                }
            }
            NotebookTask::BackupTo(path) => {
                let check = open()?.backup_to(by, path).map_err(|e| text(&e))?;
                Ok(format!(
                    "Backed up {} patients to {}; integrity check ok",
                    check.patients,
                    path.display()
                ))
            }
            NotebookTask::Export(path) => {
                let notebook = open()?.export_to(by, path).map_err(|e| text(&e))?;
                Ok(format!(
                    "Exported {} patients to {}",
                    notebook.patients.len(),
                    path.display()
                ))
            }
            NotebookTask::Import(path) => {
                // The whole file is read and checked before the notebook is touched.
                let notebook = NotebookFile::read(path).map_err(|e| text(&e))?;
                let mut store = open()?;
                let summary = store.import(by, &notebook).map_err(|e| text(&e))?;
                Ok(format!(
                    "Imported {} patients and {} visits from {}",
                    summary.patients,
                    summary.visits,
                    path.display()
                ))
            }
            NotebookTask::Document {
                kind,
                options,
                path,
            } => {
                let bytes = kind.make(&open()?, options).map_err(|e| text(&e))?;
                crate::documents::write_pdf(path, &bytes).map_err(|e| text(&e))?;
                Ok(format!(
                    "Wrote the {} to {}. {}",
                    kind.label(),
                    path.display(),
                    crate::documents::UNENCRYPTED_WARNING
                ))
            }
            NotebookTask::Demo => {
                let demo = crate::demo::clinic_for_today().map_err(|e| text(&e))?;
                let mut store = open()?;
                let summary = store.import(by, &demo).map_err(|e| text(&e))?;
                Ok(format!(
                    "Added the demo clinic: {} patients",
                    summary.patients
                ))
            }
        }
    }
}

/// A task on its thread.
#[derive(Debug)]
pub struct Running {
    doing: String,
    started: Instant,
    done: mpsc::Receiver<Result<String, String>>,
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
    pub fn finished(&self) -> Option<Result<String, String>> {
        match self.done.try_recv() {
            Ok(result) => Some(result),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => {
                Some(Err(format!("{} stopped unexpectedly", self.doing)))
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
        outcome: Option<&Result<String, String>>,
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
                    (None, Some(Ok(message))) => {
                        ui.label(message);
                    }
                    (None, Some(Err(problem))) => {
                        ui.colored_label(ui.visuals().error_fg_color, problem);
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
