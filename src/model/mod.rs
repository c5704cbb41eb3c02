//! Domain types of the notebook: patients, visits, findings, interventions and the
//! shared vocabulary of body regions and finding kinds. Pure data, no I/O.

mod detail;
mod entry;
mod finding;
mod intervention;
mod letter;
pub mod measure;
mod names;
mod patient;
pub mod reader;
pub mod series;
pub mod shorthand;
mod side;
mod visit;
pub mod vocabulary;

pub use detail::{
    Activity, Course, FindingDetail, Frequency, InterventionDetail, Measurement, MobilisationGrade,
    Modality, MrcGrade, Onset, ReflexGrade, Severity, SpinalLevel, Technique, Unit,
};
pub use entry::{EntryError, FindingEntry};
pub use finding::{Finding, FindingId, Intensity, IntensityError, KindCode, Presence, RegionCode};
pub use intervention::{Intervention, InterventionId, InterventionKind};
pub use letter::{ClinicProfile, Letter, LetterDraft, LetterId, LetterUrgency};
pub use measure::{Instrument, Measure, MeasureError, MeasureId};
pub use names::{clean_name, printable};
pub use patient::{Patient, PatientId, Sex};
pub use side::Side;
pub use visit::{
    Addendum, AddendumId, Signature, Visit, VisitId, VisitKind, VisitRecord, VisitStatus,
};
pub use vocabulary::{Laterality, RegionPresence, Vocabulary};
