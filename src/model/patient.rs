//! A patient and what the clinic keeps about them outside of visits.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct PatientId(pub i64);

impl std::fmt::Display for PatientId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Other,
    #[default]
    Unknown,
}

impl Sex {
    pub const ALL: [Sex; 4] = [Sex::Female, Sex::Male, Sex::Other, Sex::Unknown];

    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
            Sex::Unknown => "unknown",
        }
    }

    pub fn from_code(code: &str) -> Option<Sex> {
        Sex::ALL.into_iter().find(|sex| sex.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Sex::Female => "Female",
            Sex::Male => "Male",
            Sex::Other => "Other",
            Sex::Unknown => "Not recorded",
        }
    }
}

/// A patient. `history` holds codes from the vocabulary's history flags
/// (history of cancer, anticoagulants, ...), which the reasoner's red flags read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Patient {
    pub id: PatientId,
    pub name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub sex: Sex,
    pub contact: String,
    /// Occupation and activities, as the patient tells it: "runner, standing desk".
    pub occupation: String,
    pub history: Vec<String>,
    pub notes: String,
}

impl Patient {
    pub fn new(name: impl Into<String>) -> Self {
        Patient {
            name: name.into(),
            ..Patient::default()
        }
    }

    /// Age in whole years on `on`, when the date of birth is known.
    pub fn age_on(&self, on: NaiveDate) -> Option<u32> {
        self.date_of_birth.and_then(|born| on.years_since(born))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_counts_whole_years_only() {
        let mut patient = Patient::new("A");
        patient.date_of_birth = NaiveDate::from_ymd_opt(1988, 6, 15);
        assert_eq!(
            patient.age_on(NaiveDate::from_ymd_opt(2026, 6, 14).unwrap()),
            Some(37)
        );
        assert_eq!(
            patient.age_on(NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()),
            Some(38)
        );
        patient.date_of_birth = None;
        assert_eq!(
            patient.age_on(NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()),
            None
        );
    }
}
