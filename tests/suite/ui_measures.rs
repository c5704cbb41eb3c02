//! Outcome measures in the window (issue 16): an ODI entered by keyboard alone, its score
//! and band shown; each measure's series on the timeline with its MCID band and the day it
//! was crossed; a signed visit's measures shown and never editable; a measure entered by
//! mistake taken back by undo, and put back by redo; the instruments that suit the charted
//! regions offered first, marked as suggested.

use eframe::egui::accesskit::Role;
use eframe::egui::{Event, Key};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use upstream::model::{Measure, Patient, Visit, VisitKind};
use upstream::store::Store;
use upstream::ui::{AppState, UpstreamApp};

fn text(harness: &mut Harness<'_, UpstreamApp>, typed: &str) {
    harness
        .input_mut()
        .events
        .push(Event::Text(typed.to_owned()));
    harness.step();
}

#[test]
fn an_odi_entered_by_keyboard_alone_shows_its_score_and_band() {
    let directory = tempfile::tempdir().unwrap();
    let (mut harness, visit) = crate::window_on_a_draft(&directory.path().join("n.sqlite3"));
    harness
        .get_by_role_and_label(Role::TextInput, "Outcome measure")
        .focus();
    harness.run();
    text(&mut harness, "odi");
    harness.key_press(Key::Enter);
    harness.run();
    // The licensed form is named, and the cursor is on the first section.
    assert!(
        harness
            .query_by_label_contains("Use the licensed Oswestry Disability Index form")
            .is_some()
    );
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, "Section 1: pain intensity")
            .is_focused()
    );
    // One digit per section: each moves the cursor on.
    for digit in ["2", "2", "2", "2", "2", "2", "1", "1", "1"] {
        text(&mut harness, digit);
    }
    harness.run();
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, "Section 10: travelling")
            .is_focused()
    );
    text(&mut harness, "1");
    harness.run();
    assert!(
        harness
            .query_by_label("Score: 32 % (moderate disability)")
            .is_some()
    );
    assert!(
        harness
            .get_by_role_and_label(Role::Button, "Save ODI")
            .is_focused()
    );
    harness.key_press(Key::Enter);
    harness.run();
    let record = &harness.state().timeline()[0];
    assert_eq!(record.visit.id, visit);
    assert_eq!(record.measures.len(), 1);
    assert_eq!(record.measures[0].score, Some(32.0));
    assert!(
        harness
            .query_by_label_contains("ODI 2.1a: 32 % (moderate disability)")
            .is_some()
    );

    // An NDI typed faster than the window draws: every digit still lands in its item,
    // and a section left out (the Enter on the driving item) is scored by the NDI's rule.
    harness
        .get_by_role_and_label(Role::TextInput, "Outcome measure")
        .focus();
    harness.run();
    text(&mut harness, "ndi");
    harness.key_press(Key::Enter);
    harness.run();
    text(&mut harness, "2222222");
    harness.run();
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, "Item 8: driving")
            .is_focused()
    );
    // Driving left out: Tab past it, then the last two.
    harness.key_press(Key::Tab);
    harness.run();
    text(&mut harness, "22");
    harness.run();
    assert!(
        harness
            .query_by_label("Score: 20/50 (moderate disability)")
            .is_some()
    );
    harness.key_press(Key::Enter);
    harness.run();
    let measures = &harness.state().timeline()[0].measures;
    assert_eq!(measures.len(), 2);
    assert_eq!(measures[1].answers[7], None);
    assert_eq!(measures[1].score, Some(20.0));
}

