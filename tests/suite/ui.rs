//! The notebook window driven as a user would: through labelled widgets found by
//! AccessKit role and label.

use crate::until_task_done;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use upstream::model::{Presence, Side};
use upstream::store::Store;
use upstream::ui::{AppState, UpstreamApp};

fn harness_on(path: &std::path::Path) -> Harness<'static, UpstreamApp> {
    let app = UpstreamApp::new(
        Store::open(path).expect("open notebook"),
        AppState::default(),
    );
    Harness::builder()
        .with_size([1366.0, 768.0])
        .build_ui_state(|ui, app: &mut UpstreamApp| app.ui(ui), app)
}

fn type_into(harness: &mut Harness<'_, UpstreamApp>, label: &str, text: &str) {
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    harness.run();
}

/// Creates Ada Quill by typing and starts her first visit, as the clinician would.
fn new_patient_and_visit(harness: &mut Harness<'_, UpstreamApp>) {
    harness.get_by_label("New patient").click();
    harness.run();
    type_into(harness, "New patient's name", "Ada Quill");
    harness.get_by_label("Create patient").click();
    harness.run();
    harness.get_by_label("New visit").click();
    harness.run();
}

#[test]
fn a_patient_a_visit_and_a_finding_typed_in_appear_in_the_lists_and_are_saved() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let mut harness = harness_on(&path);
    harness.run();

    harness.get_by_label("New patient").click();
    harness.run();
    type_into(&mut harness, "New patient's name", "Ada Quill");
    harness.get_by_label("Create patient").click();
    harness.run();

    // The new patient is in the list and open.
    assert_eq!(
        harness
            .state()
            .patients()
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["Ada Quill"]
    );
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "Ada Quill")
            .is_some()
    );
    assert_eq!(
        harness.state().selected_patient().map(|p| p.name.as_str()),
        Some("Ada Quill")
    );

    harness.get_by_label("New visit").click();
    harness.run();
    type_into(
        &mut harness,
        "Chief complaint",
        "Right ankle pain after trail run",
    );

    type_into(&mut harness, "Finding kind", "pain");
    type_into(&mut harness, "Region", "outside of the ankle");
    harness
        .get_by_role_and_label(Role::ComboBox, "Side")
        .scroll_to_me();
    harness.run();
    harness
        .get_by_role_and_label(Role::ComboBox, "Side")
        .click();
    harness.run();
    harness.get_by_label("Right").click();
    harness.run();
    type_into(&mut harness, "Intensity (0-10)", "4");
    // The entry form is below the fold: scroll to it, as a user would.
    harness.get_by_label("Add finding").scroll_to_me();
    harness.run();
    harness.get_by_label("Add finding").click();
    harness.run();

    // The visit list shows the visit with its complaint and the finding.
    assert!(
        harness
            .query_by_label_contains("Right ankle pain after trail run")
            .is_some(),
        "the visit is listed with its chief complaint"
    );
    assert!(
        harness
            .query_all_by_label_contains("R lateral ankle pain 4/10")
            .count()
            >= 1,
        "the finding is listed under the visit"
    );
    assert!(
        harness.query_by_label_contains("Will chart").is_none(),
        "the entry form is cleared once the finding is charted"
    );
    assert_eq!(harness.state().timeline()[0].findings.len(), 1);
    assert_eq!(harness.state().problem(), None);
    drop(harness);

    // Every edit was saved as it happened: a fresh look at the file finds it all.
    let store = Store::open(&path).unwrap();
    let patients = store.search_patients("quill", 10).unwrap();
    assert_eq!(patients.len(), 1);
    let timeline = store.timeline(patients[0].id).unwrap();
    assert_eq!(timeline.len(), 1);
    assert_eq!(
        timeline[0].visit.chief_complaint,
        "Right ankle pain after trail run"
    );
    let finding = &timeline[0].findings[0];
    assert_eq!(finding.kind.as_str(), "pain");
    assert_eq!(
        finding.region.as_ref().map(|r| r.as_str()),
        Some("ankle_lateral")
    );
    assert_eq!(finding.side, Side::Right);
    assert_eq!(finding.intensity.map(|i| i.value()), Some(4));
    assert_eq!(finding.presence, Presence::Present);
}

