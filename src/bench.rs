//! `upstream bench`: measures the store on a synthetic clinic in a temporary database:
//! bulk insert rate, patient search latency and timeline load for a 500-visit patient.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeDelta};

use crate::model::{
    Finding, Intervention, InterventionKind, Patient, Side, Visit, VisitKind, VisitRecord,
};
use crate::store::{Actor, NotebookLock, Passphrase, PatientRecord, Store, StoreError};

#[derive(Debug, Clone, clap::Args)]
pub struct BenchOptions {
    /// Patients in the synthetic clinic
    #[arg(long, default_value_t = 10_000)]
    pub patients: usize,
    /// Visits per patient
    #[arg(long, default_value_t = 20)]
    pub visits: usize,
    /// Findings per visit
    #[arg(long, default_value_t = 5)]
    pub findings: usize,
    /// Visits of the one long-followed patient whose timeline is timed
    #[arg(long, default_value_t = 500)]
    pub long_visits: usize,
    /// Timed repetitions of each query
    #[arg(long, default_value_t = 200)]
    pub repeat: usize,
    /// Time frames of the busiest screen instead of the store: this many frames
    #[arg(long)]
    pub frames: Option<usize>,
    /// With --frames: type one character into the open visit's Subjective in each frame,
    /// to time what a keystroke costs
    #[arg(long)]
    pub keystrokes: bool,
}

const FIRST_NAMES: [&str; 16] = [
    "Anna", "Ben", "Carla", "Dmitri", "Elif", "Farah", "Gustav", "Hana", "Ivan", "Jonas", "Keiko",
    "Luis", "Mina", "Nils", "Olga", "Pavel",
];
const LAST_NAMES: [&str; 16] = [
    "Andersson",
    "Brooks",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Huang",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
];
const FINDINGS: [(&str, &str, Side); 6] = [
    ("pain", "low_back", Side::Midline),
    ("tightness", "calf", Side::Right),
    ("pain", "ankle_lateral", Side::Right),
    ("tenderness", "shoulder_top", Side::Left),
    ("paresthesia", "index_finger", Side::Left),
    ("pain", "si_joint", Side::Left),
];

/// A deterministic synthetic patient record.
pub fn synthetic_patient(index: usize, visits: usize, findings: usize) -> PatientRecord {
    let mut patient = Patient::new(format!(
        "{} {} {index}",
        FIRST_NAMES[index % FIRST_NAMES.len()],
        LAST_NAMES[(index / FIRST_NAMES.len()) % LAST_NAMES.len()]
    ));
    let days = i64::try_from(index % 20_000).unwrap_or(0);
    patient.date_of_birth =
        NaiveDate::from_ymd_opt(1940, 1, 1).map(|d| d + TimeDelta::days(days * 3));
    patient.occupation = "synthetic".into();
    let start = NaiveDate::from_ymd_opt(2020, 1, 6)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .unwrap_or_default();
    let visits = (0..visits)
        .map(|v| {
            let visit = Visit {
                chief_complaint: format!("Synthetic complaint {v}"),
                subjective: "Reports pain is about the same; sleeping better.".into(),
                objective: "ROM lumbar flexion 80%; TrP soleus R.".into(),
                ..Visit::new(
                    patient.id,
                    start + TimeDelta::days(i64::try_from(v * 4).unwrap_or(0)),
                    if v == 0 {
                        VisitKind::InitialExam
                    } else {
                        VisitKind::FollowUp
                    },
                )
            };
            let findings = (0..findings)
                .map(|f| {
                    let (kind, region, side) = FINDINGS[(v + f) % FINDINGS.len()];
                    let mut finding = Finding::new(kind, Some(region), side);
                    finding.intensity =
                        crate::model::Intensity::new(u8::try_from((v + f) % 11).unwrap_or(0)).ok();
                    finding
                })
                .collect();
            VisitRecord {
                visit,
                findings,
                interventions: vec![Intervention::new(
                    InterventionKind::SoftTissue,
                    "soleus",
                    Side::Right,
                )],
                addenda: Vec::new(),
                measures: Vec::new(),
            }
        })
        .collect();
    PatientRecord {
        patient,
        visits,
        letters: Vec::new(),
    }
}

struct Timings(Vec<Duration>);

impl Timings {
    fn median(&mut self) -> Duration {
        self.0.sort();
        self.0.get(self.0.len() / 2).copied().unwrap_or_default()
    }
    fn p95(&mut self) -> Duration {
        self.0.sort();
        let index = (self.0.len() * 95 / 100).min(self.0.len().saturating_sub(1));
        self.0.get(index).copied().unwrap_or_default()
    }
}

