//! The notebook's SQLite database behind a small API. All SQL lives in this module;
//! `schema.sql` is the one source of the schema. Each call that changes data is one
//! transaction, so a user action is either saved whole or not at all.

mod audit;
mod exchange;
mod files;
mod migrate;
mod rows;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::model::{
    Addendum, AddendumId, Finding, FindingId, Intervention, InterventionId, Patient, PatientId,
    Signature, Visit, VisitId, VisitRecord,
};

pub use audit::{AUDITED_TABLES, Actor, AuditEntry, AuditProblem, AuditReport, login_name};
pub use exchange::{
    ImportError, ImportSummary, NOTEBOOK_FORMAT, NotebookFile, PatientRecord,
    SIGNATURE_NOT_RECORDED,
};
pub use files::{
    BACKUPS_KEPT, BackupCheck, FileKind, NotebookLock, RestoreReport, backup_folder, check_backup,
    newest_verified_backup, probe, restore,
};
pub use migrate::{MIGRATIONS, Migration, latest_version};

/// What can go wrong with the notebook database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path} is not an Upstream notebook (not an SQLite database); it was left untouched")]
    NotADatabase { path: PathBuf },
    #[error(
        "{path} was written by a newer Upstream (schema version {found}; this one knows up to {supported}); it was left untouched"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{path} is encrypted: it opens with its passphrase")]
    PassphraseNeeded { path: PathBuf },
    #[error(
        "the passphrase does not open {path} (or it is not an Upstream notebook); nothing was changed"
    )]
    WrongPassphrase { path: PathBuf },
    #[error(
        "the folder {path} does not exist (is a drive not connected?); no notebook was created"
    )]
    MissingFolder { path: PathBuf },
    #[error("{path} is already open in another Upstream window or command; close it there first")]
    InUse { path: PathBuf },
    #[error(
        "{path} is damaged ({detail}); nothing was written to it. Restore a backup: the newest daily one is in the backups folder beside it (upstream restore PATH)"
    )]
    Damaged { path: PathBuf, detail: String },
    #[error("the disk is full: this change was not saved, and the notebook is as it was before it")]
    DiskFull,
    #[error("{0}")]
    Refused(String),
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("cannot open {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot create the folder {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: i64 },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    /// Says in the clinic's words what the schema refused and when the disk is full; the
    /// rest stays a database error.
    fn from(error: rusqlite::Error) -> StoreError {
        use rusqlite::ffi;
        match &error {
            rusqlite::Error::SqliteFailure(failure, message) => match failure.extended_code {
                ffi::SQLITE_FULL => StoreError::DiskFull,
                ffi::SQLITE_CONSTRAINT_TRIGGER => {
                    StoreError::Refused(message.clone().unwrap_or_else(|| error.to_string()))
                }
                _ => StoreError::Sqlite(error),
            },
            _ => StoreError::Sqlite(error),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Recently seen first: by the last visit, or for a patient not yet seen, by when they
/// were added (`last_seen`, kept by triggers in schema.sql); then by name.
const RECENT_FIRST: &str = "last_seen DESC, name COLLATE NOCASE, id";

/// The first bytes of every SQLite database file.
pub(crate) const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// An open notebook.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    /// Kept to open the backups, the background tasks' connections and rekeyed copies with
    /// the same key. Empty for an unencrypted notebook.
    passphrase: Passphrase,
    actor: Actor,
}

/// A notebook passphrase; never printed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Passphrase(String);

impl Passphrase {
    pub fn new(text: impl Into<String>) -> Passphrase {
        Passphrase(text.into())
    }

    /// No passphrase: the notebook is not encrypted.
    pub fn none() -> Passphrase {
        Passphrase(String::new())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn text(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() {
            "Passphrase(none)"
        } else {
            "Passphrase(..)"
        })
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Where the notebook lives when neither `--db` nor `UPSTREAM_DB` says otherwise.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "Upstream", "upstream")
        .map(|dirs| dirs.data_dir().join("notebook.sqlite3"))
}

impl Store {
    /// Opens the unencrypted notebook at `path`, creating it when it does not exist.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, &Passphrase::none())
    }

    /// Opens the notebook at `path` with `passphrase`, creating it when it does not exist
    /// (encrypted unless the passphrase is empty), and brings its schema up to date. A file
    /// that is not a database, one from a newer schema, or a wrong passphrase is refused
    /// before anything is written. The folder must exist: a missing one more likely means a
    /// drive not connected than a place for a new notebook.
    pub fn open_with(path: &Path, passphrase: &Passphrase) -> Result<Store> {
        let kind = files::probe(path)?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(StoreError::MissingFolder {
                path: parent.to_owned(),
            });
        }
        let key = match kind {
            FileKind::Encrypted if passphrase.is_empty() => {
                return Err(StoreError::PassphraseNeeded {
                    path: path.to_owned(),
                });
            }
            FileKind::Encrypted => Some(passphrase),
            FileKind::New if !passphrase.is_empty() => Some(passphrase),
            FileKind::New | FileKind::Plain => None,
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        files::apply_key(&conn, key).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        // Reading the version reads page 1: this is where a damaged file or a wrong key
        // shows itself, still before any write.
        let version = migrate::user_version(&conn).map_err(|error| match kind {
            FileKind::Encrypted => StoreError::WrongPassphrase {
                path: path.to_owned(),
            },
            _ => classify(path, error),
        })?;
        if version > latest_version() {
            return Err(StoreError::NewerSchema {
                path: path.to_owned(),
                found: version,
                supported: latest_version(),
            });
        }
        let mut store = Store {
            conn,
            path: Some(path.to_owned()),
            passphrase: key.cloned().unwrap_or_default(),
            actor: Actor::new(&login_name()),
        };
        if version < latest_version() && version > 0 {
            // A migration writes all over the file: not onto damaged pages.
            store.check_pages()?;
        }
        store.configure().map_err(|error| classify(path, error))?;
        migrate::migrate(&mut store.conn).map_err(|error| classify(path, error))?;
        Ok(store)
    }

    /// Reads every page (`PRAGMA quick_check`) and refuses a damaged notebook, so that
    /// nothing is written onto it. Opening reads only the first pages, so the window and
    /// the writing commands call this before their first change.
    pub fn check_pages(&self) -> Result<()> {
        let detail = files::quick_check(&self.conn).unwrap_or_else(|error| error.to_string());
        if detail == "ok" {
            Ok(())
        } else {
            Err(StoreError::Damaged {
                path: self.path.clone().unwrap_or_default(),
                detail,
            })
        }
    }

    /// A notebook that lives only in memory, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store> {
        let mut store = Store {
            conn: Connection::open_in_memory()?,
            path: None,
            passphrase: Passphrase::none(),
            actor: Actor::new(&login_name()),
        };
        store.configure()?;
        migrate::migrate(&mut store.conn)?;
        Ok(store)
    }

    fn configure(&self) -> rusqlite::Result<()> {
        audit::register(&self.conn, &self.actor)?;
        self.conn.pragma_update(None, "foreign_keys", true)?;
        // WAL keeps readers and the writer apart and survives a killed process;
        // NORMAL sync is durable in WAL mode except against power loss mid-checkpoint.
        self.conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| {
                row.get::<_, String>(0)
            })?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Every page read from an encrypted notebook is decrypted and its HMAC checked;
        // a 32 MiB cache (SQLite's default is 2 MiB) keeps a clinic's working set decrypted.
        self.conn.pragma_update(None, "cache_size", -32_768)?;
        self.conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(())
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn is_encrypted(&self) -> bool {
        !self.passphrase.is_empty()
    }

    /// The passphrase this notebook was opened with, for opening it again elsewhere.
    pub fn passphrase(&self) -> &Passphrase {
        &self.passphrase
    }

    /// Who the audit trail names for changes made from now on.
    pub fn set_actor(&self, name: &str) {
        let name = name.trim();
        if name.is_empty() {
            self.actor.set(&login_name());
        } else {
            self.actor.set(name);
        }
    }

    pub fn actor(&self) -> String {
        self.actor.get()
    }

    /// Caps the database file at `pages` pages, so that tests can see what a full disk
    /// does without filling one.
    pub fn limit_size_for_tests(&self, pages: u32) -> Result<()> {
        self.conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
        Ok(())
    }

    /// `PRAGMA integrity_check`: "ok", or what SQLite found wrong.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(files::integrity_check(&self.conn)?)
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(migrate::user_version(&self.conn)?)
    }

    pub fn patient_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM patient", [], |row| row.get(0))?)
    }

    // ----- patients -----

    pub fn create_patient(&mut self, patient: &Patient) -> Result<PatientId> {
        let tx = self.conn.transaction()?;
        let id = rows::insert_patient(&tx, patient, None)?;
        tx.commit()?;
        Ok(id)
    }

    pub fn update_patient(&mut self, patient: &Patient) -> Result<()> {
        let history = rows::history_json(&patient.history);
        let changed = self.conn.execute(
            "UPDATE patient SET name = ?2, date_of_birth = ?3, sex = ?4, contact = ?5,
                    occupation = ?6, history = ?7, notes = ?8,
                    updated_at = strftime('%Y-%m-%dT%H:%M:%S', 'now')
             WHERE id = ?1",
            params![
                patient.id.0,
                patient.name,
                patient.date_of_birth.map(|d| d.to_string()),
                patient.sex.code(),
                patient.contact,
                patient.occupation,
                history,
                patient.notes,
            ],
        )?;
        expect_one(changed, "patient", patient.id.0)
    }

    pub fn patient(&self, id: PatientId) -> Result<Patient> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {} FROM patient WHERE id = ?1",
                    rows::PATIENT_COLUMNS
                ),
                [id.0],
                rows::patient_from_row,
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "patient",
                id: id.0,
            })
    }

    /// Patients whose name has words starting with each word of `query` ("dan oka"),
    /// or, when `query` starts with a digit, whose date of birth starts with it
    /// ("1974", "1974-02"). An empty query lists everyone. Recently seen patients come
    /// first (by their last visit, or when they were added), then by name.
    pub fn search_patients(&self, query: &str, limit: usize) -> Result<Vec<Patient>> {
        let query = query.trim();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let patients = if query.is_empty() {
            let sql = format!(
                "SELECT {} FROM patient ORDER BY {RECENT_FIRST} LIMIT ?1",
                rows::PATIENT_COLUMNS
            );
            let mut statement = self.conn.prepare_cached(&sql)?;
            statement
                .query_map([limit], rows::patient_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        } else if query.starts_with(|c: char| c.is_ascii_digit()) {
            let prefix = date_prefix(query);
            // A range over the index: every date that starts with `prefix`.
            let sql = format!(
                "SELECT {} FROM patient
                 WHERE date_of_birth >= ?1 AND date_of_birth < ?1 || '~'
                 ORDER BY {RECENT_FIRST} LIMIT ?2",
                rows::PATIENT_COLUMNS
            );
            let mut statement = self.conn.prepare_cached(&sql)?;
            statement
                .query_map(params![prefix, limit], rows::patient_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        } else {
            let Some(fts_query) = name_query(query) else {
                return Ok(Vec::new());
            };
            let sql = format!(
                "SELECT {} FROM patient
                 WHERE id IN (SELECT rowid FROM patient_name_search WHERE patient_name_search MATCH ?1)
                 ORDER BY {RECENT_FIRST} LIMIT ?2",
                rows::PATIENT_COLUMNS
            );
            let mut statement = self.conn.prepare_cached(&sql)?;
            statement
                .query_map(params![fts_query, limit], rows::patient_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        };
        Ok(patients)
    }

    // ----- visits -----

    pub fn create_visit(&mut self, visit: &Visit) -> Result<VisitId> {
        let tx = self.conn.transaction()?;
        let id = rows::insert_visit(&tx, visit, None)?;
        tx.commit()?;
        Ok(id)
    }

    pub fn update_visit(&mut self, visit: &Visit) -> Result<()> {
        let changed = rows::update_visit(&self.conn, visit)?;
        expect_one(changed, "visit", visit.id.0)
    }

    pub fn visit(&self, id: VisitId) -> Result<Visit> {
        self.conn
            .query_row(
                &format!("SELECT {} FROM visit WHERE id = ?1", rows::VISIT_COLUMNS),
                [id.0],
                rows::visit_from_row,
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "visit",
                id: id.0,
            })
    }

    // ----- findings and interventions -----

    pub fn add_finding(&mut self, finding: &Finding) -> Result<FindingId> {
        Ok(self.add_findings(std::slice::from_ref(finding))?[0])
    }

    /// Charts several findings as one action: all of them or none.
    pub fn add_findings(&mut self, findings: &[Finding]) -> Result<Vec<FindingId>> {
        let tx = self.conn.transaction()?;
        let ids = findings
            .iter()
            .map(|finding| rows::insert_finding(&tx, finding, None))
            .collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(ids)
    }

    pub fn update_finding(&mut self, finding: &Finding) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE finding SET kind = ?2, region = ?3, side = ?4, intensity = ?5, presence = ?6,
                    test_name = ?7, note = ?8, carried_over = ?9
             WHERE id = ?1",
            params![
                finding.id.0,
                finding.kind.as_str(),
                finding.region.as_ref().map(|r| r.as_str()),
                finding.side.code(),
                finding.intensity.map(|i| i.value()),
                finding.presence.code(),
                finding.test_name,
                finding.note,
                finding.carried_over,
            ],
        )?;
        expect_one(changed, "finding", finding.id.0)
    }

    pub fn delete_finding(&mut self, id: FindingId) -> Result<()> {
        let changed = self
            .conn
            .execute("DELETE FROM finding WHERE id = ?1", [id.0])?;
        expect_one(changed, "finding", id.0)
    }

    pub fn add_intervention(&mut self, intervention: &Intervention) -> Result<InterventionId> {
        Ok(self.add_interventions(std::slice::from_ref(intervention))?[0])
    }

    /// Charts several interventions as one action: all of them or none.
    pub fn add_interventions(
        &mut self,
        interventions: &[Intervention],
    ) -> Result<Vec<InterventionId>> {
        let tx = self.conn.transaction()?;
        let ids = interventions
            .iter()
            .map(|intervention| rows::insert_intervention(&tx, intervention, None))
            .collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(ids)
    }

    pub fn update_intervention(&mut self, intervention: &Intervention) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE intervention SET kind = ?2, target = ?3, region = ?4, side = ?5, dose = ?6,
                    notes = ?7, cpt_code = ?8
             WHERE id = ?1",
            params![
                intervention.id.0,
                intervention.kind.code(),
                intervention.target,
                intervention.region.as_ref().map(|r| r.as_str()),
                intervention.side.code(),
                intervention.dose,
                intervention.notes,
                intervention.cpt_code,
            ],
        )?;
        expect_one(changed, "intervention", intervention.id.0)
    }

    pub fn delete_intervention(&mut self, id: InterventionId) -> Result<()> {
        let changed = self
            .conn
            .execute("DELETE FROM intervention WHERE id = ?1", [id.0])?;
        expect_one(changed, "intervention", id.0)
    }

    /// Puts a visit back as it was in `record`: its note, findings and interventions, with
    /// their ids, in one transaction. This is how undo and redo reach the database.
    pub fn restore_visit(&mut self, record: &VisitRecord) -> Result<()> {
        let tx = self.conn.transaction()?;
        let visit = &record.visit;
        let changed = rows::update_visit(&tx, visit)?;
        expect_one(changed, "visit", visit.id.0)?;
        tx.execute("DELETE FROM finding WHERE visit_id = ?1", [visit.id.0])?;
        tx.execute("DELETE FROM intervention WHERE visit_id = ?1", [visit.id.0])?;
        for finding in &record.findings {
            rows::insert_finding(&tx, finding, Some(finding.id))?;
        }
        for intervention in &record.interventions {
            rows::insert_intervention(&tx, intervention, Some(intervention.id))?;
        }
        tx.commit()?;
        Ok(())
    }

    // ----- signing, addenda and the audit trail -----

    /// Signs a draft visit as `by`, now. From then on the schema refuses any change to the
    /// visit and to what was charted at it.
    pub fn sign_visit(&mut self, id: VisitId, by: &str) -> Result<Signature> {
        let by = by.trim();
        if by.is_empty() {
            return Err(StoreError::Invalid(
                "a visit is signed with the clinician's name".into(),
            ));
        }
        let signature = Signature {
            by: by.to_owned(),
            at: now_to_the_second(),
        };
        if rows::sign_visit(&self.conn, id, &signature)? == 0 {
            let visit = self.visit(id)?;
            let by = visit.signature.map(|s| s.by).unwrap_or_default();
            return Err(StoreError::Refused(format!(
                "visit {id} is already signed by {by}"
            )));
        }
        Ok(signature)
    }

    /// Adds a dated addendum to a signed visit, written by `author` now.
    pub fn add_addendum(
        &mut self,
        visit: VisitId,
        author: &str,
        reason: &str,
        text: &str,
    ) -> Result<Addendum> {
        for (what, value) in [("author", author), ("reason", reason), ("text", text)] {
            if value.trim().is_empty() {
                return Err(StoreError::Invalid(format!("an addendum needs its {what}")));
            }
        }
        let mut addendum = Addendum {
            id: AddendumId(0),
            visit_id: visit,
            author: author.trim().to_owned(),
            written_at: now_to_the_second(),
            reason: reason.trim().to_owned(),
            text: text.trim().to_owned(),
        };
        let tx = self.conn.transaction()?;
        addendum.id = rows::insert_addendum(&tx, &addendum, None)?;
        tx.commit()?;
        Ok(addendum)
    }

    /// Every change to a visit and to what was charted at it, oldest first.
    pub fn visit_history(&self, visit: VisitId) -> Result<Vec<AuditEntry>> {
        Ok(audit::visit_history(&self.conn, visit)?)
    }

    /// Walks the audit chain and compares the data with it.
    pub fn verify_audit(&self) -> Result<AuditReport> {
        Ok(audit::verify(&self.conn)?)
    }

    /// Unsigned visits that started more than `days` days before `now`, oldest first,
    /// with their patient's name.
    pub fn unsigned_drafts(
        &self,
        days: u32,
        now: chrono::NaiveDateTime,
    ) -> Result<Vec<(String, Visit)>> {
        let cutoff = now - chrono::TimeDelta::days(i64::from(days));
        let columns = rows::VISIT_COLUMNS
            .split(", ")
            .map(|c| format!("v.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT p.name, {columns} FROM visit v JOIN patient p ON p.id = v.patient_id
             WHERE v.status = 'draft' AND v.started_at < ?1 ORDER BY v.started_at, v.id"
        ))?;
        let drafts = statement
            .query_map([rows::datetime_text(cutoff)], |row| {
                let name: String = row.get(0)?;
                let visit = rows::visit_from_row_at(row, 1)?;
                Ok((name, visit))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(drafts)
    }

    /// Deletes a draft visit with everything charted at it (a visit opened by mistake).
    /// Signed visits are refused by the schema; the audit trail keeps what was deleted.
    pub fn delete_draft_visit(&mut self, id: VisitId) -> Result<()> {
        let tx = self.conn.transaction()?;
        let changed = tx.execute("DELETE FROM visit WHERE id = ?1", [id.0])?;
        expect_one(changed, "visit", id.0)?;
        tx.commit()?;
        Ok(())
    }

    // ----- the file: backups and the passphrase -----

    /// Copies the notebook to `destination` through SQLite's online backup API, with the
    /// same key, checks the copy with `integrity_check`, and only then gives it its name.
    /// An existing file at `destination` is never overwritten.
    pub fn backup_to(&self, destination: &Path) -> Result<BackupCheck> {
        files::backup(&self.conn, &self.passphrase, destination)
    }

    /// Makes today's backup in `folder` unless there is one, and keeps the newest
    /// `BACKUPS_KEPT`. Returns the new backup, if one was made.
    pub fn rotate_backups(
        &self,
        folder: &Path,
        today: NaiveDate,
    ) -> Result<Option<(PathBuf, BackupCheck)>> {
        files::rotate(&self.conn, &self.passphrase, folder, today)
    }

    /// Re-encrypts the notebook under `new` (an empty passphrase decrypts it), through a
    /// checked copy renamed over the original, and goes on under the new key. On an
    /// error the notebook is reopened as it was.
    pub fn rekey(&mut self, new: &Passphrase) -> Result<()> {
        let Some(path) = self.path.clone() else {
            return Err(StoreError::Invalid(
                "an in-memory notebook has no passphrase".into(),
            ));
        };
        let actor = self.actor();
        let conn = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        let rekeyed = files::rekey(conn, &path, new);
        let key = match rekeyed {
            Ok(()) => new.clone(),
            Err(_) => self.passphrase.clone(),
        };
        *self = Store::open_with(&path, &key)?;
        self.set_actor(&actor);
        rekeyed
    }

    /// A patient's visits, oldest first, each with its findings and interventions in the
    /// order they were charted.
    pub fn timeline(&self, patient_id: PatientId) -> Result<Vec<VisitRecord>> {
        rows::timeline(&self.conn, patient_id)
    }

    // ----- the whole notebook -----

    /// Every patient with their whole record, for a lossless JSON export.
    pub fn export(&self) -> Result<NotebookFile> {
        exchange::export(&self.conn)
    }

    /// Adds every patient of `notebook` in one transaction: all of it or, on any error,
    /// nothing. Into an empty notebook the file's ids are kept, so an export imported into
    /// a fresh notebook exports identically; otherwise the records get new ids.
    pub fn import(&mut self, notebook: &NotebookFile) -> Result<ImportSummary> {
        let tx = self.conn.transaction()?;
        let summary = exchange::import(&tx, notebook)?;
        tx.commit()?;
        Ok(summary)
    }

    /// Inserts many patient records in one transaction: the bulk path for the demo clinic
    /// and the benchmark.
    pub fn insert_records(&mut self, records: &[PatientRecord]) -> Result<Vec<PatientId>> {
        let tx = self.conn.transaction()?;
        let ids = exchange::insert_records(&tx, records, false)?;
        tx.commit()?;
        Ok(ids)
    }
}

fn expect_one(changed: usize, what: &'static str, id: i64) -> Result<()> {
    if changed == 0 {
        Err(StoreError::NotFound { what, id })
    } else {
        Ok(())
    }
}

/// Turns SQLite's "not a database" family of errors into our plain message.
fn classify(path: &Path, error: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::NotADatabase {
            path: path.to_owned(),
        },
        _ => StoreError::Open {
            path: path.to_owned(),
            source: error,
        },
    }
}

