//! What leaves the notebook with the clinic's name on it: the clinic profile that heads
//! every document, and the referral letter kept in the record once signed.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{PatientId, VisitId};

/// Who sends the documents: it heads every PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ClinicProfile {
    pub clinician: String,
    /// "DC", "PT, DPT, OCS".
    pub credentials: String,
    /// Licence or registration number.
    pub registration: String,
    pub practice: String,
    pub address: String,
    pub phone: String,
    /// A PNG or JPEG shown at the top of each document. In a notebook file it is written
    /// as hex, as the audit trail records it, so the file stays text.
    #[serde(with = "logo_hex", skip_serializing_if = "Option::is_none")]
    pub logo: Option<Vec<u8>>,
}

impl ClinicProfile {
    /// Whether nothing has been filled in: a notebook whose Settings were never saved.
    pub fn is_empty(&self) -> bool {
        *self == ClinicProfile::default()
    }
}

/// The logo's bytes as a hex string.
mod logo_hex {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(logo: &Option<Vec<u8>>, to: S) -> Result<S::Ok, S::Error> {
        match logo {
            Some(bytes) => {
                let text: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
                to.serialize_some(&text)
            }
            None => to.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(from: D) -> Result<Option<Vec<u8>>, D::Error> {
        let Some(text) = Option::<String>::deserialize(from)? else {
            return Ok(None);
        };
        if text.len() % 2 != 0 {
            return Err(D::Error::custom("a logo is written as pairs of hex digits"));
        }
        (0..text.len())
            .step_by(2)
            .map(|at| {
                text.get(at..at + 2)
                    .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                    .ok_or_else(|| D::Error::custom("a logo is written as pairs of hex digits"))
            })
            .collect::<Result<Vec<u8>, _>>()
            .map(Some)
    }
}

impl ClinicProfile {
    /// "Dana Whitfield, DC": how the clinician signs.
    pub fn signing_name(&self) -> String {
        match (self.clinician.trim(), self.credentials.trim()) {
            ("", _) => String::new(),
            (name, "") => name.to_owned(),
            (name, credentials) => format!("{name}, {credentials}"),
        }
    }
}

/// How soon the patient should be seen, said plainly in the letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LetterUrgency {
    Emergency,
    SameDay,
    Soon,
    #[default]
    Routine,
}

impl LetterUrgency {
    pub const ALL: [LetterUrgency; 4] = [
        LetterUrgency::Emergency,
        LetterUrgency::SameDay,
        LetterUrgency::Soon,
        LetterUrgency::Routine,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LetterUrgency::Emergency => "emergency",
            LetterUrgency::SameDay => "same_day",
            LetterUrgency::Soon => "soon",
            LetterUrgency::Routine => "routine",
        }
    }

    pub fn from_code(code: &str) -> Option<LetterUrgency> {
        LetterUrgency::ALL.into_iter().find(|u| u.code() == code)
    }

    /// The sentence the letter states the urgency in.
    pub fn plainly(self) -> &'static str {
        match self {
            LetterUrgency::Emergency => "Emergency: please see this patient now.",
            LetterUrgency::SameDay => "Urgent: please see this patient today.",
            LetterUrgency::Soon => "Soon: please see this patient within days.",
            LetterUrgency::Routine => "Routine: please see this patient at your next opening.",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct LetterId(pub i64);

impl std::fmt::Display for LetterId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A referral letter as the clinician edits it before it is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct LetterDraft {
    pub patient_id: PatientId,
    /// The visit it was written from, if any.
    pub visit_id: Option<VisitId>,
    /// "Orthopaedic surgeon (foot and ankle)", "the patient's GP".
    pub recipient: String,
    pub urgency: LetterUrgency,
    /// Why the patient is referred, in one paragraph.
    pub reason: String,
    /// The findings that raised it.
    pub findings: String,
    /// What has been done.
    pub done: String,
    /// What was avoided, and why.
    pub avoided: String,
}

/// A letter as kept in the record: dated, signed and never changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub id: LetterId,
    pub draft: LetterDraft,
    pub signed_by: String,
    pub signed_at: NaiveDateTime,
}
