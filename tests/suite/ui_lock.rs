//! The lock screen and what the window remembers (issue 14): a mistyped passphrase after
//! the idle lock is said as such, and a setting chosen is written at once.

use std::collections::HashMap;

use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use upstream::model::Patient;
use upstream::store::{Passphrase, Store};
use upstream::ui::{AppState, NotebookGate};

fn gate_harness(path: &std::path::Path) -> Harness<'static, NotebookGate> {
    let gate = NotebookGate::new(path, AppState::default());
    let mut harness = Harness::builder()
        .with_size([1366.0, 768.0])
        .build_ui_state(|ui, gate: &mut NotebookGate| gate.ui(ui), gate);
    harness.run();
    harness
}

fn unlock_with(harness: &mut Harness<'static, NotebookGate>, passphrase: &str) {
    harness
        .get_by_role_and_label(Role::PasswordInput, "Passphrase")
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(Role::PasswordInput, "Passphrase")
        .type_text(passphrase);
    harness.run();
    harness.get_by_label("Unlock").click();
    harness.run();
}

#[test]
fn a_mistyped_passphrase_after_the_idle_lock_is_said_to_be_mistyped_not_a_damaged_file() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    {
        let mut store = Store::open_with(&path, &Passphrase::new("right one")).unwrap();
        store
            .create_patient(&crate::by(), &Patient::new("Ada Quill"))
            .unwrap();
    }
    let mut harness = gate_harness(&path);
    unlock_with(&mut harness, "right one");
    assert!(harness.state().app().is_some());
    harness.state_mut().lock();
    harness.run();

    unlock_with(&mut harness, "rigth one");
    assert!(harness.state().is_locked());
    assert!(
        harness
            .query_by_label_contains("not the passphrase this notebook opened with")
            .is_some()
    );
    assert!(
        harness.query_by_label_contains("damaged").is_none()
            && harness.query_by_label("Look for a backup").is_none(),
        "no talk of damage or backups for a typing slip"
    );
    unlock_with(&mut harness, "right one");
    assert_eq!(
        harness.state().app().expect("unlocked").patients()[0].name,
        "Ada Quill"
    );
}

/// eframe's storage as a map, flushed or not.
#[derive(Default)]
struct Kept {
    values: HashMap<String, String>,
    flushes: usize,
}

impl eframe::Storage for Kept {
    fn get_string(&self, key: &str) -> Option<String> {
        self.values.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.values.insert(key.to_owned(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.values.remove(key);
    }
    fn flush(&mut self) {
        self.flushes += 1;
    }
}

#[test]
fn a_theme_chosen_is_written_at_once_not_only_when_the_window_closes() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let mut harness = gate_harness(&path);
    harness.get_by_label("Continue without encryption").click();
    harness.run();
    let mut kept = Kept::default();
    harness.state_mut().persist_if_changed(&mut kept);
    let flushes = kept.flushes;
    // Nothing changed: nothing written again.
    harness.state_mut().persist_if_changed(&mut kept);
    assert_eq!(kept.flushes, flushes);

    harness
        .get_by_role_and_label(Role::ComboBox, "Theme")
        .click();
    harness.run();
    harness.get_by_label("Dark").click();
    harness.run();
    harness.state_mut().persist_if_changed(&mut kept);
    assert_eq!(kept.flushes, flushes + 1, "written and flushed at once");
    let state: AppState = eframe::get_value(&kept, eframe::APP_KEY).unwrap();
    assert_eq!(state.theme, eframe::egui::ThemePreference::Dark);

    // And the next start takes it up.
    drop(harness);
    let gate = NotebookGate::new(&path, state);
    let mut harness = Harness::builder()
        .with_size([1366.0, 768.0])
        .build_ui_state(|ui, gate: &mut NotebookGate| gate.ui(ui), gate);
    harness.run();
    assert_eq!(harness.ctx.theme(), eframe::egui::Theme::Dark);
}
