//! The notebook as a file on disk: telling a plain, an encrypted and a foreign file apart;
//! backups through SQLite's online backup API; restore; changing the passphrase; and the
//! lock that keeps a second Upstream off the same notebook.
//!
//! Every operation here writes a new file beside the old one, checks it, and only then
//! renames it into place, so a failure or a killed process never leaves an existing file
//! truncated or overwritten.

use std::fs::File;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use super::audit::ChainHead;
use super::{Passphrase, Result, SQLITE_HEADER, StoreError, latest_version, migrate};

/// How many daily backups are kept.
pub const BACKUPS_KEPT: usize = 14;

/// What a file at the notebook's path is, judged without opening it as a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Missing or empty: a new notebook.
    New,
    /// An unencrypted SQLite database.
    Plain,
    /// Not plain SQLite, but shaped like SQLCipher's pages: encrypted, or foreign.
    Encrypted,
}

/// Looks at the first bytes and the size. Text, a PDF or a truncated file is refused here;
/// an encrypted notebook and random bytes of a page-sized length cannot be told apart
/// without the key.
pub fn probe(path: &Path) -> Result<FileKind> {
    use std::io::Read;
    let file_error = |message: String| StoreError::File {
        path: path.to_owned(),
        message,
    };
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(FileKind::New),
        Err(error) => return Err(file_error(error.to_string())),
    };
    let metadata = file
        .metadata()
        .map_err(|error| file_error(error.to_string()))?;
    if metadata.is_dir() {
        return Err(file_error("is a folder, not a notebook file".into()));
    }
    let mut header = Vec::with_capacity(SQLITE_HEADER.len());
    file.by_ref()
        .take(SQLITE_HEADER.len() as u64)
        .read_to_end(&mut header)
        .map_err(|error| file_error(error.to_string()))?;
    if header.is_empty() {
        Ok(FileKind::New)
    } else if header.as_slice() == SQLITE_HEADER {
        Ok(FileKind::Plain)
    } else if metadata.len() >= 512 && metadata.len() % 512 == 0 {
        Ok(FileKind::Encrypted)
    } else {
        Err(StoreError::NotADatabase {
            path: path.to_owned(),
        })
    }
}

/// Silences SQLCipher's own logging (it would print decryption failures to stderr) and
/// gives the connection its key, if any. Must come before anything reads the file.
pub fn apply_key(conn: &Connection, key: Option<&Passphrase>) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))?;
    if let Some(key) = key.filter(|key| !key.is_empty()) {
        conn.pragma_update(None, "key", key.text())?;
    }
    Ok(())
}

/// `PRAGMA integrity_check`, its lines joined: "ok" when the file is sound.
pub fn integrity_check(conn: &Connection) -> rusqlite::Result<String> {
    let mut statement = conn.prepare("PRAGMA integrity_check")?;
    let lines = statement
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(lines.join("; "))
}

/// `PRAGMA quick_check`: every page read and its structure checked, without the slower
/// index cross-checks of `integrity_check`. "ok" when sound.
pub fn quick_check(conn: &Connection) -> rusqlite::Result<String> {
    let mut statement = conn.prepare("PRAGMA quick_check")?;
    let lines = statement
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(lines.join("; "))
}

/// A backup (or a file offered for restore) that opened and passed the checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupCheck {
    pub path: PathBuf,
    pub schema_version: i64,
    pub patients: i64,
    pub visits: i64,
}

