//! A finding charted at a visit: a symptom the patient reports, a sign the clinician
//! finds, or a test result, present or examined and found absent.

use serde::{Deserialize, Serialize};

use super::{FindingDetail, Side, VisitId};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct FindingId(pub i64);

/// A code from the vocabulary's finding kinds, such as `pain` or `fasciculation`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct KindCode(pub String);

/// A code from the vocabulary's body regions, such as `ankle_lateral`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct RegionCode(pub String);

impl KindCode {
    pub fn new(code: impl Into<String>) -> Self {
        KindCode(code.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl RegionCode {
    pub fn new(code: impl Into<String>) -> Self {
        RegionCode(code.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for KindCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for RegionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Intensity on the 0-10 numeric rating scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Intensity(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("intensity {0} is outside the 0-10 scale")]
pub struct IntensityError(pub i64);

impl Intensity {
    pub const MAX: u8 = 10;

    pub fn new(value: u8) -> Result<Self, IntensityError> {
        if value <= Self::MAX {
            Ok(Intensity(value))
        } else {
            Err(IntensityError(i64::from(value)))
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Intensity {
    type Error = IntensityError;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Intensity::new(value)
    }
}

impl From<Intensity> for u8 {
    fn from(intensity: Intensity) -> u8 {
        intensity.0
    }
}

/// Whether the finding was there, or was looked for and not found. An absent finding
/// is information too: a normal Achilles reflex counts against an S1 root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    #[default]
    Present,
    Absent,
}

impl Presence {
    pub fn code(self) -> &'static str {
        match self {
            Presence::Present => "present",
            Presence::Absent => "absent",
        }
    }

    pub fn from_code(code: &str) -> Option<Presence> {
        [Presence::Present, Presence::Absent]
            .into_iter()
            .find(|presence| presence.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Finding {
    pub id: FindingId,
    pub visit_id: VisitId,
    pub kind: KindCode,
    /// `None` for systemic findings such as fever.
    pub region: Option<RegionCode>,
    pub side: Side,
    pub intensity: Option<Intensity>,
    pub presence: Presence,
    /// The test's own name for a test finding: "Thompson", "SLR", "Spurling".
    pub test_name: String,
    pub note: String,
    /// Copied from the previous visit and not yet confirmed at this one.
    pub carried_over: bool,
    /// Values, grades, provocation, onset and course, when charted.
    #[serde(skip_serializing_if = "FindingDetail::is_empty")]
    pub detail: FindingDetail,
}

impl Finding {
    pub fn new(kind: impl Into<String>, region: Option<&str>, side: Side) -> Self {
        Finding {
            kind: KindCode::new(kind),
            region: region.map(RegionCode::new),
            side,
            ..Finding::default()
        }
    }

    pub fn with_intensity(mut self, value: u8) -> Result<Self, IntensityError> {
        self.intensity = Some(Intensity::new(value)?);
        Ok(self)
    }

    pub fn absent(mut self) -> Self {
        self.presence = Presence::Absent;
        self
    }

    /// Whether `other` charts the same thing at the same place with the same measure: the
    /// same finding charted twice at a visit, whatever its id, note or carry-over mark.
    pub fn repeats(&self, other: &Finding) -> bool {
        (
            &self.kind,
            &self.region,
            self.side,
            self.intensity,
            self.presence,
            &self.test_name,
            &self.detail,
        ) == (
            &other.kind,
            &other.region,
            other.side,
            other.intensity,
            other.presence,
            &other.test_name,
            &other.detail,
        )
    }
}

impl Finding {
    /// The finding as a clinician would chart it: "R lateral ankle pain 4/10",
    /// "no numbness R outer edge of the foot", "Thompson negative, R calf".
    pub fn describe(&self, vocabulary: &super::Vocabulary) -> String {
        let place = self.place(vocabulary);
        let kind = vocabulary.kind_name(&self.kind).to_lowercase();
        let mut text = if self.kind.as_str() == "positive_test" && !self.test_name.is_empty() {
            let result = match self.presence {
                Presence::Present => "positive",
                Presence::Absent => "negative",
            };
            if place.is_empty() {
                format!("{} {result}", self.test_name)
            } else {
                format!("{} {result}, {place}", self.test_name)
            }
        } else {
            let negation = match self.presence {
                Presence::Present => "",
                Presence::Absent => "no ",
            };
            let what = match (self.presence, place.is_empty()) {
                (_, true) => kind,
                (Presence::Present, false) => format!("{place} {kind}"),
                (Presence::Absent, false) => format!("{kind} {place}"),
            };
            let mut text = format!("{negation}{what}");
            if !self.test_name.is_empty() {
                text.push_str(&format!(" ({})", self.test_name));
            }
            text
        };
        if let Some(intensity) = self.intensity {
            text.push_str(&format!(" {}/10", intensity.value()));
        }
        if !self.detail.is_empty() {
            text.push_str(&format!(", {}", self.detail.describe()));
        }
        if !self.note.is_empty() {
            text.push_str(&format!(" ({})", self.note));
        }
        text
    }

    /// "R lateral ankle", "midline low back (lumbar)", or "" without a region.
    pub fn place(&self, vocabulary: &super::Vocabulary) -> String {
        let Some(region) = &self.region else {
            return String::new();
        };
        let name = lower_first(vocabulary.region_name(region));
        match self.side {
            Side::None => name,
            side => format!("{} {name}", side.label()),
        }
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        // Keep acronyms such as "TMJ" as they are.
        Some(first) if !chars.clone().next().is_some_and(char::is_uppercase) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text.to_owned(),
    }
}
