//! The side of the body a finding or intervention is on.

use serde::{Deserialize, Serialize};

/// Which side of the body. `None` is for findings that have no side (fever, dizziness).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Left,
    Right,
    Bilateral,
    Midline,
    #[default]
    None,
}

impl Side {
    pub const ALL: [Side; 5] = [
        Side::Left,
        Side::Right,
        Side::Bilateral,
        Side::Midline,
        Side::None,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
            Side::Bilateral => "bilateral",
            Side::Midline => "midline",
            Side::None => "none",
        }
    }

    /// Its name in full, as a choice in a list.
    pub fn name(self) -> &'static str {
        match self {
            Side::Left => "Left",
            Side::Right => "Right",
            Side::Bilateral => "Bilateral",
            Side::Midline => "Midline",
            Side::None => "No side",
        }
    }

    /// How a clinician writes it in a chart line.
    pub fn label(self) -> &'static str {
        match self {
            Side::Left => "L",
            Side::Right => "R",
            Side::Bilateral => "bilat",
            Side::Midline => "midline",
            Side::None => "",
        }
    }

    pub fn from_code(code: &str) -> Option<Side> {
        Side::ALL.into_iter().find(|side| side.code() == code)
    }

    /// Left and right swapped; the others stay.
    pub fn mirrored(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
            other => other,
        }
    }
}