#[test]
fn searching_narrows_the_patient_list_as_you_type() {
    let (_directory, mut harness) = demo_harness();
    assert_eq!(harness.state().patients().len(), 8);

    type_into(&mut harness, "Search patients", "oka");
    let names: Vec<&str> = harness
        .state()
        .patients()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["Daniel Okafor"]);
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "Maya Lindqvist")
            .is_none()
    );

    harness
        .get_by_role_and_label(Role::Button, "Daniel Okafor")
        .click();
    harness.run();
    assert_eq!(
        harness.state().selected_patient().map(|p| p.name.as_str()),
        Some("Daniel Okafor")
    );
    assert!(harness.state().timeline().len() >= 4);
}

#[test]
fn a_signed_visit_opens_read_only_and_an_edited_name_is_saved() {
    let (_directory, mut harness) = demo_harness();
    harness
        .get_by_role_and_label(Role::Button, "Maya Lindqvist")
        .click();
    harness.run();
    let first_visit = harness.state().timeline()[0].visit.clone();
    harness
        .get_by_label_contains(&first_visit.chief_complaint)
        .click();
    harness.run();
    assert!(
        harness
            .query_by_label("Visit (signed, read-only)")
            .is_some()
    );
    assert!(harness.query_by_label("Add finding").is_none());

    harness.get_by_label("Patient details").click();
    harness.run();
    type_into(&mut harness, "Name", "-Berg");
    assert_eq!(
        harness.state().selected_patient().map(|p| p.name.as_str()),
        Some("Maya Lindqvist-Berg")
    );
}

fn demo_harness() -> (tempfile::TempDir, Harness<'static, UpstreamApp>) {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    {
        let mut store = Store::open(&path).unwrap();
        store
            .import(&crate::by(), &upstream::demo::clinic_for_today().unwrap())
            .unwrap();
    }
    let mut harness = harness_on(&path);
    harness.run();
    (directory, harness)
}

#[test]
fn the_side_panel_ranks_s1_first_at_the_visit_before_the_calf_strain() {
    let (_directory, mut harness) = demo_harness();
    type_into(&mut harness, "Search patients", "okafor");
    harness
        .get_by_role_and_label(Role::Button, "Daniel Okafor")
        .click();
    harness.run();
    let timeline = harness.state().timeline().to_vec();
    let strain = timeline
        .iter()
        .position(|r| {
            r.findings.iter().any(|f| {
                f.kind.as_str() == "pain"
                    && f.region.as_ref().is_some_and(|r| r.as_str() == "calf")
                    && f.intensity.is_some_and(|i| i.value() >= 6)
            })
        })
        .expect("the strain visit");
    let before = &timeline[strain - 1].visit;
    // The visit is far down the list: scroll the list to it with the wheel, as a user would.
    let complaint = before.chief_complaint.clone();
    open_visit_by_complaint(&mut harness, &complaint);

    assert_eq!(harness.state().state.selected_visit, Some(before.id));
    let assessment = harness
        .state()
        .assessment()
        .expect("the open visit is assessed");
    assert_eq!(assessment.hypotheses[0].id, "root_s1");
    assert!(
        harness
            .query_by_label_contains("1. S1 nerve root")
            .is_some(),
        "the panel lists S1 first"
    );

    // Selecting it draws its zones on the body chart, on its side.
    assert!(harness.state().overlay().is_empty());
    harness.get_by_label_contains("1. S1 nerve root").click();
    harness.run();
    assert_eq!(
        harness.state().state.selected_hypothesis.as_deref(),
        Some("root_s1")
    );
    let overlay = harness.state().overlay();
    assert!(
        overlay.iter().all(|zone| zone.side == Side::Right),
        "{overlay:?}"
    );
    assert!(overlay.iter().any(|zone| zone.region.as_str() == "calf"
        && zone.weight == upstream::reasoner::Weight::Essential));
    assert!(
        overlay
            .iter()
            .any(|zone| zone.region.as_str() == "ankle_lateral")
    );
}

