//! Issue 10, "the record never loses a word and cannot be quietly rewritten", point by
//! point, as a user (and an attacker with the passphrase) would meet each one: restores
//! that keep every notebook, a lost notebook that is not silently replaced by an empty
//! one, acknowledged edits synced to disk, ids never reused, a forged or shortened audit
//! trail caught against copies kept outside the file, who made each change, no plaintext
//! left behind, backups that finish under load and do not trust the clock, the page check
//! after a crash, locks that follow the file rather than its name, and clear words.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rusqlite::Connection;
use upstream::model::{Patient, PatientId, Visit, VisitId, VisitKind, VisitRecord, VisitStatus};
use upstream::store::{self, NotebookLock, Passphrase, PatientRecord, Store, StoreError};

use super::integrity::{at, beside, fails_saying, stderr, stdout, succeeds};

// ----- helpers -----

const CLINICIAN: &str = "Test Clinician";

/// The binary on `db`, with nothing inherited from the environment that would choose
/// another notebook, key or clinician.
fn command(db: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_upstream"));
    command
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("UPSTREAM_DB")
        .env_remove("UPSTREAM_PASSPHRASE")
        .env_remove("UPSTREAM_NEW_PASSPHRASE")
        .env_remove("UPSTREAM_CLINICIAN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Runs `command` with `stdin` written to it and closed.
fn finish(mut command: Command, stdin: Option<&[u8]>) -> Output {
    let mut child = command.spawn().expect("run upstream");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            // A command that refuses before reading its input closes it.
            match input.write_all(bytes) {
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
                written => written.unwrap(),
            }
        }
    }
    child.wait_with_output().unwrap()
}

/// The binary as the test clinician.
fn upstream(db: &Path, args: &[&str]) -> Output {
    upstream_with(db, args, None, &[])
}

fn upstream_with(db: &Path, args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Output {
    let mut command = command(db, args);
    command.env("UPSTREAM_CLINICIAN", CLINICIAN);
    command.envs(env.iter().copied());
    finish(command, stdin)
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn patient_line(name: &str) -> String {
    format!("{{\"op\":\"patient\",\"name\":\"{name}\"}}\n")
}

/// The files in `folder` whose names pass `keep`, sorted.
fn files_in(folder: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .map(|entry| entry.unwrap().path())
                .filter(|path| keep(&path.file_name().unwrap().to_string_lossy()))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// The notebooks a restore kept aside in `folder`.
fn kept_aside(folder: &Path) -> Vec<PathBuf> {
    files_in(folder, |name| {
        name.contains("-before-restore-") && name.ends_with(".sqlite3")
    })
}

/// The daily backups in `folder`.
fn daily_backups(folder: &Path) -> Vec<PathBuf> {
    files_in(folder, |name| {
        name.starts_with("notebook-") && name.ends_with(".sqlite3")
    })
}

fn patient_names(store: &Store) -> BTreeSet<String> {
    store
        .search_patients("", 100_000)
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A bare connection such as anyone with the file and SQLite has, with the store's real
/// audit functions registered: an attacker who knows the passphrase and read the source.
fn attacker(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))
        .unwrap();
    upstream::store::register_audit_functions(&conn, "mallory").unwrap();
    conn
}

/// A connection that only reads.
fn reader(path: &Path, passphrase: Option<&str>) -> Connection {
    let conn =
        Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))
        .unwrap();
    if let Some(key) = passphrase {
        conn.pragma_update(None, "key", key).unwrap();
    }
    conn
}

/// Drops `triggers`, runs `change`, and makes every trigger again with the SQL it had, so
/// that the schema reads exactly as before.
fn with_triggers_dropped(conn: &Connection, triggers: &[&str], change: impl FnOnce(&Connection)) {
    let saved: Vec<String> = triggers
        .iter()
        .map(|name| {
            conn.query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                [name],
                |row| row.get(0),
            )
            .unwrap_or_else(|error| panic!("no trigger {name}: {error}"))
        })
        .collect();
    for name in triggers {
        conn.execute_batch(&format!("DROP TRIGGER {name};"))
            .unwrap();
    }
    change(conn);
    for sql in saved {
        conn.execute_batch(&sql).unwrap();
    }
}

/// A patient with one signed visit whose subjective note says `subjective`.
fn signed_visit(store: &mut Store, subjective: &str) -> (PatientId, VisitId) {
    let by = crate::by();
    let patient = store
        .create_patient(&by, &Patient::new("Ada Quill"))
        .unwrap();
    let visit = store
        .create_visit(
            &by,
            &Visit::new(patient, at("2026-03-02 09:30"), VisitKind::InitialExam),
        )
        .unwrap();
    let mut record = store.visit(visit).unwrap();
    record.subjective = subjective.to_owned();
    store.update_visit(&by, &record).unwrap();
    store
        .sign_visit(&crate::named("Dr. Sam Reyes"), visit)
        .unwrap();
    (patient, visit)
}

// ----- 1. restores -----

#[test]
fn two_restores_in_the_same_second_keep_both_notebooks() {
    let directory = tempfile::tempdir().unwrap();
    let folder = directory.path();
    let db = folder.join("notebook.sqlite3");
    {
        let mut store = Store::open(&db).unwrap();
        for name in ["Ada Quill", "Ben Okafor"] {
            store
                .create_patient(&crate::by(), &Patient::new(name))
                .unwrap();
        }
    }
    let backup = folder.join("bk.sqlite3");
    succeeds(&upstream(&db, &["backup", backup.to_str().unwrap()]));
    Store::open(&db)
        .unwrap()
        .create_patient(&crate::by(), &Patient::new("Added After Backup"))
        .unwrap();
    let everyone = patient_names(&Store::open(&db).unwrap());
    assert_eq!(everyone.len(), 3);

    // Whether or not two restores fall in the same second, the name one of them would
    // take is taken: files already stand at the names of the coming seconds, so every
    // restore meets a name in use, and must neither replace that file nor lose its own.
    let now = chrono::Local::now().naive_local();
    let taken: Vec<(PathBuf, Vec<u8>)> = (-1..30)
        .map(|second| {
            let stamp = (now + chrono::TimeDelta::seconds(second)).format("%Y%m%d-%H%M%S");
            let path = folder.join(format!("notebook-before-restore-{stamp}.sqlite3"));
            let bytes = format!("another file, second {second}").into_bytes();
            std::fs::write(&path, &bytes).unwrap();
            (path, bytes)
        })
        .collect();

    // Back to back, as fast as a script runs them.
    let first = succeeds(&upstream(&db, &["restore", backup.to_str().unwrap()]));
    let second = succeeds(&upstream(&db, &["restore", backup.to_str().unwrap()]));
    let said = |out: &str| {
        out.lines()
            .find_map(|line| line.strip_prefix("the notebook that was there is kept as "))
            .map(PathBuf::from)
            .unwrap_or_else(|| panic!("where the old notebook went is not said: {out}"))
    };
    let (first_aside, second_aside) = (said(&first), said(&second));
    assert_ne!(
        first_aside, second_aside,
        "both restores kept aside to one name"
    );
    for (path, bytes) in &taken {
        assert_eq!(
            &std::fs::read(path).unwrap(),
            bytes,
            "{path:?} was replaced"
        );
    }
    let aside: Vec<PathBuf> = kept_aside(folder)
        .into_iter()
        .filter(|path| !taken.iter().any(|(taken, _)| taken == path))
        .collect();
    assert_eq!(aside.len(), 2, "{aside:?}");
    assert!(aside.contains(&first_aside) && aside.contains(&second_aside));

    // Every patient is somewhere: in the notebook or in a notebook kept aside.
    let mut found = patient_names(&Store::open(&db).unwrap());
    for path in &aside {
        found.extend(patient_names(
            &Store::open_with(path, &Passphrase::none()).unwrap(),
        ));
    }
    assert!(
        found.is_superset(&everyone),
        "{found:?} lacks some of {everyone:?}"
    );
    let first_names = patient_names(&Store::open(&first_aside).unwrap());
    assert!(
        first_names.contains("Added After Backup"),
        "{first_names:?}"
    );
}

