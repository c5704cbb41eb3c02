//! The audit trail: who changed which clinical row, when, from what to what.
//!
//! The rows are written by triggers in `schema.sql`, so no path into the data can skip
//! them. Each row carries a SHA-256 link over its own content and the previous row's link;
//! `verify` walks the chain and then compares every clinical row with the trail's last
//! record of it, so an audit row edited, inserted or deleted by hand, or data changed
//! around the trail, is found and named.

use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::VisitId;

/// The tables whose every change the trail records, each with its image view.
pub const AUDITED_TABLES: [&str; 9] = [
    "patient",
    "visit",
    "finding",
    "intervention",
    "measure",
    "addendum",
    "notebook_event",
    "clinic_profile",
    "letter",
];

/// Who makes a change: the name the audit trail records beside it. Every writing call of
/// the store takes one, so no change is ever recorded under a name left behind by an
/// earlier one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor(String);

impl Actor {
    /// `name` as it will stand in the trail (control and invisible characters removed);
    /// `None` when nothing visible is left.
    pub fn new(name: &str) -> Option<Actor> {
        let name = crate::model::clean_name(name);
        (!name.is_empty()).then_some(Actor(name))
    }

    /// The person logged in to the computer, marked as such: for when nobody has said who
    /// they are.
    pub fn login() -> Actor {
        Actor(format!("{} (computer login)", login_name()))
    }

    /// Upstream itself, for what no person does: a schema upgrade's baseline rows.
    pub(crate) fn upstream(what: &str) -> Actor {
        Actor(format!("Upstream ({what})"))
    }

    pub fn name(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The actor of the write under way on a connection; empty between writes, when the
/// audit triggers refuse to record anything.
#[derive(Debug, Clone, Default)]
pub(crate) struct ActorSlot(Arc<Mutex<Option<String>>>);

impl ActorSlot {
    /// Names `actor` for as long as the returned guard lives.
    pub(crate) fn acting(&self, actor: &Actor) -> Acting {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(actor.0.clone());
        Acting(self.clone())
    }

    /// A slot that always names `actor`: for connections outside the store.
    pub(crate) fn fixed(actor: &str) -> ActorSlot {
        ActorSlot(Arc::new(Mutex::new(Some(actor.to_owned()))))
    }

    fn get(&self) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Clears the actor when the write is over, however it ends.
pub(crate) struct Acting(ActorSlot);

impl Drop for Acting {
    fn drop(&mut self) {
        *self.0.0.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// The person at the keyboard, as the operating system knows them.
pub fn login_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|key| {
            std::env::var(key)
                .ok()
                .map(|name| crate::model::clean_name(&name))
                .filter(|name| !name.is_empty())
        })
        .unwrap_or_else(|| "unknown user".to_owned())
}

/// Registers `upstream_actor()` and `upstream_audit_hash(...)`, which the audit triggers
/// call, on `conn`.
pub(crate) fn register(conn: &Connection, actor: &ActorSlot) -> rusqlite::Result<()> {
    let actor = actor.clone();
    conn.create_scalar_function("upstream_actor", 0, FunctionFlags::SQLITE_UTF8, move |_| {
        actor.get().ok_or_else(|| {
            rusqlite::Error::UserFunctionError(
                "a change to the notebook must say who makes it".into(),
            )
        })
    })?;
    conn.create_scalar_function(
        "upstream_audit_hash",
        LINK_FIELDS as i32,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let fields = (0..LINK_FIELDS).map(|i| ctx.get_raw(i)).collect::<Vec<_>>();
            Ok(link_hash(&fields))
        },
    )
}

/// prev_hash, id, at, actor, table_name, row_id, visit_id, action, before, after.
const LINK_FIELDS: usize = 10;

/// The link of one audit row: SHA-256 over its fields, each written with its type and
/// length so that no two different rows encode alike.
fn link_hash(fields: &[ValueRef<'_>]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"upstream-audit-v1");
    for field in fields {
        match field {
            ValueRef::Null => hasher.update(b"N;"),
            ValueRef::Integer(value) => hasher.update(format!("I{value};")),
            ValueRef::Real(value) => hasher.update(format!("R{value};")),
            ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
                hasher.update(format!("T{}:", bytes.len()));
                hasher.update(bytes);
                hasher.update(b";");
            }
        }
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The audit chain's newest row. A copy of it kept outside the notebook (in a backup's
/// side file, an export, a printed signature) anchors the chain: every row up to it is
/// fixed by its hash, so a rewritten or shortened trail no longer reaches it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ChainHead {
    pub row: i64,
    pub hash: String,
}

impl std::fmt::Display for ChainHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {} {}", self.row, self.hash)
    }
}

impl std::str::FromStr for ChainHead {
    type Err = String;

