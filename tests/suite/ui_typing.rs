//! Every keystroke lands where it was typed (issue 14): fast typing across fields with
//! Tab and clicks in between, a field whose surroundings change while it is typed in, the
//! quick entry keeping the cursor after Enter, and the first start's passphrase form.

use eframe::egui::accesskit::Role;
use eframe::egui::{self, Event, Key};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use upstream::store::Store;
use upstream::ui::{AppState, KeystrokePacer, NotebookGate, UpstreamApp};

/// The events of typing `text` one character at a time, as a keyboard or a text expander
/// sends them.
fn typed(text: &str) -> Vec<Event> {
    text.chars().map(|c| Event::Text(c.to_string())).collect()
}

fn key(key: Key) -> Event {
    Event::Key {
        key,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::NONE,
    }
}

/// A click of the primary button at `pos`.
fn click_at(pos: egui::Pos2) -> Vec<Event> {
    let button = |pressed| Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    vec![Event::PointerMoved(pos), button(true), button(false)]
}

/// Gives the window `events`, `per_frame` of them in each frame (the rest arrive while
/// it draws), through the window's own input pacing, then lets it settle.
fn deliver<S>(
    harness: &mut Harness<'_, S>,
    pacer: &mut KeystrokePacer,
    events: Vec<Event>,
    per_frame: usize,
) {
    let mut events = events.into_iter().peekable();
    while events.peek().is_some() || pacer.is_holding() {
        harness
            .input_mut()
            .events
            .extend(events.by_ref().take(per_frame));
        pacer.pace(harness.input_mut());
        harness.step();
    }
    harness.run();
}

/// A clinician's sentence of `length` characters, different for each field.
fn words(field: &str, length: usize) -> String {
    let sentence = format!("{field}: L SI pain 6/10, worse standing >20 min; eases sitting. ");
    sentence.repeat(length / sentence.len() + 1)[..length].to_owned()
}

#[test]
fn five_hundred_characters_typed_at_full_speed_across_three_fields_land_where_typed() {
    let subjective = words("S", 170);
    let objective = words("O", 170);
    let complaint = words("CC", 160);
    assert_eq!(subjective.len() + objective.len() + complaint.len(), 500);
    // One key a frame; a few keys a frame (about 8 ms a key at 60 frames a second); and
    // every key in a single frame, as a text expander gives them.
    for per_frame in [1, 4, usize::MAX] {
        let directory = tempfile::tempdir().unwrap();
        let (mut harness, visit) = crate::window_on_a_draft(&directory.path().join("n.sqlite3"));
        let mut pacer = KeystrokePacer::default();
        harness
            .get_by_role_and_label(Role::MultilineTextInput, "Subjective")
            .focus();
        harness.run();
        let complaint_field = harness
            .get_by_role_and_label(Role::TextInput, "Chief complaint")
            .rect()
            .center();
        let mut events = typed(&subjective);
        events.push(key(Key::Tab));
        events.extend(typed(&objective));
        events.extend(click_at(complaint_field));
        events.extend(typed(&complaint));
        deliver(&mut harness, &mut pacer, events, per_frame);
        harness.state_mut().save_typing();

        let saved = Store::open(&directory.path().join("n.sqlite3"))
            .unwrap()
            .visit(visit)
            .unwrap();
        assert_eq!(saved.subjective, subjective, "{per_frame} keys a frame");
        assert_eq!(saved.objective, objective, "{per_frame} keys a frame");
        assert_eq!(saved.chief_complaint, complaint, "{per_frame} keys a frame");
    }
}

#[test]
fn an_occupation_typed_into_an_empty_field_is_kept_whole() {
    let directory = tempfile::tempdir().unwrap();
    let (mut harness, _) = crate::window_on_a_draft(&directory.path().join("n.sqlite3"));
    harness.get_by_label("Patient details").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Occupation and activities")
        .focus();
    harness.run();
    // The first key makes the occupation appear under the name, moving the form down.
    for c in "warehouse picker".chars() {
        harness
            .get_by_role_and_label(Role::TextInput, "Occupation and activities")
            .type_text(&c.to_string());
        harness.run();
    }
    assert_eq!(
        harness
            .state()
            .selected_patient()
            .map(|p| p.occupation.as_str()),
        Some("warehouse picker")
    );
}