#[test]
fn quick_entry_charts_a_finding_and_a_dvt_picture_after_surgery_raises_the_flag_first() {
    let directory = tempfile::tempdir().unwrap();
    let mut harness = harness_on(&directory.path().join("notebook.sqlite3"));
    harness.run();
    harness.get_by_label("New patient").click();
    harness.run();
    type_into(&mut harness, "New patient's name", "Ada Quill");
    harness.get_by_label("Create patient").click();
    harness.run();
    harness.get_by_label("Patient details").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::CheckBox, "Recent surgery")
        .click();
    harness.run();
    assert_eq!(
        harness.state().selected_patient().unwrap().history,
        ["recent_surgery"]
    );

    harness.get_by_label("New visit").click();
    harness.run();
    type_into(&mut harness, "Quick entry", "R lat ankle pain 4");
    assert!(
        harness
            .query_by_label_contains("Enter charts: R lateral ankle pain 4/10")
            .is_some()
    );
    harness.key_press(eframe::egui::Key::Enter);
    harness.run();
    let findings = &harness.state().timeline()[0].findings;
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].describe(upstream::model::Vocabulary::builtin()),
        "R lateral ankle pain 4/10"
    );
    assert_eq!(harness.state().assessment().unwrap().red_flags.len(), 0);
    // And the timeline plot has a series for it.
    let series = &harness.state().timeline_data().series;
    assert_eq!(series.len(), 1);
    assert_eq!(series[0].label, "R lateral ankle pain");
    assert_eq!(
        series[0]
            .points
            .iter()
            .map(|p| p.intensity)
            .collect::<Vec<_>>(),
        [4]
    );

    type_into(
        &mut harness,
        "Quick entry",
        "R calf swelling 5; R calf warmth; R calf pain 6",
    );
    harness.key_press(eframe::egui::Key::Enter);
    harness.run();
    let assessment = harness.state().assessment().unwrap();
    assert_eq!(
        assessment.red_flags.first().map(|f| f.id.as_str()),
        Some("rf_dvt")
    );
    assert!(
        harness
            .query_by_label_contains("Possible deep vein thrombosis")
            .is_some()
    );
}

/// Clicks the body chart at the middle of a region's shape in a view, on a side.
fn click_chart(
    harness: &mut Harness<'_, UpstreamApp>,
    region: &str,
    view: upstream::model::vocabulary::ChartView,
    side: Side,
) {
    use upstream::ui::body_chart::{CHART_LABEL, Geometry};
    let geometry = Geometry::builtin().unwrap();
    harness.get_by_label(CHART_LABEL).scroll_to_me();
    harness.run();
    let rect = harness.get_by_label(CHART_LABEL).rect();
    let scale = rect.height() / geometry.canvas.height;
    let view_width = geometry.canvas.width * scale;
    let origin = match view {
        upstream::model::vocabulary::ChartView::Front => rect.min,
        upstream::model::vocabulary::ChartView::Back => {
            rect.min + eframe::egui::vec2(view_width + 8.0, 0.0)
        }
    };
    let shape = geometry
        .shapes
        .iter()
        .find(|s| s.region.as_str() == region && s.view == view && s.side == side)
        .expect("the region is drawn");
    let n = shape.points.len() as f32;
    let centre = [
        shape.points.iter().map(|p| p[0]).sum::<f32>() / n,
        shape.points.iter().map(|p| p[1]).sum::<f32>() / n,
    ];
    let pos = origin + eframe::egui::vec2(centre[0] * scale, centre[1] * scale);
    harness.hover_at(pos);
    harness.run();
    for pressed in [true, false] {
        harness.event(eframe::egui::Event::PointerButton {
            pos,
            button: eframe::egui::PointerButton::Primary,
            pressed,
            modifiers: eframe::egui::Modifiers::default(),
        });
    }
    harness.run();
}