// ----- 2. a lost notebook is not silently replaced -----

#[test]
fn a_missing_or_empty_notebook_with_backups_beside_it_is_not_silently_recreated() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    // A writing command makes the notebook and, the first time today, its daily backup.
    succeeds(&upstream_with(
        &db,
        &["apply"],
        Some(patient_line("Ada Quill").as_bytes()),
        &[],
    ));
    let backups = daily_backups(&store::backup_folder(&db));
    assert_eq!(backups.len(), 1, "{backups:?}");
    let backup_name = backups[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();

    for empty in [false, true] {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(beside(&db, suffix));
        }
        if empty {
            std::fs::write(&db, b"").unwrap();
        }
        let case = if empty { "empty" } else { "missing" };
        for (args, input) in [
            (&["patients"][..], None),
            (&["apply"], Some(patient_line("Eve New"))),
        ] {
            let output = upstream_with(&db, args, input.as_deref().map(str::as_bytes), &[]);
            let message = fails_saying(&output, "nothing was created");
            assert!(message.contains(&backup_name), "{case} {args:?}: {message}");
            assert!(stdout(&output).is_empty(), "{case} {args:?}");
            if empty {
                assert_eq!(std::fs::metadata(&db).unwrap().len(), 0, "{case} {args:?}");
            } else {
                assert!(!db.exists(), "{case} {args:?}: a new notebook was made");
            }
            assert!(!beside(&db, "-wal").exists(), "{case} {args:?}");
        }
        let error = Store::open(&db).unwrap_err();
        assert!(
            matches!(error, StoreError::Vanished { .. }),
            "{case}: {error}"
        );
    }

    // What it offers works: the backup restores into the empty place.
    succeeds(&upstream(&db, &["restore", backups[0].to_str().unwrap()]));
    let out = succeeds(&upstream(&db, &["patients"]));
    assert!(out.contains("Ada Quill"), "{out}");

    // A notebook kept aside by a restore says the same, with no backups folder at all.
    let other = tempfile::tempdir().unwrap();
    let db = other.path().join("notebook.sqlite3");
    Store::open(&db)
        .unwrap()
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let aside = other
        .path()
        .join("notebook-before-restore-20260301-093000.sqlite3");
    std::fs::rename(&db, &aside).unwrap();
    assert!(!store::backup_folder(&db).exists());
    let message = fails_saying(&upstream(&db, &["patients"]), "nothing was created");
    assert!(
        message.contains("notebook-before-restore-20260301-093000"),
        "{message}"
    );
    assert!(!db.exists());
    assert_eq!(store::recovery_candidates(&db), vec![aside]);
}

// ----- 3. acknowledged means on disk -----

/// How many fsync and fdatasync calls `upstream apply` makes for `edits` patients, or
/// `None` when strace cannot watch it here.
fn syncs_for(db: &Path, edits: usize, trace: &Path) -> Option<usize> {
    let input: String = (0..edits)
        .map(|n| patient_line(&format!("Synced Patient {n}")))
        .collect();
    let mut command = Command::new("strace");
    command
        .args(["-f", "-qq", "-e", "trace=fsync,fdatasync", "-o"])
        .arg(trace)
        .arg(env!("CARGO_BIN_EXE_upstream"))
        .arg("--db")
        .arg(db)
        .arg("apply")
        .env_remove("UPSTREAM_DB")
        .env_remove("UPSTREAM_PASSPHRASE")
        .env("UPSTREAM_CLINICIAN", CLINICIAN)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let output = match command.spawn() {
        Ok(mut child) => {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
            child.wait_with_output().unwrap()
        }
        Err(_) => return None,
    };
    if !output.status.success() {
        println!(
            "note: strace could not run upstream here: {}",
            stderr(&output)
        );
        return None;
    }
    assert_eq!(stdout(&output).lines().count(), edits);
    let text = std::fs::read_to_string(trace).ok()?;
    Some(
        text.lines()
            .filter(|line| line.contains("fsync(") || line.contains("fdatasync("))
            .count(),
    )
}

#[test]
fn every_acknowledged_edit_is_synced_to_disk_before_it_is_acknowledged() {
    // The store's connection is private and PRAGMA synchronous is per connection, so the
    // setting itself cannot be read from outside; what it does can: FULL syncs the WAL at
    // every commit, NORMAL only at checkpoints. Counted with strace, when it runs here.
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let trace = directory.path().join("trace.txt");
    // The first writing command of the day also checks the pages and makes the daily
    // backup; the two measured below do neither.
    let Some(_) = syncs_for(&db, 1, &trace) else {
        println!("note: strace is not available; the sync count was not measured");
        return;
    };
    let few = syncs_for(&db, 10, &trace).unwrap();
    let many = syncs_for(&db, 40, &trace).unwrap();
    println!("disk syncs: {few} for 10 acknowledged edits, {many} for 40");
    assert!(
        many >= few + 30,
        "30 more acknowledged edits made only {} more disk syncs ({few} for 10, {many} for 40)",
        many.saturating_sub(few)
    );
}

// ----- 4. ids -----

#[test]
fn a_visit_started_after_a_draft_was_deleted_gets_a_new_id_and_no_history() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let by = crate::by();
    let (patient, deleted) = {
        let mut store = Store::open(&db).unwrap();
        let patient = store
            .create_patient(&by, &Patient::new("Ada Quill"))
            .unwrap();
        store
            .create_visit(
                &by,
                &Visit::new(patient, at("2026-03-02 09:30"), VisitKind::InitialExam),
            )
            .unwrap();
        let draft = store
            .create_visit(
                &by,
                &Visit::new(patient, at("2026-03-09 09:30"), VisitKind::FollowUp),
            )
            .unwrap();
        let mut record = store.visit(draft).unwrap();
        record.subjective = "stale text of a visit opened by mistake".into();
        store.update_visit(&by, &record).unwrap();
        assert_eq!(store.visit_history(draft).unwrap().len(), 2);
        store.delete_draft_visit(&by, draft).unwrap();
        (patient, draft)
    };

    // In a later session too: the id is remembered in the file, not in the process.
    let mut store = Store::open(&db).unwrap();
    let new = store
        .create_visit(
            &by,
            &Visit::new(patient, at("2026-03-09 10:00"), VisitKind::FollowUp),
        )
        .unwrap();
    assert_ne!(new, deleted, "the deleted visit's id was given again");
    let history = store.visit_history(new).unwrap();
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0].action, "insert");
    assert_eq!(history[0].row_id, new.0);
    let visit = store.visit(new).unwrap();
    assert_eq!(visit.subjective, "");
    assert!(store.visit(deleted).is_err());
    // The deleted visit's own history is still its own.
    let old = store.visit_history(deleted).unwrap();
    assert_eq!(
        old.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["insert", "update", "delete"]
    );
    let out = succeeds(&upstream(&db, &["history", &new.0.to_string()]));
    assert_eq!(
        out.lines().filter(|l| !l.starts_with(' ')).count(),
        1,
        "{out}"
    );
    assert!(!out.contains("stale text"), "{out}");
}

