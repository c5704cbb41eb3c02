//! What stands between the window and the notebook: the first start, which asks for a
//! passphrase; the unlock screen; the idle lock, which closes the notebook and hides every
//! patient after a quiet spell; and the screen for a notebook that cannot be opened, which
//! offers the newest backup that passes its checks.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use eframe::egui;

use super::widgets::password_line;
use super::{AppState, UpstreamApp};
use crate::notebook::{self, DemoInto, NotebookError};
use crate::store::{self, BackupCheck, FileKind, NotebookLock, Passphrase, Store, StoreError};

/// The screen the window shows.
enum Stage {
    /// No notebook yet: choose a passphrase, or none.
    Create,
    /// An encrypted notebook, or any notebook after the idle lock.
    Locked,
    Open(Box<UpstreamApp>),
    /// The notebook cannot be opened; `message` says why.
    Failed {
        message: String,
    },
}

/// The window's top level: the notebook's lock, the passphrase screens and the open
/// notebook.
pub struct NotebookGate {
    path: PathBuf,
    /// Held from start to close, so a second window on the same notebook is refused.
    lock: Option<NotebookLock>,
    /// Persisted window state, handed to the notebook when it opens and taken back when it
    /// locks.
    state: AppState,
    stage: Stage,
    passphrase: String,
    again: String,
    /// What the last attempt to open said.
    problem: Option<String>,
    /// Whether the notebook has no passphrase (then unlocking takes none).
    plain: bool,
    /// The newest verified backup, once looked for.
    backup: Option<Result<BackupCheck, String>>,
    /// Input time (seconds) of the last thing the clinician did.
    last_activity: Option<f64>,
    /// Set by `set_idle_limit`; otherwise the clinician's setting holds.
    idle_limit: Option<Duration>,
    sized_to_screen: bool,
    /// Every page of the open notebook being read on a thread of its own; a damaged
    /// notebook is closed and its newest verified backup offered.
    page_check: Option<mpsc::Receiver<Result<(), String>>>,
    /// Whether the passphrase field is to take the cursor on the next frame.
    wants_focus: bool,
    /// Input held back after a focus change, for the next frame.
    pacer: super::KeystrokePacer,
    /// The window state as last written to eframe's storage.
    persisted: Option<AppState>,
    /// Whether the notebook opened in this run: after the idle lock, a passphrase that
    /// does not open it is a mistyped one, not a sign of a damaged file.
    opened_before: bool,
}

impl NotebookGate {
    /// Takes the notebook's lock and decides what to show: creation, unlock, or the open
    /// notebook when it has no passphrase (or `UPSTREAM_PASSPHRASE` opens it).
    pub fn new(path: &Path, state: AppState) -> NotebookGate {
        let mut gate = NotebookGate {
            path: path.to_owned(),
            lock: None,
            state,
            stage: Stage::Locked,
            passphrase: String::new(),
            again: String::new(),
            problem: None,
            plain: false,
            backup: None,
            last_activity: None,
            idle_limit: None,
            sized_to_screen: false,
            page_check: None,
            wants_focus: true,
            pacer: super::KeystrokePacer::default(),
            persisted: None,
            opened_before: false,
        };
        match NotebookLock::acquire(path) {
            Ok(lock) => {
                // What an interrupted rekey or restore left beside the notebook.
                store::remove_leftovers(path);
                gate.lock = Some(lock);
            }
            Err(error) => {
                gate.stage = Stage::Failed {
                    message: error.to_string(),
                };
                return gate;
            }
        }
        let from_environment = std::env::var(crate::store::PASSPHRASE_VARIABLE).ok();
        match store::probe(path) {
            Ok(FileKind::New) if !store::recovery_candidates(path).is_empty() => {
                // The notebook was there once: offer it back rather than a new, empty one.
                gate.stage = Stage::Failed {
                    message: StoreError::Vanished {
                        path: path.to_owned(),
                        found: store::recovery_candidates(path),
                    }
                    .to_string(),
                };
            }
            Ok(FileKind::New) => match from_environment {
                Some(passphrase) => gate.open(&Passphrase::new(passphrase)),
                None => gate.stage = Stage::Create,
            },
            Ok(FileKind::Plain) => {
                gate.plain = true;
                gate.open(&Passphrase::none());
            }
            Ok(FileKind::Encrypted) => {
                if let Some(passphrase) = from_environment {
                    gate.open(&Passphrase::new(passphrase));
                }
            }
            Err(error) => {
                gate.stage = Stage::Failed {
                    message: error.to_string(),
                }
            }
        }
        gate
    }

    /// The open notebook, if it is open.
    pub fn app(&self) -> Option<&UpstreamApp> {
        match &self.stage {
            Stage::Open(app) => Some(app),
            _ => None,
        }
    }

