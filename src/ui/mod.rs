//! The notebook window. Views draw state and emit `Action`s; `UpstreamApp::apply` is the
//! one place actions reach the notebook's operations (`crate::notebook`), after which the
//! views' data is read back from the store into a `Snapshot`. Each view's `ui` takes a
//! `ViewContext` (the reasoner, the vocabulary, the lexicon, the instruments) rather than
//! reaching for globals.

pub mod body_chart;
mod context;
mod documents_view;
mod drafts;
mod gate;
mod keystrokes;
mod measures_form;
mod notebook_tasks;
mod patient_form;
mod patient_list;
mod reasoner_panel;
mod settings;
mod signing;
mod snapshot;
mod timeline_plot;
mod undo;
mod visit_editor;
mod visit_list;
mod widgets;

use std::path::Path;

use chrono::Timelike;

use eframe::egui;
use serde::{Deserialize, Serialize};

use crate::model::{
    Finding, FindingId, Intervention, InterventionId, Patient, PatientId, Visit, VisitId,
    VisitKind, VisitRecord,
};
use crate::notebook::{self, NotebookError};
use crate::reasoner::Assessment;
use crate::store::{Actor, AuditEntry, Passphrase, Store, StoreError};

pub use context::ViewContext;
pub use gate::NotebookGate;
pub use keystrokes::KeystrokePacer;
pub use notebook_tasks::{NotebookPanel, NotebookTask, Running, TaskDone, TaskError};
pub use patient_form::PatientFormView;
pub use patient_list::PatientListView;
pub use reasoner_panel::ReasonerPanel;
pub use settings::Settings;
pub use timeline_plot::{MeasureSeries, TimelineData, TimelinePlot};
pub use visit_editor::VisitEditorView;
pub use visit_list::VisitListView;
pub use widgets::quiet_text_colour;

/// What the clinician asked for. Views emit these; only `UpstreamApp::apply` acts on them.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Search(String),
    CreatePatient(Patient),
    SelectPatient(PatientId),
    UpdatePatient(Patient),
    CreateVisit(Visit),
    SelectVisit(VisitId),
    UpdateVisit(Visit),
    AddFinding(Finding),
    /// Several findings, charted together (from the note's suggestions).
    AddFindings(Vec<Finding>),
    /// A quick-entry line of findings, read and charted at the visit.
    ChartFindings {
        visit: VisitId,
        entry: String,
    },
    SelectHypothesis(Option<String>),
    UpdateFinding(Finding),
    /// Copy the last visit's open findings into the new visit, marked as carried over.
    CarryOver,
    /// Every carried-over finding of this visit is still present today.
    ConfirmCarriedOver(VisitId),
    DismissCarryOver,
    /// Export, import or add the demo clinic, off the window's thread.
    StartTask(NotebookTask),
    /// Take back the last change to the open visit, or put it back again.
    Undo,
    Redo,
    /// A region picked on the body chart and what to chart there ("pain").
    ChartClick {
        visit: VisitId,
        region: crate::model::RegionCode,
        side: crate::model::Side,
        kind: String,
    },
    DeleteFinding(FindingId),
    AddIntervention(Intervention),
    /// A quick-entry line of interventions, read and charted at the visit.
    ChartInterventions {
        visit: VisitId,
        entry: String,
    },
    DeleteIntervention(InterventionId),
    /// An outcome measure filled in at a visit, and one removed from a draft.
    AddMeasure(crate::model::Measure),
    DeleteMeasure(crate::model::MeasureId),
    /// Sign a draft visit: it cannot change afterwards.
    SignVisit {
        visit: VisitId,
        by: String,
    },
    AddAddendum {
        visit: VisitId,
        author: String,
        reason: String,
        text: String,
    },
    /// Delete a draft visit opened by mistake.
    DeleteDraftVisit(VisitId),
    UpdateSettings(Settings),
    /// Encrypt the notebook under a new passphrase (an empty one decrypts it).
    ChangePassphrase(Passphrase),
    /// Start a referral letter, to edit before it is signed.
    StartLetter(documents_view::LetterStart),
    /// Sign a referral letter, keep it in the record, and write it as PDF.
    SignLetter {
        draft: crate::model::LetterDraft,
        options: crate::documents::DocumentOptions,
        path: std::path::PathBuf,
    },
    /// Save the clinic profile; with a logo file to read into it.
    SaveClinicProfile {
        profile: crate::model::ClinicProfile,
        logo: Option<std::path::PathBuf>,
    },
}