// ----- 6. the chain anchored outside the file -----

/// Rewrites `from` to `to` in the signed visit `visit` and in every audit row that
/// recorded it, and re-hashes the chain from the first such row to the end (with the
/// signatures' record of the chain), with the store's own hash function: what a script
/// with the passphrase and the source can do. Every trigger it drops is made again as it
/// was.
fn forge(db: &Path, visit: VisitId, from: &str, to: &str) {
    let conn = attacker(db);
    with_triggers_dropped(
        &conn,
        &[
            "visit_signed_update",
            "visit_audit_update",
            "audit_no_update",
        ],
        |conn| {
            let changed = conn
                .execute(
                    "UPDATE visit SET subjective = replace(subjective, ?1, ?2) WHERE id = ?3",
                    rusqlite::params![from, to, visit.0],
                )
                .unwrap();
            assert_eq!(changed, 1);
            let first: i64 = conn
                .query_row(
                    "SELECT min(id) FROM audit WHERE instr(after, ?1) > 0 OR instr(before, ?1) > 0",
                    [from],
                    |row| row.get(0),
                )
                .unwrap();
            let mut previous: String = conn
                .query_row(
                    "SELECT coalesce((SELECT hash FROM audit WHERE id = ?1 - 1), '')",
                    [first],
                    |row| row.get(0),
                )
                .unwrap();
            type Row = (
                i64,
                String,
                String,
                String,
                i64,
                Option<i64>,
                String,
                Option<String>,
                Option<String>,
                String,
            );
            let rows: Vec<Row> = conn
                .prepare(
                    "SELECT id, at, actor, table_name, row_id, visit_id, action, before, after, hash
                     FROM audit WHERE id >= ?1 ORDER BY id",
                )
                .unwrap()
                .query_map([first], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                        r.get(9)?,
                    ))
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let mut renamed = vec![(from.to_owned(), to.to_owned())];
            let rewrite = |text: Option<String>, renamed: &[(String, String)]| {
                text.map(|mut text| {
                    for (old, new) in renamed {
                        text = text.replace(old, new);
                    }
                    text
                })
            };
            for (id, at, actor, table, row_id, visit_id, action, before, after, old_hash) in rows {
                let before = rewrite(before, &renamed);
                let after = rewrite(after, &renamed);
                let hash: String = conn
                    .query_row(
                        "SELECT upstream_audit_hash(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                        rusqlite::params![
                            previous, id, at, actor, table, row_id, visit_id, action, before, after
                        ],
                        |row| row.get(0),
                    )
                    .unwrap();
                conn.execute(
                    "UPDATE audit SET prev_hash = ?1, before = ?2, after = ?3, hash = ?4 WHERE id = ?5",
                    rusqlite::params![previous, before, after, hash, id],
                )
                .unwrap();
                renamed.push((old_hash, hash.clone()));
                previous = hash;
            }
            // The signature's copy of the chain head, which the trail's image of it holds.
            for (old, new) in &renamed[1..] {
                conn.execute(
                    "UPDATE visit SET signed_chain = replace(signed_chain, ?1, ?2) WHERE instr(signed_chain, ?1) > 0",
                    rusqlite::params![old, new],
                )
                .unwrap();
            }
        },
    );
}

#[test]
fn a_signed_note_rewritten_and_its_chain_rehashed_is_caught_against_earlier_copies() {
    let directory = tempfile::tempdir().unwrap();
    let folder = directory.path();
    let db = folder.join("notebook.sqlite3");
    let visit = {
        let mut store = Store::open(&db).unwrap();
        let (_, visit) = signed_visit(&mut store, "pain began lifting boxes at work");
        store
            .create_patient(&crate::by(), &Patient::new("Ben Okafor"))
            .unwrap();
        visit
    };
    let export = folder.join("export.json");
    succeeds(&upstream(
        &db,
        &[
            "export",
            "--unencrypted",
            "--json",
            export.to_str().unwrap(),
        ],
    ));
    let backup = folder.join("bk.sqlite3");
    succeeds(&upstream(&db, &["backup", backup.to_str().unwrap()]));
    let side = beside(&backup, ".head.json");
    assert!(
        side.exists(),
        "the backup has no side file with the chain's head"
    );
    Store::open(&db)
        .unwrap()
        .create_patient(&crate::by(), &Patient::new("Cy Later"))
        .unwrap();
    succeeds(&upstream(
        &db,
        &["audit", "verify", "--against", backup.to_str().unwrap()],
    ));

    forge(
        &db,
        visit,
        "lifting boxes at work",
        "after a fall from a ladder",
    );

    // The forgery is what the notebook now says, history included.
    {
        let store = Store::open(&db).unwrap();
        assert!(store.visit(visit).unwrap().subjective.contains("ladder"));
        let history = store.visit_history(visit).unwrap();
        assert!(
            history
                .iter()
                .any(|e| e.after.as_deref().is_some_and(|a| a.contains("ladder")))
        );
        assert!(
            !history
                .iter()
                .any(|e| e.after.as_deref().is_some_and(|a| a.contains("boxes")))
        );
    }
    // The trail on its own can no longer tell (the forgery re-hashed every link)...
    let alone = upstream(&db, &["audit", "verify"]);
    if !alone.status.success() {
        println!(
            "note: the trail alone already caught the forgery: {}",
            stderr(&alone)
        );
    }
    // ...but against any copy made before, the rewritten trail is named.
    for copy in [&backup, &side, &export] {
        let output = upstream(
            &db,
            &["audit", "verify", "--against", copy.to_str().unwrap()],
        );
        assert_eq!(
            output.status.code(),
            Some(1),
            "{copy:?}: {}",
            stdout(&output)
        );
        let message = stderr(&output);
        assert!(message.contains("audit trail"), "{copy:?}: {message}");
        assert!(message.contains("rewritten"), "{copy:?}: {message}");
        assert!(
            stdout(&output).contains(&copy.display().to_string()),
            "{copy:?}: {}",
            stdout(&output)
        );
    }
    let all = upstream(
        &db,
        &[
            "audit",
            "verify",
            "--against",
            backup.to_str().unwrap(),
            side.to_str().unwrap(),
            export.to_str().unwrap(),
        ],
    );
    assert_eq!(all.status.code(), Some(1));
    assert!(
        stdout(&all).matches("rewritten").count() >= 3,
        "{}",
        stdout(&all)
    );
    // And the copy still holds what was signed.
    let kept = store::check_backup(&backup, &Passphrase::none()).unwrap();
    assert_eq!(kept.visits, 1);
    let original = reader(&backup, None)
        .query_row(
            "SELECT subjective FROM visit WHERE id = ?1",
            [visit.0],
            |row| row.get::<_, String>(0),
        )
        .unwrap();
    assert!(original.contains("lifting boxes"), "{original}");
}

