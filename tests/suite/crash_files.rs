//! The crash test of the commands that replace the notebook file: `upstream restore` and
//! `upstream rekey` are killed with SIGKILL at random moments, and after every kill
//! nothing may be lost.
//!
//! Restore: a notebook, a backup of it, then more patients; each round adds a patient
//! (by a clean `apply`, or by an `apply` killed after its acknowledgement so that the
//! patient is only in the notebook's WAL) and starts `upstream restore BACKUP`, killed
//! at a random moment. After the kill the notebook must be there, open, pass
//! `PRAGMA integrity_check` and `upstream audit verify`, and hold exactly the patients it
//! held before the restore or exactly the backup's; and every state the notebook was ever
//! in before a restore must still be held, whole, by the notebook or by one of the
//! `*-before-restore-*` files set aside beside it (read from a copy, with their WAL).
//!
//! Rekey: an unencrypted notebook; each round `upstream rekey` encrypts it
//! (`UPSTREAM_NEW_PASSPHRASE`) or, once it is encrypted, decrypts it (an empty new
//! passphrase), killed at a random moment. After the kill the notebook must open with the
//! old or the new passphrase, pass the integrity check and the audit check, and hold
//! every patient. And nothing may stay readable without the passphrase: a `<db>.rekey`
//! copy (or its journal) that is plain SQLite or shows a patient's name, or any file
//! beside an encrypted notebook that does. Such a copy can exist right after a kill (a
//! decrypting rekey writes a plain copy before its rename, whatever the design); it is
//! counted, and it must be gone once the next command that takes the notebook's lock
//! (`upstream apply` with no edits) has run. Most rounds cost a key derivation (about
//! 0.3 s per encrypted open in a debug build); a decrypting kill usually lands before the
//! commit, so the rounds on the encrypted side are the majority.
//!
//! The kill moments: one full run of the command is timed first; a kill then comes after
//! a random delay in [0, 1.2 x that time], or, in a third of the rounds (three quarters
//! of the decrypting ones), when a file event is seen (the copy being written appears;
//! the notebook's name stops pointing at the file it pointed at) plus a random delay, to
//! reach the short windows between renames that a uniform delay almost never hits. The
//! delays come from a seeded xorshift generator (`UPSTREAM_CRASH_SEED` overrides the
//! seed); what is checked after a kill does not depend on when it came. Run with
//! `--nocapture` to see the counts.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use upstream::store::{FileKind, Passphrase, Store, probe};

const RESTORE_KILLS: usize = 30;
const REKEY_KILLS: usize = 30;
const DEFAULT_SEED: u64 = 0x5eed_f11e_5c4a_5002;
const PASSPHRASE: &str = "crash files passphrase";
const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";
const SIGKILL: i32 = 9;

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
}

