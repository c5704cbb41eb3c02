//! Small widgets shared by the views: labelled text fields that AccessKit (and so the
//! tests and screen readers) can find by their label. Each field's id comes from its
//! label, not from its place in the layout, so a line that appears above a field while
//! it is typed in (the occupation under the name) does not take its focus away.

use eframe::egui;

/// A one-line text field with its label on the left.
pub fn labelled_line(ui: &mut egui::Ui, label: &str, text: &mut String) -> egui::Response {
    let name = label;
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .id_salt(name)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id)
}

/// A multi-line text field with its label above.
pub fn labelled_text(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    rows: usize,
) -> egui::Response {
    let name = label;
    let label = ui.strong(label);
    ui.add(
        egui::TextEdit::multiline(text)
            .id_salt(name)
            .desired_rows(rows)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id)
}

/// A labelled field that shows dots instead of what is typed.
pub fn password_line(ui: &mut egui::Ui, label: &str, text: &mut String) -> egui::Response {
    let name = label;
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .id_salt(name)
            .password(true)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id)
}
