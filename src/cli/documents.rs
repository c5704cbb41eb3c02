//! `upstream pdf ...` and `upstream clinic`: documents from the record as PDF, and the
//! clinic profile that heads them.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::{CliError, records, stdout_error};
use crate::documents::{
    self, DocumentError, DocumentKind, DocumentOptions, Paper, Templates, UNENCRYPTED_WARNING,
};
use crate::model::{LetterUrgency, PatientId, VisitId};
use crate::reasoner::{Case, Reasoner};

/// How every PDF is laid out.
#[derive(Debug, Args)]
pub struct Layout {
    /// The file to write
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Paper: a4 or us-letter
    #[arg(long, default_value = "a4", value_parser = parse_paper)]
    pub paper: Paper,
    /// A folder of the clinic's own templates; a file there named as a built-in one
    /// (visit_note.typ, common.typ, ...) takes its place
    #[arg(long, value_name = "FOLDER")]
    pub templates: Option<PathBuf>,
}

fn parse_paper(text: &str) -> Result<Paper, String> {
    Paper::from_code(text).ok_or_else(|| format!("`{text}`: the paper is a4 or us-letter"))
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    crate::store::parse_date(text).ok_or_else(|| format!("`{text}`: write a date as 2026-03-31"))
}

fn parse_urgency(text: &str) -> Result<LetterUrgency, String> {
    LetterUrgency::from_code(text)
        .ok_or_else(|| format!("`{text}`: urgency is emergency, same_day, soon or routine"))
}

#[derive(Debug, Subcommand)]
pub enum PdfCommand {
    /// A visit's note: SOAP, findings, treatment, body chart, signature and addenda
    Note {
        visit_id: i64,
        #[command(flatten)]
        layout: Layout,
    },
    /// A patient's progress over a period: plot, each symptom's change, what helped,
    /// assessment and plan
    Progress {
        patient_id: i64,
        #[arg(long, value_parser = parse_day, value_name = "DATE")]
        from: NaiveDate,
        #[arg(long, value_parser = parse_day, value_name = "DATE")]
        to: NaiveDate,
        #[command(flatten)]
        layout: Layout,
    },
    /// Sign a referral letter as --as, keep it in the record, and write it; started
    /// from a red flag raised at --visit (--flag), or written whole with --to and --reason
    Letter {
        patient_id: i64,
        /// The visit the letter is written from
        #[arg(long, value_name = "VISIT")]
        visit: Option<i64>,
        /// A red flag raised at --visit (its id, as `upstream reason` names it): its
        /// referral target, urgency, reason and findings start the letter
        #[arg(long, value_name = "FLAG", requires = "visit")]
        flag: Option<String>,
        /// To whom
        #[arg(long = "to", value_name = "WHOM")]
        recipient: Option<String>,
        #[arg(long, value_parser = parse_urgency)]
        urgency: Option<LetterUrgency>,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        findings: Option<String>,
        /// What has been done
        #[arg(long)]
        done: Option<String>,
        /// What was avoided
        #[arg(long)]
        avoided: Option<String>,
        #[command(flatten)]
        layout: Layout,
    },
    /// Write again a letter kept in the record
    Reprint {
        letter_id: i64,
        #[command(flatten)]
        layout: Layout,
    },
    /// For the patient: why we treat where it doesn't hurt, and their home exercises
    Handout {
        patient_id: i64,
        /// The hypothesis whose referral zones to draw [default: the leading one]
        #[arg(long, value_name = "SOURCE")]
        hypothesis: Option<String>,
        #[command(flatten)]
        layout: Layout,
    },
}

/// `upstream clinic`: with no option, shows the profile; with options, changes them.
#[derive(Debug, Args)]
pub struct ClinicArgs {
    #[arg(long)]
    pub clinician: Option<String>,
    /// "DC", "PT, DPT"
    #[arg(long)]
    pub credentials: Option<String>,
    /// Licence or registration number
    #[arg(long)]
    pub registration: Option<String>,
    #[arg(long)]
    pub practice: Option<String>,
    #[arg(long)]
    pub address: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    /// A PNG or JPEG for the letterhead; an empty value removes it
    #[arg(long, value_name = "FILE")]
    pub logo: Option<PathBuf>,
}

fn options(layout: &Layout) -> DocumentOptions {
    DocumentOptions {
        paper: layout.paper,
        templates: layout
            .templates
            .clone()
            .map_or(Templates::Builtin, Templates::Folder),
    }
}

fn written(out: &mut impl Write, what: &str, path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    documents::write_pdf(path, bytes).map_err(DocumentError::into_cli)?;
    writeln!(
        out,
        "wrote the {what} to {} ({} bytes)",
        path.display(),
        bytes.len()
    )
    .map_err(stdout_error)?;
    eprintln!("upstream: {UNENCRYPTED_WARNING}");
    Ok(())
}

impl DocumentError {
    fn into_cli(self) -> CliError {
        match self {
            DocumentError::Store(error) => CliError::Store(error),
            other => CliError::Document(other),
        }
    }
}

pub fn pdf(
    path: &Path,
    actor: Option<String>,
    command: &PdfCommand,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let (kind, layout) = match command {
        PdfCommand::Note { visit_id, layout } => {
            (DocumentKind::VisitNote(VisitId(*visit_id)), layout)
        }
        PdfCommand::Progress {
            patient_id,
            from,
            to,
            layout,
        } => (
            DocumentKind::ProgressReport {
                patient: PatientId(*patient_id),
                from: *from,
                to: *to,
            },
            layout,
        ),
        PdfCommand::Reprint { letter_id, layout } => (
            DocumentKind::Letter(crate::model::LetterId(*letter_id)),
            layout,
        ),
        PdfCommand::Handout {
            patient_id,
            hypothesis,
            layout,
        } => (
            DocumentKind::Handout {
                patient: PatientId(*patient_id),
                hypothesis: hypothesis.clone(),
            },
            layout,
        ),
        PdfCommand::Letter { .. } => return letter(path, actor, command, out),
    };
    let store = records::open(path)?;
    let bytes = kind
        .make(&store, &options(layout))
        .map_err(DocumentError::into_cli)?;
    written(out, kind.label(), &layout.output, &bytes)
}

