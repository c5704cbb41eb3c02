//! The record's integrity from the command line: opening a notebook with its passphrase
//! and lock, signing, addenda, a visit's history, the audit check, backups, restore, the
//! passphrase, and `apply`, a stream of edits for scripts (and the crash test).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde::{Deserialize, Serialize};

use crate::model::{FindingId, Patient, printable};
use crate::model::{PatientId, Visit, VisitId, VisitKind};
use crate::notebook::{self, Charted, NotebookError};
use crate::store::{self, Actor, ChainHead, FileKind, NotebookLock, Passphrase, Store};

use super::{CliError, stdout_error, write_json};

pub use crate::store::PASSPHRASE_VARIABLE;
/// The variable `rekey` reads the new passphrase from before it asks.
pub const NEW_PASSPHRASE_VARIABLE: &str = "UPSTREAM_NEW_PASSPHRASE";

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain and compare the data with it; exit 1 at the first broken link
    Verify {
        #[arg(long)]
        json: bool,
        /// Earlier backups (or their .head.json side files) and JSON exports whose chain
        /// must still be a prefix of this notebook's
        #[arg(long, value_name = "FILE", num_args = 1..)]
        against: Vec<PathBuf>,
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

/// Who the command's changes are recorded under: `--as` (or `UPSTREAM_CLINICIAN`), else
/// the clinician set in the window's Settings; never a name left behind by another call.
pub fn actor_for(store: &Store, named: Option<String>) -> Result<Actor, CliError> {
    match named {
        Some(name) => Ok(notebook::actor_named(&name)?),
        None => store.clinician()?.ok_or(CliError::NoActor),
    }
}

/// The notebook opened to change it: its lock held (so that a window or another command
/// cannot write at the same time), leftovers of an interrupted rekey or restore removed,
/// every page read when that is due (once a day, or after a crash), and who is making the
/// changes.
pub struct Writing {
    pub store: Store,
    pub actor: Actor,
    /// Held until the command ends; released by the operating system however it ends.
    _lock: NotebookLock,
}

impl Writing {
    pub fn open(path: &Path, named: Option<String>) -> Result<Writing, CliError> {
        let mut lock = NotebookLock::acquire(path)?;
        store::remove_leftovers(path);
        let store = open(path)?;
        let actor = actor_for(&store, named)?;
        let today = chrono::Local::now().date_naive();
        if lock.page_check_due(today) {
            store.check_pages()?;
            lock.checked_today(today);
        }
        Ok(Writing {
            store,
            actor,
            _lock: lock,
        })
    }

    /// After the command's changes: the daily backup, when a day has passed since the last.
    pub fn finish(&mut self, out: &mut impl Write) -> Result<(), CliError> {
        if let notebook::DailyBackup::Made { path, .. } =
            notebook::daily_backup(&self.store, &self.actor)?
        {
            writeln!(out, "today's backup made: {}", path.display()).map_err(stdout_error)?;
        }
        Ok(())
    }
}

pub fn sign(
    path: &Path,
    named: Option<String>,
    visit: i64,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let mut writing = Writing::open(path, named)?;
    let notebook::Signed {
        signature,
        chain,
        dated_ahead,
    } = notebook::sign(&mut writing.store, &writing.actor, VisitId(visit))?;
    if let Some(dated) = dated_ahead {
        eprintln!(
            "upstream: warning: visit {visit} is dated {}, in the future; it is signed as dated. If the date is wrong, the record now needs an addendum",
            dated.format("%Y-%m-%d %H:%M")
        );
    }
    writeln!(
        out,
        "visit {visit} signed by {} at {}; audit chain at signing: {chain}",
        printable(&signature.by),
        signature.at.format("%Y-%m-%d %H:%M:%S")
    )
    .map_err(stdout_error)?;
    writing.finish(out)
}

pub fn addendum(
    path: &Path,
    named: Option<String>,
    visit: i64,
    reason: &str,
    text: &str,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let mut writing = Writing::open(path, named)?;
    let addendum = notebook::add_addendum(
        &mut writing.store,
        &writing.actor,
        VisitId(visit),
        reason,
        text,
    )?;
    writeln!(
        out,
        "addendum {} to visit {visit} by {} at {}",
        addendum.id.0,
        printable(&addendum.author),
        addendum.written_at.format("%Y-%m-%d %H:%M:%S")
    )
    .map_err(stdout_error)?;
    writing.finish(out)
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
            printable(&entry.actor),
            entry.summary()
        )
        .map_err(stdout_error)?;
        for change in entry.changes() {
            writeln!(out, "      {}", printable(&change)).map_err(stdout_error)?;
        }
    }
    Ok(())
}