fn quick_entry_focused(harness: &Harness<'_, UpstreamApp>) -> bool {
    harness
        .get_by_role_and_label(Role::TextInput, "Quick entry")
        .is_focused()
}

#[test]
fn the_quick_entry_keeps_the_cursor_after_enter_whether_the_line_is_charted_or_not() {
    let directory = tempfile::tempdir().unwrap();
    let (mut harness, _) = crate::window_on_a_draft(&directory.path().join("n.sqlite3"));
    let mut pacer = KeystrokePacer::default();
    harness
        .get_by_role_and_label(Role::TextInput, "Quick entry")
        .scroll_to_me();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Quick entry")
        .focus();
    harness.run();

    // A line it reads: charted, and the cursor stays for the next line.
    let mut events = typed("R lat ankle pain 4");
    events.push(key(Key::Enter));
    deliver(&mut harness, &mut pacer, events, 3);
    assert_eq!(harness.state().timeline()[0].findings.len(), 1);
    assert!(quick_entry_focused(&harness), "after a charted line");

    // A line it cannot read: nothing charted, the words and the cursor stay.
    let mut events = typed("zzqx");
    events.push(key(Key::Enter));
    deliver(&mut harness, &mut pacer, events, 3);
    assert_eq!(harness.state().timeline()[0].findings.len(), 1);
    assert!(quick_entry_focused(&harness), "after a refused line");

    // And the next words typed at once go into it, after the unread ones.
    let mut events = typed("; no numbness R lat foot");
    events.push(key(Key::Enter));
    deliver(&mut harness, &mut pacer, events, 3);
    assert_eq!(harness.state().timeline()[0].findings.len(), 2);
}

fn first_start(path: &std::path::Path) -> Harness<'static, NotebookGate> {
    let gate = NotebookGate::new(path, AppState::default());
    let mut harness = Harness::builder()
        .with_size([1366.0, 768.0])
        .build_ui_state(|ui, gate: &mut NotebookGate| gate.ui(ui), gate);
    harness.run();
    harness
}

#[test]
fn the_first_start_s_passphrase_is_typed_at_once_and_enter_creates_the_notebook() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    let mut harness = first_start(&path);
    let mut pacer = KeystrokePacer::default();
    // No click first: the cursor is already in the passphrase field.
    deliver(&mut harness, &mut pacer, typed("lumbar fusion 2019"), 4);
    assert!(
        harness.query_by_label_contains("The two differ").is_none(),
        "nothing is said of a second field not typed yet"
    );
    let mut events = vec![key(Key::Enter)];
    events.extend(typed("lumbar fusion 2018"));
    deliver(&mut harness, &mut pacer, events, 4);
    assert!(harness.query_by_label_contains("The two differ").is_some());
    assert!(
        harness.state().app().is_none(),
        "not created while they differ"
    );

    let mut events = vec![key(Key::Backspace)];
    events.extend(typed("9"));
    events.push(key(Key::Enter));
    deliver(&mut harness, &mut pacer, events, 4);
    assert!(
        harness.state().app().is_some(),
        "Enter creates the notebook"
    );
    assert_eq!(
        upstream::store::probe(&path).unwrap(),
        upstream::store::FileKind::Encrypted
    );
}

/// A key pressed with modifiers, as one chord.
fn chord(modifiers: egui::Modifiers, key: Key) -> Event {
    Event::Key {
        key,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers,
    }
}

/// What a clinician presses, counted: every character and every key or chord is one.
#[derive(Default)]
struct Keys {
    events: Vec<Event>,
    characters: usize,
    commands: usize,
}

impl Keys {
    fn text(&mut self, text: &str) -> &mut Self {
        self.characters += text.chars().count();
        self.events.extend(typed(text));
        self
    }

    fn press(&mut self, modifiers: egui::Modifiers, key: Key) -> &mut Self {
        self.commands += 1;
        self.events.push(chord(modifiers, key));
        self
    }
}

