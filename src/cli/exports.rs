//! `upstream fhir` and `upstream csv`: one patient's record or the whole notebook, as a
//! FHIR R4 Bundle or as CSV tables. Like `upstream export`, they write a file that is not
//! encrypted only when told `--unencrypted`.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CliError, records, stdout_error};
use crate::exports::{self, ExportError, Scope};
use crate::model::PatientId;

/// Whose record, and where it goes.
#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    /// The patient's id (`upstream patients` lists them)
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub patient: Option<i64>,
    /// Every patient in the notebook
    #[arg(long)]
    pub all: bool,
    /// The file (FHIR) or folder (CSV) to write
    #[arg(short = 'o', long = "out", value_name = "PATH")]
    pub out: PathBuf,
    /// Write it even though it is not encrypted (anyone with it can read the records in it)
    #[arg(long)]
    pub unencrypted: bool,
}

impl ExportArgs {
    fn scope(&self) -> Scope {
        match self.patient {
            Some(id) if !self.all => Scope::Patient(PatientId(id)),
            _ => Scope::Notebook,
        }
    }
}

impl From<ExportError> for CliError {
    fn from(error: ExportError) -> CliError {
        match error {
            ExportError::Store(store) => CliError::Store(store),
            other => CliError::Usage(other.to_string()),
        }
    }
}

/// Refuses to write an unencrypted file unless told it is wanted.
fn consented(args: &ExportArgs) -> Result<(), CliError> {
    if args.unencrypted {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "{} Say --unencrypted to write it anyway",
            exports::unencrypted_warning(&args.out)
        )))
    }
}

pub fn fhir(
    database: &Path,
    actor: Option<String>,
    args: &ExportArgs,
    out: &mut impl Write,
) -> Result<(), CliError> {
    consented(args)?;
    let store = records::open(database)?;
    let by = records::actor_for(&store, actor)?;
    let resources = crate::notebook::write_fhir(&store, &by, args.scope(), &args.out)?;
    writeln!(
        out,
        "wrote a FHIR R4 Bundle of {resources} resources to {}\n{}",
        args.out.display(),
        exports::unencrypted_warning(&args.out)
    )
    .map_err(stdout_error)
}

pub fn csv(
    database: &Path,
    actor: Option<String>,
    args: &ExportArgs,
    out: &mut impl Write,
) -> Result<(), CliError> {
    consented(args)?;
    let store = records::open(database)?;
    let by = records::actor_for(&store, actor)?;
    let tables = exports::csv::write_csv(&store, &by, args.scope(), &args.out)?;
    writeln!(
        out,
        "wrote {} visits, {} findings and {} interventions to {}\n{}",
        tables.visits,
        tables.findings,
        tables.interventions,
        tables
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        exports::unencrypted_warning(&args.out)
    )
    .map_err(stdout_error)
}
