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
    let key = match kind {
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
        FileKind::Encrypted => Some(passphrase),
        FileKind::Plain => None,
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

/// The backup API, page by page, into `partial`; then the copy is made a plain rollback
/// journal file (not WAL), checked, synced and renamed to `destination`.
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
    let copied = copy_through_backup_api(source, passphrase, &partial)
        .map_err(StoreError::from)
        .and_then(|()| check_backup(&partial, passphrase))
        .and_then(|_| sync_file(&partial));
    if let Err(error) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(error);
    }
    std::fs::rename(&partial, destination).map_err(|error| StoreError::File {
        path: destination.to_owned(),
        message: error.to_string(),
    })?;
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
        backup.run_to_completion(256, std::time::Duration::ZERO, None)?;
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

fn daily_name(day: NaiveDate) -> String {
    format!("{BACKUP_PREFIX}{day}{BACKUP_SUFFIX}")
}

/// The daily backups in `folder`, newest first.
fn daily_backups(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut backups: Vec<(NaiveDate, PathBuf)> = entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let day = name
                .strip_prefix(BACKUP_PREFIX)?
                .strip_suffix(BACKUP_SUFFIX)?;
            let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
            Some((day, entry.path()))
        })
        .collect();
    backups.sort_by_key(|(day, _)| std::cmp::Reverse(*day));
    backups.into_iter().map(|(_, path)| path).collect()
}

/// Today's backup unless there is one, then the oldest beyond `BACKUPS_KEPT` removed.
pub fn rotate(
    source: &Connection,
    passphrase: &Passphrase,
    folder: &Path,
    today: NaiveDate,
) -> Result<Option<(PathBuf, BackupCheck)>> {
    std::fs::create_dir_all(folder).map_err(|source| StoreError::CreateDir {
        path: folder.to_owned(),
        source,
    })?;
    let todays = folder.join(daily_name(today));
    let made = if todays.exists() {
        None
    } else {
        let check = backup(source, passphrase, &todays)?;
        Some((todays, check))
    };
    for old in daily_backups(folder).into_iter().skip(BACKUPS_KEPT) {
        std::fs::remove_file(&old).map_err(|error| StoreError::File {
            path: old.clone(),
            message: error.to_string(),
        })?;
    }
    Ok(made)
}

/// The newest daily backup in `folder` that passes `check_backup`, for when the notebook
/// itself cannot be opened.
pub fn newest_verified_backup(folder: &Path, passphrase: &Passphrase) -> Option<BackupCheck> {
    daily_backups(folder)
        .into_iter()
        .find_map(|path| check_backup(&path, passphrase).ok())
}

/// What `restore` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    pub restored: BackupCheck,
    /// Where the notebook that was there before now is.
    pub set_aside: Option<PathBuf>,
}

/// Puts the backup at `backup` in place of the notebook at `database`. The backup is
/// checked, copied beside the notebook and checked again; the current notebook (with its
/// WAL) is renamed aside, never deleted; then the copy takes its name. The caller holds
/// the notebook's lock.
pub fn restore(database: &Path, backup: &Path, passphrase: &Passphrase) -> Result<RestoreReport> {
    check_backup(backup, passphrase)?;
    let copy = with_suffix(database, ".restoring");
    remove_if_present(&copy)?;
    let copied = std::fs::copy(backup, &copy)
        .map_err(|error| StoreError::File {
            path: copy.clone(),
            message: error.to_string(),
        })
        .and_then(|_| sync_file(&copy))
        .and_then(|()| check_backup(&copy, passphrase));
    let restored = match copied {
        Ok(check) => check,
        Err(error) => {
            let _ = std::fs::remove_file(&copy);
            return Err(error);
        }
    };
    let set_aside = if database.exists() {
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let stem = database
            .file_stem()
            .map_or_else(|| "notebook".into(), |s| s.to_string_lossy().into_owned());
        let aside = database.with_file_name(format!("{stem}-before-restore-{stamp}.sqlite3"));
        rename(database, &aside)?;
        for companion in ["-wal", "-shm"] {
            let from = with_suffix(database, companion);
            if from.exists() {
                rename(&from, &with_suffix(&aside, companion))?;
            }
        }
        Some(aside)
    } else {
        None
    };
    rename(&copy, database)?;
    Ok(RestoreReport {
        restored: BackupCheck {
            path: database.to_owned(),
            ..restored
        },
        set_aside,
    })
}

/// Writes the notebook under the new key into a copy beside it (SQLCipher's
/// `sqlcipher_export`), checks the copy, and renames it over the original.
pub fn rekey(conn: Connection, database: &Path, new: &Passphrase) -> Result<()> {
    let version = migrate::user_version(&conn)?;
    let patients: i64 = conn.query_row("SELECT count(*) FROM patient", [], |row| row.get(0))?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let copy = with_suffix(database, ".rekey");
    remove_if_present(&copy)?;
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
    rename(&copy, database)
}

/// Holds the notebook for this process: a second window or writing command on the same
/// notebook is told so instead of racing this one. The operating system releases the
/// lock when the process ends, however it ends.
#[derive(Debug)]
pub struct NotebookLock {
    _file: File,
    path: PathBuf,
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
        let path = with_suffix(database, ".lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|error| StoreError::File {
                path: path.clone(),
                message: error.to_string(),
            })?;
        match file.try_lock() {
            Ok(()) => Ok(NotebookLock { _file: file, path }),
            Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::InUse {
                path: database.to_owned(),
            }),
            Err(std::fs::TryLockError::Error(error)) => Err(StoreError::File {
                path,
                message: error.to_string(),
            }),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
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
