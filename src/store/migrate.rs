//! Applies the numbered migrations of `schema.sql`, tracked with `PRAGMA user_version`.

use rusqlite::Connection;

const SCHEMA: &str = include_str!("../../schema.sql");

/// One numbered step of `schema.sql`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    pub version: i64,
    pub description: &'static str,
    pub sql: &'static str,
}

/// The migrations in `schema.sql`, in order.
pub static MIGRATIONS: std::sync::LazyLock<Vec<Migration>> =
    std::sync::LazyLock::new(|| split_migrations(SCHEMA));

/// The schema version this build writes: the number of the last migration in schema.sql.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

const MARKER: &str = "-- migration ";

fn split_migrations(schema: &'static str) -> Vec<Migration> {
    let mut migrations = Vec::new();
    let mut starts: Vec<(usize, i64, &'static str)> = Vec::new();
    let mut offset = 0;
    for line in schema.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(MARKER) {
            let (number, description) = rest.split_once(':').unwrap_or((rest, ""));
            if let Ok(version) = number.trim().parse::<i64>() {
                starts.push((offset, version, description.trim()));
            }
        }
        offset += line.len();
    }
    for (position, &(start, version, description)) in starts.iter().enumerate() {
        let end = starts.get(position + 1).map_or(schema.len(), |next| next.0);
        migrations.push(Migration {
            version,
            description,
            sql: &schema[start..end],
        });
    }
    migrations
}

/// A fresh schema at `version`, for comparing a notebook's triggers and views with what
/// `schema.sql` says they are at its version.
pub fn migrate_to(conn: &Connection, version: i64) -> rusqlite::Result<()> {
    for migration in MIGRATIONS.iter().filter(|m| m.version <= version) {
        conn.execute_batch(migration.sql)?;
    }
    Ok(())
}

pub fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
}

/// Brings the database up to `latest_version()`, one transaction per migration, so a
/// process killed halfway leaves the last complete version.
///
/// Foreign keys are off while a migration runs (SQLite ignores the pragma inside a
/// transaction), so that rebuilding a table deletes nothing that refers to it; they are
/// checked before each migration commits and turned on again afterwards.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let current = user_version(conn)?;
    let pending: Vec<&Migration> = MIGRATIONS.iter().filter(|m| m.version > current).collect();
    if pending.is_empty() {
        return Ok(());
    }
    let foreign_keys: bool = conn.query_row("PRAGMA foreign_keys", [], |row| row.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let migrated = (|| {
        for migration in pending {
            let tx = conn.transaction()?;
            tx.execute_batch(migration.sql)?;
            let dangling: i64 =
                tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
                    row.get(0)
                })?;
            if dangling > 0 {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                    Some(format!(
                        "migration {} would leave {dangling} rows pointing at nothing",
                        migration.version
                    )),
                ));
            }
            tx.pragma_update(None, "user_version", migration.version)?;
            tx.commit()?;
        }
        Ok(())
    })();
    conn.pragma_update(None, "foreign_keys", foreign_keys)?;
    migrated
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_migrations_are_numbered_from_one_without_gaps() {
        let versions: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
        let expected: Vec<i64> = (1..=versions.len() as i64).collect();
        assert_eq!(versions, expected);
        assert_eq!(latest_version(), versions.len() as i64);
        assert!(MIGRATIONS.iter().all(|m| !m.description.is_empty()));
    }
}