pub fn audit(path: &Path, command: &AuditCommand, out: &mut impl Write) -> Result<(), CliError> {
    let AuditCommand::Verify { json, against } = command;
    let store = open(path)?;
    let mut report = store.verify_audit()?;
    for file in against {
        let (anchor, source) = anchor_of(file, store.passphrase())?;
        if let Some(problem) = store.check_anchor(&anchor, &source)? {
            report.problems.push(problem);
        }
    }
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
        Some(first) => Err(CliError::AuditBroken(first.to_string())),
    }
}

/// The chain head a file kept outside the notebook holds: a backup's side file, a backup
/// itself (read with the notebook's passphrase), or a JSON export.
fn anchor_of(file: &Path, passphrase: &Passphrase) -> Result<(ChainHead, String), CliError> {
    let source = format!("the copy {}", file.display());
    let missing = || {
        CliError::Usage(format!(
            "{} holds no audit chain head (a backup, its .head.json, or an export is needed)",
            file.display()
        ))
    };
    let text = std::fs::read(file).map_err(|source| CliError::Io {
        path: file.to_owned(),
        source,
    })?;
    if text.first() == Some(&b'{') {
        let value: serde_json::Value = serde_json::from_slice(&text)
            .map_err(|error| CliError::Usage(format!("{}: not JSON: {error}", file.display())))?;
        let head = value
            .get("head")
            .or_else(|| value.get("audit_head"))
            .ok_or_else(missing)?;
        let anchor: ChainHead = serde_json::from_value(head.clone()).map_err(|_| missing())?;
        return Ok((anchor, source));
    }
    let side = store::read_side(file).and_then(|side| side.head);
    let anchor = match side {
        Some(anchor) => anchor,
        None => store::backup_head(file, passphrase)?.ok_or_else(missing)?,
    };
    Ok((anchor, source))
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
            printable(name)
        )
        .map_err(stdout_error)?;
    }
    Ok(())
}

pub fn backup(
    path: &Path,
    named: Option<String>,
    destination: &Path,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let store = open(path)?;
    let actor = actor_for(&store, named)?;
    let notebook::BackedUp { check, head } = notebook::back_up_to(&store, &actor, destination)?;
    writeln!(
        out,
        "backed up {} patients and {} visits to {}; integrity check ok{}",
        check.patients,
        check.visits,
        check.path.display(),
        head.map(|h| format!("; audit chain head {h}"))
            .unwrap_or_default()
    )
    .map_err(stdout_error)
}

