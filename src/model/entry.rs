//! What a clinician types to chart a finding, turned into a checked `Finding`.
//! Shared by the GUI's entry form and anything else that takes typed terms.

use super::vocabulary::RegionPresence;
use super::{Finding, Intensity, KindCode, Presence, Side, VisitId, Vocabulary};

/// The fields of the finding entry form, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct FindingEntry {
    pub kind: String,
    pub region: String,
    pub side: Side,
    pub intensity: String,
    pub absent: bool,
    pub test_name: String,
    pub note: String,
}

/// Why the typed finding cannot be charted yet, said so the clinician can fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("type a finding kind, such as pain or tightness")]
    MissingKind,
    #[error("{0}")]
    Unknown(#[from] super::vocabulary::UnknownTerm),
    #[error("{kind} needs a region")]
    MissingRegion { kind: String },
    #[error("{kind} has no region")]
    UnexpectedRegion { kind: String },
    #[error("choose a side for the {region}")]
    WrongSide { region: String },
    #[error("intensity is a whole number from 0 to 10")]
    BadIntensity,
    #[error("{kind} has no intensity")]
    UnexpectedIntensity { kind: String },
}

impl FindingEntry {
    /// A charted finding's fields as the clinician would type them, for editing.
    pub fn from_finding(finding: &Finding, vocabulary: &Vocabulary) -> Self {
        FindingEntry {
            kind: vocabulary.kind_name(&finding.kind).to_lowercase(),
            region: finding
                .region
                .as_ref()
                .map(|r| vocabulary.region_name(r).to_lowercase())
                .unwrap_or_default(),
            side: finding.side,
            intensity: finding
                .intensity
                .map(|i| i.value().to_string())
                .unwrap_or_default(),
            absent: finding.presence == Presence::Absent,
            test_name: finding.test_name.clone(),
            note: finding.note.clone(),
        }
    }

    /// The finding this entry describes, for `visit_id`.
    pub fn to_finding(
        &self,
        vocabulary: &Vocabulary,
        visit_id: VisitId,
    ) -> Result<Finding, EntryError> {
        if self.kind.trim().is_empty() {
            return Err(EntryError::MissingKind);
        }
        let kind = vocabulary.find_kind(&self.kind)?;
        let region = match (kind.region, self.region.trim().is_empty()) {
            (RegionPresence::Required, true) => {
                return Err(EntryError::MissingRegion {
                    kind: kind.name.clone(),
                });
            }
            (RegionPresence::None, false) => {
                return Err(EntryError::UnexpectedRegion {
                    kind: kind.name.clone(),
                });
            }
            (_, true) => None,
            (_, false) => Some(vocabulary.find_region(&self.region)?),
        };
        let side = match region {
            Some(region) if !region.laterality.allows(self.side) => {
                return Err(EntryError::WrongSide {
                    region: region.name.to_lowercase(),
                });
            }
            Some(_) => self.side,
            None => Side::None,
        };
        let intensity = match self.intensity.trim() {
            "" => None,
            text => {
                let value: u8 = text
                    .trim_end_matches("/10")
                    .trim()
                    .parse()
                    .map_err(|_| EntryError::BadIntensity)?;
                if !kind.intensity {
                    return Err(EntryError::UnexpectedIntensity {
                        kind: kind.name.clone(),
                    });
                }
                Some(Intensity::new(value).map_err(|_| EntryError::BadIntensity)?)
            }
        };
        Ok(Finding {
            visit_id,
            kind: KindCode::new(kind.code.as_str()),
            region: region.map(|r| r.code.clone()),
            side,
            intensity,
            presence: if self.absent {
                Presence::Absent
            } else {
                Presence::Present
            },
            test_name: self.test_name.trim().to_owned(),
            note: self.note.trim().to_owned(),
            ..Finding::default()
        })
    }
}
