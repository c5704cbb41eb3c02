//! An intervention given at a visit: what was done, where, and how much.

use serde::{Deserialize, Serialize};

use super::{InterventionDetail, RegionCode, Side, VisitId};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct InterventionId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum InterventionKind {
    /// Spinal manipulation (HVLA) at a segment.
    SpinalManipulation,
    /// Joint mobilisation, spinal or peripheral.
    Mobilization,
    /// Soft-tissue or myofascial release of a muscle.
    #[default]
    SoftTissue,
    DryNeedling,
    Stretch,
    Exercise,
    Taping,
    /// Advice, education or ergonomics.
    Advice,
    /// Referral out to another clinician.
    Referral,
    /// A physical modality: heat, ice, electrical stimulation, ultrasound, traction, laser
    /// (CPT 97010-97039).
    Modality,
    /// An orthotic or insole.
    Orthotic,
    /// A brace, splint or collar.
    Brace,
    /// Manual therapy as billed (CPT 97140) when the technique is not named.
    ManualTherapy,
    /// Neuromuscular re-education (CPT 97112): balance, proprioception, motor control.
    NeuromuscularReeducation,
    /// Manipulation of a joint outside the spine and pelvis (CPT 98943).
    ExtraspinalManipulation,
}

impl InterventionKind {
    pub const ALL: [InterventionKind; 15] = [
        InterventionKind::SpinalManipulation,
        InterventionKind::Mobilization,
        InterventionKind::SoftTissue,
        InterventionKind::DryNeedling,
        InterventionKind::Stretch,
        InterventionKind::Exercise,
        InterventionKind::Taping,
        InterventionKind::Advice,
        InterventionKind::Referral,
        InterventionKind::Modality,
        InterventionKind::Orthotic,
        InterventionKind::Brace,
        InterventionKind::ManualTherapy,
        InterventionKind::NeuromuscularReeducation,
        InterventionKind::ExtraspinalManipulation,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InterventionKind::SpinalManipulation => "spinal_manipulation",
            InterventionKind::Mobilization => "mobilization",
            InterventionKind::SoftTissue => "soft_tissue",
            InterventionKind::DryNeedling => "dry_needling",
            InterventionKind::Stretch => "stretch",
            InterventionKind::Exercise => "exercise",
            InterventionKind::Taping => "taping",
            InterventionKind::Advice => "advice",
            InterventionKind::Referral => "referral",
            InterventionKind::Modality => "modality",
            InterventionKind::Orthotic => "orthotic",
            InterventionKind::Brace => "brace",
            InterventionKind::ManualTherapy => "manual_therapy",
            InterventionKind::NeuromuscularReeducation => "neuromuscular_reeducation",
            InterventionKind::ExtraspinalManipulation => "extraspinal_manipulation",
        }
    }

    pub fn from_code(code: &str) -> Option<InterventionKind> {
        InterventionKind::ALL
            .into_iter()
            .find(|kind| kind.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            InterventionKind::SpinalManipulation => "Spinal manipulation",
            InterventionKind::Mobilization => "Mobilization",
            InterventionKind::SoftTissue => "Soft-tissue / myofascial release",
            InterventionKind::DryNeedling => "Dry needling",
            InterventionKind::Stretch => "Stretch",
            InterventionKind::Exercise => "Exercise",
            InterventionKind::Taping => "Taping",
            InterventionKind::Advice => "Advice / ergonomics",
            InterventionKind::Referral => "Referral out",
            InterventionKind::Modality => "Modality (heat, ice, e-stim, ultrasound...)",
            InterventionKind::Orthotic => "Orthotic / insole",
            InterventionKind::Brace => "Brace / splint",
            InterventionKind::ManualTherapy => "Manual therapy",
            InterventionKind::NeuromuscularReeducation => "Neuromuscular re-education",
            InterventionKind::ExtraspinalManipulation => "Extremity manipulation",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Intervention {
    pub id: InterventionId,
    pub visit_id: VisitId,
    pub kind: InterventionKind,
    /// What was treated, in the clinic's words: a segment ("L5-S1", "left SI"),
    /// a muscle ("soleus") or a region.
    pub target: String,
    /// The body region the treatment was applied to, so that treatment at the painful
    /// region can be told from treatment of a remote source.
    pub region: Option<RegionCode>,
    pub side: Side,
    /// Dose and notes: "3 x 30 s", "grade III", "foot block under desk".
    pub dose: String,
    pub notes: String,
    /// Optional CPT code for billing, e.g. 98940.
    pub cpt_code: String,
    /// Technique, segments, modality, sets and reps, minutes, CPT units, when charted.
    #[serde(skip_serializing_if = "InterventionDetail::is_empty")]
    pub detail: InterventionDetail,
}

impl Intervention {
    pub fn new(kind: InterventionKind, target: impl Into<String>, side: Side) -> Self {
        Intervention {
            kind,
            target: target.into(),
            side,
            ..Intervention::default()
        }
    }
}

impl Intervention {
    /// As charted: "Spinal manipulation: L SI joint, HVLA side posture [CPT 98940]".
    pub fn describe(&self) -> String {
        let what = [self.side.label(), self.target.as_str()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let mut text = format!("{}: {what}", self.kind.label());
        // Segments already named in the target are not said twice.
        let mut detail = self.detail.clone();
        detail
            .segments
            .retain(|segment| !self.target.contains(segment.as_str()));
        if !detail.is_empty() {
            text.push_str(&format!(", {}", detail.describe()));
        }
        if !self.dose.is_empty() {
            text.push_str(&format!(", {}", self.dose));
        }
        if !self.cpt_code.is_empty() {
            match self.detail.cpt_units {
                Some(units) => text.push_str(&format!(" [CPT {} x{units}]", self.cpt_code)),
                None => text.push_str(&format!(" [CPT {}]", self.cpt_code)),
            }
        }
        text
    }
}