/// Opens `path` read-only, without changing a byte of it, and checks that it is a sound
/// Upstream notebook this build can read.
pub fn check_backup(path: &Path, passphrase: &Passphrase) -> Result<BackupCheck> {
    let kind = probe(path)?;
    match kind {
        FileKind::New => {
            return Err(StoreError::File {
                path: path.to_owned(),
                message: "is empty or missing".into(),
            });
        }
        FileKind::Encrypted if passphrase.is_empty() => {
            return Err(StoreError::PassphraseNeeded {
                path: path.to_owned(),
            });
        }
        FileKind::Encrypted | FileKind::Plain => {}
    };
    let conn = open_read_only(path, passphrase)?;
    let version = migrate::user_version(&conn).map_err(|_| match kind {
        FileKind::Encrypted => StoreError::WrongPassphrase {
            path: path.to_owned(),
        },
        _ => StoreError::NotADatabase {
            path: path.to_owned(),
        },
    })?;
    if version > latest_version() {
        return Err(StoreError::NewerSchema {
            path: path.to_owned(),
            found: version,
            supported: latest_version(),
        });
    }
    let integrity = integrity_check(&conn).unwrap_or_else(|error| error.to_string());
    if integrity != "ok" {
        return Err(StoreError::File {
            path: path.to_owned(),
            message: format!("fails SQLite's integrity check: {integrity}"),
        });
    }
    let count = |table: &str| {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
            row.get::<_, i64>(0)
        })
    };
    let (Ok(patients), Ok(visits)) = (count("patient"), count("visit")) else {
        return Err(StoreError::File {
            path: path.to_owned(),
            message: "is an SQLite database but not an Upstream notebook".into(),
        });
    };
    Ok(BackupCheck {
        path: path.to_owned(),
        schema_version: version,
        patients,
        visits,
    })
}

/// A read-only, immutable URI for `path`: SQLite then takes no locks and writes no
/// journal, so checking a file cannot change it.
fn read_only_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'%' | b'?' | b'#' => uri.push_str(&format!("%{byte:02X}")),
            _ => uri.push(char::from(byte)),
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    uri
}

/// The backup API in one step (one read snapshot, so writes arriving meanwhile never make
/// it start over) into `partial`, created private (0600); then the copy is made a plain
/// rollback-journal file (not WAL), checked, synced and linked to `destination`, which
/// is never overwritten.
pub fn backup(
    source: &Connection,
    passphrase: &Passphrase,
    destination: &Path,
) -> Result<BackupCheck> {
    if destination.exists() {
        return Err(StoreError::File {
            path: destination.to_owned(),
            message: "already exists; a backup never overwrites a file".into(),
        });
    }
    if let Some(parent) = destination.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.is_dir()
    {
        return Err(StoreError::MissingFolder {
            path: parent.to_owned(),
        });
    }
    let partial = with_suffix(destination, ".partial");
    remove_if_present(&partial)?;
    let copied = create_private(&partial)
        .and_then(|()| {
            copy_through_backup_api(source, passphrase, &partial).map_err(StoreError::from)
        })
        .and_then(|()| check_backup(&partial, passphrase))
        .and_then(|_| sync_file(&partial))
        .and_then(|()| link_new(&partial, destination));
    let _ = std::fs::remove_file(&partial);
    copied?;
    sync_folder(destination)?;
    check_backup(destination, passphrase)
}

