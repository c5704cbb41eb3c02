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

/// A small button on a row of a list (Remove, Confirm, Chart): clicked, not tabbed
/// through, so that Tab goes from field to field.
pub fn row_button(ui: &mut egui::Ui, text: &str) -> egui::Response {
    ui.add(egui::Button::new(text).small().sense(egui::Sense::CLICK))
}

/// Scrolls the widget that has just taken the keyboard's focus into view, when it is in
/// this scroll area's contents: Tab and the shortcuts never leave the cursor off screen.
/// Call at the end of a scroll area's contents.
pub fn keep_focus_in_view(ui: &mut egui::Ui) {
    let Some(id) = ui.memory(|m| m.focused()) else {
        return;
    };
    let just_focused = ui.ctx().read_response(id).is_some_and(|r| r.gained_focus());
    if !just_focused {
        return;
    }
    if let Some(response) = ui.ctx().read_response(id)
        && ui.min_rect().contains_rect(response.rect)
        && !ui.clip_rect().contains_rect(response.rect)
    {
        ui.scroll_to_rect(response.rect, None);
    }
}

/// Keeps Tab and Shift+Tab within one part of the window: Tab from its last field goes to
/// its first, Shift+Tab from its first to its last, so the keyboard never wanders off to
/// the panels around it. Which fields are first and last is learnt as they are drawn, in
/// egui's own Tab order (enabled widgets that take the focus). Call `begin` before the
/// part's contents and `end` after them.
#[derive(Debug, Default)]
pub struct TabRing {
    first: Option<egui::Id>,
    last: Option<egui::Id>,
}

/// Where a `TabRing`'s contents begin among the widgets of their layer.
pub struct RingStart {
    layer: egui::LayerId,
    drawn_before: usize,
}

impl TabRing {
    /// Moves the focus round the ring when Tab leaves its last field or Shift+Tab its
    /// first (the key is taken, so egui does not also move the focus on).
    pub fn begin(&self, ui: &mut egui::Ui) -> RingStart {
        let focused = ui.memory(|m| m.focused());
        let wrap_to = match focused {
            Some(id) if Some(id) == self.last && take_tab(ui, Tab::Forward) => self.first,
            Some(id) if Some(id) == self.first && take_tab(ui, Tab::Back) => self.last,
            _ => None,
        };
        if let Some(id) = wrap_to {
            ui.memory_mut(|m| {
                m.move_focus(egui::FocusDirection::None);
                m.request_focus(id);
            });
        }
        let layer = ui.layer_id();
        let drawn_before = ui
            .ctx()
            .viewport(|v| v.this_pass.widgets.get_layer(layer).count());
        RingStart {
            layer,
            drawn_before,
        }
    }

    /// Learns the first and last fields drawn since `begin`.
    pub fn end(&mut self, ui: &egui::Ui, start: RingStart) {
        let (first, last) = ui.ctx().viewport(|v| {
            let mut focusable = v
                .this_pass
                .widgets
                .get_layer(start.layer)
                .skip(start.drawn_before)
                .filter(|w| w.enabled && w.sense.is_focusable())
                .map(|w| w.id);
            let first = focusable.next();
            (first, focusable.last().or(first))
        });
        self.first = first;
        self.last = last;
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Forward,
    Back,
}

/// Takes a Tab (or Shift+Tab) pressed this frame out of the input; whether there was one.
fn take_tab(ui: &egui::Ui, which: Tab) -> bool {
    ui.input_mut(|i| {
        let at = i.events.iter().position(|event| {
            matches!(
                event,
                egui::Event::Key { key: egui::Key::Tab, pressed: true, modifiers, .. }
                    if match which {
                        Tab::Forward => !modifiers.any(),
                        Tab::Back => modifiers.shift_only(),
                    }
            )
        });
        at.map(|at| i.events.remove(at)).is_some()
    })
}

/// Text quieter than the body text yet readable: the colour nearest the panel's that
/// keeps WCAG's 4.5:1 contrast for normal text (Success Criterion 1.4.3, level AA) in
/// either theme; egui's "weak" text reaches about 2.3:1 in the dark one.
pub fn quiet_text_colour(visuals: &egui::Visuals) -> egui::Color32 {
    let text = visuals.text_color();
    let background = visuals.panel_fill;
    (1..=20)
        .map(|step| text.lerp_to_gamma(background, step as f32 / 20.0))
        .take_while(|colour| contrast_ratio(*colour, background) >= 4.5)
        .last()
        .unwrap_or(text)
}

/// WCAG 2's contrast ratio of two opaque colours, from 1 to 21.
pub fn contrast_ratio(a: egui::Color32, b: egui::Color32) -> f32 {
    let luminance = |c: egui::Color32| {
        let channel = |u: u8| egui::ecolor::linear_f32_from_gamma_u8(u);
        0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
    };
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Paints a legend's mark in the square it is given.
pub type PaintMark<'a> = Box<dyn Fn(&egui::Painter, egui::Rect) + 'a>;

/// A legend's entry: its mark, painted in a square the height of a line, and its name.
pub struct LegendEntry<'a> {
    pub mark: PaintMark<'a>,
    pub name: String,
}

/// Legend entries in rows, each mark kept with its name. A row ends before an entry that
/// would not fit whole, so the legend never widens the panel past the window.
pub fn legend(ui: &mut egui::Ui, entries: &[LegendEntry<'_>]) {
    const GAP: f32 = 12.0;
    const MARK_GAP: f32 = 4.0;
    let size = ui.text_style_height(&egui::TextStyle::Body);
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 0.0;
        let mut first_on_row = true;
        for entry in entries {
            let text = egui::WidgetText::from(entry.name.as_str()).into_galley(
                ui,
                Some(egui::TextWrapMode::Extend),
                f32::INFINITY,
                egui::TextStyle::Body,
            );
            let width = size + MARK_GAP + text.size().x;
            // What is left of this row (available_width is the whole row's here).
            let left_in_row = ui.max_rect().right() - ui.cursor().left();
            if !first_on_row {
                if left_in_row < GAP + width {
                    ui.end_row();
                } else {
                    ui.add_space(GAP);
                }
            }
            let (rect, _) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
            (entry.mark)(ui.painter(), rect);
            ui.add_space(MARK_GAP);
            ui.label(entry.name.as_str());
            first_on_row = false;
        }
    });
}