#[test]
fn a_follow_up_visit_is_charted_and_signed_from_the_keyboard_alone() {
    use egui::Modifiers as M;
    let ctrl = M::COMMAND;
    let ctrl_shift = M::COMMAND.plus(M::SHIFT);
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("notebook.sqlite3");
    {
        let mut store = Store::open(&path).unwrap();
        store
            .import(&crate::by(), &upstream::demo::clinic_for_today().unwrap())
            .unwrap();
    }
    let mut state = AppState::default();
    state.settings.clinician = "Dr Test".into();
    let mut harness = Harness::builder()
        .with_size([1366.0, 768.0])
        .build_ui_state(
            |ui, app: &mut UpstreamApp| app.ui(ui),
            UpstreamApp::new(Store::open(&path).unwrap(), state),
        );
    harness.run();
    let mut pacer = KeystrokePacer::default();

    let mut keys = Keys::default();
    keys.press(ctrl, Key::F)
        .text("okafor")
        .press(M::NONE, Key::Enter)
        .press(ctrl_shift, Key::N);
    deliver(
        &mut harness,
        &mut pacer,
        std::mem::take(&mut keys.events),
        4,
    );
    let last = harness.state().timeline().len() - 2;
    let open = harness.state().timeline()[last].open_findings().len();
    assert!(open > 0, "Daniel Okafor's last visit has open findings");

    let subjective = "Calf tightness eased; walked 3 km without pain.";
    let plan = "Continue home programme; review in 2 weeks.";
    keys.press(ctrl_shift, Key::C)
        .press(ctrl_shift, Key::A)
        .text("R calf strain follow-up")
        .press(ctrl, Key::Num2)
        .text(subjective)
        .press(ctrl, Key::Num5)
        .text(plan)
        .press(ctrl, Key::E)
        .text("R lat ankle pain 2; no numbness R lat foot")
        .press(M::NONE, Key::Enter)
        .press(ctrl, Key::I)
        .text("HVLA L SI; STM soleus bilat 8 min; bridges 3x10 daily")
        .press(M::NONE, Key::Enter)
        .press(ctrl_shift, Key::S)
        .press(M::NONE, Key::Enter);
    deliver(&mut harness, &mut pacer, keys.events.clone(), 4);

    let record = harness.state().timeline().last().unwrap().clone();
    assert_eq!(record.visit.chief_complaint, "R calf strain follow-up");
    assert_eq!(record.visit.subjective, subjective);
    assert_eq!(record.visit.plan, plan);
    assert_eq!(record.findings.len(), open + 2);
    assert!(
        record.findings.iter().all(|f| !f.carried_over),
        "every carried-over finding confirmed"
    );
    assert_eq!(record.interventions.len(), 3);
    assert_eq!(
        record.visit.signature.as_ref().map(|s| s.by.as_str()),
        Some("Dr Test"),
        "signed"
    );
    // Dated now, to the minute: not a fixed hour of today.
    let now = chrono::Local::now().naive_local();
    assert!((now - record.visit.started_at).num_minutes().abs() <= 1);
    println!(
        "keyboard-only follow-up: {} characters typed and {} keys or chords for commands, {} open findings carried over",
        keys.characters + 6,
        keys.commands + 4,
        open
    );
}

#[test]
fn a_finding_typed_twice_is_said_to_be_charted_already_and_charted_once() {
    let directory = tempfile::tempdir().unwrap();
    let (mut harness, _) = crate::window_on_a_draft(&directory.path().join("n.sqlite3"));
    let mut pacer = KeystrokePacer::default();
    harness
        .get_by_role_and_label(Role::TextInput, "Quick entry")
        .focus();
    harness.run();
    let mut events = typed("R lat ankle pain 4");
    events.push(key(Key::Enter));
    events.extend(typed("R lat ankle pain 4; no numbness R lat foot"));
    deliver(&mut harness, &mut pacer, events, 4);
    assert!(
        harness
            .query_by_label_contains("Already charted at this visit")
            .is_some(),
        "the repeat is said before Enter"
    );
    deliver(&mut harness, &mut pacer, vec![key(Key::Enter)], 4);
    let described: Vec<String> = harness.state().timeline()[0]
        .findings
        .iter()
        .map(|f| f.describe(upstream::model::Vocabulary::builtin()))
        .collect();
    assert_eq!(
        described.len(),
        2,
        "the ankle pain once, the numbness once: {described:?}"
    );
}