fn letter(
    path: &Path,
    actor: Option<String>,
    command: &PdfCommand,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let PdfCommand::Letter {
        patient_id,
        visit,
        flag,
        recipient,
        urgency,
        reason,
        findings,
        done,
        avoided,
        layout,
    } = command
    else {
        return Ok(());
    };
    let mut writing = records::Writing::open(path, actor)?;
    let patient = writing.store.patient(PatientId(*patient_id))?;
    let mut draft = match (visit, flag) {
        (Some(visit), Some(flag)) => {
            let timeline = writing.store.timeline(patient.id)?;
            let record = timeline
                .iter()
                .find(|r| r.visit.id == VisitId(*visit))
                .ok_or_else(|| {
                    CliError::Usage(format!("visit {visit} is not in {}'s record", patient.name))
                })?;
            let reasoner = Reasoner::builtin();
            let assessment = reasoner.assess(&Case::for_visit(&patient, record));
            let raised = assessment
                .red_flags
                .iter()
                .find(|f| f.id == *flag)
                .ok_or_else(|| {
                    let raised: Vec<&str> =
                        assessment.red_flags.iter().map(|f| f.id.as_str()).collect();
                    CliError::Usage(format!(
                        "the red flag `{flag}` is not raised at visit {visit} (raised there: {})",
                        if raised.is_empty() {
                            "none".to_owned()
                        } else {
                            raised.join(", ")
                        }
                    ))
                })?;
            documents::letter_from_flag(&writing.store, VisitId(*visit), raised)
                .map_err(DocumentError::into_cli)?
        }
        _ => {
            let mut draft = documents::blank_letter(&writing.store, patient.id)
                .map_err(DocumentError::into_cli)?;
            draft.visit_id = visit.map(VisitId).or(draft.visit_id);
            draft
        }
    };
    for (field, given) in [
        (&mut draft.recipient, recipient),
        (&mut draft.reason, reason),
        (&mut draft.findings, findings),
        (&mut draft.done, done),
        (&mut draft.avoided, avoided),
    ] {
        if let Some(text) = given {
            *field = text.clone();
        }
    }
    if let Some(urgency) = urgency {
        draft.urgency = *urgency;
    }
    let letter = crate::notebook::sign_letter(&mut writing.store, &writing.actor, &draft)?;
    let bytes = documents::referral_letter(&writing.store, letter.id, &options(layout))
        .map_err(DocumentError::into_cli)?;
    writeln!(
        out,
        "letter {} to {} signed by {} and kept in {}'s record",
        letter.id, letter.draft.recipient, letter.signed_by, patient.name
    )
    .map_err(stdout_error)?;
    written(out, "referral letter", &layout.output, &bytes)?;
    writing.finish(out)
}

pub fn clinic(
    path: &Path,
    actor: Option<String>,
    args: &ClinicArgs,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let changes = [
        &args.clinician,
        &args.credentials,
        &args.registration,
        &args.practice,
        &args.address,
        &args.phone,
    ]
    .iter()
    .any(|a| a.is_some())
        || args.logo.is_some();
    if changes {
        let mut writing = records::Writing::open(path, actor)?;
        let mut profile = writing.store.clinic_profile()?;
        for (field, given) in [
            (&mut profile.clinician, &args.clinician),
            (&mut profile.credentials, &args.credentials),
            (&mut profile.registration, &args.registration),
            (&mut profile.practice, &args.practice),
            (&mut profile.address, &args.address),
            (&mut profile.phone, &args.phone),
        ] {
            if let Some(text) = given {
                *field = text.clone();
            }
        }
        if let Some(logo) = &args.logo {
            profile.logo = if logo.as_os_str().is_empty() {
                None
            } else {
                Some(read_logo(logo)?)
            };
        }
        crate::notebook::set_clinic_profile(&mut writing.store, &writing.actor, &profile)?;
        writeln!(out, "the clinic profile is saved").map_err(stdout_error)?;
        return writing.finish(out);
    }
    let profile = records::open(path)?.clinic_profile()?;
    for (label, value) in [
        ("Clinician", &profile.clinician),
        ("Credentials", &profile.credentials),
        ("Registration", &profile.registration),
        ("Practice", &profile.practice),
        ("Address", &profile.address),
        ("Phone", &profile.phone),
    ] {
        writeln!(out, "{label:<13} {}", crate::model::printable(value)).map_err(stdout_error)?;
    }
    writeln!(
        out,
        "{:<13} {}",
        "Logo",
        profile
            .logo
            .as_ref()
            .map_or("none".to_owned(), |l| format!("{} bytes", l.len()))
    )
    .map_err(stdout_error)
}

/// A logo is a PNG or JPEG of at most 2 MB: it is kept in the notebook and in the trail.
pub fn read_logo(path: &Path) -> Result<Vec<u8>, CliError> {
    let bytes = std::fs::read(path).map_err(|source| CliError::Io {
        path: path.to_owned(),
        source,
    })?;
    documents::check_logo(&bytes).map_err(|message| {
        CliError::Usage(format!(
            "{}: {message}; the profile was not changed",
            path.display()
        ))
    })?;
    Ok(bytes)
}
