//! The notebook's SQLite database behind a small API. All SQL lives in this module;
//! `schema.sql` is the one source of the schema. Each call that changes data is one
//! transaction, so a user action is either saved whole or not at all.

mod audit;
mod exchange;
mod files;
mod letters;
mod migrate;
mod note_search;
mod rows;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::model::{
    Addendum, AddendumId, Finding, FindingId, Intervention, InterventionId, Measure, MeasureId,
    Patient, PatientId, Signature, Visit, VisitId, VisitRecord,
};

use audit::ActorSlot;

/// The variable the command line and the window read the passphrase from before they
/// ask: here, beneath both, so that the window does not depend on the command line.
pub const PASSPHRASE_VARIABLE: &str = "UPSTREAM_PASSPHRASE";

pub use audit::{
    AUDITED_TABLES, Actor, AuditEntry, AuditProblem, AuditReport, ChainHead, login_name,
};
pub use exchange::{
    ImportError, ImportSummary, NOTEBOOK_FORMAT, NOTEBOOK_VERSION, NotebookFile, PatientRecord,
    ProfileImport, SIGNATURE_NOT_RECORDED,
};
pub use files::{
    BACKUPS_KEPT, BackupCheck, BackupSide, FileKind, NotebookLock, RestoreReport, backup_due,
    backup_folder, backup_head, check_backup, check_restorable, newest_verified_backup, probe,
    read_side, recovery_candidates, remove_leftovers, restore, side_path, write_private_file,
};
pub use migrate::{MIGRATIONS, Migration, latest_version};
pub use note_search::{NoteField, NoteMatch};

/// What can go wrong with the notebook database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path} is not an Upstream notebook (not an SQLite database), or its first page is damaged; it was left untouched. If it was your notebook, restore a backup (upstream restore PATH)"
    )]
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
        "the passphrase does not open {path}, or the file's first page is damaged (an encrypted notebook cannot tell the two apart); nothing was changed"
    )]
    WrongPassphrase { path: PathBuf },
    #[error(
        "the folder {path} does not exist (is a drive not connected?); no notebook was created"
    )]
    MissingFolder { path: PathBuf },
    #[error(
        "{path} is missing or empty, but {} beside it a notebook was there (newest: {}); nothing was created. Restore one with `upstream restore PATH` or from the window, or choose another file with --db",
        if found.len() == 1 { "a backup or a notebook kept aside says".to_owned() } else { format!("{} backups or notebooks kept aside say", found.len()) },
        found.first().map(|p| p.display().to_string()).unwrap_or_default()
    )]
    Vanished { path: PathBuf, found: Vec<PathBuf> },
    #[error(
        "{path} cannot be written: the file or its folder is read-only (Upstream writes its journal beside the notebook); nothing was changed"
    )]
    ReadOnly { path: PathBuf },
    #[error("{path} is already open in another Upstream window or command; close it there first")]
    InUse { path: PathBuf },
    #[error(
        "{path} is damaged ({detail}); nothing was written to it. Restore a backup: the newest daily one is in the backups folder beside it (upstream restore PATH)"
    )]
    Damaged { path: PathBuf, detail: String },
    #[error(
        "the notebook is damaged (SQLite found a malformed page): nothing was saved. Restore a backup: the newest daily one is in the backups folder beside it (upstream restore PATH)"
    )]
    Corrupt,
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
    Measure(#[from] crate::model::MeasureError),
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
                ffi::SQLITE_CORRUPT | ffi::SQLITE_CORRUPT_INDEX | ffi::SQLITE_CORRUPT_SEQUENCE => {
                    StoreError::Corrupt
                }
                ffi::SQLITE_CONSTRAINT_TRIGGER => {
                    StoreError::Refused(message.clone().unwrap_or_else(|| error.to_string()))
                }
                ffi::SQLITE_CONSTRAINT_CHECK
                | ffi::SQLITE_CONSTRAINT_NOTNULL
                | ffi::SQLITE_CONSTRAINT_FOREIGNKEY
                | ffi::SQLITE_CONSTRAINT_UNIQUE
                | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                    StoreError::Refused(constraint_words(message.as_deref().unwrap_or_default()))
                }
                ffi::SQLITE_READONLY
                | ffi::SQLITE_READONLY_DIRECTORY
                | ffi::SQLITE_READONLY_RECOVERY
                | ffi::SQLITE_READONLY_CANTINIT
                | ffi::SQLITE_READONLY_CANTLOCK => StoreError::Refused(
                    "the notebook's file or folder is read-only: nothing was saved".into(),
                ),
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
    /// Who the audit triggers name, set for the length of each write.
    actor: ActorSlot,
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