fn copy_through_backup_api(
    source: &Connection,
    passphrase: &Passphrase,
    partial: &Path,
) -> rusqlite::Result<()> {
    let mut copy = Connection::open(partial)?;
    apply_key(&copy, Some(passphrase))?;
    {
        let backup = rusqlite::backup::Backup::new(source, &mut copy)?;
        // -1: every page in one step, under one read transaction of the source.
        let mut tries = 0;
        loop {
            match backup.step(-1)? {
                rusqlite::backup::StepResult::Done => break,
                rusqlite::backup::StepResult::More => {}
                rusqlite::backup::StepResult::Busy | rusqlite::backup::StepResult::Locked => {
                    tries += 1;
                    if tries > 50 {
                        return Err(rusqlite::Error::SqliteFailure(
                            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                            Some("the notebook stayed busy; the backup was not made".into()),
                        ));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                _ => {}
            }
        }
    }
    copy.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
    copy.close().map_err(|(_, error)| error)
}

/// The folder the daily backups of the notebook at `database` go to.
pub fn backup_folder(database: &Path) -> PathBuf {
    database
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join("backups")
}

const BACKUP_PREFIX: &str = "notebook-";
const BACKUP_SUFFIX: &str = ".sqlite3";
/// Beside each backup: when it was made, in what order, and the audit chain's head in it.
const SIDE_SUFFIX: &str = ".head.json";

/// What is recorded beside a backup. The head anchors the notebook's audit chain outside
/// the file (`upstream audit verify --against`); the sequence orders the backups whatever
/// the clock said when each was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct BackupSide {
    /// The file name of the notebook it was made from: several notebooks may share a
    /// folder, and so its backups folder.
    #[serde(default)]
    pub notebook: String,
    pub sequence: u64,
    pub made_at: chrono::NaiveDateTime,
    pub head: Option<ChainHead>,
}

/// Where the side file of the backup at `backup` is.
pub fn side_path(backup: &Path) -> PathBuf {
    with_suffix(backup, SIDE_SUFFIX)
}

/// Reads the side file of `backup`, if it has a readable one.
pub fn read_side(backup: &Path) -> Option<BackupSide> {
    let text = std::fs::read_to_string(side_path(backup)).ok()?;
    serde_json::from_str(&text).ok()
}

fn write_side(backup: &Path, side: &BackupSide) -> Result<()> {
    let path = side_path(backup);
    let text = serde_json::to_string_pretty(side).map_err(|error| StoreError::File {
        path: path.clone(),
        message: error.to_string(),
    })?;
    write_private_file(&path, text.as_bytes())
}

/// A daily backup found in the folder, with its place in the order they were made.
#[derive(Debug, Clone)]
struct Daily {
    path: PathBuf,
    /// The recorded sequence; backups from before sequences were recorded come first,
    /// by their date.
    order: (u64, NaiveDate),
    made_on: NaiveDate,
    /// The notebook it was made from, when its side file says.
    notebook: Option<String>,
}

/// The daily backups in `folder`, the most recently made first.
fn daily_backups(folder: &Path) -> Vec<Daily> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut backups: Vec<Daily> = entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stem = name
                .strip_prefix(BACKUP_PREFIX)?
                .strip_suffix(BACKUP_SUFFIX)?;
            let day = NaiveDate::parse_from_str(stem.get(..10)?, "%Y-%m-%d").ok()?;
            let path = entry.path();
            let side = read_side(&path);
            Some(Daily {
                order: (side.as_ref().map_or(0, |s| s.sequence), day),
                made_on: side.as_ref().map_or(day, |s| s.made_at.date()),
                notebook: side.map(|s| s.notebook).filter(|n| !n.is_empty()),
                path,
            })
        })
        .collect();
    backups.sort_by_key(|b| std::cmp::Reverse(b.order));
    backups
}

/// Whether a day has passed since the newest daily backup in `folder` was made (by the
/// day it recorded, so a clock set back or forward still gets one backup a day).
pub fn backup_due(folder: &Path, today: NaiveDate) -> bool {
    daily_backups(folder)
        .first()
        .is_none_or(|newest| newest.made_on != today)
}

/// Today's backup unless one was made today, then the oldest made beyond `BACKUPS_KEPT`
/// removed, by the order they were made rather than the dates in their names.
pub fn rotate(
    source: &Connection,
    passphrase: &Passphrase,
    folder: &Path,
    now: chrono::NaiveDateTime,
) -> Result<Option<(PathBuf, BackupCheck)>> {
    std::fs::create_dir_all(folder).map_err(|source| StoreError::CreateDir {
        path: folder.to_owned(),
        source,
    })?;
    let today = now.date();
    let existing = daily_backups(folder);
    let made = if existing
        .first()
        .is_some_and(|newest| newest.made_on == today)
    {
        None
    } else {
        let mut todays = folder.join(format!("{BACKUP_PREFIX}{today}{BACKUP_SUFFIX}"));
        let mut n = 2;
        while todays.exists() {
            todays = folder.join(format!("{BACKUP_PREFIX}{today}-{n}{BACKUP_SUFFIX}"));
            n += 1;
        }
        let check = backup(source, passphrase, &todays)?;
        let sequence = existing.iter().map(|b| b.order.0).max().unwrap_or(0) + 1;
        let head = backup_head(&todays, passphrase)?;
        write_side(
            &todays,
            &BackupSide {
                notebook: file_name(source_path(source).as_deref()),
                sequence,
                made_at: now,
                head,
            },
        )?;
        Some((todays, check))
    };
    let made_path = made.as_ref().map(|(path, _)| path.clone());
    for old in daily_backups(folder)
        .into_iter()
        .filter(|b| Some(&b.path) != made_path.as_ref())
        .skip(BACKUPS_KEPT.saturating_sub(usize::from(made_path.is_some())))
    {
        std::fs::remove_file(&old.path).map_err(|error| StoreError::File {
            path: old.path.clone(),
            message: error.to_string(),
        })?;
        let _ = std::fs::remove_file(side_path(&old.path));
    }
    Ok(made)
}

