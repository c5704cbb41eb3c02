//! What a finding or an intervention carries beyond its kind, place and intensity: the
//! values, grades, test results, provocation, onset and course clinicians chart ("lumbar
//! flexion 45° (normal 60°)", "EHL 4/5", "Achilles reflex 1+", "SLR reproduces leg pain",
//! "worse sitting, eased by walking", "sudden onset, progressive"), and an intervention's
//! technique, segments, modality and dose ("Diversified L5, SI", "grade III PA glides",
//! "IFC 10 min", "bridges 3x10", "97140 x2"). Each is one JSON object beside its row;
//! every field is optional and an empty detail is stored as none.

use serde::{Deserialize, Serialize};

use super::Intensity;

/// A spinal segment or a range of them, written as clinicians do and kept in one form:
/// `L4-L5` for "L4/L5", "L4-5" or "L4-L5"; `T8-T10` for "T8-10"; `C5` alone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SpinalLevel {
    from: Segment,
    to: Option<Segment>,
}

/// One vertebral segment or nerve root: occiput (C0), C1-C7 (and the C8 root, which has no
/// vertebra of its own), T1-T12, L1-L5, S1-S5, coccyx (Co).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Segment {
    region: SpineRegion,
    number: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum SpineRegion {
    Cervical,
    Thoracic,
    Lumbar,
    Sacral,
    Coccygeal,
}

impl SpineRegion {
    fn letter(self) -> &'static str {
        match self {
            SpineRegion::Cervical => "C",
            SpineRegion::Thoracic => "T",
            SpineRegion::Lumbar => "L",
            SpineRegion::Sacral => "S",
            SpineRegion::Coccygeal => "Co",
        }
    }

    /// The numbers the region's segments take.
    fn numbers(self) -> std::ops::RangeInclusive<u8> {
        match self {
            SpineRegion::Cervical => 0..=8,
            SpineRegion::Thoracic => 1..=12,
            SpineRegion::Lumbar => 1..=5,
            SpineRegion::Sacral => 1..=5,
            SpineRegion::Coccygeal => 1..=1,
        }
    }
}

impl Segment {
    /// "L4", "l4", "C0", "Co"; `region` carries over for the second half of "L4-5".
    fn parse(text: &str, region: Option<SpineRegion>) -> Option<Segment> {
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        if lower == "co" || lower == "cx" {
            return Some(Segment {
                region: SpineRegion::Coccygeal,
                number: 1,
            });
        }
        let (region, digits) = match lower.chars().next()? {
            'c' => (SpineRegion::Cervical, &lower[1..]),
            't' => (SpineRegion::Thoracic, &lower[1..]),
            'l' => (SpineRegion::Lumbar, &lower[1..]),
            's' => (SpineRegion::Sacral, &lower[1..]),
            '0'..='9' => (region?, lower.as_str()),
            _ => return None,
        };
        let number: u8 = digits.parse().ok()?;
        region
            .numbers()
            .contains(&number)
            .then_some(Segment { region, number })
    }
}

impl std::fmt::Display for Segment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.region {
            SpineRegion::Coccygeal => f.write_str("Co"),
            region => write!(f, "{}{}", region.letter(), self.number),
        }
    }
}

impl SpinalLevel {
    /// Reads "L4", "L4/L5", "L4-5", "L4-L5", "T8-10", "C5–C6", "T5-6-7"; `None` for
    /// anything else, or a range that runs backwards.
    pub fn parse(text: &str) -> Option<SpinalLevel> {
        let text = text.trim();
        let parts: Vec<&str> = text.split(['-', '/', '–', '—']).collect();
        match parts.as_slice() {
            [one] => Some(SpinalLevel {
                from: Segment::parse(one, None)?,
                to: None,
            }),
            [first, second] => {
                let from = Segment::parse(first, None)?;
                let to = Segment::parse(second, Some(from.region))?;
                (to > from).then_some(SpinalLevel { from, to: Some(to) })
            }
            // "T5-6-7": each segment the next one down, the range from the first to the last.
            [first, rest @ ..] => {
                let from = Segment::parse(first, None)?;
                let mut last = from;
                for part in rest {
                    let next = Segment::parse(part, Some(from.region))?;
                    if next <= last {
                        return None;
                    }
                    last = next;
                }
                Some(SpinalLevel {
                    from,
                    to: Some(last),
                })
            }
            [] => None,
        }
    }
}

