//! Keystrokes kept in the field they were typed for. egui moves the focus for Tab at the
//! end of a frame and takes it away for a click before the field reads its keys, so keys
//! that arrive in one frame after a Tab, or before a click, would land in the wrong field
//! or nowhere. Text expanders and fast typists fit many keys in one frame. The window's
//! input is cut into frames at each focus change here, before egui sees it.

use std::collections::VecDeque;

use eframe::egui::{Event, Key, RawInput};

/// Holds back the input that follows a focus change until the next frame.
#[derive(Debug, Default)]
pub struct KeystrokePacer {
    waiting: VecDeque<Event>,
}

impl KeystrokePacer {
    /// Leaves in `input` what arrived up to the first focus change (held input first) and
    /// keeps the rest for the next call. Returns whether input is still held, so that the
    /// caller asks for another frame at once.
    pub fn pace(&mut self, input: &mut RawInput) -> bool {
        let mut events: Vec<Event> = self.waiting.drain(..).collect();
        events.append(&mut input.events);
        let cut = focus_change_cut(&events);
        self.waiting.extend(events.split_off(cut));
        input.events = events;
        !self.waiting.is_empty()
    }

    /// Whether input waits for the next frame.
    pub fn is_holding(&self) -> bool {
        !self.waiting.is_empty()
    }
}

/// Whether an event is typing (text or a key) rather than the pointer's.
fn is_typing(event: &Event) -> bool {
    matches!(
        event,
        Event::Text(_) | Event::Key { .. } | Event::Paste(_) | Event::Copy | Event::Cut
    )
}

/// Where one frame's input ends: after a key that moves the focus (Tab, Enter, Escape, a
/// shortcut), before a click that follows typing, and after a click that typing follows.
/// Never at zero, so every frame takes at least one event.
fn focus_change_cut(events: &[Event]) -> usize {
    let mut typed = false;
    for (at, event) in events.iter().enumerate() {
        match event {
            Event::Key {
                key,
                pressed: true,
                modifiers,
                ..
            } if matches!(key, Key::Tab | Key::Enter | Key::Escape | Key::F1)
                || modifiers.command
                || modifiers.alt =>
            {
                return at + 1;
            }
            Event::PointerButton { pressed: true, .. } if typed => return at,
            Event::PointerButton { pressed: false, .. }
                if events[at + 1..].iter().any(is_typing) =>
            {
                return at + 1;
            }
            event if is_typing(event) => typed = true,
            _ => {}
        }
    }
    events.len()
}