#[test]
fn a_click_on_the_body_chart_charts_a_finding_there_on_that_side() {
    let directory = tempfile::tempdir().unwrap();
    let mut harness = harness_on(&directory.path().join("notebook.sqlite3"));
    harness.run();
    new_patient_and_visit(&mut harness);

    // A click asks what to chart there; it charts nothing by itself.
    click_chart(
        &mut harness,
        "calf",
        upstream::model::vocabulary::ChartView::Back,
        Side::Left,
    );
    assert!(harness.state().timeline()[0].findings.is_empty());
    assert!(harness.query_by_label("Chart at Calf (L):").is_some());
    harness
        .get_by_role_and_label(Role::Button, "Tenderness")
        .click();
    harness.run();
    let findings = harness.state().timeline()[0].findings.clone();
    assert_eq!(findings.len(), 1, "one region, one kind, one finding");
    assert_eq!(findings[0].kind.as_str(), "tenderness");
    assert_eq!(
        findings[0].region.as_ref().map(|r| r.as_str()),
        Some("calf")
    );
    assert_eq!(findings[0].side, Side::Left);
    assert!(harness.query_by_label("Chart at Calf (L):").is_none());
    // The cursor is on the new finding's intensity, ready to say how strong it is.
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, "Charted intensity")
            .is_focused()
    );
    type_into(&mut harness, "Charted intensity", "5");
    let findings = &harness.state().timeline()[0].findings;
    assert_eq!(findings[0].intensity.map(|i| i.value()), Some(5));

    // A click taken back charts nothing.
    click_chart(
        &mut harness,
        "shin",
        upstream::model::vocabulary::ChartView::Front,
        Side::Left,
    );
    harness
        .get_by_role_and_label(Role::Button, "Cancel")
        .click();
    harness.run();
    assert_eq!(harness.state().timeline()[0].findings.len(), 1);

    click_chart(
        &mut harness,
        "forearm_lateral",
        upstream::model::vocabulary::ChartView::Front,
        Side::Right,
    );
    harness.get_by_role_and_label(Role::Button, "Pain").click();
    harness.run();
    let findings = &harness.state().timeline()[0].findings;
    assert_eq!(findings.len(), 2);
    assert_eq!(
        findings[1].region.as_ref().map(|r| r.as_str()),
        Some("forearm_lateral")
    );
    assert_eq!(
        findings[1].side,
        Side::Right,
        "front view: the patient's right is on the viewer's left"
    );
}

#[test]
fn the_keyboard_finds_a_patient_makes_one_and_starts_a_visit() {
    use eframe::egui::{Key, Modifiers};
    let (_directory, mut harness) = demo_harness();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, "Search patients")
            .is_focused()
    );
    harness
        .get_by_role_and_label(Role::TextInput, "Search patients")
        .type_text("marsh");
    harness.run();
    assert_eq!(harness.state().patients().len(), 1);
    harness
        .get_by_role_and_label(Role::Button, "Helen Marsh")
        .click();
    harness.run();

    let visits = harness.state().timeline().len();
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::N);
    harness.run();
    assert_eq!(
        harness.state().timeline().len(),
        visits + 1,
        "Ctrl+Shift+N starts a visit"
    );
    assert!(
        harness.query_by_label("New patient's name").is_none(),
        "and not a patient"
    );

    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    harness.run();
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, "New patient's name")
            .is_focused()
    );
}

#[test]
fn the_theme_can_be_switched_to_light() {
    let (_directory, mut harness) = demo_harness();
    harness
        .get_by_role_and_label(Role::ComboBox, "Theme")
        .click();
    harness.run();
    harness.get_by_label("Light").click();
    harness.run();
    assert_eq!(
        harness.ctx.options(|o| o.theme_preference),
        eframe::egui::ThemePreference::Light
    );
    assert_eq!(harness.ctx.theme(), eframe::egui::Theme::Light);
}

#[test]
fn undo_and_redo_within_a_visit() {
    use eframe::egui::{Key, Modifiers};
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let mut harness = harness_on(&path);
    harness.run();
    new_patient_and_visit(&mut harness);
    // A burst of typing is one step.
    type_into(&mut harness, "Chief complaint", "L SI pain");
    type_into(&mut harness, "Chief complaint", ", 6 weeks");
    type_into(&mut harness, "Quick entry", "L SI pain 6");
    harness.key_press(Key::Enter);
    harness.run();
    let record = |h: &Harness<'_, UpstreamApp>| h.state().timeline()[0].clone();
    assert_eq!(record(&harness).findings.len(), 1);
    assert_eq!(record(&harness).visit.chief_complaint, "L SI pain, 6 weeks");

    // Out of the text field, Ctrl+Z takes back the finding, then the typing.
    harness.key_press(Key::Escape);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(record(&harness).findings.len(), 0);
    assert_eq!(record(&harness).visit.chief_complaint, "L SI pain, 6 weeks");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(record(&harness).visit.chief_complaint, "");

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert_eq!(record(&harness).visit.chief_complaint, "L SI pain, 6 weeks");
    assert_eq!(record(&harness).findings.len(), 1);
    drop(harness);
    // What undo and redo did is in the file.
    let store = Store::open(&path).unwrap();
    let patient = store.search_patients("quill", 1).unwrap().remove(0);
    assert_eq!(store.timeline(patient.id).unwrap()[0].findings.len(), 1);
}

