//! The crash test: `upstream apply` is fed a scripted stream of edits (patients, visits,
//! findings, interventions, subjective notes, deleted findings, signatures, addenda), each
//! one written after the previous one's acknowledgement so that later edits can use the
//! ids it returned, and the process is killed with SIGKILL at random moments: while it
//! starts (and derives the key), right after a line is written, a short random spin after
//! it, or between edits. One notebook grows across all the kills. After each kill the
//! notebook must open, pass `PRAGMA integrity_check`, have an intact audit trail, and hold
//! every edit the process acknowledged, exactly: the test keeps a model of the notebook
//! built from the acknowledgements alone and compares the whole notebook with it. The one
//! edit in flight at the kill may or may not have committed (its acknowledgement can die
//! with the process); the test finds which and counts both.
//!
//! Kills are timed with a seeded xorshift generator (`UPSTREAM_CRASH_SEED` overrides the
//! seed); what is checked after each kill does not depend on the timing. Run with
//! `--nocapture` to see the counts.
//!
//! Encryption: every start of an encrypted notebook pays SQLCipher's key derivation
//! (about a quarter of a second in a debug build, in the killed process and again in the
//! check), so most kills (`PLAIN_KILLS`) are against an unencrypted notebook and a smaller
//! share (`ENCRYPTED_KILLS`) against an encrypted one, with the same checks.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use upstream::model::{InterventionKind, Presence, Side, Vocabulary};
use upstream::store::{Passphrase, Store};

const PLAIN_KILLS: usize = 200;
const ENCRYPTED_KILLS: usize = 40;
const DEFAULT_SEED: u64 = 0x5eed_0005_c4a5_4001;
/// Only a guard against a hung process; never part of what is asserted.
const ACK_TIMEOUT: Duration = Duration::from_secs(60);

const FINDINGS: [&str; 6] = [
    "R calf tightness; R lat ankle pain 4",
    "L SI pain 6",
    "bilat calf tightness 3",
    "no numbness R lat foot",
    "L low back pain 5; L SI pain 6; R calf tightness 2",
    "R lat ankle pain 7/10",
];
const INTERVENTIONS: [&str; 4] = [
    "STM soleus R 8 min",
    "HVLA L SI",
    "STM gastrocnemius bilat 5 min; HVLA L SI",
    "refer GP same day",
];

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

// ----- the model of the notebook -----

#[derive(Debug, Clone, PartialEq)]
struct FindingState {
    kind: String,
    region: Option<String>,
    side: Side,
    intensity: Option<u8>,
    presence: Presence,
}

#[derive(Debug, Clone, PartialEq)]
struct InterventionState {
    kind: InterventionKind,
    target: String,
    side: Side,
    dose: String,
}

#[derive(Debug, Clone, PartialEq)]
struct VisitState {
    patient: i64,
    started_at: String,
    complaint: String,
    subjective: String,
    signed_by: Option<String>,
    findings: BTreeMap<i64, FindingState>,
    interventions: BTreeMap<i64, InterventionState>,
    /// author, reason, text
    addenda: BTreeMap<i64, (String, String, String)>,
}

/// The whole notebook as the test knows it: only what the edits put there.
#[derive(Debug, Clone, PartialEq, Default)]
struct Notebook {
    patients: BTreeMap<i64, String>,
    visits: BTreeMap<i64, VisitState>,
}

/// One edit of the `apply` stream.
#[derive(Debug, Clone)]
enum Edit {
    Patient {
        name: String,
    },
    Visit {
        patient: i64,
        at: String,
        complaint: String,
    },
    Findings {
        visit: i64,
        text: String,
    },
    Interventions {
        visit: i64,
        text: String,
    },
    Subjective {
        visit: i64,
        text: String,
    },
    DeleteFinding {
        id: i64,
    },
    Sign {
        visit: i64,
        by: String,
    },
    Addendum {
        visit: i64,
        author: String,
        reason: String,
        text: String,
    },
}