    /// Reads "row N HASH", as `Display` writes it.
    fn from_str(text: &str) -> Result<ChainHead, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        match words.as_slice() {
            ["row", row, hash]
                if hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()) =>
            {
                let row = row
                    .parse()
                    .map_err(|_| format!("`{row}` is not a row number"))?;
                Ok(ChainHead {
                    row,
                    hash: hash.to_ascii_lowercase(),
                })
            }
            _ => Err(format!(
                "`{text}` is not a chain head (row N followed by a SHA-256)"
            )),
        }
    }
}

/// The newest audit row, if the trail has any.
pub fn head(conn: &Connection) -> rusqlite::Result<Option<ChainHead>> {
    use rusqlite::OptionalExtension;
    conn.query_row(
        "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
        [],
        |row| {
            Ok(ChainHead {
                row: row.get(0)?,
                hash: row.get(1)?,
            })
        },
    )
    .optional()
}

/// Whether the trail still holds `anchor`, a head copied out of it earlier: the row must
/// be there with the same hash. Since every hash covers the one before it, this makes the
/// whole trail up to that row what it was when the copy was made.
pub fn check_anchor(
    conn: &Connection,
    anchor: &ChainHead,
    source: &str,
) -> rusqlite::Result<Option<AuditProblem>> {
    use rusqlite::OptionalExtension;
    let hash: Option<String> = conn
        .query_row(
            "SELECT hash FROM audit WHERE id = ?1",
            [anchor.row],
            |row| row.get(0),
        )
        .optional()?;
    Ok(match hash {
        Some(hash) if hash == anchor.hash => None,
        Some(_) => Some(AuditProblem {
            audit_row: Some(anchor.row),
            message: format!(
                "it differs from {source}, made earlier: the trail up to this row was rewritten since"
            ),
        }),
        None => Some(AuditProblem {
            audit_row: Some(anchor.row),
            message: format!(
                "{source}, made earlier, ends at this row but the trail no longer reaches it: rows were removed from its end"
            ),
        }),
    })
}

/// Every signed visit must be unchanged since its signature: no audit row after the one
/// that signed it may change the visit or what was charted at it.
fn check_signed_unchanged(
    conn: &Connection,
    problems: &mut Vec<AuditProblem>,
) -> rusqlite::Result<()> {
    let mut statement = conn.prepare(
        "SELECT s.visit, min(a.id)
         FROM (SELECT row_id AS visit, min(id) AS signed_row FROM audit
               WHERE table_name = 'visit' AND json_extract(after, '$.status') = 'signed'
               GROUP BY row_id) AS s
         JOIN audit a ON a.visit_id = s.visit AND a.id > s.signed_row
                     AND a.table_name IN ('visit', 'finding', 'intervention', 'measure')
                     AND a.action <> 'baseline'
         GROUP BY s.visit ORDER BY s.visit",
    )?;
    let mut cursor = statement.query([])?;
    while let Some(row) = cursor.next()? {
        let visit: i64 = row.get(0)?;
        let audit_row: i64 = row.get(1)?;
        problems.push(AuditProblem {
            audit_row: Some(audit_row),
            message: format!("visit {visit} was changed after it was signed"),
        });
    }
    Ok(())
}

/// Each signature's recorded chain head must still be in the trail: a trail re-hashed
/// after a signature, with the signature's copy of the head left as it was, no longer
/// reaches it.
fn check_signed_chains(
    conn: &Connection,
    problems: &mut Vec<AuditProblem>,
) -> rusqlite::Result<()> {
    let mut statement = conn
        .prepare("SELECT id, signed_chain FROM visit WHERE signed_chain IS NOT NULL ORDER BY id")?;
    let signed = statement
        .query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (visit, chain) in signed {
        let problem = match chain.parse::<ChainHead>() {
            Ok(anchor) => check_anchor(conn, &anchor, &format!("visit {visit}'s signature"))?,
            Err(_) => Some(AuditProblem {
                audit_row: None,
                message: format!("visit {visit}'s signature records no readable chain head"),
            }),
        };
        problems.extend(problem);
    }
    Ok(())
}

