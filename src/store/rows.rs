//! Reading and writing single rows: the mapping between model types and columns.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::types::Type;
use rusqlite::{Connection, Row, params};

use crate::model::{
    Addendum, AddendumId, Finding, FindingId, Intensity, Intervention, InterventionId,
    InterventionKind, KindCode, Measure, MeasureId, Patient, PatientId, Presence, RegionCode, Sex,
    Side, Signature, Visit, VisitId, VisitKind, VisitRecord, VisitStatus,
};

use super::Result;

pub const PATIENT_COLUMNS: &str =
    "id, name, date_of_birth, sex, contact, occupation, history, notes";
pub const VISIT_COLUMNS: &str = "id, patient_id, started_at, kind, chief_complaint, subjective, objective, assessment, plan, status, signed_by, signed_at";
const ADDENDUM_COLUMNS: &str = "a.id, a.visit_id, a.author, a.written_at, a.reason, a.body";
const FINDING_COLUMNS: &str = "f.id, f.visit_id, f.kind, f.region, f.side, f.intensity, f.presence, f.test_name, f.note, f.carried_over, f.detail";
const INTERVENTION_COLUMNS: &str =
    "i.id, i.visit_id, i.kind, i.target, i.region, i.side, i.dose, i.notes, i.cpt_code, i.detail";

const MEASURE_COLUMNS: &str = "m.id, m.visit_id, m.instrument, m.answers, m.activities, m.score";

const DATETIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

pub fn datetime_text(at: NaiveDateTime) -> String {
    at.format(DATETIME_FORMAT).to_string()
}

pub fn history_json(history: &[String]) -> String {
    serde_json::Value::from(history.to_vec()).to_string()
}

pub(crate) fn bad_value(column: usize, text: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        Type::Text,
        format!("unexpected value `{text}`").into(),
    )
}

fn code<T>(row: &Row<'_>, column: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let text: String = row.get(column)?;
    parse(&text).ok_or_else(|| bad_value(column, &text))
}

pub fn patient_from_row(row: &Row<'_>) -> rusqlite::Result<Patient> {
    let date_of_birth: Option<String> = row.get(2)?;
    let date_of_birth = match date_of_birth {
        Some(text) => {
            Some(NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| bad_value(2, &text))?)
        }
        None => None,
    };
    let history_text: String = row.get(6)?;
    let history: Vec<String> =
        serde_json::from_str(&history_text).map_err(|_| bad_value(6, &history_text))?;
    Ok(Patient {
        id: PatientId(row.get(0)?),
        name: row.get(1)?,
        date_of_birth,
        sex: code(row, 3, Sex::from_code)?,
        contact: row.get(4)?,
        occupation: row.get(5)?,
        history,
        notes: row.get(7)?,
    })
}

pub(crate) fn datetime(row: &Row<'_>, column: usize) -> rusqlite::Result<NaiveDateTime> {
    let text: String = row.get(column)?;
    NaiveDateTime::parse_from_str(&text, DATETIME_FORMAT).map_err(|_| bad_value(column, &text))
}

pub fn visit_from_row(row: &Row<'_>) -> rusqlite::Result<Visit> {
    visit_from_row_at(row, 0)
}

/// A visit read from `VISIT_COLUMNS` starting at column `first`.
pub fn visit_from_row_at(row: &Row<'_>, first: usize) -> rusqlite::Result<Visit> {
    let c = |n: usize| first + n;
    Ok(Visit {
        id: VisitId(row.get(c(0))?),
        patient_id: PatientId(row.get(c(1))?),
        started_at: datetime(row, c(2))?,
        kind: code(row, c(3), VisitKind::from_code)?,
        chief_complaint: row.get(c(4))?,
        subjective: row.get(c(5))?,
        objective: row.get(c(6))?,
        assessment: row.get(c(7))?,
        plan: row.get(c(8))?,
        status: code(row, c(9), VisitStatus::from_code)?,
        signature: match row.get::<_, Option<String>>(c(10))? {
            Some(by) => Some(Signature {
                by,
                at: datetime(row, c(11))?,
            }),
            None => None,
        },
    })
}

