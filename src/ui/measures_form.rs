//! The visit's outcome measures: those filled in, with score and band, and a form per
//! instrument that is fast by keyboard: type the instrument's name and Enter, then each
//! item's score; a digit that completes an item moves the cursor to the next. Scoring is
//! the model's (`Instrument::score_with`); a signed visit's measures are shown only. The
//! instruments that suit the patient's charted regions are offered first, marked as
//! suggested (`measure::offered_at`).

use eframe::egui;

use super::Action;
use super::context::ViewContext;
use crate::model::measure::Offered;
use crate::model::{Instrument, Measure, VisitRecord};

/// At most this many of the PSFS patient's own activities.
const ACTIVITY_ROWS: usize = 5;

#[derive(Debug, Default)]
pub struct MeasuresView {
    /// The instrument's name as typed, until Enter starts its form.
    choice: String,
    /// The form being filled in, if any.
    form: Option<Form>,
}

#[derive(Debug)]
struct Form {
    /// The instrument's code (`odi`), looked up in the `ViewContext` when drawn.
    instrument: String,
    /// Each item's score as typed; empty for an item left out.
    answers: Vec<String>,
    /// For the PSFS: the patient's own activities, one per row.
    activities: Vec<String>,
    /// The item field the cursor goes to next frame; past the last item, the Save button.
    focus: Option<usize>,
}

impl Form {
    fn new(instrument: &Instrument, activities_before: &[String]) -> Form {
        let (rows, activities) = match instrument.activities {
            Some(_) => {
                let mut activities: Vec<String> = activities_before.to_vec();
                activities.resize(ACTIVITY_ROWS, String::new());
                (ACTIVITY_ROWS, activities)
            }
            None => (instrument.items.len(), Vec::new()),
        };
        Form {
            instrument: instrument.code.clone(),
            answers: vec![String::new(); rows],
            activities,
            focus: Some(0),
        }
    }

    /// The answers and activities as the model takes them: for the PSFS, only the rows
    /// that name an activity.
    fn measure(&self, instrument: &Instrument, record: &VisitRecord) -> Result<Measure, String> {
        let parse = |text: &str, number: usize| -> Result<Option<i32>, String> {
            match text.trim() {
                "" => Ok(None),
                digits => digits.parse().map(Some).map_err(|_| {
                    format!("item {number}: `{digits}` is not a score; type a whole number")
                }),
            }
        };
        let mut answers = Vec::new();
        let mut activities = Vec::new();
        for (i, text) in self.answers.iter().enumerate() {
            if instrument.activities.is_some() {
                let activity = self.activities[i].trim();
                if activity.is_empty() {
                    continue;
                }
                activities.push(activity.to_owned());
            }
            answers.push(parse(text, i + 1)?);
        }
        Ok(Measure {
            activities,
            ..Measure::new(record.visit.id, &instrument.code, answers)
        })
    }
}

/// How many leading characters of `text` make a score that no further digit could extend
/// (a 2 on a 0-5 item; a 1 on a 0-10 item could still be 10), if any do.
fn complete_prefix(text: &str, min: i32, max: i32) -> Option<usize> {
    let in_range = |t: &str| t.parse::<i32>().is_ok_and(|v| (min..=max).contains(&v));
    (1..=text.len())
        .filter(|&end| text.is_char_boundary(end))
        .find(|&end| {
            let head = &text[..end];
            in_range(head) && (0..=9).all(|digit| !in_range(&format!("{head}{digit}")))
        })
}