impl Edit {
    fn line(&self) -> String {
        use serde_json::json;
        let value = match self {
            Edit::Patient { name } => json!({"op": "patient", "name": name}),
            Edit::Visit {
                patient,
                at,
                complaint,
            } => json!({"op": "visit", "patient": patient, "at": at, "complaint": complaint}),
            Edit::Findings { visit, text } => {
                json!({"op": "findings", "visit": visit, "text": text})
            }
            Edit::Interventions { visit, text } => {
                json!({"op": "interventions", "visit": visit, "text": text})
            }
            Edit::Subjective { visit, text } => {
                json!({"op": "subjective", "visit": visit, "text": text})
            }
            Edit::DeleteFinding { id } => json!({"op": "delete_finding", "id": id}),
            Edit::Sign { visit, by } => json!({"op": "sign", "visit": visit, "by": by}),
            Edit::Addendum {
                visit,
                author,
                reason,
                text,
            } => {
                json!({"op": "addendum", "visit": visit, "author": author, "reason": reason, "text": text})
            }
        };
        let mut line = value.to_string();
        line.push('\n');
        line
    }
}

fn findings_of(text: &str) -> Vec<FindingState> {
    // `apply` reads findings lines with the reader, as the window does.
    upstream::model::reader::read_findings(
        text,
        None,
        Vocabulary::builtin(),
        upstream::model::reader::Lexicon::builtin(),
    )
    .items
    .into_iter()
    .map(|item| item.finding)
    .map(|f| FindingState {
        kind: f.kind.as_str().to_owned(),
        region: f.region.map(|r| r.as_str().to_owned()),
        side: f.side,
        intensity: f.intensity.map(|i| i.value()),
        presence: f.presence,
    })
    .collect()
}

fn interventions_of(text: &str) -> Vec<InterventionState> {
    // `apply` reads interventions with the reader too.
    upstream::model::reader::read_interventions(
        text,
        Vocabulary::builtin(),
        upstream::model::reader::Lexicon::builtin(),
    )
    .items
    .into_iter()
    .map(|item| item.intervention)
    .map(|i| InterventionState {
        kind: i.kind,
        target: i.target,
        side: i.side,
        dose: i.dose,
    })
    .collect()
}

impl Notebook {
    /// The notebook with `edit` applied, its new rows getting `ids`; None when `ids` do
    /// not fit the edit.
    fn applied(&self, edit: &Edit, ids: &[i64]) -> Option<Notebook> {
        let mut next = self.clone();
        let one = || (ids.len() == 1).then(|| ids[0]);
        match edit {
            Edit::Patient { name } => {
                next.patients.insert(one()?, name.clone());
            }
            Edit::Visit {
                patient,
                at,
                complaint,
            } => {
                next.visits.insert(
                    one()?,
                    VisitState {
                        patient: *patient,
                        started_at: at.clone(),
                        complaint: complaint.clone(),
                        subjective: String::new(),
                        signed_by: None,
                        findings: BTreeMap::new(),
                        interventions: BTreeMap::new(),
                        addenda: BTreeMap::new(),
                    },
                );
            }
            Edit::Findings { visit, text } => {
                let visit = next.visits.get_mut(visit)?;
                // A finding the visit already has is not charted twice.
                let findings: Vec<FindingState> = findings_of(text)
                    .into_iter()
                    .filter(|finding| !visit.findings.values().any(|f| f == finding))
                    .collect();
                if findings.len() != ids.len() {
                    return None;
                }
                visit.findings.extend(ids.iter().copied().zip(findings));
            }
            Edit::Interventions { visit, text } => {
                let interventions = interventions_of(text);
                if interventions.len() != ids.len() {
                    return None;
                }
                let visit = next.visits.get_mut(visit)?;
                visit
                    .interventions
                    .extend(ids.iter().copied().zip(interventions));
            }
            Edit::Subjective { visit, text } => {
                next.visits.get_mut(visit)?.subjective = text.clone();
            }
            Edit::DeleteFinding { id } => {
                next.visits
                    .values_mut()
                    .find_map(|visit| visit.findings.remove(id))?;
            }
            Edit::Sign { visit, by } => {
                next.visits.get_mut(visit)?.signed_by = Some(by.clone());
            }
            Edit::Addendum {
                visit,
                author,
                reason,
                text,
            } => {
                let id = one()?;
                next.visits
                    .get_mut(visit)?
                    .addenda
                    .insert(id, (author.clone(), reason.clone(), text.clone()));
            }
        }
        Some(next)
    }