impl SpinalLevel {
    /// One segment or root, not a range.
    pub fn is_single(&self) -> bool {
        self.to.is_none()
    }

    /// The body-chart region of the spine the level lies in (its upper segment's).
    pub fn spine_region(&self) -> &'static str {
        match self.from.region {
            SpineRegion::Cervical => "neck",
            SpineRegion::Thoracic => "back_mid",
            SpineRegion::Lumbar => "low_back",
            SpineRegion::Sacral => "sacrum",
            SpineRegion::Coccygeal => "coccyx",
        }
    }
}

impl std::fmt::Display for SpinalLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to {
            Some(to) => write!(f, "{}-{to}", self.from),
            None => write!(f, "{}", self.from),
        }
    }
}

impl TryFrom<String> for SpinalLevel {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        SpinalLevel::parse(&text).ok_or_else(|| format!("`{text}` is not a spinal level"))
    }
}

impl From<SpinalLevel> for String {
    fn from(level: SpinalLevel) -> String {
        level.to_string()
    }
}

/// Muscle strength on the MRC (Oxford) scale, 0 to 5, with the + and - clinicians add:
/// "4+/5", "3-/5", "5/5".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MrcGrade {
    grade: u8,
    /// -1, 0 or +1.
    modifier: i8,
}

impl MrcGrade {
    /// Reads "4+/5", "4+", "4 -/5", "5/5"; `None` past 5, or a 5+ or 0-.
    pub fn parse(text: &str) -> Option<MrcGrade> {
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let text = text.strip_suffix("/5").unwrap_or(&text);
        let (digits, modifier) = if let Some(rest) = text.strip_suffix('+') {
            (rest, 1)
        } else if let Some(rest) = text.strip_suffix('-') {
            (rest, -1)
        } else {
            (text, 0)
        };
        let grade: u8 = digits.parse().ok()?;
        let valid = grade <= 5 && !(grade == 5 && modifier > 0) && !(grade == 0 && modifier < 0);
        valid.then_some(MrcGrade { grade, modifier })
    }

    pub fn grade(self) -> u8 {
        self.grade
    }

    /// The grade in thirds, for comparing: 4-/5 < 4/5 < 4+/5 < 5/5.
    pub fn thirds(self) -> i16 {
        i16::from(self.grade) * 3 + i16::from(self.modifier)
    }

    /// Full strength, 5/5: the muscle is not weak.
    pub fn is_full(self) -> bool {
        self.grade == 5 && self.modifier == 0
    }
}

impl std::fmt::Display for MrcGrade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let modifier = match self.modifier {
            1 => "+",
            -1 => "-",
            _ => "",
        };
        write!(f, "{}{modifier}/5", self.grade)
    }
}

impl TryFrom<String> for MrcGrade {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        MrcGrade::parse(&text).ok_or_else(|| format!("`{text}` is not an MRC grade (0/5-5/5)"))
    }
}

impl From<MrcGrade> for String {
    fn from(grade: MrcGrade) -> String {
        grade.to_string()
    }
}

/// A tendon reflex on the 0 to 4+ scale (NINDS): 0 absent, 1+ diminished, 2+ normal,
/// 3+ brisk, 4+ with clonus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReflexGrade(u8);

impl ReflexGrade {
    /// Reads "2+", "2", "2/4", "1 +", "0".
    pub fn parse(text: &str) -> Option<ReflexGrade> {
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let text = text.strip_suffix("/4").unwrap_or(&text);
        let text = text.strip_suffix('+').unwrap_or(text);
        let grade: u8 = text.parse().ok()?;
        (grade <= 4).then_some(ReflexGrade(grade))
    }

    pub fn grade(self) -> u8 {
        self.0
    }

    /// Below normal (0 or 1+), normal (2+), or above (3+, 4+).
    pub fn ordering_to_normal(self) -> std::cmp::Ordering {
        self.0.cmp(&2)
    }
}

impl std::fmt::Display for ReflexGrade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            0 => f.write_str("0"),
            grade => write!(f, "{grade}+"),
        }
    }
}

impl TryFrom<String> for ReflexGrade {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        ReflexGrade::parse(&text).ok_or_else(|| format!("`{text}` is not a reflex grade (0-4+)"))
    }
}

impl From<ReflexGrade> for String {
    fn from(grade: ReflexGrade) -> String {
        grade.to_string()
    }
}

/// The units clinicians measure in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Degrees,
    Centimetres,
    Millimetres,
    /// Percent of normal, or of the other side.
    Percent,
    Seconds,
    Kilograms,
    /// A count: repetitions of a test such as single-leg calf raises.
    Count,
}