/// Registers the audit trail's functions on a bare connection, every change recorded
/// under `actor`: for tests that build a notebook as an earlier Upstream left it.
#[doc(hidden)]
pub fn register_audit_functions(conn: &Connection, actor: &str) -> rusqlite::Result<()> {
    audit::register(conn, &ActorSlot::fixed(actor))
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
        if kind == FileKind::New {
            let found = files::recovery_candidates(path);
            if !found.is_empty() {
                return Err(StoreError::Vanished {
                    path: path.to_owned(),
                    found,
                });
            }
        }
        if read_only(path) {
            return Err(StoreError::ReadOnly {
                path: path.to_owned(),
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
            actor: ActorSlot::default(),
        };
        if version < latest_version() && version > 0 {
            // A migration writes all over the file: not onto damaged pages.
            store.check_pages()?;
        }
        store.configure().map_err(|error| classify(path, error))?;
        store.migrate().map_err(|error| classify(path, error))?;
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
            actor: ActorSlot::default(),
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// Brings the schema up to date; what the upgrade records in the trail is Upstream's.
    fn migrate(&mut self) -> rusqlite::Result<()> {
        let _acting = self.actor.acting(&Actor::upstream("schema upgrade"));
        migrate::migrate(&mut self.conn)
    }

    fn configure(&self) -> rusqlite::Result<()> {
        audit::register(&self.conn, &self.actor)?;
        self.conn.pragma_update(None, "foreign_keys", true)?;
        // WAL keeps readers and the writer apart and survives a killed process. FULL
        // syncs the WAL at every commit, so an acknowledged change survives a power cut
        // too (NORMAL could lose the last ones).
        self.conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| {
                row.get::<_, String>(0)
            })?;
        self.conn.pragma_update(None, "synchronous", "FULL")?;
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

    /// Runs `change` as one transaction made by `by`: committed whole, or not at all.
    fn write<T>(
        &mut self,
        by: &Actor,
        change: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let _acting = self.actor.acting(by);
        let tx = self.conn.transaction()?;
        let value = change(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Records in the restored notebook where it came from and where the notebook it
    /// replaced was kept.
    pub fn record_restore(&self, by: &Actor, backup: &Path, report: &RestoreReport) -> Result<()> {
        let detail = match &report.set_aside {
            Some(aside) => format!(
                "from {}; the notebook that was there is kept as {}",
                backup.display(),
                aside.display()
            ),
            None => format!("from {}", backup.display()),
        };
        self.record_event(by, "restore", &detail)
    }

    /// The clinician this notebook's changes are recorded under when nobody says
    /// otherwise (set from the window's Settings).
    pub fn clinician(&self) -> Result<Option<Actor>> {
        let name: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM notebook_setting WHERE key = 'clinician'",
                [],
                |row| row.get(0),
            )
            .optional()?;
        Ok(name.as_deref().and_then(Actor::new))
    }

    pub fn set_clinician(&self, clinician: Option<&Actor>) -> Result<()> {
        match clinician {
            Some(actor) => self.conn.execute(
                "INSERT INTO notebook_setting (key, value) VALUES ('clinician', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [actor.name()],
            )?,
            None => self
                .conn
                .execute("DELETE FROM notebook_setting WHERE key = 'clinician'", [])?,
        };
        Ok(())
    }

    /// Records an export, backup, restore or rekey in the notebook's events, audited like
    /// clinical data.
    pub fn record_event(&self, by: &Actor, what: &str, detail: &str) -> Result<()> {
        let _acting = self.actor.acting(by);
        self.conn.execute(
            "INSERT INTO notebook_event (what, detail) VALUES (?1, ?2)",
            params![what, detail],
        )?;
        Ok(())
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

    pub fn create_patient(&mut self, by: &Actor, patient: &Patient) -> Result<PatientId> {
        let patient = named(patient)?;
        self.write(by, |tx| rows::insert_patient(tx, &patient, None))
    }

    pub fn update_patient(&mut self, by: &Actor, patient: &Patient) -> Result<()> {
        let patient = &named(patient)?;
        let history = rows::history_json(&patient.history);
        let _acting = self.actor.acting(by);
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

    pub fn create_visit(&mut self, by: &Actor, visit: &Visit) -> Result<VisitId> {
        self.write(by, |tx| rows::insert_visit(tx, visit, None))
    }

    pub fn update_visit(&mut self, by: &Actor, visit: &Visit) -> Result<()> {
        self.write(by, |tx| {
            expect_one(rows::update_visit(tx, visit)?, "visit", visit.id.0)
        })
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

    pub fn add_finding(&mut self, by: &Actor, finding: &Finding) -> Result<FindingId> {
        self.write(by, |tx| rows::insert_finding(tx, finding, None))
    }

    /// Charts several findings as one action: all of them or none.
    pub fn add_findings(&mut self, by: &Actor, findings: &[Finding]) -> Result<Vec<FindingId>> {
        self.write(by, |tx| {
            findings
                .iter()
                .map(|finding| rows::insert_finding(tx, finding, None))
                .collect()
        })
    }

    pub fn update_finding(&mut self, by: &Actor, finding: &Finding) -> Result<()> {
        let _acting = self.actor.acting(by);
        let changed = self.conn.execute(
            "UPDATE finding SET kind = ?2, region = ?3, side = ?4, intensity = ?5, presence = ?6,
                    test_name = ?7, note = ?8, carried_over = ?9, detail = ?10
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
                rows::detail_json(&finding.detail, finding.detail.is_empty()),
            ],
        )?;
        expect_one(changed, "finding", finding.id.0)
    }

    pub fn delete_finding(&mut self, by: &Actor, id: FindingId) -> Result<()> {
        let _acting = self.actor.acting(by);
        let changed = self
            .conn
            .execute("DELETE FROM finding WHERE id = ?1", [id.0])?;
        expect_one(changed, "finding", id.0)
    }

    pub fn add_intervention(
        &mut self,
        by: &Actor,
        intervention: &Intervention,
    ) -> Result<InterventionId> {
        self.write(by, |tx| rows::insert_intervention(tx, intervention, None))
    }

    /// Charts several interventions as one action: all of them or none.
    pub fn add_interventions(
        &mut self,
        by: &Actor,
        interventions: &[Intervention],
    ) -> Result<Vec<InterventionId>> {
        self.write(by, |tx| {
            interventions
                .iter()
                .map(|intervention| rows::insert_intervention(tx, intervention, None))
                .collect()
        })
    }

    pub fn update_intervention(&mut self, by: &Actor, intervention: &Intervention) -> Result<()> {
        let _acting = self.actor.acting(by);
        let changed = self.conn.execute(
            "UPDATE intervention SET kind = ?2, target = ?3, region = ?4, side = ?5, dose = ?6,
                    notes = ?7, cpt_code = ?8, detail = ?9
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
                rows::detail_json(&intervention.detail, intervention.detail.is_empty()),
            ],
        )?;
        expect_one(changed, "intervention", intervention.id.0)
    }

    pub fn delete_intervention(&mut self, by: &Actor, id: InterventionId) -> Result<()> {
        let _acting = self.actor.acting(by);
        let changed = self
            .conn
            .execute("DELETE FROM intervention WHERE id = ?1", [id.0])?;
        expect_one(changed, "intervention", id.0)
    }

    // ----- outcome measures -----

    /// Scores a measure by its instrument's rule and charts it at its visit; a measure that
    /// cannot be scored (too many items left out, an answer out of range) is refused with
    /// why, and nothing is written.
    pub fn add_measure(&mut self, by: &Actor, measure: &Measure) -> Result<MeasureId> {
        let scored = measure.clone().scored()?;
        self.write(by, |tx| rows::insert_measure(tx, &scored, None))
    }

    pub fn delete_measure(&mut self, by: &Actor, id: MeasureId) -> Result<()> {
        let _acting = self.actor.acting(by);
        let changed = self
            .conn
            .execute("DELETE FROM measure WHERE id = ?1", [id.0])?;
        expect_one(changed, "measure", id.0)
    }

    /// Puts a visit back as it was in `record`: its note, findings, interventions and
    /// outcome measures, with their ids, in one transaction. This is how undo and redo reach the database.
    pub fn restore_visit(&mut self, by: &Actor, record: &VisitRecord) -> Result<()> {
        self.write(by, |tx| {
            let visit = &record.visit;
            let changed = rows::update_visit(tx, visit)?;
            expect_one(changed, "visit", visit.id.0)?;
            tx.execute("DELETE FROM finding WHERE visit_id = ?1", [visit.id.0])?;
            tx.execute("DELETE FROM intervention WHERE visit_id = ?1", [visit.id.0])?;
            tx.execute("DELETE FROM measure WHERE visit_id = ?1", [visit.id.0])?;
            for finding in &record.findings {
                rows::insert_finding(tx, finding, Some(finding.id))?;
            }
            for intervention in &record.interventions {
                rows::insert_intervention(tx, intervention, Some(intervention.id))?;
            }
            for measure in &record.measures {
                // Scored again by its instrument's rule: a snapshot's score is not trusted.
                let measure = measure.clone().scored()?;
                rows::insert_measure(tx, &measure, Some(measure.id))?;
            }
            Ok(())
        })
    }

    // ----- signing, addenda and the audit trail -----

    /// Signs a draft visit as `by`, now, recording the audit chain's head in the
    /// signature. From then on the schema refuses any change to the visit and to what was
    /// charted at it.
    pub fn sign_visit(&mut self, by: &Actor, id: VisitId) -> Result<Signature> {
        let signature = Signature {
            by: by.name().to_owned(),
            at: now_to_the_second(),
        };
        let signed = self.write(by, |tx| {
            let head = audit::head(tx)?;
            rows::sign_visit(tx, id, &signature, head.as_ref())
        })?;
        if signed == 0 {
            let visit = self.visit(id)?;
            let by = visit.signature.map(|s| s.by).unwrap_or_default();
            return Err(StoreError::Refused(format!(
                "visit {id} is already signed by {by}"
            )));
        }
        Ok(signature)
    }

    /// The audit chain's head recorded when visit `id` was signed, if it was.
    pub fn signed_chain(&self, id: VisitId) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT signed_chain FROM visit WHERE id = ?1",
                [id.0],
                |row| row.get(0),
            )
            .optional()?
            .flatten())
    }

    /// The audit chain's newest row: what a copy kept outside the notebook anchors.
    pub fn audit_head(&self) -> Result<Option<ChainHead>> {
        Ok(audit::head(&self.conn)?)
    }

    /// Adds a dated addendum to a signed visit, written by `author` now.
    pub fn add_addendum(
        &mut self,
        author: &Actor,
        visit: VisitId,
        reason: &str,
        text: &str,
    ) -> Result<Addendum> {
        for (what, value) in [("reason", reason), ("text", text)] {
            if value.trim().is_empty() {
                return Err(StoreError::Invalid(format!("an addendum needs its {what}")));
            }
        }
        let mut addendum = Addendum {
            id: AddendumId(0),
            visit_id: visit,
            author: author.name().to_owned(),
            written_at: now_to_the_second(),
            reason: reason.trim().to_owned(),
            text: text.trim().to_owned(),
        };
        addendum.id = self.write(author, |tx| rows::insert_addendum(tx, &addendum, None))?;
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
    pub fn delete_draft_visit(&mut self, by: &Actor, id: VisitId) -> Result<()> {
        self.write(by, |tx| {
            let changed = tx.execute("DELETE FROM visit WHERE id = ?1", [id.0])?;
            expect_one(changed, "visit", id.0)
        })
    }

    // ----- the file: backups and the passphrase -----

    /// Copies the notebook to `destination` through SQLite's online backup API, with the
    /// same key, checks the copy with `integrity_check`, and only then gives it its name.
    /// An existing file at `destination` is never overwritten.
    /// The backup is recorded in the notebook's events first, so that the copy holds the
    /// record of its own making.
    pub fn backup_to(&self, by: &Actor, destination: &Path) -> Result<BackupCheck> {
        let check = files::backup(&self.conn, &self.passphrase, destination)?;
        // Recorded once made: reading a damaged notebook to back it up writes nothing.
        self.record_event(by, "backup", &destination.display().to_string())?;
        Ok(check)
    }

    /// Makes today's backup in `folder` unless one was made today, and keeps the
    /// `BACKUPS_KEPT` made last, then records it. Returns the new backup, if one was made.
    pub fn rotate_backups(
        &self,
        by: &Actor,
        folder: &Path,
        now: chrono::NaiveDateTime,
    ) -> Result<Option<(PathBuf, BackupCheck)>> {
        if !files::backup_due(folder, now.date()) {
            return Ok(None);
        }
        let made = files::rotate(&self.conn, &self.passphrase, folder, now)?;
        if let Some((path, _)) = &made {
            self.record_event(by, "backup", &format!("daily backup {}", path.display()))?;
        }
        Ok(made)
    }

    /// Re-encrypts the notebook under `new` (an empty passphrase decrypts it), through a
    /// checked copy renamed over the original, and goes on under the new key. On an
    /// error the notebook is reopened as it was.
    pub fn rekey(&mut self, by: &Actor, new: &Passphrase) -> Result<()> {
        let Some(path) = self.path.clone() else {
            return Err(StoreError::Invalid(
                "an in-memory notebook has no passphrase".into(),
            ));
        };
        let detail = if new.is_empty() {
            "passphrase removed: the notebook is not encrypted"
        } else {
            "encrypted under a new passphrase"
        };
        self.record_event(by, "rekey", detail)?;
        let conn = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        let rekeyed = files::rekey(conn, &path, new);
        let key = match rekeyed {
            Ok(()) => new.clone(),
            Err(_) => self.passphrase.clone(),
        };
        *self = Store::open_with(&path, &key)?;
        rekeyed
    }

    /// A patient's visits, oldest first, each with its findings and interventions in the
    /// order they were charted.
    pub fn timeline(&self, patient_id: PatientId) -> Result<Vec<VisitRecord>> {
        rows::timeline(&self.conn, patient_id)
    }

    // ----- the whole notebook -----

    /// Every patient with their whole record, for a lossless JSON export, with the audit
    /// chain's head.
    pub fn export(&self) -> Result<NotebookFile> {
        let mut notebook = exchange::export(&self.conn)?;
        notebook.audit_head = audit::head(&self.conn)?;
        Ok(notebook)
    }

    /// Writes the export to `destination` (private, 0600, never half a file) and, once it
    /// is there, records it in the notebook's events.
    pub fn export_to(&self, by: &Actor, destination: &Path) -> Result<NotebookFile> {
        let notebook = self.export()?;
        notebook
            .write(destination)
            .map_err(|error| StoreError::File {
                path: destination.to_owned(),
                message: error.to_string(),
            })?;
        self.record_event(by, "export", &destination.display().to_string())?;
        Ok(notebook)
    }

    /// Whether the audit trail still holds `anchor`, a chain head copied out of it
    /// earlier (from a backup, an export or a signature); `source` names it.
    pub fn check_anchor(&self, anchor: &ChainHead, source: &str) -> Result<Option<AuditProblem>> {
        Ok(audit::check_anchor(&self.conn, anchor, source)?)
    }

    /// Adds every patient of `notebook` in one transaction: all of it or, on any error,
    /// nothing. Into an empty notebook the file's ids are kept, so an export imported into
    /// a fresh notebook exports identically; otherwise the records get new ids.
    pub fn import(&mut self, by: &Actor, notebook: &NotebookFile) -> Result<ImportSummary> {
        self.write(by, |tx| exchange::import(tx, notebook))
    }

    /// Inserts many patient records in one transaction: the bulk path for the demo clinic
    /// and the benchmark.
    pub fn insert_records(
        &mut self,
        by: &Actor,
        records: &[PatientRecord],
    ) -> Result<Vec<PatientId>> {
        self.write(by, |tx| exchange::insert_records(tx, records, false))
    }
}

/// `patient` with its name as it will stand on the record; a name with nothing visible in
/// it is refused.
fn named(patient: &Patient) -> Result<Patient> {
    let name = crate::model::clean_name(&patient.name);
    if name.is_empty() {
        return Err(StoreError::Invalid(
            "a patient needs a name with letters in it".into(),
        ));
    }
    Ok(Patient {
        name,
        ..patient.clone()
    })
}

/// What the schema's CHECK, NOT NULL and foreign-key constraints refused, in the clinic's
/// words rather than SQL's.
fn constraint_words(message: &str) -> String {
    let known: [(&str, &str); 10] = [
        ("intensity", "an intensity is a whole number from 0 to 10"),
        (
            "date_of_birth",
            "a date of birth is a real date, YYYY-MM-DD",
        ),
        (
            "started_at",
            "a visit's date and time is a real date and time",
        ),
        ("side", "a side is left, right, bilateral, midline or none"),
        ("sex", "sex is female, male, other or unknown"),
        ("kind IN", "that kind is not one the notebook knows"),
        ("presence", "a finding is present or absent"),
        ("length(trim(name))", "a patient needs a name"),
        ("length(trim(author))", "an addendum needs its author"),
        ("history", "a patient's history is a list"),
    ];
    if message.contains("FOREIGN KEY") {
        return "the patient or visit it belongs to is not in the notebook".into();
    }
    if message.contains("UNIQUE") || message.contains("PRIMARY KEY") {
        return "a record with that id is already in the notebook".into();
    }
    known
        .iter()
        .find(|(column, _)| message.contains(column))
        .map_or_else(
            || "the notebook refused a value that does not fit the record".to_owned(),
            |(_, words)| (*words).to_owned(),
        )
}

fn expect_one(changed: usize, what: &'static str, id: i64) -> Result<()> {
    if changed == 0 {
        Err(StoreError::NotFound { what, id })
    } else {
        Ok(())
    }
}

/// Whether the notebook (or, when it does not exist, its folder) cannot be written by
/// this process.
fn read_only(path: &Path) -> bool {
    let writable = |path: &Path| {
        std::fs::metadata(path).is_ok_and(|m| !m.permissions().readonly())
            && std::fs::OpenOptions::new().append(true).open(path).is_ok()
    };
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let folder_writable = tempfile_probe(folder);
    if path.exists() {
        // SQLite writes its WAL and shared-memory files beside the notebook.
        !(writable(path) && folder_writable)
    } else {
        !folder_writable
    }
}

/// Whether a file can be created in `folder` (the permission bits alone do not say, for
/// root or on a read-only mount).
fn tempfile_probe(folder: &Path) -> bool {
    let probe = folder.join(format!(".upstream-write-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            true
        }
        Err(error) => error.kind() == std::io::ErrorKind::AlreadyExists,
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

/// "1974/02" and "1974-2-1" read as "1974-02" and "1974-02-01"; "19" means born in the
/// 1900s. A last part of one digit is taken as typed so far: "1974-1" finds October to
/// December 1974, and "1974-2" finds nothing until the month is typed as "02".
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
