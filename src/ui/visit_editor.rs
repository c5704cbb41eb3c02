//! The open visit: date, kind, chief complaint, SOAP note, findings and interventions,
//! each saved as it is typed. A signed visit is shown read-only.

use chrono::NaiveDateTime;
use eframe::egui;

use super::Action;
use super::body_chart::BodyChart;
use super::context::ViewContext;
use super::widgets::{labelled_line, labelled_text};
use crate::model::reader;
use crate::model::{
    Finding, FindingEntry, FindingId, Intervention, InterventionKind, Side, Visit, VisitId,
    VisitKind, VisitRecord, VisitStatus,
};
use crate::reasoner::Zone;

const DATE_TIME_FORMAT: &str = "%Y-%m-%d %H:%M";

/// How long a pause in typing saves the note (seconds). One pause, one save, one audit
/// row; a crash loses at most what was typed since the last pause.
pub const SAVE_AFTER_PAUSE: f64 = 1.0;

/// The note as typed since the last save.
#[derive(Debug, Clone)]
struct Unsaved {
    visit: Visit,
    /// Input time of the last keystroke.
    typed_at: f64,
    /// Saved on the next frame whatever the pause: a choice made with a click.
    now: bool,
}

/// The places in the open visit a shortcut puts the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    ChiefComplaint,
    Subjective,
    Objective,
    Assessment,
    Plan,
    QuickEntry,
    InterventionEntry,
    FindingsTable,
}

/// Ctrl+]: a tab typed into the note, since Tab itself moves to the next field.
pub const INDENT: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::CloseBracket);

/// The open visit's shortcuts: (keys, modifiers, where the cursor goes, what the sheet
/// says). Ctrl on Linux and Windows, Cmd on a Mac.
pub const SHORTCUTS: [(egui::Key, egui::Modifiers, Field, &str); 8] = [
    (
        egui::Key::Num1,
        egui::Modifiers::COMMAND,
        Field::ChiefComplaint,
        "Chief complaint",
    ),
    (
        egui::Key::Num2,
        egui::Modifiers::COMMAND,
        Field::Subjective,
        "Subjective",
    ),
    (
        egui::Key::Num3,
        egui::Modifiers::COMMAND,
        Field::Objective,
        "Objective",
    ),
    (
        egui::Key::Num4,
        egui::Modifiers::COMMAND,
        Field::Assessment,
        "Assessment",
    ),
    (
        egui::Key::Num5,
        egui::Modifiers::COMMAND,
        Field::Plan,
        "Plan",
    ),
    (
        egui::Key::E,
        egui::Modifiers::COMMAND,
        Field::QuickEntry,
        "Findings quick entry",
    ),
    (
        egui::Key::I,
        egui::Modifiers::COMMAND,
        Field::InterventionEntry,
        "Interventions quick entry",
    ),
    (
        egui::Key::T,
        egui::Modifiers::COMMAND,
        Field::FindingsTable,
        "Findings table",
    ),
];

/// Ctrl+Shift+S: sign the open visit (the name to sign with is asked, Enter signs).
pub const SIGN: egui::KeyboardShortcut = egui::KeyboardShortcut::new(
    egui::Modifiers::COMMAND.plus(egui::Modifiers::SHIFT),
    egui::Key::S,
);

/// Ctrl+Shift+A: confirm every carried-over finding as still present today.
pub const CONFIRM_ALL: egui::KeyboardShortcut = egui::KeyboardShortcut::new(
    egui::Modifiers::COMMAND.plus(egui::Modifiers::SHIFT),
    egui::Key::A,
);

#[derive(Debug, Default)]
pub struct VisitEditorView {
    shown: Option<VisitId>,
    /// Where a shortcut asked the cursor to go, until that field is drawn.
    focus: Option<Field>,
    /// The visit's date and time as typed, until it parses.
    started_at: String,
    finding: FindingEntry,
    quick_entry: String,
    intervention_entry: String,
    body_chart: BodyChart,
    /// The finding charted from the body chart and its fields as being edited.
    charted: Option<(FindingId, FindingEntry)>,
    /// The findings table's fields for each finding, with the finding they were made from.
    rows: std::collections::HashMap<FindingId, (Finding, FindingEntry)>,
    /// Why the last edit in the table could not be saved.
    table_problem: Option<String>,
    intervention: Intervention,
    intervention_region: String,
    signing: super::signing::SigningView,
    measures: super::measures_form::MeasuresView,
    /// Typing not yet saved; the fields show it in place of the stored note.
    unsaved: Option<Unsaved>,
    /// The saved note of the open visit as read, kept until its words change.
    note_reading: Option<(VisitId, reader::Reading)>,
    /// Tab and Shift+Tab go round the editor's fields and never leave it.
    tab_ring: super::widgets::TabRing,
}