/// A measure saved by mistake is taken back with Ctrl+Z, out of the notebook as well as
/// the window, and Ctrl+Shift+Z puts it back with its score; one removed by mistake comes
/// back with Ctrl+Z.
#[test]
fn a_measure_entered_by_mistake_is_taken_back_by_undo_and_put_back_by_redo() {
    use eframe::egui::Modifiers;
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("n.sqlite3");
    let (mut harness, visit) = crate::window_on_a_draft(&path);
    harness
        .get_by_role_and_label(Role::TextInput, "Outcome measure")
        .focus();
    harness.run();
    text(&mut harness, "odi");
    harness.key_press(Key::Enter);
    harness.run();
    text(&mut harness, "2222221111");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(harness.state().timeline()[0].measures.len(), 1);
    assert!(
        harness
            .query_by_label_contains("ODI 2.1a: 32 % (moderate disability)")
            .is_some()
    );

    // Out of the text fields, Ctrl+Z takes the measure back.
    harness.key_press(Key::Escape);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(harness.state().timeline()[0].measures.is_empty());
    assert!(
        harness.query_by_label_contains("ODI 2.1a: 32 %").is_none(),
        "the measure is gone from the visit"
    );

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    let measures = &harness.state().timeline()[0].measures;
    assert_eq!(measures.len(), 1);
    assert_eq!(measures[0].score, Some(32.0));

    // Removed with its button, Ctrl+Z brings it back.
    let remove = harness.get_by_role_and_label(Role::Button, "Remove");
    remove.scroll_to_me();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Remove")
        .click();
    harness.run();
    assert!(harness.state().timeline()[0].measures.is_empty());
    harness.key_press(Key::Escape);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().timeline()[0].measures.len(), 1);

    // Taken back once more, to before it was entered, it is gone from the notebook file.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(harness.state().timeline()[0].measures.is_empty());
    drop(harness);
    let store = Store::open(&path).unwrap();
    let patient = store.search_patients("quill", 1).unwrap().remove(0);
    let timeline = store.timeline(patient.id).unwrap();
    assert_eq!(timeline[0].visit.id, visit);
    assert!(timeline[0].measures.is_empty(), "undo reached the notebook");
}

/// A patient with low back pain charted is offered the ODI and STarT Back first, marked
/// as suggested for the low back; a click on one starts its form.
#[test]
fn the_instruments_that_suit_the_charted_regions_come_first_marked_as_suggested() {
    use upstream::model::{Finding, Side};
    let directory = tempfile::tempdir().unwrap();
    let mut store = Store::open(&directory.path().join("n.sqlite3")).unwrap();
    let patient = store
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let visit = store
        .create_visit(
            &crate::by(),
            &Visit::new(patient, at("2026-03-02"), VisitKind::FollowUp),
        )
        .unwrap();
    let mut back = Finding::new("pain", Some("low_back"), Side::Left);
    back.visit_id = visit;
    store.add_finding(&crate::by(), &back).unwrap();
    let state = AppState {
        selected_patient: Some(patient),
        selected_visit: Some(visit),
        ..AppState::default()
    };
    let mut harness = Harness::builder()
        .with_size([1366.0, 768.0])
        .build_ui_state(
            |ui, app: &mut UpstreamApp| app.ui(ui),
            UpstreamApp::new(store, state),
        );
    harness.run();
    let odi = harness
        .get_by_role_and_label(Role::Button, "ODI (suggested: Low back)")
        .rect();
    let start_back = harness
        .get_by_role_and_label(Role::Button, "STarT Back (suggested: Low back)")
        .rect();
    // The others are offered too, unmarked, after the suggested ones.
    for other in ["NDI", "LEFS", "QuickDASH", "PSFS"] {
        let rect = harness.get_by_role_and_label(Role::Button, other).rect();
        let after = |first: eframe::egui::Rect| {
            rect.top() > first.top() + 1.0
                || ((rect.top() - first.top()).abs() <= 1.0 && rect.left() > first.left())
        };
        assert!(
            after(odi) && after(start_back),
            "{other} comes after the suggested"
        );
    }
    assert!(harness.query_by_label_contains("NDI (suggested").is_none());
    harness
        .get_by_role_and_label(Role::Button, "ODI (suggested: Low back)")
        .scroll_to_me();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "ODI (suggested: Low back)")
        .click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("Use the licensed Oswestry Disability Index form")
            .is_some()
    );
}

fn at(date: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(&format!("{date} 09:30"), "%Y-%m-%d %H:%M").unwrap()
}

/// Twenty LEFS activities adding up to `total`.
fn lefs(total: i32) -> Vec<Option<i32>> {
    (0..20).map(|i| Some((total - 4 * i).clamp(0, 4))).collect()
}