    /// The ids `actual` has for what `edit` would add, beyond what this model has.
    fn new_ids(&self, actual: &Notebook, edit: &Edit) -> Vec<i64> {
        fn beyond<V, W>(
            model: Option<&BTreeMap<i64, V>>,
            actual: Option<&BTreeMap<i64, W>>,
        ) -> Vec<i64> {
            let Some(actual) = actual else {
                return Vec::new();
            };
            actual
                .keys()
                .filter(|id| model.is_none_or(|model| !model.contains_key(id)))
                .copied()
                .collect()
        }
        let visit_of = |visit: &i64| (self.visits.get(visit), actual.visits.get(visit));
        match edit {
            Edit::Patient { .. } => beyond(Some(&self.patients), Some(&actual.patients)),
            Edit::Visit { .. } => beyond(Some(&self.visits), Some(&actual.visits)),
            Edit::Findings { visit, .. } => {
                let (model, actual) = visit_of(visit);
                beyond(model.map(|v| &v.findings), actual.map(|v| &v.findings))
            }
            Edit::Interventions { visit, .. } => {
                let (model, actual) = visit_of(visit);
                beyond(
                    model.map(|v| &v.interventions),
                    actual.map(|v| &v.interventions),
                )
            }
            Edit::Addendum { visit, .. } => {
                let (model, actual) = visit_of(visit);
                beyond(model.map(|v| &v.addenda), actual.map(|v| &v.addenda))
            }
            Edit::Subjective { .. } | Edit::DeleteFinding { .. } | Edit::Sign { .. } => Vec::new(),
        }
    }

    /// Reads the whole notebook from the store.
    fn read(store: &Store) -> Notebook {
        let mut notebook = Notebook::default();
        for patient in store.search_patients("", usize::MAX).unwrap() {
            notebook.patients.insert(patient.id.0, patient.name.clone());
            for record in store.timeline(patient.id).unwrap() {
                let visit = record.visit;
                notebook.visits.insert(
                    visit.id.0,
                    VisitState {
                        patient: visit.patient_id.0,
                        started_at: visit.started_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                        complaint: visit.chief_complaint,
                        subjective: visit.subjective,
                        signed_by: visit.signature.map(|s| s.by),
                        findings: record
                            .findings
                            .into_iter()
                            .map(|f| {
                                let state = FindingState {
                                    kind: f.kind.as_str().to_owned(),
                                    region: f.region.map(|r| r.as_str().to_owned()),
                                    side: f.side,
                                    intensity: f.intensity.map(|i| i.value()),
                                    presence: f.presence,
                                };
                                (f.id.0, state)
                            })
                            .collect(),
                        interventions: record
                            .interventions
                            .into_iter()
                            .map(|i| {
                                let state = InterventionState {
                                    kind: i.kind,
                                    target: i.target,
                                    side: i.side,
                                    dose: i.dose,
                                };
                                (i.id.0, state)
                            })
                            .collect(),
                        addenda: record
                            .addenda
                            .into_iter()
                            .map(|a| (a.id.0, (a.author, a.reason, a.text)))
                            .collect(),
                    },
                );
            }
        }
        notebook
    }
}

/// Where each part of the model came from, to name a missing edit.
#[derive(Default)]
struct Origins(BTreeMap<String, String>);

impl Origins {
    fn note(&mut self, edit: &Edit, ids: &[i64], origin: &str) {
        let keys: Vec<String> = match edit {
            Edit::Patient { .. } => ids.iter().map(|id| format!("patient {id}")).collect(),
            Edit::Visit { .. } => ids.iter().map(|id| format!("visit {id}")).collect(),
            Edit::Findings { .. } => ids.iter().map(|id| format!("finding {id}")).collect(),
            Edit::Interventions { .. } => {
                ids.iter().map(|id| format!("intervention {id}")).collect()
            }
            Edit::Addendum { .. } => ids.iter().map(|id| format!("addendum {id}")).collect(),
            Edit::Subjective { visit, .. } => vec![format!("subjective of visit {visit}")],
            Edit::DeleteFinding { id } => vec![format!("deletion of finding {id}")],
            Edit::Sign { visit, .. } => vec![format!("signature of visit {visit}")],
        };
        for key in keys {
            self.0.insert(key, origin.to_owned());
        }
    }

    fn of(&self, key: &str) -> String {
        self.0
            .get(key)
            .map_or_else(String::new, |origin| format!(" (acknowledged {origin})"))
    }
}