#[test]
fn a_deleted_last_addendum_is_caught_against_a_backup_made_after_it() {
    let directory = tempfile::tempdir().unwrap();
    let folder = directory.path();
    let db = folder.join("notebook.sqlite3");
    let visit = {
        let mut store = Store::open(&db).unwrap();
        let (_, visit) = signed_visit(&mut store, "calf tight after long run");
        let roe = crate::named("Dr. Roe");
        store
            .add_addendum(&roe, visit, "late entry", "phoned: better next day")
            .unwrap();
        store
            .add_addendum(
                &roe,
                visit,
                "correction",
                "it was the left calf, not the right",
            )
            .unwrap();
        visit
    };
    let backup = folder.join("bk.sqlite3");
    succeeds(&upstream(&db, &["backup", backup.to_str().unwrap()]));

    // The last addendum goes, with every audit row from its own to the end (here the
    // backup's record): no hash needs recomputing, the chain that is left is whole.
    let conn = attacker(&db);
    let (addendum, row): (i64, i64) = conn
        .query_row(
            "SELECT row_id, id FROM audit WHERE table_name = 'addendum' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    with_triggers_dropped(
        &conn,
        &[
            "addendum_no_delete",
            "audit_no_delete",
            "notebook_event_no_delete",
        ],
        |conn| {
            conn.execute(
                "DELETE FROM notebook_event WHERE id IN
                 (SELECT row_id FROM audit WHERE table_name = 'notebook_event' AND id > ?1)",
                [row],
            )
            .unwrap();
            conn.execute("DELETE FROM addendum WHERE id = ?1", [addendum])
                .unwrap();
            conn.execute("DELETE FROM audit WHERE id >= ?1", [row])
                .unwrap();
        },
    );
    drop(conn);
    let store = Store::open(&db).unwrap();
    let addenda = &store
        .timeline(store.visit(visit).unwrap().patient_id)
        .unwrap()[0]
        .addenda;
    assert_eq!(addenda.len(), 1, "the attack did not remove the addendum");
    drop(store);

    let alone = upstream(&db, &["audit", "verify"]);
    if !alone.status.success() {
        println!(
            "note: the trail alone already caught the deletion: {}",
            stderr(&alone)
        );
    }
    for copy in [backup.clone(), beside(&backup, ".head.json")] {
        let output = upstream(
            &db,
            &["audit", "verify", "--against", copy.to_str().unwrap()],
        );
        let message = fails_saying(&output, "audit trail");
        assert!(message.contains("removed"), "{copy:?}: {message}");
        assert!(
            message.contains(&format!("audit row {row}")),
            "{copy:?}: {message}"
        );
    }
}

#[test]
fn a_backup_whose_signing_triggers_were_dropped_is_refused_by_restore() {
    let directory = tempfile::tempdir().unwrap();
    let folder = directory.path();
    let db = folder.join("notebook.sqlite3");
    let visit = {
        let mut store = Store::open(&db).unwrap();
        signed_visit(&mut store, "calf tight after long run").1
    };
    let backup = folder.join("bk.sqlite3");
    succeeds(&upstream(&db, &["backup", backup.to_str().unwrap()]));
    let signing = [
        "visit_signed_update",
        "visit_signed_delete",
        "finding_signed_insert",
        "finding_signed_update",
        "finding_signed_delete",
    ];
    attacker(&backup)
        .execute_batch(
            &signing
                .iter()
                .map(|name| format!("DROP TRIGGER {name};"))
                .collect::<String>(),
        )
        .unwrap();
    // The file is otherwise sound: only the guards are gone.
    store::check_backup(&backup, &Passphrase::none()).unwrap();

    let error = store::check_restorable(&backup, &Passphrase::none()).unwrap_err();
    assert!(
        signing.iter().any(|name| error.to_string().contains(name)),
        "{error}"
    );
    let notebook = std::fs::read(&db).unwrap();
    let output = upstream(&db, &["restore", backup.to_str().unwrap()]);
    let message = fails_saying(&output, "not restored");
    assert!(message.contains("dropped"), "{message}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        notebook,
        "the notebook changed"
    );
    assert!(kept_aside(folder).is_empty());
    assert!(!beside(&db, ".restoring").exists());
    let store = Store::open(&db).unwrap();
    assert_eq!(store.visit(visit).unwrap().status, VisitStatus::Signed);
    assert!(store.verify_audit().unwrap().is_intact());
}

#[test]
fn audit_verify_names_a_dropped_trigger_and_a_signed_visit_changed_behind_it() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let visit = {
        let mut store = Store::open(&db).unwrap();
        signed_visit(&mut store, "calf tight after long run").1
    };
    succeeds(&upstream(&db, &["audit", "verify"]));

    let dropped = directory.path().join("dropped.sqlite3");
    std::fs::copy(&db, &dropped).unwrap();
    attacker(&dropped)
        .execute_batch("DROP TRIGGER visit_signed_update;")
        .unwrap();
    let output = upstream(&dropped, &["audit", "verify"]);
    assert_eq!(output.status.code(), Some(1));
    let message = fails_saying(&output, "visit_signed_update");
    assert!(message.contains("audit trail"), "{message}");
    assert!(message.contains("dropped"), "{message}");

    // Changed through the audit triggers while the guard was down, guard put back: the
    // trail records it, and verify says the visit changed after its signature.
    let conn = attacker(&db);
    with_triggers_dropped(&conn, &["visit_signed_update"], |conn| {
        conn.execute(
            "UPDATE visit SET plan = 'added after signing' WHERE id = ?1",
            [visit.0],
        )
        .unwrap();
    });
    drop(conn);
    let output = upstream(&db, &["audit", "verify"]);
    fails_saying(
        &output,
        &format!("visit {} was changed after it was signed", visit.0),
    );
}

// ----- 7. who did it -----

#[test]
fn each_change_is_recorded_under_the_clinician_who_made_it() {
    let mut store = Store::open_in_memory().unwrap();
    let (patient, signed) = signed_visit(&mut store, "calf tight");
    let draft = store
        .create_visit(
            &crate::by(),
            &Visit::new(patient, at("2026-03-09 09:30"), VisitKind::FollowUp),
        )
        .unwrap();
    store
        .add_addendum(&crate::named("Dr. Roe"), signed, "late entry", "phoned")
        .unwrap();
    let mut record = store.visit(draft).unwrap();
    record.subjective = "better".into();
    store.update_visit(&crate::by(), &record).unwrap();
    let history = store.visit_history(draft).unwrap();
    let update = history.last().unwrap();
    assert_eq!(update.action, "update");
    assert_eq!(update.actor, CLINICIAN, "{history:?}");
    let addendum = store.visit_history(signed).unwrap();
    assert_eq!(addendum.last().unwrap().actor, "Dr. Roe");
}

