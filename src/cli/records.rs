//! The record's integrity from the command line: opening a notebook with its passphrase
//! and lock, signing, addenda, a visit's history, the audit check, backups, restore, the
//! passphrase, and `apply`, a stream of edits for scripts (and the crash test).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde::{Deserialize, Serialize};

use crate::model::{FindingId, Patient};
use crate::model::{PatientId, Visit, VisitId, VisitKind, Vocabulary, shorthand};
use crate::store::{self, FileKind, NotebookLock, Passphrase, Store, StoreError};

use super::{CliError, stdout_error, write_json};

/// The variable the command line reads the passphrase from before it asks.
pub const PASSPHRASE_VARIABLE: &str = "UPSTREAM_PASSPHRASE";
/// The variable `rekey` reads the new passphrase from before it asks.
pub const NEW_PASSPHRASE_VARIABLE: &str = "UPSTREAM_NEW_PASSPHRASE";

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain and compare the data with it; exit 1 at the first broken link
    Verify {
        #[arg(long)]
        json: bool,
    },
}

/// The passphrase for `path`: `UPSTREAM_PASSPHRASE`, or asked for at the terminal when the
/// notebook is encrypted. A new or plain notebook without the variable has none.
pub fn passphrase_for(path: &Path) -> Result<Passphrase, CliError> {
    if let Ok(text) = std::env::var(PASSPHRASE_VARIABLE) {
        return Ok(Passphrase::new(text));
    }
    match store::probe(path)? {
        FileKind::Encrypted => ask(&format!("Passphrase for {}: ", path.display())).map_err(|_| {
            CliError::Usage(format!(
                "{} is encrypted: set {PASSPHRASE_VARIABLE} or run from a terminal",
                path.display()
            ))
        }),
        FileKind::New | FileKind::Plain => Ok(Passphrase::none()),
    }
}

fn ask(prompt: &str) -> std::io::Result<Passphrase> {
    rpassword::prompt_password(prompt).map(Passphrase::new)
}

/// Opens the notebook to read it.
pub fn open(path: &Path) -> Result<Store, CliError> {
    Ok(Store::open_with(path, &passphrase_for(path)?)?)
}

/// Opens the notebook to change it, holding its lock so that a window or another command
/// cannot write to it at the same time.
pub fn open_to_write(path: &Path) -> Result<(Store, NotebookLock), CliError> {
    let lock = NotebookLock::acquire(path)?;
    let store = open(path)?;
    store.check_pages()?;
    Ok((store, lock))
}

pub fn sign(path: &Path, visit: i64, by: &str, out: &mut impl Write) -> Result<(), CliError> {
    let (mut store, _lock) = open_to_write(path)?;
    store.set_actor(by);
    let signature = store.sign_visit(VisitId(visit), by)?;
    writeln!(
        out,
        "visit {visit} signed by {} at {}",
        signature.by,
        signature.at.format("%Y-%m-%d %H:%M:%S")
    )
    .map_err(stdout_error)
}

pub fn addendum(
    path: &Path,
    visit: i64,
    author: &str,
    reason: &str,
    text: &str,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let (mut store, _lock) = open_to_write(path)?;
    store.set_actor(author);
    let addendum = store.add_addendum(VisitId(visit), author, reason, text)?;
    writeln!(
        out,
        "addendum {} to visit {visit} by {} at {}",
        addendum.id.0,
        addendum.author,
        addendum.written_at.format("%Y-%m-%d %H:%M:%S")
    )
    .map_err(stdout_error)
}

pub fn history(path: &Path, visit: i64, json: bool, out: &mut impl Write) -> Result<(), CliError> {
    let store = open(path)?;
    store.visit(VisitId(visit))?;
    let entries = store.visit_history(VisitId(visit))?;
    if json {
        return write_json(out, &entries);
    }
    for entry in &entries {
        writeln!(
            out,
            "{}  {:<20}  {}",
            entry.at,
            entry.actor,
            entry.summary()
        )
        .map_err(stdout_error)?;
        for change in entry.changes() {
            writeln!(out, "      {change}").map_err(stdout_error)?;
        }
    }
    Ok(())
}