/// What the window remembers between runs. It lives outside the encrypted notebook, so it
/// holds ids and settings but no patient's words: the search text is not kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppState {
    #[serde(skip)]
    pub search: String,
    pub selected_patient: Option<PatientId>,
    pub selected_visit: Option<VisitId>,
    /// The hypothesis whose zones the body chart draws.
    pub selected_hypothesis: Option<String>,
    pub settings: Settings,
    /// Light, dark or as the system says.
    pub theme: egui::ThemePreference,
}

/// The notebook window, in three parts beside its runtime handles (the store, background
/// work, the views' own editing state): what is remembered between runs (`AppState`, one
/// serde struct), what the screen shows (`Snapshot`, derived from the store and the
/// reasoner when the data changes) and the open visit's undo history (`UndoHistory`).
pub struct UpstreamApp {
    /// Remembered between runs (eframe's storage).
    pub state: AppState,
    store: Store,
    /// The reasoner, vocabulary and lexicon the views draw with.
    context: ViewContext<'static>,
    /// What the views draw, read back from the store after every change.
    snapshot: snapshot::Snapshot,
    timeline_plot: TimelinePlot,
    /// The finding last charted from the body chart.
    charted: Option<FindingId>,
    /// The open visit's undo and redo steps.
    undo: undo::UndoHistory,
    /// A new visit and the previous visit's open findings it may carry over.
    carry_over: Option<(VisitId, Vec<Finding>)>,
    notebook_panel: NotebookPanel,
    /// Whole-notebook work on its thread, and what the last such work said.
    task: Option<Running>,
    task_outcome: Option<Result<TaskDone, TaskError>>,
    /// The window's context, for waking it when background work ends.
    ctx: Option<egui::Context>,
    patient_list: PatientListView,
    reasoner_panel: ReasonerPanel,
    patient_form: PatientFormView,
    visit_list: VisitListView,
    visit_editor: VisitEditorView,
    /// The last error, shown until the next successful action.
    problem: Option<NotebookError>,
    settings_view: settings::SettingsView,
    documents_view: documents_view::DocumentsView,
    /// Whether the sheet of keyboard shortcuts (F1) is showing.
    shortcut_sheet: bool,
}

/// Ctrl+Shift+C: carry the last visit's open findings into the new one.
const CARRY_OVER: egui::KeyboardShortcut = egui::KeyboardShortcut::new(
    egui::Modifiers::COMMAND.plus(egui::Modifiers::SHIFT),
    egui::Key::C,
);