/// "1974-2" and "1974/02" both mean February 1974; "19" means born in the 1900s.
fn date_prefix(query: &str) -> String {
    let parts: Vec<&str> = query.split(['-', '/', '.']).collect();
    let mut prefix = String::new();
    for (position, part) in parts.iter().enumerate() {
        if position > 0 {
            prefix.push('-');
        }
        let is_last = position + 1 == parts.len();
        if position > 0 && part.len() == 1 && !is_last {
            prefix.push('0');
        }
        prefix.push_str(part);
    }
    prefix
}

/// An FTS5 query in which each word of `query` must begin a word of the name.
fn name_query(query: &str) -> Option<String> {
    let words: Vec<String> = query
        .split_whitespace()
        .map(|word| word.replace('"', ""))
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .map(|word| format!("\"{word}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Local wall-clock time without the fraction, as visits and signatures record it.
fn now_to_the_second() -> chrono::NaiveDateTime {
    use chrono::Timelike;
    let now = chrono::Local::now().naive_local();
    now.with_nanosecond(0).unwrap_or(now)
}

/// Dates in patient files are plain ISO dates.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_prefixes_read_like_a_clinician_types_them() {
        assert_eq!(date_prefix("1974"), "1974");
        assert_eq!(date_prefix("1974-02"), "1974-02");
        assert_eq!(date_prefix("1974/2/20"), "1974-02-20");
        assert_eq!(date_prefix("1974-2"), "1974-2");
    }

    #[test]
    fn name_queries_match_word_prefixes_and_drop_quotes() {
        assert_eq!(name_query("dan oka").as_deref(), Some("\"dan\"* \"oka\"*"));
        assert_eq!(name_query("\"o'b").as_deref(), Some("\"o'b\"*"));
        assert_eq!(name_query("  -  "), None);
    }
}
