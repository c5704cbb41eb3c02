//! The timeline plot as the clinician reads it (issue 14): a visit dated before others
//! plots in date order, whatever the order visits were entered in.

use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use upstream::model::{Finding, Patient, Side, Visit, VisitKind};
use upstream::store::Store;
use upstream::ui::{AppState, UpstreamApp};

fn at(date: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(&format!("{date} 09:30"), "%Y-%m-%d %H:%M").unwrap()
}

#[test]
fn a_visit_back_dated_in_the_window_plots_in_date_order() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let by = crate::by();
    let patient = store
        .create_patient(&by, &Patient::new("Ada Quill"))
        .unwrap();
    // Two visits ten days apart, calf pain 6 then 4.
    for (date, pain) in [("2026-03-10", 6), ("2026-03-20", 4)] {
        let visit = store
            .create_visit(&by, &Visit::new(patient, at(date), VisitKind::FollowUp))
            .unwrap();
        let mut finding = Finding::new("pain", Some("calf"), Side::Right)
            .with_intensity(pain)
            .unwrap();
        finding.visit_id = visit;
        store.add_finding(&by, &finding).unwrap();
    }
    // A third, entered last, for an earlier visit the clinician had not charted: pain 8.
    let late = store
        .create_visit(
            &by,
            &Visit::new(patient, at("2026-03-25"), VisitKind::FollowUp),
        )
        .unwrap();
    let mut finding = Finding::new("pain", Some("calf"), Side::Right)
        .with_intensity(8)
        .unwrap();
    finding.visit_id = late;
    store.add_finding(&by, &finding).unwrap();
    let state = AppState {
        selected_patient: Some(patient),
        selected_visit: Some(late),
        ..AppState::default()
    };
    let mut harness = Harness::builder()
        .with_size([1366.0, 768.0])
        .build_ui_state(
            |ui, app: &mut UpstreamApp| app.ui(ui),
            UpstreamApp::new(store, state),
        );
    harness.run();

    // Its date is corrected in the window to 1 March, before the other two.
    let date = harness.get_by_role_and_label(Role::TextInput, "Date and time");
    date.focus();
    harness.run();
    harness.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::A);
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Date and time")
        .type_text("2026-03-01 09:30");
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Chief complaint")
        .focus();
    harness.run();

    let series = &harness.state().timeline_data().series;
    assert_eq!(series.len(), 1);
    let plotted: Vec<(String, u8)> = series[0]
        .points
        .iter()
        .map(|p| (p.date.to_string(), p.intensity))
        .collect();
    assert_eq!(
        plotted,
        [
            ("2026-03-01".to_owned(), 8),
            ("2026-03-10".to_owned(), 6),
            ("2026-03-20".to_owned(), 4)
        ]
    );
}

#[test]
fn the_plot_joins_points_by_date_whatever_order_the_visits_come_in() {
    use upstream::model::VisitRecord;
    use upstream::ui::TimelineData;
    let record = |date: &str, pain: u8, id: i64| {
        let mut visit = Visit::new(upstream::model::PatientId(1), at(date), VisitKind::FollowUp);
        visit.id = upstream::model::VisitId(id);
        let mut finding = Finding::new("pain", Some("calf"), Side::Right)
            .with_intensity(pain)
            .unwrap();
        finding.visit_id = visit.id;
        VisitRecord {
            visit,
            findings: vec![finding],
            interventions: Vec::new(),
            addenda: Vec::new(),
            measures: Vec::new(),
        }
    };
    // In the order they were entered: the 1 March visit charted last.
    let entered = [
        record("2026-03-10", 6, 1),
        record("2026-03-20", 4, 2),
        record("2026-03-01", 8, 3),
    ];
    let data = TimelineData::new(&entered, upstream::model::Vocabulary::builtin());
    let days: Vec<String> = data.series[0]
        .points
        .iter()
        .map(|p| p.date.to_string())
        .collect();
    assert_eq!(days, ["2026-03-01", "2026-03-10", "2026-03-20"]);
    let visit_days: Vec<f64> = data.visits.iter().map(|(_, day, _)| *day).collect();
    assert!(visit_days.is_sorted(), "visit markers in date order too");
}

/// WCAG 2.1's contrast ratio (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio), from
/// its definition of relative luminance with the sRGB transfer function.
fn wcag_contrast(a: eframe::egui::Color32, b: eframe::egui::Color32) -> f64 {
    let channel = |u: u8| {
        let s = f64::from(u) / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = |c: eframe::egui::Color32| {
        0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
    };
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn the_grey_italic_interventions_read_at_4_5_to_1_in_both_themes() {
    for visuals in [
        eframe::egui::Visuals::dark(),
        eframe::egui::Visuals::light(),
    ] {
        let quiet = upstream::ui::quiet_text_colour(&visuals);
        let ratio = wcag_contrast(quiet, visuals.panel_fill);
        assert!(
            ratio >= 4.5,
            "{ratio:.2}:1 in the {} theme",
            if visuals.dark_mode { "dark" } else { "light" }
        );
        // Still quieter than the findings' text above it.
        assert!(wcag_contrast(visuals.text_color(), visuals.panel_fill) > ratio);
        eprintln!(
            "interventions {:.2}:1 (egui's weak text {:.2}:1) in the {} theme",
            ratio,
            wcag_contrast(visuals.weak_text_color(), visuals.panel_fill),
            if visuals.dark_mode { "dark" } else { "light" }
        );
    }
}

#[test]
fn the_body_chart_says_what_its_colours_mean() {
    let directory = tempfile::tempdir().unwrap();
    let (harness, _) = crate::window_on_a_draft(&directory.path().join("n.sqlite3"));
    for meaning in [
        "Finding (deeper: more intense)",
        "Examined, absent (outlined)",
    ] {
        assert!(harness.query_by_label(meaning).is_some(), "{meaning}");
    }
    // The referral zones' colours are named only while a hypothesis's zones are drawn.
    assert!(harness.query_by_label("Referral zone: essential").is_none());
}