impl Unit {
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Degrees => "°",
            Unit::Centimetres => " cm",
            Unit::Millimetres => " mm",
            Unit::Percent => "%",
            Unit::Seconds => " s",
            Unit::Kilograms => " kg",
            Unit::Count => "",
        }
    }
}

/// A measured value: "lumbar flexion 45° (normal 60°)", "knee to wall 6 cm", "mouth
/// opening 45 mm".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measurement {
    pub quantity: f64,
    pub unit: Unit,
    /// What was measured: "lumbar flexion", "knee to wall", "hip internal rotation".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
    /// The normal it is compared with, in the same unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal: Option<f64>,
}

impl std::fmt::Display for Measurement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(of) = &self.of {
            write!(f, "{of} ")?;
        }
        write!(f, "{}{}", number(self.quantity), self.unit.symbol())?;
        if let Some(normal) = self.normal {
            write!(f, " (normal {}{})", number(normal), self.unit.symbol())?;
        }
        Ok(())
    }
}

/// 45 rather than 45.0; 7.5 as it is.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e9 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

macro_rules! coded {
    ($(#[$meta:meta])* $name:ident { $($(#[$variant_meta:meta])* $variant:ident => $code:literal, $words:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$variant_meta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// How it reads in a note.
            pub fn words(self) -> &'static str {
                match self {
                    $($name::$variant => $words),+
                }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|value| value.code() == code)
            }
        }
    };
}

coded!(
    /// How bad, in the words of a note.
    Severity {
        Mild => "mild", "mild",
        Moderate => "moderate", "moderate",
        Severe => "severe", "severe",
    }
);

coded!(
    /// How often or when it comes.
    Frequency {
        Constant => "constant", "constant",
        Intermittent => "intermittent", "intermittent",
        Occasional => "occasional", "occasional",
        AtNight => "at_night", "at night",
        Morning => "morning", "in the morning",
        Evening => "evening", "later in the day",
        Daily => "daily", "daily",
    }
);

coded!(
    /// What provokes or eases a symptom: movements, postures and activities.
    Activity {
        Flexion => "flexion", "flexion",
        Extension => "extension", "extension",
        Rotation => "rotation", "rotation",
        SideBending => "side_bending", "side bending",
        Sitting => "sitting", "sitting",
        Standing => "standing", "standing",
        Walking => "walking", "walking",
        Running => "running", "running",
        Stairs => "stairs", "stairs",
        CoughSneeze => "cough_sneeze", "cough or sneeze",
        Lifting => "lifting", "lifting",
        Bending => "bending", "bending",
        Exertion => "exertion", "exertion",
        LyingDown => "lying_down", "lying down",
        Rest => "rest", "rest",
        Overhead => "overhead", "overhead activity",
        Chewing => "chewing", "chewing",
        Driving => "driving", "driving",
        Movement => "movement", "movement",
        Abduction => "abduction", "abduction",
        Adduction => "adduction", "adduction",
        InternalRotation => "internal_rotation", "internal rotation",
        ExternalRotation => "external_rotation", "external rotation",
        Dorsiflexion => "dorsiflexion", "dorsiflexion",
        Plantarflexion => "plantarflexion", "plantarflexion",
        Inversion => "inversion", "inversion",
        Eversion => "eversion", "eversion",
        Pronation => "pronation", "pronation",
        Supination => "supination", "supination",
        Elevation => "elevation", "elevation",
        WeightBearing => "weight_bearing", "weight bearing",
        Squatting => "squatting", "squatting",
        Kneeling => "kneeling", "kneeling",
        Jumping => "jumping", "jumping",
        Breathing => "breathing", "deep breathing",
        Gripping => "gripping", "gripping",
        MouthOpening => "mouth_opening", "opening the mouth",
        Stretching => "stretching", "stretching",
        Heat => "heat", "heat",
        Ice => "ice", "ice",
        Medication => "medication", "medication",
        Massage => "massage", "massage",
        RadialDeviation => "radial_deviation", "radial deviation",
        UlnarDeviation => "ulnar_deviation", "ulnar deviation",
        Rising => "rising", "getting up",
    }
);

coded!(
    /// How it began.
    Onset {
        Sudden => "sudden", "sudden onset",
        Gradual => "gradual", "gradual onset",
        Insidious => "insidious", "insidious onset",
        AfterTrauma => "after_trauma", "after trauma",
    }
);