    pub fn is_locked(&self) -> bool {
        matches!(self.stage, Stage::Locked)
    }

    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// How long the window may sit without input before it locks, in place of the
    /// clinician's setting in minutes.
    pub fn set_idle_limit(&mut self, limit: Duration) {
        self.idle_limit = Some(limit);
    }

    /// Opens the notebook with `passphrase`; a new one gets the demo clinic and today's
    /// backup is started. On failure the screen says why and nothing was changed.
    fn open(&mut self, passphrase: &Passphrase) {
        let opened = (|| -> Result<Store, NotebookError> {
            let was_new = store::probe(&self.path)? == FileKind::New;
            let mut store = Store::open_with(&self.path, passphrase)?;
            if was_new {
                let actor = crate::store::Actor::new(&self.state.settings.clinician)
                    .unwrap_or_else(crate::store::Actor::login);
                notebook::add_demo_clinic(&mut store, &actor, DemoInto::EmptyNotebook)?;
            }
            Ok(store)
        })();
        self.show_opened(opened);
    }

    /// Shows the notebook just opened (today's backup started), or why it did not open.
    fn show_opened(&mut self, opened: Result<Store, NotebookError>) {
        match opened {
            Ok(store) => {
                self.plain = !store.is_encrypted();
                let today = chrono::Local::now().date_naive();
                // Every page is read once a day, or after Upstream did not close cleanly.
                if self.lock.as_ref().is_some_and(|l| l.page_check_due(today)) {
                    self.page_check = Some(check_pages_in_background(
                        self.path.clone(),
                        store.passphrase().clone(),
                    ));
                }
                let mut app = UpstreamApp::new(store, self.state.clone());
                app.apply(super::Action::StartTask(super::NotebookTask::DailyBackup));
                self.stage = Stage::Open(Box::new(app));
                self.problem = None;
                self.passphrase.clear();
                self.again.clear();
                self.last_activity = None;
                self.opened_before = true;
            }
            Err(NotebookError::Store(StoreError::WrongPassphrase { .. })) if self.opened_before => {
                self.problem = Some(
                    "That is not the passphrase this notebook opened with earlier. Nothing was \
                     changed; type it again."
                        .into(),
                );
                self.stage = Stage::Locked;
                self.passphrase.clear();
                self.wants_focus = true;
            }
            Err(NotebookError::Store(
                error @ (StoreError::WrongPassphrase { .. } | StoreError::PassphraseNeeded { .. }),
            )) => {
                self.problem = Some(error.to_string());
                self.stage = Stage::Locked;
            }
            Err(error) => {
                self.stage = Stage::Failed {
                    message: error.to_string(),
                };
            }
        }
    }

    /// Closes the notebook and forgets every patient it showed; the window state (which
    /// holds no patient data) is kept for the unlock.
    pub fn lock(&mut self) {
        if let Stage::Open(app) = &mut self.stage {
            app.save_typing();
            self.state = app.state.clone();
            self.stage = Stage::Locked;
            self.problem = Some("Locked after a quiet spell. Unlock to go on.".into());
            self.wants_focus = true;
            self.backup = None;
        }
    }

    /// What the window remembers between runs, as it stands now.
    pub fn window_state(&self) -> &AppState {
        match &self.stage {
            Stage::Open(app) => &app.state,
            _ => &self.state,
        }
    }