#[test]
fn export_backup_restore_and_rekey_each_leave_a_row_in_the_audit_trail() {
    let directory = tempfile::tempdir().unwrap();
    let folder = directory.path();
    let db = folder.join("notebook.sqlite3");
    let first = folder.join("first.sqlite3");
    {
        let mut store = Store::open(&db).unwrap();
        store
            .create_patient(&crate::by(), &Patient::new("Ada Quill"))
            .unwrap();
        store.backup_to(&crate::named("Dr. First"), &first).unwrap();
    }
    // The restore's row is in the notebook it restores.
    succeeds(&upstream(
        &db,
        &["restore", first.to_str().unwrap(), "--as", "Dr. Restorer"],
    ));
    {
        let mut store = Store::open(&db).unwrap();
        store
            .export_to(
                &crate::named("Dr. Exporter"),
                &folder.join("to-the-usb-stick.json"),
            )
            .unwrap();
        store
            .backup_to(&crate::named("Dr. Backer"), &folder.join("second.sqlite3"))
            .unwrap();
        store
            .rekey(
                &crate::named("Dr. Rekeyer"),
                &Passphrase::new("correct horse"),
            )
            .unwrap();
        let report = store.verify_audit().unwrap();
        assert!(report.is_intact(), "{:?}", report.problems);
    }
    let conn = reader(&db, Some("correct horse"));
    let events: Vec<(String, String, String)> = conn
        .prepare(
            "SELECT actor, json_extract(after, '$.what'), json_extract(after, '$.detail')
             FROM audit WHERE table_name = 'notebook_event' AND action = 'insert' ORDER BY id",
        )
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let who: Vec<(&str, &str)> = events
        .iter()
        .map(|(actor, what, _)| (actor.as_str(), what.as_str()))
        .collect();
    for expected in [
        ("Dr. Restorer", "restore"),
        ("Dr. Exporter", "export"),
        ("Dr. Backer", "backup"),
        ("Dr. Rekeyer", "rekey"),
    ] {
        assert!(
            who.contains(&expected),
            "{expected:?} missing from {events:?}"
        );
    }
    assert!(
        events
            .iter()
            .any(|(_, what, detail)| what == "export" && detail.contains("to-the-usb-stick")),
        "{events:?}"
    );
    // The backup's own row went with the notebook that was kept aside.
    assert!(!who.contains(&("Dr. First", "backup")), "{events:?}");
}

#[test]
fn a_writing_command_that_does_not_say_who_is_refused_and_the_notebook_s_clinician_is_used() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    Store::open(&db)
        .unwrap()
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let before = std::fs::read(&db).unwrap();
    let line = patient_line("Eve Nobody");
    for (args, input) in [
        (&["apply"][..], Some(line.as_bytes())),
        (&["sign", "1"], None),
        (&["backup", "elsewhere.sqlite3"], None),
    ] {
        // No --as, no UPSTREAM_CLINICIAN, whatever the login says.
        let mut bare = command(&db, args);
        bare.env("USER", "root");
        let output = finish(bare, input);
        let message = fails_saying(&output, "say who is making this change");
        assert!(message.contains("--as"), "{args:?}: {message}");
        assert_eq!(std::fs::read(&db).unwrap(), before, "{args:?}");
    }
    assert_eq!(Store::open(&db).unwrap().patient_count().unwrap(), 1);

    // With a clinician set in the notebook, that name is used; --as overrides it.
    let store = Store::open(&db).unwrap();
    store
        .set_clinician(Some(&crate::named("Dr. Settings")))
        .unwrap();
    drop(store);
    succeeds(&finish(
        command(&db, &["apply"]),
        Some(patient_line("Eve One").as_bytes()),
    ));
    let mut named = command(&db, &["apply", "--as", "Dr. Named"]);
    named.env("USER", "root");
    succeeds(&finish(named, Some(patient_line("Eve Two").as_bytes())));
    let conn = reader(&db, None);
    let actor = |name: &str| -> String {
        conn.query_row(
            "SELECT actor FROM audit WHERE table_name = 'patient' AND action = 'insert'
             AND json_extract(after, '$.name') = ?1",
            [name],
            |row| row.get(0),
        )
        .unwrap()
    };
    assert_eq!(actor("Eve One"), "Dr. Settings");
    assert_eq!(actor("Eve Two"), "Dr. Named");
}

// ----- 8. no plaintext left behind -----

#[test]
fn a_plaintext_rekey_copy_left_by_a_crash_is_removed_by_the_next_writing_command() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    Store::open(&db)
        .unwrap()
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let rekey = beside(&db, ".rekey");
    std::fs::write(
        &rekey,
        b"SQLite format 3\0 Ada Quill, calf pain, lives at 1 Elm St",
    )
    .unwrap();
    let backups = store::backup_folder(&db);
    std::fs::create_dir_all(&backups).unwrap();
    let partial = backups.join("notebook-2026-03-01.sqlite3.partial");
    std::fs::write(&partial, b"SQLite format 3\0 Ada Quill").unwrap();

    // The next writing command (which holds the lock) removes them.
    succeeds(&upstream_with(
        &db,
        &["apply"],
        Some(patient_line("Ben Okafor").as_bytes()),
        &[],
    ));
    assert!(!rekey.exists(), "the plaintext rekey copy is still there");
    assert!(!partial.exists(), "the partial backup is still there");
    assert_eq!(Store::open(&db).unwrap().patient_count().unwrap(), 2);
}