coded!(
    /// How it has gone since.
    Course {
        New => "new", "new",
        Progressive => "progressive", "progressive",
        Improving => "improving", "improving",
        Unchanged => "unchanged", "unchanged",
        Worsening => "worsening", "worsening",
        FailureToImprove => "failure_to_improve", "not improving with care",
        Acute => "acute", "acute",
        Chronic => "chronic", "chronic",
    }
);

coded!(
    /// The technique of a manipulation, mobilisation or soft-tissue treatment.
    Technique {
        Diversified => "diversified", "Diversified",
        Gonstead => "gonstead", "Gonstead",
        ThompsonDrop => "thompson_drop", "Thompson drop",
        Activator => "activator", "Activator",
        Toggle => "toggle", "toggle recoil",
        FlexionDistraction => "flexion_distraction", "flexion-distraction",
        Hvla => "hvla", "HVLA",
        Mobilisation => "mobilisation", "mobilisation",
        MuscleEnergy => "muscle_energy", "MET",
        PostIsometricRelaxation => "post_isometric_relaxation", "PIR",
        Iastm => "iastm", "IASTM",
        TriggerPointTherapy => "trigger_point_therapy", "trigger point therapy",
        DryNeedling => "dry_needling", "dry needling",
        KinesioTaping => "kinesio_taping", "kinesiology taping",
        RigidTaping => "rigid_taping", "rigid taping",
        Orthotics => "orthotics", "orthotics",
        Mckenzie => "mckenzie", "McKenzie",
    }
);

coded!(
    /// A physical modality.
    Modality {
        ElectricalStimulation => "electrical_stimulation", "electrical stimulation",
        Tens => "tens", "TENS",
        Interferential => "interferential", "IFC",
        Heat => "heat", "heat",
        Ice => "ice", "ice",
        Ultrasound => "ultrasound", "ultrasound",
        Traction => "traction", "traction",
        Laser => "laser", "laser",
    }
);

coded!(
    /// Maitland's grades of joint mobilisation. Stored as written ("III"); rows stored
    /// before then spell the grade as serde's snake case made it of the Roman numeral
    /// ("i_i_i"), and are still read: a signed row is never rewritten.
    MobilisationGrade {
        #[serde(rename = "I", alias = "i")]
        I => "I", "grade I",
        #[serde(rename = "II", alias = "i_i")]
        II => "II", "grade II",
        #[serde(rename = "III", alias = "i_i_i")]
        III => "III", "grade III",
        #[serde(rename = "IV", alias = "i_v")]
        IV => "IV", "grade IV",
        #[serde(rename = "V", alias = "v")]
        V => "V", "grade V",
    }
);

impl Activity {
    /// The one joint a movement belongs to, where it belongs to only one: dorsiflexion is
    /// the ankle's, radial deviation the wrist's, mouth opening the jaw's.
    pub fn only_joint(self) -> Option<&'static str> {
        match self {
            Activity::Dorsiflexion
            | Activity::Plantarflexion
            | Activity::Inversion
            | Activity::Eversion => Some("ankle"),
            Activity::RadialDeviation | Activity::UlnarDeviation => Some("wrist"),
            Activity::MouthOpening | Activity::Chewing => Some("jaw_tmj"),
            _ => None,
        }
    }

    /// A movement of the spine or a joint (flexion, rotation, dorsiflexion...), rather than
    /// a posture or an activity of the day.
    pub fn is_movement(self) -> bool {
        matches!(
            self,
            Activity::Flexion
                | Activity::Extension
                | Activity::Rotation
                | Activity::SideBending
                | Activity::Bending
                | Activity::Abduction
                | Activity::Adduction
                | Activity::InternalRotation
                | Activity::ExternalRotation
                | Activity::Dorsiflexion
                | Activity::Plantarflexion
                | Activity::Inversion
                | Activity::Eversion
                | Activity::Pronation
                | Activity::Supination
                | Activity::Elevation
                | Activity::RadialDeviation
                | Activity::UlnarDeviation
                | Activity::MouthOpening
        )
    }
}