/// The schema's triggers and views must be those of `schema.sql` at the notebook's
/// version: a guard dropped or rewritten (the one that locks signed visits, the audit
/// triggers) is named.
fn check_schema(conn: &Connection, problems: &mut Vec<AuditProblem>) -> rusqlite::Result<()> {
    let version = super::migrate::user_version(conn)?;
    let reference = Connection::open_in_memory()?;
    // The triggers name the store's functions; an empty schema never calls them.
    register(&reference, &ActorSlot::default())?;
    super::migrate::migrate_to(&reference, version)?;
    let read = |conn: &Connection| -> rusqlite::Result<std::collections::BTreeMap<(String, String), String>> {
        let mut statement = conn.prepare(
            "SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE type IN ('trigger', 'view', 'table', 'index')",
        )?;
        statement
            .query_map([], |row| Ok(((row.get(0)?, row.get(1)?), row.get(2)?)))?
            .collect()
    };
    let expected = read(&reference)?;
    let found = read(conn)?;
    for ((kind, name), sql) in &expected {
        match found.get(&(kind.clone(), name.clone())) {
            None => problems.push(AuditProblem {
                audit_row: None,
                message: format!("the {kind} {name} of schema.sql is missing: it was dropped"),
            }),
            // Triggers and views are stored as written; a table's text is rewritten by
            // SQLite itself on ALTER TABLE (and may differ between its versions), so for
            // tables and indexes only their presence is compared.
            Some(other) if other != sql && matches!(kind.as_str(), "trigger" | "view") => problems
                .push(AuditProblem {
                    audit_row: None,
                    message: format!("the {kind} {name} differs from schema.sql: it was rewritten"),
                }),
            Some(_) => {}
        }
    }
    for (kind, name) in found.keys() {
        // SQLite's own tables (statistics after ANALYZE) are not the schema's.
        if name.starts_with("sqlite_") {
            continue;
        }
        if !expected.contains_key(&(kind.clone(), name.clone())) {
            problems.push(AuditProblem {
                audit_row: None,
                message: format!("the {kind} {name} is not in schema.sql: it was added by hand"),
            });
        }
    }
    Ok(())
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// How many audit rows were read.
    pub rows: u64,
    /// Every problem, the first broken link first.
    pub problems: Vec<AuditProblem>,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// One place where the trail and the data disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditProblem {
    /// The audit row at which the chain breaks, when the problem is in the chain.
    pub audit_row: Option<i64>,
    pub message: String,
}

impl std::fmt::Display for AuditProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.audit_row {
            Some(row) => write!(f, "audit row {row}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Walks the chain from the first row, then checks the data against the trail.
pub fn verify(conn: &Connection) -> rusqlite::Result<AuditReport> {
    let mut problems = Vec::new();
    let mut rows = 0;
    let mut statement = conn.prepare(
        "SELECT prev_hash, id, at, actor, table_name, row_id, visit_id, action, before, after, hash
         FROM audit ORDER BY id",
    )?;
    let mut cursor = statement.query([])?;
    let mut previous: Option<(i64, String)> = None;
    while let Some(row) = cursor.next()? {
        rows += 1;
        let id: i64 = row.get(1)?;
        let prev_hash: String = row.get(0)?;
        let hash: String = row.get(10)?;
        let expected_id = previous.as_ref().map_or(1, |(id, _)| id + 1);
        let expected_prev = previous.as_ref().map_or("", |(_, hash)| hash.as_str());
        if id != expected_id {
            let message = if id > expected_id {
                format!(
                    "the rows before it, from {expected_id}, are missing: deleted from the trail"
                )
            } else {
                "it is out of order: inserted into the trail".to_owned()
            };
            problems.push(AuditProblem {
                audit_row: Some(id),
                message,
            });
        } else if prev_hash != expected_prev {
            problems.push(AuditProblem {
                audit_row: Some(id),
                message: "it does not link to the row before it: a row was inserted or the one before it was changed".to_owned(),
            });
        }
        let fields = (0..LINK_FIELDS)
            .map(|i| row.get_ref(i))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if link_hash(&fields) != hash {
            problems.push(AuditProblem {
                audit_row: Some(id),
                message: "its content does not match its hash: it was edited or written by hand"
                    .to_owned(),
            });
        }
        previous = Some((id, hash));
    }
    let version = super::migrate::user_version(conn)?;
    for table in AUDITED_TABLES {
        if table == "notebook_event" && version < 5 {
            continue;
        }
        // The clinic profile and letters came with the documents; an older notebook has
        // neither.
        let has_image: bool = conn.query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'view' AND name = ?1",
            [format!("{table}_image")],
            |row| row.get(0),
        )?;
        if !has_image {
            continue;
        }
        check_table(conn, table, &mut problems)?;
    }
    check_signed_unchanged(conn, &mut problems)?;
    if version >= 5 {
        check_signed_chains(conn, &mut problems)?;
    }
    check_schema(conn, &mut problems)?;
    Ok(AuditReport { rows, problems })
}

/// Every row of `table` must read as the trail last recorded it, and every row the trail
/// last saw alive must still be there.
fn check_table(
    conn: &Connection,
    table: &str,
    problems: &mut Vec<AuditProblem>,
) -> rusqlite::Result<()> {
    let mut current = conn.prepare(&format!(
        "SELECT i.id, i.image,
                (SELECT a.after FROM audit a WHERE a.table_name = ?1 AND a.row_id = i.id
                 ORDER BY a.id DESC LIMIT 1)
         FROM {table}_image i ORDER BY i.id"
    ))?;
    let mut cursor = current.query([table])?;
    while let Some(row) = cursor.next()? {
        let id: i64 = row.get(0)?;
        let image: String = row.get(1)?;
        let recorded: Option<String> = row.get(2)?;
        match recorded {
            Some(recorded) if recorded == image => {}
            Some(_) => problems.push(AuditProblem {
                audit_row: None,
                message: format!(
                    "{table} {id} differs from the trail's last record of it: changed outside the trail"
                ),
            }),
            None => problems.push(AuditProblem {
                audit_row: None,
                message: format!(
                    "{table} {id} is not in the trail, or the trail records it deleted: written outside the trail"
                ),
            }),
        }
    }
    let mut vanished = conn.prepare(&format!(
        "SELECT a.row_id, a.id FROM audit a
         WHERE a.table_name = ?1 AND a.action <> 'delete'
           AND a.id = (SELECT max(b.id) FROM audit b WHERE b.table_name = ?1 AND b.row_id = a.row_id)
           AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = a.row_id)
         ORDER BY a.row_id"
    ))?;
    let mut cursor = vanished.query([table])?;
    while let Some(row) = cursor.next()? {
        let id: i64 = row.get(0)?;
        let audit_row: i64 = row.get(1)?;
        problems.push(AuditProblem {
            audit_row: None,
            message: format!(
                "{table} {id} is gone, but the trail's last record of it (audit row {audit_row}) is not a deletion: deleted outside the trail"
            ),
        });
    }
    Ok(())
}