impl UpstreamApp {
    pub fn new(store: Store, state: AppState) -> Self {
        let mut app = UpstreamApp {
            patient_list: PatientListView::new(&state.search),
            state,
            store,
            context: ViewContext::builtin(),
            snapshot: snapshot::Snapshot::default(),
            timeline_plot: TimelinePlot::default(),
            charted: None,
            undo: undo::UndoHistory::default(),
            carry_over: None,
            notebook_panel: NotebookPanel::default(),
            task: None,
            task_outcome: None,
            ctx: None,
            reasoner_panel: ReasonerPanel,
            patient_form: PatientFormView::default(),
            visit_list: VisitListView,
            visit_editor: VisitEditorView::default(),
            problem: None,
            settings_view: settings::SettingsView::default(),
            documents_view: documents_view::DocumentsView::default(),
            shortcut_sheet: false,
        };
        app.reload();
        app
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn patients(&self) -> &[Patient] {
        &self.snapshot.patients
    }

    pub fn selected_patient(&self) -> Option<&Patient> {
        self.snapshot.patient.as_ref()
    }

    pub fn timeline(&self) -> &[VisitRecord] {
        &self.snapshot.timeline
    }

    /// The series and markers the timeline plot draws.
    pub fn timeline_data(&self) -> &TimelineData {
        &self.snapshot.timeline_data
    }

    /// The referral zones the body chart draws for the selected hypothesis.
    pub fn overlay(&self) -> &[crate::reasoner::Zone] {
        &self.snapshot.overlay
    }

    pub fn assessment(&self) -> Option<&Assessment> {
        self.snapshot.assessment.as_ref()
    }

    /// The insights that hold at the open visit.
    pub fn insights(&self) -> &[crate::reasoner::Insight] {
        &self.snapshot.insights
    }

    pub fn problem(&self) -> Option<String> {
        self.problem.as_ref().map(NotebookError::to_string)
    }

    /// The open visit's history from the audit trail, oldest first.
    pub fn history(&self) -> &[AuditEntry] {
        &self.snapshot.history
    }

    /// Unsigned visits older than the settings allow.
    pub fn old_drafts(&self) -> &[(String, Visit)] {
        &self.snapshot.drafts
    }

    /// Who the window's changes are recorded under: the clinician of Settings, or, until
    /// one is named there, the computer's login, marked as such.
    pub fn actor(&self) -> Actor {
        Actor::new(&self.state.settings.clinician).unwrap_or_else(Actor::login)
    }

    /// Carries out one action against the store, then reads back what it changed: typing
    /// in a note re-reads that visit alone; anything else, what the views show.
    pub fn apply(&mut self, action: Action) {
        let carrying_over = self.carry_over.as_ref().map(|(visit, _)| *visit);
        let open = self.snapshot.record(self.state.selected_visit);
        self.undo.remember_for_undo(open, carrying_over, &action);
        let note_only = match &action {
            Action::UpdateVisit(visit) => self
                .selected_record()
                .filter(|record| record.visit.id == visit.id)
                .is_some_and(|record| record.visit.started_at == visit.started_at),
            _ => false,
        };
        let visit = match &action {
            Action::UpdateVisit(visit) => Some(visit.id),
            _ => None,
        };
        match self.try_apply(action) {
            Ok(()) => self.problem = None,
            Err(error) => self.problem = Some(error),
        }
        match visit {
            Some(visit) if note_only && self.problem.is_none() => self.reload_visit(visit),
            _ => self.reload(),
        }
    }

    /// Saves the note the clinician is typing, if a pause has not saved it yet: before
    /// the window closes or locks.
    pub fn save_typing(&mut self) {
        if let Some(visit) = self.visit_editor.take_unsaved() {
            self.apply(Action::UpdateVisit(visit));
        }
    }

    /// Re-reads one visit's note and history after typing in it (`Snapshot::reload_visit`).
    fn reload_visit(&mut self, id: VisitId) {
        if let Err(error) = self.snapshot.reload_visit(&self.store, id) {
            self.problem = Some(error.into());
            self.reload();
        }
    }

    fn try_apply(&mut self, action: Action) -> Result<(), NotebookError> {
        // Who the change is recorded under, settled before the action borrows the store.
        let actor = self.actor();
        match action {
            Action::StartTask(task) => {
                let Some(database) = self.store.path().map(Path::to_path_buf) else {
                    return Err(NotebookError::InMemory("work on"));
                };
                let ctx = self.ctx.clone().unwrap_or_default();
                self.task_outcome = None;
                let passphrase = self.store.passphrase().clone();
                self.task = Some(Running::start(task, database, passphrase, actor, ctx));
            }
            Action::CarryOver => {
                if let Some((visit, open)) = self.carry_over.take() {
                    notebook::carry_over(&mut self.store, &actor, visit, open)?;
                }
            }
            Action::DismissCarryOver => self.carry_over = None,
            Action::ConfirmCarriedOver(visit) => {
                notebook::confirm_carried_over(&mut self.store, &actor, visit)?;
            }
            Action::Undo | Action::Redo => {
                let step = if action == Action::Undo {
                    undo::Step::Undo
                } else {
                    undo::Step::Redo
                };
                let current = self.snapshot.record(self.state.selected_visit);
                self.undo.restore(step, current, &mut self.store, &actor)?;
            }
            Action::Search(query) => self.state.search = query,
            Action::CreatePatient(patient) => {
                let id = notebook::create_patient(&mut self.store, &actor, &patient)?;
                self.state.selected_patient = Some(id);
                self.state.selected_visit = None;
                // Show the new patient even when the search would hide them.
                self.state.search.clear();
                self.patient_list.set_query("");
            }
            Action::SelectPatient(id) => {
                if self.state.selected_patient != Some(id) {
                    self.undo.forget();
                    self.state.selected_patient = Some(id);
                    self.state.selected_visit = None;
                }
            }
            Action::UpdatePatient(patient) => {
                notebook::update_patient(&mut self.store, &actor, &patient)?;
            }
            Action::CreateVisit(visit) => {
                self.undo.forget();
                let open: Vec<Finding> = self
                    .snapshot
                    .timeline
                    .last()
                    .map(VisitRecord::open_findings)
                    .unwrap_or_default();
                let id = notebook::create_visit(&mut self.store, &actor, &visit)?;
                self.carry_over = (!open.is_empty()).then_some((id, open));
                self.state.selected_visit = Some(id);
                self.visit_editor.begin_visit();
            }
            Action::SelectVisit(id) => {
                if self.state.selected_visit != Some(id) {
                    self.undo.forget();
                }
                self.state.selected_visit = Some(id);
            }
            Action::UpdateVisit(visit) => notebook::update_visit(&mut self.store, &actor, &visit)?,
            Action::AddFinding(finding) => {
                notebook::add_findings(&mut self.store, &actor, &[finding])?;
            }
            Action::AddFindings(findings) => {
                notebook::add_findings(&mut self.store, &actor, &findings)?;
            }
            Action::ChartFindings { visit, entry } => {
                notebook::chart_findings(&mut self.store, &actor, visit, &entry)?;
            }
            Action::SelectHypothesis(id) => self.state.selected_hypothesis = id,
            Action::UpdateFinding(finding) => {
                notebook::update_finding(&mut self.store, &actor, &finding)?;
            }
            Action::ChartClick {
                visit,
                region,
                side,
                kind,
            } => {
                let place = (&region, side);
                let charted = notebook::chart_at(&mut self.store, &actor, visit, place, &kind)?;
                self.charted = Some(charted);
            }
            Action::DeleteFinding(id) => notebook::delete_finding(&mut self.store, &actor, id)?,
            Action::AddIntervention(intervention) => {
                notebook::add_intervention(&mut self.store, &actor, &intervention)?;
            }
            Action::ChartInterventions { visit, entry } => {
                notebook::chart_interventions(&mut self.store, &actor, visit, &entry)?;
            }
            Action::AddMeasure(measure) => {
                notebook::add_measure(&mut self.store, &actor, &measure)?;
            }
            Action::DeleteMeasure(id) => {
                notebook::delete_measure(&mut self.store, &actor, id)?;
            }
            Action::DeleteIntervention(id) => {
                notebook::delete_intervention(&mut self.store, &actor, id)?;
            }
            Action::SignVisit { visit, by } => {
                self.undo.forget();
                let signer = notebook::actor_named(&by)?;
                notebook::sign(&mut self.store, &signer, visit)?;
                // The signer is the clinician of this notebook from now on.
                self.state.settings.clinician = signer.name().to_owned();
                notebook::set_clinician(&self.store, Some(&signer))?;
            }
            Action::AddAddendum {
                visit,
                author,
                reason,
                text,
            } => {
                // The author writes this addendum; later changes stay the clinician's.
                let author = notebook::actor_named(&author)?;
                notebook::add_addendum(&mut self.store, &author, visit, &reason, &text)?;
            }
            Action::DeleteDraftVisit(visit) => {
                self.undo.forget();
                notebook::delete_draft_visit(&mut self.store, &actor, visit)?;
            }
            Action::UpdateSettings(settings) => {
                let clinician = Actor::new(&settings.clinician);
                notebook::set_clinician(&self.store, clinician.as_ref())?;
                self.state.settings = settings;
            }
            Action::ChangePassphrase(passphrase) => {
                if self.task.is_some() {
                    return Err(StoreError::Invalid(
                        "wait for the notebook work under way to finish".into(),
                    )
                    .into());
                }
                notebook::change_passphrase(&mut self.store, &actor, &passphrase)?;
                self.task_outcome = Some(Ok(TaskDone::Rekeyed {
                    encrypted: self.store.is_encrypted(),
                }));
            }
            Action::StartLetter(start) => {
                let draft = self.letter_draft(&start).map_err(document_problem)?;
                self.documents_view.begin_letter(draft);
            }
            Action::SignLetter {
                draft,
                options,
                path,
            } => {
                let letter = notebook::sign_letter(&mut self.store, &actor, &draft)?;
                self.try_apply(Action::StartTask(NotebookTask::Document {
                    kind: crate::documents::DocumentKind::Letter(letter.id),
                    options,
                    path,
                }))?;
            }
            Action::SaveClinicProfile { mut profile, logo } => {
                if let Some(path) = logo {
                    let bytes = std::fs::read(&path).map_err(|e| {
                        StoreError::Invalid(format!(
                            "the logo {} cannot be read ({e}); the profile was not changed",
                            path.display()
                        ))
                    })?;
                    crate::documents::check_logo(&bytes).map_err(|message| {
                        StoreError::Invalid(format!(
                            "{}: {message}; the profile was not changed",
                            path.display()
                        ))
                    })?;
                    profile.logo = Some(bytes);
                }
                notebook::set_clinic_profile(&mut self.store, &actor, &profile)?;
            }
        }
        Ok(())
    }

    /// A referral letter started from the open visit's red flag or hypothesis, or blank.
    fn letter_draft(
        &self,
        start: &documents_view::LetterStart,
    ) -> Result<crate::model::LetterDraft, crate::documents::DocumentError> {
        use documents_view::LetterStart;
        let visit = self.state.selected_visit;
        let assessment = self.snapshot.assessment.as_ref();
        let none = || {
            crate::documents::DocumentError::Store(StoreError::Invalid(
                "open the visit whose finding the letter is about".into(),
            ))
        };
        match start {
            LetterStart::Blank => match &self.snapshot.patient {
                Some(patient) => crate::documents::blank_letter(&self.store, patient.id),
                None => Err(none()),
            },
            LetterStart::Flag(id) => {
                let flag = assessment
                    .and_then(|a| a.red_flags.iter().find(|f| &f.id == id))
                    .ok_or_else(none)?;
                crate::documents::letter_from_flag(&self.store, visit.ok_or_else(none)?, flag)
            }
            LetterStart::Hypothesis(id) => {
                let hypothesis = assessment
                    .and_then(|a| a.hypotheses.iter().find(|h| &h.id == id))
                    .ok_or_else(none)?;
                crate::documents::letter_from_hypothesis(
                    &self.store,
                    visit.ok_or_else(none)?,
                    hypothesis,
                )
            }
        }
    }

    /// Reads what the views show back from the store (`Snapshot::reload`).
    fn reload(&mut self) {
        if let Some(error) = self
            .snapshot
            .reload(&self.store, &mut self.state, &self.context)
        {
            self.problem = Some(error.into());
        }
    }

    fn selected_record(&self) -> Option<&VisitRecord> {
        self.snapshot.record(self.state.selected_visit)
    }

    /// Ctrl+F finds a patient, Ctrl+N makes one, Ctrl+Shift+N starts a visit, Ctrl+Shift+C
    /// carries over, F1 shows every shortcut.
    fn shortcuts_ui(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let new_visit = KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::N);
        let new_patient = KeyboardShortcut::new(Modifiers::COMMAND, Key::N);
        let find = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);
        // The longer shortcut first: Ctrl+N would also match Ctrl+Shift+N.
        if ui.input_mut(|i| i.consume_shortcut(&new_visit))
            && let Some(patient) = &self.snapshot.patient
        {
            actions.push(Action::CreateVisit(new_visit_for(
                patient.id,
                &self.snapshot.timeline,
            )));
        }
        if ui.input_mut(|i| i.consume_shortcut(&new_patient)) {
            self.patient_list.start_new_patient();
        }
        if ui.input_mut(|i| i.consume_shortcut(&find)) {
            self.patient_list.focus_search();
        }
        if ui.input_mut(|i| i.consume_shortcut(&CARRY_OVER))
            && self
                .carry_over
                .as_ref()
                .is_some_and(|(visit, _)| Some(*visit) == self.state.selected_visit)
        {
            actions.push(Action::CarryOver);
        }
        if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F1)) {
            self.shortcut_sheet = !self.shortcut_sheet;
        }
        // In a text field, Ctrl+Z belongs to the field.
        if ui.memory(|m| m.focused().is_none()) {
            let redo = KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
            let undo = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
            if ui.input_mut(|i| i.consume_shortcut(&redo)) {
                actions.push(Action::Redo);
            } else if ui.input_mut(|i| i.consume_shortcut(&undo)) {
                actions.push(Action::Undo);
            }
        }
    }

    /// Draws the whole window and applies what the clinician did.
    /// Whether whole-notebook work is running, and what the last such work said.
    pub fn task_running(&self) -> bool {
        self.task.is_some()
    }

    pub fn task_outcome(&self) -> Option<&Result<TaskDone, TaskError>> {
        self.task_outcome.as_ref()
    }

    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let mut actions = Vec::new();
        self.ctx.get_or_insert_with(|| ui.ctx().clone());
        if let Some(outcome) = self.task.as_ref().and_then(Running::finished) {
            self.task = None;
            self.task_outcome = Some(outcome);
            // The other connection changed the notebook: read it again.
            self.reload();
        } else if self.task.is_some() {
            // Keep the elapsed time moving; the thread also wakes the window when done.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(250));
        }
        self.shortcuts_ui(ui, &mut actions);

        egui::Panel::left("patients")
            .resizable(true)
            .default_size(250.0)
            .min_size(200.0)
            .show(ui, |ui| {
                egui::Panel::bottom("notebook and theme").show(ui, |ui| {
                    self.notebook_panel.ui(
                        ui,
                        self.task.as_ref(),
                        self.task_outcome.as_ref(),
                        self.snapshot.patient.as_ref(),
                        &mut actions,
                    );
                    self.settings_view.ui(
                        ui,
                        &self.state.settings,
                        self.store.is_encrypted(),
                        &mut actions,
                    );
                    self.settings_view
                        .clinic_ui(ui, &self.snapshot.clinic_profile, &mut actions);
                    patient_list::theme_ui(ui, &mut self.state.theme);
                });
                drafts::drafts_ui(
                    ui,
                    &self.snapshot.drafts,
                    self.state.settings.draft_warning_days,
                    &mut actions,
                );
                self.patient_list.ui(
                    ui,
                    &self.snapshot.patients,
                    &self.snapshot.found_in_notes,
                    self.state.selected_patient,
                    &mut actions,
                );
            });

        egui::Panel::right("reasoner")
            .resizable(true)
            .default_size(360.0)
            .min_size(260.0)
            .show(ui, |ui| {
                let findings = self
                    .snapshot
                    .record(self.state.selected_visit)
                    .map_or(&[][..], |r| r.findings.as_slice());
                self.reasoner_panel.ui(
                    ui,
                    &self.context,
                    (self.snapshot.assessment.as_ref(), &self.snapshot.insights),
                    // Answers are charted on the open visit while it is a draft.
                    (
                        findings,
                        self.selected_record()
                            .filter(|r| !r.visit.is_signed())
                            .map(|r| r.visit.id),
                    ),
                    self.state.selected_hypothesis.as_deref(),
                    &mut actions,
                );
            });

        if !self.store.is_encrypted() {
            egui::Panel::top("unencrypted").show(ui, |ui| {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "This notebook is not encrypted: anyone with the file can read it. \
                     Set a passphrase under Settings.",
                );
            });
        }
        if let Some(problem) = &self.problem {
            let problem = problem.to_string();
            egui::Panel::bottom("problem").show(ui, |ui| {
                ui.colored_label(ui.visuals().error_fg_color, problem);
            });
        }

        egui::CentralPanel::default().show(ui, |ui| match &self.snapshot.patient {
            None => {
                ui.centered_and_justified(|ui| {
                    ui.label("Choose a patient on the left, or create one.");
                });
            }
            Some(patient) => {
                self.patient_form
                    .ui(ui, &self.context, patient, &mut actions);
                self.documents_view.ui(
                    ui,
                    patient,
                    &self.snapshot.timeline,
                    self.state.selected_visit,
                    &self.snapshot.letters,
                    self.state.selected_hypothesis.as_deref(),
                    self.task.is_some(),
                    &mut actions,
                );
                if let Some((visit, findings)) = &self.carry_over
                    && Some(*visit) == self.state.selected_visit
                {
                    carry_over_ui(ui, findings.len(), &mut actions);
                }
                self.timeline_plot.ui(
                    ui,
                    &self.snapshot.timeline_data,
                    self.state.selected_visit,
                    &mut actions,
                );
                ui.separator();
                let selected = self.snapshot.record(self.state.selected_visit);
                ui.columns(2, |columns| {
                    // Columns justify their contents; chart text reads better ragged.
                    let ragged = egui::Layout::top_down(egui::Align::LEFT);
                    columns[0].with_layout(ragged, |ui| {
                        self.visit_list.ui(
                            ui,
                            &self.context,
                            patient,
                            &self.snapshot.timeline,
                            self.state.selected_visit,
                            &mut actions,
                        );
                    });
                    columns[1].with_layout(ragged, |ui| {
                        self.visit_editor.ui(
                            ui,
                            &self.context,
                            selected,
                            &visit_editor::Standing {
                                history: &self.snapshot.history,
                                clinician: &self.state.settings.clinician,
                                urgent_flags: &self.snapshot.urgent_flags,
                                unscreened_flags: &self.snapshot.unscreened_flags,
                                urgent_across: &self.snapshot.urgent_across,
                                activities: &self.snapshot.activities,
                                offered: &self.snapshot.offered,
                            },
                            (&self.snapshot.overlay, self.charted),
                            &mut actions,
                        );
                    });
                });
            }
        });

        if self.shortcut_sheet {
            shortcut_sheet_ui(ui.ctx(), &mut self.shortcut_sheet);
        }

        for action in actions {
            self.apply(action);
        }
    }
}