fn finding_from_row(row: &Row<'_>) -> rusqlite::Result<Finding> {
    let intensity: Option<u8> = row.get(5)?;
    let intensity = match intensity {
        Some(value) => Some(Intensity::new(value).map_err(|_| bad_value(5, &value.to_string()))?),
        None => None,
    };
    Ok(Finding {
        id: FindingId(row.get(0)?),
        visit_id: VisitId(row.get(1)?),
        kind: KindCode(row.get(2)?),
        region: row.get::<_, Option<String>>(3)?.map(RegionCode),
        side: code(row, 4, Side::from_code)?,
        intensity,
        presence: code(row, 6, Presence::from_code)?,
        test_name: row.get(7)?,
        note: row.get(8)?,
        carried_over: row.get(9)?,
        detail: detail(row, 10)?,
    })
}

/// A detail column: none, or the JSON object `model::detail` reads.
fn detail<T: serde::de::DeserializeOwned + Default>(
    row: &Row<'_>,
    column: usize,
) -> rusqlite::Result<T> {
    match row.get::<_, Option<String>>(column)? {
        None => Ok(T::default()),
        Some(text) => serde_json::from_str(&text).map_err(|_| bad_value(column, &text)),
    }
}

/// The detail as stored: none when empty.
pub fn detail_json<T: serde::Serialize>(detail: &T, empty: bool) -> Option<String> {
    if empty {
        None
    } else {
        serde_json::to_string(detail).ok()
    }
}

fn intervention_from_row(row: &Row<'_>) -> rusqlite::Result<Intervention> {
    Ok(Intervention {
        id: InterventionId(row.get(0)?),
        visit_id: VisitId(row.get(1)?),
        kind: code(row, 2, InterventionKind::from_code)?,
        target: row.get(3)?,
        region: row.get::<_, Option<String>>(4)?.map(RegionCode),
        side: code(row, 5, Side::from_code)?,
        dose: row.get(6)?,
        notes: row.get(7)?,
        cpt_code: row.get(8)?,
        detail: detail(row, 9)?,
    })
}

/// Inserts a patient, with `id` when given (import keeps ids), else a new one.
pub fn insert_patient(
    conn: &Connection,
    patient: &Patient,
    id: Option<PatientId>,
) -> Result<PatientId> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO patient (id, name, date_of_birth, sex, contact, occupation, history, notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    statement.execute(params![
        id.map(|id| id.0),
        crate::model::clean_name(&patient.name),
        patient.date_of_birth.map(|d| d.to_string()),
        patient.sex.code(),
        patient.contact,
        patient.occupation,
        history_json(&patient.history),
        patient.notes,
    ])?;
    Ok(PatientId(conn.last_insert_rowid()))
}

pub fn insert_visit(conn: &Connection, visit: &Visit, id: Option<VisitId>) -> Result<VisitId> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO visit (id, patient_id, started_at, kind, chief_complaint, subjective,
                            objective, assessment, plan, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    statement.execute(params![
        id.map(|id| id.0),
        visit.patient_id.0,
        datetime_text(visit.started_at),
        visit.kind.code(),
        visit.chief_complaint,
        visit.subjective,
        visit.objective,
        visit.assessment,
        visit.plan,
        visit.status.code(),
    ])?;
    Ok(VisitId(conn.last_insert_rowid()))
}

/// Writes a visit's own fields, not its status: a visit is signed only by `sign_visit`.
/// The number of rows changed (0 when it does not exist).
pub fn update_visit(conn: &Connection, visit: &Visit) -> Result<usize> {
    let mut statement = conn.prepare_cached(
        "UPDATE visit SET started_at = ?2, kind = ?3, chief_complaint = ?4, subjective = ?5,
                objective = ?6, assessment = ?7, plan = ?8,
                updated_at = strftime('%Y-%m-%dT%H:%M:%S', 'now')
         WHERE id = ?1",
    )?;
    Ok(statement.execute(params![
        visit.id.0,
        datetime_text(visit.started_at),
        visit.kind.code(),
        visit.chief_complaint,
        visit.subjective,
        visit.objective,
        visit.assessment,
        visit.plan,
    ])?)
}