/// What a finding carries beyond its kind, place and intensity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct FindingDetail {
    /// The spinal level or range: "L4-L5".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<SpinalLevel>,
    /// Which part of the region, as written, where the vocabulary has no region of its
    /// own for it: "distal", "lower" (of the cervical spine).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// A named muscle, ligament or landmark: "soleus", "ATFL", "PSIS".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub structure: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measurement: Option<Measurement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strength: Option<MrcGrade>,
    /// The movements a strength grade was tested in ("abduction" for "R shoulder
    /// abduction 4/5"), or a limited range was found in ("Rotation: L4, hypomobile").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub movements: Vec<Activity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reflex: Option<ReflexGrade>,
    /// What a test reproduced: "concordant leg pain to the knee".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reproduces: Option<String>,
    /// The lower end of a range such as "4-6/10"; the intensity holds the upper.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intensity_low: Option<Intensity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency: Option<Frequency>,
    /// How long each bout lasts: "30 min" of morning stiffness.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub provoked_by: Vec<Activity>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub eased_by: Vec<Activity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onset: Option<Onset>,
    /// Since when: "6 weeks", "2026-03-01".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub course: Option<Course>,
    /// The pain's character as written: "sharp", "burning", "shooting".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quality: Option<String>,
    /// The root whose dermatome or myotome the finding lies in: "L5".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dermatome: Option<SpinalLevel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub myotome: Option<SpinalLevel>,
}

impl FindingDetail {
    pub fn is_empty(&self) -> bool {
        self == &FindingDetail::default()
    }

    /// The detail as a note reads it: "L4-L5, lumbar flexion 45° (normal 60°), 4+/5,
    /// worse with sitting, eased by walking, sudden onset, progressive".
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(level) = &self.level {
            parts.push(level.to_string());
        }
        if let Some(site) = &self.site {
            parts.push(site.clone());
        }
        if let Some(structure) = &self.structure {
            parts.push(structure.clone());
        }
        if let Some(measurement) = &self.measurement {
            parts.push(measurement.to_string());
        }
        if let Some(strength) = self.strength {
            let movements: Vec<&str> = self.movements.iter().map(|m| m.words()).collect();
            if movements.is_empty() {
                parts.push(strength.to_string());
            } else {
                parts.push(format!("{} {strength}", movements.join(", ")));
            }
        }
        if self.strength.is_none() && !self.movements.is_empty() {
            let movements: Vec<&str> = self.movements.iter().map(|m| m.words()).collect();
            parts.push(format!("in {}", movements.join(", ")));
        }
        if let Some(reflex) = self.reflex {
            parts.push(format!("reflex {reflex}"));
        }
        if let Some(reproduces) = &self.reproduces {
            parts.push(format!("reproduces {reproduces}"));
        }
        if let Some(low) = self.intensity_low {
            parts.push(format!("from {}/10", low.value()));
        }
        if let Some(severity) = self.severity {
            parts.push(severity.words().to_owned());
        }
        match (self.frequency, &self.duration) {
            (Some(frequency), Some(duration)) => {
                parts.push(format!("{} ({duration})", frequency.words()));
            }
            (Some(frequency), None) => parts.push(frequency.words().to_owned()),
            (None, Some(duration)) => parts.push(format!("lasting {duration}")),
            (None, None) => {}
        }
        let list = |activities: &[Activity]| {
            activities
                .iter()
                .map(|a| a.words())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !self.provoked_by.is_empty() {
            parts.push(format!("worse with {}", list(&self.provoked_by)));
        }
        if !self.eased_by.is_empty() {
            parts.push(format!("eased by {}", list(&self.eased_by)));
        }
        if let Some(onset) = self.onset {
            parts.push(onset.words().to_owned());
        }
        if let Some(since) = &self.since {
            parts.push(format!("since {since}"));
        }
        if let Some(course) = self.course {
            parts.push(course.words().to_owned());
        }
        if let Some(quality) = &self.quality {
            parts.push(quality.clone());
        }
        if let Some(root) = &self.dermatome {
            parts.push(format!("{root} dermatome"));
        }
        if let Some(root) = &self.myotome {
            parts.push(format!("{root} myotome"));
        }
        parts.join(", ")
    }
}

/// What an intervention carries beyond its kind, target, place and dose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct InterventionDetail {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub technique: Option<Technique>,
    /// The segments treated: "L5", "SI", "C5-C6".
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<MobilisationGrade>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modality: Option<Modality>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sets: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reps: Option<u16>,
    /// How long each repetition is held, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold_seconds: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u16>,
    /// The load or band: "red band", "5 kg".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load: Option<String>,
    /// How often at home: "2x/day", "daily".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency: Option<String>,
    /// Billing units of the CPT code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpt_units: Option<u8>,
}

impl InterventionDetail {
    pub fn is_empty(&self) -> bool {
        self == &InterventionDetail::default()
    }