#[test]
fn exports_backups_and_restored_notebooks_are_readable_only_by_their_owner() {
    let directory = tempfile::tempdir().unwrap();
    let folder = directory.path();
    let db = folder.join("notebook.sqlite3");
    succeeds(&upstream_with(
        &db,
        &["apply"],
        Some(patient_line("Ada Quill").as_bytes()),
        &[],
    ));
    let export = folder.join("export.json");
    succeeds(&upstream(
        &db,
        &[
            "export",
            "--unencrypted",
            "--json",
            export.to_str().unwrap(),
        ],
    ));
    let backup = folder.join("bk.sqlite3");
    succeeds(&upstream(&db, &["backup", backup.to_str().unwrap()]));
    // A backup is its partial file given its name (a second link to the same file), so
    // the partial's mode is the backup's.
    let mut private = vec![
        export.clone(),
        backup.clone(),
        beside(&backup, ".head.json"),
    ];
    for daily in daily_backups(&store::backup_folder(&db)) {
        private.push(beside(&daily, ".head.json"));
        private.push(daily);
    }
    succeeds(&upstream(&db, &["restore", backup.to_str().unwrap()]));
    // The restored notebook is the restore's private copy, renamed.
    private.push(db.clone());
    for path in &private {
        assert_eq!(mode(path), 0o600, "{path:?} is {:o}", mode(path));
    }
    // Nothing half-written is left.
    let leftovers = files_in(folder, |name| {
        name.ends_with(".partial") || name.ends_with(".restoring")
    });
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_export_without_saying_unencrypted_is_refused_and_writes_nothing() {
    let directory = tempfile::tempdir().unwrap();
    let folder = directory.path();
    let db = folder.join("notebook.sqlite3");
    Store::open(&db)
        .unwrap()
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let before = files_in(folder, |_| true);
    let notebook = std::fs::read(&db).unwrap();
    let export = folder.join("export.json");
    let output = upstream(&db, &["export", "--json", export.to_str().unwrap()]);
    let message = fails_saying(&output, "--unencrypted");
    assert!(message.contains("not be encrypted"), "{message}");
    assert!(!export.exists());
    assert_eq!(files_in(folder, |_| true), before);
    assert_eq!(std::fs::read(&db).unwrap(), notebook);
}

#[test]
fn a_failed_export_leaves_no_partial_file() {
    let directory = tempfile::tempdir().unwrap();
    let folder = directory.path();
    let db = folder.join("notebook.sqlite3");
    Store::open(&db)
        .unwrap()
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    // The name is taken by a folder: the export is written, then cannot take the name.
    let export = folder.join("export.json");
    std::fs::create_dir(&export).unwrap();
    let output = upstream(
        &db,
        &[
            "export",
            "--unencrypted",
            "--json",
            export.to_str().unwrap(),
        ],
    );
    assert!(!output.status.success(), "{}", stdout(&output));
    let leftovers = files_in(folder, |name| name.contains(".partial"));
    assert!(
        leftovers.is_empty(),
        "a failed export left the plaintext behind: {leftovers:?}"
    );
}

// ----- 9. backups -----

#[test]
fn a_backup_finishes_while_another_connection_keeps_writing() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    {
        let mut store = Store::open(&db).unwrap();
        let note = "palpable taut band in the soleus, referred ache to the heel; ".repeat(300);
        let records: Vec<PatientRecord> = (0..250)
            .map(|n| {
                let mut visit =
                    Visit::new(PatientId(0), at("2026-03-02 09:30"), VisitKind::FollowUp);
                visit.subjective = format!("{n} {note}");
                PatientRecord {
                    patient: Patient::new(format!("Bulk Patient {n}")),
                    visits: vec![VisitRecord {
                        visit,
                        ..VisitRecord::default()
                    }],
                    letters: Vec::new(),
                }
            })
            .collect();
        store.insert_records(&crate::by(), &records).unwrap();
    }
    let size = std::fs::metadata(&db).unwrap().len()
        + std::fs::metadata(beside(&db, "-wal")).map_or(0, |m| m.len());
    assert!(size > 4 << 20, "the notebook is only {size} bytes");

    let stop = Arc::new(AtomicBool::new(false));
    let committed = Arc::new(AtomicU64::new(0));
    let writer = {
        let (db, stop, committed) = (db.clone(), stop.clone(), committed.clone());
        std::thread::spawn(move || {
            let mut store = Store::open(&db).unwrap();
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                store
                    .create_patient(&crate::by(), &Patient::new(format!("Walk-in {n}")))
                    .unwrap();
                n += 1;
                committed.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    // The writer is under way before the backup starts.
    let deadline = Instant::now() + Duration::from_secs(30);
    while committed.load(Ordering::SeqCst) < 3 {
        assert!(Instant::now() < deadline, "the writer never committed");
        std::thread::yield_now();
    }
    let backup = directory.path().join("bk.sqlite3");
    let (done, finished) = std::sync::mpsc::channel();
    let started_at = committed.load(Ordering::SeqCst);
    let clock = Instant::now();
    {
        let (db, backup) = (db.clone(), backup.clone());
        std::thread::spawn(move || {
            let store = Store::open(&db).unwrap();
            let _ = done.send(store.backup_to(&crate::by(), &backup));
        });
    }
    let result = finished.recv_timeout(Duration::from_secs(120));
    let ended_at = committed.load(Ordering::SeqCst);
    let elapsed = clock.elapsed();
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
    let check = result
        .expect("the backup did not finish in 120 s while edits kept arriving")
        .unwrap();
    assert!(
        ended_at > started_at,
        "no edit was committed while the backup ran"
    );
    let checked = store::check_backup(&backup, &Passphrase::none()).unwrap();
    assert_eq!(checked, check);
    // One consistent moment: the 250 patients and the walk-ins committed before it.
    assert!(
        (250 + started_at as i64..=250 + ended_at as i64).contains(&checked.patients),
        "{} patients in the backup; {started_at}..{ended_at} walk-ins around it",
        checked.patients
    );
    println!(
        "backup of {size} bytes took {:?}, with {} edits committed meanwhile",
        elapsed,
        ended_at - started_at
    );
}

#[test]
fn daily_backups_with_the_clock_set_back_are_kept_and_rotated_in_the_order_made() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let mut store = Store::open(&db).unwrap();
    store
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let folder = store::backup_folder(&db);
    let nine = |date: NaiveDate| date.and_hms_opt(9, 0, 0).unwrap();

    let (future, _) = store
        .rotate_backups(&crate::by(), &folder, nine(day("2026-03-20")))
        .unwrap()
        .expect("a first backup");
    // The clock is set back five days: today's backup is made, and kept.
    let (set_back, _) = store
        .rotate_backups(&crate::by(), &folder, nine(day("2026-03-15")))
        .unwrap()
        .expect("no backup was made on the day the clock went back");
    assert_ne!(set_back, future);
    assert!(
        set_back.exists(),
        "the new backup was removed in the call that made it"
    );
    assert!(future.exists());
    for hour in [10, 18] {
        let later = day("2026-03-15").and_hms_opt(hour, 0, 0).unwrap();
        assert_eq!(
            store.rotate_backups(&crate::by(), &folder, later).unwrap(),
            None
        );
    }
    assert_eq!(daily_backups(&folder).len(), 2);

    // Day after day from there: the one dated in the future goes when it is the oldest
    // made beyond the fourteen kept, not never.
    let mut made = vec![future.clone(), set_back.clone()];
    for date in day("2026-03-16").iter_days().take(store::BACKUPS_KEPT) {
        store
            .create_patient(&crate::by(), &Patient::new(format!("Patient of {date}")))
            .unwrap();
        let (path, check) = store
            .rotate_backups(&crate::by(), &folder, nine(date))
            .unwrap()
            .unwrap_or_else(|| panic!("no backup on {date}"));
        assert!(path.exists());
        assert_eq!(check.patients, store.patient_count().unwrap());
        assert_eq!(
            store
                .rotate_backups(&crate::by(), &folder, nine(date))
                .unwrap(),
            None
        );
        made.push(path);
        let expected: BTreeSet<&PathBuf> = made.iter().rev().take(store::BACKUPS_KEPT).collect();
        let on_disk = daily_backups(&folder);
        assert_eq!(
            on_disk.iter().collect::<BTreeSet<_>>(),
            expected,
            "after {date}"
        );
        let made_after_future = made.len() - 1;
        assert_eq!(
            future.exists(),
            made_after_future < store::BACKUPS_KEPT,
            "after {date}"
        );
    }
    assert!(!future.exists() && !set_back.exists());
    assert!(!beside(&future, ".head.json").exists());
}

#[test]
fn a_writing_command_makes_today_s_backup_once() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    Store::open(&db)
        .unwrap()
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let folder = store::backup_folder(&db);
    assert!(daily_backups(&folder).is_empty());
    succeeds(&upstream_with(
        &db,
        &["apply"],
        Some(patient_line("Ben Okafor").as_bytes()),
        &[],
    ));
    let todays = folder.join(format!("notebook-{}.sqlite3", today()));
    assert_eq!(daily_backups(&folder), vec![todays.clone()]);
    let check = store::check_backup(&todays, &Passphrase::none()).unwrap();
    assert_eq!(check.patients, 2, "the backup lacks the command's own edit");
    assert!(store::read_side(&todays).is_some_and(|side| side.head.is_some()));
    succeeds(&upstream_with(
        &db,
        &["apply"],
        Some(patient_line("Cy Later").as_bytes()),
        &[],
    ));
    assert_eq!(daily_backups(&folder), vec![todays]);
}

// ----- 10. the page check -----

#[test]
fn the_pages_are_checked_after_a_crash_and_once_a_day_otherwise() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let today = today();
    succeeds(&upstream_with(
        &db,
        &["apply"],
        Some(patient_line("Ada Quill").as_bytes()),
        &[],
    ));
    // Checked today by that command, closed cleanly: not due again today.
    {
        let lock = acquire_when_free(&db);
        assert!(!lock.page_check_due(today));
        assert!(lock.page_check_due(today.succ_opt().unwrap()));
    }

    // An `apply` killed mid-stream, after its first edit was acknowledged.
    let mut killed = command(&db, &["apply"]);
    killed.env("UPSTREAM_CLINICIAN", CLINICIAN);
    let mut child = killed.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input
        .write_all(patient_line("Ben Before Kill").as_bytes())
        .unwrap();
    input.flush().unwrap();
    let mut acknowledged = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut acknowledged)
        .unwrap();
    assert!(acknowledged.starts_with("{\"line\":1"), "{acknowledged}");
    child.kill().unwrap();
    child.wait().unwrap();
    drop(input);

    let mut lock = acquire_when_free(&db);
    assert!(
        lock.page_check_due(today),
        "an unclean end does not call for a page check"
    );
    lock.checked_today(today);
    drop(lock);
    let lock = acquire_when_free(&db);
    assert!(!lock.page_check_due(today));
    drop(lock);
    let store = Store::open(&db).unwrap();
    assert!(patient_names(&store).contains("Ben Before Kill"));
}