/// The audit chain's head inside the backup at `path`.
pub fn backup_head(path: &Path, passphrase: &Passphrase) -> Result<Option<ChainHead>> {
    let conn = open_read_only(path, passphrase)?;
    Ok(super::audit::head(&conn)?)
}

/// Opens `path` read-only and immutable, with `passphrase` when it is encrypted.
pub fn open_read_only(path: &Path, passphrase: &Passphrase) -> Result<Connection> {
    let key = match probe(path)? {
        FileKind::Encrypted => Some(passphrase),
        _ => None,
    };
    let conn = Connection::open_with_flags(
        read_only_uri(path),
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|source| StoreError::Open {
        path: path.to_owned(),
        source,
    })?;
    apply_key(&conn, key)?;
    Ok(conn)
}

/// The newest daily backup in `folder` that passes `check_backup`, for when the notebook
/// itself cannot be opened.
pub fn newest_verified_backup(folder: &Path, passphrase: &Passphrase) -> Option<BackupCheck> {
    daily_backups(folder)
        .into_iter()
        .find_map(|daily| check_restorable(&daily.path, passphrase).ok())
}

/// `check_backup`, and then the audit trail inside the file walked and its schema compared
/// with `schema.sql`: a backup whose guards were dropped, or whose trail or signed visits
/// were changed, is not put in place of a notebook.
pub fn check_restorable(path: &Path, passphrase: &Passphrase) -> Result<BackupCheck> {
    let check = check_backup(path, passphrase)?;
    let conn = open_read_only(path, passphrase)?;
    if check.schema_version >= 4 {
        let report = super::audit::verify(&conn)?;
        if let Some(problem) = report.problems.first() {
            return Err(StoreError::File {
                path: path.to_owned(),
                message: format!(
                    "fails the audit check ({problem}{}); it was not restored",
                    if report.problems.len() > 1 {
                        format!(", and {} more problems", report.problems.len() - 1)
                    } else {
                        String::new()
                    }
                ),
            });
        }
    }
    Ok(check)
}

/// What `restore` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    pub restored: BackupCheck,
    /// Where the notebook that was there before now is.
    pub set_aside: Option<PathBuf>,
}

/// Puts the backup at `backup` in place of the notebook at `database`. The backup must
/// pass `check_restorable`; it is copied beside the notebook (private, 0600) and checked
/// again. The current notebook (with its WAL) is then kept aside under a name no other
/// file has, by a hard link, so that at every moment the notebook's own name holds a whole
/// notebook, the old one or the restored one; the copy then takes the name in one rename.
/// The folder is synced after every step. The caller holds the notebook's lock.
pub fn restore(database: &Path, backup: &Path, passphrase: &Passphrase) -> Result<RestoreReport> {
    check_restorable(backup, passphrase)?;
    let copy = with_suffix(database, RESTORING_SUFFIX);
    remove_if_present(&copy)?;
    let copied = create_private(&copy)
        .and_then(|()| copy_into(backup, &copy))
        .and_then(|()| sync_file(&copy))
        .and_then(|()| check_backup(&copy, passphrase));
    let restored = match copied {
        Ok(check) => check,
        Err(error) => {
            let _ = std::fs::remove_file(&copy);
            return Err(error);
        }
    };
    sync_folder(&copy)?;
    let set_aside = if std::fs::metadata(database).is_ok_and(|m| m.len() > 0) {
        // Fold the old notebook's WAL into it when its passphrase is the same, so that the
        // file kept aside is whole by itself.
        if let Ok(conn) = Connection::open(database) {
            let _ = apply_key(&conn, Some(passphrase))
                .and_then(|()| conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())));
        }
        let aside = keep_aside(database)?;
        let wal = with_suffix(database, "-wal");
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            link_or_copy(&wal, &with_suffix(&aside, "-wal"))?;
        }
        sync_folder(database)?;
        // The old WAL must not be read against the restored file.
        remove_if_present(&wal)?;
        remove_if_present(&with_suffix(database, "-shm"))?;
        sync_folder(database)?;
        Some(aside)
    } else {
        None
    };
    rename(&copy, database)?;
    sync_folder(database)?;
    Ok(RestoreReport {
        restored: BackupCheck {
            path: database.to_owned(),
            ..restored
        },
        set_aside,
    })
}