    /// "Diversified, L5, SI, grade III, 3 x 10, hold 30 s, 8 min, red band, daily".
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(technique) = self.technique {
            parts.push(technique.words().to_owned());
        }
        parts.extend(self.segments.iter().cloned());
        if let Some(grade) = self.grade {
            parts.push(grade.words().to_owned());
        }
        if let Some(modality) = self.modality {
            parts.push(modality.words().to_owned());
        }
        match (self.sets, self.reps) {
            (Some(sets), Some(reps)) => parts.push(format!("{sets} x {reps}")),
            (Some(sets), None) => parts.push(format!("{sets} sets")),
            (None, Some(reps)) => parts.push(format!("{reps} reps")),
            (None, None) => {}
        }
        if let Some(hold) = self.hold_seconds {
            parts.push(format!("hold {hold} s"));
        }
        if let Some(minutes) = self.minutes {
            parts.push(format!("{minutes} min"));
        }
        if let Some(load) = &self.load {
            parts.push(load.clone());
        }
        if let Some(frequency) = &self.frequency {
            parts.push(frequency.clone());
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spinal_levels_are_read_in_every_written_form_and_kept_in_one() {
        for (text, kept) in [
            ("L4/L5", "L4-L5"),
            ("L4-5", "L4-L5"),
            ("l4-l5", "L4-L5"),
            ("T8-10", "T8-T10"),
            ("C5–C6", "C5-C6"),
            ("C0-C1", "C0-C1"),
            ("L5-S1", "L5-S1"),
            ("S1", "S1"),
            // A run of segments is the range from the first to the last.
            ("L4-L5-S1", "L4-S1"),
            ("T5-6-7", "T5-T7"),
        ] {
            assert_eq!(
                SpinalLevel::parse(text).map(|l| l.to_string()).as_deref(),
                Some(kept),
                "{text}"
            );
        }
        for text in ["L6", "T13", "C9", "L5-L4", "X1", "", "L5-L4-S1"] {
            assert_eq!(SpinalLevel::parse(text), None, "{text}");
        }
    }

    #[test]
    fn strength_and_reflex_grades_keep_their_scales() {
        assert_eq!(
            MrcGrade::parse("4+/5").map(|g| g.to_string()).as_deref(),
            Some("4+/5")
        );
        assert_eq!(
            MrcGrade::parse("4 -").map(|g| g.to_string()).as_deref(),
            Some("4-/5")
        );
        assert!(MrcGrade::parse("5/5").is_some_and(MrcGrade::is_full));
        assert_eq!(MrcGrade::parse("5+/5"), None);
        assert_eq!(MrcGrade::parse("6/5"), None);
        assert_eq!(
            ReflexGrade::parse("2+").map(|g| g.to_string()).as_deref(),
            Some("2+")
        );
        assert_eq!(ReflexGrade::parse("2/4").map(|g| g.grade()), Some(2));
        assert_eq!(
            ReflexGrade::parse("0").map(|g| g.to_string()).as_deref(),
            Some("0")
        );
        assert_eq!(ReflexGrade::parse("5+"), None);
    }

    #[test]
    fn a_detail_reads_as_a_note_and_survives_json() {
        let detail = FindingDetail {
            level: SpinalLevel::parse("L4/5"),
            measurement: Some(Measurement {
                quantity: 45.0,
                unit: Unit::Degrees,
                of: Some("lumbar flexion".into()),
                normal: Some(60.0),
            }),
            strength: MrcGrade::parse("4+"),
            provoked_by: vec![Activity::Sitting, Activity::CoughSneeze],
            eased_by: vec![Activity::Walking],
            onset: Some(Onset::Sudden),
            course: Some(Course::Progressive),
            ..FindingDetail::default()
        };
        assert_eq!(
            detail.describe(),
            "L4-L5, lumbar flexion 45° (normal 60°), 4+/5, worse with sitting, cough or sneeze, eased by walking, sudden onset, progressive"
        );
        let json = serde_json::to_string(&detail).unwrap_or_default();
        assert_eq!(
            serde_json::from_str::<FindingDetail>(&json).ok(),
            Some(detail.clone())
        );
        assert!(FindingDetail::default().is_empty());
        assert!(serde_json::from_str::<FindingDetail>(r#"{"level": "L9"}"#).is_err());
        assert!(serde_json::from_str::<FindingDetail>(r#"{"provoked_by": ["dancing"]}"#).is_err());
    }
}