/// Signs a draft visit; the number of rows changed (0 when there is no such draft).
/// Signs a draft; `chain` is the audit chain's head at signing, when known.
pub fn sign_visit(
    conn: &Connection,
    id: VisitId,
    signature: &Signature,
    chain: Option<&super::audit::ChainHead>,
) -> Result<usize> {
    let mut statement = conn.prepare_cached(
        "UPDATE visit SET status = 'signed', signed_by = ?2, signed_at = ?3, signed_chain = ?4
         WHERE id = ?1 AND status = 'draft'",
    )?;
    Ok(statement.execute(params![
        id.0,
        crate::model::clean_name(&signature.by),
        datetime_text(signature.at),
        chain.map(ToString::to_string),
    ])?)
}

pub fn insert_addendum(
    conn: &Connection,
    addendum: &Addendum,
    id: Option<AddendumId>,
) -> Result<AddendumId> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO addendum (id, visit_id, author, written_at, reason, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    statement.execute(params![
        id.map(|id| id.0),
        addendum.visit_id.0,
        addendum.author.trim(),
        datetime_text(addendum.written_at),
        addendum.reason.trim(),
        addendum.text.trim(),
    ])?;
    Ok(AddendumId(conn.last_insert_rowid()))
}

fn addendum_from_row(row: &Row<'_>) -> rusqlite::Result<Addendum> {
    Ok(Addendum {
        id: AddendumId(row.get(0)?),
        visit_id: VisitId(row.get(1)?),
        author: row.get(2)?,
        written_at: datetime(row, 3)?,
        reason: row.get(4)?,
        text: row.get(5)?,
    })
}

pub fn insert_finding(
    conn: &Connection,
    finding: &Finding,
    id: Option<FindingId>,
) -> Result<FindingId> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO finding (id, visit_id, kind, region, side, intensity, presence, test_name, note, carried_over, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    statement.execute(params![
        id.map(|id| id.0),
        finding.visit_id.0,
        finding.kind.as_str(),
        finding.region.as_ref().map(|r| r.as_str()),
        finding.side.code(),
        finding.intensity.map(|i| i.value()),
        finding.presence.code(),
        finding.test_name,
        finding.note,
        finding.carried_over,
        detail_json(&finding.detail, finding.detail.is_empty()),
    ])?;
    Ok(FindingId(conn.last_insert_rowid()))
}

pub fn insert_intervention(
    conn: &Connection,
    intervention: &Intervention,
    id: Option<InterventionId>,
) -> Result<InterventionId> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO intervention (id, visit_id, kind, target, region, side, dose, notes, cpt_code, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    statement.execute(params![
        id.map(|id| id.0),
        intervention.visit_id.0,
        intervention.kind.code(),
        intervention.target,
        intervention.region.as_ref().map(|r| r.as_str()),
        intervention.side.code(),
        intervention.dose,
        intervention.notes,
        intervention.cpt_code,
        detail_json(&intervention.detail, intervention.detail.is_empty()),
    ])?;
    Ok(InterventionId(conn.last_insert_rowid()))
}

fn measure_from_row(row: &Row<'_>) -> rusqlite::Result<Measure> {
    let json_column = |index: usize| -> rusqlite::Result<String> { row.get(index) };
    let answers_text = json_column(3)?;
    let activities_text = json_column(4)?;
    let answers: Vec<Option<i32>> =
        serde_json::from_str(&answers_text).map_err(|_| bad_value(3, &answers_text))?;
    let activities: Vec<String> =
        serde_json::from_str(&activities_text).map_err(|_| bad_value(4, &activities_text))?;
    let instrument: String = row.get(2)?;
    let band = crate::model::Instrument::find(&instrument)
        .ok()
        .and_then(|i| i.score_with(&answers, &activities).ok())
        .and_then(|score| score.band);
    Ok(Measure {
        id: MeasureId(row.get(0)?),
        visit_id: VisitId(row.get(1)?),
        instrument,
        answers,
        activities,
        score: row.get(5)?,
        band,
    })
}