/// Every shortcut of the window, on F1.
fn shortcut_sheet_ui(ctx: &egui::Context, open: &mut bool) {
    let command = if cfg!(target_os = "macos") {
        "Cmd"
    } else {
        "Ctrl"
    };
    let mut rows: Vec<(String, &str)> = vec![
        (
            format!("{command}+F"),
            "Find a patient (Enter opens the first found)",
        ),
        (format!("{command}+N"), "New patient"),
        (format!("{command}+Shift+N"), "New visit, dated now"),
        (
            format!("{command}+Shift+C"),
            "Carry over the last visit's open findings",
        ),
        (
            format!("{command}+Shift+A"),
            "Confirm all carried-over findings",
        ),
    ];
    for (key, _, _, what) in visit_editor::SHORTCUTS {
        rows.push((format!("{command}+{}", key.name()), what));
    }
    rows.extend([
        (format!("{command}+Shift+S"), "Sign the visit (Enter signs)"),
        (
            format!("{command}+Z / {command}+Shift+Z"),
            "Undo / redo in the visit",
        ),
        (
            "Tab / Shift+Tab".to_owned(),
            "Next / previous field, round the visit and back to its top",
        ),
        (
            format!("{command}+]"),
            "A tab in the note (Tab moves to the next field)",
        ),
        ("Enter".to_owned(), "Chart a quick entry line"),
        ("F1".to_owned(), "Show or hide this sheet"),
    ]);
    egui::Window::new("Keyboard shortcuts")
        .open(open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            egui::Grid::new("shortcut sheet")
                .num_columns(2)
                .spacing([16.0, 4.0])
                .striped(true)
                .show(ui, |ui| {
                    for (keys, what) in &rows {
                        ui.strong(keys);
                        ui.label(*what);
                        ui.end_row();
                    }
                });
        });
}