const RESTORING_SUFFIX: &str = ".restoring";
const DEFAULT_NOTEBOOK_NAME: &str = "notebook.sqlite3";

fn file_name(path: Option<&Path>) -> String {
    path.and_then(Path::file_name)
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The file the connection's main database lives in.
fn source_path(conn: &Connection) -> Option<PathBuf> {
    conn.path().filter(|p| !p.is_empty()).map(PathBuf::from)
}
const REKEY_SUFFIX: &str = ".rekey";
const ASIDE_MARK: &str = "-before-restore-";

/// Gives the file at `database` a second name, `<stem>-before-restore-<time>[-n].sqlite3`,
/// that no file had: an existing file is never replaced, however many restores come in the
/// same second.
fn keep_aside(database: &Path) -> Result<PathBuf> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let stem = database
        .file_stem()
        .map_or_else(|| "notebook".into(), |s| s.to_string_lossy().into_owned());
    for n in 1..10_000 {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("-{n}")
        };
        let aside = database.with_file_name(format!("{stem}{ASIDE_MARK}{stamp}{suffix}.sqlite3"));
        match link_or_copy(database, &aside) {
            Ok(()) => return Ok(aside),
            Err(StoreError::File { .. }) if aside.exists() => continue,
            Err(error) => return Err(error),
        }
    }
    Err(StoreError::File {
        path: database.to_owned(),
        message: "no free name was found to keep it aside; nothing was restored".into(),
    })
}

/// A second name for `from` at `to`, failing when `to` exists: a hard link, or where the
/// file system has none, a private copy created new.
fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    match std::fs::hard_link(from, to) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Err(StoreError::File {
            path: to.to_owned(),
            message: "already exists".into(),
        }),
        Err(_) => create_private(to)
            .and_then(|()| copy_into(from, to))
            .and_then(|()| sync_file(to)),
    }
}

/// Gives `from` the name `to`, which must not exist, and drops `from`'s name.
fn link_new(from: &Path, to: &Path) -> Result<()> {
    link_or_copy(from, to)?;
    remove_if_present(from)
}

/// Files beside the notebook that say it existed: daily backups and notebooks kept aside
/// by a restore, or a restore's copy. A missing or empty notebook with any of these
/// beside it was lost, not never made.
pub fn recovery_candidates(database: &Path) -> Vec<PathBuf> {
    let name = file_name(Some(database));
    let mut found: Vec<PathBuf> = daily_backups(&backup_folder(database))
        .into_iter()
        // Backups made before their side files said whose they were belong to the
        // default notebook.
        .filter(|daily| daily.notebook.as_deref().unwrap_or(DEFAULT_NOTEBOOK_NAME) == name)
        .map(|daily| daily.path)
        .collect();
    let stem = database
        .file_stem()
        .map_or_else(|| "notebook".into(), |s| s.to_string_lossy().into_owned());
    let folder = database
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(entries) = std::fs::read_dir(folder) {
        let mut aside: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.path())
            .filter(|path| {
                path.file_name().is_some_and(|name| {
                    let name = name.to_string_lossy();
                    name.starts_with(&format!("{stem}{ASIDE_MARK}")) && name.ends_with(".sqlite3")
                })
            })
            .collect();
        aside.sort();
        aside.reverse();
        found.extend(aside);
    }
    let restoring = with_suffix(database, RESTORING_SUFFIX);
    if restoring.exists() {
        found.push(restoring);
    }
    found
}

/// Removes what an interrupted rekey, restore or backup left beside the notebook: a
/// re-encrypted copy (plain text, when it was decrypting), a restore's copy, a backup's
/// partial file. Each was only ever a step before a rename, so none holds anything the
/// notebook lacks. Called by the holder of the notebook's lock.
pub fn remove_leftovers(database: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let mut candidates = vec![
        with_suffix(database, REKEY_SUFFIX),
        with_suffix(database, &format!("{REKEY_SUFFIX}-journal")),
    ];
    // A restore's copy is kept while the notebook itself is missing: it may be all there is.
    if std::fs::metadata(database).is_ok_and(|m| m.len() > 0) {
        candidates.push(with_suffix(database, RESTORING_SUFFIX));
    }
    if let Ok(entries) = std::fs::read_dir(backup_folder(database)) {
        candidates.extend(
            entries
                .filter_map(|entry| entry.ok())
                .map(|entry| entry.path())
                .filter(|path| path.to_string_lossy().ends_with(".partial")),
        );
    }
    for path in candidates {
        if std::fs::remove_file(&path).is_ok() {
            removed.push(path);
        }
    }
    removed
}