#[test]
fn a_new_visit_offers_to_carry_over_the_last_visit_s_open_findings() {
    use eframe::egui::{Key, Modifiers};
    let (_directory, mut harness) = demo_harness();
    type_into(&mut harness, "Search patients", "okafor");
    harness
        .get_by_role_and_label(Role::Button, "Daniel Okafor")
        .click();
    harness.run();
    let last = harness.state().timeline().last().unwrap().clone();
    let open: Vec<String> = last
        .findings
        .iter()
        .filter(|f| f.presence == Presence::Present)
        .map(|f| f.describe(upstream::model::Vocabulary::builtin()))
        .collect();
    assert!(!open.is_empty());

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::N);
    harness.run();
    harness.get_by_label("Carry over").click();
    harness.run();
    let new = harness.state().timeline().last().unwrap().clone();
    assert_ne!(new.visit.id, last.visit.id);
    let carried: Vec<String> = new
        .findings
        .iter()
        .map(|f| f.describe(upstream::model::Vocabulary::builtin()))
        .collect();
    assert_eq!(carried, open, "the open findings, and only those");
    assert!(
        new.findings.iter().all(|f| f.carried_over),
        "marked until confirmed"
    );

    harness
        .get_all_by_label("Confirm")
        .next()
        .unwrap()
        .scroll_to_me();
    harness.run();
    harness.get_all_by_label("Confirm").next().unwrap().click();
    harness.run();
    let new = harness.state().timeline().last().unwrap().clone();
    assert!(!new.findings[0].carried_over, "confirmed");
    assert!(new.findings[1..].iter().all(|f| f.carried_over));
}

#[test]
fn interventions_are_charted_by_quick_entry() {
    let directory = tempfile::tempdir().unwrap();
    let mut harness = harness_on(&directory.path().join("notebook.sqlite3"));
    harness.run();
    new_patient_and_visit(&mut harness);
    type_into(
        &mut harness,
        "Intervention quick entry",
        "HVLA L SI; STM soleus bilat 8 min",
    );
    assert!(
        harness
            .query_by_label_contains("Enter charts: Spinal manipulation: L SI")
            .is_some()
    );
    harness.key_press(eframe::egui::Key::Enter);
    harness.run();
    let interventions = &harness.state().timeline()[0].interventions;
    let described: Vec<String> = interventions.iter().map(|i| i.describe()).collect();
    assert_eq!(
        described,
        [
            // HVLA names the manipulation and is kept as its technique: the chart
            // must say high-velocity thrust, not just "manipulation".
            "Spinal manipulation: L SI, HVLA",
            "Soft-tissue / myofascial release: bilat soleus, 8 min"
        ]
    );
    assert_eq!(
        interventions[0].region.as_ref().map(|r| r.as_str()),
        Some("si_joint")
    );
}

#[test]
fn export_and_import_run_off_the_window_thread_and_report_what_they_did() {
    let (directory, mut harness) = demo_harness();
    let file = directory.path().join("export.json");
    harness.get_by_label("Notebook").click();
    harness.run();
    let field = harness.get_by_role_and_label(Role::TextInput, "File");
    field.focus();
    harness.run();
    harness.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::A);
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "File")
        .type_text(file.to_str().unwrap());
    harness.run();

    harness.get_by_label("Export notebook").click();
    harness.run();
    // A plain file is written only once the clinician has been told so.
    assert!(
        harness
            .query_by_label_contains("will not be encrypted")
            .is_some()
    );
    assert!(!harness.state().task_running());
    harness.get_by_label("Export unencrypted").click();
    harness.step();
    until_task_done(&mut harness);
    harness.run();
    let outcome = harness
        .state()
        .task_outcome()
        .expect("an outcome")
        .as_ref()
        .map(ToString::to_string)
        .map_err(ToString::to_string);
    assert_eq!(
        outcome,
        Ok(format!("Exported 8 patients to {}", file.display()))
    );
    assert!(
        harness
            .query_by_label_contains("Exported 8 patients")
            .is_some()
    );
    let exported = upstream::store::NotebookFile::read(&file).unwrap();
    assert_eq!(exported.patients.len(), 8);

    harness.get_by_label("Import notebook").click();
    harness.step();
    until_task_done(&mut harness);
    harness.run();
    assert_eq!(
        harness.state().patients().len(),
        16,
        "the list shows what the import added"
    );

    // A bad file is said plainly and adds nothing.
    std::fs::write(&file, "{ not json").unwrap();
    harness.get_by_label("Import notebook").click();
    harness.step();
    until_task_done(&mut harness);
    harness.run();
    assert!(
        harness
            .state()
            .task_outcome()
            .unwrap()
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("line 1")
    );
    assert_eq!(harness.state().patients().len(), 16);
}