#[test]
fn tab_scrolls_the_field_it_reaches_into_view() {
    let directory = tempfile::tempdir().unwrap();
    let (mut harness, _) = crate::window_on_a_draft(&directory.path().join("n.sqlite3"));
    let quick_entry = |h: &Harness<'_, UpstreamApp>| {
        h.get_by_role_and_label(Role::TextInput, "Quick entry")
            .rect()
    };
    let screen_bottom = 768.0;
    assert!(
        quick_entry(&harness).top() > screen_bottom,
        "the quick entry starts below the fold, under the body chart"
    );
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "Plan")
        .focus();
    harness.run();
    let mut tabs = 0;
    while !harness
        .get_by_role_and_label(Role::TextInput, "Quick entry")
        .is_focused()
    {
        assert!(tabs < 12, "Tab reaches the quick entry from the Plan");
        harness.key_press(Key::Tab);
        harness.run();
        tabs += 1;
    }
    let rect = quick_entry(&harness);
    assert!(
        rect.top() >= 0.0 && rect.bottom() <= screen_bottom,
        "the focused quick entry is on screen: {rect:?}"
    );
    eprintln!("{tabs} Tabs from the Plan to the quick entry");
}

#[test]
fn ctrl_t_opens_the_findings_table_at_a_kind_wide_enough_to_read() {
    let directory = tempfile::tempdir().unwrap();
    let (mut harness, _) = crate::window_on_a_draft(&directory.path().join("n.sqlite3"));
    let mut pacer = KeystrokePacer::default();
    harness
        .get_by_role_and_label(Role::TextInput, "Quick entry")
        .focus();
    harness.run();
    let mut events = typed("R lat ankle pain 4");
    events.push(key(Key::Enter));
    events.push(chord(egui::Modifiers::COMMAND, Key::T));
    deliver(&mut harness, &mut pacer, events, 4);
    let kind = harness.get_by_role_and_label(Role::TextInput, "Kind");
    assert!(kind.is_focused(), "the cursor in the first row's kind");
    // Wide enough for "tenderness" or "numbness", not the four characters it once showed.
    assert!(kind.rect().width() >= 100.0, "{:?}", kind.rect());
    // The table's region comes before the entry form's field of the same name.
    let region = harness
        .get_all_by_role_and_label(Role::TextInput, "Region")
        .next()
        .unwrap();
    assert!(region.rect().width() >= 120.0, "{:?}", region.rect());
}

#[test]
fn f1_shows_every_shortcut_and_hides_them_again() {
    let directory = tempfile::tempdir().unwrap();
    let (mut harness, _) = crate::window_on_a_draft(&directory.path().join("n.sqlite3"));
    assert!(harness.query_by_label("Keyboard shortcuts").is_none());
    harness.key_press(Key::F1);
    harness.run();
    assert!(harness.query_by_label("Keyboard shortcuts").is_some());
    for what in [
        "Sign the visit (Enter signs)",
        "Findings quick entry",
        "Findings table",
        "Confirm all carried-over findings",
        "Subjective",
    ] {
        assert!(
            harness.query_all_by_label(what).count() >= 1,
            "the sheet names {what}"
        );
    }
    harness.key_press(Key::F1);
    harness.run();
    assert!(harness.query_by_label("Keyboard shortcuts").is_none());
}

#[test]
fn another_visit_opens_at_its_top_with_its_date_and_sign_in_view() {
    let directory = tempfile::tempdir().unwrap();
    let (mut harness, first) = crate::window_on_a_draft(&directory.path().join("n.sqlite3"));
    harness.get_by_label("New visit").click();
    harness.run();
    let second = harness.state().timeline()[1].visit.id;
    // Back in the first visit, scrolled down to its interventions...
    harness
        .state_mut()
        .apply(upstream::ui::Action::SelectVisit(first));
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Intervention quick entry")
        .scroll_to_me();
    harness.run();
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, "Date and time")
            .rect()
            .bottom()
            < 0.0,
        "the first visit's date has scrolled out of view"
    );
    // ...the second opens at its top, not where the first was left.
    harness
        .state_mut()
        .apply(upstream::ui::Action::SelectVisit(second));
    harness.run();
    let date = harness
        .get_by_role_and_label(Role::TextInput, "Date and time")
        .rect();
    assert!(date.top() >= 0.0 && date.bottom() <= 768.0, "{date:?}");
    let sign = harness.get_by_label("Sign visit").rect();
    assert!(sign.top() >= 0.0, "{sign:?}");
}