/// Writes the notebook under the new key into a private copy beside it (SQLCipher's
/// `sqlcipher_export`), checks the copy, and renames it over the original. A failed
/// attempt removes the copy; a killed one leaves it for `remove_leftovers`.
pub fn rekey(conn: Connection, database: &Path, new: &Passphrase) -> Result<()> {
    let version = migrate::user_version(&conn)?;
    let patients: i64 = conn.query_row("SELECT count(*) FROM patient", [], |row| row.get(0))?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let copy = with_suffix(database, REKEY_SUFFIX);
    remove_if_present(&copy)?;
    create_private(&copy)?;
    let exported = (|| -> rusqlite::Result<()> {
        conn.execute(
            "ATTACH DATABASE ?1 AS rekeyed KEY ?2",
            rusqlite::params![copy.to_string_lossy(), new.text()],
        )?;
        conn.query_row("SELECT sqlcipher_export('rekeyed')", [], |_| Ok(()))?;
        conn.pragma_update(Some("rekeyed"), "user_version", version)?;
        conn.execute("DETACH DATABASE rekeyed", [])?;
        Ok(())
    })();
    conn.close().map_err(|(_, error)| error)?;
    let checked = exported
        .map_err(StoreError::from)
        .and_then(|()| check_backup(&copy, new))
        .and_then(|check| {
            if check.patients == patients && check.schema_version == version {
                Ok(())
            } else {
                Err(StoreError::File {
                    path: copy.clone(),
                    message: "the re-encrypted copy does not hold the whole notebook".into(),
                })
            }
        })
        .and_then(|()| sync_file(&copy));
    if let Err(error) = checked {
        let _ = std::fs::remove_file(&copy);
        return Err(error);
    }
    // A WAL left beside the old file would be read against the new one.
    let wal = with_suffix(database, "-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        let _ = std::fs::remove_file(&copy);
        return Err(StoreError::InUse {
            path: database.to_owned(),
        });
    }
    for companion in ["-wal", "-shm"] {
        remove_if_present(&with_suffix(database, companion))?;
    }
    rename(&copy, database)?;
    sync_folder(database)
}

/// Holds the notebook for this process: a second window or writing command on the same
/// notebook, by whatever name or link it is reached, is told so instead of racing this
/// one. Two locks are held: one on the notebook file itself (its identity, device and
/// inode, however it is named) and one on `<real path>.lock`, which also covers a notebook
/// not yet made. The operating system releases both when the process ends, however it
/// ends.
///
/// The lock file also remembers whether the last holder closed cleanly and when every page
/// was last checked, so that the page check runs once a day or after a crash rather than
/// before every write.
#[derive(Debug)]
pub struct NotebookLock {
    file: File,
    _notebook: Option<File>,
    path: PathBuf,
    /// Whether the previous holder ended without closing (a crash or a kill).
    unclean: bool,
    /// The day every page was last checked, as the lock file recorded it.
    checked: Option<NaiveDate>,
}

impl NotebookLock {
    pub fn acquire(database: &Path) -> Result<NotebookLock> {
        if let Some(parent) = database.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(StoreError::MissingFolder {
                path: parent.to_owned(),
            });
        }
        let real = real_path(database);
        let path = with_suffix(&real, ".lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|error| match error.kind() {
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                    StoreError::ReadOnly {
                        path: database.to_owned(),
                    }
                }
                _ => StoreError::File {
                    path: path.clone(),
                    message: error.to_string(),
                },
            })?;
        try_lock(&file, database, &path)?;
        let notebook = match File::open(&real) {
            Ok(notebook) => {
                try_lock(&notebook, database, &real)?;
                Some(notebook)
            }
            Err(_) => None,
        };
        let mut text = String::new();
        {
            use std::io::Read;
            let _ = (&file).read_to_string(&mut text);
        }
        let unclean = text.lines().any(|line| line.trim() == "state=open");
        let checked = text
            .lines()
            .find_map(|line| line.strip_prefix("checked="))
            .and_then(|day| NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok());
        let lock = NotebookLock {
            file,
            _notebook: notebook,
            path,
            unclean,
            checked,
        };
        lock.record("open");
        Ok(lock)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether every page should be read before trusting the file: after an unclean end
    /// of the last holder, or when no check was made today.
    pub fn page_check_due(&self, today: NaiveDate) -> bool {
        self.unclean || self.checked != Some(today)
    }

    /// Records that every page was read and found sound today.
    pub fn checked_today(&mut self, today: NaiveDate) {
        self.checked = Some(today);
        self.unclean = false;
        self.record("open");
    }

    fn record(&self, state: &str) {
        use std::io::{Seek, Write};
        let mut text = format!("state={state}\n");
        if let Some(day) = self.checked {
            text.push_str(&format!("checked={day}\n"));
        }
        let mut file = &self.file;
        // Only bookkeeping: a lock file that cannot be written means a check that runs
        // more often, never a lost edit.
        let _ = file
            .set_len(0)
            .and_then(|()| file.seek(std::io::SeekFrom::Start(0)))
            .and_then(|_| file.write_all(text.as_bytes()))
            .and_then(|()| file.sync_data());
    }
}

