//! The command line: the same core as the GUI, for scripting and for tests.

mod documents;
mod exports;
mod read;
mod reason;
mod records;

pub use records::{NEW_PASSPHRASE_VARIABLE, PASSPHRASE_VARIABLE};

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::model::{Patient, PatientId, VisitRecord, Vocabulary, printable};
use crate::notebook::{self, NotebookError};
use crate::store::{self, NotebookFile, StoreError};

#[derive(Debug, Parser)]
#[command(
    name = "upstream",
    version,
    about = "An offline clinical notebook with a referral reasoner"
)]
pub struct Cli {
    /// The notebook database file [default: the platform data directory]
    #[arg(long, global = true, env = "UPSTREAM_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Who makes the changes, as the audit trail and signatures will name them
    /// [default: the clinician set in the window's Settings]
    #[arg(
        long = "as",
        global = true,
        env = "UPSTREAM_CLINICIAN",
        value_name = "NAME"
    )]
    pub actor: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the notebook window (the default)
    Gui,
    /// Add the demo clinic: eight fictional patients with several months of visits
    Demo {
        /// Add it even when the notebook already has patients
        #[arg(long)]
        force: bool,
    },
    /// List patients, or those matching a name or date-of-birth prefix
    Patients {
        #[arg(long, value_name = "QUERY")]
        search: Option<String>,
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 200)]
        limit: usize,
    },
    /// Show a patient's visits, oldest first, with findings and interventions
    Timeline {
        patient_id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Write the whole notebook to a JSON file (not encrypted: say --unencrypted)
    Export {
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
        /// Write it even though the file is not encrypted (anyone with it can read every
        /// record in it)
        #[arg(long)]
        unencrypted: bool,
        /// Only this patient's record (their id)
        #[arg(long, value_name = "ID")]
        patient: Option<i64>,
    },
    /// Write one patient's record or the whole notebook as a FHIR R4 Bundle (JSON)
    Fhir(exports::ExportArgs),
    /// Write one patient's record or the whole notebook as visits.csv, findings.csv and
    /// interventions.csv in a folder
    Csv(exports::ExportArgs),
    /// Add the patients of a JSON notebook file; nothing is added if any of it is wrong
    Import {
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
    },
    /// Measure the store on a synthetic clinic in a temporary database
    Bench(crate::bench::BenchOptions),
    /// Which remote sources explain a case's findings, and which red flags it raises; or
    /// with --patient, what a patient's visits show read together
    Reason(reason::ReasonArgs),
    /// Read the clinic's own words as findings or interventions: what was read, with its
    /// span; what was not, with why; and what must be asked
    Read(read::ReadArgs),
    /// The knowledge base: check it, or list what it holds
    #[command(subcommand)]
    Kb(reason::KbCommand),
    /// Sign a draft visit as the clinician named by --as; from then on it cannot change,
    /// only take addenda
    Sign { visit_id: i64 },
    /// Add a dated addendum (a correction or late entry) to a signed visit
    Addendum {
        visit_id: i64,
        /// The author [default: --as]
        #[arg(long)]
        author: Option<String>,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        text: String,
    },
    /// Every change to a visit and to what was charted at it, from the audit trail
    History {
        visit_id: i64,
        #[arg(long)]
        json: bool,
    },
    /// The audit trail
    #[command(subcommand)]
    Audit(records::AuditCommand),
    /// Unsigned visits older than some days
    Drafts {
        #[arg(long, value_name = "DAYS", default_value_t = 7)]
        older_than: u32,
    },
    /// Copy the notebook to PATH (online backup, checked); never overwrites a file
    Backup { path: PathBuf },
    /// Put a backup in place of the notebook, keeping the current one aside
    Restore { path: PathBuf },
    /// Change the passphrase (UPSTREAM_NEW_PASSPHRASE, or asked twice); empty decrypts
    Rekey,
    /// Apply edits from stdin, one JSON object per line, each its own transaction;
    /// prints one JSON line per committed edit
    Apply,
    /// Write a visit note, progress report, referral letter or handout as PDF (not
    /// encrypted)
    #[command(subcommand)]
    Pdf(documents::PdfCommand),
    /// Show the clinic profile that heads every document, or change it
    Clinic(documents::ClinicArgs),
}

/// A failure the command line reports, with the exit status it deserves.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Import(#[from] store::ImportError),
    #[error(transparent)]
    Notebook(#[from] NotebookError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
    #[error("knowledge base check failed: {0}")]
    Check(String),
    #[error("the audit trail is broken; first broken link: {0}")]
    AuditBroken(String),
    #[error(
        "say who is making this change: --as NAME (or UPSTREAM_CLINICIAN), or set the clinician in the window's Settings"
    )]
    NoActor,
    #[error("the window failed: {0}")]
    Gui(#[from] eframe::Error),
    #[error(transparent)]
    Document(crate::documents::DocumentError),
}