// ----- 11. locks by identity -----

#[test]
fn a_notebook_in_use_is_refused_through_a_symlink_or_a_hard_link() {
    let directory = tempfile::tempdir().unwrap();
    let folder = directory.path();
    let db = folder.join("notebook.sqlite3");
    Store::open(&db)
        .unwrap()
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let symlink = folder.join("shortcut.sqlite3");
    std::os::unix::fs::symlink(&db, &symlink).unwrap();
    let elsewhere = folder.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let hard = elsewhere.join("same-file.sqlite3");
    std::fs::hard_link(&db, &hard).unwrap();
    let before = std::fs::read(&db).unwrap();

    let lock = acquire_when_free(&db);
    for other in [&symlink, &hard] {
        let error = NotebookLock::acquire(other).unwrap_err();
        assert!(
            matches!(error, StoreError::InUse { .. }),
            "{other:?}: {error}"
        );
        let output = upstream_with(
            other,
            &["apply"],
            Some(patient_line("Eve Through A Link").as_bytes()),
            &[],
        );
        fails_saying(&output, "already open");
        assert!(stdout(&output).is_empty());
        assert_eq!(std::fs::read(&db).unwrap(), before, "{other:?}");
        assert!(!beside(&db, "-wal").exists(), "{other:?}");
        assert!(!beside(&hard, "-wal").exists(), "{other:?}");
    }
    drop(lock);
    // The other way round too: held through the link, refused by its real name.
    let lock = NotebookLock::acquire(&symlink).unwrap();
    assert!(matches!(
        NotebookLock::acquire(&db).unwrap_err(),
        StoreError::InUse { .. }
    ));
    drop(lock);
    succeeds(&upstream_with(
        &symlink,
        &["apply"],
        Some(patient_line("Eve Through A Link").as_bytes()),
        &[],
    ));
    assert_eq!(Store::open(&db).unwrap().patient_count().unwrap(), 2);
}

// ----- 12. words -----

/// Runs `args` on `db` as the unprivileged user `nobody` when the tests run as root
/// (for whom permission bits do not stop a write), or as this user otherwise.
fn as_unprivileged(db: &Path, args: &[&str], env: &[(&str, &str)]) -> Option<Output> {
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid() == 0
    });
    let mut command = if root {
        if Command::new("setpriv").arg("--version").output().is_err() {
            return None;
        }
        let mut command = Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
        command.arg(env!("CARGO_BIN_EXE_upstream"));
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_upstream"))
    };
    command
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("UPSTREAM_DB")
        .env_remove("UPSTREAM_PASSPHRASE")
        .env("UPSTREAM_CLINICIAN", CLINICIAN)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    Some(finish(command, Some(patient_line("Eve").as_bytes())))
}

#[test]
fn a_read_only_folder_is_called_read_only_not_a_wrong_passphrase() {
    use std::os::unix::fs::PermissionsExt;
    let directory = tempfile::tempdir().unwrap();
    let folder = directory.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    let db = folder.join("notebook.sqlite3");
    let passphrase = "correct horse";
    {
        let mut store = Store::open_with(&db, &Passphrase::new(passphrase)).unwrap();
        store
            .create_patient(&crate::by(), &Patient::new("Ada Quill"))
            .unwrap();
    }
    // The notebook belongs to whoever runs the command; only the folder is read-only.
    std::fs::set_permissions(directory.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).unwrap();
    if std::fs::metadata("/proc/self").is_ok_and(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid() == 0
    }) {
        std::os::unix::fs::chown(&db, Some(65534), Some(65534)).unwrap();
    }
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    let restore = || {
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    let probe = as_unprivileged(&folder.join("probe"), &["apply"], &[]);
    let Some(probe) = probe else {
        restore();
        println!("note: no way to run without root here; the read-only folder was not tried");
        return;
    };
    if folder.join("probe").exists() || probe.status.success() {
        restore();
        println!("note: the read-only folder could still be written; skipped");
        return;
    }
    let before = std::fs::read(&db).unwrap();
    let mut said = Vec::new();
    for args in [&["patients"][..], &["apply"]] {
        let output = as_unprivileged(&db, args, &[("UPSTREAM_PASSPHRASE", passphrase)]).unwrap();
        let message = stderr(&output);
        said.push((args, output.status.success(), message));
    }
    restore();
    assert_eq!(std::fs::read(&db).unwrap(), before);
    for (args, success, message) in said {
        assert!(!success, "{args:?} succeeded in a read-only folder");
        assert!(!message.contains("passphrase"), "{args:?}: {message}");
        assert!(message.contains("read-only"), "{args:?}: {message}");
    }
}

#[test]
fn a_damaged_first_page_of_an_encrypted_notebook_is_not_called_only_a_wrong_passphrase() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    Store::open_with(&db, &Passphrase::new("correct horse"))
        .unwrap()
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    let mut bytes = std::fs::read(&db).unwrap();
    for byte in &mut bytes[100..400] {
        *byte ^= 0x5A;
    }
    std::fs::write(&db, &bytes).unwrap();
    let output = upstream_with(
        &db,
        &["patients"],
        None,
        &[("UPSTREAM_PASSPHRASE", "correct horse")],
    );
    let message = fails_saying(&output, "damaged");
    assert!(message.contains("nothing was changed"), "{message}");
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
}

#[test]
fn a_failed_audit_check_speaks_of_the_audit_trail() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    Store::open(&db)
        .unwrap()
        .create_patient(&crate::by(), &Patient::new("Ada Quill"))
        .unwrap();
    attacker(&db)
        .execute_batch("DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'someone else';")
        .unwrap();
    let output = upstream(&db, &["audit", "verify"]);
    let message = fails_saying(&output, "audit trail");
    assert!(!message.contains("knowledge base"), "{message}");
}

#[test]
fn a_record_the_schema_refuses_is_explained_in_the_clinic_s_words() {
    let mut store = Store::open_in_memory().unwrap();
    let error = store
        .create_visit(
            &crate::by(),
            &Visit::new(PatientId(9999), at("2026-03-02 09:30"), VisitKind::FollowUp),
        )
        .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("patient"), "{message}");
    assert!(!message.contains("FOREIGN KEY"), "{message}");
    assert!(!message.contains("constraint"), "{message}");

    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let output = upstream_with(
        &db,
        &["apply"],
        Some(b"{\"op\":\"visit\",\"patient\":9999,\"at\":\"2026-03-02T09:30:00\"}\n"),
        &[],
    );
    let message = fails_saying(&output, "line 1");
    assert!(message.contains("patient"), "{message}");
    assert!(!message.contains("FOREIGN KEY"), "{message}");
    assert!(!message.contains("constraint"), "{message}");
}