#[test]
fn a_backup_made_from_the_window_keeps_its_chain_head_beside_it_as_the_command_line_s_does() {
    let (directory, mut harness) = demo_harness();
    let named = directory.path().join("friday.json");
    harness.get_by_label("Notebook").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "File")
        .focus();
    harness.run();
    harness.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::A);
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "File")
        .type_text(named.to_str().unwrap());
    harness.run();
    harness.get_by_label("Back up to file").click();
    harness.step();
    until_task_done(&mut harness);
    harness.run();
    let backup = named.with_extension("sqlite3");
    assert!(
        harness
            .query_by_label_contains("Backed up 8 patients")
            .is_some()
    );
    // The backup's chain head is kept beside it, so a trail rewritten later no longer
    // reaches it (`upstream audit verify --against`).
    let side: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(upstream::store::side_path(&backup)).expect("a side file"),
    )
    .unwrap();
    let head = upstream::store::backup_head(&backup, &upstream::store::Passphrase::none())
        .unwrap()
        .expect("the backup has an audit trail");
    assert_eq!(side["head"], serde_json::to_value(&head).unwrap());
}

#[test]
fn findings_are_edited_in_the_table() {
    use eframe::egui::{Key, Modifiers};
    let directory = tempfile::tempdir().unwrap();
    let mut harness = harness_on(&directory.path().join("notebook.sqlite3"));
    harness.run();
    new_patient_and_visit(&mut harness);
    type_into(&mut harness, "Quick entry", "L SI pain 6");
    harness.key_press(Key::Enter);
    harness.run();

    harness
        .get_by_label("Edit findings as a table")
        .scroll_to_me();
    harness.run();
    harness.get_by_label("Edit findings as a table").click();
    harness.run();
    for (column, text) in [("Intensity", "3"), ("Kind", "ache")] {
        harness
            .get_by_role_and_label(Role::TextInput, column)
            .scroll_to_me();
        harness.run();
        harness
            .get_by_role_and_label(Role::TextInput, column)
            .focus();
        harness.run();
        harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
        harness.run();
        harness
            .get_by_role_and_label(Role::TextInput, column)
            .type_text(text);
        harness.run();
    }
    let finding = &harness.state().timeline()[0].findings[0];
    assert_eq!(
        finding.describe(upstream::model::Vocabulary::builtin()),
        "L sacroiliac region ache 3/10"
    );

    // A row that does not read as a finding is not saved, and says why.
    harness
        .get_by_role_and_label(Role::TextInput, "Kind")
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Kind")
        .type_text("zz");
    harness.run();
    assert!(
        harness
            .query_by_label_contains("unknown finding kind")
            .is_some()
    );
    let finding = &harness.state().timeline()[0].findings[0];
    assert_eq!(finding.kind.as_str(), "ache");
}

#[test]
fn the_body_chart_can_be_used_from_the_keyboard() {
    use eframe::egui::Key;
    use upstream::ui::body_chart::CHART_LABEL;
    let directory = tempfile::tempdir().unwrap();
    let mut harness = harness_on(&directory.path().join("notebook.sqlite3"));
    harness.run();
    new_patient_and_visit(&mut harness);
    harness.get_by_label_contains(CHART_LABEL).scroll_to_me();
    harness.run();
    harness.get_by_label_contains(CHART_LABEL).focus();
    harness.run();
    let wanted = "Calf (L), back view";
    for _ in 0..400 {
        if harness.query_by_label_contains(wanted).is_some() {
            break;
        }
        harness.key_press(Key::ArrowRight);
        harness.run();
    }
    assert!(
        harness.query_by_label_contains(wanted).is_some(),
        "the arrows reach every region"
    );
    // Enter asks what to chart there, with the cursor on the first kind; Enter charts it.
    harness.key_press(Key::Enter);
    harness.run();
    assert!(harness.state().timeline()[0].findings.is_empty());
    assert!(
        harness
            .get_by_role_and_label(Role::Button, "Pain")
            .is_focused()
    );
    harness.key_press(Key::Enter);
    harness.run();
    let findings = &harness.state().timeline()[0].findings;
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].kind.as_str(), "pain");
    assert_eq!(
        findings[0].region.as_ref().map(|r| r.as_str()),
        Some("calf")
    );
    assert_eq!(findings[0].side, Side::Left);
}