impl MeasuresView {
    /// `activities_before`: the patient's PSFS activities from their last PSFS, carried
    /// into a new one; `offered`: the instruments, those suiting the charted regions first.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        context: &ViewContext<'_>,
        record: &VisitRecord,
        editable: bool,
        (activities_before, offered): (&[String], &[Offered]),
        actions: &mut Vec<Action>,
    ) {
        ui.strong("Outcome measures");
        for measure in &record.measures {
            ui.horizontal_wrapped(|ui| {
                if editable
                    && super::widgets::row_button(ui, "Remove")
                        .on_hover_text("Remove this measure")
                        .clicked()
                {
                    actions.push(Action::DeleteMeasure(measure.id));
                }
                ui.label(saved_text(measure));
            });
        }
        if !editable {
            return;
        }
        let hint: Vec<&str> = offered.iter().map(|o| o.instrument.code.as_str()).collect();
        let label = ui.label("Outcome measure");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut self.choice)
                    .id_salt("outcome measure")
                    .hint_text(hint.join(", "))
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        let mut clicked: Option<&Instrument> = None;
        ui.horizontal_wrapped(|ui| {
            for one in offered {
                let name = match &one.suits {
                    Some(region) => format!("{} (suggested: {region})", one.instrument.short),
                    None => one.instrument.short.clone(),
                };
                let button = egui::Button::new(name).selected(one.suits.is_some());
                if ui
                    .add(button)
                    .on_hover_text(format!(
                        "{} {}: type `{}` and Enter, or click",
                        one.instrument.name, one.instrument.version, one.instrument.code
                    ))
                    .clicked()
                {
                    clicked = Some(one.instrument);
                }
            }
        });
        if let Some(instrument) = clicked {
            self.form = Some(Form::new(instrument, activities_before));
            self.choice.clear();
        }
        let typed = self.choice.trim().to_lowercase();
        let chosen = context
            .instruments
            .iter()
            .find(|i| i.code == typed || i.short.to_lowercase() == typed);
        if !typed.is_empty() && chosen.is_none() {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("No instrument `{}`", self.choice.trim()),
            );
        }
        if field.lost_focus()
            && ui.input(|i| i.key_pressed(egui::Key::Enter))
            && let Some(instrument) = chosen
        {
            self.form = Some(Form::new(instrument, activities_before));
            self.choice.clear();
        }
        let Some(form) = self.form.as_mut() else {
            return;
        };
        let Some(instrument) = context.instrument(&form.instrument) else {
            // An instrument the context does not know cannot be filled in.
            self.form = None;
            return;
        };
        if instrument.licence.items_reproduced {
            ui.weak(&instrument.scoring.explained);
        } else {
            ui.weak(format!(
                "Use the licensed {} form ({}); enter each item's score as marked on it. Leave an item empty if it was left out.",
                instrument.name, instrument.version
            ));
        }
        let mut save = false;
        let mut close = false;
        egui::Grid::new(("measure form", instrument.code.as_str()))
            .num_columns(3)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                for i in 0..form.answers.len() {
                    let item = &instrument.items[i % instrument.items.len()];
                    let name = match instrument.activities {
                        Some(_) => format!("Activity {}", i + 1),
                        None => item.label.clone(),
                    };
                    if instrument.activities.is_some() {
                        let label = ui.label(&name);
                        ui.add(
                            egui::TextEdit::singleline(&mut form.activities[i])
                                .id_salt(("measure activity", i))
                                .desired_width(220.0),
                        )
                        .labelled_by(label.id);
                    }
                    let score_name = match instrument.activities {
                        Some(_) => format!("{name} rating"),
                        None => name,
                    };
                    let label = ui.label(&score_name);
                    let response = ui
                        .add(
                            egui::TextEdit::singleline(&mut form.answers[i])
                                .id_salt(("measure item", i))
                                .desired_width(36.0),
                        )
                        .labelled_by(label.id);
                    if form.focus == Some(i) {
                        response.request_focus();
                        form.focus = None;
                    }
                    if response.changed() {
                        form.focus = spill(form, instrument, i);
                    }
                    if response.lost_focus()
                        && ui.input(|input| input.key_pressed(egui::Key::Enter))
                    {
                        save = true;
                    }
                    ui.weak(format!("{} to {}", item.min, item.max));
                    ui.end_row();
                }
            });
        let scored = form
            .measure(instrument, record)
            .and_then(|m| m.scored().map_err(|error| error.to_string()));
        match &scored {
            Ok(measure) => {
                ui.label(format!("Score: {}", score_text(instrument, measure)));
            }
            Err(why) => {
                ui.weak(format!("Not scored: {why}"));
            }
        }
        ui.horizontal(|ui| {
            let button = ui.add_enabled(
                scored.is_ok(),
                egui::Button::new(format!("Save {}", instrument.short)),
            );
            if form.focus == Some(form.answers.len()) {
                button.request_focus();
                form.focus = None;
            }
            save |= button.clicked();
            close = ui.button("Cancel").clicked();
        });
        if save && let Ok(measure) = scored {
            actions.push(Action::AddMeasure(measure));
            close = true;
        }
        if close {
            self.form = None;
            field.request_focus();
        }
    }
}

/// After item `at` changed: a complete score keeps its digits, and what was typed past it
/// goes on to the next items (typed faster than the window drew). Returns where the
/// cursor goes: the first item left to fill, or the Save button after the last.
fn spill(form: &mut Form, instrument: &Instrument, at: usize) -> Option<usize> {
    let rows = form.answers.len();
    let bounds = |i: usize| {
        let item = &instrument.items[i % instrument.items.len()];
        (item.min, item.max)
    };
    let mut i = at;
    loop {
        let (min, max) = bounds(i);
        let text = form.answers[i].clone();
        let end = complete_prefix(&text, min, max)?;
        if end == text.len() {
            return Some(i + 1).filter(|&next| next <= rows);
        }
        if i + 1 >= rows {
            form.answers[i] = text[..end].to_owned();
            return Some(rows);
        }
        form.answers[i] = text[..end].to_owned();
        form.answers[i + 1] = text[end..].to_owned();
        i += 1;
    }
}

fn score_text(instrument: &Instrument, measure: &Measure) -> String {
    let score = measure
        .score
        .map(|s| instrument.score_text(s))
        .unwrap_or_default();
    match &measure.band {
        Some(band) => format!("{score} ({band})"),
        None => score,
    }
}

/// A saved measure as the visit lists it: "ODI 2.1a: 32 % (moderate disability)", and its
/// answers by item ("-" for one left out).
fn saved_text(measure: &Measure) -> String {
    let answers: Vec<String> = measure
        .answers
        .iter()
        .map(|a| a.map_or("-".to_owned(), |v| v.to_string()))
        .collect();
    format!("{}   [{}]", measure.describe(), answers.join(" "))
}