/// The visit's standing as a record, drawn under its heading.
pub struct Standing<'a> {
    /// The visit's history from the audit trail.
    pub history: &'a [crate::store::AuditEntry],
    /// The name the clinician signs with.
    pub clinician: &'a str,
    /// The emergency and same-day red flags these findings raise, for the sign dialog.
    pub urgent_flags: &'a [crate::reasoner::RaisedFlag],
    /// The emergency and same-day red flags left to screen, for the sign dialog.
    pub unscreened_flags: &'a [crate::reasoner::FlagToScreen],
    /// The emergency and same-day red flags the visits read together raise.
    pub urgent_across: &'a [crate::reasoner::Insight],
    /// The patient's PSFS activities from their last PSFS, carried into a new one.
    pub activities: &'a [String],
    /// The instruments to offer, those suiting the patient's charted regions first.
    pub offered: &'a [crate::model::measure::Offered],
}

impl VisitEditorView {
    /// The body chart's `zones`: the selected hypothesis's referral zones, drawn on it;
    /// and `charted`: a finding just added from it, whose kind and intensity to edit.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        context: &ViewContext<'_>,
        record: Option<&VisitRecord>,
        standing: &Standing<'_>,
        (zones, charted): (&[Zone], Option<FindingId>),
        actions: &mut Vec<Action>,
    ) {
        let Some(record) = record else {
            ui.weak("Choose a visit to see or edit it.");
            return;
        };
        let visit = &record.visit;
        if self.shown != Some(visit.id) {
            // Another visit is opened: what was typed in the last one is saved first.
            if let Some(unsaved) = self.unsaved.take() {
                actions.push(Action::UpdateVisit(unsaved.visit));
            }
            self.shown = Some(visit.id);
            self.started_at = visit.started_at.format(DATE_TIME_FORMAT).to_string();
        }
        let editable = visit.status == VisitStatus::Draft;
        if editable {
            self.shortcuts(ui, record, actions);
        }
        // Each visit keeps its own scroll position: another visit opens at its top, with
        // its date and Sign in view.
        egui::ScrollArea::vertical()
            .id_salt(("visit editor", visit.id))
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let ring = self.tab_ring.begin(ui);
                if editable {
                    ui.heading("Visit");
                } else {
                    ui.heading("Visit (signed, read-only)");
                }
                // Signing comes after the note's last words are saved.
                let mut signing = Vec::new();
                self.signing.ui(
                    ui,
                    record,
                    standing.clinician,
                    (
                        standing.urgent_flags,
                        standing.unscreened_flags,
                        standing.urgent_across,
                    ),
                    &mut signing,
                );
                super::signing::history_ui(ui, standing.history);
                ui.add_space(4.0);
                if editable {
                    self.note_ui(ui, record, actions);
                } else {
                    signed_note_ui(ui, record);
                }
                if !signing.is_empty()
                    && let Some(unsaved) = self.unsaved.take()
                {
                    actions.push(Action::UpdateVisit(unsaved.visit));
                }
                actions.extend(signing);
                ui.separator();
                egui::CollapsingHeader::new("Body chart")
                    .default_open(true)
                    .show(ui, |ui| {
                        self.body_chart.ui(
                            ui,
                            context,
                            record.visit.id,
                            &record.findings,
                            zones,
                            editable,
                            actions,
                        );
                        super::body_chart::legend_ui(ui, !zones.is_empty());
                        if editable {
                            ui.weak("Click a region, then choose what to chart there.");
                        }
                    });
                self.findings_ui(ui, context, record, editable, charted, actions);
                ui.separator();
                self.interventions_ui(ui, context, record, editable, actions);
                ui.separator();
                self.measures.ui(
                    ui,
                    context,
                    record,
                    editable,
                    (standing.activities, standing.offered),
                    actions,
                );
                self.tab_ring.end(ui, ring);
                super::widgets::keep_focus_in_view(ui);
            });
    }

    /// The open draft's shortcuts: a field of the note, a quick entry, the findings table,
    /// Sign, and Confirm all.
    fn shortcuts(&mut self, ui: &mut egui::Ui, record: &VisitRecord, actions: &mut Vec<Action>) {
        for (key, modifiers, field, _) in SHORTCUTS {
            if ui.input_mut(|i| i.consume_shortcut(&egui::KeyboardShortcut::new(modifiers, key))) {
                self.focus = Some(field);
            }
        }
        if ui.input_mut(|i| i.consume_shortcut(&SIGN)) {
            self.signing.start();
        }
        if ui.input_mut(|i| i.consume_shortcut(&CONFIRM_ALL))
            && record.findings.iter().any(|f| f.carried_over)
        {
            actions.push(Action::ConfirmCarriedOver(record.visit.id));
        }
    }

    /// Puts the cursor in `field` if a shortcut asked for it, and scrolls it into view.
    fn focus_if_asked(&mut self, field: Field, response: &egui::Response) {
        if self.focus == Some(field) {
            self.focus = None;
            response.request_focus();
            response.scroll_to_me(Some(egui::Align::Center));
        }
    }

    /// A visit just begun takes the cursor at its complaint.
    pub fn begin_visit(&mut self) {
        self.focus = Some(Field::ChiefComplaint);
    }

    /// What was typed and not yet saved, taken for saving now (the window closes or locks).
    pub fn take_unsaved(&mut self) -> Option<Visit> {
        self.unsaved.take().map(|unsaved| unsaved.visit)
    }

    /// The note's fields. What is typed is kept here and saved after a pause in typing,
    /// when a field loses the focus, or at once for a choice made with a click.
    fn note_ui(&mut self, ui: &mut egui::Ui, record: &VisitRecord, actions: &mut Vec<Action>) {
        let mut visit = match &self.unsaved {
            Some(unsaved) if unsaved.visit.id == record.visit.id => unsaved.visit.clone(),
            _ => record.visit.clone(),
        };
        let mut changed = false;
        let mut chosen = false;
        let mut left_field = false;
        egui::Grid::new("visit grid")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                let date = labelled_line(ui, "Date and time", &mut self.started_at);
                left_field |= date.lost_focus();
                if date.changed()
                    && let Ok(at) =
                        NaiveDateTime::parse_from_str(self.started_at.trim(), DATE_TIME_FORMAT)
                {
                    visit.started_at = at;
                    changed = true;
                }
                ui.end_row();
                let label = ui.label("Kind");
                egui::ComboBox::from_id_salt("visit kind")
                    .selected_text(visit.kind.label())
                    .show_ui(ui, |ui| {
                        for kind in VisitKind::ALL {
                            chosen |= ui
                                .selectable_value(&mut visit.kind, kind, kind.label())
                                .changed();
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
                let complaint = labelled_line(ui, "Chief complaint", &mut visit.chief_complaint);
                self.focus_if_asked(Field::ChiefComplaint, &complaint);
                changed |= complaint.changed();
                left_field |= complaint.lost_focus();
                ui.end_row();
            });
        if NaiveDateTime::parse_from_str(self.started_at.trim(), DATE_TIME_FORMAT).is_err() {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "Date and time: YYYY-MM-DD HH:MM",
            );
        }
        for (label, text, place) in [
            ("Subjective", &mut visit.subjective, Field::Subjective),
            ("Objective", &mut visit.objective, Field::Objective),
            ("Assessment", &mut visit.assessment, Field::Assessment),
            ("Plan", &mut visit.plan, Field::Plan),
        ] {
            let field = labelled_text(ui, label, text, 2);
            self.focus_if_asked(place, &field);
            changed |= field.changed();
            left_field |= field.lost_focus();
            if field.has_focus() && ui.input_mut(|i| i.consume_shortcut(&INDENT)) {
                indent_at_cursor(ui.ctx(), field.id, text);
                changed = true;
            }
        }
        let now = ui.input(|i| i.time);
        if changed || chosen {
            let was_chosen = self.unsaved.as_ref().is_some_and(|u| u.now);
            self.unsaved = Some(Unsaved {
                visit,
                typed_at: now,
                now: chosen || was_chosen,
            });
        }
        let Some(unsaved) = &self.unsaved else {
            return;
        };
        let waited = now - unsaved.typed_at;
        if unsaved.now || left_field || waited >= SAVE_AFTER_PAUSE {
            if let Some(unsaved) = self.unsaved.take() {
                actions.push(Action::UpdateVisit(unsaved.visit));
            }
        } else {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs_f64(
                    SAVE_AFTER_PAUSE - waited,
                ));
        }
    }

    /// The findings the saved Subjective and Objective say that are not charted yet,
    /// offered beside the note. The note is read once it is saved (after a pause in
    /// typing), and read again only when its words change.
    fn note_suggestions_ui(
        &mut self,
        ui: &mut egui::Ui,
        context: &ViewContext<'_>,
        record: &VisitRecord,
        actions: &mut Vec<Action>,
    ) {
        let vocabulary = context.vocabulary;
        let text = format!("{}\n{}", record.visit.subjective, record.visit.objective);
        let stale = self
            .note_reading
            .as_ref()
            .is_none_or(|(visit, reading)| *visit != record.visit.id || reading.text != text);
        if stale {
            let reading = reader::read_findings(&text, None, vocabulary, context.lexicon);
            self.note_reading = Some((record.visit.id, reading));
        }
        let Some((_, reading)) = &self.note_reading else {
            return;
        };
        let offered = reader::suggestions(reading, &record.findings);
        if offered.is_empty() {
            return;
        }
        let chart = |item: &reader::ReadFinding| Finding {
            visit_id: record.visit.id,
            // Linked back to the words it was read from.
            note: format!(
                "from the note: \"{}\"",
                reader::sentence_of(&reading.text, item.span)
            ),
            ..item.finding.clone()
        };
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong("The note says");
                if ui.button("Chart all from the note").clicked() {
                    actions.push(Action::AddFindings(
                        offered.iter().map(|i| chart(i)).collect(),
                    ));
                }
            });
            for item in &offered {
                ui.horizontal_wrapped(|ui| {
                    let describe = item.finding.describe(vocabulary);
                    if super::widgets::row_button(ui, "Chart")
                        .on_hover_text(format!("Chart {describe}"))
                        .clicked()
                    {
                        actions.push(Action::AddFinding(chart(item)));
                    }
                    ui.label(format!(
                        "{describe}    (\"{}\")",
                        &reading.text[item.span[0]..item.span[1]]
                    ));
                });
            }
        });
    }

    fn findings_ui(
        &mut self,
        ui: &mut egui::Ui,
        context: &ViewContext<'_>,
        record: &VisitRecord,
        editable: bool,
        charted: Option<FindingId>,
        actions: &mut Vec<Action>,
    ) {
        let vocabulary = context.vocabulary;
        ui.horizontal(|ui| {
            ui.strong("Findings");
            let carried = record.findings.iter().filter(|f| f.carried_over).count();
            if editable
                && carried > 1
                && ui
                    .button("Confirm all")
                    .on_hover_text(format!(
                        "All {carried} carried-over findings still present today (Ctrl+Shift+A)"
                    ))
                    .clicked()
            {
                actions.push(Action::ConfirmCarriedOver(record.visit.id));
            }
        });
        if editable {
            self.note_suggestions_ui(ui, context, record, actions);
        }
        if editable
            && let Some(id) = charted
            && let Some(finding) = record.findings.iter().find(|f| f.id == id)
        {
            self.charted_ui(ui, context, finding, actions);
        }
        for finding in &record.findings {
            ui.horizontal_wrapped(|ui| {
                if editable
                    && super::widgets::row_button(ui, "Remove")
                        .on_hover_text("Remove this finding")
                        .clicked()
                {
                    actions.push(Action::DeleteFinding(finding.id));
                }
                if finding.carried_over {
                    ui.label(
                        egui::RichText::new(format!(
                            "{} (carried over)",
                            finding.describe(vocabulary)
                        ))
                        .italics(),
                    );
                    if editable
                        && super::widgets::row_button(ui, "Confirm")
                            .on_hover_text("Still present today")
                            .clicked()
                    {
                        actions.push(Action::UpdateFinding(Finding {
                            carried_over: false,
                            ..finding.clone()
                        }));
                    }
                } else {
                    ui.label(finding.describe(vocabulary));
                }
            });
        }
        if !editable {
            return;
        }
        if !record.findings.is_empty() {
            let open = (self.focus == Some(Field::FindingsTable)).then_some(true);
            egui::CollapsingHeader::new("Edit findings as a table")
                .id_salt(("findings table", record.visit.id))
                .open(open)
                .show(ui, |ui| {
                    self.findings_table_ui(ui, context, record, actions)
                });
        } else if self.focus == Some(Field::FindingsTable) {
            self.focus = None;
        }
        ui.add_space(4.0);
        self.quick_entry_ui(ui, context, record, actions);
        ui.add_space(4.0);
        let entry = &mut self.finding;
        let mut submitted = false;
        egui::Grid::new("finding entry")
            .num_columns(2)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                submitted |= entered(labelled_line(ui, "Finding kind", &mut entry.kind), ui);
                ui.end_row();
                submitted |= entered(labelled_line(ui, "Region", &mut entry.region), ui);
                ui.end_row();
                side_ui(ui, "Side", "finding side", &mut entry.side);
                ui.end_row();
                submitted |= entered(
                    labelled_line(ui, "Intensity (0-10)", &mut entry.intensity),
                    ui,
                );
                ui.end_row();
                submitted |= entered(labelled_line(ui, "Test name", &mut entry.test_name), ui);
                ui.end_row();
                submitted |= entered(labelled_line(ui, "Finding note", &mut entry.note), ui);
                ui.end_row();
            });
        ui.checkbox(&mut entry.absent, "Examined and absent");
        let parsed = entry.to_finding(vocabulary, record.visit.id);
        let repeated = parsed
            .as_ref()
            .is_ok_and(|finding| record.findings.iter().any(|f| f.repeats(finding)));
        match &parsed {
            Ok(finding) if repeated => {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "Already charted at this visit: {}",
                        finding.describe(vocabulary)
                    ),
                );
            }
            Ok(finding) => {
                ui.label(format!("Will chart: {}", finding.describe(vocabulary)));
            }
            Err(problem) if !entry.kind.is_empty() || !entry.region.is_empty() => {
                ui.colored_label(ui.visuals().warn_fg_color, problem.to_string());
            }
            Err(_) => {}
        }
        let clicked = ui
            .add_enabled(
                parsed.is_ok() && !repeated,
                egui::Button::new("Add finding"),
            )
            .clicked();
        if let Ok(finding) = parsed
            && !repeated
            && (clicked || submitted)
        {
            actions.push(Action::AddFinding(finding));
            // Keep the side: the next finding is often on the same side.
            let side = entry.side;
            *entry = FindingEntry {
                side,
                ..FindingEntry::default()
            };
        }
    }

    /// Every finding of the open visit as a row of fields: kind, region, side, intensity,
    /// absent, note. A row is saved when it reads as a valid finding.
    fn findings_table_ui(
        &mut self,
        ui: &mut egui::Ui,
        context: &ViewContext<'_>,
        record: &VisitRecord,
        actions: &mut Vec<Action>,
    ) {
        let vocabulary = context.vocabulary;
        egui::ScrollArea::horizontal()
            .id_salt("findings table scroll")
            .show(ui, |ui| {
                egui::Grid::new(("findings table grid", record.visit.id))
                    .striped(true)
                    .spacing([6.0, 4.0])
                    .show(ui, |ui| {
                        let headers: Vec<egui::Id> =
                            ["Kind", "Region", "Side", "Intensity", "Absent", "Note"]
                                .iter()
                                .map(|h| ui.strong(*h).id)
                                .collect();
                        ui.end_row();
                        for finding in &record.findings {
                            let (snapshot, entry) =
                                self.rows.entry(finding.id).or_insert_with(|| {
                                    (
                                        finding.clone(),
                                        FindingEntry::from_finding(finding, vocabulary),
                                    )
                                });
                            // Changed elsewhere (undo, the chart): show the finding as it is now,
                            // unless these fields already say the same.
                            if snapshot != finding {
                                let same = entry
                                    .to_finding(vocabulary, finding.visit_id)
                                    .is_ok_and(|f| same_finding(&f, finding));
                                if !same {
                                    *entry = FindingEntry::from_finding(finding, vocabulary);
                                }
                                *snapshot = finding.clone();
                            }
                            let mut changed = false;
                            // A grid cell offers a narrow width until its column has
                            // grown, so each field asks for its width outright.
                            let width = [110.0, 130.0, 0.0, 36.0, 0.0, 160.0];
                            let kind = ui
                                .add(
                                    egui::TextEdit::singleline(&mut entry.kind)
                                        .desired_width(width[0])
                                        .min_size(egui::vec2(width[0], 0.0)),
                                )
                                .labelled_by(headers[0]);
                            // Ctrl+T: the cursor to the first row's kind.
                            if self.focus == Some(Field::FindingsTable) {
                                self.focus = None;
                                kind.request_focus();
                                kind.scroll_to_me(Some(egui::Align::Center));
                            }
                            changed |= kind.changed();
                            changed |= ui
                                .add(
                                    egui::TextEdit::singleline(&mut entry.region)
                                        .desired_width(width[1])
                                        .min_size(egui::vec2(width[1], 0.0)),
                                )
                                .labelled_by(headers[1])
                                .changed();
                            egui::ComboBox::from_id_salt(("table side", finding.id))
                                .selected_text(entry.side.name())
                                .width(80.0)
                                .show_ui(ui, |ui| {
                                    for choice in Side::ALL {
                                        changed |= ui
                                            .selectable_value(
                                                &mut entry.side,
                                                choice,
                                                choice.name(),
                                            )
                                            .changed();
                                    }
                                })
                                .response
                                .labelled_by(headers[2]);
                            changed |= ui
                                .add(
                                    egui::TextEdit::singleline(&mut entry.intensity)
                                        .desired_width(width[3])
                                        .min_size(egui::vec2(width[3], 0.0)),
                                )
                                .labelled_by(headers[3])
                                .changed();
                            changed |= ui
                                .checkbox(&mut entry.absent, "")
                                .labelled_by(headers[4])
                                .changed();
                            changed |= ui
                                .add(
                                    egui::TextEdit::singleline(&mut entry.note)
                                        .desired_width(width[5])
                                        .min_size(egui::vec2(width[5], 0.0)),
                                )
                                .labelled_by(headers[5])
                                .changed();
                            ui.end_row();
                            if changed {
                                match entry.to_finding(vocabulary, finding.visit_id) {
                                    Ok(updated) => {
                                        // The table edits kind, place, side, intensity,
                                        // presence and note; what else the finding holds
                                        // (grades, values, levels) stays as charted.
                                        let updated = Finding {
                                            id: finding.id,
                                            carried_over: finding.carried_over,
                                            detail: finding.detail.clone(),
                                            ..updated
                                        };
                                        self.table_problem = None;
                                        if !same_finding(&updated, finding) {
                                            actions.push(Action::UpdateFinding(updated));
                                        }
                                    }
                                    Err(problem) => self.table_problem = Some(problem.to_string()),
                                }
                            }
                        }
                    });
            });
        if let Some(problem) = &self.table_problem {
            ui.colored_label(ui.visuals().warn_fg_color, problem);
        }
    }

    /// The kind and intensity of a finding just charted from the body chart, with the
    /// cursor on its kind.
    fn charted_ui(
        &mut self,
        ui: &mut egui::Ui,
        context: &ViewContext<'_>,
        finding: &Finding,
        actions: &mut Vec<Action>,
    ) {
        let vocabulary = context.vocabulary;
        let fresh = self
            .charted
            .as_ref()
            .is_none_or(|(id, _)| *id != finding.id);
        if fresh {
            let entry = FindingEntry {
                kind: vocabulary.kind_name(&finding.kind).to_lowercase(),
                region: finding
                    .region
                    .as_ref()
                    .map(|r| r.as_str().to_owned())
                    .unwrap_or_default(),
                side: finding.side,
                intensity: finding
                    .intensity
                    .map(|i| i.value().to_string())
                    .unwrap_or_default(),
                absent: finding.presence == crate::model::Presence::Absent,
                test_name: finding.test_name.clone(),
                note: finding.note.clone(),
            };
            self.charted = Some((finding.id, entry));
        }
        let Some((_, entry)) = &mut self.charted else {
            return;
        };
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(format!(
                "Charted from the body chart: {}",
                finding.place(vocabulary)
            ));
            let mut changed = false;
            ui.horizontal(|ui| {
                let label = ui.label("Charted kind");
                changed |= ui
                    .add(egui::TextEdit::singleline(&mut entry.kind).desired_width(140.0))
                    .labelled_by(label.id)
                    .changed();
                let label = ui.label("Charted intensity");
                let intensity = ui
                    .add(egui::TextEdit::singleline(&mut entry.intensity).desired_width(40.0))
                    .labelled_by(label.id);
                // The kind was picked on the chart; how strong it is comes next.
                if fresh {
                    intensity.request_focus();
                }
                changed |= intensity.changed();
            });
            match entry.to_finding(vocabulary, finding.visit_id) {
                Ok(mut updated) => {
                    updated.id = finding.id;
                    updated.detail = finding.detail.clone();
                    if changed && &updated != finding {
                        actions.push(Action::UpdateFinding(updated));
                    }
                }
                Err(problem) => {
                    ui.colored_label(ui.visuals().warn_fg_color, problem.to_string());
                }
            }
        });
    }

    /// One line of charting shorthand, previewed as it is typed; Enter charts it.
    fn quick_entry_ui(
        &mut self,
        ui: &mut egui::Ui,
        context: &ViewContext<'_>,
        record: &VisitRecord,
        actions: &mut Vec<Action>,
    ) {
        let vocabulary = context.vocabulary;
        let label = ui.label("Quick entry");
        let field = ui
            .add(
                // A fixed id: the rows charted above it must not move the focus away.
                egui::TextEdit::singleline(&mut self.quick_entry)
                    .id_salt("quick entry")
                    .hint_text("R lat ankle pain 4; no numbness R lat foot; SLR neg bilat")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        self.focus_if_asked(Field::QuickEntry, &field);
        if self.quick_entry.trim().is_empty() {
            return;
        }
        // What each part of the line became, as it is typed.
        let reading = reader::read_findings(&self.quick_entry, None, vocabulary, context.lexicon);
        let charted_already =
            |item: &reader::ReadFinding| record.findings.iter().any(|f| f.repeats(&item.finding));
        for item in &reading.items {
            if charted_already(item) {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "Already charted at this visit, not charted twice: {}    ({})",
                        item.finding.describe(vocabulary),
                        &reading.text[item.span[0]..item.span[1]]
                    ),
                );
            } else {
                ui.label(format!(
                    "Enter charts: {}    ({})",
                    item.finding.describe(vocabulary),
                    &reading.text[item.span[0]..item.span[1]]
                ));
            }
        }
        for question in &reading.questions {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("Asks: {} ({})", question.ask, question.text),
            );
        }
        unread_ui(ui, &reading.unread);
        if entered(field.clone(), ui) {
            // What was read is charted; what was not stays in the field, and so does the
            // cursor.
            if !reading.items.is_empty() {
                actions.push(Action::ChartFindings {
                    visit: record.visit.id,
                    entry: std::mem::replace(&mut self.quick_entry, reading.leftover()),
                });
            }
            field.request_focus();
        }
    }

    /// Interventions typed as a clinician charts them: "HVLA L SI; STM soleus bilat 8 min".
    fn intervention_entry_ui(
        &mut self,
        ui: &mut egui::Ui,
        context: &ViewContext<'_>,
        record: &VisitRecord,
        actions: &mut Vec<Action>,
    ) {
        let vocabulary = context.vocabulary;
        let label = ui.label("Intervention quick entry");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut self.intervention_entry)
                    .id_salt("intervention quick entry")
                    .hint_text("HVLA L SI; STM soleus bilat 8 min 97140 x2; bridges 3x10 daily")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        self.focus_if_asked(Field::InterventionEntry, &field);
        if self.intervention_entry.trim().is_empty() {
            return;
        }
        let reading =
            reader::read_interventions(&self.intervention_entry, vocabulary, context.lexicon);
        for item in &reading.items {
            ui.label(format!("Enter charts: {}", item.intervention.describe()));
        }
        // Asked, not charted: stays in the entry for the clinician's word.
        for question in &reading.questions {
            ui.label(format!("Asks: {} (`{}`)", question.ask, question.text));
        }
        unread_ui(ui, &reading.unread);
        if entered(field.clone(), ui) {
            if !reading.items.is_empty() {
                // What was not read stays for the clinician to finish.
                actions.push(Action::ChartInterventions {
                    visit: record.visit.id,
                    entry: std::mem::replace(&mut self.intervention_entry, reading.leftover()),
                });
            }
            field.request_focus();
        }
    }

    fn interventions_ui(
        &mut self,
        ui: &mut egui::Ui,
        context: &ViewContext<'_>,
        record: &VisitRecord,
        editable: bool,
        actions: &mut Vec<Action>,
    ) {
        ui.strong("Interventions");
        for intervention in &record.interventions {
            ui.horizontal_wrapped(|ui| {
                if editable
                    && super::widgets::row_button(ui, "Remove")
                        .on_hover_text("Remove this intervention")
                        .clicked()
                {
                    actions.push(Action::DeleteIntervention(intervention.id));
                }
                ui.label(intervention.describe());
            });
        }
        if !editable {
            return;
        }
        ui.add_space(4.0);
        let vocabulary = context.vocabulary;
        self.intervention_entry_ui(ui, context, record, actions);
        ui.add_space(4.0);
        let draft = &mut self.intervention;
        egui::Grid::new("intervention entry")
            .num_columns(2)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                let label = ui.label("Intervention");
                egui::ComboBox::from_id_salt("intervention kind")
                    .selected_text(draft.kind.label())
                    .show_ui(ui, |ui| {
                        for kind in InterventionKind::ALL {
                            ui.selectable_value(&mut draft.kind, kind, kind.label());
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
                labelled_line(ui, "Target (segment, muscle)", &mut draft.target);
                ui.end_row();
                labelled_line(ui, "Treated region", &mut self.intervention_region);
                ui.end_row();
                side_ui(ui, "Treated side", "intervention side", &mut draft.side);
                ui.end_row();
                labelled_line(ui, "Dose", &mut draft.dose);
                ui.end_row();
                labelled_line(ui, "CPT code", &mut draft.cpt_code);
                ui.end_row();
            });
        let region = match self.intervention_region.trim() {
            "" => Ok(None),
            term => vocabulary
                .find_region(term)
                .map(|region| Some(region.code.clone())),
        };
        if let Err(unknown) = &region {
            ui.colored_label(ui.visuals().warn_fg_color, unknown.to_string());
        }
        let ready = region.is_ok() && !draft.target.trim().is_empty();
        if ui
            .add_enabled(ready, egui::Button::new("Add intervention"))
            .clicked()
            && let Ok(region) = region
        {
            let mut intervention = draft.clone();
            intervention.visit_id = record.visit.id;
            intervention.region = region;
            intervention.target = intervention.target.trim().to_owned();
            actions.push(Action::AddIntervention(intervention));
            *draft = Intervention {
                kind: draft.kind,
                side: draft.side,
                ..Intervention::default()
            };
            self.intervention_region.clear();
        }
    }
}