pub fn run(options: &BenchOptions) -> Result<(), StoreError> {
    if let Some(frames) = options.frames {
        return frames_bench(frames, options.keystrokes);
    }
    let directory = std::env::temp_dir().join(format!("upstream-bench-{}", std::process::id()));
    let path = directory.join("bench.sqlite3");
    let result = std::fs::create_dir_all(&directory)
        .map_err(|source| StoreError::CreateDir {
            path: directory.clone(),
            source,
        })
        .and_then(|()| run_in(&path, options));
    // The temporary database is the benchmark's own; remove it whatever happened.
    let _ = std::fs::remove_dir_all(&directory);
    result
}

fn run_in(path: &std::path::Path, options: &BenchOptions) -> Result<(), StoreError> {
    // Encrypted and audited, as a clinic's notebook is.
    let started = Instant::now();
    let mut store = Store::open_with(path, &crate::store::Passphrase::new("bench"))?;
    println!(
        "open an encrypted notebook (key derivation): {:.0} ms",
        ms(started.elapsed())
    );
    println!(
        "synthetic clinic (encrypted, every row audited): {} patients x {} visits x {} findings, plus one patient with {} visits",
        options.patients, options.visits, options.findings, options.long_visits
    );

    let batch = 500;
    let started = Instant::now();
    let mut rows = 0usize;
    for first in (0..options.patients).step_by(batch) {
        let records: Vec<PatientRecord> = (first..(first + batch).min(options.patients))
            .map(|i| synthetic_patient(i, options.visits, options.findings))
            .collect();
        rows += records
            .iter()
            .map(|r| {
                1 + r
                    .visits
                    .iter()
                    .map(|v| 1 + v.findings.len() + v.interventions.len())
                    .sum::<usize>()
            })
            .sum::<usize>();
        store.insert_records(&bench_actor(), &records)?;
    }
    let long = synthetic_patient(options.patients, options.long_visits, options.findings);
    let long_id = store.insert_records(&bench_actor(), std::slice::from_ref(&long))?[0];
    let insert_time = started.elapsed();
    println!(
        "bulk insert: {rows} rows in {:.2} s = {:.0} rows/s ({:.0} patients/s)",
        insert_time.as_secs_f64(),
        rows as f64 / insert_time.as_secs_f64(),
        options.patients as f64 / insert_time.as_secs_f64()
    );

    let queries = [
        "an",
        "okaf",
        "dmitri lar",
        "keiko 12",
        "1955",
        "1961-0",
        "p",
        "zzz",
        // The whole list, recently seen first, as the window opens with.
        "",
    ];
    let mut search = Timings(Vec::new());
    let mut found = 0;
    for round in 0..options.repeat {
        let query = queries[round % queries.len()];
        let started = Instant::now();
        found += store.search_patients(query, 50)?.len();
        search.0.push(started.elapsed());
    }
    println!(
        "search (limit 50, {} queries such as {:?}): median {:.3} ms, p95 {:.3} ms ({} rows returned)",
        options.repeat,
        queries,
        ms(search.median()),
        ms(search.p95()),
        found
    );

    // The words of the notes: "soleus" is in every synthetic visit, the worst case for
    // gathering patients; "sleeping better" two words; "zzz" in none.
    let note_queries = ["soleus", "sleeping better", "zzz"];
    let mut notes = Timings(Vec::new());
    let mut soleus = Timings(Vec::new());
    let mut found = 0;
    for round in 0..options.repeat {
        let query = note_queries[round % note_queries.len()];
        let started = Instant::now();
        found += store.search_notes(query, 50)?.len();
        let took = started.elapsed();
        notes.0.push(took);
        if query == "soleus" {
            soleus.0.push(took);
        }
    }
    println!(
        "note search (limit 50, {} queries of {:?}): median {:.3} ms, p95 {:.3} ms; \"soleus\" median {:.3} ms, p95 {:.3} ms ({} rows returned)",
        options.repeat,
        note_queries,
        ms(notes.median()),
        ms(notes.p95()),
        ms(soleus.median()),
        ms(soleus.p95()),
        found
    );

    let mut timeline = Timings(Vec::new());
    let mut loaded = 0;
    for _ in 0..options.repeat.min(100) {
        let started = Instant::now();
        loaded = store.timeline(long_id)?.len();
        timeline.0.push(started.elapsed());
    }
    println!(
        "timeline of a {loaded}-visit patient: median {:.3} ms, p95 {:.3} ms",
        ms(timeline.median()),
        ms(timeline.p95())
    );

    let started = Instant::now();
    store.check_pages()?;
    println!(
        "quick_check of every page (before the first write): {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let report = store.verify_audit()?;
    println!(
        "audit verify: {} rows in {:.2} s, {}",
        report.rows,
        started.elapsed().as_secs_f64(),
        if report.is_intact() {
            "intact"
        } else {
            "BROKEN"
        }
    );
    let started = Instant::now();
    let backup = store.backup_to(&bench_actor(), &path.with_file_name("backup.sqlite3"))?;
    println!(
        "backup with integrity check: {} patients in {:.2} s",
        backup.patients,
        started.elapsed().as_secs_f64()
    );
    let visit = store.timeline(long_id)?.last().map(|r| r.visit.id);
    drop(store);
    if let Some(visit) = visit {
        one_edit_bench(path, visit)?;
        backup_under_edits_bench(path, visit)?;
    }
    Ok(())
}

/// Who the benchmark's changes are recorded under.
fn bench_actor() -> Actor {
    Actor::new("Upstream benchmark").unwrap_or_else(Actor::login)
}

/// One edit as `upstream apply` makes it: take the lock, open (key derivation), read
/// every page when the check is due (the first write of a day, or after a crash), chart a
/// finding, commit with a full sync. Timed with the check due, then as every later edit of
/// the day is.
fn one_edit_bench(path: &std::path::Path, visit: crate::model::VisitId) -> Result<(), StoreError> {
    let today = chrono::Local::now().date_naive();
    for round in [
        "first edit of the day (page check due)",
        "a later edit the same day",
    ] {
        let started = Instant::now();
        let mut lock = NotebookLock::acquire(path)?;
        let mut store = Store::open_with(path, &Passphrase::new("bench"))?;
        if lock.page_check_due(today) {
            store.check_pages()?;
            lock.checked_today(today);
        }
        let mut finding = Finding::new("pain", Some("calf"), Side::Right);
        finding.visit_id = visit;
        store.add_finding(&bench_actor(), &finding)?;
        drop(store);
        drop(lock);
        println!(
            "one apply edit, {round}: {:.0} ms (lock, open with key derivation, write, sync)",
            ms(started.elapsed())
        );
    }
    Ok(())
}

/// The daily backup while the clinician goes on charting: an edit every half second
/// from another connection for as long as the backup runs.
fn backup_under_edits_bench(
    path: &std::path::Path,
    visit: crate::model::VisitId,
) -> Result<(), StoreError> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let done = std::sync::Arc::new(AtomicBool::new(false));
    let writer = {
        let done = done.clone();
        let path = path.to_owned();
        std::thread::spawn(move || -> Result<usize, StoreError> {
            let mut store = Store::open_with(&path, &Passphrase::new("bench"))?;
            let mut edits = 0;
            while !done.load(Ordering::Relaxed) {
                let mut finding = Finding::new("tightness", Some("calf"), Side::Left);
                finding.visit_id = visit;
                store.add_finding(&bench_actor(), &finding)?;
                edits += 1;
                std::thread::sleep(Duration::from_millis(500));
            }
            Ok(edits)
        })
    };
    let store = Store::open_with(path, &Passphrase::new("bench"))?;
    let started = Instant::now();
    let backup = store.backup_to(
        &bench_actor(),
        &path.with_file_name("backup-under-edits.sqlite3"),
    );
    let took = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let edits = writer
        .join()
        .map_err(|_| StoreError::Invalid("the benchmark's writer stopped".into()))??;
    let backup = backup?;
    println!(
        "backup while an edit arrives every 0.5 s: {} patients in {:.2} s, {edits} edits committed meanwhile",
        backup.patients,
        took.as_secs_f64()
    );
    Ok(())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Renders the busiest screen headless through egui's `Context`: a patient with 500
/// visits, the open visit with 40 findings, a hypothesis selected so the body chart draws
/// its zones. Reports the CPU time per frame (layout and tessellation; no GPU). With
/// `keystrokes`, the cursor is put in the note's Subjective (Ctrl+2) and each timed frame
/// carries one typed character, as a clinician typing the note.
pub fn frames_bench(frames: usize, keystrokes: bool) -> Result<(), StoreError> {
    use crate::ui::{Action, AppState, UpstreamApp};
    use eframe::egui;

    let mut store = Store::open_in_memory()?;
    let mut record = synthetic_patient(0, 500, 5);
    if let Some(last) = record.visits.last_mut() {
        last.findings = busy_findings();
    }
    let patient = store.insert_records(&bench_actor(), std::slice::from_ref(&record))?[0];
    let timeline = store.timeline(patient)?;
    let open = timeline.last().map(|r| r.visit.id);
    let findings = timeline.last().map_or(0, |r| r.findings.len());
    let state = AppState {
        selected_patient: Some(patient),
        selected_visit: open,
        ..AppState::default()
    };
    let mut app = UpstreamApp::new(store, state);
    let top = app
        .assessment()
        .and_then(|a| a.hypotheses.first())
        .map(|h| h.id.clone());
    app.apply(Action::SelectHypothesis(top.clone()));

    let ctx = egui::Context::default();
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1366.0, 768.0));
    let mut frame = |pointer: egui::Pos2, typed: Option<egui::Event>| {
        let input = egui::RawInput {
            screen_rect: Some(screen),
            events: std::iter::once(egui::Event::PointerMoved(pointer))
                .chain(typed)
                .collect(),
            ..egui::RawInput::default()
        };
        let mut output = ctx.run_ui(input, |ui| app.ui(ui));
        // No renderer takes the font atlas updates here.
        output.textures_delta.clear();
        ctx.tessellate(output.shapes, output.pixels_per_point).len()
    };
    // Warm up: fonts, galley caches, the first layout.
    for _ in 0..10 {
        frame(egui::pos2(700.0, 400.0), None);
    }
    if keystrokes {
        let to_subjective = egui::Event::Key {
            key: egui::Key::Num2,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers: egui::Modifiers::COMMAND,
        };
        frame(egui::pos2(700.0, 400.0), Some(to_subjective));
        frame(egui::pos2(700.0, 400.0), None);
    }
    let mut times = Timings(Vec::with_capacity(frames));
    let mut primitives = 0;
    let words = "Calf tight after the long run, eases with walking. ";
    for (i, letter) in (0..frames).zip(words.chars().cycle()) {
        // Move the pointer so hover work is part of each frame.
        let pointer = egui::pos2(300.0 + (i % 700) as f32, 150.0 + (i % 500) as f32);
        let typed = keystrokes.then(|| egui::Event::Text(letter.to_string()));
        let started = Instant::now();
        primitives = frame(pointer, typed);
        times.0.push(started.elapsed());
    }
    println!(
        "busiest screen: 500 visits, {findings} findings in the open visit, hypothesis {} selected, 1366x768",
        top.as_deref().unwrap_or("none")
    );
    let what = if keystrokes {
        "keystroke frame (one character typed into the note)"
    } else {
        "frame"
    };
    println!(
        "{what} CPU time over {frames} frames: median {:.3} ms, p95 {:.3} ms ({primitives} clipped primitives)",
        ms(times.median()),
        ms(times.p95())
    );
    if keystrokes {
        // That the keys landed in the note, not elsewhere.
        app.save_typing();
        let note = app
            .timeline()
            .last()
            .map_or(0, |r| r.visit.subjective.chars().count());
        println!("the note then held {note} characters");
    }
    Ok(())
}

