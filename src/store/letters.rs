//! The clinic profile and the signed referral letters: what the documents are headed and
//! signed with, kept in the notebook and audited like clinical data.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::audit::Actor;
use super::{Result, Store, StoreError, now_to_the_second, rows};
use crate::model::{
    ClinicProfile, Letter, LetterDraft, LetterId, LetterUrgency, PatientId, VisitId,
};

const LETTER_COLUMNS: &str = "id, patient_id, visit_id, recipient, urgency, reason, findings, done, avoided, signed_by, signed_at";

fn letter_from_row(row: &Row<'_>) -> rusqlite::Result<Letter> {
    let urgency: String = row.get(4)?;
    Ok(Letter {
        id: LetterId(row.get(0)?),
        draft: LetterDraft {
            patient_id: PatientId(row.get(1)?),
            visit_id: row.get::<_, Option<i64>>(2)?.map(VisitId),
            recipient: row.get(3)?,
            urgency: LetterUrgency::from_code(&urgency)
                .ok_or_else(|| rows::bad_value(4, &urgency))?,
            reason: row.get(5)?,
            findings: row.get(6)?,
            done: row.get(7)?,
            avoided: row.get(8)?,
        },
        signed_by: row.get(9)?,
        signed_at: rows::datetime(row, 10)?,
    })
}

impl Store {
    /// The clinic profile; empty until Settings fills it in.
    pub fn clinic_profile(&self) -> Result<ClinicProfile> {
        read_profile(&self.conn)
    }

    pub fn set_clinic_profile(&mut self, by: &Actor, profile: &ClinicProfile) -> Result<()> {
        if self.clinic_profile()? == *profile {
            return Ok(());
        }
        self.write(by, |tx| write_profile(tx, profile))
    }

    /// Signs a referral letter as `by`, now, and keeps it in the patient's record. From
    /// then on the schema refuses any change to it.
    pub fn sign_letter(&mut self, by: &Actor, draft: &LetterDraft) -> Result<Letter> {
        for (what, value) in [
            ("whom it is to", &draft.recipient),
            ("reason", &draft.reason),
        ] {
            if value.trim().is_empty() {
                return Err(StoreError::Invalid(format!(
                    "a referral letter needs {what}"
                )));
            }
        }
        let signed_at = now_to_the_second();
        let letter = Letter {
            id: LetterId(0),
            draft: draft.clone(),
            signed_by: by.name().to_owned(),
            signed_at,
        };
        let id = self.write(by, |tx| insert_letter(tx, &letter, None))?;
        self.letter(id)
    }

    pub fn letter(&self, id: LetterId) -> Result<Letter> {
        self.conn
            .query_row(
                &format!("SELECT {LETTER_COLUMNS} FROM letter WHERE id = ?1"),
                [id.0],
                letter_from_row,
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "letter",
                id: id.0,
            })
    }

    /// A patient's letters, oldest first.
    pub fn letters(&self, patient: PatientId) -> Result<Vec<Letter>> {
        patient_letters(&self.conn, patient)
    }
}

pub(super) fn read_profile(conn: &Connection) -> Result<ClinicProfile> {
    let profile = conn
        .query_row(
            "SELECT clinician, credentials, registration, practice, address, phone, logo
             FROM clinic_profile WHERE id = 1",
            [],
            |row| {
                Ok(ClinicProfile {
                    clinician: row.get(0)?,
                    credentials: row.get(1)?,
                    registration: row.get(2)?,
                    practice: row.get(3)?,
                    address: row.get(4)?,
                    phone: row.get(5)?,
                    logo: row.get(6)?,
                })
            },
        )
        .optional()?;
    Ok(profile.unwrap_or_default())
}

pub(super) fn write_profile(conn: &Connection, profile: &ClinicProfile) -> Result<()> {
    conn.execute(
        "INSERT INTO clinic_profile (id, clinician, credentials, registration, practice, address, phone, logo)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET clinician = excluded.clinician,
            credentials = excluded.credentials, registration = excluded.registration,
            practice = excluded.practice, address = excluded.address,
            phone = excluded.phone, logo = excluded.logo",
        params![
            profile.clinician.trim(),
            profile.credentials.trim(),
            profile.registration.trim(),
            profile.practice.trim(),
            profile.address.trim(),
            profile.phone.trim(),
            profile.logo,
        ],
    )?;
    Ok(())
}

/// Keeps a signed letter as it is given, with its signer and signing time: a new one from
/// `sign_letter`, or one carried in from a notebook file. With `id`, under that id.
pub(super) fn insert_letter(
    conn: &Connection,
    letter: &Letter,
    id: Option<LetterId>,
) -> Result<LetterId> {
    let draft = &letter.draft;
    conn.execute(
        "INSERT INTO letter (id, patient_id, visit_id, recipient, urgency, reason, findings, done, avoided, signed_by, signed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            id.map(|id| id.0),
            draft.patient_id.0,
            draft.visit_id.map(|v| v.0),
            draft.recipient.trim(),
            draft.urgency.code(),
            draft.reason.trim(),
            draft.findings.trim(),
            draft.done.trim(),
            draft.avoided.trim(),
            letter.signed_by.trim(),
            rows::datetime_text(letter.signed_at),
        ],
    )?;
    Ok(LetterId(conn.last_insert_rowid()))
}

pub(super) fn patient_letters(conn: &Connection, patient: PatientId) -> Result<Vec<Letter>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {LETTER_COLUMNS} FROM letter WHERE patient_id = ?1 ORDER BY id"
    ))?;
    let letters = statement
        .query_map([patient.0], letter_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(letters)
}