/// What differs between the model and the notebook, naming the edits the model has from.
fn differences(expected: &Notebook, actual: &Notebook, origins: &Origins) -> Vec<String> {
    let mut found = Vec::new();
    for (id, name) in &expected.patients {
        match actual.patients.get(id) {
            None => found.push(format!(
                "patient {id} {name:?} is missing{}",
                origins.of(&format!("patient {id}"))
            )),
            Some(other) if other != name => {
                found.push(format!("patient {id} is {other:?}, not {name:?}"))
            }
            Some(_) => {}
        }
    }
    for id in actual
        .patients
        .keys()
        .filter(|id| !expected.patients.contains_key(id))
    {
        found.push(format!("patient {id} was never acknowledged"));
    }
    for (id, visit) in &expected.visits {
        let Some(real) = actual.visits.get(id) else {
            found.push(format!(
                "visit {id} is missing{}",
                origins.of(&format!("visit {id}"))
            ));
            continue;
        };
        if real.subjective != visit.subjective {
            found.push(format!(
                "visit {id}: subjective is {:?}, not {:?}{}",
                real.subjective,
                visit.subjective,
                origins.of(&format!("subjective of visit {id}"))
            ));
        }
        if real.signed_by != visit.signed_by {
            found.push(format!(
                "visit {id}: signed by {:?}, not {:?}{}",
                real.signed_by,
                visit.signed_by,
                origins.of(&format!("signature of visit {id}"))
            ));
        }
        if (real.patient, &real.started_at, &real.complaint)
            != (visit.patient, &visit.started_at, &visit.complaint)
        {
            found.push(format!("visit {id}: is {real:?}, not {visit:?}"));
        }
        for (finding, state) in &visit.findings {
            match real.findings.get(finding) {
                None => found.push(format!(
                    "finding {finding} of visit {id} is missing{}{}",
                    origins.of(&format!("finding {finding}")),
                    origins.of(&format!("deletion of finding {finding}"))
                )),
                Some(other) if other != state => {
                    found.push(format!("finding {finding} is {other:?}, not {state:?}"))
                }
                Some(_) => {}
            }
        }
        for finding in real
            .findings
            .keys()
            .filter(|f| !visit.findings.contains_key(f))
        {
            found.push(format!(
                "finding {finding} of visit {id} is there, but was not charted or was deleted{}",
                origins.of(&format!("deletion of finding {finding}"))
            ));
        }
        for (intervention, state) in &visit.interventions {
            match real.interventions.get(intervention) {
                None => found.push(format!(
                    "intervention {intervention} of visit {id} is missing{}",
                    origins.of(&format!("intervention {intervention}"))
                )),
                Some(other) if other != state => found.push(format!(
                    "intervention {intervention} is {other:?}, not {state:?}"
                )),
                Some(_) => {}
            }
        }
        for intervention in real
            .interventions
            .keys()
            .filter(|i| !visit.interventions.contains_key(i))
        {
            found.push(format!(
                "intervention {intervention} of visit {id} was never acknowledged"
            ));
        }
        for (addendum, state) in &visit.addenda {
            if real.addenda.get(addendum) != Some(state) {
                found.push(format!(
                    "addendum {addendum} of visit {id} is {:?}, not {state:?}{}",
                    real.addenda.get(addendum),
                    origins.of(&format!("addendum {addendum}"))
                ));
            }
        }
        for addendum in real
            .addenda
            .keys()
            .filter(|a| !visit.addenda.contains_key(a))
        {
            found.push(format!(
                "addendum {addendum} of visit {id} was never acknowledged"
            ));
        }
    }
    for id in actual
        .visits
        .keys()
        .filter(|id| !expected.visits.contains_key(id))
    {
        found.push(format!("visit {id} was never acknowledged"));
    }
    found
}

// ----- choosing edits -----