fn seed() -> u64 {
    std::env::var("UPSTREAM_CRASH_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(DEFAULT_SEED)
}

// ----- running the command line -----

/// `upstream --db DB` with only the passphrase given here in its environment.
fn upstream(db: &Path, passphrase: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_upstream"));
    command.env("UPSTREAM_CLINICIAN", "Test Clinician");
    command
        .arg("--db")
        .arg(db)
        .env_remove("UPSTREAM_DB")
        .env_remove("UPSTREAM_PASSPHRASE")
        .env_remove("UPSTREAM_NEW_PASSPHRASE")
        .stdin(Stdio::null());
    if !passphrase.is_empty() {
        command.env("UPSTREAM_PASSPHRASE", passphrase);
    }
    command
}

/// Runs `command` to its end; its stdout, or what went wrong.
fn run(command: &mut Command) -> Result<String, String> {
    let output = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|error| format!("does not start: {error}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!(
            "{}; stderr: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

fn patient_line(name: &str) -> String {
    serde_json::json!({"op": "patient", "name": name}).to_string()
}

/// Adds the patients through `upstream apply`, which ends normally.
fn add_patients(db: &Path, passphrase: &str, names: &[String]) {
    let mut child = upstream(db, passphrase)
        .arg("apply")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start upstream apply");
    let mut stdin = child.stdin.take().unwrap();
    for name in names {
        writeln!(stdin, "{}", patient_line(name)).unwrap();
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let acks = String::from_utf8_lossy(&output.stdout).lines().count();
    assert!(
        output.status.success() && acks == names.len(),
        "apply of {names:?}: {}, {acks} acknowledgements; stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Adds the patient through an `upstream apply` killed right after its acknowledgement:
/// the patient is committed but only in the notebook's WAL, not yet checkpointed.
fn add_patient_leaving_wal(db: &Path, passphrase: &str, name: &str) {
    let mut child = upstream(db, passphrase)
        .arg("apply")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start upstream apply");
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", patient_line(name)).unwrap();
    stdin.flush().unwrap();
    let mut ack = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut ack)
        .unwrap();
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    drop(stdin);
    assert!(
        ack.contains("\"ids\""),
        "apply of {name:?}: no acknowledgement ({ack:?}); stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn wait_until(deadline: Instant) {
    loop {
        let now = Instant::now();
        if now >= deadline {
            return;
        }
        let left = deadline - now;
        if left > Duration::from_millis(2) {
            std::thread::sleep(left - Duration::from_millis(1));
        } else {
            std::hint::spin_loop();
        }
    }
}

/// A file event to kill at: `event` holds once it has happened; the kill then comes a
/// random delay `after` later.
struct Watch<'a> {
    what: &'static str,
    event: Box<dyn FnMut() -> bool + 'a>,
    after: After,
}

/// How long after a watched event the kill may come.
#[derive(Clone, Copy)]
enum After {
    /// At most this many microseconds.
    Micros(u64),
    /// At most this share of what is left of the timed run (1.2: all of it and more).
    Share(f64),
}

/// SIGKILLs `child` (started at `started`) at a random moment: after a random delay in
/// [0, 1.2 x `full`], or after `watch`'s event. Returns where the kill was aimed and the
/// exit status when the process had ended before the signal reached it.
fn kill_at_random(
    mut child: Child,
    started: Instant,
    full: Duration,
    rng: &mut Rng,
    watch: Option<Watch<'_>>,
) -> (String, Option<ExitStatus>) {
    let budget = full.mul_f64(1.2);
    let moment = match watch {
        None => {
            let delay = Duration::from_micros(rng.below(budget.as_micros() as u64 + 1));
            wait_until(started + delay);
            format!("{:.1} ms after the start", delay.as_secs_f64() * 1e3)
        }
        Some(mut watch) => {
            // Only a guard against a process that never shows the event; never asserted.
            let give_up = started + budget * 2 + Duration::from_secs(2);
            let mut seen = None;
            loop {
                if (watch.event)() {
                    seen = Some(started.elapsed());
                    break;
                }
                if Instant::now() > give_up || matches!(child.try_wait(), Ok(Some(_))) {
                    break;
                }
                std::thread::yield_now();
            }
            match seen {
                None => format!("when {} (not seen before the end)", watch.what),
                Some(at) => {
                    let most = match watch.after {
                        After::Micros(micros) => micros,
                        After::Share(share) => {
                            full.saturating_sub(at).mul_f64(share).as_micros() as u64
                        }
                    };
                    let extra = rng.below(most + 1);
                    wait_until(Instant::now() + Duration::from_micros(extra));
                    format!(
                        "{extra} µs after {} ({:.1} ms after the start)",
                        watch.what,
                        at.as_secs_f64() * 1e3
                    )
                }
            }
        }
    };
    let _ = child.kill();
    let status = child.wait().unwrap();
    let finished = (status.signal() != Some(SIGKILL)).then_some(status);
    (moment, finished)
}

// ----- reading the files -----

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The folder's files with their sizes, for messages.
fn listing(folder: &Path) -> String {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok())
                .map(|entry| {
                    let size = entry.metadata().map_or(0, |m| m.len());
                    format!("{} ({size} B)", entry.file_name().to_string_lossy())
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names.join(", ")
}

/// Opens the notebook in place as the next user would, and reads its patients' names
/// once it has passed the integrity check and the audit check.
fn read_notebook(db: &Path, passphrase: &Passphrase) -> Result<BTreeSet<String>, String> {
    let store =
        Store::open_with(db, passphrase).map_err(|error| format!("does not open: {error}"))?;
    let integrity = store.integrity_check().map_err(|error| error.to_string())?;
    if integrity != "ok" {
        return Err(format!("fails the integrity check: {integrity}"));
    }
    let report = store.verify_audit().map_err(|error| error.to_string())?;
    if !report.is_intact() {
        return Err(format!("its audit trail is broken: {:?}", report.problems));
    }
    let patients = store
        .search_patients("", usize::MAX)
        .map_err(|error| error.to_string())?;
    Ok(patients.into_iter().map(|patient| patient.name).collect())
}

/// `upstream audit verify` on the notebook.
fn audit_verify(db: &Path, passphrase: &str) -> Result<(), String> {
    run(upstream(db, passphrase).args(["audit", "verify"]))
        .map(|_| ())
        .map_err(|error| format!("`upstream audit verify` fails: {error}"))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn names(set: &BTreeSet<String>) -> String {
    set.iter().cloned().collect::<Vec<_>>().join(", ")
}

// ----- the restore check -----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Landed {
    /// The notebook is as it was before the command.
    Before,
    /// The command's change is in place.
    After,
}

/// The `*-before-restore-*` files beside the notebook (not their WAL or shm).
fn set_aside_beside(db: &Path) -> Vec<PathBuf> {
    let stem = db.file_stem().unwrap().to_string_lossy().into_owned();
    let prefix = format!("{stem}-before-restore-");
    let mut found: Vec<PathBuf> = std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.starts_with(&prefix) && name.ends_with(".sqlite3")
        })
        .collect();
    found.sort();
    found
}

type FileStamp = Option<(u64, u64, i64, i64)>;

fn stamp(path: &Path) -> FileStamp {
    std::fs::symlink_metadata(path)
        .ok()
        .map(|m| (m.ino(), m.len(), m.mtime(), m.mtime_nsec()))
}

/// A set-aside file's stamps (file and WAL), and the patients read from it or why not.
type SetAsideRead = ([FileStamp; 2], Result<BTreeSet<String>, String>);

/// The files set aside, read once each (again only when the file or its WAL changed).
#[derive(Default)]
struct SetAside(BTreeMap<PathBuf, SetAsideRead>);

impl SetAside {
    fn read(&mut self, path: &Path) -> Result<BTreeSet<String>, String> {
        let stamps = [stamp(path), stamp(&with_suffix(path, "-wal"))];
        if let Some((seen, read)) = self.0.get(path)
            && *seen == stamps
        {
            return read.clone();
        }
        let read = read_set_aside(path);
        self.0.insert(path.to_owned(), (stamps, read.clone()));
        read
    }
}

/// The patients of a file set aside, read from a copy of it and its WAL so that checking
/// changes nothing beside the notebook.
fn read_set_aside(path: &Path) -> Result<BTreeSet<String>, String> {
    let scratch = tempfile::tempdir().unwrap();
    let copy = scratch.path().join(path.file_name().unwrap());
    for companion in ["", "-wal"] {
        let from = with_suffix(path, companion);
        if from.exists() {
            std::fs::copy(&from, with_suffix(&copy, companion))
                .map_err(|error| format!("cannot be copied: {error}"))?;
        }
    }
    read_notebook(&copy, &Passphrase::none())
}

/// What the restore check found.
#[derive(Debug)]
struct RestoreCheck {
    /// The notebook's patients, when it opened.
    notebook: Option<BTreeSet<String>>,
    landed: Option<Landed>,
    /// The labels of the `states` no file holds any more.
    lost: Vec<String>,
    problems: Vec<String>,
}

/// The checks after a restore was killed: the notebook exists, opens, passes the integrity
/// and audit checks and holds exactly `before` or exactly `backup`; and each of `states`
/// (every state the notebook was in before a restore) is still held whole by the notebook
/// or by a file set aside beside it.
fn check_restore(
    db: &Path,
    before: &BTreeSet<String>,
    backup: &BTreeSet<String>,
    states: &[(String, BTreeSet<String>)],
    set_aside: &mut SetAside,
) -> RestoreCheck {
    let folder = db.parent().unwrap();
    let mut problems = Vec::new();
    // Opening a missing notebook would create an empty one: look first.
    if !db.exists() {
        problems.push(format!(
            "the notebook {} is missing; the folder holds: {}",
            db.display(),
            listing(folder)
        ));
        return RestoreCheck {
            notebook: None,
            landed: None,
            lost: Vec::new(),
            problems,
        };
    }
    let notebook = match read_notebook(db, &Passphrase::none()) {
        Ok(notebook) => notebook,
        Err(error) => {
            problems.push(format!(
                "the notebook {error}; the folder holds: {}",
                listing(folder)
            ));
            return RestoreCheck {
                notebook: None,
                landed: None,
                lost: Vec::new(),
                problems,
            };
        }
    };
    if let Err(error) = audit_verify(db, "") {
        problems.push(error);
    }
    let landed = if notebook == *before {
        Some(Landed::Before)
    } else if notebook == *backup {
        Some(Landed::After)
    } else {
        problems.push(format!(
            "the notebook holds [{}]: neither what it held before the restore [{}] nor the backup [{}]",
            names(&notebook),
            names(before),
            names(backup)
        ));
        None
    };
    let mut held = vec![("the notebook".to_owned(), notebook.clone())];
    for path in set_aside_beside(db) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match set_aside.read(&path) {
            Ok(patients) => held.push((name, patients)),
            Err(error) => problems.push(format!("{name}, set aside, {error}")),
        }
    }
    let lost: Vec<&(String, BTreeSet<String>)> = states
        .iter()
        .filter(|(_, state)| !held.iter().any(|(_, patients)| patients.is_superset(state)))
        .collect();
    if !lost.is_empty() {
        problems.push(format!(
            "held by no file any more: {}; the files: {}; the folder holds: {}",
            lost.iter()
                .map(|(label, state)| format!("{label} [{}]", names(state)))
                .collect::<Vec<_>>()
                .join(", "),
            held.iter()
                .map(|(name, patients)| format!("{name} [{}]", names(patients)))
                .collect::<Vec<_>>()
                .join("; "),
            listing(folder)
        ));
    }
    let lost = lost.into_iter().map(|(label, _)| label.clone()).collect();
    RestoreCheck {
        notebook: Some(notebook),
        landed,
        lost,
        problems,
    }
}

#[derive(Debug, Default)]
struct RestoreCounts {
    kills: usize,
    landed_before_the_commit: usize,
    landed_after_the_commit: usize,
    restore_had_ended: usize,
    copy_left_behind: usize,
    aimed_at_a_file_event: usize,
    patient_only_in_the_wal: usize,
    states_lost: usize,
}

/// One `upstream restore`, killed at a random moment.
fn killed_restore(
    db: &Path,
    backup: &Path,
    log: &Path,
    full: Duration,
    rng: &mut Rng,
) -> (String, Option<ExitStatus>, bool) {
    let mut command = upstream(db, "");
    command
        .arg("restore")
        .arg(backup)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap());
    let copy = with_suffix(db, ".restoring");
    let was = std::fs::metadata(db).map(|m| (m.ino(), m.nlink())).ok();
    let watch = match rng.below(6) {
        0..4 => None,
        4 => Some(Watch {
            what: "the copy of the backup appears",
            event: Box::new(|| copy.exists()),
            after: After::Share(1.2),
        }),
        _ => Some(Watch {
            what: "the notebook's name leaves its file",
            event: Box::new(|| std::fs::metadata(db).map(|m| (m.ino(), m.nlink())).ok() != was),
            after: After::Micros(40),
        }),
    };
    let watched = watch.is_some();
    let started = Instant::now();
    let child = command.spawn().expect("start upstream restore");
    let (moment, finished) = kill_at_random(child, started, full, rng, watch);
    (moment, finished, watched)
}

#[test]
fn a_killed_restore_loses_no_notebook() {
    let started = Instant::now();
    let seed = seed();
    let mut rng = Rng((seed ^ 0x7265_7374_6f72_6521) | 1);
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("notebook");
    std::fs::create_dir(&folder).unwrap();
    let db = folder.join("notebook.sqlite3");
    let backup = root.path().join("backup.sqlite3");
    let log = root.path().join("restore.stderr.txt");

    let backed_up: BTreeSet<String> = (1..=3).map(|i| format!("Backed Up {i}")).collect();
    add_patients(&db, "", &backed_up.iter().cloned().collect::<Vec<_>>());
    run(upstream(&db, "").arg("backup").arg(&backup)).expect("backup");
    add_patients(&db, "", &["After The Backup".to_owned()]);
    let mut current = backed_up.clone();
    current.insert("After The Backup".to_owned());
    let mut states = vec![(
        "the notebook before the timed restore".to_owned(),
        current.clone(),
    )];
    let mut set_aside = SetAside::default();

    // One whole restore, timed: the kills are spread over about its length.
    let timing = Instant::now();
    run(upstream(&db, "").arg("restore").arg(&backup)).expect("the timed restore");
    let full = timing.elapsed();
    let check = check_restore(&db, &current, &backed_up, &states, &mut set_aside);
    assert!(
        check.problems.is_empty() && check.landed == Some(Landed::After),
        "the timed restore: {check:?}"
    );
    current = backed_up.clone();

    let mut counts = RestoreCounts::default();
    let mut problems = Vec::new();
    let mut stopped = None;
    // Until both sides of the commit have been hit, the kills go on (bounded): when they
    // land is timing, which a loaded machine shifts.
    for kill in 1..=RESTORE_KILLS * 3 {
        if kill > RESTORE_KILLS
            && counts.landed_before_the_commit > 0
            && counts.landed_after_the_commit > 0
        {
            break;
        }
        // A patient only this round has, so that before and after differ.
        let name = format!("Round {kill}");
        if rng.below(2) == 0 {
            add_patients(&db, "", std::slice::from_ref(&name));
        } else {
            add_patient_leaving_wal(&db, "", &name);
            counts.patient_only_in_the_wal += 1;
        }
        current.insert(name);
        states.push((format!("the notebook before kill {kill}"), current.clone()));

        let (moment, finished, watched) = killed_restore(&db, &backup, &log, full, &mut rng);
        counts.kills += 1;
        counts.aimed_at_a_file_event += usize::from(watched);
        if let Some(status) = finished {
            counts.restore_had_ended += 1;
            if !status.success() {
                problems.push(format!(
                    "kill {kill} ({moment}): the restore failed by itself: {status}; stderr: {}",
                    std::fs::read_to_string(&log).unwrap_or_default().trim()
                ));
            }
        }
        counts.copy_left_behind += usize::from(with_suffix(&db, ".restoring").exists());

        let check = check_restore(&db, &current, &backed_up, &states, &mut set_aside);
        problems.extend(
            check
                .problems
                .iter()
                .map(|problem| format!("kill {kill} ({moment}): {problem}")),
        );
        // A lost state is reported once, at the kill that lost it.
        counts.states_lost += check.lost.len();
        states.retain(|(label, _)| !check.lost.contains(label));
        match (check.notebook, check.landed) {
            (Some(_), Some(Landed::Before)) => counts.landed_before_the_commit += 1,
            (Some(notebook), Some(Landed::After)) => {
                counts.landed_after_the_commit += 1;
                current = notebook;
            }
            // Without a notebook that is one of the two states, the next rounds would
            // check nothing meaningful.
            _ => {
                stopped = Some(kill);
                break;
            }
        }
    }
    eprintln!(
        "restore, seed {seed}: a whole restore took {:.1} ms; {counts:?}; {} files set aside; {:.1} s{}",
        full.as_secs_f64() * 1e3,
        set_aside_beside(&db).len(),
        started.elapsed().as_secs_f64(),
        stopped.map_or_else(String::new, |kill| format!("; stopped at kill {kill}"))
    );
    assert!(
        problems.is_empty(),
        "seed {seed}: {} problems after killed restores:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // The kills must land on both sides of the commit for the test to mean anything.
    assert!(
        counts.landed_before_the_commit > 0,
        "no kill landed before a restore's commit"
    );
    assert!(
        counts.landed_after_the_commit > 0,
        "no kill landed after a restore's commit"
    );
}

/// The restore check itself: a notebook that is gone, or a state no file holds any more,
/// is reported.
#[test]
fn the_restore_check_reports_a_missing_notebook_and_a_lost_state() {
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("notebook");
    std::fs::create_dir(&folder).unwrap();
    let db = folder.join("notebook.sqlite3");
    let backup = root.path().join("backup.sqlite3");
    let backed_up: BTreeSet<String> = ["Kept A".to_owned(), "Kept B".to_owned()].into();
    add_patients(&db, "", &backed_up.iter().cloned().collect::<Vec<_>>());
    run(upstream(&db, "").arg("backup").arg(&backup)).unwrap();
    add_patient_leaving_wal(&db, "", "Only Before");
    let mut before = backed_up.clone();
    before.insert("Only Before".to_owned());
    let states = vec![("the state before".to_owned(), before.clone())];
    let mut set_aside = SetAside::default();

    // Nothing to report before the restore, nor after it.
    let check = check_restore(&db, &before, &backed_up, &states, &mut set_aside);
    assert!(check.problems.is_empty(), "{check:?}");
    assert_eq!(check.landed, Some(Landed::Before));
    run(upstream(&db, "").arg("restore").arg(&backup)).unwrap();
    let check = check_restore(&db, &before, &backed_up, &states, &mut set_aside);
    assert!(check.problems.is_empty(), "{check:?}");
    assert_eq!(check.landed, Some(Landed::After));

    // The file set aside (with its WAL) taken away: the state before is lost.
    let aside = set_aside_beside(&db);
    assert_eq!(aside.len(), 1, "{}", listing(&folder));
    for companion in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(&aside[0], companion));
    }
    let check = check_restore(&db, &before, &backed_up, &states, &mut set_aside);
    assert_eq!(check.problems.len(), 1, "{check:?}");
    assert!(
        check.problems[0].starts_with(
            "held by no file any more: the state before [Kept A, Kept B, Only Before];"
        ),
        "{check:?}"
    );
    assert_eq!(check.lost, ["the state before"]);

    // The notebook taken away: reported, and not created anew by the check.
    std::fs::remove_file(&db).unwrap();
    let check = check_restore(&db, &before, &backed_up, &states, &mut set_aside);
    assert!(check.notebook.is_none(), "{check:?}");
    assert_eq!(check.problems.len(), 1, "{check:?}");
    assert!(check.problems[0].contains("is missing"), "{check:?}");
    assert!(!db.exists());
}

// ----- the rekey check -----

/// What the rekey check found.
#[derive(Debug)]
struct RekeyCheck {
    /// The passphrase the notebook opened with.
    opened_with: Option<String>,
    problems: Vec<String>,
}

fn shown(passphrase: &str) -> &str {
    if passphrase.is_empty() {
        "no passphrase"
    } else {
        "the passphrase"
    }
}

/// The checks after a rekey from `old` to `new` was killed: the notebook opens with one of
/// them, passes the integrity and audit checks, and holds exactly `patients`.
fn check_rekey(db: &Path, old: &str, new: &str, patients: &BTreeSet<String>) -> RekeyCheck {
    let folder = db.parent().unwrap();
    let mut problems = Vec::new();
    if !db.exists() {
        problems.push(format!(
            "the notebook {} is missing; the folder holds: {}",
            db.display(),
            listing(folder)
        ));
        return RekeyCheck {
            opened_with: None,
            problems,
        };
    }
    let kind = match probe(db) {
        Ok(kind) => kind,
        Err(error) => {
            problems.push(format!("the notebook: {error}"));
            return RekeyCheck {
                opened_with: None,
                problems,
            };
        }
    };
    // Only a passphrase that fits the file is tried: each encrypted try costs a key
    // derivation.
    let mut candidates: Vec<&str> = [old, new]
        .into_iter()
        .filter(|passphrase| match kind {
            FileKind::Plain => passphrase.is_empty(),
            FileKind::Encrypted => !passphrase.is_empty(),
            FileKind::New => false,
        })
        .collect();
    candidates.dedup();
    let mut opened = None;
    let mut failures = Vec::new();
    for passphrase in candidates {
        match read_notebook(db, &Passphrase::new(passphrase)) {
            Ok(found) => {
                opened = Some((passphrase.to_owned(), found));
                break;
            }
            Err(error) => failures.push(format!("with {}: {error}", shown(passphrase))),
        }
    }
    let Some((passphrase, found)) = opened else {
        problems.push(format!(
            "the notebook ({kind:?}) opens with neither {} nor {}: {}; the folder holds: {}",
            shown(old),
            shown(new),
            failures.join("; "),
            listing(folder)
        ));
        return RekeyCheck {
            opened_with: None,
            problems,
        };
    };
    if found != *patients {
        problems.push(format!(
            "the notebook holds [{}], not [{}]",
            names(&found),
            names(patients)
        ));
    }
    if passphrase.is_empty()
        && let Err(error) = audit_verify(db, "")
    {
        problems.push(error);
    }
    RekeyCheck {
        opened_with: Some(passphrase),
        problems,
    }
}

/// The files beside the notebook that can be read without its passphrase: a rekey's
/// copy (`.rekey`, and its journal) that is a plain SQLite file or shows a patient's name
/// in clear; and, beside an encrypted notebook, any file that does. Folders (the daily
/// backups) are not looked into.
fn readable_beside(db: &Path, patients: &BTreeSet<String>) -> Vec<String> {
    let encrypted = probe(db).is_ok_and(|kind| kind == FileKind::Encrypted);
    let copies = [with_suffix(db, ".rekey"), with_suffix(db, ".rekey-journal")];
    let mut found = Vec::new();
    for entry in std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .filter_map(|entry| entry.ok())
    {
        let path = entry.path();
        if path == db || !path.is_file() || !(encrypted || copies.contains(&path)) {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap_or_default();
        let plain = bytes.starts_with(SQLITE_HEADER);
        let in_clear: Vec<&String> = patients
            .iter()
            .filter(|name| contains(&bytes, name.as_bytes()))
            .collect();
        if plain || !in_clear.is_empty() {
            let what = match (plain, in_clear.is_empty()) {
                (true, true) => "a plain SQLite file".to_owned(),
                (true, false) => format!("a plain SQLite file showing the names {in_clear:?}"),
                (false, _) => format!("shows the names {in_clear:?} in clear"),
            };
            found.push(format!(
                "{} ({} bytes): {what}",
                path.file_name().unwrap().to_string_lossy(),
                bytes.len()
            ));
        }
    }
    found.sort();
    found
}

#[derive(Debug, Default)]
struct RekeyCounts {
    kills: usize,
    encrypting_landed_before_the_commit: usize,
    encrypting_landed_after_the_commit: usize,
    decrypting_landed_before_the_commit: usize,
    decrypting_landed_after_the_commit: usize,
    rekey_had_ended: usize,
    aimed_at_a_file_event: usize,
    no_readable_copy_after_the_kill: usize,
    readable_copy_after_the_kill: usize,
    readable_copy_gone_after_the_next_command: usize,
    patient_only_in_the_wal: usize,
}

fn rekey_command(db: &Path, old: &str, new: &str) -> Command {
    let mut command = upstream(db, old);
    command.arg("rekey").env("UPSTREAM_NEW_PASSPHRASE", new);
    command
}

#[test]
fn a_killed_rekey_loses_nothing_and_leaves_no_readable_copy() {
    let started = Instant::now();
    let seed = seed();
    let mut rng = Rng((seed ^ 0x7265_6b65_7921_0000) | 1);
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("notebook");
    std::fs::create_dir(&folder).unwrap();
    let db = folder.join("notebook.sqlite3");
    let log = root.path().join("rekey.stderr.txt");

    let mut patients: BTreeSet<String> = (1..=3).map(|i| format!("Rekey Patient {i}")).collect();
    add_patients(&db, "", &patients.iter().cloned().collect::<Vec<_>>());

    // One whole rekey each way, timed.
    let timing = Instant::now();
    run(&mut rekey_command(&db, "", PASSPHRASE)).expect("the timed encryption");
    let encrypting = timing.elapsed();
    let check = check_rekey(&db, "", PASSPHRASE, &patients);
    assert!(
        check.problems.is_empty() && check.opened_with.as_deref() == Some(PASSPHRASE),
        "the timed encryption: {check:?}"
    );
    let timing = Instant::now();
    run(&mut rekey_command(&db, PASSPHRASE, "")).expect("the timed decryption");
    let decrypting = timing.elapsed();
    let check = check_rekey(&db, PASSPHRASE, "", &patients);
    assert!(
        check.problems.is_empty() && check.opened_with.as_deref() == Some(""),
        "the timed decryption: {check:?}"
    );

    let mut current = String::new();
    let mut counts = RekeyCounts::default();
    let mut problems = Vec::new();
    let mut stopped = None;
    let mut serial = patients.len();
    for kill in 1..=REKEY_KILLS * 3 {
        let before =
            counts.encrypting_landed_before_the_commit + counts.decrypting_landed_before_the_commit;
        let after =
            counts.encrypting_landed_after_the_commit + counts.decrypting_landed_after_the_commit;
        if kill > REKEY_KILLS && before > 0 && after > 0 {
            break;
        }
        if current.is_empty() {
            serial += 1;
            let name = format!("Rekey Patient {serial}");
            if rng.below(2) == 0 {
                add_patients(&db, "", std::slice::from_ref(&name));
            } else {
                add_patient_leaving_wal(&db, "", &name);
                counts.patient_only_in_the_wal += 1;
            }
            patients.insert(name);
        }
        let encrypt = current.is_empty();
        let (new, full) = if encrypt {
            (PASSPHRASE, encrypting)
        } else {
            ("", decrypting)
        };
        let mut command = rekey_command(&db, &current, new);
        command
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap());
        let copy = with_suffix(&db, ".rekey");
        let stale = stamp(&copy);
        // Decrypting writes a plain copy: most of those kills are aimed at the time it
        // exists. Only a new copy counts, not one an earlier kill left.
        let aimed = if encrypt {
            rng.below(3) == 0
        } else {
            rng.below(4) != 0
        };
        let watch = aimed.then(|| Watch {
            what: "the re-encrypted copy appears",
            event: Box::new(|| stamp(&copy).is_some_and(|now| Some(now) != stale)),
            // The copy lives for about the first two thirds of what is left.
            after: After::Share(if encrypt { 1.2 } else { 0.8 }),
        });
        counts.aimed_at_a_file_event += usize::from(watch.is_some());
        let spawned = Instant::now();
        let child = command.spawn().expect("start upstream rekey");
        let (moment, finished) = kill_at_random(child, spawned, full, &mut rng, watch);
        let moment = format!(
            "{}, {moment}",
            if encrypt { "encrypting" } else { "decrypting" }
        );
        counts.kills += 1;
        if let Some(status) = finished {
            counts.rekey_had_ended += 1;
            if !status.success() {
                problems.push(format!(
                    "kill {kill} ({moment}): the rekey failed by itself: {status}; stderr: {}",
                    std::fs::read_to_string(&log).unwrap_or_default().trim()
                ));
            }
        }

        let check = check_rekey(&db, &current, new, &patients);
        problems.extend(
            check
                .problems
                .iter()
                .map(|problem| format!("kill {kill} ({moment}): {problem}")),
        );
        let Some(opened_with) = check.opened_with else {
            stopped = Some(kill);
            break;
        };
        // A copy the kill left in the clear may stay until the next command that takes
        // the notebook's lock (any export-based rekey writes one before its rename); it
        // must not outlive that command.
        let exposed = readable_beside(&db, &patients);
        if exposed.is_empty() {
            counts.no_readable_copy_after_the_kill += 1;
        } else {
            counts.readable_copy_after_the_kill += 1;
            match run(upstream(&db, &opened_with).arg("apply")) {
                Err(error) => problems.push(format!(
                    "kill {kill} ({moment}): the next writing command (`upstream apply`, no edits) fails: {error}"
                )),
                Ok(_) => {
                    let still = readable_beside(&db, &patients);
                    if still.is_empty() {
                        counts.readable_copy_gone_after_the_next_command += 1;
                    } else {
                        problems.push(format!(
                            "kill {kill} ({moment}): a readable copy outlives the next writing command (`upstream apply`, no edits), beside a notebook with {}: {}",
                            shown(&opened_with),
                            still.join("; ")
                        ));
                    }
                }
            }
        }
        let landed = if opened_with == current {
            Landed::Before
        } else {
            Landed::After
        };
        match (encrypt, landed) {
            (true, Landed::Before) => counts.encrypting_landed_before_the_commit += 1,
            (true, Landed::After) => counts.encrypting_landed_after_the_commit += 1,
            (false, Landed::Before) => counts.decrypting_landed_before_the_commit += 1,
            (false, Landed::After) => counts.decrypting_landed_after_the_commit += 1,
        }
        current = opened_with;
    }
    eprintln!(
        "rekey, seed {seed}: a whole encryption took {:.1} ms, a decryption {:.1} ms; {counts:?}; {} patients; {:.1} s{}",
        encrypting.as_secs_f64() * 1e3,
        decrypting.as_secs_f64() * 1e3,
        patients.len(),
        started.elapsed().as_secs_f64(),
        stopped.map_or_else(String::new, |kill| format!("; stopped at kill {kill}"))
    );
    assert!(
        problems.is_empty(),
        "seed {seed}: {} problems after killed rekeys:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        counts.encrypting_landed_before_the_commit + counts.decrypting_landed_before_the_commit > 0,
        "no kill landed before a rekey's commit"
    );
    assert!(
        counts.encrypting_landed_after_the_commit + counts.decrypting_landed_after_the_commit > 0,
        "no kill landed after a rekey's commit"
    );
}

/// The rekey checks themselves: a readable copy beside the notebook, and a missing
/// patient, are reported.
#[test]
fn the_rekey_check_reports_a_readable_copy_and_a_missing_patient() {
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("notebook");
    std::fs::create_dir(&folder).unwrap();
    let db = folder.join("notebook.sqlite3");
    let patients: BTreeSet<String> = ["Clear Text".to_owned(), "Also Here".to_owned()].into();
    add_patients(&db, "", &patients.iter().cloned().collect::<Vec<_>>());
    let check = check_rekey(&db, "", PASSPHRASE, &patients);
    assert!(check.problems.is_empty(), "{check:?}");
    assert_eq!(check.opened_with.as_deref(), Some(""));
    assert_eq!(readable_beside(&db, &patients), Vec::<String>::new());

    // A plain copy at the name rekey writes its copy to.
    run(upstream(&db, "")
        .arg("backup")
        .arg(with_suffix(&db, ".rekey")))
    .unwrap();
    let found = readable_beside(&db, &patients);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("notebook.sqlite3.rekey (")
            && found[0].contains("a plain SQLite file")
            && found[0].contains("Clear Text"),
        "{found:?}"
    );

    // A patient the notebook should hold and does not.
    let mut more = patients.clone();
    more.insert("Never Added".to_owned());
    let check = check_rekey(&db, "", PASSPHRASE, &more);
    assert_eq!(check.problems.len(), 1, "{check:?}");
    assert!(
        check.problems[0].starts_with("the notebook holds [Also Here, Clear Text], not"),
        "{check:?}"
    );
}