pub fn audit(path: &Path, command: &AuditCommand, out: &mut impl Write) -> Result<(), CliError> {
    let AuditCommand::Verify { json } = command;
    let store = open(path)?;
    let report = store.verify_audit()?;
    if *json {
        write_json(out, &report)?;
    } else if report.is_intact() {
        writeln!(
            out,
            "audit trail intact: {} rows, every link holds and the data matches it",
            report.rows
        )
        .map_err(stdout_error)?;
    } else {
        for problem in &report.problems {
            writeln!(out, "{problem}").map_err(stdout_error)?;
        }
    }
    match report.problems.first() {
        None => Ok(()),
        Some(first) => Err(CliError::Check(format!(
            "the audit trail is broken; first broken link: {first}"
        ))),
    }
}

pub fn drafts(path: &Path, days: u32, out: &mut impl Write) -> Result<(), CliError> {
    let store = open(path)?;
    let now = chrono::Local::now().naive_local();
    let drafts = store.unsigned_drafts(days, now)?;
    if drafts.is_empty() {
        return writeln!(out, "no unsigned visits older than {days} days").map_err(stdout_error);
    }
    writeln!(
        out,
        "{} unsigned visits older than {days} days:",
        drafts.len()
    )
    .map_err(stdout_error)?;
    for (name, visit) in &drafts {
        writeln!(
            out,
            "  visit {:>6}  {}  {}",
            visit.id,
            visit.started_at.format("%Y-%m-%d %H:%M"),
            name
        )
        .map_err(stdout_error)?;
    }
    Ok(())
}

pub fn backup(path: &Path, destination: &Path, out: &mut impl Write) -> Result<(), CliError> {
    let store = open(path)?;
    let check = store.backup_to(destination)?;
    writeln!(
        out,
        "backed up {} patients and {} visits to {}; integrity check ok",
        check.patients,
        check.visits,
        check.path.display()
    )
    .map_err(stdout_error)
}

pub fn restore(path: &Path, backup: &Path, out: &mut impl Write) -> Result<(), CliError> {
    let _lock = NotebookLock::acquire(path)?;
    let passphrase = match std::env::var(PASSPHRASE_VARIABLE) {
        Ok(text) => Passphrase::new(text),
        Err(_) if store::probe(backup)? == FileKind::Encrypted => {
            ask(&format!("Passphrase for {}: ", backup.display()))
                .map_err(|_| CliError::Usage(format!("set {PASSPHRASE_VARIABLE}")))?
        }
        Err(_) => Passphrase::none(),
    };
    let report = store::restore(path, backup, &passphrase)?;
    writeln!(
        out,
        "restored {} patients and {} visits from {} into {}",
        report.restored.patients,
        report.restored.visits,
        backup.display(),
        path.display()
    )
    .map_err(stdout_error)?;
    if let Some(aside) = report.set_aside {
        writeln!(
            out,
            "the notebook that was there is kept as {}",
            aside.display()
        )
        .map_err(stdout_error)?;
    }
    Ok(())
}

pub fn rekey(path: &Path, out: &mut impl Write) -> Result<(), CliError> {
    let (mut store, lock) = open_to_write(path)?;
    let new = match std::env::var(NEW_PASSPHRASE_VARIABLE) {
        Ok(text) => Passphrase::new(text),
        Err(_) => {
            let unavailable = |_| CliError::Usage(format!("set {NEW_PASSPHRASE_VARIABLE}"));
            let first = ask("New passphrase (empty: no encryption): ").map_err(unavailable)?;
            let again = ask("The new passphrase again: ").map_err(unavailable)?;
            if first != again {
                return Err(CliError::Usage(
                    "the two passphrases differ; nothing was changed".into(),
                ));
            }
            first
        }
    };
    store.rekey(&new)?;
    drop(lock);
    let said = if store.is_encrypted() {
        "the notebook is encrypted under the new passphrase"
    } else {
        "the notebook is now NOT encrypted: anyone with the file can read it"
    };
    writeln!(out, "{said}: {}", path.display()).map_err(stdout_error)
}