/// A valid next edit for the notebook as the model has it.
fn choose(rng: &mut Rng, model: &Notebook, serial: &mut u64) -> Edit {
    *serial += 1;
    let serial = *serial;
    let drafts: Vec<i64> = model
        .visits
        .iter()
        .filter(|(_, v)| v.signed_by.is_none())
        .map(|(id, _)| *id)
        .collect();
    let signed: Vec<i64> = model
        .visits
        .iter()
        .filter(|(_, v)| v.signed_by.is_some())
        .map(|(id, _)| *id)
        .collect();
    let open_findings: Vec<i64> = model
        .visits
        .values()
        .filter(|v| v.signed_by.is_none())
        .flat_map(|v| v.findings.keys().copied())
        .collect();
    let patients: Vec<i64> = model.patients.keys().copied().collect();
    loop {
        let roll = rng.below(100);
        let edit = match roll {
            0..6 => Edit::Patient {
                name: format!("Crash Patient {serial}"),
            },
            6..16 if !patients.is_empty() => Edit::Visit {
                patient: *rng.pick(&patients),
                at: format!(
                    "2026-{:02}-{:02}T{:02}:{:02}:00",
                    1 + rng.below(12),
                    1 + rng.below(28),
                    8 + rng.below(10),
                    rng.below(4) * 15
                ),
                complaint: format!("complaint {serial}"),
            },
            16..38 if !drafts.is_empty() => Edit::Findings {
                visit: *rng.pick(&drafts),
                text: (*rng.pick(&FINDINGS)).to_owned(),
            },
            38..50 if !drafts.is_empty() => Edit::Interventions {
                visit: *rng.pick(&drafts),
                text: (*rng.pick(&INTERVENTIONS)).to_owned(),
            },
            50..64 if !drafts.is_empty() => Edit::Subjective {
                visit: *rng.pick(&drafts),
                text: format!("subjective note {serial}: calf tight after a long run"),
            },
            64..76 if !open_findings.is_empty() => Edit::DeleteFinding {
                id: *rng.pick(&open_findings),
            },
            76..86 if !drafts.is_empty() => Edit::Sign {
                visit: *rng.pick(&drafts),
                by: format!("Dr. Crash {serial}"),
            },
            86..100 if !signed.is_empty() => Edit::Addendum {
                visit: *rng.pick(&signed),
                author: format!("Dr. Late {serial}"),
                reason: "late entry".to_owned(),
                text: format!("addendum {serial}: phoned, pain 2/10"),
            },
            _ => continue,
        };
        return edit;
    }
}

// ----- the process -----

enum Out {
    Line(String),
    /// Bytes after the last newline when the pipe closed: an acknowledgement cut short.
    Partial(String),
}

struct Running {
    child: Child,
    stdin: Option<ChildStdin>,
    out: Receiver<Out>,
    reader: Option<JoinHandle<()>>,
    stderr: PathBuf,
}

impl Running {
    fn start(db: &Path, passphrase: &Passphrase, stderr: &Path) -> Running {
        let mut command = Command::new(env!("CARGO_BIN_EXE_upstream"));
        command.env("UPSTREAM_CLINICIAN", "Test Clinician");
        command
            .arg("--db")
            .arg(db)
            .arg("apply")
            .env_remove("UPSTREAM_DB")
            .env_remove("UPSTREAM_PASSPHRASE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(stderr).unwrap());
        if !passphrase.is_empty() {
            command.env("UPSTREAM_PASSPHRASE", PASSPHRASE);
        }
        let mut child = command.spawn().expect("start upstream apply");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (send, out) = channel();
        let reader = std::thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            loop {
                let mut line = String::new();
                match stdout.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if line.ends_with('\n') => {
                        if send.send(Out::Line(line)).is_err() {
                            break;
                        }
                    }
                    Ok(_) => {
                        let _ = send.send(Out::Partial(line));
                        break;
                    }
                }
            }
        });
        Running {
            child,
            stdin,
            out,
            reader: Some(reader),
            stderr: stderr.to_owned(),
        }
    }

    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    /// The next acknowledgement: (line number, ids).
    fn ack(&mut self, kill: usize) -> (usize, Vec<i64>) {
        match self.out.recv_timeout(ACK_TIMEOUT) {
            Ok(Out::Line(line)) => parse_ack(&line),
            Ok(Out::Partial(line)) => panic!("kill {kill}: output cut short: {line:?}"),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "kill {kill}: no acknowledgement; stderr: {}",
                    std::fs::read_to_string(&self.stderr).unwrap_or_default()
                )
            }
        }
    }

    /// SIGKILL, then whatever the process had written before it died.
    fn kill(mut self) -> Vec<Out> {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        drop(self.stdin.take());
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        self.out.try_iter().collect()
    }
}