#[test]
fn the_timeline_shows_each_measure_with_its_mcid_band_and_where_it_was_crossed() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let by = crate::by();
    let patient = store
        .create_patient(&by, &Patient::new("Ada Quill"))
        .unwrap();
    let mut last = None;
    for (date, total) in [("2026-03-02", 40), ("2026-03-16", 44), ("2026-03-30", 52)] {
        let visit = store
            .create_visit(&by, &Visit::new(patient, at(date), VisitKind::FollowUp))
            .unwrap();
        store
            .add_measure(&by, &Measure::new(visit, "lefs", lefs(total)))
            .unwrap();
        last = Some(visit);
    }
    let state = AppState {
        selected_patient: Some(patient),
        selected_visit: last,
        ..AppState::default()
    };
    let mut harness = Harness::builder()
        .with_size([1366.0, 900.0])
        .build_ui_state(
            |ui, app: &mut UpstreamApp| app.ui(ui),
            UpstreamApp::new(store, state),
        );
    harness.run();
    assert!(
        harness
            .query_by_label(
                "LEFS (of 80, higher is better): MCID band 31 to 49 around the first score, 40; crossed on 2026-03-30"
            )
            .is_some()
    );
    let series = &harness.state().timeline_data().measures;
    assert_eq!(series.len(), 1);
    let scores: Vec<f64> = series[0].points.iter().map(|p| p[1]).collect();
    assert_eq!(scores, [40.0, 44.0, 52.0]);
    assert_eq!(series[0].band, Some([31.0, 49.0]));
    assert_eq!(series[0].crossed, Some(series[0].points[2][0]));
    // The course says so too, as what helped.
    assert!(
        harness
            .query_by_label_contains("LEFS better by 12 points")
            .is_some()
    );
}

#[test]
fn a_signed_visit_s_measures_are_shown_and_cannot_be_changed() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let by = crate::by();
    let patient = store
        .create_patient(&by, &Patient::new("Ada Quill"))
        .unwrap();
    let visit = store
        .create_visit(
            &by,
            &Visit::new(patient, at("2026-03-02"), VisitKind::InitialExam),
        )
        .unwrap();
    store
        .add_measure(&by, &Measure::new(visit, "nprs", vec![Some(6)]))
        .unwrap();
    store.sign_visit(&crate::named("Dr. Lee"), visit).unwrap();
    let state = AppState {
        selected_patient: Some(patient),
        selected_visit: Some(visit),
        ..AppState::default()
    };
    let mut harness = Harness::builder()
        .with_size([1366.0, 768.0])
        .build_ui_state(
            |ui, app: &mut UpstreamApp| app.ui(ui),
            UpstreamApp::new(store, state),
        );
    harness.run();
    assert!(harness.query_by_label_contains("NPRS 0-10: 6/10").is_some());
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "Remove")
            .is_none()
    );
    assert!(
        harness
            .query_by_role_and_label(Role::TextInput, "Outcome measure")
            .is_none()
    );
    assert_eq!(harness.state().timeline()[0].measures.len(), 1);
}

#[test]
fn a_psfs_carries_the_patient_s_own_activities_to_the_next_visit() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let by = crate::by();
    let patient = store
        .create_patient(&by, &Patient::new("Ada Quill"))
        .unwrap();
    let first = store
        .create_visit(
            &by,
            &Visit::new(patient, at("2026-03-02"), VisitKind::InitialExam),
        )
        .unwrap();
    let activities = vec!["running 5 km".to_owned(), "carrying my son".to_owned()];
    store
        .add_measure(
            &by,
            &Measure {
                activities: activities.clone(),
                ..Measure::new(first, "psfs", vec![Some(2), Some(3)])
            },
        )
        .unwrap();
    let next = store
        .create_visit(
            &by,
            &Visit::new(patient, at("2026-03-16"), VisitKind::FollowUp),
        )
        .unwrap();
    let state = AppState {
        selected_patient: Some(patient),
        selected_visit: Some(next),
        ..AppState::default()
    };
    let mut harness = Harness::builder()
        .with_size([1366.0, 768.0])
        .build_ui_state(
            |ui, app: &mut UpstreamApp| app.ui(ui),
            UpstreamApp::new(store, state),
        );
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Outcome measure")
        .focus();
    harness.run();
    text(&mut harness, "psfs");
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(
        harness
            .get_by_role_and_label(Role::TextInput, "Activity 1")
            .value()
            .as_deref(),
        Some("running 5 km")
    );
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, "Activity 1 rating")
            .is_focused()
    );
    // A 4 cannot grow into another rating of 0 to 10: the cursor moves on at once.
    text(&mut harness, "4");
    text(&mut harness, "6");
    harness.run();
    assert!(harness.query_by_label("Score: 5/10").is_some());
    harness.key_press(Key::Enter);
    harness.run();
    let measures = &harness.state().timeline()[1].measures;
    assert_eq!(measures.len(), 1);
    assert_eq!(measures[0].activities, activities);
    assert_eq!(measures[0].score, Some(5.0));
}