/// One change to a visit or something charted at it, for the visit's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    /// UTC, ISO 8601 with milliseconds.
    pub at: String,
    pub actor: String,
    pub table_name: String,
    pub row_id: i64,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl AuditEntry {
    /// "finding 12 inserted", in the clinic's words.
    pub fn summary(&self) -> String {
        let what = match self.action.as_str() {
            "insert" => "added",
            "update" => "changed",
            "delete" => "deleted",
            _ => "present when the trail began",
        };
        format!("{} {} {what}", self.table_name, self.row_id)
    }

    /// The fields that differ between `before` and `after`, as "field: old -> new".
    pub fn changes(&self) -> Vec<String> {
        let parse = |text: &Option<String>| {
            text.as_deref()
                .and_then(|text| serde_json::from_str::<serde_json::Map<_, _>>(text).ok())
                .unwrap_or_default()
        };
        let before = parse(&self.before);
        let after = parse(&self.after);
        let mut keys: Vec<&String> = after.keys().chain(before.keys()).collect();
        keys.dedup();
        let mut seen = std::collections::BTreeSet::new();
        keys.into_iter()
            .filter(|key| seen.insert(key.as_str()))
            .filter_map(|key| {
                let old = before.get(key);
                let new = after.get(key);
                (old != new).then(|| {
                    let show = |value: Option<&serde_json::Value>| match value {
                        None | Some(serde_json::Value::Null) => "(none)".to_owned(),
                        Some(serde_json::Value::String(text)) => format!("\"{text}\""),
                        Some(other) => other.to_string(),
                    };
                    format!("{key}: {} -> {}", show(old), show(new))
                })
            })
            .collect()
    }
}

/// Every change to the visit and to what was charted at it, oldest first.
pub fn visit_history(conn: &Connection, visit: VisitId) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, at, actor, table_name, row_id, action, before, after
         FROM audit WHERE visit_id = ?1 ORDER BY id",
    )?;
    statement
        .query_map(params![visit.0], |row| {
            Ok(AuditEntry {
                id: row.get(0)?,
                at: row.get(1)?,
                actor: row.get(2)?,
                table_name: row.get(3)?,
                row_id: row.get(4)?,
                action: row.get(5)?,
                before: row.get(6)?,
                after: row.get(7)?,
            })
        })?
        .collect()
}