fn parse_ack(line: &str) -> (usize, Vec<i64>) {
    let value: serde_json::Value = serde_json::from_str(line).unwrap();
    let number = value["line"].as_u64().unwrap() as usize;
    let ids = value["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_i64().unwrap())
        .collect();
    (number, ids)
}

/// Busy-waits up to `max_micros` (random): where in the work the kill lands.
fn spin(rng: &mut Rng, max_micros: u64) {
    let until = Instant::now() + Duration::from_micros(rng.below(max_micros + 1));
    while Instant::now() < until {
        std::hint::spin_loop();
    }
}

const PASSPHRASE: &str = "crash test passphrase";

#[derive(Debug, Default)]
struct Counts {
    kills: usize,
    acknowledged: usize,
    in_flight_acknowledged_as_it_died: usize,
    in_flight_committed: usize,
    in_flight_not_committed: usize,
    killed_with_nothing_in_flight: usize,
}

/// `kills` runs of `upstream apply` against the notebook at `db`, each killed at a random
/// moment and followed by the checks.
fn crash_runs(db: &Path, passphrase: &Passphrase, kills: usize, rng: &mut Rng) -> Counts {
    let stderr = db.with_extension("stderr.txt");
    let mut model = Notebook::default();
    let mut origins = Origins::default();
    let mut counts = Counts::default();
    let mut serial = 0;
    let startup_spin = if passphrase.is_empty() {
        40_000
    } else {
        400_000
    };
    for kill in 1..=kills {
        let mut running = Running::start(db, passphrase, &stderr);
        let acks_wanted = rng.below(9) as usize;
        let mut line = 0;
        for _ in 0..acks_wanted {
            let edit = choose(rng, &model, &mut serial);
            line += 1;
            running.send(&edit.line());
            let (number, ids) = running.ack(kill);
            assert_eq!(
                number, line,
                "kill {kill}: acknowledgement of the wrong line"
            );
            let origin = format!("at kill {kill}, line {line}: {}", edit.line().trim());
            model = model.applied(&edit, &ids).unwrap_or_else(|| {
                panic!("kill {kill}: acknowledgement {ids:?} does not fit {origin}")
            });
            origins.note(&edit, &ids, &origin);
            counts.acknowledged += 1;
        }
        let in_flight = match rng.below(4) {
            0 => {
                spin(rng, if line == 0 { startup_spin } else { 2_000 });
                None
            }
            1 => {
                let edit = choose(rng, &model, &mut serial);
                running.send(&edit.line());
                Some(edit)
            }
            _ => {
                let edit = choose(rng, &model, &mut serial);
                running.send(&edit.line());
                spin(rng, 3_000);
                Some(edit)
            }
        };
        let late = running.kill();
        counts.kills += 1;

        // An acknowledgement the process wrote before it died counts as one.
        let mut acked = None;
        for out in late {
            if let Out::Line(text) = out {
                let (number, ids) = parse_ack(&text);
                assert!(
                    in_flight.is_some(),
                    "kill {kill}: an acknowledgement of nothing"
                );
                assert_eq!(
                    number,
                    line + 1,
                    "kill {kill}: acknowledgement of the wrong line"
                );
                acked = Some(ids);
            }
        }

        let store = Store::open_with(db, passphrase)
            .unwrap_or_else(|error| panic!("kill {kill}: the notebook does not open: {error}"));
        let integrity = store.integrity_check().unwrap();
        assert_eq!(integrity, "ok", "kill {kill}: integrity check");
        let report = store.verify_audit().unwrap();
        assert!(
            report.is_intact(),
            "kill {kill}: the audit trail is broken: {:?}",
            report.problems
        );
        let actual = Notebook::read(&store);
        drop(store);

        match in_flight {
            None => {
                counts.killed_with_nothing_in_flight += 1;
                let found = differences(&model, &actual, &origins);
                assert!(found.is_empty(), "kill {kill}:\n{}", found.join("\n"));
            }
            Some(edit) => {
                let origin = format!(
                    "at kill {kill}, line {} (in flight): {}",
                    line + 1,
                    edit.line().trim()
                );
                let ids = acked
                    .clone()
                    .unwrap_or_else(|| model.new_ids(&actual, &edit));
                let committed = model.applied(&edit, &ids);
                if acked.is_none() && actual == model {
                    counts.in_flight_not_committed += 1;
                } else if let Some(committed) = committed.filter(|c| *c == actual) {
                    if acked.is_some() {
                        counts.in_flight_acknowledged_as_it_died += 1;
                    } else {
                        counts.in_flight_committed += 1;
                    }
                    origins.note(&edit, &ids, &origin);
                    model = committed;
                } else {
                    let mut found = differences(&model, &actual, &origins);
                    found.push(format!(
                        "(the edit in flight, {origin}, explains none of this{})",
                        if acked.is_some() {
                            "; it was acknowledged"
                        } else {
                            ""
                        }
                    ));
                    panic!("kill {kill}:\n{}", found.join("\n"));
                }
            }
        }
    }
    counts
}

fn seed() -> u64 {
    std::env::var("UPSTREAM_CRASH_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(DEFAULT_SEED)
}

#[test]
fn every_acknowledged_edit_survives_a_kill_at_any_moment() {
    let started = Instant::now();
    for text in FINDINGS {
        assert!(!findings_of(text).is_empty(), "{text}");
    }
    for text in INTERVENTIONS {
        assert!(!interventions_of(text).is_empty(), "{text}");
    }
    let seed = seed();
    let mut rng = Rng(seed | 1);
    let directory = tempfile::tempdir().unwrap();
    let mut total = Counts::default();
    for (name, passphrase, kills) in [
        ("plain.sqlite3", Passphrase::none(), PLAIN_KILLS),
        (
            "encrypted.sqlite3",
            Passphrase::new(PASSPHRASE),
            ENCRYPTED_KILLS,
        ),
    ] {
        let part = Instant::now();
        let db = directory.path().join(name);
        let counts = crash_runs(&db, &passphrase, kills, &mut rng);
        let patients = Store::open_with(&db, &passphrase)
            .unwrap()
            .patient_count()
            .unwrap();
        println!(
            "{name}: {counts:?}; {patients} patients at the end; {:.1} s",
            part.elapsed().as_secs_f64()
        );
        total.kills += counts.kills;
        total.acknowledged += counts.acknowledged;
        total.in_flight_acknowledged_as_it_died += counts.in_flight_acknowledged_as_it_died;
        total.in_flight_committed += counts.in_flight_committed;
        total.in_flight_not_committed += counts.in_flight_not_committed;
        total.killed_with_nothing_in_flight += counts.killed_with_nothing_in_flight;
    }
    println!(
        "seed {seed}: {} kills, {} edits acknowledged; of the edits in flight at a kill, {} found committed without their acknowledgement, {} acknowledged as the process died, {} not committed; {} kills with nothing in flight; {:.1} s",
        total.kills,
        total.acknowledged,
        total.in_flight_committed,
        total.in_flight_acknowledged_as_it_died,
        total.in_flight_not_committed,
        total.killed_with_nothing_in_flight,
        started.elapsed().as_secs_f64()
    );
    assert!(total.kills >= 200);
    // The kills must land on both sides of a commit for the test to mean anything.
    assert!(
        total.in_flight_not_committed > 0,
        "no kill landed before a commit"
    );
    assert!(
        total.in_flight_committed + total.in_flight_acknowledged_as_it_died > 0,
        "no kill landed after a commit"
    );
    assert!(total.acknowledged > total.kills, "too few edits to matter");
}

/// The check itself: a notebook that lost an acknowledged edit is caught, and the
/// message names the edit and where it was acknowledged.
#[test]
fn the_check_names_an_acknowledged_edit_that_is_missing() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let mut rng = Rng(DEFAULT_SEED);
    let mut model = Notebook::default();
    let mut origins = Origins::default();
    let mut serial = 0;
    let mut running = Running::start(&db, &Passphrase::none(), &db.with_extension("stderr.txt"));
    let mut line = 0;
    // Edits until a draft visit has findings.
    while !model
        .visits
        .values()
        .any(|v| v.signed_by.is_none() && !v.findings.is_empty())
    {
        let edit = choose(&mut rng, &model, &mut serial);
        line += 1;
        running.send(&edit.line());
        let (_, ids) = running.ack(0);
        origins.note(&edit, &ids, &format!("at line {line}"));
        model = model.applied(&edit, &ids).unwrap();
        assert!(line < 500, "no findings were ever charted");
    }
    running.kill();
    let mut store = Store::open(&db).unwrap();
    assert!(differences(&model, &Notebook::read(&store), &origins).is_empty());

    let (&lost, _) = model
        .visits
        .values()
        .filter(|v| v.signed_by.is_none())
        .find_map(|v| v.findings.iter().next())
        .unwrap();
    store
        .delete_finding(&crate::by(), upstream::model::FindingId(lost))
        .unwrap();
    let found = differences(&model, &Notebook::read(&store), &origins);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(&format!("finding {lost} of visit")),
        "{found:?}"
    );
    assert!(
        found[0].contains("is missing (acknowledged at line"),
        "{found:?}"
    );
}