/// One edit of an `apply` stream.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Edit {
    Patient {
        name: String,
    },
    Visit {
        patient: i64,
        at: chrono::NaiveDateTime,
        #[serde(default)]
        complaint: String,
    },
    /// Findings in quick-entry shorthand: "R calf tightness; R lat ankle pain 4".
    Findings {
        visit: i64,
        text: String,
    },
    /// Interventions in quick-entry shorthand: "STM soleus R 8 min".
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

/// What `apply` prints for each committed edit: one JSON line, written only after the
/// edit's transaction has committed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Committed {
    pub line: usize,
    pub ids: Vec<i64>,
}

/// Applies the edits on `input`, one JSON object per line, each in its own transaction,
/// and says on `out` when each has committed. A bad line is reported on stderr and the
/// rest still run; the exit status then says something failed.
pub fn apply(path: &Path, input: impl BufRead, out: &mut impl Write) -> Result<(), CliError> {
    let (mut store, _lock) = open_to_write(path)?;
    let vocabulary = Vocabulary::builtin();
    let mut failures = 0;
    for (index, line) in input.lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|source| CliError::Io {
            path: PathBuf::from("<stdin>"),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let outcome = serde_json::from_str::<Edit>(&line)
            .map_err(|error| error.to_string())
            .and_then(|edit| apply_one(&mut store, vocabulary, &edit));
        match outcome {
            Ok(ids) => {
                serde_json::to_writer(&mut *out, &Committed { line: number, ids })
                    .map_err(|error| stdout_error(error.into()))?;
                writeln!(out).map_err(stdout_error)?;
                out.flush().map_err(stdout_error)?;
            }
            Err(message) => {
                failures += 1;
                eprintln!("upstream: line {number}: {message}");
            }
        }
    }
    if failures == 0 {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "{failures} edits were not applied"
        )))
    }
}

fn apply_one(store: &mut Store, vocabulary: &Vocabulary, edit: &Edit) -> Result<Vec<i64>, String> {
    let text = |error: StoreError| error.to_string();
    match edit {
        Edit::Patient { name } => store
            .create_patient(&Patient::new(name))
            .map(|id| vec![id.0])
            .map_err(text),
        Edit::Visit {
            patient,
            at,
            complaint,
        } => {
            let mut visit = Visit::new(PatientId(*patient), *at, VisitKind::FollowUp);
            visit.chief_complaint = complaint.clone();
            store
                .create_visit(&visit)
                .map(|id| vec![id.0])
                .map_err(text)
        }
        Edit::Findings { visit, text: entry } => {
            let mut findings = shorthand::parse(entry, vocabulary).map_err(|e| e.to_string())?;
            for finding in &mut findings {
                finding.visit_id = VisitId(*visit);
            }
            store
                .add_findings(&findings)
                .map(|ids| ids.into_iter().map(|id| id.0).collect())
                .map_err(text)
        }
        Edit::Interventions { visit, text: entry } => {
            let mut interventions =
                shorthand::parse_interventions(entry, vocabulary).map_err(|e| e.to_string())?;
            for intervention in &mut interventions {
                intervention.visit_id = VisitId(*visit);
            }
            store
                .add_interventions(&interventions)
                .map(|ids| ids.into_iter().map(|id| id.0).collect())
                .map_err(text)
        }
        Edit::Subjective { visit, text: note } => {
            let mut record = store.visit(VisitId(*visit)).map_err(text)?;
            record.subjective = note.clone();
            store.update_visit(&record).map(|()| vec![]).map_err(text)
        }
        Edit::DeleteFinding { id } => store
            .delete_finding(FindingId(*id))
            .map(|()| vec![])
            .map_err(text),
        Edit::Sign { visit, by } => {
            let actor = store.actor();
            store.set_actor(by);
            let signed = store.sign_visit(VisitId(*visit), by);
            store.set_actor(&actor);
            signed.map(|_| vec![]).map_err(text)
        }
        Edit::Addendum {
            visit,
            author,
            reason,
            text: body,
        } => {
            let actor = store.actor();
            store.set_actor(author);
            let added = store.add_addendum(VisitId(*visit), author, reason, body);
            store.set_actor(&actor);
            added.map(|addendum| vec![addendum.id.0]).map_err(text)
        }
    }
}