pub fn restore(
    path: &Path,
    named: Option<String>,
    backup: &Path,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let _lock = NotebookLock::acquire(path)?;
    let passphrase = match std::env::var(PASSPHRASE_VARIABLE) {
        Ok(text) => Passphrase::new(text),
        Err(_) if store::probe(backup)? == FileKind::Encrypted => {
            ask(&format!("Passphrase for {}: ", backup.display()))
                .map_err(|_| CliError::Usage(format!("set {PASSPHRASE_VARIABLE}")))?
        }
        Err(_) => Passphrase::none(),
    };
    // Who restores is settled before anything moves.
    let named = named.map(|name| notebook::actor_named(&name)).transpose()?;
    let report = notebook::restore_backup(path, backup, &passphrase, named)?.report;
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

pub fn rekey(path: &Path, named: Option<String>, out: &mut impl Write) -> Result<(), CliError> {
    let Writing {
        mut store,
        actor,
        _lock: lock,
    } = Writing::open(path, named)?;
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
    notebook::change_passphrase(&mut store, &actor, &new)?;
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
    /// An outcome measure: `{"op": "measure", "visit": 3, "instrument": "odi", "answers":
    /// [2, 1, null, ...]}`, null for an item left out; for the PSFS, `activities` names
    /// the patient's own, one per answer.
    Measure {
        visit: i64,
        instrument: String,
        answers: Vec<Option<i32>>,
        #[serde(default)]
        activities: Vec<String>,
    },
    Sign {
        visit: i64,
        #[serde(default)]
        by: Option<String>,
    },
    Addendum {
        visit: i64,
        #[serde(default)]
        author: Option<String>,
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
    /// Words of a findings line that were not read, kept with why (nothing was charted
    /// from them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<crate::model::reader::Unread>,
    /// Readings held back to be asked about: "which side of the calf?".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub asked: Vec<String>,
    /// Findings the visit already had, named and not charted twice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repeated: Vec<String>,
}

/// Applies the edits on `input`, one JSON object per line, each in its own transaction,
/// and says on `out` when each has committed. A bad line (unreadable JSON, text that is not
/// UTF-8, an edit the notebook refuses) is reported on stderr and the rest still run; the
/// exit status then says something failed.
pub fn apply(
    path: &Path,
    named: Option<String>,
    mut input: impl BufRead,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let mut writing = Writing::open(path, named)?;
    let mut failures = 0;
    let mut number = 0;
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        let read = input
            .read_until(b'\n', &mut bytes)
            .map_err(|source| CliError::Io {
                path: PathBuf::from("<stdin>"),
                source,
            })?;
        if read == 0 {
            break;
        }
        number += 1;
        let Ok(line) = std::str::from_utf8(&bytes) else {
            failures += 1;
            eprintln!("upstream: line {number}: not UTF-8 text; skipped, the rest still run");
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        let outcome = serde_json::from_str::<Edit>(line)
            .map_err(LineError::from)
            .and_then(|edit| Ok(apply_one(&mut writing.store, &writing.actor, &edit)?));
        match outcome {
            Ok(charted) => {
                let committed = Committed {
                    line: number,
                    ids: charted.ids,
                    unread: charted.unread,
                    asked: charted.asked,
                    repeated: charted.repeated,
                };
                serde_json::to_writer(&mut *out, &committed)
                    .map_err(|error| stdout_error(error.into()))?;
                writeln!(out).map_err(stdout_error)?;
                out.flush().map_err(stdout_error)?;
            }
            Err(error) => {
                failures += 1;
                eprintln!("upstream: line {number}: {error}");
            }
        }
    }
    writing.finish(&mut std::io::sink())?;
    if failures == 0 {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "{failures} edits were not applied"
        )))
    }
}

/// Why one line of an `apply` stream was not applied; said on stderr, and the rest run.
#[derive(Debug, thiserror::Error)]
enum LineError {
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Notebook(#[from] NotebookError),
}

/// The actor an edit names for itself (a signer, an author), else the stream's.
fn edit_actor(named: Option<&String>, stream: &Actor) -> Result<Actor, NotebookError> {
    match named {
        Some(name) => notebook::actor_named(name),
        None => Ok(stream.clone()),
    }
}

/// Carries out one edit through the notebook's operations, as the window does.
fn apply_one(store: &mut Store, actor: &Actor, edit: &Edit) -> Result<Charted, NotebookError> {
    let written = |ids: Vec<i64>| Charted {
        ids,
        ..Charted::default()
    };
    Ok(match edit {
        Edit::Patient { name } => written(vec![
            notebook::create_patient(store, actor, &Patient::new(name))?.0,
        ]),
        Edit::Visit {
            patient,
            at,
            complaint,
        } => {
            let mut visit = Visit::new(PatientId(*patient), *at, VisitKind::FollowUp);
            visit.chief_complaint = complaint.clone();
            written(vec![notebook::create_visit(store, actor, &visit)?.0])
        }
        Edit::Findings { visit, text } => {
            notebook::chart_findings(store, actor, VisitId(*visit), text)?
        }
        Edit::Interventions { visit, text } => {
            notebook::chart_interventions(store, actor, VisitId(*visit), text)?
        }
        Edit::Subjective { visit, text } => {
            notebook::write_subjective(store, actor, VisitId(*visit), text)?;
            written(vec![])
        }
        Edit::DeleteFinding { id } => {
            notebook::delete_finding(store, actor, FindingId(*id))?;
            written(vec![])
        }
        Edit::Measure {
            visit,
            instrument,
            answers,
            activities,
        } => {
            let measure = crate::model::Measure {
                activities: activities.clone(),
                ..crate::model::Measure::new(VisitId(*visit), instrument, answers.clone())
            };
            written(vec![notebook::add_measure(store, actor, &measure)?.0])
        }
        Edit::Sign { visit, by } => {
            notebook::sign(store, &edit_actor(by.as_ref(), actor)?, VisitId(*visit))?;
            written(vec![])
        }
        Edit::Addendum {
            visit,
            author,
            reason,
            text,
        } => {
            let author = edit_actor(author.as_ref(), actor)?;
            let addendum = notebook::add_addendum(store, &author, VisitId(*visit), reason, text)?;
            written(vec![addendum.id.0])
        }
    })
}