impl CliError {
    fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::Import(_) => 2,
            CliError::Notebook(NotebookError::Store(_)) => 1,
            // The clinician's input was refused: a name, an entry, a file, a notebook.
            CliError::Notebook(_) => 2,
            _ => 1,
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // Output piped into `head` and cut short is not a failure.
        Err(CliError::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("upstream: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}

/// Where the notebook is: `--db`, `UPSTREAM_DB`, or the platform data directory.
pub fn database_path(db: Option<PathBuf>) -> Result<PathBuf, CliError> {
    db.or_else(store::default_path).ok_or_else(|| {
        CliError::Usage("no data directory is known for this user; pass --db PATH".into())
    })
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    let command = cli.command.unwrap_or(Command::Gui);
    // The commands that need no notebook.
    match &command {
        Command::Bench(options) => return crate::bench::run(options).map_err(CliError::from),
        Command::Reason(args) => {
            return reason::reason(args, cli.db.as_deref(), &mut std::io::stdout().lock());
        }
        Command::Kb(kb) => return reason::kb(kb, &mut std::io::stdout().lock()),
        Command::Read(args) => return read::read(args, &mut std::io::stdout().lock()),
        _ => {}
    }
    let actor = cli.actor;
    let default_location = cli.db.is_none();
    let path = database_path(cli.db)?;
    if default_location && let Some(folder) = path.parent() {
        // Upstream's own data folder is made on first use; a folder the user named is not.
        std::fs::create_dir_all(folder).map_err(|source| CliError::Io {
            path: folder.to_owned(),
            source,
        })?;
    }
    let mut out = std::io::stdout().lock();
    match command {
        Command::Gui => Ok(crate::ui::run_native(&path)?),
        Command::Bench(_) | Command::Reason(_) | Command::Kb(_) | Command::Read(_) => Ok(()),
        Command::Sign { visit_id } => records::sign(&path, actor, visit_id, &mut out),
        Command::Addendum {
            visit_id,
            author,
            reason,
            text,
        } => {
            let actor = author.or(actor);
            records::addendum(&path, actor, visit_id, &reason, &text, &mut out)
        }
        Command::History { visit_id, json } => records::history(&path, visit_id, json, &mut out),
        Command::Audit(audit) => records::audit(&path, &audit, &mut out),
        Command::Drafts { older_than } => records::drafts(&path, older_than, &mut out),
        Command::Backup { path: destination } => {
            records::backup(&path, actor, &destination, &mut out)
        }
        Command::Restore { path: backup } => records::restore(&path, actor, &backup, &mut out),
        Command::Rekey => records::rekey(&path, actor, &mut out),
        Command::Apply => records::apply(&path, actor, std::io::stdin().lock(), &mut out),
        Command::Pdf(pdf) => documents::pdf(&path, actor, &pdf, &mut out),
        Command::Clinic(args) => documents::clinic(&path, actor, &args, &mut out),
        Command::Demo { force } => {
            let mut writing = records::Writing::open(&path, actor)?;
            let into = if force {
                notebook::DemoInto::AnyNotebook
            } else {
                notebook::DemoInto::EmptyNotebook
            };
            let summary = match notebook::add_demo_clinic(&mut writing.store, &writing.actor, into)
            {
                Err(NotebookError::NotEmpty { patients }) => {
                    return Err(CliError::Usage(format!(
                        "{} already has {patients} patients; use --db to make the demo clinic in a new file, or --force to add it anyway",
                        path.display()
                    )));
                }
                done => done?,
            };
            writeln!(
                out,
                "added the demo clinic to {}: {} patients, {} visits, {} findings, {} interventions",
                path.display(),
                summary.patients,
                summary.visits,
                summary.findings,
                summary.interventions
            )
            .map_err(stdout_error)?;
            writing.finish(&mut out)
        }
        Command::Patients {
            search,
            json,
            limit,
        } => {
            let store = records::open(&path)?;
            let patients = store.search_patients(search.as_deref().unwrap_or(""), limit)?;
            if json {
                write_json(&mut out, &patients)
            } else {
                print_patients(&mut out, &patients).map_err(stdout_error)
            }
        }
        Command::Timeline { patient_id, json } => {
            let store = records::open(&path)?;
            let patient = store.patient(PatientId(patient_id))?;
            let timeline = store.timeline(patient.id)?;
            if json {
                write_json(
                    &mut out,
                    &store::PatientRecord {
                        letters: store.letters(patient.id)?,
                        patient,
                        visits: timeline,
                    },
                )
            } else {
                print_timeline(&mut out, &patient, &timeline).map_err(stdout_error)
            }
        }
        Command::Fhir(args) => exports::fhir(&path, actor, &args, &mut out),
        Command::Csv(args) => exports::csv(&path, actor, &args, &mut out),
        Command::Export {
            json,
            unencrypted,
            patient: Some(patient),
        } => {
            if !unencrypted {
                return Err(CliError::Usage(format!(
                    "{} Say --unencrypted to write it anyway",
                    crate::exports::unencrypted_warning(&json)
                )));
            }
            let store = records::open(&path)?;
            let by = records::actor_for(&store, actor)?;
            let visits = crate::exports::write_json(&store, &by, PatientId(patient), &json)?;
            writeln!(
                out,
                "exported patient {patient} and {visits} visits to {}",
                json.display()
            )
            .map_err(stdout_error)
        }
        Command::Export {
            json, unencrypted, ..
        } => {
            if !unencrypted {
                return Err(CliError::Usage(format!(
                    "{} would not be encrypted: anyone with the file could read every patient's record in it. Say --unencrypted to write it anyway, and keep it somewhere safe",
                    json.display()
                )));
            }
            let store = records::open(&path)?;
            let by = records::actor_for(&store, actor)?;
            let exported = notebook::export(&store, &by, &json)?;
            writeln!(
                out,
                "exported {} patients and {} visits to {}",
                exported.patients,
                exported.visits,
                exported.path.display()
            )
            .map_err(stdout_error)
        }
        Command::Import { json } => {
            // Read and check the whole file before the database is even opened.
            let file = NotebookFile::read(&json)?;
            let mut writing = records::Writing::open(&path, actor)?;
            let notebook::Imported { summary, .. } =
                notebook::import(&mut writing.store, &writing.actor, &file, &json)?;
            writeln!(
                out,
                "imported {} patients, {} visits, {} findings, {} interventions, {} signed letters{}",
                summary.patients,
                summary.visits,
                summary.findings,
                summary.interventions,
                summary.letters,
                if summary.kept_ids {
                    " (ids kept)"
                } else {
                    " (with new ids)"
                }
            )
            .map_err(stdout_error)?;
            if let Some(line) = profile_words(&summary.clinic_profile) {
                writeln!(out, "{line}").map_err(stdout_error)?;
            }
            writing.finish(&mut out)
        }
    }
}

fn stdout_error(source: std::io::Error) -> CliError {
    CliError::Io {
        path: PathBuf::from("<stdout>"),
        source,
    }
}

fn write_json<T: serde::Serialize>(out: &mut impl Write, value: &T) -> Result<(), CliError> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|error| stdout_error(error.into()))?;
    writeln!(out).map_err(stdout_error)
}

fn print_patients(out: &mut impl Write, patients: &[Patient]) -> std::io::Result<()> {
    writeln!(
        out,
        "{:>6}  {:<28}  {:<10}  {:<12}  Occupation",
        "ID", "Name", "Born", "Sex"
    )?;
    for patient in patients {
        let born = patient
            .date_of_birth
            .map(|d| d.to_string())
            .unwrap_or_default();
        writeln!(
            out,
            "{:>6}  {:<28}  {:<10}  {:<12}  {}",
            patient.id,
            printable(&patient.name),
            born,
            patient.sex.label(),
            printable(&patient.occupation)
        )?;
    }
    Ok(())
}

fn print_timeline(
    out: &mut impl Write,
    patient: &Patient,
    timeline: &[VisitRecord],
) -> std::io::Result<()> {
    let vocabulary = Vocabulary::builtin();
    writeln!(out, "{} (id {})", printable(&patient.name), patient.id)?;
    for record in timeline {
        let visit = &record.visit;
        writeln!(
            out,
            "\n{}  {}  {}{}",
            visit.started_at.format("%Y-%m-%d %H:%M"),
            visit.kind.label(),
            printable(&visit.chief_complaint),
            if visit.status == crate::model::VisitStatus::Draft {
                "  [draft]"
            } else {
                ""
            }
        )?;
        if let Some(signature) = &visit.signature {
            writeln!(
                out,
                "  signed by {} at {}",
                printable(&signature.by),
                signature.at.format("%Y-%m-%d %H:%M")
            )?;
        }
        for finding in &record.findings {
            writeln!(out, "  finding       {}", finding.describe(vocabulary))?;
        }
        for intervention in &record.interventions {
            writeln!(out, "  intervention  {}", intervention.describe())?;
        }
        for measure in &record.measures {
            writeln!(out, "  measure       {}", printable(&measure.describe()))?;
        }
        for addendum in &record.addenda {
            writeln!(
                out,
                "  addendum      {} by {} ({}): {}",
                addendum.written_at.format("%Y-%m-%d %H:%M"),
                printable(&addendum.author),
                printable(&addendum.reason),
                printable(&addendum.text)
            )?;
        }
    }
    Ok(())
}

/// What became of the file's clinic profile, when there is something to say.
fn profile_words(outcome: &store::ProfileImport) -> Option<String> {
    match outcome {
        store::ProfileImport::NoneInFile | store::ProfileImport::AlreadySame => None,
        store::ProfileImport::Taken => {
            Some("the clinic profile came from the file (this notebook had none)".to_owned())
        }
        store::ProfileImport::KeptNotebooks {
            file_practice,
            file_clinician,
        } => Some(format!(
            "this notebook kept its own clinic profile; the file's ({}) was not used: change it with Settings if you want it",
            [file_clinician.as_str(), file_practice.as_str()]
                .into_iter()
                .filter(|part| !part.trim().is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}
