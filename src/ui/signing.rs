//! The visit's standing as a record: signing a draft (once, with a name and a time),
//! the addenda beneath a signed visit and the form to add one, deleting a draft opened by
//! mistake, and the visit's history from the audit trail.

use eframe::egui;

use super::Action;
use super::widgets::{labelled_line, labelled_text};
use crate::model::VisitRecord;
use crate::store::AuditEntry;

const DATE_TIME_FORMAT: &str = "%Y-%m-%d %H:%M";

#[derive(Debug, Default)]
pub struct SigningView {
    /// The visit whose fields these are; they are cleared when another opens.
    shown: Option<crate::model::VisitId>,
    /// Signing asked for and waiting for the clinician's confirmation.
    confirming_signature: bool,
    /// Put the cursor in "Sign as" when the confirmation first shows.
    focus_signer: bool,
    confirming_delete: bool,
    signer: String,
    reason: String,
    text: String,
}

impl SigningView {
    /// Asks to sign the open draft, with the cursor in "Sign as": Enter then signs.
    pub fn start(&mut self) {
        self.confirming_signature = true;
        self.focus_signer = true;
    }

    /// `clinician`: the name the clinician last signed with, offered again.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        record: &VisitRecord,
        clinician: &str,
        (urgent_flags, unscreened, across): (
            &[crate::reasoner::RaisedFlag],
            &[crate::reasoner::FlagToScreen],
            &[crate::reasoner::Insight],
        ),
        actions: &mut Vec<Action>,
    ) {
        let visit = &record.visit;
        if self.shown != Some(visit.id) {
            *self = SigningView {
                shown: Some(visit.id),
                signer: clinician.to_owned(),
                ..SigningView::default()
            };
        }
        match &visit.signature {
            Some(signature) => {
                ui.label(
                    egui::RichText::new(format!(
                        "Signed by {} on {}",
                        signature.by,
                        signature.at.format(DATE_TIME_FORMAT)
                    ))
                    .strong(),
                );
                self.addenda_ui(ui, record, actions);
            }
            None => self.draft_ui(ui, record, (urgent_flags, unscreened, across), actions),
        }
    }

    fn draft_ui(
        &mut self,
        ui: &mut egui::Ui,
        record: &VisitRecord,
        (urgent_flags, unscreened, across): (
            &[crate::reasoner::RaisedFlag],
            &[crate::reasoner::FlagToScreen],
            &[crate::reasoner::Insight],
        ),
        actions: &mut Vec<Action>,
    ) {
        let visit = record.visit.id;
        if self.confirming_signature {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                // A red flag that calls for action today is said again where the visit is
                // closed, so that it is never signed past unnoticed.
                for flag in urgent_flags {
                    let when = match flag.urgency {
                        crate::reasoner::Urgency::Emergency => "Emergency",
                        _ => "Same day",
                    };
                    ui.colored_label(
                        ui.visuals().error_fg_color,
                        format!(
                            "Red flag at this visit: {} ({when}). Refer to: {}",
                            flag.title, flag.refer_to
                        ),
                    );
                }
                // And one that only the visits read together raise: the findings of this
                // visit alone may not show a deficit getting worse or a new bladder symptom.
                for insight in across {
                    // Its headline says how urgent it is.
                    if let Some((_, refer_to)) = insight.flag_for_today() {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!(
                                "Red flag across visits: {}. Refer to: {refer_to}",
                                insight.headline
                            ),
                        );
                    }
                }
                // So is one that would, left to screen with its questions unanswered.
                for flag in unscreened {
                    let when = match flag.urgency {
                        crate::reasoner::Urgency::Emergency => "an emergency",
                        _ => "same day",
                    };
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        format!(
                            "Not yet screened at this visit: {} ({when} if confirmed). {}",
                            flag.title,
                            flag.ask.first().map_or("", String::as_str)
                        ),
                    );
                }
                ui.label(
                    "Signing locks this visit: its note, findings and interventions cannot \
                     change afterwards. Corrections are then made by dated addendum.",
                );
                let now = chrono::Local::now().naive_local();
                if record.visit.started_at > now + chrono::TimeDelta::hours(1) {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        format!(
                            "This visit is dated {}, in the future. Check its date before \
                             signing: once signed, it can only be corrected by addendum.",
                            record.visit.started_at.format(DATE_TIME_FORMAT)
                        ),
                    );
                }
                let by = labelled_line(ui, "Sign as", &mut self.signer);
                if std::mem::take(&mut self.focus_signer) {
                    by.request_focus();
                    by.scroll_to_me(Some(egui::Align::Center));
                }
                let ready = !crate::model::clean_name(&self.signer).is_empty();
                ui.horizontal(|ui| {
                    let sign = ui.add_enabled(ready, egui::Button::new("Sign and lock"));
                    let entered = by.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if ready && (sign.clicked() || entered) {
                        actions.push(Action::SignVisit {
                            visit,
                            by: self.signer.trim().to_owned(),
                        });
                        self.confirming_signature = false;
                    }
                    if ui.button("Cancel").clicked() {
                        self.confirming_signature = false;
                    }
                });
            });
            return;
        }
        ui.horizontal_wrapped(|ui| {
            ui.label("Draft: not signed.");
            if ui
                .button("Sign visit")
                .on_hover_text("Ctrl+Shift+S")
                .clicked()
            {
                self.start();
            }
            if self.confirming_delete {
                ui.label("Delete this draft and all charted at it?");
                if ui.button("Delete draft").clicked() {
                    actions.push(Action::DeleteDraftVisit(visit));
                    self.confirming_delete = false;
                }
                if ui.button("Keep it").clicked() {
                    self.confirming_delete = false;
                }
            } else if ui
                .button("Delete this draft")
                .on_hover_text("For a visit opened by mistake; the audit trail keeps a record")
                .clicked()
            {
                self.confirming_delete = true;
            }
        });
    }

    fn addenda_ui(&mut self, ui: &mut egui::Ui, record: &VisitRecord, actions: &mut Vec<Action>) {
        for addendum in &record.addenda {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.label(
                    egui::RichText::new(format!(
                        "Addendum, {} by {}: {}",
                        addendum.written_at.format(DATE_TIME_FORMAT),
                        addendum.author,
                        addendum.reason
                    ))
                    .strong(),
                );
                ui.label(&addendum.text);
            });
        }
        egui::CollapsingHeader::new("Add an addendum")
            .id_salt(("add addendum", record.visit.id))
            .show(ui, |ui| {
                labelled_line(ui, "Author", &mut self.signer);
                labelled_line(ui, "Reason", &mut self.reason);
                labelled_text(ui, "Addendum", &mut self.text, 2);
                let ready = [&self.signer, &self.reason, &self.text]
                    .iter()
                    .all(|field| !field.trim().is_empty());
                let add = ui
                    .add_enabled(ready, egui::Button::new("Add addendum"))
                    .on_disabled_hover_text("An addendum needs an author, a reason and its text");
                if add.clicked() {
                    actions.push(Action::AddAddendum {
                        visit: record.visit.id,
                        author: self.signer.trim().to_owned(),
                        reason: self.reason.trim().to_owned(),
                        text: self.text.trim().to_owned(),
                    });
                    self.reason.clear();
                    self.text.clear();
                }
            });
    }
}

/// Every change to the visit and to what was charted at it, newest first.
pub fn history_ui(ui: &mut egui::Ui, history: &[AuditEntry]) {
    egui::CollapsingHeader::new(format!("History ({} changes)", history.len()))
        .id_salt("visit history")
        .show(ui, |ui| {
            for entry in history.iter().rev() {
                ui.label(format!(
                    "{}  {}: {}",
                    local_time(&entry.at),
                    entry.actor,
                    entry.summary()
                ));
                if entry.action == "update" {
                    ui.indent(("history", entry.id), |ui| {
                        for change in entry.changes() {
                            ui.add(egui::Label::new(egui::RichText::new(change).weak()).wrap());
                        }
                    });
                }
            }
        });
}

/// The trail keeps UTC; the clinic reads its own clock.
fn local_time(at: &str) -> String {
    use chrono::TimeZone;
    chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S%.fZ")
        .map(|utc| {
            chrono::Utc
                .from_utc_datetime(&utc)
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_owned())
}