/// Forty findings across the body, as a busy re-exam might chart.
fn busy_findings() -> Vec<Finding> {
    let places = [
        ("calf", Side::Right),
        ("calf", Side::Left),
        ("ankle_lateral", Side::Right),
        ("hip_lateral", Side::Right),
        ("low_back", Side::Midline),
        ("si_joint", Side::Left),
        ("buttock", Side::Right),
        ("thigh_posterior", Side::Right),
        ("heel", Side::Left),
        ("shin", Side::Right),
        ("knee_anterior", Side::Left),
        ("groin", Side::Right),
        ("neck_posterior", Side::Midline),
        ("shoulder_top", Side::Left),
        ("temple", Side::Right),
        ("jaw_tmj", Side::Right),
        ("forearm_lateral", Side::Right),
        ("thumb", Side::Left),
        ("index_finger", Side::Left),
        ("little_finger", Side::Right),
    ];
    let kinds = ["pain", "tightness"];
    places
        .iter()
        .flat_map(|(region, side)| kinds.iter().map(move |kind| (kind, region, side)))
        .enumerate()
        .map(|(i, (kind, region, side))| {
            let mut finding = Finding::new(*kind, Some(region), *side);
            finding.intensity =
                crate::model::Intensity::new(u8::try_from(i % 9 + 1).unwrap_or(5)).ok();
            finding
        })
        .collect()
}