/// The offer to carry the last visit's open findings into a new one.
fn carry_over_ui(ui: &mut egui::Ui, count: usize, actions: &mut Vec<Action>) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label(format!(
                "Carry over the {count} open finding{} of the last visit? They stay marked until you confirm each.",
                if count == 1 { "" } else { "s" }
            ));
            if ui.button("Carry over").clicked() {
                actions.push(Action::CarryOver);
            }
            if ui.button("Start empty").clicked() {
                actions.push(Action::DismissCarryOver);
            }
        });
    });
}

/// Where no window manager maximizes the window (a bare X server, some tiling setups),
/// size it to the monitor ourselves, once, when it starts out much smaller.
fn fill_screen_once(ctx: &egui::Context, done: &mut bool) {
    if *done {
        return;
    }
    let (monitor, inner) = ctx.input(|i| (i.viewport().monitor_size, i.viewport().inner_rect));
    let (Some(monitor), Some(inner)) = (monitor, inner) else {
        return;
    };
    *done = true;
    if inner.width() < monitor.x * 0.8 || inner.height() < monitor.y * 0.8 {
        ctx.send_viewport_cmd(egui::ViewportCommand::OuterPosition(egui::pos2(0.0, 0.0)));
        ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(monitor));
    }
}

/// Runs the window until it is closed.
pub fn run_native(path: &Path) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Upstream")
            .with_app_id("upstream")
            .with_maximized(true)
            .with_min_inner_size([900.0, 560.0]),
        ..Default::default()
    };
    let path = path.to_owned();
    eframe::run_native(
        "Upstream",
        options,
        Box::new(move |creation| -> Result<Box<dyn eframe::App>, _> {
            let state: AppState = creation
                .storage
                .and_then(|storage| eframe::get_value(storage, eframe::APP_KEY))
                .unwrap_or_default();
            Ok(Box::new(NotebookGate::new(&path, state)))
        }),
    )
}

/// A new visit for `patient`, dated now, as a follow-up when they have been seen before.
pub fn new_visit_for(patient: PatientId, timeline: &[VisitRecord]) -> Visit {
    let now = chrono::Local::now().naive_local();
    // To the minute, as the date field shows it.
    let started_at = now
        .with_second(0)
        .and_then(|at| at.with_nanosecond(0))
        .unwrap_or(now);
    let kind = if timeline.is_empty() {
        VisitKind::InitialExam
    } else {
        VisitKind::FollowUp
    };
    Visit::new(patient, started_at, kind)
}

/// A document's failure, said in the window's problem line.
fn document_problem(error: crate::documents::DocumentError) -> StoreError {
    match error {
        crate::documents::DocumentError::Store(error) => error,
        other => StoreError::Invalid(other.to_string()),
    }
}