/// Writes a measure already scored by the model (`Measure::scored`).
pub fn insert_measure(
    conn: &Connection,
    measure: &Measure,
    id: Option<MeasureId>,
) -> Result<MeasureId> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO measure (id, visit_id, instrument, answers, activities, score)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    statement.execute(params![
        id.map(|id| id.0),
        measure.visit_id.0,
        measure.instrument,
        serde_json::Value::from(measure.answers.clone()).to_string(),
        serde_json::Value::from(measure.activities.clone()).to_string(),
        measure.score,
    ])?;
    Ok(MeasureId(conn.last_insert_rowid()))
}

/// Three ordered queries, merged: visits oldest first, then their findings and
/// interventions in charting order.
pub fn timeline(conn: &Connection, patient_id: PatientId) -> Result<Vec<VisitRecord>> {
    let mut visits = conn.prepare_cached(&format!(
        "SELECT {VISIT_COLUMNS} FROM visit WHERE patient_id = ?1 ORDER BY started_at, id"
    ))?;
    let mut records: Vec<VisitRecord> = visits
        .query_map([patient_id.0], visit_from_row)?
        .map(|visit| {
            visit.map(|visit| VisitRecord {
                visit,
                findings: Vec::new(),
                interventions: Vec::new(),
                addenda: Vec::new(),
                measures: Vec::new(),
            })
        })
        .collect::<rusqlite::Result<_>>()?;
    let position: std::collections::HashMap<VisitId, usize> = records
        .iter()
        .enumerate()
        .map(|(i, record)| (record.visit.id, i))
        .collect();

    let mut findings = conn.prepare_cached(&format!(
        "SELECT {FINDING_COLUMNS} FROM finding f JOIN visit v ON v.id = f.visit_id
         WHERE v.patient_id = ?1 ORDER BY f.visit_id, f.id"
    ))?;
    for finding in findings.query_map([patient_id.0], finding_from_row)? {
        let finding = finding?;
        if let Some(&i) = position.get(&finding.visit_id) {
            records[i].findings.push(finding);
        }
    }
    let mut interventions = conn.prepare_cached(&format!(
        "SELECT {INTERVENTION_COLUMNS} FROM intervention i JOIN visit v ON v.id = i.visit_id
         WHERE v.patient_id = ?1 ORDER BY i.visit_id, i.id"
    ))?;
    for intervention in interventions.query_map([patient_id.0], intervention_from_row)? {
        let intervention = intervention?;
        if let Some(&i) = position.get(&intervention.visit_id) {
            records[i].interventions.push(intervention);
        }
    }
    let mut measures = conn.prepare_cached(&format!(
        "SELECT {MEASURE_COLUMNS} FROM measure m JOIN visit v ON v.id = m.visit_id
         WHERE v.patient_id = ?1 ORDER BY m.visit_id, m.id"
    ))?;
    for measure in measures.query_map([patient_id.0], measure_from_row)? {
        let measure = measure?;
        if let Some(&i) = position.get(&measure.visit_id) {
            records[i].measures.push(measure);
        }
    }
    let mut addenda = conn.prepare_cached(&format!(
        "SELECT {ADDENDUM_COLUMNS} FROM addendum a JOIN visit v ON v.id = a.visit_id
         WHERE v.patient_id = ?1 ORDER BY a.visit_id, a.id"
    ))?;
    for addendum in addenda.query_map([patient_id.0], addendum_from_row)? {
        let addendum = addendum?;
        if let Some(&i) = position.get(&addendum.visit_id) {
            records[i].addenda.push(addendum);
        }
    }
    Ok(records)
}

/// Every patient id, in id order.
pub fn patient_ids(conn: &Connection) -> Result<Vec<PatientId>> {
    let mut statement = conn.prepare("SELECT id FROM patient ORDER BY id")?;
    let ids = statement
        .query_map([], |row| row.get(0).map(PatientId))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

pub fn patient(conn: &Connection, id: PatientId) -> Result<Patient> {
    Ok(conn.query_row(
        &format!("SELECT {PATIENT_COLUMNS} FROM patient WHERE id = ?1"),
        [id.0],
        patient_from_row,
    )?)
}
