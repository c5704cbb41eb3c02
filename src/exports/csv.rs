//! The record as three CSV tables for a spreadsheet: `visits.csv`, `findings.csv` and
//! `interventions.csv`, one row each, every row with its patient's id and the visit's
//! date. Fields are quoted as RFC 4180 says (a comma, quote or line break inside a field
//! is kept), and the files are UTF-8.

use std::path::{Path, PathBuf};

use super::{ExportError, Result, Scope, records, write_recorded};
use crate::store::{Actor, PatientRecord, Store};

/// How many rows of each table were written, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvTables {
    pub visits: usize,
    pub findings: usize,
    pub interventions: usize,
    pub files: Vec<PathBuf>,
}

/// The three tables' text, in the order visits, findings, interventions.
pub fn tables(records: &[PatientRecord]) -> [(&'static str, String, usize); 3] {
    let mut visits = Table::new(&[
        "patient_id",
        "patient",
        "visit_id",
        "date",
        "kind",
        "status",
        "chief_complaint",
        "subjective",
        "objective",
        "assessment",
        "plan",
        "signed_by",
        "signed_at",
        "addenda",
    ]);
    let mut findings = Table::new(&[
        "patient_id",
        "date",
        "visit_id",
        "finding_id",
        "kind",
        "region",
        "side",
        "intensity",
        "presence",
        "test",
        "note",
        "carried_over",
    ]);
    let mut interventions = Table::new(&[
        "patient_id",
        "date",
        "visit_id",
        "intervention_id",
        "kind",
        "target",
        "region",
        "side",
        "dose",
        "cpt_code",
        "notes",
    ]);
    for record in records {
        let patient = record.patient.id.0.to_string();
        for visit in &record.visits {
            let v = &visit.visit;
            let date = v.started_at.format("%Y-%m-%dT%H:%M:%S").to_string();
            let (signed_by, signed_at) = v.signature.as_ref().map_or_else(
                || (String::new(), String::new()),
                |s| (s.by.clone(), s.at.format("%Y-%m-%dT%H:%M:%S").to_string()),
            );
            let addenda = visit
                .addenda
                .iter()
                .map(|a| {
                    format!(
                        "{} by {} ({}): {}",
                        a.written_at.format("%Y-%m-%d %H:%M"),
                        a.author,
                        a.reason,
                        a.text
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            visits.row(&[
                &patient,
                &record.patient.name,
                &v.id.0.to_string(),
                &date,
                v.kind.code(),
                v.status.code(),
                &v.chief_complaint,
                &v.subjective,
                &v.objective,
                &v.assessment,
                &v.plan,
                &signed_by,
                &signed_at,
                &addenda,
            ]);
            for f in &visit.findings {
                findings.row(&[
                    &patient,
                    &date,
                    &v.id.0.to_string(),
                    &f.id.0.to_string(),
                    f.kind.as_str(),
                    f.region.as_ref().map_or("", |r| r.as_str()),
                    f.side.code(),
                    &f.intensity
                        .map(|i| i.value().to_string())
                        .unwrap_or_default(),
                    f.presence.code(),
                    &f.test_name,
                    &f.note,
                    if f.carried_over { "yes" } else { "no" },
                ]);
            }
            for i in &visit.interventions {
                interventions.row(&[
                    &patient,
                    &date,
                    &v.id.0.to_string(),
                    &i.id.0.to_string(),
                    i.kind.code(),
                    &i.target,
                    i.region.as_ref().map_or("", |r| r.as_str()),
                    i.side.code(),
                    &i.dose,
                    &i.cpt_code,
                    &i.notes,
                ]);
            }
        }
    }
    [
        ("visits.csv", visits.text, visits.rows),
        ("findings.csv", findings.text, findings.rows),
        ("interventions.csv", interventions.text, interventions.rows),
    ]
}

/// Writes the three tables of `scope` into `folder` (made if missing) and records the
/// export in the notebook's events.
pub fn write_csv(store: &Store, by: &Actor, scope: Scope, folder: &Path) -> Result<CsvTables> {
    let records = records(store, scope)?;
    std::fs::create_dir_all(folder).map_err(|error| ExportError::Write {
        path: folder.to_owned(),
        message: error.to_string(),
    })?;
    let [visits, findings, interventions] = tables(&records);
    let mut files = Vec::new();
    for (name, text, _) in [&visits, &findings, &interventions] {
        let path = folder.join(name);
        write_recorded(store, by, "CSV", scope, &path, text.as_bytes())?;
        files.push(path);
    }
    Ok(CsvTables {
        visits: visits.2,
        findings: findings.2,
        interventions: interventions.2,
        files,
    })
}

/// A CSV table being written: a header line, then rows, each line ended by CRLF as
/// RFC 4180 has it.
struct Table {
    text: String,
    rows: usize,
}

impl Table {
    fn new(header: &[&str]) -> Table {
        let mut table = Table {
            text: String::new(),
            rows: 0,
        };
        table.line(header);
        table
    }

    fn row(&mut self, fields: &[&str]) {
        self.line(fields);
        self.rows += 1;
    }

    fn line(&mut self, fields: &[&str]) {
        for (at, field) in fields.iter().enumerate() {
            if at > 0 {
                self.text.push(',');
            }
            self.text.push_str(&quoted(field));
        }
        self.text.push_str("\r\n");
    }
}

/// A field as CSV holds it: quoted, its quotes doubled, when it has a comma, a quote, a
/// line break or spaces at either end (which a spreadsheet would trim). Text a spreadsheet
/// would run as a formula ("=HYPERLINK(...)", "+1", "@SUM", "- worse sitting") is kept as
/// text behind an apostrophe, as OWASP's advice on CSV injection asks; a number stays one.
pub fn quoted(field: &str) -> String {
    let formula =
        field.starts_with(['=', '+', '-', '@', '\t', '\r']) && field.parse::<f64>().is_err();
    let field = if formula {
        format!("'{field}")
    } else {
        field.to_owned()
    };
    let needs_quotes = formula
        || field.contains([',', '"', '\n', '\r'])
        || field.starts_with(char::is_whitespace)
        || field.ends_with(char::is_whitespace);
    if needs_quotes {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}