#[test]
fn tab_leaves_the_note_for_the_next_field_and_ctrl_bracket_types_a_tab_in_it() {
    let directory = tempfile::tempdir().unwrap();
    let (mut harness, _) = crate::window_on_a_draft(&directory.path().join("notebook.sqlite3"));
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "Subjective")
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "Subjective")
        .type_text("LBP after lifting");
    harness.run();
    harness.key_press(Key::Tab);
    harness.run();
    assert!(
        harness
            .get_by_role_and_label(Role::MultilineTextInput, "Objective")
            .is_focused(),
        "Tab moves on to the next field"
    );
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "Objective")
        .type_text("Lumbar:");
    harness.run();
    // Ctrl+] types a tab where Tab cannot, and the cursor stays in the note after it.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::CloseBracket);
    harness.run();
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "Objective")
        .type_text("flexion 60");
    harness.run();
    harness.key_press(Key::Tab);
    harness.run();
    let visit = &harness.state().timeline()[0].visit;
    assert_eq!(visit.subjective, "LBP after lifting");
    assert_eq!(visit.objective, "Lumbar:\tflexion 60");
}

/// The focused widget's role and label, and where it is drawn.
fn focused(harness: &Harness<'_, UpstreamApp>) -> Option<(String, egui::Rect)> {
    use egui_kittest::kittest::NodeT;
    harness.query_by(|node| node.is_focused()).map(|node| {
        let ak = node.accesskit_node();
        (
            format!("{:?} {}", ak.role(), ak.label().unwrap_or_default()),
            node.rect(),
        )
    })
}

/// Presses `key` (with Shift when `back`) until the field labelled `home` has the cursor
/// again, checking at every step that the cursor stays in the visit editor, right of
/// its left edge `left`; the fields passed, in order.
fn walk_round(
    harness: &mut Harness<'_, UpstreamApp>,
    home: &str,
    back: bool,
    left: f32,
) -> Vec<String> {
    let modifiers = if back {
        egui::Modifiers::SHIFT
    } else {
        egui::Modifiers::NONE
    };
    let mut passed = Vec::new();
    loop {
        assert!(passed.len() < 150, "Tab comes round again: {passed:#?}");
        harness.key_press_modifiers(modifiers, Key::Tab);
        harness.run();
        let (what, rect) = focused(harness).expect("a field has the cursor after every Tab");
        assert!(
            rect.left() >= left,
            "Tab stays in the visit editor, but reached {what} at {rect:?}"
        );
        assert!(!what.contains("Search"), "Tab reached the patient search");
        if what.ends_with(home) {
            return passed;
        }
        passed.push(what);
    }
}

#[test]
fn tab_goes_round_the_visit_editor_and_never_reaches_the_patient_list() {
    let directory = tempfile::tempdir().unwrap();
    let (mut harness, _) = crate::window_on_a_draft(&directory.path().join("n.sqlite3"));
    // The editor's column starts at its fields' labels; the patient list and the visit
    // list lie to the left of it.
    let left = harness
        .get_by_role_and_label(Role::Label, "Date and time")
        .rect()
        .left()
        - 1.0;
    harness
        .get_by_role_and_label(Role::TextInput, "Date and time")
        .focus();
    harness.run();
    let forward = walk_round(&mut harness, "Date and time", false, left);
    for field in ["Plan", "Quick entry", "Intervention quick entry"] {
        assert!(
            forward.iter().any(|what| what.ends_with(field)),
            "Tab passes the {field}: {forward:#?}"
        );
    }
    // Shift+Tab goes the same way round backwards: from the first field to the last.
    let backward = walk_round(&mut harness, "Date and time", true, left);
    let mut reversed = forward.clone();
    reversed.reverse();
    assert_eq!(backward, reversed);
    // From the last field (the outcome measures at the foot of the visit) Tab went on to
    // the first (Sign, at its head), not out to the patient list.
    let at = |field: &str| forward.iter().position(|what| what.ends_with(field));
    let (measure, sign) = (at("Outcome measure"), at("Sign visit"));
    assert!(
        measure.is_some() && sign > measure,
        "Tab wraps from the foot of the visit to its head: {forward:#?}"
    );
    eprintln!(
        "{} fields round the visit editor, from {} back to {}",
        forward.len() + 1,
        forward[sign.unwrap_or_default() - 1],
        forward[sign.unwrap_or_default()]
    );
}