#[test]
fn names_are_printed_without_terminal_escape_codes() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let mut store = Store::open(&db).unwrap();
    // Through the store, a name loses its control characters before it is saved.
    let cleaned = store
        .create_patient(&crate::by(), &Patient::new("Ada\u{1b}[2J Quill"))
        .unwrap();
    assert!(!store.patient(cleaned).unwrap().name.contains('\u{1b}'));
    drop(store);
    // One written by something else (an older Upstream, a database tool) still has them.
    let raw = attacker(&db);
    raw.execute(
        "INSERT INTO patient (name) VALUES ('Eve' || char(27) || '[2J' || char(27) || '[31mMallory')",
        [],
    )
    .unwrap();
    let eve = PatientId(raw.last_insert_rowid());
    drop(raw);
    let mut store = Store::open(&db).unwrap();
    store
        .create_visit(
            &crate::by(),
            &Visit::new(eve, at("2026-03-02 09:30"), VisitKind::FollowUp),
        )
        .unwrap();
    drop(store);

    for args in [
        &["patients"][..],
        &["patients", "--search", "eve"],
        &["timeline", &eve.0.to_string()],
    ] {
        let output = upstream(&db, args);
        let out = succeeds(&output);
        assert!(
            out.contains("[2J"),
            "{args:?}: the name is not shown: {out}"
        );
        assert!(
            !output.stdout.contains(&0x1b),
            "{args:?} printed an escape: {out:?}"
        );
    }
}

#[test]
fn unsigned_drafts_are_listed_without_terminal_escape_codes() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    Store::open(&db).unwrap();
    let raw = attacker(&db);
    raw.execute(
        "INSERT INTO patient (name) VALUES ('Eve' || char(27) || '[2JMallory')",
        [],
    )
    .unwrap();
    let eve = PatientId(raw.last_insert_rowid());
    drop(raw);
    Store::open(&db)
        .unwrap()
        .create_visit(
            &crate::by(),
            &Visit::new(eve, at("2026-03-02 09:30"), VisitKind::FollowUp),
        )
        .unwrap();
    let output = upstream(&db, &["drafts", "--older-than", "1"]);
    let out = succeeds(&output);
    assert!(out.contains("[2JMallory"), "{out}");
    assert!(
        !output.stdout.contains(&0x1b),
        "drafts printed an escape: {out:?}"
    );
}

#[test]
fn a_name_of_invisible_characters_cannot_stand_on_the_record() {
    let invisible = "\u{200B}\u{2060}\u{FEFF}";
    let mut store = Store::open_in_memory().unwrap();
    let error = store
        .create_patient(&crate::by(), &Patient::new(invisible))
        .unwrap_err();
    assert!(error.to_string().contains("name"), "{error}");
    assert_eq!(store.patient_count().unwrap(), 0);
    assert!(upstream::store::Actor::new("\u{200B}").is_none());

    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let visit = {
        let mut store = Store::open(&db).unwrap();
        let patient = store
            .create_patient(&crate::by(), &Patient::new("Ada Quill"))
            .unwrap();
        store
            .create_visit(
                &crate::by(),
                &Visit::new(patient, at("2026-03-02 09:30"), VisitKind::FollowUp),
            )
            .unwrap()
    };
    let output = upstream_with(
        &db,
        &["apply"],
        Some(format!("{{\"op\":\"patient\",\"name\":\"{invisible}\"}}\n").as_bytes()),
        &[],
    );
    let message = fails_saying(&output, "line 1");
    assert!(message.contains("name"), "{message}");
    let output = upstream(&db, &["sign", &visit.0.to_string(), "--as", "\u{200B}"]);
    let message = fails_saying(&output, "no visible letters");
    assert!(stdout(&output).is_empty(), "{message}");
    let store = Store::open(&db).unwrap();
    assert_eq!(store.visit(visit).unwrap().status, VisitStatus::Draft);
    assert_eq!(store.patient_count().unwrap(), 1);
}

#[test]
fn signing_a_visit_dated_in_the_future_warns() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let now = chrono::Local::now().naive_local();
    let (ahead, today_visit) = {
        let mut store = Store::open(&db).unwrap();
        let patient = store
            .create_patient(&crate::by(), &Patient::new("Ada Quill"))
            .unwrap();
        let ahead = store
            .create_visit(
                &crate::by(),
                &Visit::new(
                    patient,
                    now + chrono::TimeDelta::days(7),
                    VisitKind::FollowUp,
                ),
            )
            .unwrap();
        let today_visit = store
            .create_visit(
                &crate::by(),
                &Visit::new(
                    patient,
                    now - chrono::TimeDelta::minutes(30),
                    VisitKind::FollowUp,
                ),
            )
            .unwrap();
        (ahead, today_visit)
    };
    let output = upstream(&db, &["sign", &ahead.0.to_string(), "--as", "Dr. Lee"]);
    succeeds(&output);
    let warning = stderr(&output);
    assert!(warning.contains("future"), "no warning: {warning}");
    assert!(
        warning.contains(
            &(now + chrono::TimeDelta::days(7))
                .format("%Y-%m-%d")
                .to_string()
        ),
        "{warning}"
    );
    let output = upstream(
        &db,
        &["sign", &today_visit.0.to_string(), "--as", "Dr. Lee"],
    );
    succeeds(&output);
    assert!(!stderr(&output).contains("future"), "{}", stderr(&output));
}

#[test]
fn one_line_that_is_not_utf8_does_not_stop_an_apply_stream() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let mut input = patient_line("Ada Quill").into_bytes();
    input.extend_from_slice(b"{\"op\":\"patient\",\"name\":\"Z\xff\xfe\"}\n");
    input.extend_from_slice(patient_line("Ben Okafor").as_bytes());
    let output = upstream_with(&db, &["apply"], Some(&input), &[]);
    let acknowledged: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let lines: Vec<i64> = acknowledged
        .iter()
        .map(|ack| ack["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [1, 3], "{}", stdout(&output));
    let message = fails_saying(&output, "line 2");
    assert!(message.contains("UTF-8"), "{message}");
    let names = patient_names(&Store::open(&db).unwrap());
    assert_eq!(names, ["Ada Quill", "Ben Okafor"].map(str::to_owned).into());
}

/// Takes the notebook's lock in a test that runs beside others spawning `upstream`: a
/// sibling test's child, between its fork and its exec, briefly holds a copy of every
/// descriptor this process has open, the lock file's among them, and with it the lock
/// (flock follows the open file, not the process). That copy goes at the exec; any other
/// holder is a fault and still fails here.
fn acquire_when_free(db: &std::path::Path) -> NotebookLock {
    let mut attempts = 0;
    loop {
        match NotebookLock::acquire(db) {
            Err(upstream::store::StoreError::InUse { .. }) if attempts < 10_000 => {
                attempts += 1;
                std::thread::yield_now();
            }
            other => return other.unwrap(),
        }
    }
}