impl Drop for NotebookLock {
    fn drop(&mut self) {
        self.record("closed");
    }
}

fn try_lock(file: &File, database: &Path, path: &Path) -> Result<()> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::InUse {
            path: database.to_owned(),
        }),
        Err(std::fs::TryLockError::Error(error)) => Err(StoreError::File {
            path: path.to_owned(),
            message: error.to_string(),
        }),
    }
}

/// `database` with every link resolved: the notebook itself when it exists, or its name in
/// the real folder when it does not yet.
fn real_path(database: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(database) {
        return real;
    }
    let folder = database
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (std::fs::canonicalize(folder), database.file_name()) {
        (Ok(folder), Some(name)) => folder.join(name),
        _ => database.to_owned(),
    }
}

/// Creates an empty file at `path` that only its owner can read (0600), so that what is
/// written into it (SQLite keeps the mode for its journals) is never readable by others.
fn create_private(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map(drop)
        .map_err(|error| StoreError::File {
            path: path.to_owned(),
            message: error.to_string(),
        })
}

/// Writes `bytes` to `path` through a private temporary beside it, synced and renamed in.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let partial = with_suffix(path, ".partial");
    remove_if_present(&partial)?;
    let written = create_private(&partial)
        .and_then(|()| {
            std::fs::OpenOptions::new()
                .write(true)
                .open(&partial)
                .and_then(|mut file| {
                    file.write_all(bytes)?;
                    file.sync_all()
                })
                .map_err(|error| StoreError::File {
                    path: partial.clone(),
                    message: error.to_string(),
                })
        })
        .and_then(|()| rename(&partial, path));
    if let Err(error) = written {
        // Whatever failed, the partial file (a whole notebook's text, perhaps) goes.
        let _ = std::fs::remove_file(&partial);
        return Err(error);
    }
    sync_folder(path)
}

fn copy_into(from: &Path, to: &Path) -> Result<()> {
    let mut source = File::open(from).map_err(|error| StoreError::File {
        path: from.to_owned(),
        message: error.to_string(),
    })?;
    let mut target = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(to)
        .map_err(|error| StoreError::File {
            path: to.to_owned(),
            message: error.to_string(),
        })?;
    std::io::copy(&mut source, &mut target).map_err(|error| StoreError::File {
        path: to.to_owned(),
        message: error.to_string(),
    })?;
    Ok(())
}

/// Syncs the folder that holds `path`, so that a rename or a new name survives a power
/// cut, not only a killed process.
pub fn sync_folder(path: &Path) -> Result<()> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    File::open(folder)
        .and_then(|folder| folder.sync_all())
        .map_err(|error| StoreError::File {
            path: folder.to_owned(),
            message: format!("cannot sync the folder: {error}"),
        })
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(StoreError::File {
            path: path.to_owned(),
            message: error.to_string(),
        }),
    }
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|error| StoreError::File {
        path: from.to_owned(),
        message: format!("cannot move it to {}: {error}", to.display()),
    })
}

fn sync_file(path: &Path) -> Result<()> {
    File::open(path)
        .and_then(|file| file.sync_all())
        .map_err(|error| StoreError::File {
            path: path.to_owned(),
            message: error.to_string(),
        })
}