/// Scrolls the visit list with the wheel, as a user would, until a visit whose chief
/// complaint contains `complaint` shows, and opens it.
fn open_visit_by_complaint(harness: &mut Harness<'_, UpstreamApp>, complaint: &str) {
    let list = harness.get_by_label("Visits").rect().left_bottom() + eframe::egui::vec2(40.0, 60.0);
    for _ in 0..40 {
        if harness.query_by_label_contains(complaint).is_some() {
            break;
        }
        harness.hover_at(list);
        harness.event(eframe::egui::Event::MouseWheel {
            unit: eframe::egui::MouseWheelUnit::Point,
            delta: eframe::egui::vec2(0.0, -120.0),
            modifiers: eframe::egui::Modifiers::default(),
            phase: eframe::egui::TouchPhase::Move,
            source: eframe::egui::MouseWheelSource::Wheel,
        });
        harness.run_steps(8);
    }
    harness.get_by_label_contains(complaint).click();
    harness.run();
}

#[test]
fn the_side_panel_names_the_s1_warning_signs_above_the_hypotheses_before_the_strain() {
    let (_directory, mut harness) = demo_harness();
    type_into(&mut harness, "Search patients", "okafor");
    harness
        .get_by_role_and_label(Role::Button, "Daniel Okafor")
        .click();
    harness.run();
    let timeline = harness.state().timeline().to_vec();
    let strain = timeline
        .iter()
        .position(|r| r.visit.chief_complaint.contains("pop on the stairs"))
        .expect("the strain visit");
    let before = timeline[strain - 1].visit.clone();
    open_visit_by_complaint(&mut harness, &before.chief_complaint);
    assert_eq!(harness.state().state.selected_visit, Some(before.id));

    let warning = harness
        .get_by_label_contains("S1 nerve root (right): 5 of its 5 warning signs seen since")
        .rect();
    let hypotheses = harness.get_by_label("What may explain the findings").rect();
    assert!(
        warning.top() < hypotheses.top(),
        "the insight sits above the hypotheses: {warning:?} {hypotheses:?}"
    );
    assert!(
        harness
            .query_by_label_contains("calf fasciculation: first seen")
            .is_some()
    );
    assert!(
        harness
            .query_by_label_contains("R calf tightness: treated locally at")
            .is_some(),
        "local treatment of the calf is not working"
    );
    // The timeline marks where the insights first held.
    assert!(!harness.state().timeline_data().insights.is_empty());
}

#[test]
fn the_side_panel_says_what_a_hypothesis_leaves_to_which_source_and_how_much_an_absent_sign_counts()
{
    let directory = tempfile::tempdir().unwrap();
    let mut harness = harness_on(&directory.path().join("notebook.sqlite3"));
    harness.run();
    new_patient_and_visit(&mut harness);
    type_into(
        &mut harness,
        "Quick entry",
        "R calf tight; fasciculations R calf; R lat ankle pain 4; R temple headache; R achilles reflex normal",
    );
    harness.key_press(eframe::egui::Key::Enter);
    harness.run();
    // The leading hypothesis's details, opened as the clinician would.
    harness.get_by_label_contains("1. S1 nerve root").click();
    harness.run();
    if harness
        .query_by_label_contains("Leaves unexplained:")
        .is_none()
    {
        harness.get_all_by_label("Details").next().unwrap().click();
        harness.run();
    }
    // What S1 leaves, with the source that explains it, and the normal reflex with how
    // much its absence counts.
    harness.get_by_label_contains(
        "Leaves unexplained: R temple headache (explained by Temporalis trigger points)",
    );
    harness
        .get_by_label_contains("Against it: no decreased reflex R achilles tendon (essential, x0.");
}