    /// Writes the window state to `storage` if it changed since last written, so that a
    /// setting or the theme chosen is kept even if Upstream is then killed rather than
    /// closed. Returns whether it wrote.
    pub fn persist_if_changed(&mut self, storage: &mut dyn eframe::Storage) -> bool {
        // The search text is not kept, so typing it writes nothing.
        let state = AppState {
            search: String::new(),
            ..self.window_state().clone()
        };
        if self.persisted.as_ref() == Some(&state) {
            return false;
        }
        eframe::set_value(storage, eframe::APP_KEY, &state);
        storage.flush();
        self.persisted = Some(state);
        true
    }

    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let theme = self.window_state().theme;
        if ui.ctx().options(|o| o.theme_preference) != theme {
            ui.ctx().set_theme(theme);
        }
        self.idle_lock(ui.ctx());
        self.page_check_outcome(ui.ctx());
        match &mut self.stage {
            Stage::Open(app) => app.ui(ui),
            Stage::Create => self.create_ui(ui),
            Stage::Locked => self.unlock_ui(ui),
            Stage::Failed { message } => {
                let message = message.clone();
                self.failed_ui(ui, &message);
            }
        }
    }

    /// Closes the notebook when the check of its pages found damage.
    fn page_check_outcome(&mut self, ctx: &egui::Context) {
        let Some(receiver) = &self.page_check else {
            return;
        };
        match receiver.try_recv() {
            Ok(Ok(())) => {
                self.page_check = None;
                if let Some(lock) = &mut self.lock {
                    lock.checked_today(chrono::Local::now().date_naive());
                }
            }
            Err(mpsc::TryRecvError::Disconnected) => self.page_check = None,
            Ok(Err(message)) => {
                self.page_check = None;
                if let Stage::Open(app) = &self.stage {
                    self.state = app.state.clone();
                }
                self.stage = Stage::Failed { message };
            }
            Err(mpsc::TryRecvError::Empty) => {
                ctx.request_repaint_after(Duration::from_millis(200));
            }
        }
    }

    /// Whether the check of the open notebook's pages is still running.
    pub fn checking_pages(&self) -> bool {
        self.page_check.is_some()
    }

    /// Locks the open notebook once nothing has been done for the idle limit, and wakes
    /// the window in time to do so.
    fn idle_lock(&mut self, ctx: &egui::Context) {
        let Stage::Open(app) = &self.stage else {
            return;
        };
        let minutes = u64::from(app.state.settings.idle_lock_minutes.max(1));
        let limit = self.idle_limit.unwrap_or(Duration::from_secs(minutes * 60));
        let (now, active) = ctx.input(|i| {
            let active = !i.events.is_empty()
                || i.pointer.delta() != egui::Vec2::ZERO
                || i.pointer.any_down();
            (i.time, active)
        });
        let last = self.last_activity.get_or_insert(now);
        if active {
            *last = now;
        }
        let idle = Duration::from_secs_f64((now - *last).max(0.0));
        if idle >= limit {
            self.lock();
        } else {
            ctx.request_repaint_after(limit - idle);
        }
    }

    fn create_ui(&mut self, ui: &mut egui::Ui) {
        form_ui(ui, |ui| {
            ui.heading("A new notebook");
            ui.add_space(8.0);
            ui.label(format!(
                "Upstream will keep its notebook at {}.",
                self.path.display()
            ));
            ui.label(
                "Choose a passphrase to encrypt it. Without the passphrase nobody can read it, \
                 and it cannot be recovered if you forget it.",
            );
            ui.add_space(8.0);
            let first = password_line(ui, "Passphrase", &mut self.passphrase);
            self.focus_once(&first);
            let again = password_line(ui, "Passphrase again", &mut self.again);
            // Enter goes on to the second field, and from there creates the notebook.
            if entered(&first) {
                again.request_focus();
            }
            let same = self.passphrase == self.again;
            // Said once the second field is typed in, not while it is still empty.
            if !same && !self.again.is_empty() {
                ui.colored_label(ui.visuals().warn_fg_color, "The two differ.");
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let ready = same && !self.passphrase.is_empty();
                if ui
                    .add_enabled(ready, egui::Button::new("Create encrypted notebook"))
                    .clicked()
                    || (ready && entered(&again))
                {
                    let passphrase = Passphrase::new(self.passphrase.clone());
                    self.open(&passphrase);
                }
                if ui.button("Continue without encryption").clicked() {
                    self.open(&Passphrase::none());
                }
            });
            ui.weak(
                "Without a passphrase the notebook is not encrypted: anyone with the file can \
                 read it. You can set one later under Settings.",
            );
            self.problem_ui(ui);
        });
    }

    fn unlock_ui(&mut self, ui: &mut egui::Ui) {
        form_ui(ui, |ui| {
            ui.heading("Upstream is locked");
            ui.add_space(8.0);
            ui.label(self.path.display().to_string());
            ui.add_space(8.0);
            let mut submit = false;
            if self.plain {
                ui.label("This notebook has no passphrase.");
            } else {
                let field = password_line(ui, "Passphrase", &mut self.passphrase);
                self.focus_once(&field);
                submit = entered(&field);
            }
            if ui.button("Unlock").clicked() || submit {
                let passphrase = Passphrase::new(self.passphrase.clone());
                self.open(&passphrase);
            }
            self.problem_ui(ui);
            if self
                .problem
                .as_deref()
                .is_some_and(|p| p.contains("does not open"))
            {
                ui.add_space(8.0);
                ui.label("If you are sure of the passphrase, the file may be damaged.");
                self.backup_offer_ui(ui);
            }
        });
    }

    fn failed_ui(&mut self, ui: &mut egui::Ui, message: &str) {
        form_ui(ui, |ui| {
            ui.heading("The notebook could not be opened");
            ui.add_space(8.0);
            ui.label(message);
            ui.add_space(8.0);
            ui.label(
                "Nothing was changed. Start Upstream with --db PATH to open another notebook.",
            );
            if self.lock.is_some() {
                ui.add_space(8.0);
                password_line(ui, "Passphrase of the backups", &mut self.passphrase);
                self.backup_offer_ui(ui);
            }
        });
    }

    /// Looks for the newest backup that passes its checks and offers to restore it.
    fn backup_offer_ui(&mut self, ui: &mut egui::Ui) {
        if ui.button("Look for a backup").clicked() {
            let passphrase = Passphrase::new(self.passphrase.clone());
            let folder = store::backup_folder(&self.path);
            self.backup = Some(
                store::newest_verified_backup(&folder, &passphrase).ok_or_else(|| {
                    format!(
                        "No backup in {} passes its checks with this passphrase.",
                        folder.display()
                    )
                }),
            );
        }
        match &self.backup {
            Some(Ok(check)) => {
                let offer = format!(
                    "Restore {} ({} patients, {} visits; the current file is kept aside)",
                    check
                        .path
                        .file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                    check.patients,
                    check.visits
                );
                if ui.button(offer).clicked() {
                    let passphrase = Passphrase::new(self.passphrase.clone());
                    let backup = check.path.clone();
                    // Recorded under the clinician of Settings, as the window's changes are.
                    let by = crate::store::Actor::new(&self.state.settings.clinician);
                    match notebook::restore_backup(&self.path, &backup, &passphrase, by) {
                        Ok(restored) => {
                            self.backup = None;
                            self.show_opened(Ok(restored.store));
                        }
                        Err(error) => self.problem = Some(error.to_string()),
                    }
                }
            }
            Some(Err(message)) => {
                ui.colored_label(ui.visuals().warn_fg_color, message.as_str());
            }
            None => {}
        }
    }

    /// Puts the cursor in the passphrase field when a screen first shows, and then leaves
    /// the focus alone. egui gives no widget the focus while the window itself lacks it,
    /// so asking then, frame after frame, only kept the window repainting.
    fn focus_once(&mut self, field: &egui::Response) {
        let window_focused = field.ctx.input(|i| i.focused);
        if field.has_focus() {
            self.wants_focus = false;
        } else if self.wants_focus && window_focused {
            field.request_focus();
        }
    }

    fn problem_ui(&self, ui: &mut egui::Ui) {
        if let Some(problem) = &self.problem {
            // Store errors read as the middle of a sentence; here one stands alone.
            let mut letters = problem.chars();
            let sentence = letters
                .next()
                .map(|first| first.to_uppercase().chain(letters).collect::<String>())
                .unwrap_or_default();
            ui.add_space(8.0);
            ui.colored_label(ui.visuals().error_fg_color, sentence);
        }
    }
}