/// A signed note is read, not edited: plain text reads better than greyed-out fields.
fn signed_note_ui(ui: &mut egui::Ui, record: &VisitRecord) {
    let visit = &record.visit;
    ui.label(format!(
        "{}  {}",
        visit.started_at.format(DATE_TIME_FORMAT),
        visit.kind.label()
    ));
    ui.label(egui::RichText::new(&visit.chief_complaint).strong());
    for (heading, text) in [
        ("Subjective", &visit.subjective),
        ("Objective", &visit.objective),
        ("Assessment", &visit.assessment),
        ("Plan", &visit.plan),
    ] {
        ui.add_space(4.0);
        ui.strong(heading);
        ui.label(text.as_str());
    }
}

/// Whether Enter was pressed in this field.
fn entered(response: egui::Response, ui: &egui::Ui) -> bool {
    response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

fn side_ui(ui: &mut egui::Ui, label: &str, id: &str, side: &mut Side) {
    let label = ui.label(label);
    egui::ComboBox::from_id_salt(id)
        .selected_text(side.name())
        .show_ui(ui, |ui| {
            for choice in Side::ALL {
                ui.selectable_value(side, choice, choice.name());
            }
        })
        .response
        .labelled_by(label.id);
}

/// The same clinical content, whatever the ids and bookkeeping.
fn same_finding(a: &Finding, b: &Finding) -> bool {
    (
        &a.kind,
        &a.region,
        a.side,
        a.intensity,
        a.presence,
        &a.test_name,
        &a.note,
    ) == (
        &b.kind,
        &b.region,
        b.side,
        b.intensity,
        b.presence,
        &b.test_name,
        &b.note,
    )
}

/// The parts of a quick entry the reader could not read, each with why.
fn unread_ui(ui: &mut egui::Ui, unread: &[reader::Unread]) {
    for part in unread {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!("Not read: \"{}\": {}", part.text, part.why),
        );
    }
}

/// Types a tab at the cursor of the note field `id` (over what is selected), and puts the
/// cursor after it.
fn indent_at_cursor(ctx: &egui::Context, id: egui::Id, text: &mut String) {
    let mut state = egui::TextEdit::load_state(ctx, id).unwrap_or_default();
    let chars = text.chars().count();
    let (start, end) = match state.cursor.char_range() {
        Some(range) => {
            let sorted = range.as_sorted_char_range();
            (sorted.start.0.min(chars), sorted.end.0.min(chars))
        }
        None => (chars, chars),
    };
    let byte = |at: usize| text.char_indices().nth(at).map_or(text.len(), |(b, _)| b);
    let (from, to) = (byte(start), byte(end));
    text.replace_range(from..to, "\t");
    let after = egui::text::CCursor::new(start + 1);
    state
        .cursor
        .set_char_range(Some(egui::text::CCursorRange::one(after)));
    egui::TextEdit::store_state(ctx, id, state);
}