/// Reads every page of the notebook (`PRAGMA quick_check`) through a connection of its
/// own, so that unlocking stays instant on a large notebook; the window is woken with the
/// outcome.
fn check_pages_in_background(
    path: PathBuf,
    passphrase: Passphrase,
) -> mpsc::Receiver<Result<(), String>> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let outcome = Store::open_with(&path, &passphrase)
            .and_then(|store| store.check_pages())
            .map_err(|error| error.to_string());
        // The window may have closed meanwhile.
        let _ = sender.send(outcome);
    });
    receiver
}

/// Whether Enter was pressed in this field.
fn entered(field: &egui::Response) -> bool {
    field.lost_focus() && field.ctx.input(|i| i.key_pressed(egui::Key::Enter))
}

/// A narrow column in the middle of the window, a little above centre.
fn form_ui(ui: &mut egui::Ui, add_contents: impl FnOnce(&mut egui::Ui)) {
    egui::CentralPanel::default().show(ui, |ui| {
        let width = ui.available_width().min(520.0);
        let margin = (ui.available_width() - width) / 2.0;
        ui.add_space(ui.available_height() * 0.15);
        ui.horizontal_top(|ui| {
            ui.add_space(margin);
            ui.vertical(|ui| {
                ui.set_width(width);
                add_contents(ui);
            });
        });
    });
}

impl eframe::App for NotebookGate {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        super::fill_screen_once(ui.ctx(), &mut self.sized_to_screen);
        NotebookGate::ui(self, ui);
        if let Some(storage) = frame.storage_mut() {
            self.persist_if_changed(storage);
        }
        if self.pacer.is_holding() {
            ui.ctx().request_repaint();
        }
    }

    /// Each frame's input ends at a focus change; the rest waits for the next frame.
    fn raw_input_hook(&mut self, ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        if self.pacer.pace(raw_input) {
            ctx.request_repaint();
        }
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if let Stage::Open(app) = &mut self.stage {
            app.save_typing();
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, self.window_state());
    }
}
